#include "cli/jobcommands.h"

#include "cli/clioutput.h"
#include "dialects/adapter.h"
#include "follow/statusread.h"
#include "session/joboperation.h"
#include "session/jobsession.h"

#include <QDir>

namespace Cli {

JobCommands::JobCommands(CliContext *context, QObject *parent)
    : QObject(parent)
    , m_c(context)
{ }

QString JobCommands::task() const
{
    if (!m_c->options->task.isEmpty())
        return m_c->options->task;
    return m_c->recorded ? m_c->recorded->job.task : QString();
}

void JobCommands::failed(
    const QString &id, const Core::JobError &e, const QString &what, const QString &via)
{
    if (e.httpStatus == 0
        && (e.kind == Core::JobError::Kind::Network || e.kind == Core::JobError::Kind::Timeout))
        return m_c->fail(3, m_c->unreachable(e.message));
    m_c->out->printErrorEvent(id, e, via);
    m_c->fail(CliOutput::exitCodeFor(e), QStringLiteral("%1: %2").arg(what, e.message));
}

void JobCommands::status()
{
    const QString id = m_c->options->args.value(0);
    const QString key = m_c->openNamedJob(task());
    Follow::StatusRead *read = m_c->session->read(key);
    connect(read, &Core::Operation::result, this, [this, read, id, key] {
        if (read->failed())
            return failed(
                id, read->error(), QStringLiteral("Status of %1").arg(id), QStringLiteral("poll"));
        const Tracker::TrackedJob *job = m_c->job(key);
        if (!job)
            return m_c->done(3);
        if (read->changes() == Tracker::JobTracker::None)
            m_c->out->printStatus(*job, QStringLiteral("poll"));
        if (job->isTerminal())
            m_c->out->printEnd(*job);
        const QString problem = read->update().problem;
        if (!problem.isEmpty()) {
            // The update printed it already, once (as JSON on stdout with --json).
            if ((read->changes() & Tracker::JobTracker::Problem) && !m_c->options->json)
                return m_c->done(3);
            return m_c->fail(
                3, QStringLiteral("Status of %1 could not be read fully: %2").arg(id, problem));
        }
        m_c->done(0);
    });
}

void JobCommands::download()
{
    const QString id = m_c->options->args.value(0);
    if (m_c->options->downloadDir.isEmpty())
        return m_c->fail(2, QStringLiteral("download needs --to DIR."));
    const QString key = m_c->openNamedJob(task());
    Follow::StatusRead *read = m_c->session->read(key);
    connect(read, &Core::Operation::result, this, [this, read, id, key] {
        if (read->failed())
            return failed(id, read->error(), QStringLiteral("Status of %1").arg(id));
        const Tracker::TrackedJob *job = m_c->job(key);
        if (!job || !job->state || *job->state != Core::JobState::Succeeded)
            return m_c->fail(1,
                QStringLiteral("%1 has no results to download (it is %2).")
                    .arg(id,
                        job && job->state ? Core::stateName(*job->state)
                                          : QStringLiteral("unknown")));
        // A job this machine did not submit: recorded first, so its files are remembered too.
        if (!m_c->recorded)
            m_c->session->recordJob(key);
        Session::JobSession *s = m_c->session;
        connect(s->downloads(), &Downloads::DownloadQueue::fileChanged, this,
            [this, id](const Downloads::DownloadQueue::File &f) { m_c->out->printFile(f, id); });
        connect(s, &Session::JobSession::downloadsFinished, this,
            [this, key](const QString &k, bool ok, const QStringList &) {
                if (k == key)
                    m_c->done(ok ? 0 : 3);
            });
        if (!s->download(key, QDir(m_c->options->downloadDir).absolutePath()))
            m_c->done(0);
    });
}

void JobCommands::cancel()
{
    const QString id = m_c->options->args.value(0);
    if (!m_c->adapter()->cancel({ id, task() }))
        return m_c->fail(2,
            QStringLiteral("%1 has no cancel call.")
                .arg(Core::dialectName(m_c->adapter()->dialect())));
    const QString key = m_c->openNamedJob(task());
    Session::JobOperation *op = m_c->session->cancel(key);
    connect(op, &Core::Operation::result, this, [this, op, id, key] {
        if (op->failed())
            return failed(id, op->error(), QStringLiteral("Cancel of %1 refused").arg(id));
        if (const Tracker::TrackedJob *job = m_c->job(key))
            m_c->out->printEnd(*job);
        m_c->done(0);
    });
}

void JobCommands::respond()
{
    const QString id = m_c->options->args.value(0);
    std::optional<QJsonObject> body = m_c->readInput();
    if (!body)
        return;
    if (!m_c->adapter()->respond({ id, {} }, *body))
        return m_c->fail(2,
            QStringLiteral("%1 has no respond call.")
                .arg(Core::dialectName(m_c->adapter()->dialect())));
    const QString key = m_c->openNamedJob(task());
    Session::JobOperation *op = m_c->session->respond(key, *body);
    connect(op, &Core::Operation::result, this, [this, op, id, key] {
        if (op->failed())
            return failed(id, op->error(), QStringLiteral("Respond to %1 refused").arg(id));
        const Tracker::TrackedJob *job = m_c->job(key);
        if (job && op->changes() == Tracker::JobTracker::None)
            m_c->out->printStatus(*job, QStringLiteral("poll")); // else the update printed it
        m_c->done(0);
    });
}

} // namespace Cli
