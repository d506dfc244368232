#include "dialects/deapiadapter.h"

#include "dialects/parsing.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace Dialects {

using Parsing::addProblem;

namespace {
QLatin1String k(const char *key)
{
    return QLatin1String(key);
}

// request_id as a string; the real service may number requests.
QString idField(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(k(key));
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return Parsing::findJobId(QJsonObject { { k("id"), v } });
    return {};
}
} // namespace

DeApiAdapter::DeApiAdapter(Core::Profile profile)
    : Adapter(std::move(profile))
{ }

RequestSpec DeApiAdapter::status(const JobRef &job) const
{
    return request("GET", QStringLiteral("api/v1/client/request-status/") + pathSegment(job.id));
}

std::optional<RequestSpec> DeApiAdapter::pusherAuth(
    const QString &socketId, const QString &channel) const
{
    // As the document's authorizer does: JSON {socket_id, channel_name} with the Bearer key.
    RequestSpec spec = request("POST", QStringLiteral("broadcasting/auth"),
        jsonBytes(QJsonObject { { k("socket_id"), socketId }, { k("channel_name"), channel } }));
    if (!m_profile.authUrl.isEmpty() && m_profile.authUrl.isValid())
        spec.url = m_profile.authUrl.isRelative() ? m_profile.baseUrl.resolved(m_profile.authUrl)
                                                  : m_profile.authUrl;
    return spec;
}

QString DeApiAdapter::callbackField() const
{
    return QStringLiteral("webhook_url");
}

QString DeApiAdapter::pusherChannel() const
{
    const QString id = m_profile.clientId.trimmed();
    return id.isEmpty() ? QString() : QStringLiteral("private-client.") + id;
}

PollPolicy DeApiAdapter::pollPolicy(const JobRef &, const QJsonObject &) const
{
    // The document calls polling a fallback and gives no interval: the common 2 s, doubling, 30 s.
    return PollPolicy { 2000, 2.0, 30000 };
}

std::optional<Core::JobState> DeApiAdapter::normalizedState(const QString &raw) const
{
    if (raw == QLatin1String("pending"))
        return Core::JobState::Queued;
    if (raw == QLatin1String("processing"))
        return Core::JobState::Running;
    if (raw == QLatin1String("done"))
        return Core::JobState::Succeeded;
    if (raw == QLatin1String("error"))
        return Core::JobState::Failed;
    return std::nullopt;
}

void DeApiAdapter::readRecord(const QJsonObject &record, Core::JobUpdate *u) const
{
    const QJsonObject d = Parsing::unwrapData(record, &u->problem);
    applyStatus(d.value(k("status")), u);
    applyProgress(d.value(k("progress")), 100.0, u);
    Parsing::copyNumber(d, k("processing_time_ms"), &u->timings, k("processing_ms"), &u->problem);
    if (const auto type = Parsing::stringField(d, k("job_type"), &u->problem))
        u->extra.insert(k("job_type"), *type);
    if (const auto url = Parsing::stringField(d, k("result_url"), &u->problem);
        url && !url->isEmpty())
        u->outputs.append(Parsing::outputFromUrl(*url));
    if (const auto preview = Parsing::stringField(d, k("preview"), &u->problem);
        preview && !preview->isEmpty()) {
        if (preview->startsWith(QLatin1String("http://"), Qt::CaseInsensitive)
            || preview->startsWith(QLatin1String("https://"), Qt::CaseInsensitive)) {
            u->extra.insert(k("preview_url"), *preview);
        } else if (auto bytes = Parsing::decodeImageDataUri(*preview, &u->problem)) {
            u->preview = std::move(*bytes);
        }
    }
    u->error = Parsing::jobFailure(d.value(k("error")), &u->problem);
}

SubmitResult DeApiAdapter::parseSubmit(
    const QString &, int httpStatus, const QByteArray &body) const
{
    return submitFrom(httpStatus, body);
}

Core::JobUpdate DeApiAdapter::parseStatus(
    const JobRef &job, int httpStatus, const QByteArray &body) const
{
    return statusFrom(job, httpStatus, body);
}

Core::JobUpdate DeApiAdapter::parsePusherEvent(const QString &event, const QByteArray &data) const
{
    Core::JobUpdate u;
    u.channel = Core::Channel::Pusher;
    if (event != QLatin1String("request.status.updated")) {
        u.problem = QStringLiteral("unknown Pusher event %1").arg(Parsing::describe(event));
        return u;
    }
    QString problem;
    std::optional<QJsonObject> o = Parsing::parseObject(data, &problem);
    if (!o && data.trimmed().startsWith('"')) {
        // Pusher frames carry `data` as a JSON string; a caller that did not unwrap it yet
        // hands us the quoted form. Unwrap once.
        const QString inner = QJsonDocument::fromJson("[" + data + "]").array().at(0).toString();
        problem.clear();
        o = Parsing::parseObject(inner.toUtf8(), &problem);
    }
    if (!o) {
        u.problem = problem;
        return u;
    }
    u.jobId = idField(*o, "request_id");
    if (u.jobId.isEmpty())
        u.jobId = Parsing::findJobId(*o);
    if (u.jobId.isEmpty())
        addProblem(&u.problem, QStringLiteral("the event has no request_id"));
    readRecord(*o, &u);
    if (!u.jobId.isEmpty()) {
        const QJsonValue progress = o->value(k("progress"));
        u.eventKey = QStringLiteral("pusher:%1:%2:%3")
                         .arg(u.jobId, u.rawStatus,
                             progress.isDouble() ? QString::number(progress.toDouble(), 'g', 12)
                                                 : QString());
        const QJsonValue preview = o->value(k("preview"));
        if (preview.isString() && !preview.toString().isEmpty()) {
            const QByteArray digest
                = QCryptographicHash::hash(preview.toString().toUtf8(), QCryptographicHash::Sha1)
                      .toHex()
                      .left(16);
            u.eventKey += QStringLiteral(":preview:") + QString::fromLatin1(digest);
        }
    }
    completeFailure(&u);
    return u;
}

Core::JobUpdate DeApiAdapter::parseWebhook(const QByteArray &body) const
{
    Core::JobUpdate u;
    u.channel = Core::Channel::Webhook;
    const std::optional<QJsonObject> root = Parsing::parseObject(body, &u.problem);
    if (!root)
        return u;
    const QString event = Parsing::stringField(*root, k("event"), &u.problem).value_or(QString());
    const QJsonObject data = root->value(k("data")).toObject();
    u.jobId = idField(data, "job_request_id");
    if (u.jobId.isEmpty())
        u.jobId = idField(data, "request_id");
    if (u.jobId.isEmpty())
        addProblem(&u.problem, QStringLiteral("the webhook has no data.job_request_id"));
    readRecord(*root, &u);
    if (!event.isEmpty())
        u.extra.insert(k("event"), event);
    if (event != QLatin1String("job.completed") && event != QLatin1String("job.failed"))
        addProblem(
            &u.problem, QStringLiteral("unknown webhook event %1").arg(Parsing::describe(event)));
    if (u.rawStatus.isEmpty()) {
        // The event name says as much as the status would.
        if (event == QLatin1String("job.completed"))
            applyStatus(QStringLiteral("done"), &u);
        else if (event == QLatin1String("job.failed"))
            applyStatus(QStringLiteral("error"), &u);
        else
            addProblem(&u.problem, QStringLiteral("the webhook has no status"));
    }
    if (!u.jobId.isEmpty())
        u.eventKey = QStringLiteral("webhook:") + u.jobId + QLatin1Char(':') + u.rawStatus;
    completeFailure(&u);
    return u;
}

} // namespace Dialects
