#include "joblist/joblistmodel.h"

#include "common/icons.h"
#include "tracker/jobtracker.h"

#include <QDateTime>
#include <QFuture>
#include <QFutureWatcher>
#include <QImage>
#include <QImageReader>
#include <QLocale>
#include <QMap>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

namespace Ui {

namespace {

QString errorTextOf(const Core::JobError &e)
{
    if (!e.isError())
        return {};
    QString t = e.providerCode;
    if (!e.message.isEmpty())
        t += (t.isEmpty() ? QString() : QStringLiteral(": ")) + e.message;
    return t;
}

QString oneLine(QString s, int max)
{
    s.replace(QLatin1Char('\n'), QLatin1Char(' '));
    s.replace(QLatin1Char('\r'), QLatin1Char(' '));
    s.replace(QLatin1Char('\t'), QLatin1Char(' '));
    if (s.size() > max)
        s = s.left(max - 1) + QChar(0x2026);
    return s;
}

QPixmap scaledPixmap(const QImage &image)
{
    if (image.isNull())
        return {};
    const int size = JobListModel::ThumbnailSize;
    const QImage scaled = image.width() > size || image.height() > size
        ? image.scaled(size, size, Qt::KeepAspectRatio, Qt::SmoothTransformation)
        : image;
    return QPixmap::fromImage(scaled);
}

} // namespace

JobListModel::JobListModel(Tracker::JobTracker *tracker, QObject *parent)
    : QAbstractTableModel(parent)
    , m_tracker(tracker)
    , m_now([] { return QDateTime::currentMSecsSinceEpoch(); })
    , m_thumbs(400) // visible rows plus scrolling slack; each costs one 48 px pixmap
{
    for (int s = 0; s < 6; ++s)
        m_stateIcons[s] = Icons::stateIcon(Core::JobState(s));

    if (m_tracker) {
        connect(m_tracker, &Tracker::JobTracker::batchReady, this, &JobListModel::onBatch);
        // Jobs the tracker already holds (a history restored before the list was built).
        const QStringList known = m_tracker->ids();
        m_rows.reserve(known.size());
        for (const QString &id : known) {
            if (const Tracker::TrackedJob *job = m_tracker->job(id)) {
                m_rowOf.insert(id, int(m_rows.size()));
                m_rows.append(rowFrom(*job));
            }
        }
    }
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &JobListModel::onTick);
    m_tick.start();
}

JobListModel::~JobListModel() = default;

int JobListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int JobListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString JobListModel::jobIdAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : QString();
}

std::optional<Core::JobState> JobListModel::stateAt(int row) const
{
    const int s = m_rows.at(row).state;
    return s < 0 ? std::nullopt : std::optional<Core::JobState>(Core::JobState(s));
}

const QString &JobListModel::profileAt(int row) const
{
    return m_rows.at(row).profile;
}

const QString &JobListModel::searchTextAt(int row) const
{
    return m_rows.at(row).search;
}

qint64 JobListModel::createdAt(int row) const
{
    return m_rows.at(row).createdMs;
}

void JobListModel::setClock(std::function<qint64()> nowMs)
{
    m_now = std::move(nowMs);
}

QHash<int, QByteArray> JobListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SortRole, "sort");
    names.insert(JobIdRole, "jobId");
    names.insert(StateRole, "state");
    names.insert(ProgressRole, "progress");
    names.insert(SearchTextRole, "searchText");
    names.insert(CreatedRole, "created");
    names.insert(ProfileRole, "profile");
    names.insert(RawStatusRole, "rawStatus");
    names.insert(DialectRole, "dialect");
    return names;
}

QVariant JobListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case State:
        return tr("State");
    case Profile:
        return tr("Profile");
    case Task:
        return tr("Task");
    case Input:
        return tr("Input");
    case Created:
        return tr("Created");
    case Duration:
        return tr("Duration");
    case Progress:
        return tr("Progress");
    case Result:
        return tr("Result");
    case Id:
        return tr("Id");
    default:
        return {};
    }
}

qint64 JobListModel::durationMs(const Row &row) const
{
    if (row.createdMs <= 0)
        return -1;
    const qint64 end = row.endedMs > 0 ? row.endedMs : (row.active() ? m_now() : row.createdMs);
    return std::max<qint64>(0, end - row.createdMs);
}

