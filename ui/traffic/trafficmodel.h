#pragma once

#include "net/trafficlog.h"

#include <QAbstractTableModel>
#include <QList>

namespace Ui {

// One job's traffic entries as a table: time, kind, method/event, URL/channel, status, size,
// elapsed. A mirror of what Net::TrafficLog holds for the job, updated in batches by its view:
// append() inserts a batch with one beginInsertRows, dropFront() removes what the log dropped with
// one beginRemoveRows. SortRole gives raw values (numbers, ms) for a proxy to compare.
class TrafficModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficModel)

public:
    enum Column { Time, Kind, Method, Url, Status, Size, Elapsed, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1,
        SeqRole, // the entry's seq (quint64)
        KindRole, // Net::TrafficLog::Kind as int
    };

    explicit TrafficModel(QObject *parent = nullptr);
    ~TrafficModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Replaces everything (one reset).
    void setEntries(const QList<Net::TrafficLog::Entry> &entries);
    // Appends entries newer than lastSeq() (one insert).
    void append(const QList<Net::TrafficLog::Entry> &entries);
    // Removes leading rows with seq < firstKept (one remove).
    void dropFront(quint64 firstKept);
    void clear();

    const Net::TrafficLog::Entry *entryAt(int row) const;
    quint64 firstSeq() const { return m_entries.isEmpty() ? 0 : m_entries.first().seq; }
    quint64 lastSeq() const { return m_entries.isEmpty() ? 0 : m_entries.last().seq; }

    static QString sizeText(qint64 bytes);

private:
    QList<Net::TrafficLog::Entry> m_entries;
};

} // namespace Ui
