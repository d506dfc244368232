#include "store/jobhistory.h"

#include "core/redactor.h"
#include "store/historydatabase.h"
#include "tracker/jobtracker.h"

#include <QMetaObject>

namespace Store {

// Lives on the history's thread and owns its connection there.
class HistoryWorker final : public QObject
{
public:
    HistoryDatabase db;
    bool opened = false;
    QString lastReported;

    // A full disk fails every batch the same way: report a failure once, until a write succeeds.
    bool report(bool ok)
    {
        if (ok) {
            lastReported.clear();
            return false;
        }
        if (db.lastError() == lastReported)
            return false;
        lastReported = db.lastError();
        return true;
    }
};

JobHistory::JobHistory(QString path, QObject *parent)
    : QObject(parent)
    , m_path(std::move(path))
{
    m_thread.setObjectName(QStringLiteral("jobscope-history"));
    m_worker = new HistoryWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

JobHistory::~JobHistory()
{
    flush();
    // The connection must be closed on the thread that opened it.
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->db.database().close(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

template<typename F> void JobHistory::run(F &&work)
{
    QMetaObject::invokeMethod(m_worker, std::forward<F>(work), Qt::QueuedConnection);
}

void JobHistory::open(std::function<void(bool, QString)> done)
{
    QPointer<JobHistory> self(this);
    run([w = m_worker, path = m_path, self, done = std::move(done)] {
        QString error;
        w->opened = w->db.open(path, &error);
        QMetaObject::invokeMethod(
            self ? self.data() : nullptr,
            [self, done, ok = w->opened, error] {
                if (!ok && self)
                    Q_EMIT self->writeFailed(error);
                if (self && done)
                    done(ok, error);
            },
            Qt::QueuedConnection);
    });
}

void JobHistory::attach(Tracker::JobTracker *tracker)
{
    m_tracker = tracker;
    connect(tracker, &Tracker::JobTracker::batchReady, this, &JobHistory::onBatch);
}

void JobHistory::markWritten(const QString &jobId, int timelineCount, int logCount)
{
    m_written.insert(jobId, Written { timelineCount, logCount });
}

void JobHistory::onBatch(const QStringList &ids)
{
    if (!m_tracker)
        return;
    QList<JobSnapshot> snapshots;
    snapshots.reserve(ids.size());
    for (const QString &id : ids) {
        const Tracker::TrackedJob *job = m_tracker->job(id);
        if (!job)
            continue;
        Written &w = m_written[id];
        JobSnapshot s = JobSnapshot::of(*job, &w.timeline, &w.logs);
        snapshots.append(std::move(s));
    }
    if (snapshots.isEmpty())
        return;
    QPointer<JobHistory> self(this);
    run([w = m_worker, snapshots = std::move(snapshots), self] {
        if (!w->opened || !w->report(w->db.writeSnapshots(snapshots)))
            return;
        const QString error = w->db.lastError();
        QMetaObject::invokeMethod(
            self.data(),
            [self, error] {
                if (self)
                    Q_EMIT self->writeFailed(error);
            },
            Qt::QueuedConnection);
    });
}

void JobHistory::recordJob(const StoredJob &job)
{
    if (!m_written.contains(job.job.id))
        m_written.insert(job.job.id, Written { 0, 0 });
    QPointer<JobHistory> self(this);
    run([w = m_worker, job, self] {
        if (!w->opened || !w->report(w->db.recordJob(job)))
            return;
        const QString error = w->db.lastError();
        QMetaObject::invokeMethod(
            self.data(),
            [self, error] {
                if (self)
                    Q_EMIT self->writeFailed(error);
            },
            Qt::QueuedConnection);
    });
}

void JobHistory::recordDownload(const DownloadRecord &record)
{
    run([w = m_worker, record] {
        if (w->opened)
            w->db.writeDownload(record);
    });
}

void JobHistory::loadJobs(bool unfinishedOnly, bool withDetails,
    std::function<void(QList<StoredJob>)> done, int limit, int offset)
{
    QPointer<JobHistory> self(this);
    run([w = m_worker, unfinishedOnly, withDetails, limit, offset, self, done = std::move(done)] {
        QList<StoredJob> jobs = w->opened ? w->db.jobs(unfinishedOnly, withDetails, limit, offset)
                                          : QList<StoredJob>();
        QMetaObject::invokeMethod(
            self.data(),
            [self, done, jobs = std::move(jobs)] {
                if (self && done)
                    done(jobs);
            },
            Qt::QueuedConnection);
    });
}

void JobHistory::loadJob(const QString &jobId, std::function<void(std::optional<StoredJob>)> done)
{
    QPointer<JobHistory> self(this);
    run([w = m_worker, jobId, self, done = std::move(done)] {
        std::optional<StoredJob> job = w->opened ? w->db.job(jobId, true) : std::nullopt;
        QMetaObject::invokeMethod(
            self.data(),
            [self, done, job] {
                if (self && done)
                    done(job);
            },
            Qt::QueuedConnection);
    });
}

void JobHistory::loadDownloads(
    const QString &jobId, std::function<void(QList<DownloadRecord>)> done)
{
    QPointer<JobHistory> self(this);
    run([w = m_worker, jobId, self, done = std::move(done)] {
        QList<DownloadRecord> records
            = w->opened ? w->db.downloads(jobId) : QList<DownloadRecord>();
        QMetaObject::invokeMethod(
            self.data(),
            [self, done, records] {
                if (self && done)
                    done(records);
            },
            Qt::QueuedConnection);
    });
}

void JobHistory::exportTo(const QString &path, bool csv, const Core::Redactor &redactor,
    std::function<void(bool, QString)> done)
{
    QPointer<JobHistory> self(this);
    run([w = m_worker, path, csv, redactor, self, done = std::move(done)] {
        const bool ok = w->opened
            && (csv ? w->db.exportCsv(path, redactor) : w->db.exportJson(path, redactor));
        const QString error = ok
            ? QString()
            : (w->opened ? w->db.lastError() : QStringLiteral("the history is not open"));
        QMetaObject::invokeMethod(
            self.data(),
            [self, done, ok, error] {
                if (self && done)
                    done(ok, error);
            },
            Qt::QueuedConnection);
    });
}

void JobHistory::markPurged(const QString &dialect, qint64 beforeMs, std::function<void(int)> done)
{
    QPointer<JobHistory> self(this);
    run([w = m_worker, dialect, beforeMs, self, done = std::move(done)] {
        const int n = w->opened
            ? w->db.markPurged(dialect, beforeMs, QDateTime::currentMSecsSinceEpoch())
            : 0;
        QMetaObject::invokeMethod(
            self.data(),
            [self, done, n] {
                if (self && done)
                    done(n);
            },
            Qt::QueuedConnection);
    });
}

void JobHistory::flush()
{
    if (m_tracker)
        m_tracker->flushBatch();
    if (m_thread.isRunning())
        QMetaObject::invokeMethod(
            m_worker, [] {}, Qt::BlockingQueuedConnection);
}

} // namespace Store