QString JobListModel::durationText(const Row &row) const
{
    const qint64 ms = durationMs(row);
    if (ms < 0)
        return {};
    const qint64 s = ms / 1000;
    if (s < 60)
        return tr("%1 s").arg(s);
    if (s < 3600)
        return tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s < 86400)
        return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    return tr("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

QVariant JobListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const int column = index.column();

    switch (role) {
    case JobIdRole:
        return row.id;
    case StateRole:
        return row.state;
    case ProgressRole:
        return row.progress;
    case SearchTextRole:
        return row.search;
    case CreatedRole:
        return row.createdMs;
    case ProfileRole:
        return row.profile;
    case RawStatusRole:
        return row.rawStatus;
    case DialectRole:
        return int(row.dialect);
    default:
        break;
    }

    if (role == SortRole) {
        switch (column) {
        case State:
            // Normalized order first, the raw word breaks ties (pending after queued).
            return QString(QChar(u'0' + (row.state + 1)) + row.rawStatus);
        case Profile:
            return row.profile;
        case Task:
            return row.task;
        case Input:
            return row.input;
        case Created:
            return row.createdMs;
        case Duration:
            return durationMs(row);
        case Progress:
            return row.progress;
        case Result:
            return row.outputCount;
        case Id:
            return row.id;
        }
        return {};
    }

    if (role == Qt::DisplayRole) {
        switch (column) {
        case State:
            return row.rawStatus.isEmpty() && row.state >= 0
                ? Core::stateName(Core::JobState(row.state))
                : row.rawStatus;
        case Profile:
            return row.profile;
        case Task:
            return row.task;
        case Input:
            return row.input;
        case Created: {
            if (row.createdMs <= 0)
                return {};
            const QDateTime when = QDateTime::fromMSecsSinceEpoch(row.createdMs);
            const QLocale locale;
            if (when.date() == QDateTime::fromMSecsSinceEpoch(m_now()).date())
                return locale.toString(when.time(), QStringLiteral("HH:mm:ss"));
            return locale.toString(when, QLocale::ShortFormat);
        }
        case Duration:
            return durationText(row);
        case Progress:
            return row.progress < 0
                ? QVariant()
                : QVariant(QStringLiteral("%1 %").arg(qRound(row.progress * 100)));
        case Result:
            // Text only when there is no picture to show (captions, videos, several files).
            if (row.outputCount > 0 && thumbnail(row).isNull())
                return row.outputCount == 1 ? tr("1 file") : tr("%1 files").arg(row.outputCount);
            return {};
        case Id:
            return row.id;
        }
        return {};
    }

    if (role == Qt::DecorationRole) {
        if (column == State && row.state >= 0)
            return m_stateIcons[row.state];
        if (column == Result) {
            const QPixmap pixmap = thumbnail(row);
            return pixmap.isNull() ? QVariant() : QVariant(pixmap);
        }
        return {};
    }

    if (role == Qt::ToolTipRole) {
        switch (column) {
        case State: {
            QString tip
                = row.state >= 0 ? Core::stateName(Core::JobState(row.state)) : tr("not known yet");
            if (!row.rawStatus.isEmpty())
                tip += QStringLiteral(" (") + row.rawStatus + QLatin1Char(')');
            if (!row.errorText.isEmpty())
                tip += QLatin1Char('\n') + row.errorText;
            return tip;
        }
        case Input:
            return row.input;
        case Result:
            return row.outputNames;
        case Id:
            return row.id;
        default:
            return {};
        }
    }

    if (role == Qt::TextAlignmentRole && (column == Duration || column == Progress))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QString JobListModel::inputSummary(const Tracker::TrackedJob &job)
{
    for (const char *key : { "prompt", "text", "template", "url", "instructions" }) {
        const QJsonValue v = job.input.value(QLatin1String(key));
        if (v.isString() && !v.toString().isEmpty())
            return oneLine(v.toString(), 300);
    }
    return {};
}

qint64 JobListModel::endedAt(const Tracker::TrackedJob &job)
{
    if (!job.isTerminal())
        return 0;
    for (auto it = job.timeline.crbegin(); it != job.timeline.crend(); ++it) {
        if (it->kind == Tracker::TimelineEntry::Kind::State && it->state
            && Core::isTerminal(*it->state))
            return it->timeMs;
    }
    // A restored job carries no timeline: its last update is when it ended.
    return job.lastUpdateMs > 0 ? job.lastUpdateMs : job.createdMs;
}

void JobListModel::rebuildSearch(Row &row)
{
    row.search = (row.id + QLatin1Char('\n') + row.task + QLatin1Char('\n') + row.input
                     + QLatin1Char('\n') + row.errorText + QLatin1Char('\n'))
                     .toLower()
        + row.logText;
}

JobListModel::Row JobListModel::rowFrom(const Tracker::TrackedJob &job) const
{
    // A new row reads the job exactly as an update does.
    Row row;
    row.id = job.id;
    refresh(row, job);
    return row;
}

int JobListModel::refresh(Row &row, const Tracker::TrackedJob &job) const
{
    int mask = 0;

    if (job.profile != row.profile || job.task != row.task || job.createdMs != row.createdMs) {
        row.profile = job.profile;
        row.task = job.task;
        row.createdMs = job.createdMs;
        mask |= TextChange | SearchChange;
    }
    const QString input = inputSummary(job);
    if (input != row.input) {
        row.input = input;
        mask |= TextChange | SearchChange;
    }
    row.dialect = job.dialect;

    const int state = job.state ? int(*job.state) : -1;
    if (state != row.state || job.rawStatus != row.rawStatus) {
        row.state = state;
        row.rawStatus = job.rawStatus;
        row.endedMs = endedAt(job);
        mask |= StateChange;
    }

    const double progress = job.hasProgress ? job.progress : -1.0;
    if (progress != row.progress) {
        row.progress = progress;
        mask |= ProgressChange;
    }

    const QString error = errorTextOf(job.error);
    if (error != row.errorText) {
        row.errorText = error;
        mask |= SearchChange | StateChange; // the state cell's tooltip carries the error
    }

    if (job.logs.size() != row.logCount) {
        // Append only the new lines; a restore that replaced the job starts over.
        qsizetype from = row.logCount;
        if (job.logs.size() < row.logCount) {
            row.logText.clear();
            from = 0;
        }
        for (qsizetype i = from; i < job.logs.size(); ++i) {
            row.logText += job.logs.at(i).message.toLower();
            row.logText += QLatin1Char('\n');
        }
        if (row.logText.size() > MaxSearchLogChars)
            row.logText.remove(0, row.logText.size() - MaxSearchLogChars);
        row.logCount = job.logs.size();
        mask |= SearchChange;
    }

    QByteArray inlineResult;
    QString names;
    for (const Core::Output &o : job.outputs) {
        if (inlineResult.isEmpty() && !o.inlineData.isEmpty()
            && o.mimeType.startsWith(QLatin1String("image/")))
            inlineResult = o.inlineData;
        if (!names.isEmpty())
            names += QLatin1Char('\n');
        names += o.name.isEmpty() ? o.url.section(QLatin1Char('?'), 0, 0) : o.name;
    }
    if (job.preview != row.preview || inlineResult != row.inlineResult
        || int(job.outputs.size()) != row.outputCount || names != row.outputNames) {
        const bool picture = job.preview != row.preview || inlineResult != row.inlineResult;
        row.preview = job.preview;
        row.inlineResult = inlineResult;
        row.outputCount = int(job.outputs.size());
        row.outputNames = names;
        if (picture)
            m_thumbs.remove(row.id);
        mask |= ResultChange;
    }

    if (mask & SearchChange)
        rebuildSearch(row);
    return mask;
}

void JobListModel::columnsAndRoles(int mask, int *left, int *right, QList<int> *roles)
{
    QList<int> columns;
    QList<int> r;
    if (mask & TextChange) {
        columns << Profile << Task << Input << Created << Duration;
        r << Qt::DisplayRole << Qt::ToolTipRole << SortRole << ProfileRole << CreatedRole;
    }
    if (mask & StateChange) {
        columns << State << Duration;
        r << Qt::DisplayRole << Qt::DecorationRole << Qt::ToolTipRole << SortRole << StateRole
          << RawStatusRole;
    }
    if (mask & ProgressChange) {
        columns << Progress;
        r << Qt::DisplayRole << SortRole << ProgressRole;
    }
    if (mask & ResultChange) {
        columns << Result;
        r << Qt::DisplayRole << Qt::DecorationRole << Qt::ToolTipRole << SortRole;
    }
    if (mask & SearchChange) {
        // A row-wide role: announced on the first column, which every view and proxy maps.
        columns << State;
        r << SearchTextRole;
    }
    *left = *std::min_element(columns.cbegin(), columns.cend());
    *right = *std::max_element(columns.cbegin(), columns.cend());
    std::sort(r.begin(), r.end());
    r.erase(std::unique(r.begin(), r.end()), r.end());
    *roles = r;
}

void JobListModel::onBatch(const QStringList &ids)
{
    if (!m_tracker)
        return;
    const int existing = int(m_rows.size());
    QVector<Row> added;
    QVector<QPair<int, int>> changed; // row, change mask
    for (const QString &id : ids) {
        const Tracker::TrackedJob *job = m_tracker->job(id);
        if (!job)
            continue;
        const auto it = m_rowOf.constFind(id);
        if (it == m_rowOf.constEnd()) {
            added.append(rowFrom(*job));
            m_rowOf.insert(id, -1); // placeholder: the same id twice in a batch is one row
        } else if (*it >= 0) {
            if (const int mask = refresh(m_rows[*it], *job))
                changed.append({ *it, mask });
        }
    }

    if (!added.isEmpty()) {
        beginInsertRows({}, existing, existing + int(added.size()) - 1);
        for (Row &row : added) {
            m_rowOf.insert(row.id, int(m_rows.size()));
            m_rows.append(std::move(row));
        }
        endInsertRows();
    }
    emitChanges(changed, existing);
    Q_EMIT batchApplied();
}

void JobListModel::emitChanges(QVector<QPair<int, int>> &changed, int existingRows)
{
    if (changed.isEmpty())
        return;
    if (changed.size() * 2 > existingRows) {
        int all = 0;
        for (const auto &c : changed)
            all |= c.second;
        int left = 0;
        int right = 0;
        QList<int> roles;
        columnsAndRoles(all, &left, &right, &roles);
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1), roles);
        return;
    }
    // Rows with the same kind of change, in row order, then runs of consecutive rows.
    std::sort(
        changed.begin(), changed.end(), [](const QPair<int, int> &a, const QPair<int, int> &b) {
            return a.second != b.second ? a.second < b.second : a.first < b.first;
        });
    qsizetype i = 0;
    while (i < changed.size()) {
        const int mask = changed.at(i).second;
        const int first = changed.at(i).first;
        int last = first;
        qsizetype j = i + 1;
        while (
            j < changed.size() && changed.at(j).second == mask && changed.at(j).first == last + 1) {
            last = changed.at(j).first;
            ++j;
        }
        int left = 0;
        int right = 0;
        QList<int> roles;
        columnsAndRoles(mask, &left, &right, &roles);
        Q_EMIT dataChanged(index(first, left), index(last, right), roles);
        i = j;
    }
}

