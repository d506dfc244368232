#include "detail/timelinetab.h"

#include "detail/jobtimelinemodel.h"

#include <QHeaderView>
#include <QScrollBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace Ui {

TimelineTab::TimelineTab(QWidget *parent)
    : QWidget(parent)
    , m_model(new JobTimelineModel(this))
    , m_view(new QTreeView(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->header()->setStretchLastSection(true);
    m_view->setColumnWidth(JobTimelineModel::Time, 110);
    m_view->setColumnWidth(JobTimelineModel::Kind, 80);
    m_view->setColumnWidth(JobTimelineModel::State, 190);
    m_view->setColumnWidth(JobTimelineModel::Channel, 80);
    layout->addWidget(m_view);

    // Follow new entries only while the user is at the end already.
    auto *bar = m_view->verticalScrollBar();
    connect(bar, &QScrollBar::rangeChanged, this, [this, bar](int, int max) {
        if (m_follow)
            bar->setValue(max);
    });
    connect(bar, &QScrollBar::valueChanged, this,
        [this, bar](int v) { m_follow = v >= bar->maximum(); });
}

void TimelineTab::showJob(const Tracker::TrackedJob *job)
{
    m_model->update(job);
}

} // namespace Ui
