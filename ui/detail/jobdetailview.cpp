#include "detail/jobdetailview.h"

#include "detail/lifecyclestepper.h"
#include "detail/logstab.h"
#include "detail/overviewtab.h"
#include "detail/resultstab.h"
#include "detail/timelinetab.h"
#include "tracker/jobtracker.h"

#include <QLabel>
#include <QNetworkAccessManager>
#include <QStackedWidget>
#include <QTabWidget>
#include <QVBoxLayout>

namespace Ui {

JobDetailView::JobDetailView(
    Tracker::JobTracker *tracker, QNetworkAccessManager *nam, QWidget *parent)
    : QWidget(parent)
    , m_tracker(tracker)
    , m_nam(nam ? nam : new QNetworkAccessManager(this))
    , m_stack(new QStackedWidget(this))
    , m_empty(new QLabel)
    , m_tabs(new QTabWidget)
    , m_overview(new OverviewTab)
    , m_timeline(new TimelineTab)
    , m_logs(new LogsTab)
    , m_results(new ResultsTab)
    , m_stepper(new LifecycleStepper(m_nam))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    m_empty->setText(tr("Select a job to see its details"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setEnabled(false); // the palette's disabled text: quiet, readable in light and dark
    m_stack->addWidget(m_empty);

    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_overview, tr("Overview"));
    m_tabs->addTab(m_timeline, tr("Timeline"));
    m_tabs->addTab(m_logs, tr("Logs"));
    m_tabs->addTab(m_results, tr("Results"));
    m_tabs->addTab(m_stepper, tr("Lifecycle"));
    m_tabs->setTabVisible(m_tabs->indexOf(m_stepper), false);
    m_stack->addWidget(m_tabs);

    connect(m_results, &ResultsTab::downloadRequested, this, &JobDetailView::downloadRequested);
    connect(m_tracker, &Tracker::JobTracker::batchReady, this, [this](const QStringList &ids) {
        if (!m_jobId.isEmpty() && ids.contains(m_jobId))
            refresh();
    });
    refresh();
}

void JobDetailView::setRedactor(const Core::Redactor *redactor)
{
    m_overview->setRedactor(redactor);
    m_logs->setRedactor(redactor);
}

void JobDetailView::setJob(const QString &id)
{
    if (id == m_jobId)
        return;
    m_jobId = id;
    m_lastState.reset();
    m_stepper->setJob(id);
    refresh();
}

void JobDetailView::setSandbox(const QUrl &controlBase, const QByteArray &token)
{
    m_stepper->setSandbox(controlBase, token);
    m_tabs->setTabVisible(m_tabs->indexOf(m_stepper), m_stepper->isActive());
}

void JobDetailView::setLocalFiles(const QString &jobId, const QList<ResultFile> &files)
{
    m_results->setLocalFiles(jobId, files);
}

int JobDetailView::addTab(QWidget *page, const QString &title)
{
    return m_tabs->addTab(page, title);
}

bool JobDetailView::isShowingEmptyState() const
{
    return m_stack->currentWidget() == m_empty;
}

void JobDetailView::refresh()
{
    const Tracker::TrackedJob *job = m_jobId.isEmpty() ? nullptr : m_tracker->job(m_jobId);
    ++m_refreshes;
    m_stack->setCurrentWidget(job ? static_cast<QWidget *>(m_tabs) : m_empty);
    m_overview->showJob(job);
    m_timeline->showJob(job);
    m_logs->showJob(job);
    m_results->showJob(job);
    // The sandbox record is re-read when the client saw the state change, not on every tick.
    const std::optional<int> state
        = job && job->state ? std::optional<int>(int(*job->state)) : std::nullopt;
    if (job && state != m_lastState) {
        const bool first = !m_lastState.has_value();
        m_lastState = state;
        if (!first)
            m_stepper->refresh();
    }
}

} // namespace Ui