void JobListModel::onTick()
{
    const QList<int> roles { Qt::DisplayRole, SortRole };
    int first = -1;
    for (int r = 0; r <= int(m_rows.size()); ++r) {
        const bool ticking
            = r < int(m_rows.size()) && m_rows.at(r).active() && m_rows.at(r).createdMs > 0;
        if (ticking && first < 0)
            first = r;
        if (!ticking && first >= 0) {
            Q_EMIT dataChanged(index(first, Duration), index(r - 1, Duration), roles);
            first = -1;
        }
    }
}

QPixmap JobListModel::thumbnail(const Row &row) const
{
    if (QPixmap *cached = m_thumbs.object(row.id))
        return *cached;
    const auto file = m_thumbFiles.constFind(row.id);
    if (file != m_thumbFiles.constEnd()) {
        // Evicted since it was decoded: read it again off the GUI thread. The model is only
        // logically const here; the reload changes nothing a caller can see but the picture.
        const_cast<JobListModel *>(this)->loadThumbnailFile(row.id, *file);
    }
    const QByteArray &bytes = !row.preview.isEmpty() ? row.preview : row.inlineResult;
    if (bytes.isEmpty())
        return {};
    // Previews are small (a 96 px JPEG), so decoding them here, on first display, is cheap.
    QPixmap pixmap = scaledPixmap(QImage::fromData(bytes));
    if (pixmap.isNull())
        return {};
    m_thumbs.insert(row.id, new QPixmap(pixmap));
    return pixmap;
}

