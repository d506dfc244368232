#include "sandbox/peelapifront.h"

#include "catalog/taskcatalog.h"
#include "sandbox/httpcontext.h"
#include "sandbox/jobengine.h"
#include "sandbox/router.h"
#include "sandbox/ssehub.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Sandbox {

namespace {
QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
} // namespace

PeelApiFront::PeelApiFront(ServiceContext &context)
    : FrontBase(Dialect::PeelApi, context)
{ }

void PeelApiFront::registerRoutes(Router &router)
{
    const QString p = prefix();
    router.add(
        "GET", p + QStringLiteral("/v1/jobs/{id}/stream"), [this](HttpContext &c) { stream(c); });
    router.add("GET", p + QStringLiteral("/v1/jobs/{id}"), [this](HttpContext &c) { status(c); });
    router.add("POST", p + QStringLiteral("/v1/{endpoint}"),
        [this](HttpContext &c) { submit(c, c.param(QStringLiteral("endpoint"))); });
    router.add("*", p + QStringLiteral("/{*rest}"), [this](HttpContext &c) {
        fail(c, 404, QStringLiteral("not_found"),
            QStringLiteral("No route %1 %2").arg(QString::fromLatin1(c.method()), c.path()));
    });
}

void PeelApiFront::fail(
    HttpContext &ctx, int status, const QString &code, const QString &message) const
{
    ctx.reply(HttpResponse::json(status,
        QJsonObject { { QLatin1String("data"), QJsonValue::Null },
            { QLatin1String("errors"),
                QJsonArray { QJsonObject { { QLatin1String("code"), code },
                    { QLatin1String("message"), message } } } } }));
}

void PeelApiFront::submit(HttpContext &ctx, const QString &endpoint)
{
    if (!hasValidKey(ctx, KeyScheme::Bearer))
        return fail(ctx, 401, QStringLiteral("unauthorized"),
            QStringLiteral("Missing or invalid API key (Authorization: Bearer ...)"));
    const Catalog::TaskInfo *task
        = m_ctx.catalog->find(DialectTable::name(m_dialect), QStringLiteral("v1/") + endpoint);
    if (!task || endpoint == QLatin1String("jobs"))
        return fail(ctx, 404, QStringLiteral("unknown_endpoint"),
            QStringLiteral("There is no endpoint /v1/%1").arg(endpoint));
    Submission s;
    QString error;
    if (!parseSubmission(ctx, *task, nullptr, &s, &error))
        return fail(ctx, 422, QStringLiteral("invalid_request"), error);
    Job *job = m_ctx.engine->submit(m_dialect, *task, s.input, s.control, {});
    ctx.reply(HttpResponse::json(202,
        QJsonObject { { QLatin1String("data"), jobData(*job) },
            { QLatin1String("errors"), QJsonValue::Null } }));
}

QJsonObject PeelApiFront::jobData(const Job &job) const
{
    QJsonObject d { { QLatin1String("id"), job.id }, { QLatin1String("status"), job.rawState() },
        { QLatin1String("progress"), job.progress },
        { QLatin1String("created_at"), isoTime(job.createdMs) },
        { QLatin1String("outputs"), QJsonValue::Null },
        { QLatin1String("error"), QJsonValue::Null } };
    if (job.phase == Phase::Succeeded) {
        QJsonArray results;
        for (const OutputFile &f : job.outputs) {
            if (f.variant == QLatin1String("full"))
                results.append(QJsonObject { { QLatin1String("url"), resultUrl(job, f) } });
        }
        d.insert(QLatin1String("outputs"), QJsonObject { { QLatin1String("results"), results } });
        d.insert(
            QLatin1String("request_duration_s"), double(job.finishedMs - job.createdMs) / 1000.0);
        d.insert(QLatin1String("model_id"),
            m_ctx.catalog->find(QStringLiteral("peelapi"), job.task)->modelId);
    }
    if (job.phase == Phase::Failed)
        d.insert(QLatin1String("error"),
            QJsonObject { { QLatin1String("code"), job.failureReasonCode },
                { QLatin1String("message"), job.error },
                { QLatin1String("retryable"), job.retryable } });
    return d;
}

