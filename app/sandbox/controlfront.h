#pragma once

#include "sandbox/servicecontext.h"

#include <QJsonObject>
#include <functional>

namespace Sandbox {

class HttpContext;
class HttpServer;
class Router;
struct Job;

// The QA control API under /_sandbox. Per job: advance, hold, release, fail, cancel, ask-input,
// expire, drop; globally: drop every SSE / WebSocket connection, list jobs, webhook attempts, the
// request log and load statistics. Every route is listed in docs/sandbox.md.
//
// admit() guards every control path before routing (the server runs it as a filter): a request
// from another origin is refused (403), one without this run's token in X-Sandbox-Token is refused
// (401 without, 403 with a wrong one; no token is asked when `token` is empty), and a request with
// a body, or from a page, must send it as application/json (415) — a page cannot send the custom
// header, nor a JSON body, to another origin without a preflight, which the sandbox never answers.
class ControlFront final
{
public:
    ControlFront(ServiceContext &context, HttpServer *server, QByteArray token,
        std::function<QJsonObject()> info);
    void registerRoutes(Router &router);
    // True when the request may reach a control route; otherwise it has been answered.
    bool admit(HttpContext &ctx);

    static constexpr const char *TokenHeader = "X-Sandbox-Token";

private:
    Job *jobOr404(HttpContext &ctx);
    void done(HttpContext &ctx, const Job *job, const QString &refusal);
    QJsonObject summary(const Job &job) const;
    QJsonObject stats() const;

    ServiceContext &m_ctx;
    HttpServer *m_server;
    QByteArray m_token;
    std::function<QJsonObject()> m_info;
};

} // namespace Sandbox
