#include "sandbox/controlfront.h"

#include "sandbox/failurecatalog.h"
#include "sandbox/httpcontext.h"
#include "sandbox/httpserver.h"
#include "sandbox/jobengine.h"
#include "sandbox/pusherhub.h"
#include "sandbox/router.h"
#include "sandbox/ssehub.h"
#include "sandbox/webhookdispatcher.h"

#include <QFile>
#include <QJsonArray>
#include <unistd.h>

namespace Sandbox {

namespace {
QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

// CPU seconds and resident memory of this process, from /proc (Linux).
QJsonObject processFigures()
{
    QJsonObject o;
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (stat.open(QIODevice::ReadOnly)) {
        const QByteArray line = stat.readAll();
        const QList<QByteArray> f = line.mid(line.lastIndexOf(')') + 2).split(' ');
        const double ticks = double(sysconf(_SC_CLK_TCK));
        if (f.size() > 13)
            o.insert(k("cpu_seconds"), (f.at(11).toDouble() + f.at(12).toDouble()) / ticks);
    }
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &l : status.readAll().split('\n')) {
            if (l.startsWith("VmRSS:") || l.startsWith("VmHWM:")) {
                const qint64 kb = l.mid(6).trimmed().split(' ').first().toLongLong();
                o.insert(l.startsWith("VmRSS") ? k("rss_kib") : k("peak_rss_kib"), kb);
            }
        }
    }
    return o;
}
} // namespace

ControlFront::ControlFront(ServiceContext &context, HttpServer *server, QByteArray token,
    std::function<QJsonObject()> info)
    : m_ctx(context)
    , m_server(server)
    , m_token(std::move(token))
    , m_info(std::move(info))
{ }

bool ControlFront::admit(HttpContext &ctx)
{
    const auto refuse = [&ctx](int status, const QString &message) {
        ctx.reply(HttpResponse::json(status, QJsonObject { { k("error"), message } }));
        return false;
    };
    const bool fromPage = ctx.request().hasHeader("Origin");
    const QByteArray origin = ctx.header("Origin");
    if (fromPage && !m_server->isOwnOrigin(origin))
        return refuse(403,
            QStringLiteral("The sandbox's control routes refuse requests from other origins (this "
                           "one came from %1).")
                .arg(QString::fromLatin1(origin.left(200))));
    if (!m_token.isEmpty()) {
        const QByteArray given = ctx.header(TokenHeader);
        if (given.isEmpty())
            return refuse(401,
                QStringLiteral(
                    "The sandbox's control routes need the X-Sandbox-Token header; its value is "
                    "\"control_token\" in the line the sandbox printed on start."));
        // Constant time: the answer does not tell how much of a guess was right.
        unsigned char diff = given.size() == m_token.size() ? 0 : 1;
        for (qsizetype i = 0; i < m_token.size(); ++i)
            diff |= (unsigned char)(m_token.at(i) ^ (i < given.size() ? given.at(i) : 0));
        if (diff != 0)
            return refuse(403,
                QStringLiteral(
                    "The X-Sandbox-Token header does not match this sandbox's control token."));
    }
    const bool readOnly = ctx.method() == "GET" || ctx.method() == "HEAD";
    if (!readOnly && (!ctx.body().isEmpty() || fromPage)) {
        const QByteArray type = ctx.header("Content-Type").split(';').first().trimmed().toLower();
        if (type != "application/json")
            return refuse(415,
                QStringLiteral("A control request with a body must send it as Content-Type: "
                               "application/json."));
    }
    return true;
}

QJsonObject ControlFront::summary(const Job &job) const
{
    return QJsonObject { { k("id"), job.id }, { k("dialect"), DialectTable::name(job.dialect) },
        { k("task"), job.task }, { k("state"), DialectTable::normalizedName(job.phase) },
        { k("status"), job.rawState() }, { k("progress"), job.progress },
        { k("hold"), job.control.hold.isEmpty() ? QJsonValue() : QJsonValue(job.control.hold) },
        { k("created_ms"), job.createdMs }, { k("updated_ms"), job.updatedMs },
        { k("events"), int(job.events.size()) },
        { k("webhook_attempts"), int(job.webhookAttempts.size()) } };
}

Job *ControlFront::jobOr404(HttpContext &ctx)
{
    Job *job = m_ctx.engine->find(ctx.param(QStringLiteral("id")));
    if (!job)
        ctx.reply(HttpResponse::json(404,
            QJsonObject { { k("error"),
                QStringLiteral("no job %1").arg(ctx.param(QStringLiteral("id"))) } }));
    return job;
}

