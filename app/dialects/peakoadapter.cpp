#include "dialects/peakoadapter.h"

#include "dialects/parsing.h"

#include <QJsonArray>

namespace Dialects {

using Parsing::addProblem;

namespace {
QLatin1String k(const char *key)
{
    return QLatin1String(key);
}
} // namespace

PeakoAdapter::PeakoAdapter(Core::Profile profile)
    : Adapter(std::move(profile))
{ }

RequestSpec PeakoAdapter::status(const JobRef &job) const
{
    return request("GET", QStringLiteral("api/jobs/") + pathSegment(job.id));
}

std::optional<RequestSpec> PeakoAdapter::cancel(const JobRef &job) const
{
    return request("DELETE", QStringLiteral("api/jobs/") + pathSegment(job.id));
}

std::optional<RequestSpec> PeakoAdapter::list() const
{
    return request("GET", QStringLiteral("api/jobs"));
}

PollPolicy PeakoAdapter::pollPolicy(const JobRef &, const QJsonObject &input) const
{
    // The document's "Recommended Poll Intervals" by content length. Without a usable duration_s
    // the job has the catalog's default length (10–20 s), i.e. the first row.
    const QJsonValue duration = input.value(k("duration_s"));
    const double seconds = duration.isDouble() ? duration.toDouble() : 0.0;
    int interval = 3000; // "< 30 seconds: every 2–5 seconds"
    if (seconds > 300)
        interval = 30000; // "> 5 minutes: every 30 seconds"
    else if (seconds >= 30)
        interval = 10000; // "30 seconds – 5 minutes: every 10 seconds"
    return PollPolicy { interval, 1.0, interval };
}

std::optional<Core::JobState> PeakoAdapter::normalizedState(const QString &raw) const
{
    if (raw == QLatin1String("queued"))
        return Core::JobState::Queued;
    if (raw == QLatin1String("active"))
        return Core::JobState::Running;
    if (raw == QLatin1String("done"))
        return Core::JobState::Succeeded;
    if (raw == QLatin1String("failed"))
        return Core::JobState::Failed;
    if (raw == QLatin1String("cancelled"))
        return Core::JobState::Cancelled;
    return std::nullopt;
}

void PeakoAdapter::readRecord(const QJsonObject &o, Core::JobUpdate *u) const
{
    applyStatus(o.value(k("status")), u);
    applyProgress(o.value(k("progress")), 1.0, u);
    Parsing::copyTimeMs(o, k("createdAt"), &u->timings, k("created_ms"), &u->problem);
    Parsing::copyTimeMs(o, k("updatedAt"), &u->timings, k("updated_ms"), &u->problem);
    if (const auto type = Parsing::stringField(o, k("type"), &u->problem))
        u->extra.insert(k("job_type"), *type);
    if (const auto url = Parsing::stringField(o, k("outputUrl"), &u->problem);
        url && !url->isEmpty())
        u->outputs.append(Parsing::outputFromUrl(*url));
    if (const auto captions = Parsing::arrayField(o, k("captions"), &u->problem))
        u->captions = *captions;
    u->error = Parsing::jobFailure(o.value(k("error")), &u->problem);
}

SubmitResult PeakoAdapter::parseSubmit(
    const QString &, int httpStatus, const QByteArray &body) const
{
    return submitFrom(httpStatus, body);
}

Core::JobUpdate PeakoAdapter::parseStatus(
    const JobRef &job, int httpStatus, const QByteArray &body) const
{
    return statusFrom(job, httpStatus, body);
}

ListResult PeakoAdapter::parseList(int httpStatus, const QByteArray &body) const
{
    ListResult r;
    if (httpStatus < 200 || httpStatus >= 300) {
        r.error = errorFrom(httpStatus, 0, body);
        return r;
    }
    QString problem;
    const std::optional<QJsonObject> root = Parsing::parseObject(body, &problem);
    const std::optional<QJsonArray> jobs
        = root ? Parsing::arrayField(*root, k("jobs"), &problem) : std::nullopt;
    if (!jobs) {
        r.error.kind = Core::JobError::Kind::Protocol;
        r.error.httpStatus = httpStatus;
        r.error.message = problem.isEmpty()
            ? QStringLiteral("the list answer has no jobs array")
            : QStringLiteral("the list answer is unreadable: ") + problem;
        return r;
    }
    for (const QJsonValue &entry : *jobs) {
        if (!entry.isObject())
            continue;
        const QJsonObject o = entry.toObject();
        Core::JobUpdate u;
        u.channel = Core::Channel::Poll;
        u.jobId = Parsing::findJobId(o);
        if (u.jobId.isEmpty())
            continue;
        // No completeFailure here: list entries never carry the error, and a made-up one could
        // hide the real message a status read brings.
        readRecord(o, &u);
        r.jobs.append(u);
    }
    for (const char *key : { "activeWorkers", "totalWorkers", "maxWorkers" }) {
        const QJsonValue v = root->value(k(key));
        if (v.isDouble())
            r.workers.insert(k(key), v);
    }
    return r;
}

} // namespace Dialects
