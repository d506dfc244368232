#pragma once

#include "controlclient.h"
#include "soakoptions.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QRandomGenerator>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <memory>

namespace Session {
class JobSession;
}
namespace Store {
class JobHistory;
}
namespace Tracker {
class JobTracker;
}

namespace Soak {

class SandboxProcess;

// What the run did, for the checks and the counts line.
struct SoakFigures
{
    QHash<QString, QString> dialectOf; // every job id the session accepted → its dialect
    QHash<QString, QString> taskOf; // … → its task
    QHash<QString, QString> settledState; // job id → the state the session settled it in
    QHash<QString, QString> fatal; // job id → why the session gave up on it
    int submitRetries = 0; // submits that got no answer (sandbox down) and were sent again
    int submitErrors = 0; // submits the sandbox refused (a bug of the soak's bodies)
    int dropCalls = 0;
    int sseCuts = 0;
    int wsCuts = 0;
    int restarts = 0;
    // Jobs the sandbox's restart set back: fewer events or an earlier state after it than its
    // control listing showed just before the kill (what a SIGKILL costs the sandbox's --data).
    QSet<QString> rolledBack;
    bool timedOut = false;
    qint64 followMs = 0;
    QStringList notes; // the first few messages worth showing
};

// The soak's fault-injected run: the app's real Session::JobSession (tracker, history on its own
// thread, downloads into a library folder, as the window sets it up) submits `jobs` jobs over the
// five dialects to a real sandbox process and follows them, while every SSE stream and WebSocket
// is cut every few seconds (POST /_sandbox/drop) and the sandbox is killed and restarted on the
// same port and --data. finished() once every job settled and every download ended (or the
// follow deadline passed); the session and its history are closed by then.
class SoakRun final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SoakRun)

public:
    SoakRun(const SoakOptions &options, SandboxProcess *sandbox, ControlClient *control,
        QObject *parent = nullptr);
    ~SoakRun() override;

    // The sandbox is up. `followDeadlineMs`: give up following after this long.
    void start(qint64 followDeadlineMs);
    const SoakFigures &figures() const { return m_figures; }
    QString historyPath() const;
    QString libraryDir() const;

Q_SIGNALS:
    void finished();

private:
    void addProfiles();
    void submitTick();
    void submitOne(int dialect);
    QJsonObject bodyFor(int dialect, QString *task);
    void scheduleDrop();
    void dropStreams();
    void restartSandbox();
    void compareWithBeforeKill();
    void onSandboxReady();
    void report();
    void checkDone();
    void finish();
    void note(const QString &message);

    SoakOptions m_options;
    SandboxProcess *m_sandbox;
    ControlClient *m_control;
    QRandomGenerator m_rng;
    QNetworkAccessManager m_nam;
    std::unique_ptr<Tracker::JobTracker> m_tracker;
    std::unique_ptr<Store::JobHistory> m_history;
    std::unique_ptr<Session::JobSession> m_session;
    SoakFigures m_figures;
    QHash<QString, QStringList> m_failureCodes; // dialect → reason codes the sandbox knows
    QHash<QString, QString> m_keys; // dialect → key, from the sandbox's startup line
    QList<int> m_plan; // dialects still to submit, in order
    int m_inFlight = 0; // submits without an answer yet
    int m_serial = 0;
    int m_dropCode = 0;
    int m_restartsDue = 0;
    qint64 m_submitPausedUntilMs = 0;
    struct Seen
    {
        int rank = 0;
        int events = 0;
    };
    QHash<QString, Seen> m_beforeKill; // the control listing just before the last kill
    bool m_finished = false;
    QTimer m_submitTimer;
    QTimer m_dropTimer;
    QTimer m_doneTimer;
    QTimer m_reportTimer;
    QTimer m_deadline;
    QElapsedTimer m_clock;
};

} // namespace Soak
