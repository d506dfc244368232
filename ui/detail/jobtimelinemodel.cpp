#include "detail/jobtimelinemodel.h"

#include <QDateTime>
#include <QGuiApplication>
#include <QPalette>

namespace Ui {

JobTimelineModel::JobTimelineModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void JobTimelineModel::update(const Tracker::TrackedJob *job)
{
    const QString id = job ? job->id : QString();
    const qsizetype have = m_entries.size();
    if (!job || id != m_jobId || job->timeline.size() < have) {
        beginResetModel();
        m_jobId = id;
        m_entries = job ? job->timeline : QList<Tracker::TimelineEntry>();
        endResetModel();
        return;
    }
    if (job->timeline.size() == have)
        return;
    beginInsertRows({}, int(have), int(job->timeline.size() - 1));
    m_entries.append(job->timeline.mid(have));
    endInsertRows();
}

int JobTimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int JobTimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobTimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Tracker::TimelineEntry &e = m_entries.at(index.row());
    if (role == SortRole) {
        switch (index.column()) {
        case Time:
            return e.timeMs;
        case Kind:
            return int(e.kind);
        case State:
            return e.state ? Core::stateRank(*e.state) : -1;
        case Channel:
            return Core::channelName(e.channel);
        case Text:
            return e.text;
        }
        return {};
    }
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Time:
            return QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(role == Qt::ToolTipRole
                    ? QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")
                    : QStringLiteral("HH:mm:ss.zzz"));
        case Kind:
            return Tracker::TimelineEntry::kindName(e.kind);
        case State: {
            const QString state = e.state ? Core::stateName(*e.state) : QString();
            if (e.rawStatus.isEmpty() || e.rawStatus == state)
                return state;
            return QStringLiteral("%1 / %2").arg(state, e.rawStatus);
        }
        case Channel:
            return Core::channelName(e.channel);
        case Text:
            return e.text;
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Kind) {
        // Muted accents mixed from the palette's text colour, readable on light and dark themes.
        const QColor text = QGuiApplication::palette().color(QPalette::Text);
        auto mix = [&](QColor accent) {
            return QColor((text.red() + 2 * accent.red()) / 3,
                (text.green() + 2 * accent.green()) / 3, (text.blue() + 2 * accent.blue()) / 3);
        };
        if (e.kind == Tracker::TimelineEntry::Kind::Error)
            return mix(QColor(0xd0, 0x30, 0x30));
        if (e.kind == Tracker::TimelineEntry::Kind::Problem)
            return mix(QColor(0xc0, 0x80, 0x00));
    }
    return {};
}

QVariant JobTimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Kind:
        return tr("Kind");
    case State:
        return tr("State / raw");
    case Channel:
        return tr("Channel");
    case Text:
        return tr("Text");
    }
    return {};
}

} // namespace Ui
