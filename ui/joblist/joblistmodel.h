#pragma once

#include "core/dialect.h"
#include "core/jobstate.h"

#include <QAbstractTableModel>
#include <QCache>
#include <QHash>
#include <QIcon>
#include <QPixmap>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QVector>
#include <functional>
#include <optional>

namespace Tracker {
class JobTracker;
struct TrackedJob;
} // namespace Tracker

namespace Ui {

// The job list: one row per job of a Tracker::JobTracker (live and restored), in the order the
// tracker first saw them. Never sorts or filters itself (JobListProxyModel does).
//
// Update contract for many live rows, on every JobTracker::batchReady:
// - all the batch's new jobs are appended with ONE beginInsertRows/endInsertRows;
// - updated rows emit dataChanged with only the columns and roles that changed, contiguous rows
//   with the same change coalesced into one signal;
// - when more than half of the existing rows changed, ONE dataChanged covers the whole table;
// - batchApplied() follows, once per batch.
// A 1 s timer emits dataChanged for the Duration column of unfinished rows only (coalesced).
// Thumbnails come from the job's live preview bytes (decoded lazily on first display, ~48 px,
// cached and dropped when the preview changes) or from setThumbnailFile() (decoded off the GUI
// thread). The model does not own the tracker, which must outlive it.
class JobListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobListModel)

public:
    enum Column {
        State,
        Profile,
        Task,
        Input,
        Created,
        Duration,
        Progress,
        Result,
        Id,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        SortRole
        = Qt::UserRole + 1, // raw comparable value of the cell (int, qint64, double, QString)
        JobIdRole, // QString
        StateRole, // int(Core::JobState), -1 when not known yet
        ProgressRole, // double 0..1, -1 when the job reports none
        SearchTextRole, // QString, lower case: id, task, input, error, recent log text
        CreatedRole, // qint64 ms since epoch
        ProfileRole, // QString
        RawStatusRole, // QString, the provider's own word
        DialectRole, // int(Core::Dialect)
    };
    Q_ENUM(Role)

    static constexpr int ThumbnailSize = 48; // device pixels of the cached thumbnails
    static constexpr int MaxSearchLogChars = 8192; // most recent log text kept for search, per job

    explicit JobListModel(Tracker::JobTracker *tracker, QObject *parent = nullptr);
    ~JobListModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // A downloaded result to show as the row's thumbnail (takes precedence over the preview).
    // Decoded on a worker thread; the row's Result cell changes when it is ready.
    void setThumbnailFile(const QString &jobId, const QString &path);

    int rowOf(const QString &jobId) const { return m_rowOf.value(jobId, -1); }
    QString jobIdAt(int row) const;

    // Fast accessors for the proxy (no QVariant): valid for 0 <= row < rowCount().
    std::optional<Core::JobState> stateAt(int row) const;
    const QString &profileAt(int row) const;
    const QString &searchTextAt(int row) const;
    qint64 createdAt(int row) const;

    void setTickInterval(int ms) { m_tick.setInterval(ms); } // tests; default 1000 ms
    // The clock the Duration column reads (tests pin it); defaults to the system clock.
    void setClock(std::function<qint64()> nowMs);

Q_SIGNALS:
    void batchApplied();
    void thumbnailReady(const QString &jobId);

private:
    struct Row
    {
        QString id;
        QString profile;
        QString task;
        QString input;
        Core::Dialect dialect = Core::Dialect::PeelApi;
        int state = -1;
        QString rawStatus;
        double progress = -1;
        qint64 createdMs = 0;
        qint64 endedMs = 0; // 0 while not terminal
        QString errorText;
        qsizetype logCount = 0;
        QString logText; // lower case, at most MaxSearchLogChars
        QString search; // lower case head + logText
        QByteArray preview;
        QByteArray inlineResult; // an output's inline bytes (ImagePipeline result_base64)
        int outputCount = 0;
        QString outputNames;
        bool active() const { return state < 0 || !Core::isTerminal(Core::JobState(state)); }
    };
    enum ChangeBit : int {
        StateChange = 1 << 0,
        ProgressChange = 1 << 1,
        ResultChange = 1 << 2,
        SearchChange = 1 << 3,
        TextChange = 1 << 4, // profile, task, input, created (a restore over a known job)
    };

    void onBatch(const QStringList &ids);
    void onTick();
    Row rowFrom(const Tracker::TrackedJob &job) const;
    int refresh(Row &row, const Tracker::TrackedJob &job) const;
    static void rebuildSearch(Row &row);
    static QString inputSummary(const Tracker::TrackedJob &job);
    static qint64 endedAt(const Tracker::TrackedJob &job);
    void emitChanges(QVector<QPair<int, int>> &changed, int existingRows);
    static void columnsAndRoles(int mask, int *left, int *right, QList<int> *roles);
    QPixmap thumbnail(const Row &row) const;
    void loadThumbnailFile(const QString &jobId, const QString &path);
    QString durationText(const Row &row) const;
    qint64 durationMs(const Row &row) const;

    QPointer<Tracker::JobTracker> m_tracker;
    QVector<Row> m_rows;
    QHash<QString, int> m_rowOf;
    QIcon m_stateIcons[6];
    QTimer m_tick;
    std::function<qint64()> m_now;
    mutable QCache<QString, QPixmap> m_thumbs;
    QHash<QString, QString> m_thumbFiles;
    QSet<QString> m_thumbLoading;
};

} // namespace Ui
