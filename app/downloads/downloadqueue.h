#pragma once

#include "core/jobupdate.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <deque>
#include <functional>

class QNetworkAccessManager;

namespace Tracker {
class JobTracker;
}

namespace Downloads {

class FileDownload;

// Downloads every output of a job into a folder, at most `parallel` files at a time across all
// jobs, each through FileDownload (".part", Range/If-Range resume, atomic rename, unique names).
// - The outputs are read from the tracker when the job's turn comes: all of them (every PeelAPI
//   size), inline bytes (a webhook's result_base64) written directly, and captions saved as
//   captions.json and captions.srt.
// - A 403/410 (an expired signed URL) or a 404 (a result not there yet, e.g. a service that
//   restarted and is producing it again) asks `refresher` to read the job again; the fresh URL is
//   then taken from the tracker and the file retried once.
// - Files whose key is in `skip` (done by an earlier process) are not fetched again.
// Signals: fileChanged() for every state change of a file (start, progress at most every 250 ms,
// done, failed); jobFinished() once per enqueue when all its files are settled; idle() when
// nothing is queued or running.
class DownloadQueue final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DownloadQueue)

public:
    struct File
    {
        enum class State { Queued, Running, Done, Failed };
        QString jobId;
        QString key; // DownloadRecord-style "<index>/<variant>/<name>"
        QString name;
        QString folder;
        QString root; // the folder every file of this job must lie inside
        QString path;
        State state = State::Queued;
        qint64 bytes = 0;
        qint64 total = -1;
        QString sha256;
        QString error;
    };
    using Refresher = std::function<void(const QString &jobId, std::function<void()> done)>;

    DownloadQueue(
        QNetworkAccessManager *nam, Tracker::JobTracker *tracker, QObject *parent = nullptr);
    ~DownloadQueue() override;

    void setParallel(int n);
    int parallel() const { return m_parallel; }
    void setRefresher(Refresher r) { m_refresher = std::move(r); }
    void setMaxRetries(int n) { m_maxRetries = n; }

    // Where a job's files go below the root it is given.
    enum class Placement {
        JobFolder, // root/<the job id as one safe segment, FileNames::segment()>/ (the library,
                   // --download DIR)
        Directly, // root itself (a folder the user picked for this one job)
    };
    // Queues all outputs of `jobId` below `root`. The job's folder is checked to lie inside `root`
    // (symlinks resolved) before anything is created or written; a job id from the server never
    // becomes a path unmapped. False (nothing queued) when the job is not in the tracker or is
    // already queued.
    bool enqueue(const QString &jobId, const QString &root,
        Placement placement = Placement::JobFolder, const QSet<QString> &skip = {});
    // The folder enqueue() writes `jobId`'s files to.
    static QString folderFor(
        const QString &root, const QString &jobId, Placement placement = Placement::JobFolder);
    bool isQueued(const QString &jobId) const { return m_jobs.contains(jobId); }
    int activeCount() const { return int(m_running.size()); }
    int pendingCount() const { return int(m_queue.size() + m_running.size()) + m_waiting; }
    void cancelAll(); // kills running files (their parts stay for a later resume)

    static QString keyFor(const Core::Output &o);
    // Captions (Peako transcriptions) as SubRip text.
    static QByteArray srt(const QJsonArray &captions);

Q_SIGNALS:
    void fileChanged(const Downloads::DownloadQueue::File &file);
    void jobFinished(const QString &jobId, bool ok, const QStringList &errors);
    void idle();

private:
    struct Item
    {
        File file;
        Core::Output output;
        bool refreshed = false;
    };
    struct JobEntry
    {
        int remaining = 0;
        QStringList errors;
    };
    void pump();
    void startItem(Item item);
    void settle(const Item &item);

    QNetworkAccessManager *m_nam;
    Tracker::JobTracker *m_tracker;
    Refresher m_refresher;
    int m_parallel = 3;
    int m_maxRetries = 5;
    std::deque<Item> m_queue;
    QHash<FileDownload *, Item> m_running;
    QHash<QString, JobEntry> m_jobs;
    int m_waiting = 0; // files between a failed attempt and their retry (status re-read, delay)
};

} // namespace Downloads
