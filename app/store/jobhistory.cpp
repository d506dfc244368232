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

template<typename F> HistoryOperation *JobHistory::read(F &&work)
{
    auto *op = new HistoryOperation(this);
    QPointer<HistoryOperation> target(op);
    QPointer<JobHistory> self(this);
    run([w = m_worker, self, target, work = std::forward<F>(work)] {
        const HistoryOperation::Result result = work(w);
        QMetaObject::invokeMethod(
            self.data(),
            [target, result] {
                if (target)
                    target->finish(result);
            },
            Qt::QueuedConnection);
    });
    op->start();
    return op;
}

namespace {

HistoryOperation::Result notOpen()
{
    HistoryOperation::Result r;
    r.error = QStringLiteral("the history is not open");
    return r;
}

} // namespace

HistoryOperation *JobHistory::open()
{
    HistoryOperation *op = read([path = m_path](HistoryWorker *w) {
        HistoryOperation::Result r;
        w->opened = w->db.open(path, &r.error);
        return r;
    });
    connect(op, &Core::Operation::result, this, [this](Core::Operation *op) {
        if (op->failed())
            Q_EMIT writeFailed(op->errorString());
    });
    return op;
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

HistoryOperation *JobHistory::loadJobs(bool unfinishedOnly, bool withDetails, int limit, int offset)
{
    return read([unfinishedOnly, withDetails, limit, offset](HistoryWorker *w) {
        if (!w->opened)
            return notOpen();
        HistoryOperation::Result r;
        r.jobs = w->db.jobs(unfinishedOnly, withDetails, limit, offset);
        return r;
    });
}

HistoryOperation *JobHistory::findJob(
    const QString &remoteId, const std::optional<Core::Profile> &profile)
{
    return read([remoteId, profile](HistoryWorker *w) {
        if (!w->opened)
            return notOpen();
        HistoryOperation::Result r;
        r.job = w->db.findJob(remoteId, profile ? &*profile : nullptr);
        r.idTaken = w->db.job(remoteId, false).has_value();
        return r;
    });
}

HistoryOperation *JobHistory::loadJob(const QString &jobId)
{
    return read([jobId](HistoryWorker *w) {
        if (!w->opened)
            return notOpen();
        HistoryOperation::Result r;
        r.job = w->db.job(jobId, true);
        return r;
    });
}

HistoryOperation *JobHistory::loadDownloads(const QString &jobId)
{
    return read([jobId](HistoryWorker *w) {
        if (!w->opened)
            return notOpen();
        HistoryOperation::Result r;
        r.downloads = w->db.downloads(jobId);
        return r;
    });
}

HistoryOperation *JobHistory::exportTo(
    const QString &path, bool csv, const Core::Redactor &redactor)
{
    return read([path, csv, redactor](HistoryWorker *w) {
        if (!w->opened)
            return notOpen();
        HistoryOperation::Result r;
        if (!(csv ? w->db.exportCsv(path, redactor) : w->db.exportJson(path, redactor)))
            r.error = w->db.lastError();
        return r;
    });
}

HistoryOperation *JobHistory::markPurged(const QString &dialect, qint64 beforeMs)
{
    return read([dialect, beforeMs](HistoryWorker *w) {
        if (!w->opened)
            return notOpen();
        HistoryOperation::Result r;
        r.count = w->db.markPurged(dialect, beforeMs, QDateTime::currentMSecsSinceEpoch());
        return r;
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
