#include "sandbox/imagepipelinefront.h"

#include "catalog/taskcatalog.h"
#include "sandbox/httpcontext.h"
#include "sandbox/jobengine.h"
#include "sandbox/router.h"
#include "sandbox/webhookdispatcher.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QUrl>
#include <algorithm>
#include <cmath>

namespace Sandbox {

ImagePipelineFront::ImagePipelineFront(ServiceContext &context)
    : FrontBase(Dialect::ImagePipeline, context)
{ }

void ImagePipelineFront::registerRoutes(Router &router)
{
    const QString p = prefix();
    router.add("GET", p + QStringLiteral("/webhooks/event-schema"), [this](HttpContext &c) {
        if (authorized(c))
            c.reply(HttpResponse::json(200, webhookSchema()));
    });
    router.add("GET", p + QStringLiteral("/{*rest}"), [this](HttpContext &c) {
        const QString rest = c.param(QStringLiteral("rest"));
        const qsizetype at = rest.lastIndexOf(QLatin1String("/status/"));
        if (at <= 0 || rest.mid(at + 8).contains(QLatin1Char('/')) || rest.mid(at + 8).isEmpty())
            return fail(
                c, 404, QStringLiteral("NOT_FOUND"), QStringLiteral("No route GET /%1").arg(rest));
        status(c, rest.left(at), rest.mid(at + 8));
    });
    router.add("POST", p + QStringLiteral("/{*rest}"),
        [this](HttpContext &c) { submit(c, c.param(QStringLiteral("rest"))); });
    router.add("*", p + QStringLiteral("/{*rest}"), [this](HttpContext &c) {
        fail(c, 405, QStringLiteral("METHOD_NOT_ALLOWED"),
            QStringLiteral("Use POST /{endpoint} or GET /{endpoint}/status/{job_id}"));
    });
}

void ImagePipelineFront::fail(
    HttpContext &ctx, int status, const QString &code, const QString &message) const
{
    ctx.reply(HttpResponse::json(status,
        QJsonObject { { QLatin1String("error"), message },
            { QLatin1String("failure_reason_code"), code },
            { QLatin1String("retryable"), status == 429 || status >= 500 } }));
}

bool ImagePipelineFront::authorized(HttpContext &ctx)
{
    if (hasValidKey(ctx, KeyScheme::XApiKey))
        return true;
    fail(ctx, 401, QStringLiteral("UNAUTHORIZED"),
        QStringLiteral("Missing or invalid X-API-Key header"));
    return false;
}

void ImagePipelineFront::submit(HttpContext &ctx, const QString &endpoint)
{
    if (!authorized(ctx))
        return;
    const Catalog::TaskInfo *task = m_ctx.catalog->find(DialectTable::name(m_dialect), endpoint);
    if (!task)
        return fail(ctx, 404, QStringLiteral("UNKNOWN_ENDPOINT"),
            QStringLiteral("There is no compute endpoint /%1").arg(endpoint));
    Submission s;
    QString error;
    if (!parseSubmission(ctx, *task, "callback_url", &s, &error))
        return fail(ctx, 422, QStringLiteral("INVALID_INPUT"), error);
    if (!s.callbackUrl.isEmpty()) {
        // The catalog declares callback_url a URI (the schema check does not look at "format"), and
        // ImagePipeline POSTs the webhook to it: anything but an absolute http(s) URL is refused
        // now rather than failing every delivery later.
        const QUrl callback(s.callbackUrl, QUrl::StrictMode);
        const QString scheme = callback.scheme().toLower();
        if (!callback.isValid() || callback.host().isEmpty()
            || (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
            return fail(ctx, 422, QStringLiteral("INVALID_INPUT"),
                QStringLiteral("callback_url: must be an absolute http or https URL"));
    }
    Job *job = m_ctx.engine->submit(m_dialect, *task, s.input, s.control, s.callbackUrl);
    ctx.reply(HttpResponse::json(202,
        QJsonObject { { QLatin1String("job_id"), job->id },
            { QLatin1String("status"), job->rawState() },
            { QLatin1String("endpoint"), QLatin1Char('/') + task->path },
            { QLatin1String("estimated_time_seconds"), std::ceil(job->durationMs / 1000.0) },
            { QLatin1String("queued_at"), isoTime(job->createdMs) } }));
}

namespace {

// 100 means completed: the engine's fraction can round up to it (0.995) and then drop back to 0.99
// while the outputs are produced, so an unfinished job reads at most 99 and never goes back.
int progressPercent(const Job &job)
{
    if (job.phase == Phase::Succeeded)
        return 100;
    return std::clamp(int(std::lround(job.progress * 100)), 0, 99);
}

} // namespace

QJsonObject ImagePipelineFront::statusBody(const Job &job) const
{
    QJsonObject o { { QLatin1String("job_id"), job.id },
        { QLatin1String("status"), job.rawState() },
        { QLatin1String("endpoint"), QLatin1Char('/') + job.task },
        { QLatin1String("progress"), progressPercent(job) } };
    const qint64 t = job.finishedMs ? job.finishedMs : m_ctx.engine->now();
    if (job.startedMs)
        o.insert(
            QLatin1String("queue_wait_seconds"), double(job.startedMs - job.createdMs) / 1000.0);
    if (job.startedMs)
        o.insert(QLatin1String("inference_time_seconds"), double(t - job.startedMs) / 1000.0);
    o.insert(QLatin1String("total_elapsed_seconds"), double(t - job.createdMs) / 1000.0);
    if (job.phase == Phase::Succeeded && !job.outputs.isEmpty()) {
        o.insert(QLatin1String("result_url"), resultUrl(job, job.outputs.first()));
        o.insert(QLatin1String("result_mime_type"), job.outputs.first().mimeType);
        o.insert(QLatin1String("result_size_bytes"), job.outputs.first().size);
    }
    const bool charged = job.phase == Phase::Succeeded;
    o.insert(QLatin1String("credits_charged"), charged);
    o.insert(QLatin1String("credits_amount"),
        charged ? (job.task.startsWith(QLatin1String("upscale")) ? 2 : 1) : 0);
    if (job.phase == Phase::Failed) {
        o.insert(QLatin1String("error"), job.error);
        o.insert(QLatin1String("failure_reason_code"), job.failureReasonCode);
        o.insert(QLatin1String("retryable"), job.retryable);
    }
    return o;
}

void ImagePipelineFront::status(HttpContext &ctx, const QString &endpoint, const QString &id)
{
    if (!authorized(ctx))
        return;
    const Job *job = ownJob(id);
    // A job is read through the status route of the endpoint that created it, as documented.
    if (!job || job->task != endpoint)
        return fail(ctx, 404, QStringLiteral("JOB_NOT_FOUND"),
            QStringLiteral("Job %1 not found for /%2").arg(id, endpoint));
    ctx.reply(HttpResponse::json(200, statusBody(*job)));
}

void ImagePipelineFront::jobTransitioned(Job &job, Phase)
{
    if (job.dialect != m_dialect || job.callbackUrl.isEmpty())
        return;
    if (job.phase != Phase::Succeeded && job.phase != Phase::Failed)
        return; // "status in a webhook is always completed or failed"
    QJsonObject payload { { QLatin1String("job_id"), job.id },
        { QLatin1String("user_id"), QStringLiteral("usr_sandbox") },
        { QLatin1String("status"), job.rawState() },
        { QLatin1String("timestamp"), QDateTime::currentSecsSinceEpoch() } };
    if (job.phase == Phase::Succeeded && !job.outputs.isEmpty()) {
        const OutputFile &f = job.outputs.first();
        payload.insert(QLatin1String("result_url"), resultUrl(job, f));
        payload.insert(QLatin1String("result_mime_type"), f.mimeType);
        payload.insert(QLatin1String("result_size_bytes"), f.size);
        if (f.size <= 64
                * 1024) { // "some webhook payloads can also include result_base64 for small assets"
            QFile file(QDir(m_ctx.engine->jobFolder(job)).filePath(f.name));
            if (file.open(QIODevice::ReadOnly))
                payload.insert(
                    QLatin1String("result_base64"), QString::fromLatin1(file.readAll().toBase64()));
        }
    } else {
        payload.insert(QLatin1String("error"), job.error);
        payload.insert(QLatin1String("failure_reason_code"), job.failureReasonCode);
        payload.insert(QLatin1String("retryable"), job.retryable);
    }
    WebhookDispatcher::Scheme scheme;
    scheme.secret = m_ctx.account(m_dialect).webhookSecret;
    scheme.signatureHeader = "X-ImagePipeline-Signature";
    scheme.timestampHeader = "X-ImagePipeline-Timestamp";
    m_ctx.webhooks->deliver(
        job.id, job.callbackUrl, QStringLiteral("job.") + job.rawState(), payload, scheme);
}

QJsonObject ImagePipelineFront::webhookSchema()
{
    auto str = [] {
        return QJsonObject { { QLatin1String("type"), QStringLiteral("string") } };
    };
    return QJsonObject { { QLatin1String("$schema"),
                             QStringLiteral("https://json-schema.org/draft/2020-12/schema") },
        { QLatin1String("title"), QStringLiteral("WebhookEvent") },
        { QLatin1String("type"), QStringLiteral("object") },
        { QLatin1String("required"),
            QJsonArray {
                QStringLiteral("job_id"), QStringLiteral("status"), QStringLiteral("timestamp") } },
        { QLatin1String("properties"),
            QJsonObject { { QLatin1String("job_id"), str() }, { QLatin1String("user_id"), str() },
                { QLatin1String("status"),
                    QJsonObject { { QLatin1String("type"), QStringLiteral("string") },
                        { QLatin1String("enum"),
                            QJsonArray {
                                QStringLiteral("completed"), QStringLiteral("failed") } } } },
                { QLatin1String("result_url"), str() },
                { QLatin1String("result_mime_type"), str() },
                { QLatin1String("result_size_bytes"),
                    QJsonObject { { QLatin1String("type"), QStringLiteral("integer") } } },
                { QLatin1String("result_base64"), str() }, { QLatin1String("error"), str() },
                { QLatin1String("failure_reason_code"), str() },
                { QLatin1String("retryable"),
                    QJsonObject { { QLatin1String("type"), QStringLiteral("boolean") } } },
                { QLatin1String("timestamp"),
                    QJsonObject { { QLatin1String("type"), QStringLiteral("integer") },
                        { QLatin1String("description"), QStringLiteral("Unix seconds") } } } } } };
}

} // namespace Sandbox
