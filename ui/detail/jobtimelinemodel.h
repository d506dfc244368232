#pragma once

#include "tracker/trackedjob.h"

#include <QAbstractTableModel>

namespace Ui {

// A job's timeline as a table: time, kind (state, output, error, problem, ended), the state as
// normalized / raw, the channel that brought it, and its text. The tracker only ever appends to a
// timeline, so update() inserts the new entries with one beginInsertRows per call (one call per
// tracker batch); a different job, or a shorter timeline (a restored job), resets the model.
class JobTimelineModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobTimelineModel)

public:
    enum Column { Time, Kind, State, Channel, Text, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1 }; // the raw value: ms since epoch for Time

    explicit JobTimelineModel(QObject *parent = nullptr);

    void update(const Tracker::TrackedJob *job); // nullptr clears
    QString jobId() const { return m_jobId; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString m_jobId;
    QList<Tracker::TimelineEntry> m_entries;
};

} // namespace Ui
