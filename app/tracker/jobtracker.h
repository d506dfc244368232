#pragma once

#include "tracker/trackedjob.h"

#include <QObject>
#include <QTimer>
#include <memory>

namespace Tracker {

// Merges every channel's observations into one correct history per job.
//
// - Idempotent: the same observation twice (same eventKey — an SSE replay, a webhook retry — or
//   the same content) is recorded once.
// - A terminal state never regresses, and a state never goes back to an earlier stage (a poll
//   answering "queued" after the stream said "running" is stale and ignored); needs_input and
//   running may alternate.
// - Progress never goes backwards within a state; it is 1.0 once succeeded.
// - Each timeline entry names the channel that brought it.
// - applied() fires synchronously for every observation that changed something (the CLI prints
//   from it); batchReady() fires at most every `batchMs` (default 75 ms) with the ids changed
//   since the last batch (the UI models update from it, once per batch).
class JobTracker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobTracker)

public:
    enum Change : quint32 {
        None = 0,
        State = 1 << 0,
        Progress = 1 << 1,
        Log = 1 << 2,
        Outputs = 1 << 3,
        Error = 1 << 4,
        Preview = 1 << 5,
        Details = 1 << 6, // timings, credits, extra, captions
        Problem = 1 << 7,
        Ended = 1 << 8,
    };
    Q_DECLARE_FLAGS(Changes, Change)

    explicit JobTracker(QObject *parent = nullptr);
    ~JobTracker() override;

    void setBatchInterval(int ms) { m_batch.setInterval(ms); }
    // Emits the pending batch now (before a process exits, so the history gets it).
    void flushBatch();

    // Starts tracking a job (no-op when it is already tracked). `remoteId`: the service's id when
    // the key differs from it (see newKey()). The job changes only through apply(), restore() and
    // reopen(): what is handed out is a view.
    const TrackedJob &track(const QString &id, const QString &profile, Core::Dialect dialect,
        const QString &task, const QString &remoteId = {});
    // The same, starting from `seed`'s id, profile, dialect, task, remote id, input and creation
    // time (a job just submitted). No-op when the id is already tracked.
    const TrackedJob &track(const TrackedJob &seed);
    // Restores a job from the history with its known state (no timeline entry is added).
    void restore(const TrackedJob &job);
    // A finished job the service starts again (a Peel API revised or rebuilt): it leaves its
    // terminal state, so the next observation (queued, running …) is taken; the timeline keeps
    // everything before, plus an entry saying why. False for an unknown or unfinished job.
    bool reopen(
        const QString &id, const QString &why, Core::Channel channel = Core::Channel::Submit);

    // Merges one observation; returns what changed (None for a duplicate or stale one).
    Changes apply(const Core::JobUpdate &update);

    const TrackedJob *job(const QString &id) const;
    // The key of `profile`'s job that the service calls `remoteId` (empty when none is tracked):
    // what a Pusher event or a webhook naming a job resolves through, so that one service's
    // message can never touch another service's job of the same id.
    QString keyOf(const QString &profile, const QString &remoteId) const;
    // The key a new job of `profile` with the service id `remoteId` gets: the id itself, unless
    // another profile's job holds it ("<id>@<profile>", then "<id>@<profile>~2" …).
    QString newKey(const QString &profile, const QString &remoteId) const;
    QStringList ids() const { return m_order; }
    int size() const { return int(m_order.size()); }

Q_SIGNALS:
    void applied(
        const QString &id, Tracker::JobTracker::Changes changes, const Core::JobUpdate &update);
    void batchReady(const QStringList &ids);

private:
    void noteChanged(const QString &id);

    void indexRemote(const TrackedJob &job);

    QHash<QString, std::shared_ptr<TrackedJob>> m_jobs;
    QHash<QString, QString>
        m_byRemote; // profile + '\n' + remote id → key, for keys that differ from the id
    QStringList m_order;
    QStringList m_pending;
    QSet<QString> m_pendingSet;
    QTimer m_batch;
};

} // namespace Tracker

Q_DECLARE_OPERATORS_FOR_FLAGS(Tracker::JobTracker::Changes)
