// jobscope: the desktop app. Builds the services (tracker, history, session, keys, settings,
// the embedded sandbox) and hands them to the main window; nothing here is global.
#include "catalog/taskcatalog.h"
#include "catalog/taskpresets.h"
#include "common/theme.h"
#include "core/redactor.h"
#include "follow/followcontext.h"
#include "mainwindow/mainwindow.h"
#include "net/trafficlog.h"
#include "sandbox/embeddedsandbox.h"
#include "secrets/keystore.h"
#include "session/jobsession.h"
#include "session/keyresolver.h"
#include "settings/appsettings.h"
#include "settings/profileregistry.h"
#include "store/historydatabase.h"
#include "store/jobhistory.h"
#include "tracker/jobtracker.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QStandardPaths>
#include <QTimer>
#include <cstdio>

namespace {

// Prints how long the first paint took, then quits (start-up benchmark).
class FirstPaintProbe final : public QObject
{
public:
    FirstPaintProbe(QElapsedTimer *clock, bool quit)
        : m_clock(clock)
        , m_quit(quit)
    { }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !m_done) {
            m_done = true;
            QTimer::singleShot(0, [this] {
                std::fprintf(
                    stdout, "first-paint-ms %.1f\n", double(m_clock->nsecsElapsed()) / 1e6);
                std::fflush(stdout);
                if (m_quit)
                    QCoreApplication::quit();
            });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QElapsedTimer *m_clock;
    bool m_quit;
    bool m_done = false;
};

} // namespace

int main(int argc, char **argv)
{
    QElapsedTimer clock;
    clock.start();
    QApplication app(argc, argv);
    const bool trace = qEnvironmentVariableIsSet("JOBSCOPE_STARTUP_TRACE");
    auto mark = [&](const char *what) {
        if (trace)
            std::fprintf(
                stderr, "startup %-12s %.1f ms\n", what, double(clock.nsecsElapsed()) / 1e6);
    };
    mark("qapplication");
    QApplication::setApplicationName(QStringLiteral("Jobscope"));
    QApplication::setOrganizationName(QStringLiteral("jobscope"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Jobscope: a dashboard for asynchronous job APIs."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption quitOpt(QStringLiteral("quit-after-first-paint"),
        QStringLiteral("Print the times to the first paint and to the history shown in the list, "
                       "then quit (benchmark)."));
    const QCommandLineOption noSandboxOpt(
        QStringLiteral("no-sandbox"), QStringLiteral("Do not start the embedded sandbox."));
    const QCommandLineOption historyOpt(QStringLiteral("history-limit"),
        QStringLiteral("Jobs of the history shown at start (default 10000)."), QStringLiteral("n"),
        QStringLiteral("10000"));
    parser.addOptions({ quitOpt, noSandboxOpt, historyOpt });
    parser.process(app);

    QString data = qEnvironmentVariable("XDG_DATA_HOME");
    if (data.isEmpty())
        data = QDir::homePath() + QStringLiteral("/.local/share");
    data += QStringLiteral("/jobscope");

    Settings::AppSettings settings;
    if (const auto mode
        = Ui::Theme::modeFromName(Settings::AppSettings::themeName(settings.theme())))
        Ui::Theme::apply(&app, *mode);
    Settings::ProfileRegistry profiles;
    Secrets::KeyStore keys;
    Core::Redactor redactor;
    QNetworkAccessManager nam;
    Tracker::JobTracker tracker;
    Store::JobHistory history(Store::HistoryDatabase::defaultPath());
    Net::TrafficLog traffic(&redactor);
    Catalog::TaskCatalog catalog;
    Catalog::TaskPresets presets(data + QStringLiteral("/presets.json"));
    std::unique_ptr<Sandbox::EmbeddedSandbox> sandbox;
    if (!parser.isSet(noSandboxOpt))
        sandbox = std::make_unique<Sandbox::EmbeddedSandbox>(data + QStringLiteral("/sandbox"));

    // Keys are looked up when a profile is registered: the environment, the system keychain, or
    // (sandbox profiles) the embedded sandbox's own description. Every key found is redacted.
    Session::KeyResolver resolver(&keys, &redactor);
    if (sandbox)
        QObject::connect(sandbox.get(), &Sandbox::EmbeddedSandbox::ready, &resolver,
            &Session::KeyResolver::setSandboxInfo);
    Session::JobSession session(&nam, &tracker, &history, resolver.lookup());
    session.context()->setTrafficLog(&traffic);

    mark("services");
    Ui::MainWindow::Services services;
    services.nam = &nam;
    services.tracker = &tracker;
    services.history = &history;
    services.session = &session;
    services.traffic = &traffic;
    services.redactor = &redactor;
    services.settings = &settings;
    services.profiles = &profiles;
    services.keys = &keys;
    services.catalog = &catalog;
    services.presets = &presets;
    services.sandbox = sandbox.get();
    Ui::MainWindow window(services);
    // The benchmark waits for the history too: the window counts as ready when its list shows it.
    mark("window");
    const bool bench = parser.isSet(quitOpt);
    FirstPaintProbe probe(&clock, false);
    QObject::connect(&window, &Ui::MainWindow::historyLoaded, &window, [&](int n) {
        if (!bench)
            return;
        QCoreApplication::processEvents(); // the model's batch of restored rows
        window.repaint();
        std::fprintf(
            stdout, "history-shown-ms %.1f jobs %d\n", double(clock.nsecsElapsed()) / 1e6, n);
        std::fflush(stdout);
    });
    QObject::connect(&session, &Session::JobSession::historyLoaded, &window, [&](int n) {
        if (!bench)
            return;
        tracker.flushBatch();
        QCoreApplication::processEvents();
        window.repaint();
        std::fprintf(
            stdout, "history-all-ms %.1f jobs %d\n", double(clock.nsecsElapsed()) / 1e6, n);
        std::fflush(stdout);
        if (parser.isSet(quitOpt))
            QTimer::singleShot(0, &app, &QCoreApplication::quit);
    });
    if (bench)
        window.installEventFilter(&probe);
    window.show();
    mark("show");
    // After the first frame: profiles, the sandbox and the history come in without blocking it.
    QTimer::singleShot(0, &window, [&] { window.startUp(parser.value(historyOpt).toInt()); });
    keys.probe();
    const int code = app.exec();
    history.flush();
    return code;
}
