#pragma once

#include "store/downloadrecord.h"
#include "store/historyoperation.h"
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
// - Reads answer through a HistoryOperation on the caller's thread; an operation is dropped,
//   without a result, if this object is gone by then.
// - writeFailed() reports a write the disk refused (full disk, read-only file) once per kind.
class JobHistory final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobHistory)

public:
    // `path` empty: an in-memory history (tests).
    explicit JobHistory(QString path, QObject *parent = nullptr);
    ~JobHistory() override; // flushes, then stops its thread

    // Opens (and migrates) on the history's thread; fails with why.
    HistoryOperation *open();
    QString path() const { return m_path; }
    void attach(Tracker::JobTracker *tracker);
    // A restored job's timeline and logs are in the history already: only later entries are new.
    void markWritten(const QString &jobId, int timelineCount, int logCount);
    void recordJob(const StoredJob &job);
    void recordDownload(const DownloadRecord &record);
    // The reads, each an operation started at once (see HistoryOperation; HistoryDatabase says
    // what each reads): jobs(), with limit and offset; one job with its details; the job a
    // service calls `remoteId` (findJob; idTaken: some job is keyed `remoteId`, so a job of
    // another service with that id has to be kept apart); a job's downloads.
    HistoryOperation *loadJobs(
        bool unfinishedOnly, bool withDetails, int limit = -1, int offset = 0);
    HistoryOperation *loadJob(const QString &jobId);
    HistoryOperation *findJob(const QString &remoteId, const std::optional<Core::Profile> &profile);
    HistoryOperation *loadDownloads(const QString &jobId);
    // Writes every job to `path` as JSON or CSV, every text through `redactor`.
    HistoryOperation *exportTo(const QString &path, bool csv, const Core::Redactor &redactor);
    // Retention: marks `dialect`'s jobs created before `beforeMs` (value().count: how many).
    HistoryOperation *markPurged(const QString &dialect, qint64 beforeMs);
    // Writes what the tracker has pending and waits until everything queued is on disk.
    void flush();

Q_SIGNALS:
    void writeFailed(const QString &message);

private:
    void onBatch(const QStringList &ids);
    template<typename F> void run(F &&work);
    // Runs `work(worker)` on the history's thread; its Result ends the returned operation here.
    template<typename F> HistoryOperation *read(F &&work);

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
