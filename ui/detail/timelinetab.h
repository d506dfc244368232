#pragma once

#include <QWidget>

class QTreeView;

namespace Tracker {
struct TrackedJob;
}

namespace Ui {

class JobTimelineModel;

// The job's timeline in a table (JobTimelineModel), newest at the bottom; it follows new entries
// while the view is scrolled to the end.
class TimelineTab final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelineTab)

public:
    explicit TimelineTab(QWidget *parent = nullptr);

    void showJob(const Tracker::TrackedJob *job);
    JobTimelineModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }

private:
    JobTimelineModel *m_model;
    QTreeView *m_view;
    bool m_follow = true;
};

} // namespace Ui
