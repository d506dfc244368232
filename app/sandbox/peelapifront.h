#pragma once

#include "sandbox/frontbase.h"

namespace Sandbox {

// PeelAPI jobs (document 000): POST /v1/{endpoint} submits, GET /v1/jobs/{id} reads the
// {data, errors} envelope, GET /v1/jobs/{id}/stream is the SSE stream with status, log, result
// and end events, each with an id, replayable with Last-Event-ID. Bearer auth.
class PeelApiFront final : public FrontBase
{
public:
    explicit PeelApiFront(ServiceContext &context);
    void registerRoutes(Router &router) override;

    void jobCreated(Job &job) override;
    void jobTransitioned(Job &job, Phase from) override;
    void jobProgressed(Job &job) override;
    void jobLogged(Job &job, const LogLine &line) override;

private:
    void submit(HttpContext &ctx, const QString &endpoint);
    void status(HttpContext &ctx);
    void stream(HttpContext &ctx);
    void fail(HttpContext &ctx, int status, const QString &code, const QString &message) const;
    QJsonObject jobData(const Job &job) const;
    QJsonObject statusEventData(const Job &job) const;
    void emitEvent(Job &job, const QByteArray &type, const QByteArray &data);
};

} // namespace Sandbox
