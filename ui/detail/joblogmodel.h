#pragma once

#include "core/jobupdate.h"

#include <QAbstractTableModel>

namespace Core {
class Redactor;
}
namespace Tracker {
struct TrackedJob;
}

namespace Ui {

// A job's log lines: time, level, message. The tracker only appends lines, so update() inserts
// what is new with one beginInsertRows per call (one call per tracker batch); another job or a
// shorter log resets the model. Messages pass through the Redactor when one is set.
// Level colours are muted accents mixed from the palette's text colour (readable light and dark).
class JobLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobLogModel)

public:
    enum Column { Time, Level, Message, ColumnCount };
    enum Role {
        LevelRole = Qt::UserRole + 1, // normalized level: debug, info, warn, error
        TimeRole, // ms since epoch
        LineRole, // the whole line as plain text ("time level message")
    };

    explicit JobLogModel(QObject *parent = nullptr);

    void setRedactor(const Core::Redactor *redactor) { m_redactor = redactor; }
    void update(const Tracker::TrackedJob *job); // nullptr clears
    QString jobId() const { return m_jobId; }

    // debug, info, warn, error: "warning", "err", "trace", "fatal" … are mapped onto these.
    static QString normalizedLevel(const QString &level);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Line
    {
        qint64 timeMs;
        QString level;
        QString message;
    };
    Line lineFrom(const Core::LogLine &l) const;

    const Core::Redactor *m_redactor = nullptr;
    QString m_jobId;
    qsizetype m_sourceCount = 0;
    QList<Line> m_lines;
};

} // namespace Ui