void PeelApiFront::status(HttpContext &ctx)
{
    if (!hasValidKey(ctx, KeyScheme::Bearer))
        return fail(ctx, 401, QStringLiteral("unauthorized"),
            QStringLiteral("Missing or invalid API key (Authorization: Bearer ...)"));
    const Job *job = ownJob(ctx.param(QStringLiteral("id")));
    if (!job)
        return fail(ctx, 404, QStringLiteral("not_found"),
            QStringLiteral("Job %1 not found").arg(ctx.param(QStringLiteral("id"))));
    ctx.reply(HttpResponse::json(200,
        QJsonObject { { QLatin1String("data"), jobData(*job) },
            { QLatin1String("errors"), QJsonValue::Null } }));
}

void PeelApiFront::stream(HttpContext &ctx)
{
    if (!hasValidKey(ctx, KeyScheme::Bearer))
        return fail(ctx, 401, QStringLiteral("unauthorized"),
            QStringLiteral("Missing or invalid API key (Authorization: Bearer ...)"));
    const Job *job = ownJob(ctx.param(QStringLiteral("id")));
    if (!job)
        return fail(ctx, 404, QStringLiteral("not_found"),
            QStringLiteral("Job %1 not found").arg(ctx.param(QStringLiteral("id"))));
    bool ok = false;
    qint64 last = ctx.header("Last-Event-ID").toLongLong(&ok);
    if (!ok)
        last = 0;
    m_ctx.sse->open(ctx.detach(200), *job, last);
}

QJsonObject PeelApiFront::statusEventData(const Job &job) const
{
    QJsonObject d { { QLatin1String("status"), job.rawState() },
        { QLatin1String("progress"), job.progress },
        { QLatin1String("output"), QJsonValue::Null } };
    if (job.phase == Phase::Failed)
        d.insert(QLatin1String("error"),
            QJsonObject { { QLatin1String("code"), job.failureReasonCode },
                { QLatin1String("message"), job.error },
                { QLatin1String("retryable"), job.retryable } });
    return d;
}

void PeelApiFront::emitEvent(Job &job, const QByteArray &type, const QByteArray &data)
{
    StreamEvent e { job.nextEventId++, type, data };
    job.events.append(e);
    m_ctx.sse->publish(job, e);
}

void PeelApiFront::jobCreated(Job &job)
{
    if (job.dialect == m_dialect)
        emitEvent(job, "status", compact(statusEventData(job)));
}

void PeelApiFront::jobTransitioned(Job &job, Phase)
{
    if (job.dialect != m_dialect)
        return;
    if (job.phase == Phase::Succeeded) {
        const Catalog::TaskInfo *task = m_ctx.catalog->find(QStringLiteral("peelapi"), job.task);
        // One result event per produced image, each naming all its sizes.
        QMap<int, QJsonObject> images;
        for (const OutputFile &f : job.outputs)
            images[f.index].insert(f.variant, resultUrl(job, f));
        for (auto it = images.cbegin(); it != images.cend(); ++it) {
            QJsonObject result { { QLatin1String("images"), QJsonArray { it.value() } },
                { QLatin1String("request_duration_s"),
                    double(job.finishedMs - job.createdMs) / 1000.0 },
                { QLatin1String("model_id"), task ? task->modelId : QString() } };
            if (job.input.contains(QLatin1String("style_id")))
                result.insert(
                    QLatin1String("style_id"), job.input.value(QLatin1String("style_id")));
            emitEvent(job, "result", compact(result));
        }
    }
    emitEvent(job, "status", compact(statusEventData(job)));
    if (job.isTerminal())
        emitEvent(job, "end", job.rawState().toUtf8());
}

void PeelApiFront::jobProgressed(Job &job)
{
    if (job.dialect == m_dialect && job.phase == Phase::Running)
        emitEvent(job, "status", compact(statusEventData(job)));
}

void PeelApiFront::jobLogged(Job &job, const LogLine &line)
{
    if (job.dialect != m_dialect)
        return;
    emitEvent(job, "log",
        compact(QJsonObject { { QLatin1String("level"), line.level },
            { QLatin1String("message"), line.message },
            { QLatin1String("created_at"), isoTime(line.timeMs) } }));
}

} // namespace Sandbox
