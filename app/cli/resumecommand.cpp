#include "cli/resumecommand.h"

#include "cli/clioutput.h"
#include "session/joboperation.h"
#include "session/jobsession.h"
#include "tracker/jobtracker.h"

namespace Cli {

ResumeCommand::ResumeCommand(CliContext *context, QObject *parent)
    : QObject(parent)
    , m_c(context)
{ }

void ResumeCommand::run()
{
    Session::JobSession *s = m_c->session;
    CliOutput *out = m_c->out;
    s->setAutoDownload(false); // only jobs that were given a folder are downloaded
    auto idOf = [this](const QString &key) {
        const Tracker::TrackedJob *job = m_c->job(key);
        return job ? job->remote() : key;
    };
    connect(
        s, &Session::JobSession::notice, this, [out, idOf](const QString &key, const QString &m) {
            out->note(key.isEmpty() ? m : idOf(key) + QStringLiteral(": ") + m);
        });
    connect(s, &Session::JobSession::settled, this, [this](const QString &key, Core::JobState) {
        if (const Tracker::TrackedJob *job = m_c->job(key))
            m_c->out->printEnd(*job);
    });
    connect(s, &Session::JobSession::needsInput, this, [this, idOf](const QString &key) {
        if (const Tracker::TrackedJob *job = m_c->job(key))
            m_c->out->printEnd(*job);
        m_c->out->note(
            QStringLiteral("%1 needs input; answer with: jobscope-cli respond %1 --input FILE")
                .arg(idOf(key)));
    });
    connect(s, &Session::JobSession::jobFatal, this,
        [this, idOf](const QString &key, const Core::JobError &e) {
            m_failed = true;
            m_c->out->printErrorEvent(idOf(key), e);
            m_c->out->note(QStringLiteral("cannot follow %1: %2").arg(idOf(key), e.message));
        });
    connect(s->downloads(), &Downloads::DownloadQueue::fileChanged, this,
        [this, idOf](const Downloads::DownloadQueue::File &f) {
            if (f.state == Downloads::DownloadQueue::File::State::Failed)
                m_failed = true;
            m_c->out->printFile(f, idOf(f.jobId)); // the session's history records the file
        });
    connect(s, &Session::JobSession::idle, this, [this] {
        if (m_started)
            m_c->done(m_failed ? 3 : 0);
    });
    Session::JobOperation *resume = s->resumeUnfinished();
    connect(resume, &Core::Operation::result, this, [this, s, resume] {
        const int count = resume->count();
        m_started = true;
        if (m_c->out->json())
            m_c->out->printJson(QJsonObject { { QLatin1String("event"), QStringLiteral("resume") },
                { QLatin1String("jobs"), count } });
        else
            m_c->out->note(QStringLiteral("re-attached to %1 unfinished job%2")
                               .arg(count)
                               .arg(count == 1 ? QString() : QStringLiteral("s")));
        if (s->isIdle())
            m_c->done(m_failed ? 3 : 0);
    });
}

} // namespace Cli
