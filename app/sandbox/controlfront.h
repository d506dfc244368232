#pragma once

#include "sandbox/servicecontext.h"

#include <QJsonObject>
#include <functional>

namespace Sandbox {

class HttpContext;
class HttpServer;
class Router;
struct Job;

// The QA control API under /_sandbox (no key: the sandbox listens on loopback). Per job: advance,
// hold, release, fail, cancel, ask-input, expire, drop; globally: drop every SSE / WebSocket
// connection, list jobs, webhook attempts, the request log and load statistics.
// Every route is listed in docs/sandbox.md.
class ControlFront final
{
public:
    ControlFront(ServiceContext &context, HttpServer *server, std::function<QJsonObject()> info);
    void registerRoutes(Router &router);

private:
    Job *jobOr404(HttpContext &ctx);
    void done(HttpContext &ctx, const Job *job, const QString &refusal);
    QJsonObject summary(const Job &job) const;
    QJsonObject stats() const;

    ServiceContext &m_ctx;
    HttpServer *m_server;
    std::function<QJsonObject()> m_info;
};

} // namespace Sandbox
