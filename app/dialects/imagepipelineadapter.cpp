#include "dialects/imagepipelineadapter.h"

#include "dialects/parsing.h"

#include <cmath>

namespace Dialects {

using Parsing::addProblem;

namespace {
QLatin1String k(const char *key)
{
    return QLatin1String(key);
}
} // namespace

ImagePipelineAdapter::ImagePipelineAdapter(Core::Profile profile)
    : Adapter(std::move(profile))
{ }

RequestSpec ImagePipelineAdapter::status(const JobRef &job) const
{
    QString task = taskPath(job.task);
    if (task.isEmpty())
        task = defaultTask();
    return request("GET", task + QStringLiteral("/status/") + pathSegment(job.id));
}

QString ImagePipelineAdapter::callbackField() const
{
    return QStringLiteral("callback_url");
}

PollPolicy ImagePipelineAdapter::pollPolicy(const JobRef &, const QJsonObject &) const
{
    // The document's tip says "every 1–2s" for development. Jobscope follows many jobs at once and
    // uses webhooks where it can, so it starts at the upper end (2 s) and backs off like the other
    // dialects (×2, at most 30 s): a typical 8 s job is still seen within a few seconds of ending.
    return PollPolicy { 2000, 2.0, 30000 };
}

std::optional<Core::JobState> ImagePipelineAdapter::normalizedState(const QString &raw) const
{
    // queued: no worker yet; pending: a worker is loading the model. Both wait, so both Queued.
    if (raw == QLatin1String("queued") || raw == QLatin1String("pending"))
        return Core::JobState::Queued;
    if (raw == QLatin1String("processing"))
        return Core::JobState::Running;
    if (raw == QLatin1String("completed"))
        return Core::JobState::Succeeded;
    if (raw == QLatin1String("failed"))
        return Core::JobState::Failed;
    if (raw == QLatin1String("cancelled"))
        return Core::JobState::Cancelled;
    return std::nullopt;
}

void ImagePipelineAdapter::readRecord(const QJsonObject &o, Core::JobUpdate *u) const
{
    applyStatus(o.value(k("status")), u);
    applyProgress(o.value(k("progress")), 100.0, u);
    Parsing::copyTimeMs(o, k("queued_at"), &u->timings, k("created_ms"), &u->problem);
    Parsing::copyNumber(o, k("estimated_time_seconds"), &u->timings, k("estimated_s"), &u->problem);
    Parsing::copyNumber(o, k("queue_wait_seconds"), &u->timings, k("queue_wait_s"), &u->problem);
    Parsing::copyNumber(o, k("inference_time_seconds"), &u->timings, k("inference_s"), &u->problem);
    Parsing::copyNumber(o, k("total_elapsed_seconds"), &u->timings, k("total_s"), &u->problem);
    if (const auto charged = Parsing::boolField(o, k("credits_charged"), &u->problem))
        u->credits.insert(k("charged"), *charged);
    Parsing::copyNumber(o, k("credits_amount"), &u->credits, k("amount"), &u->problem);
    if (const auto endpoint = Parsing::stringField(o, k("endpoint"), &u->problem))
        u->extra.insert(k("endpoint"), *endpoint);
    if (const auto user = Parsing::stringField(o, k("user_id"), &u->problem))
        u->extra.insert(k("user_id"), *user);

    const std::optional<QString> url = Parsing::stringField(o, k("result_url"), &u->problem);
    const std::optional<QString> base64 = Parsing::stringField(o, k("result_base64"), &u->problem);
    if ((url && !url->isEmpty()) || (base64 && !base64->isEmpty())) {
        Core::Output out = Parsing::outputFromUrl(url.value_or(QString()));
        out.mimeType
            = Parsing::stringField(o, k("result_mime_type"), &u->problem).value_or(QString());
        if (const auto size = Parsing::numberField(o, k("result_size_bytes"), &u->problem)) {
            if (*size >= 0 && *size < 9.0e15)
                out.size = qint64(*size);
            else
                addProblem(
                    &u->problem, QStringLiteral("result_size_bytes %1 is not a size").arg(*size));
        }
        if (base64 && !base64->isEmpty()) {
            if (auto bytes = Parsing::decodeBase64(*base64))
                out.inlineData = std::move(*bytes);
            else
                addProblem(&u->problem, QStringLiteral("result_base64 is not valid base64"));
        }
        u->outputs.append(out);
    }

    // Failure: error + failure_reason_code + retryable, flat on the record.
    const QJsonValue error = o.value(k("error"));
    u->error = Parsing::jobFailure(error, &u->problem);
    const std::optional<QString> code
        = Parsing::stringField(o, k("failure_reason_code"), &u->problem);
    if (code && !code->isEmpty()) {
        if (!u->error.isError()) {
            u->error.kind = Core::JobError::Kind::Job;
            u->error.message = *code;
        }
        u->error.providerCode = *code;
    }
    if (u->error.isError()) {
        if (const auto retryable = Parsing::boolField(o, k("retryable"), &u->problem))
            u->error.retryable = *retryable;
    }
}

SubmitResult ImagePipelineAdapter::parseSubmit(
    const QString &, int httpStatus, const QByteArray &body) const
{
    return submitFrom(httpStatus, body);
}

Core::JobUpdate ImagePipelineAdapter::parseStatus(
    const JobRef &job, int httpStatus, const QByteArray &body) const
{
    return statusFrom(job, httpStatus, body);
}

Core::JobUpdate ImagePipelineAdapter::parseWebhook(const QByteArray &body) const
{
    Core::JobUpdate u;
    u.channel = Core::Channel::Webhook;
    const std::optional<QJsonObject> o = Parsing::parseObject(body, &u.problem);
    if (!o)
        return u;
    u.jobId = Parsing::stringField(*o, k("job_id"), &u.problem).value_or(QString());
    if (u.jobId.isEmpty())
        addProblem(&u.problem, QStringLiteral("the webhook has no job_id"));
    readRecord(*o, &u);
    if (u.rawStatus.isEmpty())
        addProblem(&u.problem, QStringLiteral("the webhook has no status"));
    // "timestamp": Unix seconds of the event.
    if (const auto ts = Parsing::numberField(*o, k("timestamp"), &u.problem)) {
        if (*ts >= 0 && *ts < 1.0e12)
            u.timings.insert(k("updated_ms"), std::floor(*ts) * 1000.0);
        else
            addProblem(&u.problem, QStringLiteral("timestamp %1 is not a time").arg(*ts));
    }
    if (!u.jobId.isEmpty())
        u.eventKey = QStringLiteral("webhook:") + u.jobId + QLatin1Char(':') + u.rawStatus;
    completeFailure(&u);
    return u;
}

} // namespace Dialects
