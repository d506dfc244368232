#pragma once

#include "cli/clicontext.h"
#include "cli/clioptions.h"
#include "cli/clioutput.h"
#include "tracker/jobtracker.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QTimer>
#include <memory>

class QIODevice;

namespace Secrets {
class KeyStore;
}
namespace Session {
class JobSession;
class KeyResolver;
} // namespace Session
namespace Store {
class JobHistory;
}

namespace Cli {

class FollowCommands;
class JobCommands;
class ResumeCommand;
class ServiceCommands;

// Runs one jobscope-cli command and ends with finished(exitCode):
// 0 done / succeeded; 1 the service refused it, or the job failed or was cancelled; 2 usage;
// 3 authentication, network or protocol error, or a timeout; 4 the job needs input.
// The same JobSession as the window's does the work, over the same history ($JOBSCOPE_HISTORY or
// $XDG_DATA_HOME/jobscope/history.sqlite, shared with the app and other CLI processes): this
// sets it up (the history, the profile from the options or the named job's record, its key),
// hands the command to its family (FollowCommands, JobCommands, ServiceCommands,
// ResumeCommand) and prints what the tracker learns as it happens (CliOutput; the API key never
// appears). --timeout S bounds the whole run.
class CliRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CliRunner)

public:
    CliRunner(CliOptions options, QIODevice *out, QIODevice *err, QObject *parent = nullptr);
    ~CliRunner() override;

    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void onHistoryOpened(bool ok, const QString &error);
    void withProfile(const std::optional<Store::StoredJob> &recorded);
    void run();
    void done(int code);

    CliOptions m_options;
    CliOutput m_out;
    QNetworkAccessManager m_nam;
    Tracker::JobTracker m_tracker;
    QTimer m_timeout;
    std::unique_ptr<Store::JobHistory> m_history;
    std::unique_ptr<Secrets::KeyStore> m_keyStore;
    std::unique_ptr<Session::KeyResolver> m_resolver;
    std::unique_ptr<Session::JobSession> m_session;
    CliContext m_context;
    FollowCommands *m_follow = nullptr;
    JobCommands *m_jobs = nullptr;
    ServiceCommands *m_service = nullptr;
    ResumeCommand *m_resume = nullptr;
    bool m_done = false;
};

} // namespace Cli
