#pragma once

#include "sandbox/frontbase.h"

namespace Sandbox {

// Peako jobs (document 003): POST /api/render, /api/transcribe, /api/video/{operation} answer a
// jobId; GET /api/jobs/{jobId} (fields exactly as the table says, progress only while active),
// GET /api/jobs with worker counts, DELETE /api/jobs/{jobId} (queued only, 409 otherwise).
// X-API-Key auth. Jobs and files are purged 7 days after completion (scaled by --speed).
class PeakoFront final : public FrontBase
{
public:
    explicit PeakoFront(ServiceContext &context);
    void registerRoutes(Router &router) override;

private:
    void submit(HttpContext &ctx, const QString &path);
    void status(HttpContext &ctx);
    void list(HttpContext &ctx);
    void cancel(HttpContext &ctx);
    void error(HttpContext &ctx, int status, const QString &message) const;
    bool authorized(HttpContext &ctx) const;
    QJsonObject statusBody(const Job &job) const;
};

} // namespace Sandbox
