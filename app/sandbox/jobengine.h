#pragma once

#include "sandbox/dialect.h"
#include "sandbox/job.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <QTimer>
#include <memory>
#include <optional>

namespace Catalog {
struct TaskInfo;
}

namespace Sandbox {

class JobListener;
class JobStore;

// The simulated service behind all five front ends: a queue and a bounded pool of workers per
// dialect, timed progress, log lines, real outputs produced on a thread pool, retention, and the
// QA controls (hold, advance, fail, cancel, ask for input, expire URLs).
//
// Everything runs on the engine's thread; one timer drives every running job, so 2,000 jobs cost
// one tick, not 2,000 timers. Listeners hear every change synchronously. Jobs live in memory and
// are written to the JobStore in batches (state changes within a second, progress every few).
class JobEngine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobEngine)

public:
    struct Config
    {
        double speed = 1.0; // documented durations are divided by this
        int maxWorkers = 8; // per dialect
        double progressHz = 2.0; // default progress events per second per running job
        int previewEvery = 20; // deAPI preview cadence in percent (0: none)
        QString filesDir; // where outputs are written, one folder per job
        int tickMs = 20;
        int flushMs = 500;
    };

    struct Stats
    {
        quint64 progressEvents = 0;
        quint64 transitions = 0;
        qint64 ticks = 0;
        qint64 maxTickLateMs = 0;
        qint64 p99TickLateMs = 0;
        qint64 maxProgressGapLateMs = 0; // worst delay of a progress event beyond its due time
        int running = 0;
        int queued = 0;
    };

    JobEngine(Config config, JobStore *store, QObject *parent = nullptr);
    ~JobEngine() override;

    void addListener(JobListener *listener);
    void removeListener(JobListener *listener);

    // Restores every job from the store; non-terminal jobs carry on where they stopped.
    int restore();

    // Creates a job (queued) and returns it; the engine owns it.
    Job *submit(Dialect dialect, const Catalog::TaskInfo &task, const QJsonObject &input,
        const JobControl &control, const QString &callbackUrl);

    Job *find(const QString &id) const;
    QList<Job *> jobs(std::optional<Dialect> dialect = std::nullopt) const;
    int activeWorkers(Dialect d) const;
    int maxWorkers() const { return m_config.maxWorkers; }
    qint64 now() const;
    double speed() const { return m_config.speed; }
    QString jobFolder(const Job &job) const;
    Stats stats() const;

    // QA controls. Each returns an empty string on success or a sentence saying why not.
    QString advance(Job *job, std::optional<Phase> to);
    QString fail(Job *job, const QString &reasonCode, const QString &message = {});
    QString cancel(Job *job);
    QString askForInput(Job *job, const QJsonObject &prompt);
    QString respond(Job *job, const QJsonObject &response);
    QString hold(Job *job, const QString &phaseWord);
    QString release(Job *job);
    void expireUrls(Job *job);
    // Peel revise / rebuild: the same job builds again (with new instructions when given).
    QString rebuild(Job *job, const QString &newInstructions);

    void log(Job *job, const QString &level, const QString &message);
    void touch(Job *job); // marks a job changed (for listeners that edit it)
    void purgeExpired();

private:
    void tick();
    void dispatch(Dialect d);
    void setPhase(Job *job, Phase to);
    void startRunning(Job *job);
    void pauseRun(Job *job);
    void resumeRun(Job *job);
    qint64 runElapsed(const Job *job, qint64 now) const;
    bool isHeldIn(const Job *job, Phase p) const;
    void finishRunning(Job *job);
    void requestPreview(Job *job, int percent);
    void markDirty(Job *job, bool urgent = true);
    void flush();
    void persistNow(Job *job); // writes the job (and its new events) now, not at the next flush
    qint64 scaled(qint64 ms) const;
    void notifyProgress(Job *job);

    Config m_config;
    JobStore *m_store;
    QList<JobListener *> m_listeners;
    QHash<QString, std::shared_ptr<Job>> m_jobs;
    QList<Job *> m_order; // creation order
    QHash<int, QList<Job *>> m_queues; // per dialect, FIFO
    QSet<Job *> m_running;
    QSet<QString> m_dirty;
    QSet<QString> m_dirtyProgress;
    QHash<QString, qint64> m_lastProgressEmit;
    QTimer m_tick;
    QTimer m_flush;
    QTimer m_purge;
    QElapsedTimer m_clock;
    QThreadPool m_pool;
    qint64 m_lastTick = 0;
    qint64 m_lastProgressFlush = 0;
    Stats m_stats;
    QList<qint64> m_lateSamples;
    quint64 m_seq = 0;
};

} // namespace Sandbox
