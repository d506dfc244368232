#include "sandbox/peelfront.h"

#include "catalog/schemavalidator.h"
#include "catalog/taskcatalog.h"
#include "sandbox/httpconnection.h"
#include "sandbox/httpcontext.h"
#include "sandbox/jobengine.h"
#include "sandbox/peelcontract.h"
#include "sandbox/router.h"

#include <QJsonArray>
#include <QTimer>

namespace Sandbox {

namespace {
QLatin1String k(const char *s)
{
    return QLatin1String(s);
}
} // namespace

struct PeelFront::Wait
{
    QPointer<QTcpSocket> socket;
    QString apiId;
    QJsonObject extra;
    int settledStatus = 200;
    bool closeAfter = false;
    std::unique_ptr<QTimer> timer;
};

PeelFront::PeelFront(ServiceContext &context)
    : FrontBase(Dialect::Peel, context)
{ }

PeelFront::~PeelFront() = default;

void PeelFront::registerRoutes(Router &router)
{
    const QString p = prefix() + QStringLiteral("/v1/apis");
    router.add("POST", p, [this](HttpContext &c) { create(c); });
    router.add("GET", p + QStringLiteral("/{id}"), [this](HttpContext &c) { get(c); });
    router.add("POST", p + QStringLiteral("/{id}/respond"), [this](HttpContext &c) { respond(c); });
    router.add(
        "POST", p + QStringLiteral("/{id}/revise"), [this](HttpContext &c) { rebuild(c, true); });
    router.add(
        "POST", p + QStringLiteral("/{id}/rebuild"), [this](HttpContext &c) { rebuild(c, false); });
    router.add("GET", p + QStringLiteral("/{id}/health"), [this](HttpContext &c) { health(c); });
    router.add("GET", p + QStringLiteral("/{id}/exports/openapi"),
        [this](HttpContext &c) { exportSpec(c, false); });
    router.add("GET", p + QStringLiteral("/{id}/exports/mcp"),
        [this](HttpContext &c) { exportSpec(c, true); });
    router.add("POST", p + QStringLiteral("/{id}/endpoints/{name}:call"),
        [this](HttpContext &c) { call(c); });
    router.add("*", prefix() + QStringLiteral("/{*rest}"), [this](HttpContext &c) {
        error(c, 404,
            QStringLiteral("No route %1 %2").arg(QString::fromLatin1(c.method()), c.path()));
    });
}

void PeelFront::error(HttpContext &ctx, int status, const QString &message) const
{
    ctx.reply(HttpResponse::json(status, QJsonObject { { k("error"), message } }));
}

Job *PeelFront::authorizedApi(HttpContext &ctx)
{
    if (!hasValidKey(ctx, KeyScheme::XApiKey)) {
        error(ctx, 401, QStringLiteral("Missing or invalid X-API-Key"));
        return nullptr;
    }
    Job *job = ownJob(ctx.param(QStringLiteral("id")));
    if (!job)
        error(ctx, 404, QStringLiteral("Unknown API %1").arg(ctx.param(QStringLiteral("id"))));
    return job;
}

QJsonObject PeelFront::record(const Job &job) const
{
    const QString self = QStringLiteral("/v1/apis/") + job.id;
    QJsonObject o { { k("id"), job.id }, { k("status"), job.rawState() },
        { k("source_url"), job.sourceUrl }, { k("instructions"), job.instructions },
        { k("created_at"), isoTime(job.createdMs) }, { k("updated_at"), isoTime(job.updatedMs) },
        { k("auth_mode"), QStringLiteral("public") }, { k("requires_session"), false },
        { k("endpoints"), job.phase == Phase::Succeeded ? job.endpoints : QJsonArray {} },
        { k("links"),
            QJsonObject { { k("self"), self }, { k("health"), self + QStringLiteral("/health") },
                { k("revise"), self + QStringLiteral("/revise") },
                { k("rebuild"), self + QStringLiteral("/rebuild") },
                { k("respond"), self + QStringLiteral("/respond") },
                { k("openapi_export"), self + QStringLiteral("/exports/openapi") },
                { k("mcp_export"), self + QStringLiteral("/exports/mcp") },
                { k("endpoint_call_template"),
                    self + QStringLiteral("/endpoints/{endpoint_name}:call") } } },
        { k("build"),
            QJsonObject { { k("number"), job.buildCount },
                { k("started_at"),
                    job.startedMs ? QJsonValue(isoTime(job.startedMs)) : QJsonValue() },
                { k("finished_at"),
                    job.finishedMs ? QJsonValue(isoTime(job.finishedMs)) : QJsonValue() } } } };
    if (job.phase == Phase::NeedsInput)
        o.insert(k("user_input_prompt"), job.userInputPrompt);
    if (job.phase == Phase::Failed) {
        o.insert(k("failure_reason_code"), job.failureReasonCode);
        o.insert(k("failure"), job.failure);
    }
    return o;
}

void PeelFront::create(HttpContext &ctx)
{
    if (!hasValidKey(ctx, KeyScheme::XApiKey))
        return error(ctx, 401, QStringLiteral("Missing or invalid X-API-Key"));
    const Catalog::TaskInfo *task
        = m_ctx.catalog->find(DialectTable::name(m_dialect), QStringLiteral("v1/apis"));
    Submission s;
    QString problem;
    if (!task || !parseSubmission(ctx, *task, nullptr, &s, &problem))
        return error(ctx, 400, problem);
    const bool wait = s.input.value(k("wait_for_completion")).toBool();
    const int timeout = s.input.value(k("timeout_ms")).toInt(120000);
    // An existing compatible API (same source and instructions, not failed) is reused.
    for (Job *existing : m_ctx.engine->jobs(m_dialect)) {
        if (existing->phase != Phase::Failed && existing->phase != Phase::Cancelled
            && existing->sourceUrl == s.input.value(k("url")).toString()
            && existing->instructions.trimmed().compare(
                   s.input.value(k("instructions")).toString().trimmed(), Qt::CaseInsensitive)
                == 0
            && s.control.toJson().isEmpty()) {
            return replyOrWait(
                ctx, existing, QJsonObject { { k("matched"), true } }, 200, wait, timeout);
        }
    }
    Job *job = m_ctx.engine->submit(m_dialect, *task, s.input, s.control, {});
    replyOrWait(ctx, job, QJsonObject { { k("matched"), false } }, 201, wait, timeout);
}

void PeelFront::replyOrWait(HttpContext &ctx, Job *job, const QJsonObject &extra, int settledStatus,
    bool waitRequested, int timeoutMs)
{
    auto body = [&](const Job &j) {
        QJsonObject r = record(j);
        for (auto it = extra.begin(); it != extra.end(); ++it)
            r.insert(it.key(), it.value());
        return r;
    };
    if (!waitRequested || settled(*job))
        return ctx.reply(
            HttpResponse::json(settled(*job) || !waitRequested ? settledStatus : 202, body(*job)));
    auto w = std::make_shared<Wait>();
    w->apiId = job->id;
    w->extra = extra;
    w->settledStatus = settledStatus;
    w->closeAfter = ctx.wantsClose();
    w->socket = ctx.detach(settledStatus);
    w->timer = std::make_unique<QTimer>();
    w->timer->setSingleShot(true);
    Wait *raw = w.get();
    QObject::connect(w->timer.get(), &QTimer::timeout, [this, raw] { answer(raw); });
    w->timer->start(timeoutMs);
    m_waits.append(w);
}

void PeelFront::answer(Wait *w)
{
    const Job *job = m_ctx.engine->find(w->apiId);
    if (w->socket && job) {
        QJsonObject r = record(*job);
        for (auto it = w->extra.begin(); it != w->extra.end(); ++it)
            r.insert(it.key(), it.value());
        // Still building when the timeout hit: 202 with the current record, so the caller polls.
        HttpResponse::json(settled(*job) ? w->settledStatus : 202, r)
            .write(w->socket, false, w->closeAfter);
        HttpConnection::responseFinished(w->socket);
    }
    for (qsizetype i = 0; i < m_waits.size(); ++i) {
        if (m_waits.at(i).get() == w) {
            m_waits.removeAt(i); // destroys w and its timer
            break;
        }
    }
}

void PeelFront::jobTransitioned(Job &job, Phase)
{
    if (job.dialect != m_dialect)
        return;
    if (job.phase == Phase::Succeeded) {
        job.endpoints = PeelContract::endpointsFor(job.sourceUrl, job.instructions);
        // Health counts per published binding: a build (revise or rebuild) publishes new
        // bindings, so the calls and errors of the ones it replaced no longer count.
        job.callCount = 0;
        job.callErrors = 0;
        m_ctx.engine->touch(&job);
    }
    if (!settled(job))
        return;
    QList<Wait *> due;
    for (const auto &w : std::as_const(m_waits)) {
        if (w->apiId == job.id)
            due.append(w.get());
    }
    for (Wait *w : due)
        answer(w);
}

void PeelFront::get(HttpContext &ctx)
{
    if (const Job *job = authorizedApi(ctx))
        ctx.reply(HttpResponse::json(200, record(*job)));
}

void PeelFront::respond(HttpContext &ctx)
{
    Job *job = authorizedApi(ctx);
    if (!job)
        return;
    QString problem;
    const auto body = ctx.jsonBody(&problem);
    if (!body)
        return error(ctx, 400, problem);
    if (!body->value(k("response")).isObject())
        return error(ctx, 400, QStringLiteral("response: must be an object"));
    if (job->phase != Phase::NeedsInput)
        return error(ctx, 409,
            QStringLiteral("API %1 is %2; respond only works while it is needs_input")
                .arg(job->id, job->rawState()));
    // The prompt's own schema says what a response must contain.
    const QJsonObject schema = job->userInputPrompt.value(k("input_schema")).toObject();
    if (!schema.isEmpty()) {
        const auto problems
            = Catalog::SchemaValidator::validate(body->value(k("response")), schema);
        if (!problems.isEmpty())
            return error(ctx, 400,
                QStringLiteral("response does not match user_input_prompt.input_schema: ")
                    + Catalog::SchemaValidator::describe(problems));
    }
    m_ctx.engine->respond(job, body->value(k("response")).toObject());
    replyOrWait(ctx, job, {}, 200, body->value(k("wait_for_completion")).toBool(),
        body->value(k("timeout_ms")).toInt(120000));
}

void PeelFront::rebuild(HttpContext &ctx, bool revise)
{
    Job *job = authorizedApi(ctx);
    if (!job)
        return;
    QString problem;
    const auto body = ctx.jsonBody(&problem, true);
    if (!body)
        return error(ctx, 400, problem);
    const QString instructions = body->value(k("instructions")).toString().trimmed();
    if (revise && instructions.isEmpty())
        return error(ctx, 400, QStringLiteral("instructions: is required to revise an API"));
    const QString refused = m_ctx.engine->rebuild(job, revise ? instructions : QString());
    if (!refused.isEmpty())
        return error(ctx, 409,
            QStringLiteral("Cannot %1: %2")
                .arg(revise ? QStringLiteral("revise") : QStringLiteral("rebuild"), refused));
    replyOrWait(ctx, job, {}, 202, body->value(k("wait_for_completion")).toBool(),
        body->value(k("timeout_ms")).toInt(120000));
}

void PeelFront::health(HttpContext &ctx)
{
    const Job *job = authorizedApi(ctx);
    if (!job)
        return;
    QJsonObject o { { k("api_id"), job->id }, { k("status"), job->rawState() } };
    if (job->phase != Phase::Succeeded) {
        QJsonArray recent;
        for (qsizetype i = std::max<qsizetype>(0, job->logs.size() - 5); i < job->logs.size(); ++i)
            recent.append(QJsonObject { { k("at"), isoTime(job->logs.at(i).timeMs) },
                { k("level"), job->logs.at(i).level }, { k("message"), job->logs.at(i).message } });
        o.insert(k("stage"), job->rawState());
        o.insert(k("diagnostics"),
            QJsonObject { { k("build_number"), job->buildCount }, { k("progress"), job->progress },
                { k("recent_events"), recent } });
        o.insert(k("bindings"), QJsonArray {});
        o.insert(k("recommended_action"),
            job->phase == Phase::NeedsInput ? QStringLiteral("respond")
                : job->phase == Phase::Failed
                ? (job->retryable ? QStringLiteral("rebuild") : QStringLiteral("revise"))
                : QStringLiteral("wait"));
    } else {
        const double quality
            = job->callCount ? 1.0 - double(job->callErrors) / double(job->callCount) : 1.0;
        QJsonArray bindings;
        for (const QJsonValue &e : job->endpoints)
            bindings.append(
                QJsonObject { { k("endpoint_name"), e.toObject().value(k("endpoint_name")) },
                    { k("calls"), job->callCount }, { k("errors"), job->callErrors },
                    { k("quality_score"), quality } });
        o.insert(k("bindings"), bindings);
        o.insert(k("quality_score"), quality);
        o.insert(k("recommended_action"),
            quality < 0.8 ? QStringLiteral("rebuild") : QStringLiteral("none"));
    }
    ctx.reply(HttpResponse::json(200, o));
}

void PeelFront::exportSpec(HttpContext &ctx, bool mcp)
{
    const Job *job = authorizedApi(ctx);
    if (!job)
        return;
    if (job->phase != Phase::Succeeded)
        return error(ctx, 409,
            QStringLiteral("API %1 has no published endpoints (%2)").arg(job->id, job->rawState()));
    const QJsonObject doc = mcp
        ? PeelContract::mcpManifest(job->id, job->sourceUrl, job->instructions, job->endpoints)
        : PeelContract::openApi(job->id, m_ctx.baseUrl + prefix(), job->sourceUrl,
            job->instructions, job->endpoints, job->buildCount);
    ctx.reply(HttpResponse::json(200, doc).header("Content-Disposition",
        QStringLiteral("attachment; filename=\"%1-%2.json\"")
            .arg(job->id, mcp ? QStringLiteral("mcp") : QStringLiteral("openapi"))
            .toUtf8()));
}

void PeelFront::call(HttpContext &ctx)
{
    Job *job = authorizedApi(ctx);
    if (!job)
        return;
    if (job->phase == Phase::Failed)
        return error(ctx, 409,
            QStringLiteral("API %1 failed to build; no endpoint was published").arg(job->id));
    if (job->phase != Phase::Succeeded)
        return error(ctx, 409,
            QStringLiteral("API %1 is still building (%2)").arg(job->id, job->rawState()));
    const QString name = ctx.param(QStringLiteral("name"));
    QJsonObject endpoint;
    for (const QJsonValue &e : job->endpoints) {
        if (e.toObject().value(k("endpoint_name")).toString() == name)
            endpoint = e.toObject();
    }
    if (endpoint.isEmpty())
        return error(ctx, 404, QStringLiteral("API %1 has no endpoint %2").arg(job->id, name));
    QString problem;
    const auto body = ctx.jsonBody(&problem, true);
    if (!body)
        return error(ctx, 400, problem);
    const PeelContract::CallResult r = PeelContract::call(endpoint, job->sourceUrl, *body);
    ++job->callCount;
    if (r.httpStatus >= 400)
        ++job->callErrors;
    m_ctx.engine->touch(job);
    ctx.reply(HttpResponse::json(r.httpStatus, r.envelope));
}

} // namespace Sandbox
