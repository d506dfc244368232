#pragma once

#include "cli/clihistory.h"
#include "cli/clioptions.h"
#include "core/jobupdate.h"
#include "core/profile.h"
#include "core/redactor.h"
#include "downloads/downloadqueue.h"
#include "follow/via.h"
#include "tracker/jobtracker.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QTimer>
#include <memory>

class QIODevice;

namespace Dialects {
class Adapter;
struct RequestSpec;
} // namespace Dialects
namespace Follow {
class FollowContext;
class JobFollower;
} // namespace Follow
namespace Net {
class HttpCall;
}
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

// Runs one jobscope-cli command on the client core and ends with finished(exitCode):
// 0 done / succeeded; 1 the service refused it, or the job failed or was cancelled; 2 usage;
// 3 authentication, network or protocol error, or a timeout; 4 the job needs input.
// Output goes to `out` (one JSON object per line with --json, readable lines otherwise);
// sentences for non-zero exits and notices go to `err`. The API key never appears in either.
class CliRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CliRunner)

public:
    CliRunner(CliOptions options, QIODevice *out, QIODevice *err, QObject *parent = nullptr);
    ~CliRunner() override;

    void start();
    void setHistory(CliHistory history) { m_history = std::move(history); }

Q_SIGNALS:
    void finished(int exitCode);

private:
    bool resolveProfile(const QString &jobIdForHistory);
    void submit();
    void status();
    void watch();
    void follow(const QString &jobId, const QString &task, const QJsonObject &input);
    void list();
    void cancel();
    void respond();
    void call();
    void logs();
    void downloadOnly();
    void submitOne(const QString &task, const QJsonObject &body);
    void resume();
    void recordInHistory(const QString &jobId, const QString &task, const QJsonObject &input);
    void startDownloads(const QString &jobId, int exitAfter);
    void printFile(const Downloads::DownloadQueue::File &file);

    void send(const Dialects::RequestSpec &spec, std::function<void(Net::HttpCall *)> done);
    // False, with the run ended (exit 3, or by the error's kind), when the call got no answer or,
    // when `needs2xx`, an error status; `what` names the request in the sentence.
    bool answered(
        Net::HttpCall *call, const QString &jobId, const QString &what, bool needs2xx = true);
    bool readInput(QJsonObject *body);
    int exitCodeForError(const Core::JobError &e) const;
    void failWith(int code, const QString &sentence);
    void done(int code);

    void printJson(const QJsonObject &o);
    void printHuman(const QString &line);
    void note(const QString &sentence);
    void printStatus(const QString &jobId, const QString &via);
    void printUpdate(
        const QString &jobId, Tracker::JobTracker::Changes changes, const Core::JobUpdate &u);
    void printEnd(const QString &jobId);
    QJsonObject errorJson(const Core::JobError &e) const;

    CliOptions m_options;
    QIODevice *m_out;
    QIODevice *m_err;
    CliHistory m_history;
    QNetworkAccessManager m_nam;
    Tracker::JobTracker m_tracker;
    Core::Profile m_profile;
    Core::Redactor m_redactor; // every key and secret this run holds; see printHuman()
    QJsonObject m_historyRecord;
    std::unique_ptr<Follow::FollowContext> m_context;
    Dialects::Adapter *m_adapter = nullptr;
    Follow::JobFollower *m_follower = nullptr;
    QTimer m_timeout;
    int m_pendingDownloads = 0;
    int m_pendingSubmits = 0;
    int m_exitAfterDownloads = 0;
    bool m_resumeStarted = false;
    Downloads::DownloadQueue *m_queue = nullptr;
    std::unique_ptr<Store::JobHistory> m_historyAsync;
    std::unique_ptr<Secrets::KeyStore> m_keyStore;
    std::unique_ptr<Session::KeyResolver> m_resolver;
    std::unique_ptr<Session::JobSession> m_session;
    bool m_downloadFailed = false;
    bool m_done = false;
};

} // namespace Cli
