#include "dialects/adapter.h"

#include "dialects/deapiadapter.h"
#include "dialects/imagepipelineadapter.h"
#include "dialects/parsing.h"
#include "dialects/peakoadapter.h"
#include "dialects/peeladapter.h"
#include "dialects/peelapiadapter.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <cmath>

namespace Dialects {

namespace {

// An error body larger than this is not an error document anyone wrote by hand: it is not parsed
// (parsing would cost more than the message is worth) and only its start is quoted.
constexpr qsizetype MaxErrorBodyParsed = 1024 * 1024;

bool isSuccess(int httpStatus)
{
    return httpStatus >= 200 && httpStatus < 300;
}

// The start of a non-JSON error body (a proxy's "502 Bad Gateway" page), for the message.
QString snippet(const QByteArray &body)
{
    const QString text = QString::fromUtf8(body.left(160)).simplified();
    if (text.isEmpty() || text.startsWith(QLatin1Char('{')) || text.startsWith(QLatin1Char('[')))
        return {};
    return text.size() > 120 ? text.left(120) + QStringLiteral("…") : text;
}

} // namespace

Adapter::Adapter(Core::Profile profile)
    : m_profile(std::move(profile))
{ }

Adapter::~Adapter() = default;

std::unique_ptr<Adapter> Adapter::create(const Core::Profile &profile)
{
    switch (profile.dialect) {
    case Core::Dialect::PeelApi:
        return std::make_unique<PeelApiAdapter>(profile);
    case Core::Dialect::ImagePipeline:
        return std::make_unique<ImagePipelineAdapter>(profile);
    case Core::Dialect::Peel:
        return std::make_unique<PeelAdapter>(profile);
    case Core::Dialect::Peako:
        return std::make_unique<PeakoAdapter>(profile);
    case Core::Dialect::DeApi:
        return std::make_unique<DeApiAdapter>(profile);
    }
    return nullptr;
}

// --- requests

RequestSpec Adapter::submit(const QString &task, const QJsonObject &body) const
{
    // Every document submits the same way: POST the task's JSON body to {base}/{task}.
    return request("POST", taskPath(task), jsonBytes(body));
}

std::optional<RequestSpec> Adapter::stream(const JobRef &) const
{
    return std::nullopt;
}

std::optional<RequestSpec> Adapter::cancel(const JobRef &) const
{
    return std::nullopt;
}

std::optional<RequestSpec> Adapter::list() const
{
    return std::nullopt;
}

std::optional<RequestSpec> Adapter::respond(const JobRef &, const QJsonObject &) const
{
    return std::nullopt;
}

std::optional<RequestSpec> Adapter::revise(const JobRef &, const QJsonObject &) const
{
    return std::nullopt;
}

std::optional<RequestSpec> Adapter::rebuild(const JobRef &) const
{
    return std::nullopt;
}

std::optional<RequestSpec> Adapter::health(const JobRef &) const
{
    return std::nullopt;
}

std::optional<RequestSpec> Adapter::exportSpec(const JobRef &, const QString &) const
{
    return std::nullopt;
}

std::optional<RequestSpec> Adapter::call(
    const QString &, const QString &, const QJsonObject &) const
{
    return std::nullopt;
}

std::optional<RequestSpec> Adapter::pusherAuth(const QString &, const QString &) const
{
    return std::nullopt;
}

QString Adapter::callbackField() const
{
    return {};
}

QString Adapter::pusherChannel() const
{
    return {};
}

RequestSpec Adapter::request(
    const QByteArray &method, const QString &path, const QByteArray &body) const
{
    RequestSpec spec;
    spec.method = method;
    QUrl url = m_profile.baseUrl;
    url.setFragment(QString());
    QString joined = url.path(QUrl::FullyEncoded);
    while (joined.endsWith(QLatin1Char('/')))
        joined.chop(1);
    QString rest = path;
    while (rest.startsWith(QLatin1Char('/')))
        rest.remove(0, 1);
    joined += QLatin1Char('/') + rest;
    // TolerantMode keeps the escapes of `path` ("%2F" stays an escaped slash inside a segment).
    url.setPath(joined, QUrl::TolerantMode);
    spec.url = url;
    spec.headers.append({ QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json") });
    spec.headers.append(authHeaders());
    if (!body.isEmpty()) {
        spec.headers.append(
            { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") });
        spec.body = body;
    }
    return spec;
}

QString Adapter::pathSegment(const QString &segment)
{
    // Everything but unreserved characters is escaped, so an id cannot add segments, a query or a
    // fragment. ("." and ".." cannot be escaped: QUrl decodes %2E back, as RFC 3986 allows.)
    return QString::fromLatin1(QUrl::toPercentEncoding(segment));
}

QString Adapter::taskPath(const QString &task)
{
    QStringList segments;
    for (const QString &s : task.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (s != QLatin1String(".") && s != QLatin1String(".."))
            segments.append(pathSegment(s));
    }
    return segments.join(QLatin1Char('/'));
}

QByteArray Adapter::jsonBytes(const QJsonObject &body)
{
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QList<QPair<QByteArray, QByteArray>> Adapter::authHeaders() const
{
    const QByteArray key = apiKeyBytes();
    if (key.isEmpty())
        return {};
    const Core::Dialect d = m_profile.dialect;
    if (d == Core::Dialect::PeelApi || d == Core::Dialect::DeApi)
        return { { QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + key } };
    return { { QByteArrayLiteral("X-API-Key"), key } };
}

void Adapter::providerError(const QByteArray &body, QString *code, QString *message) const
{
    if (const auto o = Parsing::parseObject(body, nullptr))
        Parsing::readProviderError(*o, code, message);
}

QByteArray Adapter::apiKeyBytes() const
{
    const QByteArray key = m_profile.apiKey.trimmed().toUtf8();
    if (key.contains('\r') || key.contains('\n'))
        return {};
    return key;
}

// --- answers: defaults for what a dialect does not have

Core::JobUpdate Adapter::parseSseEvent(
    const QString &jobId, const QByteArray &, const QByteArray &, const QByteArray &) const
{
    Core::JobUpdate u;
    u.jobId = jobId;
    u.channel = Core::Channel::Sse;
    u.problem = QStringLiteral("%1 has no SSE stream").arg(Core::dialectName(dialect()));
    return u;
}

Core::JobUpdate Adapter::parsePusherEvent(const QString &, const QByteArray &) const
{
    Core::JobUpdate u;
    u.channel = Core::Channel::Pusher;
    u.problem = QStringLiteral("%1 has no Pusher channel").arg(Core::dialectName(dialect()));
    return u;
}

Core::JobUpdate Adapter::parseWebhook(const QByteArray &) const
{
    Core::JobUpdate u;
    u.channel = Core::Channel::Webhook;
    u.problem = QStringLiteral("%1 sends no webhooks").arg(Core::dialectName(dialect()));
    return u;
}

ListResult Adapter::parseList(int, const QByteArray &) const
{
    ListResult r;
    r.error.kind = Core::JobError::Kind::Protocol;
    r.error.message = QStringLiteral("%1 has no job list").arg(Core::dialectName(dialect()));
    return r;
}

PollPolicy Adapter::pollPolicy(const JobRef &, const QJsonObject &) const
{
    // PeelAPI's document, the only one to give a schedule: "Start with 2-3 second intervals",
    // "double the interval after each check", "Max out at 30-60 second intervals".
    return PollPolicy { 2000, 2.0, 30000 };
}

// --- errors

Core::JobError Adapter::errorFrom(
    int httpStatus, int networkError, const QByteArray &body, const QString &networkMessage) const
{
    using Kind = Core::JobError::Kind;
    Core::JobError e;
    e.httpStatus = httpStatus;
    e.networkError = networkError;
    if (httpStatus <= 0) {
        const bool timedOut = networkError == QNetworkReply::OperationCanceledError
            || networkError == QNetworkReply::TimeoutError;
        e.kind = timedOut ? Kind::Timeout : Kind::Network;
        e.message = !networkMessage.isEmpty() ? networkMessage
            : timedOut
            ? QStringLiteral("no answer in time")
            : QStringLiteral("no answer from the service (network error %1)").arg(networkError);
        // Nothing reached the service, or it did not answer: asking again is the normal remedy.
        e.retryable = true;
        return e;
    }
    if (isSuccess(httpStatus)) {
        if (networkError == 0)
            return Core::JobError {};
        // A 2xx whose body was cut off is a broken transfer, not an answer.
        e.kind = Kind::Network;
        e.message = networkMessage.isEmpty()
            ? QStringLiteral("the answer was cut off (network error %1)").arg(networkError)
            : networkMessage;
        e.retryable = true;
        return e;
    }
    if (httpStatus == 401 || httpStatus == 403)
        e.kind = Kind::Auth;
    else if (httpStatus == 404)
        e.kind = Kind::NotFound;
    else if (httpStatus == 409)
        e.kind = Kind::Conflict;
    else if (httpStatus == 400 || httpStatus == 422)
        e.kind = Kind::Invalid;
    else if (httpStatus == 429)
        e.kind = Kind::RateLimit;
    else
        e.kind = Kind::Http;
    e.retryable = httpStatus == 429 || (httpStatus >= 500 && httpStatus <= 599);
    if (body.size() <= MaxErrorBodyParsed)
        providerError(body, &e.providerCode, &e.message);
    if (e.message.isEmpty()) {
        const QString start = snippet(body);
        e.message = start.isEmpty() ? QStringLiteral("HTTP %1").arg(httpStatus)
                                    : QStringLiteral("HTTP %1: %2").arg(httpStatus).arg(start);
    }
    return e;
}

// --- shared answer flows

double Adapter::clampProgress(double value, double scale, QString *problem)
{
    return Parsing::clampProgress(value, scale, problem);
}

void Adapter::applyStatus(const QJsonValue &status, Core::JobUpdate *u) const
{
    if (status.isNull() || status.isUndefined())
        return;
    if (!status.isString()) {
        // Kept, so the raw column shows what the service said; the state stays unknown.
        u->rawStatus = Parsing::describe(status);
        Parsing::addProblem(&u->problem,
            QStringLiteral("status is not a string (%1)").arg(Parsing::describe(status)));
        return;
    }
    u->rawStatus = status.toString();
    u->state = normalizedState(u->rawStatus);
    if (!u->state)
        Parsing::addProblem(
            &u->problem, QStringLiteral("unknown status %1").arg(Parsing::describe(status)));
}

void Adapter::applyProgress(const QJsonValue &value, double scale, Core::JobUpdate *u)
{
    if (value.isNull() || value.isUndefined())
        return;
    if (!value.isDouble()) {
        Parsing::addProblem(&u->problem,
            QStringLiteral("progress is not a number (%1)").arg(Parsing::describe(value)));
        return;
    }
    QString problem;
    const double p = clampProgress(value.toDouble(), scale, &problem);
    if (std::isfinite(value.toDouble()))
        u->progress = p;
    Parsing::addProblem(&u->problem, problem);
}

void Adapter::completeFailure(Core::JobUpdate *u)
{
    if (u->state == Core::JobState::Failed && !u->error.isError()) {
        u->error.kind = Core::JobError::Kind::Job;
        u->error.message
            = QStringLiteral("the job failed (status \"%1\") without saying why").arg(u->rawStatus);
    }
}

SubmitResult Adapter::submitFrom(int httpStatus, const QByteArray &body) const
{
    SubmitResult r;
    r.update.channel = Core::Channel::Submit;
    if (!isSuccess(httpStatus)) {
        r.error = errorFrom(httpStatus, 0, body);
        return r;
    }
    QString problem;
    const std::optional<QJsonObject> root = Parsing::parseObject(body, &problem);
    if (root)
        r.jobId = Parsing::findJobId(*root);
    if (r.jobId.isEmpty()) {
        r.error.kind = Core::JobError::Kind::Protocol;
        r.error.httpStatus = httpStatus;
        r.error.message = QStringLiteral("the submit answer has no job id (looked for %1)")
                              .arg(Parsing::jobIdFields());
        if (!problem.isEmpty())
            r.error.message += QStringLiteral(": ") + problem;
        return r;
    }
    r.update.jobId = r.jobId;
    readRecord(*root, &r.update);
    completeFailure(&r.update);
    return r;
}

Core::JobUpdate Adapter::statusFrom(const JobRef &job, int httpStatus, const QByteArray &body) const
{
    Core::JobUpdate u;
    u.jobId = job.id;
    u.channel = Core::Channel::Poll;
    if (!isSuccess(httpStatus)) {
        u.error = errorFrom(httpStatus, 0, body);
        return u;
    }
    const std::optional<QJsonObject> root = Parsing::parseObject(body, &u.problem);
    if (!root)
        return u;
    const QString said = Parsing::findJobId(*root);
    if (!said.isEmpty() && !job.id.isEmpty() && said != job.id)
        Parsing::addProblem(&u.problem,
            QStringLiteral("the answer is about job %1, not %2")
                .arg(Parsing::describe(said), Parsing::describe(job.id)));
    readRecord(*root, &u);
    if (u.rawStatus.isEmpty())
        Parsing::addProblem(&u.problem, QStringLiteral("the answer has no status"));
    completeFailure(&u);
    return u;
}

} // namespace Dialects
