#pragma once

#include "core/profile.h"
#include "core/redactor.h"
#include "peelbuilds/buildcontract.h"
#include "peelbuilds/buildresult.h"
#include "tracker/trackedjob.h"

#include <QHash>
#include <QWidget>

class QGroupBox;
class QLabel;
class QListWidget;
class QNetworkAccessManager;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;

namespace PeelBuilds {
class BuildActions;
class BuildOperation;
} // namespace PeelBuilds

namespace Ui {

class PeelCallConsole;
class PeelPromptForm;

// The "Peel build" tab of a selected Peel job (an API build, seed 002). One page per state:
// - queued / running: what the build is doing; Health shows its stage and recent events;
// - needs_input: the service's user_input_prompt as a form and Respond;
// - completed: the published endpoints with their input and output schemas, a call console
//   (runtime envelope with status and timing), Health, Revise (a dialog), Rebuild (confirmed),
//   Export OpenAPI / MCP to a file (QFileDialog, written with QSaveFile);
// - failed: the failure artifact as copyable text, with Revise and Rebuild.
//
// Requests go through a PeelBuilds::BuildActions made for the profile given to setJob() (made
// again when the profile changes; its requests in flight are dropped then). The service's answer
// to respond / revise / rebuild is the API record: the view shows it at once and emits
// recordReceived() so the owner can hand it to the tracker; the next setJob() wins. Everything
// shown or copied passes through a Core::Redactor that knows the profile's key.
// The QNetworkAccessManager is not owned and must outlive the view.
class PeelBuildView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PeelBuildView)

public:
    explicit PeelBuildView(QNetworkAccessManager *nam, QWidget *parent = nullptr);
    ~PeelBuildView() override;

    void setJob(const Core::Profile &profile, const Tracker::TrackedJob &job);
    void clear();
    QString apiId() const { return m_job.id; }
    const PeelBuilds::BuildContract &contract() const { return m_contract; }

    // The buttons' actions without their dialogs (for the owner's shortcuts and for tests).
    void
    respond(); // sends what the prompt form holds, after checking it against the prompt's schema
    void respondWith(const QJsonObject &response);
    void callEndpoint(const QString &endpoint, const QJsonObject &input);
    void checkHealth();
    void revise(const QString &instructions);
    void rebuild();
    // Fetches exports/{format} and writes it to `path` (pretty JSON when it is JSON, else as sent).
    void exportTo(const QString &format, const QString &path);

Q_SIGNALS:
    // A record the service answered with (respond, revise, rebuild), read by the Peel adapter.
    void recordReceived(const Core::JobUpdate &update);
    // Every answer, after the view has shown it.
    void actionFinished(const PeelBuilds::BuildResult &result);
    // An export was written (or failed: `error` non-empty).
    void exportFinished(const QString &format, const QString &path, const QString &error);

private:
    enum class Page { Empty, Building, NeedsInput, Completed, Failed };

    QWidget *buildHeader();
    QWidget *buildBuildingPage();
    QWidget *buildNeedsInputPage();
    QWidget *buildCompletedPage();
    QWidget *buildFailedPage();

    void refresh(bool newJob);
    void showEndpoints();
    void endpointSelected();
    void setStatus(const QString &text, bool error);
    void applyRecord(const Core::JobUpdate &record);
    // Hands the operation's outcome to handle() when it reports (`exportPath`: where an export
    // is written).
    void watch(PeelBuilds::BuildOperation *operation, const QString &exportPath = {});
    void handle(const PeelBuilds::BuildResult &result, const QString &exportPath);
    QString describeError(const PeelBuilds::BuildResult &result) const;
    QString shownBody(const PeelBuilds::BuildResult &result) const;
    void askRevise();
    void askRebuild();
    void askExport(const QString &format);

    QNetworkAccessManager *m_nam;
    PeelBuilds::BuildActions *m_actions = nullptr;
    Core::Profile m_profile;
    Core::Redactor m_redactor;
    Tracker::TrackedJob m_job;
    PeelBuilds::BuildContract m_contract;
    int m_respondPending = 0;
    int m_callPending = 0;

    QLabel *m_title = nullptr;
    QLabel *m_source = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_healthButton = nullptr;
    QPushButton *m_reviseButton = nullptr;
    QPushButton *m_rebuildButton = nullptr;
    QPushButton *m_exportOpenApi = nullptr;
    QPushButton *m_exportMcp = nullptr;
    QStackedWidget *m_pages = nullptr;
    QLabel *m_buildingText = nullptr;
    QLabel *m_promptMessage = nullptr;
    PeelPromptForm *m_promptForm = nullptr;
    QPushButton *m_respondButton = nullptr;
    QLabel *m_respondResult = nullptr;
    QListWidget *m_endpoints = nullptr;
    QLabel *m_endpointAbout = nullptr;
    QPlainTextEdit *m_inputSchema = nullptr;
    QPlainTextEdit *m_outputSchema = nullptr;
    PeelCallConsole *m_console = nullptr;
    QPlainTextEdit *m_failure = nullptr;
    QGroupBox *m_healthBox = nullptr;
    QLabel *m_healthSummary = nullptr;
    QPlainTextEdit *m_health = nullptr;
};

} // namespace Ui
