#include "downloads/downloadqueue.h"

#include "downloads/filedownload.h"
#include "downloads/filenames.h"
#include "tracker/jobtracker.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QUrl>

namespace Downloads {

namespace {

QString srtTime(double seconds)
{
    const qint64 ms = qMax<qint64>(0, qint64(seconds * 1000.0 + 0.5));
    return QStringLiteral("%1:%2:%3,%4")
        .arg(ms / 3600000, 2, 10, QLatin1Char('0'))
        .arg(ms / 60000 % 60, 2, 10, QLatin1Char('0'))
        .arg(ms / 1000 % 60, 2, 10, QLatin1Char('0'))
        .arg(ms % 1000, 3, 10, QLatin1Char('0'));
}

double seconds(const QJsonObject &o, const char *s, const char *ms)
{
    if (o.contains(QLatin1String(s)))
        return o.value(QLatin1String(s)).toDouble();
    return o.value(QLatin1String(ms)).toDouble() / 1000.0;
}

} // namespace

DownloadQueue::DownloadQueue(
    QNetworkAccessManager *nam, Tracker::JobTracker *tracker, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_tracker(tracker)
{ }

DownloadQueue::~DownloadQueue()
{
    cancelAll();
}

void DownloadQueue::setParallel(int n)
{
    m_parallel = qBound(1, n, 16);
    pump();
}

QString DownloadQueue::keyFor(const Core::Output &o)
{
    return QString::number(o.index) + QLatin1Char('/') + o.variant + QLatin1Char('/') + o.name;
}

QByteArray DownloadQueue::srt(const QJsonArray &captions)
{
    QByteArray out;
    int n = 0;
    for (const QJsonValue &v : captions) {
        const QJsonObject c = v.toObject();
        const double start = seconds(c, "start", "start_ms");
        const double end = seconds(c, "end", "end_ms");
        out += QByteArray::number(++n) + "\n" + srtTime(start).toLatin1() + " --> "
            + srtTime(end).toLatin1() + "\n" + c.value(QLatin1String("text")).toString().toUtf8()
            + "\n\n";
    }
    return out;
}

QString DownloadQueue::folderFor(const QString &root, const QString &jobId, Placement placement)
{
    return placement == Placement::Directly ? root : QDir(root).filePath(FileNames::segment(jobId));
}

bool DownloadQueue::enqueue(
    const QString &jobId, const QString &root, Placement placement, const QSet<QString> &skip)
{
    const QString folder = folderFor(root, jobId, placement);
    const Tracker::TrackedJob *job = m_tracker->job(jobId);
    if (!job || m_jobs.contains(jobId))
        return false;
    QList<Core::Output> outputs = job->outputs;
    if (!job->captions.isEmpty()) {
        Core::Output json;
        json.name = QStringLiteral("captions.json");
        json.inlineData = QJsonDocument(job->captions).toJson(QJsonDocument::Indented);
        outputs.append(json);
        Core::Output srtFile;
        srtFile.name = QStringLiteral("captions.srt");
        srtFile.inlineData = srt(job->captions);
        outputs.append(srtFile);
    }
    JobEntry entry;
    for (Core::Output o : std::as_const(outputs)) {
        if (o.name.isEmpty())
            o.name = QStringLiteral("output-%1").arg(o.index + 1);
        const QString key = keyFor(o);
        if (skip.contains(key) || (o.url.isEmpty() && o.inlineData.isEmpty()))
            continue;
        Item item;
        item.output = o;
        item.file.jobId = jobId;
        item.file.key = key;
        item.file.name = o.name;
        item.file.folder = folder;
        item.file.root = root;
        item.file.total = o.size;
        m_queue.push_back(item);
        ++entry.remaining;
        Q_EMIT fileChanged(item.file);
    }
    if (entry.remaining == 0) {
        Q_EMIT jobFinished(jobId, true, {});
        if (m_queue.empty() && m_running.isEmpty())
            Q_EMIT idle();
        return true;
    }
    m_jobs.insert(jobId, entry);
    pump();
    return true;
}

void DownloadQueue::pump()
{
    while (int(m_running.size()) < m_parallel && !m_queue.empty()) {
        Item item = m_queue.front();
        m_queue.pop_front();
        startItem(item);
    }
}

void DownloadQueue::startItem(Item item)
{
    const Core::Output &o = item.output;
    // Before the first directory or byte: the job's folder lies inside its root, also once created
    // (a symlink planted in the root must not lead out of it).
    if (!FileNames::isWithin(item.file.root, item.file.folder)
        || (QDir().mkpath(item.file.folder)
            && !FileNames::isWithin(item.file.root, item.file.folder))) {
        item.file.state = File::State::Failed;
        item.file.error = QStringLiteral("refusing to write outside %1")
                              .arg(QDir::toNativeSeparators(item.file.root));
        settle(item);
        return;
    }
    FileDownload *d = o.inlineData.isEmpty()
        ? new FileDownload(m_nam, QUrl(o.url), item.file.folder, o.name, this)
        : new FileDownload(o.inlineData, item.file.folder, o.name, this);
    d->setMaxRetries(m_maxRetries);
    item.file.state = File::State::Running;
    m_running.insert(d, item);
    Q_EMIT fileChanged(item.file);
    auto throttle = std::make_shared<QElapsedTimer>();
    throttle->start();
    connect(d, &Core::Operation::progress, this, [this, d, throttle](qint64 done, qint64 total) {
        auto it = m_running.find(d);
        if (it == m_running.end())
            return;
        // The first progress names the final path and the total: reported at once, so a process
        // killed right after the rename still finds its file complete at that path next time.
        const bool first = it->file.path.isEmpty();
        if (!first && throttle->elapsed() < 250)
            return;
        throttle->restart();
        it->file.path = d->path();
        it->file.bytes = done;
        it->file.total = total;
        Q_EMIT fileChanged(it->file);
    });
    connect(d, &Core::Operation::result, this, [this, d] {
        Item item = m_running.take(d); // the download deletes itself after this
        if (d->failed() && !item.refreshed
            && (d->httpStatus() == 403 || d->httpStatus() == 404 || d->httpStatus() == 410)
            && m_refresher) {
            // An expired signed URL: a fresh status read mints a new one.
            item.refreshed = true;
            const QString oldUrl = item.output.url;
            const int status = d->httpStatus();
            ++m_waiting; // neither queued nor running meanwhile, but not settled: not idle
            m_refresher(item.file.jobId, [this, item, oldUrl, status]() mutable {
                --m_waiting;
                if (const Tracker::TrackedJob *job = m_tracker->job(item.file.jobId)) {
                    for (const Core::Output &o : job->outputs) {
                        if (keyFor(o) == item.file.key
                            || (!o.name.isEmpty() && o.name == item.output.name))
                            item.output.url = o.url;
                    }
                }
                if (item.output.url == oldUrl && status == 404) {
                    // Not there (yet): the same URL once more, a little later.
                    item.file.state = File::State::Queued;
                    ++m_waiting;
                    QTimer::singleShot(2000, this, [this, item] {
                        --m_waiting;
                        m_queue.push_front(item);
                        pump();
                    });
                    return;
                }
                if (item.output.url == oldUrl) {
                    item.file.state = File::State::Failed;
                    item.file.error
                        = QStringLiteral("the URL expired and a fresh status read gave no new one");
                    settle(item);
                    return;
                }
                item.file.state = File::State::Queued;
                m_queue.push_front(item);
                pump();
            });
            pump();
            return;
        }
        item.file.bytes = d->bytes();
        if (d->failed()) {
            item.file.state = File::State::Failed;
            item.file.error = d->errorString();
        } else {
            item.file.state = File::State::Done;
            item.file.path = d->path();
            item.file.total = d->bytes();
            item.file.sha256 = QString::fromLatin1(d->sha256());
        }
        settle(item);
        pump();
    });
    d->start();
}

void DownloadQueue::settle(const Item &item)
{
    Q_EMIT fileChanged(item.file);
    auto it = m_jobs.find(item.file.jobId);
    if (it != m_jobs.end()) {
        if (item.file.state == File::State::Failed)
            it->errors.append(item.file.name + QStringLiteral(": ") + item.file.error);
        if (--it->remaining == 0) {
            const JobEntry entry = *it;
            const QString jobId = item.file.jobId;
            m_jobs.erase(it);
            Q_EMIT jobFinished(jobId, entry.errors.isEmpty(), entry.errors);
        }
    }
    if (m_queue.empty() && m_running.isEmpty() && m_waiting == 0)
        Q_EMIT idle();
}

void DownloadQueue::cancelAll()
{
    m_queue.clear();
    const auto running = m_running.keys();
    m_running.clear();
    m_jobs.clear();
    for (FileDownload *d : running) {
        disconnect(d, nullptr, this, nullptr);
        d->kill(); // reports, then deletes itself
    }
}

} // namespace Downloads
