#pragma once

#include "dialects/adapter.h"

namespace Dialects {

// Peako jobs (seed 003, docs/dialects.md "Peako jobs").
//
// - Auth `X-API-Key: KEY`. Submit `POST {base}/api/render | api/transcribe | api/video/{op}`,
//   status `GET {base}/api/jobs/{jobId}`, cancel `DELETE {base}/api/jobs/{jobId}` (its answer
//   {jobId, status: "cancelled"} reads with parseStatus; 409 when the job is not queued), list
//   `GET {base}/api/jobs`.
// - States: queued, active (Running), done (Succeeded), failed, cancelled. Progress 0..1 (only
//   while active). outputUrl → one output; captions → update.captions; error (a string) → a Job
//   error; createdAt / updatedAt (Unix ms) → timings created_ms / updated_ms; type →
//   extra.job_type.
// - List: jobs[] {id, type, status, progress, createdAt, outputUrl?} → one update each (entries
//   that are not objects or have no id are skipped: they cannot be attributed to a job);
//   activeWorkers, totalWorkers, maxWorkers → ListResult::workers.
// - Polling follows the document's table by content length (input `duration_s`): under 30 s every
//   3 s, 30 s to 5 min every 10 s, over 5 min every 30 s; a fixed interval (factor 1).
class PeakoAdapter : public Adapter
{
public:
    explicit PeakoAdapter(Core::Profile profile);

    Core::Dialect dialect() const override { return Core::Dialect::Peako; }

    RequestSpec status(const JobRef &job) const override;
    std::optional<RequestSpec> cancel(const JobRef &job) const override;
    std::optional<RequestSpec> list() const override;

    SubmitResult parseSubmit(
        const QString &task, int httpStatus, const QByteArray &body) const override;
    Core::JobUpdate parseStatus(
        const JobRef &job, int httpStatus, const QByteArray &body) const override;
    ListResult parseList(int httpStatus, const QByteArray &body) const override;

    PollPolicy pollPolicy(const JobRef &job, const QJsonObject &input) const override;

protected:
    std::optional<Core::JobState> normalizedState(const QString &raw) const override;
    void readRecord(const QJsonObject &record, Core::JobUpdate *u) const override;
};

} // namespace Dialects
