#pragma once

#include "core/jobstate.h"
#include "detail/resultfile.h"

#include <QHash>
#include <QJsonObject>
#include <QMainWindow>
#include <QTimer>
#include <QUrl>

class QDockWidget;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QSplitter;
class QSystemTrayIcon;

namespace Catalog {
class TaskCatalog;
class TaskPresets;
} // namespace Catalog
namespace Core {
class Redactor;
}
namespace Net {
class TrafficLog;
}
namespace Sandbox {
class EmbeddedSandbox;
}
namespace Secrets {
class KeyStore;
}
namespace Session {
class JobSession;
}
namespace Settings {
class AppSettings;
class ProfileRegistry;
} // namespace Settings
namespace Store {
class JobHistory;
}
namespace Tracker {
class JobTracker;
}

namespace Ui {

class JobDetailView;
class JobListModel;
class JobListProxyModel;
class JobListView;
class PeelBuildView;
class Sidebar;
class TrafficView;

// The dashboard: sidebar (profiles, saved views), the job list, the selected job's detail, the
// toolbar (submit, cancel, download, resubmit, refresh, profiles, settings, export) and the status
// bar. Everything it works with is handed in (Services); it owns only widgets.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    struct Services
    {
        QNetworkAccessManager *nam = nullptr;
        Tracker::JobTracker *tracker = nullptr;
        Store::JobHistory *history = nullptr;
        Session::JobSession *session = nullptr;
        Net::TrafficLog *traffic = nullptr;
        Core::Redactor *redactor = nullptr;
        Settings::AppSettings *settings = nullptr;
        Settings::ProfileRegistry *profiles = nullptr;
        Secrets::KeyStore *keys = nullptr;
        Catalog::TaskCatalog *catalog = nullptr;
        Catalog::TaskPresets *presets = nullptr;
        Sandbox::EmbeddedSandbox *sandbox = nullptr; // null: no embedded sandbox
    };

    explicit MainWindow(Services services, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Profiles of the registry and, on first run or when sandbox profiles exist, the embedded
    // sandbox's; then the history (newest `historyLimit` jobs) and every unfinished job.
    void startUp(int historyLimit = 10000);

    JobListView *jobList() const { return m_list; }
    JobListProxyModel *proxy() const { return m_proxy; }
    JobDetailView *detail() const { return m_detail; }
    PeelBuildView *peelView() const { return m_peel; }
    TrafficView *trafficView() const { return m_traffic; }
    Sidebar *sidebar() const { return m_sidebar; }
    QLineEdit *searchBox() const { return m_search; }
    JobListModel *model() const { return m_model; }
    QJsonObject sandboxInfo() const { return m_sandboxInfo; }
    void submitJobs(
        const QString &profile, const QString &task, const QJsonObject &input, int count);

Q_SIGNALS:
    void profilesReady();
    // The newest jobs of the history are in the list (`count` of them).
    void historyLoaded(int count);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildActions();
    void addSandboxProfiles(const QJsonObject &info);
    void registerProfiles();
    void showSubmit(
        const QString &profile = {}, const QString &task = {}, const QJsonObject &input = {});
    void cancelJobs(const QStringList &ids);
    void showJob(const QString &id);
    void notify(const QString &title, const QString &text);
    void updateTitle();
    void applyPollLimits();
    QUrl sandboxControlFor(const QString &profile) const;
    // Text that may carry a server's words, as it may be shown (every known key masked).
    QString redacted(const QString &text) const;
    QString folderFor(const QString &jobId) const;

    Services m_s;
    Sidebar *m_sidebar = nullptr;
    JobListModel *m_model = nullptr;
    JobListProxyModel *m_proxy = nullptr;
    JobListView *m_list = nullptr;
    JobDetailView *m_detail = nullptr;
    TrafficView *m_traffic = nullptr;
    PeelBuildView *m_peel = nullptr;
    int m_peelTab = -1;
    QSplitter *m_split = nullptr;
    QSplitter *m_outer = nullptr;
    QLineEdit *m_search = nullptr;
    QLabel *m_banner = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QTimer m_notifyTimer;
    QList<QPair<QString, Core::JobState>> m_finished; // since the last notification
    QDockWidget *m_webhookDock = nullptr;
    QJsonObject m_sandboxInfo;
    QHash<QString, QList<ResultFile>> m_files;
    QHash<QString, QString> m_sandboxProfiles; // profile name → dialect
};

} // namespace Ui
