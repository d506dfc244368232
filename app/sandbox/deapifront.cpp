#include "sandbox/deapifront.h"

#include "catalog/taskcatalog.h"
#include "sandbox/httpcontext.h"
#include "sandbox/jobengine.h"
#include "sandbox/pusherhub.h"
#include "sandbox/router.h"
#include "sandbox/webhookdispatcher.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrlQuery>
#include <cmath>

namespace Sandbox {

DeApiFront::DeApiFront(ServiceContext &context)
    : FrontBase(Dialect::DeApi, context)
{ }

QString DeApiFront::channel() const
{
    return QStringLiteral("private-client.") + m_ctx.account(m_dialect).clientId;
}

void DeApiFront::registerRoutes(Router &router)
{
    const QString p = prefix();
    router.add(
        "POST", p + QStringLiteral("/broadcasting/auth"), [this](HttpContext &c) { auth(c); });
    router.add("GET", p + QStringLiteral("/api/v1/client/request-status/{id}"),
        [this](HttpContext &c) { status(c); });
    router.add("POST", p + QStringLiteral("/api/v1/client/{task}"), [this](HttpContext &c) {
        submit(c, QStringLiteral("api/v1/client/") + c.param(QStringLiteral("task")));
    });
    router.add("*", p + QStringLiteral("/{*rest}"), [this](HttpContext &c) {
        error(c, 404, QStringLiteral("The route %1 could not be found.").arg(c.path()));
    });
}

void DeApiFront::error(
    HttpContext &ctx, int status, const QString &message, const QJsonObject &errors) const
{
    QJsonObject body { { QLatin1String("message"), message } };
    if (!errors.isEmpty())
        body.insert(QLatin1String("errors"), errors);
    ctx.reply(HttpResponse::json(status, body));
}

void DeApiFront::submit(HttpContext &ctx, const QString &taskPath)
{
    if (!hasValidKey(ctx, KeyScheme::Bearer))
        return error(ctx, 401, QStringLiteral("Unauthenticated."));
    const Catalog::TaskInfo *task = m_ctx.catalog->find(DialectTable::name(m_dialect), taskPath);
    if (!task)
        return error(ctx, 404,
            QStringLiteral("Unknown task: %1").arg(taskPath.section(QLatin1Char('/'), -1)));
    Submission s;
    QString problem;
    if (!parseSubmission(ctx, *task, "webhook_url", &s, &problem))
        return error(ctx, 422, problem);
    Job *job = m_ctx.engine->submit(m_dialect, *task, s.input, s.control, s.callbackUrl);
    ctx.reply(HttpResponse::json(200,
        QJsonObject {
            { QLatin1String("data"), QJsonObject { { QLatin1String("request_id"), job->id } } } }));
}

QJsonObject DeApiFront::statusBody(const Job &job, bool withPreview) const
{
    QJsonObject o { { QLatin1String("request_id"), job.id },
        { QLatin1String("status"), job.rawState() }, { QLatin1String("job_type"), job.jobType },
        { QLatin1String("progress"), std::round(job.progress * 1000) / 10.0 } };
    if (job.phase == Phase::Succeeded && !job.outputs.isEmpty())
        o.insert(QLatin1String("result_url"), resultUrl(job, job.outputs.first()));
    if (job.isTerminal() && job.startedMs)
        o.insert(QLatin1String("processing_time_ms"), job.finishedMs - job.startedMs);
    if (job.phase == Phase::Failed)
        o.insert(QLatin1String("error"), job.error);
    if (withPreview && m_previews.contains(job.id))
        o.insert(QLatin1String("preview"), m_previews.value(job.id));
    return o;
}

void DeApiFront::status(HttpContext &ctx)
{
    if (!hasValidKey(ctx, KeyScheme::Bearer))
        return error(ctx, 401, QStringLiteral("Unauthenticated."));
    const Job *job = ownJob(ctx.param(QStringLiteral("id")));
    if (!job)
        return error(ctx, 404, QStringLiteral("Request not found."));
    ctx.reply(HttpResponse::json(200,
        QJsonObject { { QLatin1String("data"), statusBody(*job, job->phase == Phase::Running) } }));
}

void DeApiFront::auth(HttpContext &ctx)
{
    if (!hasValidKey(ctx, KeyScheme::Bearer))
        return error(ctx, 401, QStringLiteral("Unauthenticated."));
    QString socketId;
    QString channelName;
    const QByteArray type = ctx.header("Content-Type");
    if (type.startsWith("application/x-www-form-urlencoded")) {
        // pusher-js's default authorizer posts a form.
        const QUrlQuery form(QString::fromUtf8(ctx.body()));
        socketId = form.queryItemValue(QStringLiteral("socket_id"), QUrl::FullyDecoded);
        channelName = form.queryItemValue(QStringLiteral("channel_name"), QUrl::FullyDecoded);
    } else {
        QString problem;
        const auto body = ctx.jsonBody(&problem);
        if (!body)
            return error(ctx, 422, problem);
        socketId = body->value(QLatin1String("socket_id")).toString();
        channelName = body->value(QLatin1String("channel_name")).toString();
    }
    QJsonObject errors;
    static const QRegularExpression socketPattern(QStringLiteral("^\\d+\\.\\d+$"));
    if (!socketPattern.match(socketId).hasMatch())
        errors.insert(QLatin1String("socket_id"),
            QJsonArray { QStringLiteral("The socket id must look like 1234.5678.") });
    if (channelName.isEmpty())
        errors.insert(QLatin1String("channel_name"),
            QJsonArray { QStringLiteral("The channel name field is required.") });
    if (!errors.isEmpty())
        return error(ctx, 422, QStringLiteral("The given data was invalid."), errors);
    if (channelName != channel())
        return error(ctx, 403, QStringLiteral("This key may only subscribe to %1.").arg(channel()));
    ctx.reply(HttpResponse::json(200,
        QJsonObject {
            { QLatin1String("auth"), m_ctx.pusher->authSignature(socketId, channelName) } }));
}

void DeApiFront::publish(Job &job, const QString &preview)
{
    QJsonObject data = statusBody(job, false);
    data.insert(QLatin1String("preview"),
        preview.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(preview));
    if (!data.contains(QLatin1String("result_url")))
        data.insert(QLatin1String("result_url"), QJsonValue::Null);
    m_ctx.pusher->publish(channel(), QStringLiteral("request.status.updated"), data);
    const int every = job.control.dropAfterEvents;
    if (every > 0 && ++m_published[job.id] % every == 0)
        m_ctx.pusher->dropChannel(channel(), 4200, QStringLiteral("sandbox: drop_after_events"));
}

void DeApiFront::jobTransitioned(Job &job, Phase)
{
    if (job.dialect != m_dialect)
        return;
    publish(job, QString());
    if (job.isTerminal()) {
        m_previews.remove(job.id);
        m_published.remove(job.id);
    }
    if (!job.callbackUrl.isEmpty()
        && (job.phase == Phase::Succeeded || job.phase == Phase::Failed)) {
        const bool ok = job.phase == Phase::Succeeded;
        QJsonObject data { { QLatin1String("job_request_id"), job.id },
            { QLatin1String("status"), job.rawState() }, { QLatin1String("job_type"), job.jobType },
            { QLatin1String("processing_time_ms"),
                job.startedMs ? job.finishedMs - job.startedMs : 0 } };
        if (ok && !job.outputs.isEmpty())
            data.insert(QLatin1String("result_url"), resultUrl(job, job.outputs.first()));
        if (!ok)
            data.insert(QLatin1String("error"), job.error);
        const QString event = ok ? QStringLiteral("job.completed") : QStringLiteral("job.failed");
        WebhookDispatcher::Scheme scheme;
        scheme.secret = m_ctx.account(m_dialect).webhookSecret;
        scheme.signatureHeader = "X-DeAPI-Signature";
        scheme.timestampHeader = "X-DeAPI-Timestamp";
        m_ctx.webhooks->deliver(job.id, job.callbackUrl, event,
            QJsonObject { { QLatin1String("event"), event }, { QLatin1String("data"), data } },
            scheme);
    }
}

void DeApiFront::jobProgressed(Job &job)
{
    if (job.dialect == m_dialect && job.phase == Phase::Running)
        publish(job, QString());
}

void DeApiFront::jobPreview(Job &job, const QByteArray &jpeg, int)
{
    if (job.dialect != m_dialect)
        return;
    const QString uri
        = QStringLiteral("data:image/jpeg;base64,") + QString::fromLatin1(jpeg.toBase64());
    m_previews.insert(job.id, uri);
    publish(job, uri);
}

void DeApiFront::jobRemoved(const QString &id)
{
    m_previews.remove(id);
    m_published.remove(id);
}

} // namespace Sandbox
