#include "dialects/peelapiadapter.h"

#include "dialects/parsing.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Dialects {

using Parsing::addProblem;

namespace {
QLatin1String k(const char *key)
{
    return QLatin1String(key);
}
} // namespace

PeelApiAdapter::PeelApiAdapter(Core::Profile profile)
    : Adapter(std::move(profile))
{ }

RequestSpec PeelApiAdapter::status(const JobRef &job) const
{
    return request("GET", QStringLiteral("v1/jobs/") + pathSegment(job.id));
}

std::optional<RequestSpec> PeelApiAdapter::stream(const JobRef &job) const
{
    RequestSpec spec = request(
        "GET", QStringLiteral("v1/jobs/") + pathSegment(job.id) + QStringLiteral("/stream"));
    for (auto &h : spec.headers) {
        if (h.first == "Accept")
            h.second = QByteArrayLiteral("text/event-stream");
    }
    // No cache between us and the service may hold back or replay a live stream.
    spec.headers.append({ QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache") });
    return spec;
}

std::optional<Core::JobState> PeelApiAdapter::normalizedState(const QString &raw) const
{
    if (raw == QLatin1String("queued"))
        return Core::JobState::Queued;
    if (raw == QLatin1String("processing"))
        return Core::JobState::Running;
    if (raw == QLatin1String("succeeded"))
        return Core::JobState::Succeeded;
    if (raw == QLatin1String("failed"))
        return Core::JobState::Failed;
    return std::nullopt;
}

void PeelApiAdapter::readRecord(const QJsonObject &record, Core::JobUpdate *u) const
{
    const QJsonObject d = Parsing::unwrapData(record, &u->problem);
    applyStatus(d.value(k("status")), u);
    applyProgress(d.value(k("progress")), 1.0, u);
    Parsing::copyTimeMs(d, k("created_at"), &u->timings, k("created_ms"), &u->problem);
    Parsing::copyNumber(
        d, k("request_duration_s"), &u->timings, k("request_duration_s"), &u->problem);
    Parsing::copyValue(d, k("model_id"), &u->extra, k("model_id"));

    const QJsonValue outputs = d.value(k("outputs"));
    QJsonArray results;
    if (outputs.isObject()) {
        results = Parsing::arrayField(outputs.toObject(), k("results"), &u->problem)
                      .value_or(QJsonArray {});
    } else if (outputs.isArray()) {
        results = outputs.toArray(); // a bare list of results: read it the same way
    } else if (!outputs.isNull() && !outputs.isUndefined()) {
        addProblem(&u->problem,
            QStringLiteral("outputs is not an object (%1)").arg(Parsing::describe(outputs)));
    }
    for (qsizetype i = 0; i < results.size(); ++i) {
        const QJsonValue url = results.at(i).toObject().value(k("url"));
        if (url.isString() && !url.toString().isEmpty())
            u->outputs.append(
                Parsing::outputFromUrl(url.toString(), int(i), QStringLiteral("full")));
        else
            addProblem(&u->problem, QStringLiteral("outputs.results[%1] has no url").arg(i));
    }
    u->error = Parsing::jobFailure(d.value(k("error")), &u->problem);
}

SubmitResult PeelApiAdapter::parseSubmit(
    const QString &, int httpStatus, const QByteArray &body) const
{
    return submitFrom(httpStatus, body);
}

Core::JobUpdate PeelApiAdapter::parseStatus(
    const JobRef &job, int httpStatus, const QByteArray &body) const
{
    return statusFrom(job, httpStatus, body);
}

Core::JobUpdate PeelApiAdapter::parseSseEvent(const QString &jobId, const QByteArray &type,
    const QByteArray &data, const QByteArray &eventId) const
{
    Core::JobUpdate u;
    u.jobId = jobId;
    u.channel = Core::Channel::Sse;
    if (!eventId.isEmpty())
        u.eventKey = QStringLiteral("sse:") + QString::fromUtf8(eventId);
    if (type == "end") {
        readEndEvent(data, &u);
        completeFailure(&u);
        return u;
    }
    if (type != "status" && type != "log" && type != "result") {
        u.problem = QStringLiteral("unknown SSE event type %1")
                        .arg(Parsing::describe(QString::fromUtf8(type.left(100))));
        return u;
    }
    const std::optional<QJsonObject> o = Parsing::parseObject(data, &u.problem);
    if (!o) {
        u.problem.prepend(QStringLiteral("%1 event: ").arg(QString::fromLatin1(type)));
        return u;
    }
    if (type == "status")
        readStatusEvent(*o, &u);
    else if (type == "log")
        readLogEvent(*o, &u);
    else
        readResultEvent(*o, &u);
    completeFailure(&u);
    return u;
}

void PeelApiAdapter::readStatusEvent(const QJsonObject &o, Core::JobUpdate *u) const
{
    // {"status", "progress", "output": null} and, when failed, "error".
    applyStatus(o.value(k("status")), u);
    applyProgress(o.value(k("progress")), 1.0, u);
    u->error = Parsing::jobFailure(o.value(k("error")), &u->problem);
    if (u->rawStatus.isEmpty())
        addProblem(&u->problem, QStringLiteral("status event has no status"));
}

void PeelApiAdapter::readLogEvent(const QJsonObject &o, Core::JobUpdate *u)
{
    Core::LogLine line;
    line.level = Parsing::stringField(o, k("level"), &u->problem)
                     .value_or(QStringLiteral("info"))
                     .toLower();
    if (line.level == QLatin1String("warning"))
        line.level = QStringLiteral("warn");
    line.message = Parsing::stringField(o, k("message"), &u->problem).value_or(QString());
    if (const auto at = Parsing::stringField(o, k("created_at"), &u->problem)) {
        if (const auto ms = Parsing::isoTimeMs(*at))
            line.timeMs = *ms;
        else
            addProblem(&u->problem,
                QStringLiteral("log created_at %1 is not an ISO 8601 time")
                    .arg(Parsing::describe(*at)));
    }
    u->logs.append(line);
}

void PeelApiAdapter::readResultEvent(const QJsonObject &o, Core::JobUpdate *u)
{
    // {"images": [{"w256", "w512", "w1024", "full"}], "request_duration_s", "model_id", "style_id"}
    static const char *const variants[] = { "w256", "w512", "w1024", "full" };
    const std::optional<QJsonArray> images = Parsing::arrayField(o, k("images"), &u->problem);
    if (!images && !o.contains(k("images")))
        addProblem(&u->problem, QStringLiteral("result event has no images"));
    for (qsizetype i = 0; images && i < images->size(); ++i) {
        const QJsonValue image = images->at(i);
        if (!image.isObject()) {
            addProblem(&u->problem, QStringLiteral("images[%1] is not an object").arg(i));
            continue;
        }
        const QJsonObject sizes = image.toObject();
        for (const char *variant : variants) {
            const QJsonValue url = sizes.value(k(variant));
            if (url.isString() && !url.toString().isEmpty())
                u->outputs.append(
                    Parsing::outputFromUrl(url.toString(), int(i), QString::fromLatin1(variant)));
            else if (!url.isUndefined() && !url.isNull())
                addProblem(&u->problem,
                    QStringLiteral("images[%1].%2 is not a URL").arg(i).arg(k(variant)));
        }
    }
    Parsing::copyNumber(
        o, k("request_duration_s"), &u->timings, k("request_duration_s"), &u->problem);
    Parsing::copyValue(o, k("model_id"), &u->extra, k("model_id"));
    Parsing::copyValue(o, k("style_id"), &u->extra, k("style_id"));
}

void PeelApiAdapter::readEndEvent(const QByteArray &data, Core::JobUpdate *u) const
{
    // The document sends the bare word (`data: succeeded`); a JSON string or {"status"} is read
    // too.
    u->ended = true;
    const QByteArray text = data.trimmed();
    QString word;
    if (text.startsWith('"') || text.startsWith('{')) {
        const QJsonDocument doc = QJsonDocument::fromJson("[" + text + "]");
        const QJsonValue v = doc.array().at(0);
        word = v.isObject() ? v.toObject().value(k("status")).toString() : v.toString();
    } else {
        word = QString::fromUtf8(text);
    }
    const std::optional<Core::JobState> state = normalizedState(word);
    if (!state || !Core::isTerminal(*state)) {
        u->rawStatus = word;
        addProblem(&u->problem, QStringLiteral("unknown end %1").arg(Parsing::describe(word)));
        return;
    }
    u->rawStatus = word;
    u->state = state;
}

} // namespace Dialects