void JobListModel::setThumbnailFile(const QString &jobId, const QString &path)
{
    m_thumbFiles.insert(jobId, path);
    loadThumbnailFile(jobId, path);
}

void JobListModel::loadThumbnailFile(const QString &jobId, const QString &path)
{
    if (m_thumbLoading.contains(jobId))
        return;
    m_thumbLoading.insert(jobId);
    // A watcher owned by the model delivers the image on the model's thread (QFuture::then with
    // a context object trips an assertion of Qt 6.4 when the task finishes first).
    auto *watcher = new QFutureWatcher<QImage>(this);
    connect(watcher, &QFutureWatcher<QImage>::finished, this, [this, watcher, jobId, path] {
        const QImage image = watcher->result();
        watcher->deleteLater();
        m_thumbLoading.remove(jobId);
        if (m_thumbFiles.value(jobId) != path)
            return; // a newer file was set meanwhile; its own load is under way
        const QPixmap pixmap = scaledPixmap(image);
        if (pixmap.isNull()) {
            m_thumbFiles.remove(jobId); // not a picture (a video, captions): keep the preview
            return;
        }
        m_thumbs.insert(jobId, new QPixmap(pixmap));
        const int row = rowOf(jobId);
        if (row >= 0)
            Q_EMIT dataChanged(
                index(row, Result), index(row, Result), { Qt::DecorationRole, Qt::DisplayRole });
        Q_EMIT thumbnailReady(jobId);
    });
    watcher->setFuture(QtConcurrent::run([path] {
        QImageReader reader(path);
        reader.setAutoTransform(true);
        const QSize size = reader.size();
        // A scaled read decodes only what the thumbnail needs (JPEG decodes at 1/8 directly).
        if (size.isValid() && (size.width() > ThumbnailSize || size.height() > ThumbnailSize))
            reader.setScaledSize(size.scaled(ThumbnailSize, ThumbnailSize, Qt::KeepAspectRatio));
        return reader.read();
    }));
}

} // namespace Ui
