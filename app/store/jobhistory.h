#pragma once

#include "store/downloadrecord.h"
#include "store/storedjob.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <functional>

namespace Core {
class Redactor;
}
namespace Tracker {
class JobTracker;
}

namespace Store {

class HistoryWorker;

// The job history for a process with a GUI: a HistoryDatabase running on a thread of its own,
// so the caller's thread never waits for the disk (except in flush(), meant for exit and tests).
// - attach(tracker): every tracker batch becomes one transaction of snapshots (the job's fields,
//   its new timeline entries and log lines, its outputs).
// - Reads answer through a callback on the caller's thread; the callback is dropped if this
//   object is gone by then.
// - writeFailed() reports a write the disk refused (full disk, read-only file) once per kind.
class JobHistory final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobHistory)

public:
    // `path` empty: an in-memory history (tests).
    explicit JobHistory(QString path, QObject *parent = nullptr);
    ~JobHistory() override; // flushes, then stops its thread

    // Opens (and migrates) on the history's thread; `done(ok, error)` on this thread.
    void open(std::function<void(bool, QString)> done = {});
    QString path() const { return m_path; }

    void attach(Tracker::JobTracker *tracker);
    // A restored job's timeline and logs are in the history already: only later entries are new.
    void markWritten(const QString &jobId, int timelineCount, int logCount);

    void recordJob(const StoredJob &job);
    void recordDownload(const DownloadRecord &record);

    void loadJobs(bool unfinishedOnly, bool withDetails, std::function<void(QList<StoredJob>)> done,
        int limit = -1, int offset = 0);
    void loadJob(const QString &jobId, std::function<void(std::optional<StoredJob>)> done);
    void loadDownloads(const QString &jobId, std::function<void(QList<DownloadRecord>)> done);
    void exportTo(const QString &path, bool csv, const Core::Redactor &redactor,
        std::function<void(bool, QString)> done);
    void markPurged(const QString &dialect, qint64 beforeMs, std::function<void(int)> done = {});

    // Writes what the tracker has pending and waits until everything queued is on disk.
    void flush();

Q_SIGNALS:
    void writeFailed(const QString &message);

private:
    void onBatch(const QStringList &ids);
    template<typename F> void run(F &&work);

    QString m_path;
    QThread m_thread;
    HistoryWorker *m_worker = nullptr;
    QPointer<Tracker::JobTracker> m_tracker;
    struct Written
    {
        int timeline = 0;
        int logs = 0;
    };
    QHash<QString, Written> m_written;
};

} // namespace Store
