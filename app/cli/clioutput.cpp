#include "cli/clioutput.h"

#include "core/terminaltext.h"

#include <QDateTime>
#include <QIODevice>
#include <QJsonDocument>

namespace Cli {

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

CliOutput::CliOutput(QIODevice *out, QIODevice *err, bool json)
    : m_out(out)
    , m_err(err)
    , m_json(json)
{ }

void CliOutput::printText(const QString &text)
{
    m_out->write(text.toUtf8());
}

void CliOutput::printJson(const QJsonObject &o)
{
    m_out->write(m_redactor.redact(QJsonDocument(o).toJson(QJsonDocument::Compact)));
    m_out->write("\n");
}

void CliOutput::printHuman(const QString &line)
{
    m_out->write(Core::TerminalText::escape(m_redactor.redact(line)).toUtf8());
    m_out->write("\n");
}

void CliOutput::note(const QString &sentence)
{
    m_err->write(
        "jobscope-cli: " + Core::TerminalText::escape(m_redactor.redact(sentence)).toUtf8() + "\n");
}

int CliOutput::exitCodeFor(const Core::JobError &e)
{
    using K = Core::JobError::Kind;
    switch (e.kind) {
    case K::NotFound:
    case K::Conflict:
    case K::Invalid:
    case K::Job:
        return 1;
    case K::Http:
        return e.httpStatus >= 400 && e.httpStatus < 500 ? 1 : 3;
    default:
        return 3;
    }
}

QJsonObject CliOutput::errorJson(const Core::JobError &e)
{
    QJsonObject o { { k("message"), e.message }, { k("retryable"), e.retryable },
        { k("kind"), Core::JobError::kindName(e.kind) } };
    o.insert(k("code"),
        e.providerCode.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(e.providerCode));
    if (e.httpStatus)
        o.insert(k("http_status"), e.httpStatus);
    if (!e.supportId.isEmpty())
        o.insert(k("support_id"), e.supportId);
    if (!e.suggestedAction.isEmpty())
        o.insert(k("suggested_action"), e.suggestedAction);
    return o;
}

void CliOutput::printErrorEvent(const QString &jobId, const Core::JobError &e, const QString &via)
{
    if (!m_json)
        return;
    QJsonObject o { { k("job"),
                        jobId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(jobId) },
        { k("event"), QStringLiteral("error") } };
    if (!via.isEmpty())
        o.insert(k("via"), via);
    o.insert(k("error"), errorJson(e));
    printJson(o);
}

void CliOutput::printStatus(const Tracker::TrackedJob &job, const QString &via)
{
    const QString id = job.remote();
    if (m_json) {
        printJson(QJsonObject { { k("job"), id }, { k("event"), QStringLiteral("status") },
            { k("state"), job.state ? QJsonValue(Core::stateName(*job.state)) : QJsonValue() },
            { k("status"), job.rawStatus },
            { k("progress"), job.hasProgress ? QJsonValue(job.progress) : QJsonValue() },
            { k("via"), via } });
        return;
    }
    printHuman(
        QStringLiteral("%1  %2%3%4  via %5")
            .arg(id, job.state ? Core::stateName(*job.state) : QStringLiteral("?"),
                job.rawStatus.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(job.rawStatus),
                job.hasProgress ? QStringLiteral("  %1%").arg(int(job.progress * 100)) : QString(),
                via));
}

void CliOutput::printLog(const QString &jobId, const Core::LogLine &l, const QString &via)
{
    if (m_json)
        printJson(QJsonObject { { k("job"), jobId }, { k("event"), QStringLiteral("log") },
            { k("level"), l.level }, { k("message"), l.message }, { k("time"), isoTime(l.timeMs) },
            { k("via"), via } });
    else
        printHuman(QStringLiteral("%1  log %2: %3").arg(jobId, l.level, l.message));
}

void CliOutput::printUpdate(
    const Tracker::TrackedJob &job, Tracker::JobTracker::Changes changes, const Core::JobUpdate &u)
{
    const QString id = job.remote();
    const QString via = Core::channelName(u.channel);
    if (changes & (Tracker::JobTracker::State | Tracker::JobTracker::Progress))
        printStatus(job, via);
    if (changes & Tracker::JobTracker::Log) {
        for (const Core::LogLine &l : u.logs)
            printLog(id, l, via);
    }
    if (changes & Tracker::JobTracker::Preview) {
        if (m_json)
            printJson(QJsonObject { { k("job"), id }, { k("event"), QStringLiteral("preview") },
                { k("bytes"), u.preview.size() }, { k("via"), via } });
        else
            printHuman(QStringLiteral("%1  preview (%2 bytes)").arg(id).arg(u.preview.size()));
    }
    if (changes & Tracker::JobTracker::Outputs) {
        for (const Core::Output &o : u.outputs) {
            if (m_json)
                printJson(QJsonObject { { k("job"), id }, { k("event"), QStringLiteral("result") },
                    { k("url"), o.url }, { k("name"), o.name }, { k("variant"), o.variant },
                    { k("index"), o.index }, { k("via"), via } });
            else
                printHuman(QStringLiteral("%1  result %2%3")
                               .arg(id, o.name.isEmpty() ? o.url : o.name,
                                   o.variant.isEmpty() ? QString()
                                                       : QStringLiteral(" (%1)").arg(o.variant)));
        }
    }
    if (changes & Tracker::JobTracker::Problem) {
        if (m_json)
            printJson(QJsonObject { { k("job"), id }, { k("event"), QStringLiteral("error") },
                { k("via"), via },
                { k("error"),
                    QJsonObject { { k("kind"), QStringLiteral("protocol") },
                        { k("message"), u.problem } } } });
        else
            note(QStringLiteral("%1: %2").arg(id, u.problem));
    }
}

void CliOutput::printEnd(const Tracker::TrackedJob &job)
{
    if (!job.state)
        return;
    const QString id = job.remote();
    if (m_json) {
        QJsonObject o { { k("job"), id }, { k("event"), QStringLiteral("end") },
            { k("state"), Core::stateName(*job.state) }, { k("status"), job.rawStatus },
            { k("progress"), job.hasProgress ? QJsonValue(job.progress) : QJsonValue() },
            { k("via"),
                job.timeline.isEmpty() ? QStringLiteral("poll")
                                       : Core::channelName(job.timeline.last().channel) } };
        if (*job.state == Core::JobState::Failed || job.error.isError())
            o.insert(k("error"), errorJson(job.error));
        if (*job.state == Core::JobState::NeedsInput && job.extra.contains(k("user_input_prompt")))
            o.insert(k("user_input_prompt"), job.extra.value(k("user_input_prompt")));
        if (!job.captions.isEmpty())
            o.insert(k("captions"), job.captions);
        printJson(o);
        return;
    }
    QString line
        = QStringLiteral("%1  end: %2 (%3)").arg(id, Core::stateName(*job.state), job.rawStatus);
    if (job.error.isError())
        line += QStringLiteral(" — %1%2%3")
                    .arg(job.error.message,
                        job.error.providerCode.isEmpty()
                            ? QString()
                            : QStringLiteral(" [%1]").arg(job.error.providerCode),
                        job.error.retryable ? QStringLiteral(" (retryable)") : QString());
    printHuman(line);
}

void CliOutput::printFile(const Downloads::DownloadQueue::File &f, const QString &jobId)
{
    using S = Downloads::DownloadQueue::File::State;
    if (f.state == S::Queued || f.state == S::Running)
        return;
    if (f.state == S::Failed) {
        if (m_json)
            printJson(QJsonObject { { k("job"), jobId }, { k("event"), QStringLiteral("error") },
                { k("error"),
                    QJsonObject {
                        { k("message"), f.error }, { k("kind"), QStringLiteral("download") } } } });
        note(QStringLiteral("download of %1 (%2) failed: %3").arg(f.name, jobId, f.error));
    } else if (m_json) {
        printJson(QJsonObject { { k("job"), jobId }, { k("event"), QStringLiteral("file") },
            { k("path"), f.path }, { k("bytes"), f.bytes }, { k("sha256"), f.sha256 } });
    } else {
        printHuman(QStringLiteral("%1  file %2 (%3 bytes)").arg(jobId, f.path).arg(f.bytes));
    }
}

} // namespace Cli
