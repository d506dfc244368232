#pragma once

#include "sandbox/frontbase.h"

namespace Sandbox {

// ImagePipeline (document 001): POST /{endpoint} answers a JobQueuedResponse, GET
// /{endpoint}/status/{job_id} a JobStatusResponse (progress 0-100, timings, credits, signed
// result_url, failure_reason_code and retryable), and a signed WebhookEvent goes to callback_url
// when the job is completed or failed. X-API-Key auth.
class ImagePipelineFront final : public FrontBase
{
public:
    explicit ImagePipelineFront(ServiceContext &context);
    void registerRoutes(Router &router) override;
    void jobTransitioned(Job &job, Phase from) override;

    static QJsonObject webhookSchema();

private:
    void submit(HttpContext &ctx, const QString &endpoint);
    void status(HttpContext &ctx, const QString &endpoint, const QString &id);
    void fail(HttpContext &ctx, int status, const QString &code, const QString &message) const;
    QJsonObject statusBody(const Job &job) const;
    bool authorized(HttpContext &ctx);
};

} // namespace Sandbox
