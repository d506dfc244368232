// The real main window driven against its embedded sandbox, as a user would: first run creates
// one sandbox profile per dialect; submit through the form and watch the row reach succeeded and
// the file appear; cancel a queued job (with the confirmation); answer a Peel build's
// needs_input; step a job through every state with the lifecycle stepper; search and filter;
// and nothing the app wrote holds a key.
#include "catalog/taskcatalog.h"
#include "catalog/taskpresets.h"
#include "core/redactor.h"
#include "detail/jobdetailview.h"
#include "detail/lifecyclestepper.h"
#include "follow/followcontext.h"
#include "joblist/joblistmodel.h"
#include "joblist/joblistproxymodel.h"
#include "joblist/joblistview.h"
#include "mainwindow/mainwindow.h"
#include "mainwindow/sidebar.h"
#include "net/trafficlog.h"
#include "peel/peelbuildview.h"
#include "sandbox/embeddedsandbox.h"
#include "secrets/keystore.h"
#include "session/jobsession.h"
#include "session/keyresolver.h"
#include "settings/appsettings.h"
#include "settings/profileregistry.h"
#include "store/jobhistory.h"
#include "submit/submitdialog.h"
#include "tracker/jobtracker.h"
#include "traffic/trafficview.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDirIterator>
#include <QJsonArray>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

