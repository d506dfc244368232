#pragma once

#include "sandbox/frontbase.h"

#include <QList>
#include <QPointer>
#include <QTcpSocket>
#include <memory>

namespace Sandbox {

// Peel API builds (document 002): POST /v1/apis (matched reuse, wait_for_completion with
// timeout_ms), GET /v1/apis/{id} (the published contract), respond (409 unless needs_input),
// revise, rebuild, health, OpenAPI 3.1 and MCP exports, and runtime POST
// /v1/apis/{id}/endpoints/{name}:call with the normalized envelope. X-API-Key auth; host errors
// use the smaller {"error": "..."} shape.
class PeelFront final : public FrontBase
{
public:
    explicit PeelFront(ServiceContext &context);
    ~PeelFront() override;
    void registerRoutes(Router &router) override;
    void jobTransitioned(Job &job, Phase from) override;

private:
    struct Wait;
    void create(HttpContext &ctx);
    void get(HttpContext &ctx);
    void respond(HttpContext &ctx);
    void rebuild(HttpContext &ctx, bool revise);
    void health(HttpContext &ctx);
    void exportSpec(HttpContext &ctx, bool mcp);
    void call(HttpContext &ctx);
    void error(HttpContext &ctx, int status, const QString &message) const;
    Job *authorizedApi(HttpContext &ctx);
    QJsonObject record(const Job &job) const;
    // Answers now if the build is settled, else parks the socket until it is or the timeout hits.
    void replyOrWait(HttpContext &ctx, Job *job, const QJsonObject &extra, int settledStatus,
        bool waitRequested, int timeoutMs);
    static bool settled(const Job &job)
    {
        return job.isTerminal() || job.phase == Phase::NeedsInput;
    }
    void answer(Wait *w);

    QList<std::shared_ptr<Wait>> m_waits;
};

} // namespace Sandbox
