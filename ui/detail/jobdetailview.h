#pragma once

#include "detail/resultfile.h"

#include <QUrl>
#include <QWidget>
#include <optional>

class QLabel;
class QNetworkAccessManager;
class QStackedWidget;
class QTabWidget;

namespace Core {
class Redactor;
}
namespace Tracker {
class JobTracker;
}

namespace Ui {

class LifecycleStepper;
class LogsTab;
class OverviewTab;
class ResultsTab;
class TimelineTab;

// One job in depth, in tabs: Overview, Timeline, Logs, Results, and — for sandbox profiles —
// Lifecycle (the QA stepper). The main window adds more tabs (Traffic, Peel) with addTab().
// Reads the job from the JobTracker: on setJob() and on every batchReady() whose ids contain the
// shown job (never per event). With no job selected it shows a calm empty state instead.
// The tracker, the network manager and the redactor are not owned and must outlive the view.
class JobDetailView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobDetailView)

public:
    // `nam` is used by the lifecycle stepper; nullptr: the view makes its own.
    explicit JobDetailView(Tracker::JobTracker *tracker, QNetworkAccessManager *nam = nullptr,
        QWidget *parent = nullptr);

    void setRedactor(const Core::Redactor *redactor);
    // Shows the job (an empty id, or one the tracker does not know: the empty state).
    void setJob(const QString &id);
    QString jobId() const { return m_jobId; }
    // The sandbox control URL of the shown job's profile ("…/_sandbox"); empty hides the
    // Lifecycle tab (a profile of a real service).
    void setSandbox(const QUrl &controlBase, const QByteArray &token = {});
    // Files already downloaded for a job (see ResultsTab::setLocalFiles).
    void setLocalFiles(const QString &jobId, const QList<Ui::ResultFile> &files);
    // Appends a tab (the view takes ownership) and returns its index.
    int addTab(QWidget *page, const QString &title);

    QTabWidget *tabs() const { return m_tabs; }
    OverviewTab *overview() const { return m_overview; }
    TimelineTab *timeline() const { return m_timeline; }
    LogsTab *logs() const { return m_logs; }
    ResultsTab *results() const { return m_results; }
    LifecycleStepper *stepper() const { return m_stepper; }
    bool isShowingEmptyState() const;
    int refreshCount() const
    {
        return m_refreshes;
    } // how often the tabs were fed (tests: batching)

Q_SIGNALS:
    void downloadRequested(const QString &jobId);

private:
    void refresh();

    Tracker::JobTracker *m_tracker;
    QNetworkAccessManager *m_nam;
    QString m_jobId;
    std::optional<int> m_lastState; // Core::JobState seen last, to re-read the sandbox on a change
    int m_refreshes = 0;

    QStackedWidget *m_stack;
    QLabel *m_empty;
    QTabWidget *m_tabs;
    OverviewTab *m_overview;
    TimelineTab *m_timeline;
    LogsTab *m_logs;
    ResultsTab *m_results;
    LifecycleStepper *m_stepper;
};

} // namespace Ui
