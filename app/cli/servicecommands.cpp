#include "cli/servicecommands.h"

#include "cli/clioutput.h"
#include "dialects/adapter.h"
#include "follow/followcontext.h"
#include "net/httpcall.h"
#include "net/sseconnection.h"
#include "session/jobsession.h"
#include "store/jobhistory.h"

#include <QDateTime>
#include <QJsonDocument>

namespace Cli {

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

} // namespace

ServiceCommands::ServiceCommands(CliContext *context, QObject *parent)
    : QObject(parent)
    , m_c(context)
{ }

Net::HttpCall *ServiceCommands::send(const Dialects::RequestSpec &spec)
{
    auto *call = new Net::HttpCall(m_c->nam, spec.method, spec.networkRequest(), spec.body, this);
    call->setTraffic(m_c->session->context()->trafficLog(), QString());
    call->start();
    return call;
}

void ServiceCommands::list()
{
    Dialects::Adapter *adapter = m_c->adapter();
    const auto spec = adapter->list();
    if (!spec)
        return listHistory();
    Net::HttpCall *call = send(*spec);
    connect(call, &Core::Operation::result, this, [this, call, adapter] {
        if (call->failed())
            return m_c->fail(3, m_c->unreachable(call->networkMessage()));
        const Dialects::ListResult r = adapter->parseList(call->httpStatus(), call->body());
        if (r.error.isError())
            return m_c->fail(CliOutput::exitCodeFor(r.error),
                QStringLiteral("List refused: %1").arg(r.error.message));
        CliOutput *out = m_c->out;
        for (const Core::JobUpdate &u : r.jobs) {
            if (out->json()) {
                QJsonObject o { { k("job"), u.jobId }, { k("event"), QStringLiteral("status") },
                    { k("state"), u.state ? QJsonValue(Core::stateName(*u.state)) : QJsonValue() },
                    { k("status"), u.rawStatus },
                    { k("progress"), u.progress ? QJsonValue(*u.progress) : QJsonValue() },
                    { k("via"), QStringLiteral("poll") } };
                if (u.extra.contains(k("job_type")))
                    o.insert(k("type"), u.extra.value(k("job_type")));
                out->printJson(o);
            } else {
                out->printHuman(
                    QStringLiteral("%1  %2 (%3)  %4%")
                        .arg(u.jobId, u.state ? Core::stateName(*u.state) : QStringLiteral("?"),
                            u.rawStatus)
                        .arg(u.progress ? int(*u.progress * 100) : 0));
            }
        }
        if (!r.workers.isEmpty()) {
            if (out->json())
                out->printJson(QJsonObject { { k("workers"), r.workers } });
            else
                out->printHuman(QStringLiteral("workers: %1 active of %2 (max %3)")
                                    .arg(r.workers.value(k("activeWorkers")).toInt())
                                    .arg(r.workers.value(k("totalWorkers")).toInt())
                                    .arg(r.workers.value(k("maxWorkers")).toInt()));
        }
        m_c->done(0);
    });
}

void ServiceCommands::listHistory()
{
    // No list endpoint in the document: what this machine submitted to the service, oldest first.
    if (!m_c->history)
        return m_c->done(0);
    const auto profile = m_c->session->profile(m_c->profile);
    const QString base = profile ? profile->baseUrl.toString() : QString();
    Store::HistoryOperation *read = m_c->history->loadJobs(false, false);
    connect(read, &Core::Operation::result, this, [this, read, base] {
        const QList<Store::StoredJob> jobs = read->jobs();
        for (auto it = jobs.crbegin(); it != jobs.crend(); ++it) {
            if (it->profile.baseUrl.toString() != base)
                continue;
            if (m_c->out->json())
                m_c->out->printJson(QJsonObject { { k("job"), it->job.remote() },
                    { k("event"), QStringLiteral("history") }, { k("task"), it->job.task },
                    { k("created_ms"), it->job.createdMs } });
            else
                m_c->out->printHuman(QStringLiteral("%1  %2  (from the local history)")
                                         .arg(it->job.remote(), it->job.task));
        }
        m_c->done(0);
    });
}

void ServiceCommands::call()
{
    Dialects::Adapter *adapter = m_c->adapter();
    std::optional<QJsonObject> body = m_c->readInput();
    if (!body)
        return;
    const auto spec
        = adapter->call(m_c->options->args.value(0), m_c->options->args.value(1), *body);
    if (!spec)
        return m_c->fail(2,
            QStringLiteral("%1 has no runtime call.").arg(Core::dialectName(adapter->dialect())));
    Net::HttpCall *call = send(*spec);
    connect(call, &Core::Operation::result, this, [this, call, adapter] {
        if (call->failed())
            return m_c->fail(3, m_c->unreachable(call->networkMessage()));
        const QJsonDocument doc = QJsonDocument::fromJson(call->body());
        if (doc.isObject())
            m_c->out->printJson(doc.object());
        else
            m_c->out->printHuman(QString::fromUtf8(call->body()));
        if (call->httpStatus() < 200 || call->httpStatus() >= 300) {
            const Core::JobError e = adapter->errorFrom(call->httpStatus(), 0, call->body());
            return m_c->fail(CliOutput::exitCodeFor(e),
                QStringLiteral("The call was refused: %1").arg(e.message));
        }
        m_c->done(0);
    });
}

void ServiceCommands::logs()
{
    Dialects::Adapter *adapter = m_c->adapter();
    const QString id = m_c->options->args.value(0);
    const auto spec = adapter->stream({ id, {} });
    if (!spec)
        return m_c->fail(2,
            QStringLiteral("%1 has no log channel (only PeelAPI streams logs).")
                .arg(Core::dialectName(adapter->dialect())));
    // The stream replays every event from the start: its log lines are printed until `end`.
    auto *sse = new Net::SseConnection(m_c->nam, spec->networkRequest());
    sse->setParent(this);
    connect(
        sse, &Net::SseConnection::event, this, [this, sse, adapter, id](const Net::SseEvent &e) {
            const Core::JobUpdate u = adapter->parseSseEvent(id, e.type, e.data, e.lastEventId);
            for (const Core::LogLine &l : u.logs) {
                const QString time
                    = QDateTime::fromMSecsSinceEpoch(l.timeMs, Qt::UTC).toString(Qt::ISODateWithMs);
                if (m_c->out->json())
                    m_c->out->printJson(
                        QJsonObject { { k("job"), id }, { k("event"), QStringLiteral("log") },
                            { k("level"), l.level }, { k("message"), l.message },
                            { k("time"), time }, { k("via"), QStringLiteral("sse") } });
                else
                    m_c->out->printHuman(
                        QStringLiteral("%1 %2 %3").arg(time, l.level.toUpper(), l.message));
            }
            if (e.type == "end") {
                sse->close();
                m_c->done(0);
            }
        });
    connect(
        sse, &Net::SseConnection::failed, this, [this, id](const QString &message, int httpStatus) {
            m_c->fail(httpStatus == 404 ? 1 : 3, QStringLiteral("Logs of %1: %2").arg(id, message));
        });
    sse->start();
}

} // namespace Cli
