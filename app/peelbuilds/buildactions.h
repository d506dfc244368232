#pragma once

#include "core/profile.h"
#include "peelbuilds/buildresult.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <functional>
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

// The actions a Peel API build offers beyond its status (seed 002): respond to a paused build,
// revise, rebuild, health, the OpenAPI / MCP exports and the runtime `:call`. Every request is
// built by the profile's Dialects::Adapter and sent through a Net::HttpCall owned by this object.
//
// Each method returns a request id (> 0) at once and never answers synchronously: the result is
// delivered exactly once, later, to the callback (when given) and through finished(). Destroying
// the object (or cancelAll()) aborts what is in flight; no result is delivered for those.
// The QNetworkAccessManager is not owned and must outlive this object.
class BuildActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BuildActions)

public:
    using Callback = std::function<void(const BuildResult &)>;

    BuildActions(
        QNetworkAccessManager *nam, const Core::Profile &profile, QObject *parent = nullptr);
    ~BuildActions() override;

    const Core::Profile &profile() const;
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    // POST /v1/apis/{id}/respond with {"response": response}. 409 unless the build is needs_input.
    int respond(const QString &apiId, const QJsonObject &response, Callback callback = {});
    // POST …/revise with `body` ({"instructions": "…"}).
    int revise(const QString &apiId, const QJsonObject &body, Callback callback = {});
    // POST …/rebuild with {}.
    int rebuild(const QString &apiId, Callback callback = {});
    // GET …/health.
    int health(const QString &apiId, Callback callback = {});
    // GET …/exports/{openapi|mcp}; another format gives an Invalid error result.
    int exportSpec(const QString &apiId, const QString &format, Callback callback = {});
    // POST …/endpoints/{endpoint}:call with `input`; the answer is the runtime envelope.
    int call(const QString &apiId, const QString &endpoint, const QJsonObject &input,
        Callback callback = {});

    // Requests sent and not answered yet.
    int pendingCount() const { return int(m_pending.size()); }
    // Aborts every request in flight without delivering results.
    void cancelAll();

Q_SIGNALS:
    void finished(const PeelBuilds::BuildResult &result);

private:
    struct Pending;
    int send(BuildResult::Action action, const QString &apiId, const QString &detail,
        const std::optional<Dialects::RequestSpec> &spec, Callback callback);
    void complete(int id);
    void deliver(BuildResult result, const Callback &callback);

    QNetworkAccessManager *m_nam;
    std::unique_ptr<Dialects::Adapter> m_adapter;
    QHash<int, std::shared_ptr<Pending>> m_pending;
    int m_nextId = 1;
    int m_timeoutMs = 30000;
};

} // namespace PeelBuilds