class TestMainWindow final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Settings::AppSettings> m_settings;
    std::unique_ptr<Settings::ProfileRegistry> m_profiles;
    std::unique_ptr<Secrets::KeyStore> m_keys;
    std::unique_ptr<Core::Redactor> m_redactor;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<Tracker::JobTracker> m_tracker;
    std::unique_ptr<Store::JobHistory> m_history;
    std::unique_ptr<Net::TrafficLog> m_traffic;
    std::unique_ptr<Catalog::TaskCatalog> m_catalog;
    std::unique_ptr<Catalog::TaskPresets> m_presets;
    std::unique_ptr<Sandbox::EmbeddedSandbox> m_sandbox;
    std::unique_ptr<Session::KeyResolver> m_resolver;
    std::unique_ptr<Session::JobSession> m_session;
    std::unique_ptr<Ui::MainWindow> m_window;

    QString path(const char *name) const { return m_dir.filePath(QLatin1String(name)); }
    QStringList jobsOf(const QString &profile) const
    {
        QStringList out;
        for (const QString &id : m_tracker->ids()) {
            if (m_tracker->job(id)->profile == profile)
                out << id;
        }
        return out;
    }
    std::optional<Core::JobState> stateOf(const QString &id) const
    {
        const Tracker::TrackedJob *j = m_tracker->job(id);
        return j ? j->state : std::nullopt;
    }
    // Makes `id` the current, only selected row of the list, as a click would.
    void select(const QString &id)
    {
        const int row = m_window->model()->rowOf(id);
        QVERIFY(row >= 0);
        const QModelIndex index
            = m_window->proxy()->mapFromSource(m_window->model()->index(row, 0));
        QVERIFY(index.isValid());
        m_window->jobList()->setCurrentIndex(index);
        m_window->jobList()->selectionModel()->select(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(m_window->detail()->jobId(), id);
    }
    // Answers the next modal message box with its confirming button (records what it said).
    void acceptNextMessageBox(QString *text, int attempts = 50)
    {
        QTimer::singleShot(100, this, [this, text, attempts] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box) {
                if (attempts > 0)
                    acceptNextMessageBox(text, attempts - 1);
                return;
            }
            *text = box->text() + QLatin1Char('\n') + box->informativeText();
            for (QAbstractButton *b : box->buttons()) {
                const auto role = box->buttonRole(b);
                if (role == QMessageBox::DestructiveRole || role == QMessageBox::AcceptRole
                    || role == QMessageBox::YesRole) {
                    b->click();
                    return;
                }
            }
        });
    }
    void screenshot(const char *name)
    {
        const QString dir = qEnvironmentVariable("JOBSCOPE_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        QTest::qWait(600); // let the last batch paint
        // Under Xvfb: what the X server shows, not a widget grab.
        if (!qEnvironmentVariableIsEmpty("DISPLAY")
            && QGuiApplication::platformName() == QLatin1String("xcb"))
            QProcess::execute(QStringLiteral("import"),
                { QStringLiteral("-window"), QStringLiteral("root"),
                    QDir(dir).filePath(QLatin1String(name)) });
        else
            m_window->grab().save(QDir(dir).filePath(QLatin1String(name)));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_settings = std::make_unique<Settings::AppSettings>(path("settings.ini"));
        m_settings->setLibraryFolder(path("library"));
        m_settings->setValue(QStringLiteral("library/custom"), true);
        m_profiles = std::make_unique<Settings::ProfileRegistry>(path("profiles.json"));
        m_keys = std::make_unique<Secrets::KeyStore>(QStringLiteral("jobscope-test-mainwindow"));
        m_redactor = std::make_unique<Core::Redactor>();
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_tracker = std::make_unique<Tracker::JobTracker>();
        m_history = std::make_unique<Store::JobHistory>(path("history.sqlite"));
        m_traffic = std::make_unique<Net::TrafficLog>(m_redactor.get());
        m_catalog = std::make_unique<Catalog::TaskCatalog>();
        m_presets = std::make_unique<Catalog::TaskPresets>(path("presets.json"));
        m_sandbox = std::make_unique<Sandbox::EmbeddedSandbox>(path("sandbox"));
        m_resolver = std::make_unique<Session::KeyResolver>(m_keys.get(), m_redactor.get());
        connect(m_sandbox.get(), &Sandbox::EmbeddedSandbox::ready, m_resolver.get(),
            &Session::KeyResolver::setSandboxInfo);
        m_session = std::make_unique<Session::JobSession>(
            m_nam.get(), m_tracker.get(), m_history.get(), m_resolver->lookup());
        m_session->context()->setTrafficLog(m_traffic.get());
        Ui::MainWindow::Services s;
        s.nam = m_nam.get();
        s.tracker = m_tracker.get();
        s.history = m_history.get();
        s.session = m_session.get();
        s.traffic = m_traffic.get();
        s.redactor = m_redactor.get();
        s.settings = m_settings.get();
        s.profiles = m_profiles.get();
        s.keys = m_keys.get();
        s.catalog = m_catalog.get();
        s.presets = m_presets.get();
        s.sandbox = m_sandbox.get();
        m_window = std::make_unique<Ui::MainWindow>(s);
        QSignalSpy ready(m_window.get(), &Ui::MainWindow::profilesReady);
        m_window->resize(1400, 860);
        m_window->show();
        QApplication::setActiveWindow(m_window.get()); // no window manager under Xvfb / offscreen
        if (!QTest::qWaitForWindowActive(m_window.get(), 2000))
            qInfo("the window is not active (no window manager); shortcuts may not reach it");
        m_window->startUp();
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
    }

    // First run: one sandbox profile per dialect, saved without keys, named in the sidebar.
    void firstRunCreatesSandboxProfiles()
    {
        QCOMPARE(m_session->profiles().size(), 5);
        m_profiles->load();
        QCOMPARE(m_profiles->profiles().size(), 5);
        for (const auto &p : m_profiles->profiles())
            QVERIFY(p.sandbox);
        QVERIFY(m_window->sidebar()->topLevelItem(0)->childCount() >= 6); // "All profiles" + 5
    }

    // Ctrl+N opens the form; what it submits runs to succeeded and its file lands in the library.
    void submitThroughTheForm()
    {
        bool sawDialog = false;
        QString blocked;
        QTimer::singleShot(300, this, [&] {
            auto *dialog = qobject_cast<Ui::SubmitDialog *>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            sawDialog = true;
            dialog->preset(QStringLiteral("Sandbox · Peako"), QStringLiteral("api/render"),
                QJsonObject { { QStringLiteral("template"), QStringLiteral("promo") },
                    { QStringLiteral("duration_s"), 1 },
                    { QStringLiteral("sandbox"),
                        QJsonObject { { QStringLiteral("duration_ms"), 1500 } } } });
            blocked = dialog->blockedReason();
            dialog->submit();
            if (dialog->isVisible())
                dialog->reject();
        });
        QTest::keySequence(m_window.get(), QKeySequence::New);
        QTRY_VERIFY(sawDialog);
        QVERIFY2(blocked.isEmpty(), qPrintable(blocked));
        QTRY_COMPARE_WITH_TIMEOUT(jobsOf(QStringLiteral("Sandbox · Peako")).size(), 1, 10000);
        const QString id = jobsOf(QStringLiteral("Sandbox · Peako")).first();
        QTRY_VERIFY_WITH_TIMEOUT(stateOf(id) == Core::JobState::Succeeded, 30000);
        auto fileIn = [&] {
            QDirIterator it(path("library"), { QStringLiteral("*.avi") }, QDir::Files,
                QDirIterator::Subdirectories);
            return it.hasNext() ? it.next() : QString();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!fileIn().isEmpty(), 30000);
        QVERIFY(fileIn().contains(id));
        QVERIFY(QFileInfo(fileIn()).size() > 1000);
        // The window title counted it while it ran; the Succeeded view holds it now.
        m_window->proxy()->setView(Ui::JobListProxyModel::View::Succeeded);
        QTRY_VERIFY(m_window->proxy()->rowCount() >= 1);
        m_window->proxy()->setView(Ui::JobListProxyModel::View::All);
    }

    // Delete on a queued job asks first, names the job, and cancels it.
    void cancelQueuedJob()
    {
        const QString profile = QStringLiteral("Sandbox · Peako");
        const int before = int(jobsOf(profile).size());
        m_window->submitJobs(profile, QStringLiteral("api/render"),
            QJsonObject { { QStringLiteral("template"), QStringLiteral("countdown") },
                { QStringLiteral("sandbox"),
                    QJsonObject { { QStringLiteral("hold"), QStringLiteral("queued") } } } },
            1);
        QTRY_COMPARE_WITH_TIMEOUT(int(jobsOf(profile).size()), before + 1, 10000);
        QString id;
        for (const QString &j : jobsOf(profile)) {
            if (stateOf(j) != Core::JobState::Succeeded)
                id = j;
        }
        QTRY_VERIFY(m_window->model()->rowOf(id) >= 0);
        select(id);
        QString asked;
        acceptNextMessageBox(&asked);
        m_window->jobList()->cancelAction()->trigger();
        QVERIFY2(asked.contains(id.left(8)), qPrintable(asked)); // the confirmation names the job
        QTRY_VERIFY_WITH_TIMEOUT(stateOf(id) == Core::JobState::Cancelled, 15000);
        QCOMPARE(m_tracker->job(id)->rawStatus, QStringLiteral("cancelled"));
    }

    // A Peel build that asks for input shows the prompt in its tab; answering it completes the
    // build.
    void answerNeedsInput()
    {
        const QString profile = QStringLiteral("Sandbox · Peel builds");
        QSignalSpy needs(m_session.get(), &Session::JobSession::needsInput);
        m_window->submitJobs(profile, QStringLiteral("v1/apis"),
            QJsonObject { { QStringLiteral("url"), QStringLiteral("https://example.com/jobs") },
                { QStringLiteral("instructions"),
                    QStringLiteral("List jobs with title and company") },
                { QStringLiteral("sandbox"),
                    QJsonObject { { QStringLiteral("needs_input"), true },
                        { QStringLiteral("duration_ms"), 800 } } } },
            1);
        QTRY_COMPARE_WITH_TIMEOUT(jobsOf(profile).size(), 1, 10000);
        const QString id = jobsOf(profile).first();
        QTRY_VERIFY_WITH_TIMEOUT(stateOf(id) == Core::JobState::NeedsInput, 20000);
        QVERIFY(needs.count() >= 1);
        select(id);
        QTabWidget *tabs = m_window->detail()->tabs();
        const int peelTab = tabs->indexOf(m_window->peelView());
        QVERIFY(tabs->isTabVisible(peelTab));
        tabs->setCurrentIndex(peelTab);
        QTRY_COMPARE(m_window->peelView()->apiId(), id);
        m_window->peelView()->respondWith(
            QJsonObject { { QStringLiteral("region"), QStringLiteral("eu") } });
        QTRY_VERIFY_WITH_TIMEOUT(stateOf(id) == Core::JobState::Succeeded, 30000);
        // Revising the completed API starts it again: the app follows it to completed anew.
        const int timelineBefore = int(m_tracker->job(id)->timeline.size());
        m_window->peelView()->revise(QStringLiteral("Also list the salary"));
        QTRY_VERIFY_WITH_TIMEOUT(stateOf(id) != Core::JobState::Succeeded, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(stateOf(id) == Core::JobState::Succeeded, 30000);
        QVERIFY(m_tracker->job(id)->timeline.size() > timelineBefore + 1);
    }

    // The QA stepper walks a held ImagePipeline job through queued → pending → processing →
    // completed, each state arriving in the app's own view of the job.
    void stepThroughEveryState()
    {
        const QString profile = QStringLiteral("Sandbox · ImagePipeline");
        m_window->submitJobs(profile, QStringLiteral("generate/image/v1"),
            QJsonObject { { QStringLiteral("prompt"), QStringLiteral("a lighthouse") },
                { QStringLiteral("width"), 64 }, { QStringLiteral("height"), 64 },
                { QStringLiteral("sandbox"),
                    QJsonObject { { QStringLiteral("hold"), QStringLiteral("queued") } } } },
            1);
        QTRY_COMPARE_WITH_TIMEOUT(jobsOf(profile).size(), 1, 10000);
        const QString id = jobsOf(profile).first();
        QTRY_VERIFY(m_window->model()->rowOf(id) >= 0);
        select(id);
        Ui::LifecycleStepper *stepper = m_window->detail()->stepper();
        QTabWidget *tabs = m_window->detail()->tabs();
        QVERIFY(tabs->isTabVisible(tabs->indexOf(stepper)));
        tabs->setCurrentIndex(tabs->indexOf(stepper));
        QTRY_VERIFY_WITH_TIMEOUT(!stepper->phase().isEmpty(), 10000);
        QStringList seen { stepper->phase() };
        for (int step = 0; step < 6 && stepper->phase() != QLatin1String("succeeded"); ++step) {
            // The first legal next state that is not a failure or cancel.
            QPushButton *next = nullptr;
            for (const QString &phase : { QStringLiteral("pending"), QStringLiteral("running"),
                     QStringLiteral("succeeded") }) {
                QPushButton *b = stepper->advanceButton(phase);
                if (b && b->isVisible() && b->isEnabled() && !seen.contains(phase)) {
                    next = b;
                    break;
                }
            }
            QVERIFY2(
                next, qPrintable(QStringLiteral("no next state after %1").arg(stepper->phase())));
            const QString before = stepper->phase();
            next->click();
            QTRY_VERIFY_WITH_TIMEOUT(stepper->phase() != before, 15000);
            seen << stepper->phase();
        }
        QCOMPARE(seen.last(), QStringLiteral("succeeded"));
        QVERIFY(seen.contains(QStringLiteral("pending")));
        // The app's own tracker learns it over the dialect's channel (polling).
        QTRY_VERIFY_WITH_TIMEOUT(stateOf(id) == Core::JobState::Succeeded, 40000);
        QStringList raws;
        for (const auto &e : m_tracker->job(id)->timeline)
            raws << e.rawStatus;
        QVERIFY2(
            raws.contains(QStringLiteral("completed")), qPrintable(raws.join(QLatin1Char(','))));
    }

    // Search narrows the list by id and prompt; saved views filter by state.
    void searchAndFilter()
    {
        const int all = m_window->proxy()->rowCount();
        QVERIFY(all >= 4);
        const QString cancelled = [&] {
            for (const QString &id : m_tracker->ids()) {
                if (stateOf(id) == Core::JobState::Cancelled)
                    return id;
            }
            return QString();
        }();
        QVERIFY(!cancelled.isEmpty());
        QApplication::setActiveWindow(m_window.get());
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        QTest::keySequence(m_window.get(), QKeySequence::Find); // Ctrl+F
        QTRY_VERIFY(m_window->searchBox()->hasFocus());
        QTest::keyClicks(m_window->searchBox(), cancelled.left(13));
        QTRY_COMPARE(m_window->proxy()->rowCount(), 1);
        m_window->searchBox()->clear();
        QTest::keyClicks(m_window->searchBox(), QStringLiteral("lighthouse"));
        QTRY_COMPARE(m_window->proxy()->rowCount(), 1);
        m_window->searchBox()->clear();
        QTRY_COMPARE(m_window->proxy()->rowCount(), all);
        m_window->proxy()->setView(Ui::JobListProxyModel::View::Cancelled);
        QCOMPARE(m_window->proxy()->rowCount(), 1);
        m_window->proxy()->setView(Ui::JobListProxyModel::View::Failed);
        QCOMPARE(m_window->proxy()->rowCount(), 0);
        m_window->proxy()->setView(Ui::JobListProxyModel::View::All);
        QCOMPARE(m_window->proxy()->rowCount(), all);
    }

    // Under Xvfb with JOBSCOPE_SCREENSHOT_DIR set: the three screenshots of the docs.
    void screenshots()
    {
        if (qEnvironmentVariableIsEmpty("JOBSCOPE_SCREENSHOT_DIR"))
            QSKIP("JOBSCOPE_SCREENSHOT_DIR not set");
        const QList<QPair<QString, QJsonObject>> live {
            { QStringLiteral("Sandbox · deAPI"),
                QJsonObject {
                    { QStringLiteral("prompt"), QStringLiteral("snowy mountains at sunrise") },
                    { QStringLiteral("width"), 512 }, { QStringLiteral("height"), 384 },
                    { QStringLiteral("sandbox"),
                        QJsonObject { { QStringLiteral("duration_ms"), 30000 } } } } },
            { QStringLiteral("Sandbox · PeelAPI"),
                QJsonObject { { QStringLiteral("prompt"),
                                  QStringLiteral("portrait of a sailor, oil painting") },
                    { QStringLiteral("width"), 256 }, { QStringLiteral("height"), 256 },
                    { QStringLiteral("sandbox"),
                        QJsonObject { { QStringLiteral("duration_ms"), 40000 } } } } },
        };
        const int before = m_tracker->size();
        m_window->submitJobs(
            live[0].first, QStringLiteral("api/v1/client/txt2img"), live[0].second, 6);
        m_window->submitJobs(live[1].first, QStringLiteral("v1/portrait"), live[1].second, 5);
        m_window->submitJobs(QStringLiteral("Sandbox · ImagePipeline"),
            QStringLiteral("generate/image/v1"),
            QJsonObject { { QStringLiteral("prompt"), QStringLiteral("a red fox in the snow") },
                { QStringLiteral("width"), 256 }, { QStringLiteral("height"), 256 },
                { QStringLiteral("sandbox"),
                    QJsonObject { { QStringLiteral("fail"), QStringLiteral("OUT_OF_MEMORY") },
                        { QStringLiteral("duration_ms"), 4000 } } } },
            2);
        QTRY_VERIFY_WITH_TIMEOUT(m_tracker->size() >= before + 13, 15000);
        QTest::qWait(9000);
        // The main window with live jobs, a running PeelAPI job's logs below.
        QString peelapi;
        for (const QString &id : jobsOf(QStringLiteral("Sandbox · PeelAPI"))) {
            if (!m_tracker->job(id)->logs.isEmpty() && !m_tracker->job(id)->isTerminal())
                peelapi = id;
        }
        QVERIFY(!peelapi.isEmpty());
        select(peelapi);
        QTabWidget *tabs = m_window->detail()->tabs();
        auto showTab = [tabs](const char *title) {
            for (int i = 0; i < tabs->count(); ++i) {
                if (tabs->tabText(i).contains(QLatin1String(title)))
                    tabs->setCurrentIndex(i);
            }
        };
        showTab("Logs");
        screenshot("main-window.png");
        // A running deAPI job's live preview.
        QString deapi;
        for (const QString &id : jobsOf(QStringLiteral("Sandbox · deAPI"))) {
            if (!m_tracker->job(id)->preview.isEmpty() && !m_tracker->job(id)->isTerminal())
                deapi = id;
        }
        QVERIFY(!deapi.isEmpty());
        select(deapi);
        showTab("Results");
        screenshot("job-detail-preview.png");
        // A failed ImagePipeline job's overview: reason code, retryability, support id.
        for (const QString &id : jobsOf(QStringLiteral("Sandbox · ImagePipeline"))) {
            if (stateOf(id) == Core::JobState::Failed) {
                select(id);
                break;
            }
        }
        showTab("Overview");
        screenshot("job-detail-failure.png");
        select(peelapi);
        tabs->setCurrentIndex(tabs->indexOf(m_window->detail()->stepper()));
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->detail()->stepper()->phase().isEmpty(), 10000);
        screenshot("lifecycle-stepper.png");
    }

    // Nothing the app wrote (settings, profiles, history and its WAL, exports, presets, the
    // library) holds a key; the embedded sandbox's own data folder is the server's, not ours.
    void noKeyInAnythingWritten()
    {
        bool exported = false;
        QObject::connect(m_history->exportTo(path("export.json"), false, *m_redactor),
            &Core::Operation::result, [&](Core::Operation *op) { exported = !op->failed(); });
        QTRY_VERIFY(exported);
        exported = false;
        QObject::connect(m_history->exportTo(path("export.csv"), true, *m_redactor),
            &Core::Operation::result, [&](Core::Operation *op) { exported = !op->failed(); });
        QTRY_VERIFY(exported);
        m_history->flush();
        m_settings->sync();
        const QJsonObject dialects = m_sandbox->info().value(QStringLiteral("dialects")).toObject();
        QList<QByteArray> keys;
        for (const QString &d : dialects.keys())
            keys << dialects.value(d)
                        .toObject()
                        .value(QStringLiteral("api_key"))
                        .toString()
                        .toUtf8();
        QCOMPARE(keys.size(), 5);
        int scanned = 0;
        QDirIterator it(m_dir.path(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            if (file.startsWith(path("sandbox")))
                continue;
            QFile f(file);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            ++scanned;
            for (const QByteArray &k : std::as_const(keys))
                QVERIFY2(!bytes.contains(k), qPrintable(QStringLiteral("a key in %1").arg(file)));
        }
        QVERIFY(scanned >= 6);
        // The traffic view's copy-as-curl never carries it either.
        for (const QString &id : m_tracker->ids()) {
            for (const auto &e : m_traffic->entries(id)) {
                const QString curl = m_traffic->curlFor(e.seq);
                for (const QByteArray &k : std::as_const(keys))
                    QVERIFY(!curl.toUtf8().contains(k));
            }
        }
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_session.reset();
        m_history.reset();
        m_sandbox.reset();
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
