#pragma once

#include "dialects/adapter.h"

namespace Dialects {

// ImagePipeline compute jobs (seed 001, docs/dialects.md "ImagePipeline").
//
// - Auth `X-API-Key: KEY`. Submit `POST {base}/{endpoint}` (e.g. generate/image/v1) answers a
//   JobQueuedResponse; status is `GET {base}/{endpoint}/status/{job_id}` and only works through
//   the endpoint that created the job, so JobRef::task must name it. An empty task falls back to
//   "generate/image/v1" (the document's own example), which is right for generate jobs only.
// - States: queued and pending are both Queued (rawStatus keeps which), processing Running,
//   completed Succeeded, failed Failed, cancelled Cancelled. Progress is an integer 0..100.
// - Outputs: result_url (+ result_mime_type, result_size_bytes); timings queue_wait_s,
//   inference_s, total_s, created_ms (queued_at), estimated_s; credits {charged, amount};
//   failure: error + failure_reason_code + retryable.
// - Webhooks (body field "callback_url"): the WebhookEvent, result_base64 decoded into
//   Output::inlineData; eventKey "webhook:{job_id}:{status}".
class ImagePipelineAdapter : public Adapter
{
public:
    explicit ImagePipelineAdapter(Core::Profile profile);

    Core::Dialect dialect() const override { return Core::Dialect::ImagePipeline; }

    RequestSpec status(const JobRef &job) const override;
    QString callbackField() const override;

    SubmitResult parseSubmit(
        const QString &task, int httpStatus, const QByteArray &body) const override;
    Core::JobUpdate parseStatus(
        const JobRef &job, int httpStatus, const QByteArray &body) const override;
    Core::JobUpdate parseWebhook(const QByteArray &body) const override;

    PollPolicy pollPolicy(const JobRef &job, const QJsonObject &input) const override;

    static QString defaultTask() { return QStringLiteral("generate/image/v1"); }

protected:
    std::optional<Core::JobState> normalizedState(const QString &raw) const override;
    void readRecord(const QJsonObject &record, Core::JobUpdate *u) const override;
};

} // namespace Dialects
