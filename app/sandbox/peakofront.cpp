#include "sandbox/peakofront.h"

#include "catalog/taskcatalog.h"
#include "sandbox/httpcontext.h"
#include "sandbox/jobengine.h"
#include "sandbox/router.h"

#include <QJsonArray>
#include <algorithm>

namespace Sandbox {

PeakoFront::PeakoFront(ServiceContext &context)
    : FrontBase(Dialect::Peako, context)
{ }

void PeakoFront::registerRoutes(Router &router)
{
    const QString p = prefix();
    router.add("GET", p + QStringLiteral("/api/jobs"), [this](HttpContext &c) { list(c); });
    router.add(
        "GET", p + QStringLiteral("/api/jobs/{jobId}"), [this](HttpContext &c) { status(c); });
    router.add(
        "DELETE", p + QStringLiteral("/api/jobs/{jobId}"), [this](HttpContext &c) { cancel(c); });
    router.add("POST", p + QStringLiteral("/api/render"),
        [this](HttpContext &c) { submit(c, QStringLiteral("api/render")); });
    router.add("POST", p + QStringLiteral("/api/transcribe"),
        [this](HttpContext &c) { submit(c, QStringLiteral("api/transcribe")); });
    router.add("POST", p + QStringLiteral("/api/video/{operation}"), [this](HttpContext &c) {
        submit(c, QStringLiteral("api/video/") + c.param(QStringLiteral("operation")));
    });
    router.add("*", p + QStringLiteral("/{*rest}"), [this](HttpContext &c) {
        error(c, 404,
            QStringLiteral("No route %1 %2").arg(QString::fromLatin1(c.method()), c.path()));
    });
}

void PeakoFront::error(HttpContext &ctx, int status, const QString &message) const
{
    ctx.reply(HttpResponse::json(status, QJsonObject { { QLatin1String("error"), message } }));
}

bool PeakoFront::authorized(HttpContext &ctx) const
{
    if (hasValidKey(ctx, KeyScheme::XApiKey))
        return true;
    error(ctx, 401, QStringLiteral("Missing or invalid API key"));
    return false;
}

void PeakoFront::submit(HttpContext &ctx, const QString &path)
{
    if (!authorized(ctx))
        return;
    const Catalog::TaskInfo *task = m_ctx.catalog->find(DialectTable::name(m_dialect), path);
    if (!task)
        return error(ctx, 404, QStringLiteral("Unknown operation: /%1").arg(path));
    Submission s;
    QString problem;
    if (!parseSubmission(ctx, *task, nullptr, &s, &problem))
        return error(ctx, 400, problem);
    Job *job = m_ctx.engine->submit(m_dialect, *task, s.input, s.control, {});
    ctx.reply(HttpResponse::json(202,
        QJsonObject { { QLatin1String("jobId"), job->id },
            { QLatin1String("status"), job->rawState() },
            { QLatin1String("type"), job->jobType } }));
}

namespace {

// 1.0 means done: the engine's fraction can pass 0.99 and then drop back to 0.99 while the output
// is produced, so an unfinished job reads at most 0.99 and its progress never goes back.
double shownProgress(const Job &job)
{
    if (job.phase == Phase::Succeeded)
        return 1.0;
    return std::clamp(job.progress, 0.0, 0.99);
}

} // namespace

QJsonObject PeakoFront::statusBody(const Job &job) const
{
    QJsonObject o { { QLatin1String("jobId"), job.id }, { QLatin1String("status"), job.rawState() },
        { QLatin1String("createdAt"), job.createdMs },
        { QLatin1String("updatedAt"), job.updatedMs } };
    if (job.phase == Phase::Running)
        o.insert(QLatin1String("progress"), shownProgress(job));
    if (job.phase == Phase::Succeeded) {
        if (!job.outputs.isEmpty())
            o.insert(QLatin1String("outputUrl"), resultUrl(job, job.outputs.first()));
        if (job.output == QLatin1String("captions"))
            o.insert(QLatin1String("captions"), job.captions);
    }
    if (job.phase == Phase::Failed)
        o.insert(QLatin1String("error"), job.error);
    return o;
}

void PeakoFront::status(HttpContext &ctx)
{
    if (!authorized(ctx))
        return;
    const Job *job = ownJob(ctx.param(QStringLiteral("jobId")));
    if (!job)
        return error(ctx, 404, QStringLiteral("Job not found"));
    ctx.reply(HttpResponse::json(200, statusBody(*job)));
}

void PeakoFront::list(HttpContext &ctx)
{
    if (!authorized(ctx))
        return;
    QList<Job *> jobs = m_ctx.engine->jobs(m_dialect);
    // jobs() is in creation order: reversed first, so jobs created within the same millisecond
    // are newest first too (the stable sort keeps their order).
    std::reverse(jobs.begin(), jobs.end());
    std::stable_sort(jobs.begin(), jobs.end(),
        [](const Job *a, const Job *b) { return a->createdMs > b->createdMs; });
    QJsonArray arr;
    for (const Job *job : std::as_const(jobs)) {
        QJsonObject o { { QLatin1String("id"), job->id }, { QLatin1String("type"), job->jobType },
            { QLatin1String("status"), job->rawState() },
            { QLatin1String("progress"), shownProgress(*job) },
            { QLatin1String("createdAt"), job->createdMs } };
        if (job->phase == Phase::Succeeded && !job->outputs.isEmpty())
            o.insert(QLatin1String("outputUrl"), resultUrl(*job, job->outputs.first()));
        arr.append(o);
    }
    ctx.reply(HttpResponse::json(200,
        QJsonObject { { QLatin1String("jobs"), arr },
            { QLatin1String("activeWorkers"), m_ctx.engine->activeWorkers(m_dialect) },
            { QLatin1String("totalWorkers"), m_ctx.engine->maxWorkers() },
            { QLatin1String("maxWorkers"), m_ctx.engine->maxWorkers() },
            { QLatin1String("isTeamOwner"), false } }));
}

void PeakoFront::cancel(HttpContext &ctx)
{
    if (!authorized(ctx))
        return;
    Job *job = ownJob(ctx.param(QStringLiteral("jobId")));
    if (!job)
        return error(ctx, 404, QStringLiteral("Job not found"));
    if (job->phase != Phase::Queued)
        return error(ctx, 409, QStringLiteral("Cannot cancel: job is %1").arg(job->rawState()));
    m_ctx.engine->cancel(job);
    ctx.reply(HttpResponse::json(200,
        QJsonObject {
            { QLatin1String("jobId"), job->id }, { QLatin1String("status"), job->rawState() } }));
}

} // namespace Sandbox