void ControlFront::done(HttpContext &ctx, const Job *job, const QString &refusal)
{
    if (!refusal.isEmpty())
        return ctx.reply(HttpResponse::json(
            409, QJsonObject { { k("error"), refusal }, { k("job"), summary(*job) } }));
    ctx.reply(
        HttpResponse::json(200, QJsonObject { { k("ok"), true }, { k("job"), summary(*job) } }));
}

QJsonObject ControlFront::stats() const
{
    const JobEngine::Stats s = m_ctx.engine->stats();
    QJsonObject o { { k("jobs"), int(m_ctx.engine->jobs().size()) }, { k("running"), s.running },
        { k("queued"), s.queued }, { k("progress_events"), qint64(s.progressEvents) },
        { k("transitions"), qint64(s.transitions) }, { k("ticks"), s.ticks },
        { k("tick_late_ms_max"), s.maxTickLateMs }, { k("tick_late_ms_p99"), s.p99TickLateMs },
        { k("progress_late_ms_max"), s.maxProgressGapLateMs },
        { k("sse_streams"), m_ctx.sse->streamCount() },
        { k("ws_connections"), m_ctx.pusher->connectionCount() },
        { k("webhooks_in_flight"), m_ctx.webhooks->inFlight() },
        { k("requests"), qint64(m_server->requestLog().total()) } };
    const QJsonObject proc = processFigures();
    for (auto it = proc.begin(); it != proc.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

void ControlFront::registerRoutes(Router &router)
{
    const QString p = QStringLiteral("/_sandbox");
    router.add("GET", p, [this](HttpContext &c) { c.reply(HttpResponse::json(200, m_info())); });
    router.add("GET", p + QStringLiteral("/stats"),
        [this](HttpContext &c) { c.reply(HttpResponse::json(200, stats())); });
    router.add("GET", p + QStringLiteral("/failures"), [](HttpContext &c) {
        QJsonObject o;
        for (Dialect d : { Dialect::PeelApi, Dialect::ImagePipeline, Dialect::Peel, Dialect::Peako,
                 Dialect::DeApi })
            o.insert(DialectTable::name(d), QJsonArray::fromStringList(FailureCatalog::codes(d)));
        c.reply(HttpResponse::json(200, o));
    });
    router.add("GET", p + QStringLiteral("/jobs"), [this](HttpContext &c) {
        const auto dialect = DialectTable::fromName(c.query(QStringLiteral("dialect")));
        QJsonArray arr;
        for (const Job *j : m_ctx.engine->jobs(dialect))
            arr.append(summary(*j));
        c.reply(HttpResponse::json(200, QJsonObject { { k("jobs"), arr } }));
    });
    router.add("GET", p + QStringLiteral("/jobs/{id}"), [this](HttpContext &c) {
        if (const Job *j = jobOr404(c)) {
            QJsonObject o = j->toJson();
            o.insert(k("state"), DialectTable::normalizedName(j->phase));
            o.insert(k("status"), j->rawState());
            c.reply(HttpResponse::json(200, o));
        }
    });
    router.add("POST", p + QStringLiteral("/jobs/{id}/advance"), [this](HttpContext &c) {
        Job *j = jobOr404(c);
        if (!j)
            return;
        QString problem;
        const auto body = c.jsonBody(&problem, true);
        if (!body)
            return c.reply(HttpResponse::json(400, QJsonObject { { k("error"), problem } }));
        std::optional<Phase> to;
        const QString word = body->value(k("to")).toString();
        if (!word.isEmpty()) {
            to = DialectTable::phaseFromName(j->dialect, word);
            if (!to)
                return done(c, j,
                    QStringLiteral("%1 has no state \"%2\"")
                        .arg(DialectTable::name(j->dialect), word));
        }
        done(c, j, m_ctx.engine->advance(j, to));
    });
    router.add("POST", p + QStringLiteral("/jobs/{id}/hold"), [this](HttpContext &c) {
        Job *j = jobOr404(c);
        if (!j)
            return;
        QString problem;
        const auto body = c.jsonBody(&problem, true);
        const QString state = body ? body->value(k("state")).toString() : QString();
        done(c, j,
            m_ctx.engine->hold(j, state.isEmpty() ? DialectTable::phaseName(j->phase) : state));
    });
    router.add("POST", p + QStringLiteral("/jobs/{id}/release"), [this](HttpContext &c) {
        if (Job *j = jobOr404(c))
            done(c, j, m_ctx.engine->release(j));
    });
    router.add("POST", p + QStringLiteral("/jobs/{id}/fail"), [this](HttpContext &c) {
        Job *j = jobOr404(c);
        if (!j)
            return;
        QString problem;
        const auto body = c.jsonBody(&problem, true);
        if (!body)
            return c.reply(HttpResponse::json(400, QJsonObject { { k("error"), problem } }));
        QString code = body->value(k("reason_code")).toString();
        if (code.isEmpty())
            code = FailureCatalog::defaultCode(j->dialect);
        done(c, j, m_ctx.engine->fail(j, code, body->value(k("message")).toString()));
    });
    router.add("POST", p + QStringLiteral("/jobs/{id}/cancel"), [this](HttpContext &c) {
        if (Job *j = jobOr404(c))
            done(c, j, m_ctx.engine->cancel(j));
    });
    router.add("POST", p + QStringLiteral("/jobs/{id}/ask-input"), [this](HttpContext &c) {
        Job *j = jobOr404(c);
        if (!j)
            return;
        QString problem;
        const auto body = c.jsonBody(&problem, true);
        done(c, j,
            m_ctx.engine->askForInput(
                j, body ? body->value(k("prompt")).toObject() : QJsonObject()));
    });
    router.add("POST", p + QStringLiteral("/jobs/{id}/expire"), [this](HttpContext &c) {
        if (Job *j = jobOr404(c)) {
            m_ctx.engine->expireUrls(j);
            done(c, j, {});
        }
    });
    router.add("POST", p + QStringLiteral("/jobs/{id}/drop"), [this](HttpContext &c) {
        Job *j = jobOr404(c);
        if (!j)
            return;
        const int sse = m_ctx.sse->dropJob(j->id);
        int ws = 0;
        if (j->dialect == Dialect::DeApi)
            ws = m_ctx.pusher->dropChannel(
                QStringLiteral("private-client.") + m_ctx.account(Dialect::DeApi).clientId, 4200,
                QStringLiteral("sandbox: drop"));
        c.reply(HttpResponse::json(200,
            QJsonObject { { k("ok"), true }, { k("sse_dropped"), sse }, { k("ws_dropped"), ws } }));
    });
    router.add("POST", p + QStringLiteral("/drop"), [this](HttpContext &c) {
        QString problem;
        const auto body = c.jsonBody(&problem, true);
        if (!body)
            return c.reply(HttpResponse::json(400, QJsonObject { { k("error"), problem } }));
        const bool sse = body->value(k("sse")).toBool(true);
        const bool ws = body->value(k("ws")).toBool(true);
        const int code = body->value(k("ws_close_code")).toInt(4200);
        const int droppedSse = sse ? m_ctx.sse->dropAll() : 0;
        const int droppedWs = ws ? m_ctx.pusher->dropAll(code, QStringLiteral("sandbox: drop")) : 0;
        c.reply(HttpResponse::json(200,
            QJsonObject { { k("ok"), true }, { k("sse_dropped"), droppedSse },
                { k("ws_dropped"), droppedWs } }));
    });
    router.add("GET", p + QStringLiteral("/webhooks"), [this](HttpContext &c) {
        const QString only = c.query(QStringLiteral("job"));
        QJsonArray arr;
        for (const Job *j : m_ctx.engine->jobs()) {
            if (!only.isEmpty() && j->id != only)
                continue;
            for (const WebhookAttempt &a : j->webhookAttempts)
                arr.append(QJsonObject { { k("job"), j->id },
                    { k("dialect"), DialectTable::name(j->dialect) }, { k("t"), a.timeMs },
                    { k("attempt"), a.attempt }, { k("url"), a.url }, { k("event"), a.event },
                    { k("http_status"), a.httpStatus }, { k("error"), a.error },
                    { k("duration_ms"), a.durationMs }, { k("done"), j->webhookDone } });
        }
        c.reply(HttpResponse::json(200, QJsonObject { { k("attempts"), arr } }));
    });
    router.add("GET", p + QStringLiteral("/requests"), [this](HttpContext &c) {
        const int limit = c.query(QStringLiteral("limit")).isEmpty()
            ? 1000
            : c.query(QStringLiteral("limit")).toInt();
        c.reply(HttpResponse::json(200,
            QJsonObject { { k("requests"),
                m_server->requestLog().toJson(c.query(QStringLiteral("path")), limit) } }));
    });
    router.add("POST", p + QStringLiteral("/purge"), [this](HttpContext &c) {
        m_ctx.engine->purgeExpired();
        c.reply(HttpResponse::json(200, QJsonObject { { k("ok"), true } }));
    });
    router.add("*", p + QStringLiteral("/{*rest}"), [](HttpContext &c) {
        c.reply(HttpResponse::json(404,
            QJsonObject {
                { k("error"), QStringLiteral("unknown control route %1").arg(c.path()) } }));
    });
}

} // namespace Sandbox
