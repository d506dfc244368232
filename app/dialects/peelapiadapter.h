#pragma once

#include "dialects/adapter.h"

namespace Dialects {

// PeelAPI jobs (seed 000, docs/dialects.md "PeelAPI jobs").
//
// - Auth `Authorization: Bearer KEY`. Submit `POST {base}/v1/{endpoint}`, status
//   `GET {base}/v1/jobs/{id}`, live channel `GET {base}/v1/jobs/{id}/stream` (SSE).
// - Answers are the `{data, errors}` envelope (an unwrapped object is read too). `data.progress`
//   is 0..1; `data.outputs.results[i].url` become outputs (index i, variant "full");
//   `data.error` is an object {code, message, retryable} or a plain string; request_duration_s
//   goes to timings, model_id to extra.
// - SSE: `status`, `log`, `result` (every size of every image: variants w256, w512, w1024, full;
//   index = position in that event's `images`, as events do not number images), `end`
//   (ended = true). eventKey "sse:{id}". No cancel, no webhooks.
class PeelApiAdapter : public Adapter
{
public:
    explicit PeelApiAdapter(Core::Profile profile);

    Core::Dialect dialect() const override { return Core::Dialect::PeelApi; }

    RequestSpec status(const JobRef &job) const override;
    std::optional<RequestSpec> stream(const JobRef &job) const override;

    SubmitResult parseSubmit(
        const QString &task, int httpStatus, const QByteArray &body) const override;
    Core::JobUpdate parseStatus(
        const JobRef &job, int httpStatus, const QByteArray &body) const override;
    Core::JobUpdate parseSseEvent(const QString &jobId, const QByteArray &type,
        const QByteArray &data, const QByteArray &eventId) const override;

protected:
    std::optional<Core::JobState> normalizedState(const QString &raw) const override;
    void readRecord(const QJsonObject &record, Core::JobUpdate *u) const override;

private:
    void readStatusEvent(const QJsonObject &o, Core::JobUpdate *u) const;
    static void readLogEvent(const QJsonObject &o, Core::JobUpdate *u);
    static void readResultEvent(const QJsonObject &o, Core::JobUpdate *u);
    void readEndEvent(const QByteArray &data, Core::JobUpdate *u) const;
};

} // namespace Dialects
