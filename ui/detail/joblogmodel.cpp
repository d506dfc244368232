#include "detail/joblogmodel.h"

#include "core/redactor.h"
#include "tracker/trackedjob.h"

#include <QDateTime>
#include <QGuiApplication>
#include <QPalette>

namespace Ui {

namespace {
QString timeText(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss.zzz"))
                  : QString();
}
} // namespace

JobLogModel::JobLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

QString JobLogModel::normalizedLevel(const QString &level)
{
    const QString l = level.toLower();
    if (l.startsWith(QLatin1String("warn")))
        return QStringLiteral("warn");
    if (l.startsWith(QLatin1String("err")) || l == u"fatal" || l == u"critical")
        return QStringLiteral("error");
    if (l == u"debug" || l == u"trace" || l == u"verbose")
        return QStringLiteral("debug");
    return QStringLiteral("info");
}

JobLogModel::Line JobLogModel::lineFrom(const Core::LogLine &l) const
{
    return Line { l.timeMs, normalizedLevel(l.level),
        m_redactor ? m_redactor->redact(l.message) : l.message };
}

void JobLogModel::update(const Tracker::TrackedJob *job)
{
    const QString id = job ? job->id : QString();
    if (!job || id != m_jobId || job->logs.size() < m_sourceCount) {
        beginResetModel();
        m_jobId = id;
        m_lines.clear();
        m_sourceCount = job ? job->logs.size() : 0;
        if (job) {
            m_lines.reserve(job->logs.size());
            for (const Core::LogLine &l : job->logs)
                m_lines.append(lineFrom(l));
        }
        endResetModel();
        return;
    }
    if (job->logs.size() == m_sourceCount)
        return;
    beginInsertRows(
        {}, int(m_lines.size()), int(m_lines.size() + job->logs.size() - m_sourceCount - 1));
    for (qsizetype i = m_sourceCount; i < job->logs.size(); ++i)
        m_lines.append(lineFrom(job->logs.at(i)));
    m_sourceCount = job->logs.size();
    endInsertRows();
}

int JobLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

int JobLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Line &l = m_lines.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return timeText(l.timeMs);
        case Level:
            return l.level;
        case Message:
            return l.message;
        }
        return {};
    case Qt::ToolTipRole:
        return index.column() == Message ? l.message : QVariant();
    case LevelRole:
        return l.level;
    case TimeRole:
        return l.timeMs;
    case LineRole:
        return QStringLiteral("%1 %2 %3")
            .arg(timeText(l.timeMs), l.level.toUpper().leftJustified(5), l.message);
    case Qt::ForegroundRole: {
        if (l.level == u"info")
            return {};
        const QColor text = QGuiApplication::palette().color(QPalette::Text);
        auto mix = [&](QColor accent, int accentWeight) {
            const int t = 3 - accentWeight;
            return QColor((t * text.red() + accentWeight * accent.red()) / 3,
                (t * text.green() + accentWeight * accent.green()) / 3,
                (t * text.blue() + accentWeight * accent.blue()) / 3);
        };
        if (l.level == u"error")
            return mix(QColor(0xd0, 0x30, 0x30), 2);
        if (l.level == u"warn")
            return mix(QColor(0xc0, 0x80, 0x00), 2);
        // debug: half way to the background, quieter than everything else
        const QColor base = QGuiApplication::palette().color(QPalette::Base);
        return QColor((text.red() + base.red()) / 2, (text.green() + base.green()) / 2,
            (text.blue() + base.blue()) / 2);
    }
    }
    return {};
}

QVariant JobLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Level:
        return tr("Level");
    case Message:
        return tr("Message");
    }
    return {};
}

} // namespace Ui
