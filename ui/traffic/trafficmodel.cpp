#include "traffic/trafficmodel.h"

#include <QColor>
#include <QDateTime>
#include <QFont>

namespace Ui {

using Net::TrafficLog;

TrafficModel::TrafficModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

TrafficModel::~TrafficModel() = default;

int TrafficModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int TrafficModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TrafficModel::sizeText(qint64 bytes)
{
    if (bytes <= 0)
        return {};
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(bytes / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 MiB").arg(bytes / (1024.0 * 1024.0), 0, 'f', 1);
}

QVariant TrafficModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TrafficLog::Entry &e = m_entries.at(index.row());
    switch (role) {
    case SeqRole:
        return QVariant::fromValue(e.seq);
    case KindRole:
        return int(e.kind);
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(
                QStringLiteral("HH:mm:ss.zzz"));
        case Kind:
            return TrafficLog::kindName(e.kind);
        case Method:
            return QString::fromUtf8(e.method);
        case Url:
            return e.url;
        case Status:
            return e.httpStatus > 0 ? QString::number(e.httpStatus) : QString();
        case Size:
            return sizeText(e.bodyBytes);
        case Elapsed:
            return e.elapsedMs >= 0 ? QStringLiteral("%1 ms").arg(e.elapsedMs) : QString();
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case Time:
            return QVariant::fromValue(e.seq); // recording order, finer than the clock
        case Kind:
            return int(e.kind);
        case Method:
            return QString::fromUtf8(e.method);
        case Url:
            return e.url;
        case Status:
            return e.httpStatus;
        case Size:
            return e.bodyBytes;
        case Elapsed:
            return e.elapsedMs;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Url || !e.note.isEmpty())
            return e.note.isEmpty() ? e.url : e.url + QLatin1Char('\n') + e.note;
        return {};
    case Qt::ForegroundRole:
        if (index.column() == Status && e.httpStatus >= 400)
            return QColor(0xb0, 0x20, 0x20);
        if (index.column() == Kind
            && (e.kind == TrafficLog::Kind::SseDisconnect || e.kind == TrafficLog::Kind::WsState))
            return QColor(0x70, 0x70, 0x70);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Status || index.column() == Size || index.column() == Elapsed)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    return {};
}

QVariant TrafficModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Kind:
        return tr("Kind");
    case Method:
        return tr("Method / event");
    case Url:
        return tr("URL / channel");
    case Status:
        return tr("Status");
    case Size:
        return tr("Size");
    case Elapsed:
        return tr("Elapsed");
    }
    return {};
}

void TrafficModel::setEntries(const QList<TrafficLog::Entry> &entries)
{
    beginResetModel();
    m_entries = entries;
    endResetModel();
}

void TrafficModel::append(const QList<TrafficLog::Entry> &entries)
{
    qsizetype from = 0;
    const quint64 last = lastSeq();
    while (from < entries.size() && entries.at(from).seq <= last)
        ++from;
    if (from >= entries.size())
        return;
    const int first = int(m_entries.size());
    beginInsertRows({}, first, first + int(entries.size() - from) - 1);
    m_entries.append(entries.mid(from));
    endInsertRows();
}

void TrafficModel::dropFront(quint64 firstKept)
{
    int n = 0;
    while (n < m_entries.size() && m_entries.at(n).seq < firstKept)
        ++n;
    if (n == 0)
        return;
    beginRemoveRows({}, 0, n - 1);
    m_entries.remove(0, n);
    endRemoveRows();
}

void TrafficModel::clear()
{
    if (m_entries.isEmpty())
        return;
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

const TrafficLog::Entry *TrafficModel::entryAt(int row) const
{
    return row >= 0 && row < m_entries.size() ? &m_entries.at(row) : nullptr;
}

} // namespace Ui
