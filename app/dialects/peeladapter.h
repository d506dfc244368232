#pragma once

#include "dialects/adapter.h"

namespace Dialects {

// Peel API builds (seed 002, docs/dialects.md "Peel API builds"). A "job" is an API build; its
// id is the API id.
//
// - Auth `X-API-Key: KEY`. Create `POST {base}/v1/apis`, record `GET {base}/v1/apis/{id}`,
//   `POST …/respond` (body as given, e.g. {"response": {…}}), `POST …/revise` ({"instructions"}),
//   `POST …/rebuild` ({}), `GET …/health`, `GET …/exports/{openapi|mcp}`, and the runtime
//   `POST {base}/v1/apis/{id}/endpoints/{name}:call`.
// - States: queued, running, needs_input (NeedsInput), completed (Succeeded), failed. The record
//   has no progress.
// - The record's endpoints, user_input_prompt, matched, links, build, source_url, instructions,
//   auth_mode and requires_session go to update.extra; created_at / updated_at to timings
//   (created_ms, updated_ms). A failed build: failure_reason_code (providerCode),
//   failure.message or failure.non_publishable_reason (message), failure.artifact.retryable,
//   .support_debug_id (supportId), .suggested_action (suggestedAction), the failure object as
//   details.
// - Errors: host errors {"error"}; runtime envelope {status, status_code, data, error,
//   error_code, execution_time} (error_code becomes providerCode). No webhooks, no live channel.
// - The respond / revise / rebuild answers are the record and read with parseStatus.
class PeelAdapter : public Adapter
{
public:
    explicit PeelAdapter(Core::Profile profile);

    Core::Dialect dialect() const override { return Core::Dialect::Peel; }

    RequestSpec status(const JobRef &job) const override;
    std::optional<RequestSpec> respond(const JobRef &job, const QJsonObject &body) const override;
    std::optional<RequestSpec> revise(const JobRef &job, const QJsonObject &body) const override;
    std::optional<RequestSpec> rebuild(const JobRef &job) const override;
    std::optional<RequestSpec> health(const JobRef &job) const override;
    // format "openapi" or "mcp"; anything else: std::nullopt.
    std::optional<RequestSpec> exportSpec(const JobRef &job, const QString &format) const override;
    std::optional<RequestSpec> call(
        const QString &apiId, const QString &endpoint, const QJsonObject &body) const override;

    SubmitResult parseSubmit(
        const QString &task, int httpStatus, const QByteArray &body) const override;
    Core::JobUpdate parseStatus(
        const JobRef &job, int httpStatus, const QByteArray &body) const override;

    PollPolicy pollPolicy(const JobRef &job, const QJsonObject &input) const override;

protected:
    std::optional<Core::JobState> normalizedState(const QString &raw) const override;
    void readRecord(const QJsonObject &record, Core::JobUpdate *u) const override;

private:
    QString apiPath(const JobRef &job) const;
    static void readFailure(const QJsonObject &record, Core::JobUpdate *u);
};

} // namespace Dialects
