#pragma once

#include "core/profile.h"
#include "peelbuilds/buildresult.h"

#include <QJsonObject>
#include <QObject>
#include <memory>

class QNetworkAccessManager;

namespace Dialects {
class Adapter;
struct RequestSpec;
} // namespace Dialects

namespace Net {
class HttpCall;
}

namespace PeelBuilds {

class BuildOperation;

// The actions a Peel API build offers beyond its status (seed 002): respond to a paused build,
// revise, rebuild, health, the OpenAPI / MCP exports and the runtime `:call`. Every request is
// built by the profile's Dialects::Adapter and sent through a Net::HttpCall owned by this object.
//
// Each method returns a started BuildOperation, a child of this object: connect to its result()
// right away; it reports exactly once, later (a request the profile cannot make too, with an
// Invalid error), and deletes itself. Destroying this object (or cancelAll()) deletes what is in
// flight and aborts its request; those operations never report.
// The QNetworkAccessManager is not owned and must outlive this object.
class BuildActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BuildActions)

public:
    BuildActions(
        QNetworkAccessManager *nam, const Core::Profile &profile, QObject *parent = nullptr);
    ~BuildActions() override;

    const Core::Profile &profile() const;
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    // POST /v1/apis/{id}/respond with {"response": response}. 409 unless the build is needs_input.
    BuildOperation *respond(const QString &apiId, const QJsonObject &response);
    // POST …/revise with `body` ({"instructions": "…"}).
    BuildOperation *revise(const QString &apiId, const QJsonObject &body);
    // POST …/rebuild with {}.
    BuildOperation *rebuild(const QString &apiId);
    // GET …/health.
    BuildOperation *health(const QString &apiId);
    // GET …/exports/{openapi|mcp}; another format gives an Invalid error result.
    BuildOperation *exportSpec(const QString &apiId, const QString &format);
    // POST …/endpoints/{endpoint}:call with `input`; the answer is the runtime envelope.
    BuildOperation *call(const QString &apiId, const QString &endpoint, const QJsonObject &input);

    // Requests sent and not answered yet.
    int pendingCount() const;
    // Aborts every request in flight; none of them reports.
    void cancelAll();

private:
    BuildOperation *send(BuildResult::Action action, const QString &apiId, const QString &detail,
        const std::optional<Dialects::RequestSpec> &spec);

    QNetworkAccessManager *m_nam;
    std::unique_ptr<Dialects::Adapter> m_adapter;
    int m_timeoutMs = 30000;
};

} // namespace PeelBuilds
