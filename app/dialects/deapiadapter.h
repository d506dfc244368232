#pragma once

#include "dialects/adapter.h"

namespace Dialects {

// deAPI job queue (seed 004, docs/dialects.md "deAPI").
//
// - Auth `Authorization: Bearer KEY`. Submit `POST {base}/api/v1/client/{task}` answers
//   {"data": {"request_id"}}; status `GET {base}/api/v1/client/request-status/{id}` answers
//   {"data": {request_id, status, job_type, progress, result_url, processing_time_ms, error,
//   preview}} (an unwrapped object is read too).
// - States: pending (Queued), processing (Running), done (Succeeded), error (Failed). Progress is a
//   percentage. result_url → one output; processing_time_ms → timings.processing_ms; job_type →
//   extra.job_type; error (a string, or an object) → a Job error. preview: a
//   `data:image/…;base64,…` URI is decoded into update.preview; an http(s) URL goes to
//   extra.preview_url.
// - Pusher: pusherChannel() is "private-client.{clientId}" (empty without a client id);
//   pusherAuth() POSTs {socket_id, channel_name} as JSON to profile.authUrl, or
//   {base}/broadcasting/auth when the profile has none. parsePusherEvent reads the `data` of
//   `request.status.updated` (jobId from request_id); its eventKey is
//   "pusher:{request_id}:{status}:{progress}" plus a digest of the preview when there is one, so
//   a replayed event has the same key and a preview at an already seen progress does not.
// - Webhooks (body field "webhook_url"): {"event": "job.completed" | "job.failed", "data":
//   {job_request_id, status, job_type, result_url | error, processing_time_ms}}; eventKey
//   "webhook:{job_request_id}:{status}".
class DeApiAdapter : public Adapter
{
public:
    explicit DeApiAdapter(Core::Profile profile);

    Core::Dialect dialect() const override { return Core::Dialect::DeApi; }

    RequestSpec status(const JobRef &job) const override;
    std::optional<RequestSpec> pusherAuth(
        const QString &socketId, const QString &channel) const override;
    QString callbackField() const override;
    QString pusherChannel() const override;

    SubmitResult parseSubmit(
        const QString &task, int httpStatus, const QByteArray &body) const override;
    Core::JobUpdate parseStatus(
        const JobRef &job, int httpStatus, const QByteArray &body) const override;
    Core::JobUpdate parsePusherEvent(const QString &event, const QByteArray &data) const override;
    Core::JobUpdate parseWebhook(const QByteArray &body) const override;

    PollPolicy pollPolicy(const JobRef &job, const QJsonObject &input) const override;

protected:
    std::optional<Core::JobState> normalizedState(const QString &raw) const override;
    void readRecord(const QJsonObject &record, Core::JobUpdate *u) const override;
};

} // namespace Dialects
