#include "mainwindow/mainwindow.h"

#include "catalog/taskcatalog.h"
#include "common/icons.h"
#include "core/redactor.h"
#include "detail/jobdetailview.h"
#include "downloads/filenames.h"
#include "follow/followcontext.h"
#include "joblist/cancelconfirmation.h"
#include "joblist/joblistmodel.h"
#include "joblist/joblistproxymodel.h"
#include "joblist/joblistview.h"
#include "mainwindow/sidebar.h"
#include "peel/peelbuildview.h"
#include "sandbox/embeddedsandbox.h"
#include "session/joboperation.h"
#include "session/jobsession.h"
#include "settings/appsettings.h"
#include "settings/profileregistry.h"
#include "store/jobhistory.h"
#include "submit/submitdialog.h"
#include "tracker/jobtracker.h"
#include "traffic/trafficview.h"

#ifdef JOBSCOPE_HAS_UIPROFILES
#include "profiles/profilesdialog.h"
#endif
#ifdef JOBSCOPE_HAS_UISETTINGS
#include "settings/settingsdialog.h"
#endif
#ifdef JOBSCOPE_HAS_UIWEBHOOKS
#include "webhooks/webhookinboxpanel.h"
#endif

#include <QApplication>
#include <QCloseEvent>
#include <QDate>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QMessageBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <utility>

namespace Ui {

namespace {
QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

QString sandboxProfileName(Core::Dialect d)
{
    static const char *names[] = { "Sandbox · PeelAPI", "Sandbox · ImagePipeline",
        "Sandbox · Peel builds", "Sandbox · Peako", "Sandbox · deAPI" };
    return QString::fromUtf8(names[int(d)]);
}
} // namespace

MainWindow::MainWindow(Services services, QWidget *parent)
    : QMainWindow(parent)
    , m_s(services)
{
    setWindowTitle(tr("Jobscope"));
    setWindowIcon(Icons::action("sandbox"));

    m_model = new JobListModel(m_s.tracker, this);
    m_proxy = new JobListProxyModel(this);
    m_proxy->setSourceModel(m_model);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_banner = new QLabel(central);
    m_banner->setWordWrap(true);
    m_banner->setTextFormat(Qt::RichText);
    m_banner->setContentsMargins(12, 8, 12, 8);
    m_banner->setStyleSheet(QStringLiteral(
        "QLabel { background: palette(alternate-base); border-bottom: 1px solid palette(mid); }"));
    m_banner->hide();
    layout->addWidget(m_banner);

    m_outer = new QSplitter(Qt::Horizontal, central);
    m_sidebar = new Sidebar(m_outer);
    m_split = new QSplitter(Qt::Vertical, m_outer);
    m_list = new JobListView(m_split);
    m_list->setModel(m_proxy);
    m_detail = new JobDetailView(m_s.tracker, m_s.nam, m_split);
    m_detail->setRedactor(m_s.redactor);
    m_traffic = new TrafficView(m_s.traffic);
    m_detail->addTab(m_traffic, tr("Traffic"));
    m_peel = new PeelBuildView(m_s.nam);
    m_peelTab = m_detail->addTab(m_peel, tr("API build"));
    m_detail->tabs()->setTabVisible(m_peelTab, false);
    m_split->addWidget(m_list);
    m_split->addWidget(m_detail);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    m_split->setSizes({ 470, 330 });
    m_list->sortByColumn(JobListModel::Created, Qt::DescendingOrder); // newest first
    m_outer->addWidget(m_sidebar);
    m_outer->addWidget(m_split);
    m_outer->setStretchFactor(1, 1);
    m_outer->setSizes({ 270, 1000 });
    layout->addWidget(m_outer, 1);
    setCentralWidget(central);

    buildActions();

    connect(m_sidebar, &Sidebar::profileSelected, m_proxy, &JobListProxyModel::setProfileFilter);
    connect(m_sidebar, &Sidebar::viewSelected, m_proxy, &JobListProxyModel::setView);
    connect(m_proxy, &JobListProxyModel::countsChanged, this, [this] {
        m_sidebar->setCounts(m_proxy->counts());
        updateTitle();
    });
    connect(m_list, &JobListView::currentJobChanged, this, &MainWindow::showJob);
    connect(m_list, &JobListView::cancelRequested, this, &MainWindow::cancelJobs);
    connect(m_list, &JobListView::downloadRequested, this, [this](const QStringList &ids) {
        int n = 0;
        for (const QString &id : ids)
            n += m_s.session->download(id) ? 1 : 0;
        statusBar()->showMessage(tr("Downloading the results of %n job(s)", nullptr, n), 4000);
    });
    connect(m_list, &JobListView::resubmitRequested, this, [this](const QStringList &ids) {
        if (const Tracker::TrackedJob *job
            = ids.isEmpty() ? nullptr : m_s.tracker->job(ids.first()))
            showSubmit(job->profile, job->task, job->input);
    });
    connect(m_detail, &JobDetailView::downloadRequested, this,
        [this](const QString &id) { m_s.session->download(id); });

    // The session's news: status bar, notifications, files for the detail view and thumbnails.
    // Jobs that finish within a second of each other make one notification, not one each (2,000
    // live jobs must not flood the desktop).
    m_notifyTimer.setSingleShot(true);
    m_notifyTimer.setInterval(1000);
    connect(&m_notifyTimer, &QTimer::timeout, this, [this] {
        const auto finished = std::exchange(m_finished, {});
        if (finished.size() == 1) {
            const Tracker::TrackedJob *job = m_s.tracker->job(finished.first().first);
            notify(tr("Job %1").arg(Core::stateName(finished.first().second)),
                QStringLiteral("%1 · %2").arg(
                    job ? job->task : QString(), finished.first().first.left(12)));
        } else if (!finished.isEmpty()) {
            QMap<QString, int> byState;
            for (const auto &f : finished)
                ++byState[Core::stateName(f.second)];
            QStringList parts;
            for (auto it = byState.cbegin(); it != byState.cend(); ++it)
                parts << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
            notify(tr("%n jobs finished", nullptr, int(finished.size())),
                parts.join(QStringLiteral(", ")));
        }
    });
    connect(m_s.session, &Session::JobSession::settled, this,
        [this](const QString &id, Core::JobState state) {
            m_finished.append({ id, state });
            if (!m_notifyTimer.isActive())
                m_notifyTimer.start();
            updateTitle();
        });
    connect(m_s.session, &Session::JobSession::needsInput, this, [this](const QString &id) {
        notify(tr("A job needs input"), id);
        updateTitle();
    });
    connect(m_s.session, &Session::JobSession::submitFailed, this,
        [this](const QString &profile, const QString &task, const Core::JobError &e) {
            QMessageBox::warning(this, tr("Submit refused"),
                tr("%1 refused %2: %3").arg(profile, task, redacted(e.message)));
        });
    connect(m_s.session, &Session::JobSession::submitted, this, [this](const QString &id) {
        statusBar()->showMessage(tr("Submitted %1").arg(id), 3000);
        updateTitle();
    });
    connect(m_s.session->downloads(), &Downloads::DownloadQueue::fileChanged, this,
        [this](const Downloads::DownloadQueue::File &f) {
            using S = Downloads::DownloadQueue::File::State;
            if (f.state == S::Running && f.total > 0)
                statusBar()->showMessage(tr("Downloading %1: %2 of %3 KiB")
                                             .arg(f.name)
                                             .arg(f.bytes / 1024)
                                             .arg(f.total / 1024),
                    2000);
            if (f.state == S::Failed)
                statusBar()->showMessage(
                    tr("Download of %1 failed: %2 (the job keeps its remote URL)")
                        .arg(f.name, redacted(f.error)),
                    8000);
            if (f.state != S::Done)
                return;
            const Tracker::TrackedJob *job = m_s.tracker->job(f.jobId);
            ResultFile rf;
            rf.name = f.name;
            rf.path = f.path;
            rf.bytes = f.bytes;
            if (job) {
                for (const Core::Output &o : job->outputs) {
                    if (o.name == f.name) {
                        rf.url = o.url;
                        rf.variant = o.variant;
                        rf.mimeType = o.mimeType;
                    }
                }
            }
            m_files[f.jobId].append(rf);
            m_detail->setLocalFiles(f.jobId, m_files.value(f.jobId));
            if (f.path.endsWith(QLatin1String(".png")) || f.path.endsWith(QLatin1String(".jpg"))
                || f.path.endsWith(QLatin1String(".webp")))
                m_model->setThumbnailFile(f.jobId, f.path);
        });
    connect(
        m_s.session, &Session::JobSession::notice, this, [this](const QString &, const QString &m) {
            // Notices carry server text (an error body can echo the key): redacted before shown.
            statusBar()->showMessage(redacted(m), 5000);
        });
    connect(m_s.history, &Store::JobHistory::writeFailed, this, [this](const QString &m) {
        statusBar()->showMessage(tr("The history could not be written: %1").arg(m), 10000);
    });
    // The API-build tab follows its job as it changes (needs_input, completed), once per batch.
    connect(m_s.tracker, &Tracker::JobTracker::batchReady, this, [this](const QStringList &ids) {
        const QString id = m_detail->jobId();
        const Tracker::TrackedJob *job
            = id.isEmpty() || !ids.contains(id) ? nullptr : m_s.tracker->job(id);
        if (job && job->dialect == Core::Dialect::Peel) {
            if (const auto p = m_s.session->profile(job->profile))
                m_peel->setJob(*p, *job);
        }
    });
    // A build action's answer (a revise or rebuild starts a finished build again) goes to the
    // session, which merges it and follows the job anew.
    connect(m_peel, &PeelBuildView::recordReceived, m_s.session, &Session::JobSession::applyRecord);

    m_s.session->setFolderFor(
        [this](const Store::StoredJob &job) { return folderFor(job.job.id); });
    if (m_s.settings) {
        m_s.session->setAutoDownload(m_s.settings->autoDownload());
        m_s.session->downloads()->setParallel(m_s.settings->parallelDownloads());
        applyPollLimits();
        restoreGeometry(m_s.settings->value(QStringLiteral("window/geometry")).toByteArray());
        restoreState(m_s.settings->value(QStringLiteral("window/state")).toByteArray());
        m_split->restoreState(m_s.settings->value(QStringLiteral("window/split")).toByteArray());
        m_outer->restoreState(m_s.settings->value(QStringLiteral("window/outer")).toByteArray());
        m_list->restoreState(m_s.settings->value(QStringLiteral("window/columns")).toByteArray());
    }
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(Icons::action("sandbox"), this);
        m_tray->show();
    }
    // The sidebar's live-channel health, every 2 s; Peako's worker counts every 30 s while it has
    // jobs in flight (one list call).
    auto *health = new QTimer(this);
    health->setInterval(2000);
    connect(health, &QTimer::timeout, this, [this, tick = 0]() mutable {
        ++tick;
        for (const Core::Profile &p : m_s.session->profiles()) {
            if (p.dialect == Core::Dialect::Peako && tick % 15 == 1
                && !m_s.session->health(p.name).isEmpty())
                m_s.session->refreshWorkers(p.name);
            m_sidebar->setProfileHealth(p.name, m_s.session->health(p.name));
        }
    });
    health->start();
    m_sidebar->setCounts(m_proxy->counts());
    statusBar()->showMessage(tr("Ready"));
    resize(1440, 860);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions()
{
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolbar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setMovable(false);
    auto add = [&](const char *icon, const QString &text, const QKeySequence &key, auto slot) {
        QAction *a = bar->addAction(Icons::action(icon), text);
        a->setShortcut(key);
        a->setToolTip(key.isEmpty()
                ? text
                : QStringLiteral("%1 (%2)").arg(text, key.toString(QKeySequence::NativeText)));
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    add("submit", tr("Submit…"), QKeySequence::New, [this] { showSubmit(); });
    bar->addAction(m_list->cancelAction());
    bar->addAction(m_list->downloadAction());
    bar->addAction(m_list->resubmitAction());
    add("refresh", tr("Refresh"), QKeySequence(Qt::Key_F5), [this] {
        for (const QString &id : m_list->selectedJobIds())
            m_s.session->read(id);
    });
    bar->addSeparator();
#ifdef JOBSCOPE_HAS_UIPROFILES
    add("profiles", tr("Profiles…"), QKeySequence(Qt::CTRL | Qt::Key_P), [this] {
        ProfilesDialog dialog(m_s.profiles, m_s.keys, m_s.nam, this);
        connect(&dialog, &ProfilesDialog::profilesChanged, this, [this] { registerProfiles(); });
        dialog.exec();
    });
#endif
#ifdef JOBSCOPE_HAS_UISETTINGS
    add("settings", tr("Settings…"), QKeySequence::Preferences, [this] {
        SettingsDialog dialog(m_s.settings, this);
        if (dialog.exec() == QDialog::Accepted) {
            m_s.session->setAutoDownload(m_s.settings->autoDownload());
            m_s.session->downloads()->setParallel(m_s.settings->parallelDownloads());
            applyPollLimits();
        }
    });
#endif
#ifdef JOBSCOPE_HAS_UIWEBHOOKS
    // The inbox panel is built the first time it is asked for (and its inbox starts listening
    // then).
    add("webhook", tr("Webhook inbox"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W), [this] {
        if (!m_webhookDock) {
            m_webhookDock = new QDockWidget(tr("Webhook inbox"), this);
            m_webhookDock->setObjectName(QStringLiteral("webhookInbox"));
            QString error;
            Net::WebhookInbox *inbox = m_s.session->context()->inbox(&error);
            if (!inbox)
                statusBar()->showMessage(
                    tr("The webhook inbox cannot listen: %1").arg(error), 8000);
            m_webhookDock->setWidget(new WebhookInboxPanel(inbox, m_webhookDock));
            addDockWidget(Qt::RightDockWidgetArea, m_webhookDock);
            return;
        }
        m_webhookDock->setVisible(!m_webhookDock->isVisible());
    });
#endif
    add("download", tr("Export history…"), QKeySequence(Qt::CTRL | Qt::Key_E), [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export history"),
            QDir::home().filePath(QStringLiteral("jobscope-history.json")),
            tr("JSON (*.json);;CSV (*.csv)"));
        if (path.isEmpty())
            return;
        statusBar()->showMessage(tr("Exporting…"));
        Store::HistoryOperation *op = m_s.history->exportTo(
            path, path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive), *m_s.redactor);
        connect(op, &Core::Operation::result, this, [this, path](Core::Operation *op) {
            statusBar()->showMessage(op->failed() ? tr("Export failed: %1").arg(op->errorString())
                                                  : tr("History exported to %1").arg(path),
                8000);
        });
    });
    QWidget *spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    m_search = new QLineEdit(bar);
    m_search->setPlaceholderText(tr("Search jobs  (Ctrl+F)"));
    m_search->setToolTip(tr("Search over id, task, prompt, error and log text"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(200);
    m_search->setMaximumWidth(360);
    bar->addWidget(m_search);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &JobListProxyModel::setSearchText);
    auto *find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        m_search->setFocus();
        m_search->selectAll();
    });
    addAction(find);
}

QString MainWindow::redacted(const QString &text) const
{
    return m_s.redactor ? m_s.redactor->redact(text) : text;
}

QString MainWindow::folderFor(const QString &jobId) const
{
    const Tracker::TrackedJob *job = m_s.tracker->job(jobId);
    QString root = m_s.settings ? m_s.settings->libraryFolder() : QString();
    if (root.isEmpty() || !m_s.settings
        || !m_s.settings->value(QStringLiteral("library/custom")).toBool()) {
        // By type: pictures, videos, documents — each under a "Jobscope" folder.
        QStandardPaths::StandardLocation where = QStandardPaths::PicturesLocation;
        if (job && !job->outputs.isEmpty()) {
            const QString mime = job->outputs.first().mimeType;
            const QString name = job->outputs.first().name;
            if (mime.startsWith(QLatin1String("video/")) || name.endsWith(QLatin1String(".avi"))
                || name.endsWith(QLatin1String(".mp4")))
                where = QStandardPaths::MoviesLocation;
            else if (!mime.startsWith(QLatin1String("image/"))
                && !name.endsWith(QLatin1String(".png")))
                where = QStandardPaths::DocumentsLocation;
        } else if (job && !job->captions.isEmpty()) {
            where = QStandardPaths::DocumentsLocation;
        }
        QString base = QStandardPaths::writableLocation(where);
        if (base.isEmpty())
            base = QDir::homePath();
        root = base + QStringLiteral("/Jobscope");
    }
    const QString profile = job ? job->profile : QStringLiteral("unknown");
    const QString date = QDateTime::fromMSecsSinceEpoch(
        job && job->createdMs ? job->createdMs : QDateTime::currentMSecsSinceEpoch())
                             .date()
                             .toString(Qt::ISODate);
    // The profile name is the user's, but it may come from an imported file: one safe segment.
    return QStringLiteral("%1/%2/%3").arg(root, Downloads::FileNames::segment(profile), date);
}

void MainWindow::startUp(int historyLimit)
{
    if (m_s.profiles)
        m_s.profiles->load();
    registerProfiles();
    bool wantSandbox = m_s.sandbox && (!m_s.profiles || m_s.profiles->profiles().isEmpty());
    if (m_s.profiles) {
        for (const auto &p : m_s.profiles->profiles())
            wantSandbox = wantSandbox || (p.sandbox && m_s.sandbox);
    }
    if (wantSandbox) {
        statusBar()->showMessage(tr("Starting the embedded sandbox…"));
        connect(m_s.sandbox, &Sandbox::EmbeddedSandbox::ready, this,
            [this](const QJsonObject &info) { addSandboxProfiles(info); });
        connect(m_s.sandbox, &Sandbox::EmbeddedSandbox::failed, this, [this](const QString &m) {
            statusBar()->showMessage(tr("The embedded sandbox could not start: %1").arg(m));
        });
        m_s.sandbox->start();
    } else {
        Q_EMIT profilesReady();
    }
    Store::HistoryOperation *open = m_s.history->open();
    connect(open, &Core::Operation::result, this, [this, historyLimit](Core::Operation *op) {
        if (op->failed()) {
            statusBar()->showMessage(
                tr("The history could not be opened: %1").arg(op->errorString()));
            return;
        }
        Session::JobOperation *load = m_s.session->loadHistory(historyLimit);
        connect(load, &Core::Operation::result, this, [this, load] {
            const int n = load->count();
            if (n)
                statusBar()->showMessage(tr("%n job(s) from the history", nullptr, n), 3000);
            m_s.tracker->flushBatch(); // the list takes the restored jobs in one insert, now
            Q_EMIT historyLoaded(n);
        });
    });
}

void MainWindow::registerProfiles()
{
    QStringList names;
    if (m_s.profiles) {
        for (const auto &entry : m_s.profiles->profiles()) {
            if (entry.sandbox) {
                names << entry.profile.name;
                continue; // registered when the embedded sandbox is up (fresh keys and port)
            }
            m_s.session->addProfile(entry.profile);
            names << entry.profile.name;
        }
    }
    for (const QString &n : m_sandboxProfiles.keys()) {
        if (!names.contains(n))
            names << n;
    }
    m_sidebar->setProfiles(names);
}

void MainWindow::addSandboxProfiles(const QJsonObject &info)
{
    m_sandboxInfo = info;
    const QJsonObject dialects = info.value(k("dialects")).toObject();
    for (const QString &name : Core::dialectNames()) {
        const auto d = Core::dialectFromName(name);
        const QJsonObject o = dialects.value(name).toObject();
        if (!d || o.isEmpty())
            continue;
        Core::Profile p = Core::Profile::defaultsFor(*d);
        p.name = sandboxProfileName(*d);
        p.baseUrl = QUrl(o.value(k("base_url")).toString());
        p.keyRef = QStringLiteral("sandbox:") + name;
        if (*d == Core::Dialect::DeApi) {
            p.wsUrl = QUrl(o.value(k("ws_url")).toString());
            p.pusherKey = o.value(k("pusher_key")).toString();
            p.clientId = o.value(k("client_id")).toString();
            p.authUrl = QUrl(o.value(k("auth_url")).toString());
        }
        if (o.contains(k("webhook_secret")))
            p.webhookSecretRef = QStringLiteral("sandbox-webhook:") + name;
        m_sandboxProfiles.insert(p.name, name);
        if (m_s.profiles && !m_s.profiles->profile(p.name)) {
            Settings::ProfileEntry entry;
            entry.profile = p;
            entry.sandbox = true;
            m_s.profiles->upsert(entry);
        }
        m_s.session->addProfile(p);
    }
    if (m_s.profiles)
        m_s.profiles->save();
    registerProfiles();
    m_banner->setText(tr(
        "<b>Sandbox profiles.</b> These five profiles talk to the sandbox built into Jobscope "
        "(%1), "
        "which speaks each service's API and can be stepped through every state in a job's "
        "<i>Lifecycle</i> tab. Press <b>Ctrl+N</b> to submit a first job; add a real service with "
        "<b>Profiles…</b> (Ctrl+P).")
                          .arg(info.value(k("listen")).toString()));
    m_banner->show();
    statusBar()->showMessage(
        tr("Sandbox ready on %1").arg(info.value(k("listen")).toString()), 5000);
    m_s.session->resumeUnfinished();
    Q_EMIT profilesReady();
}

QUrl MainWindow::sandboxControlFor(const QString &profile) const
{
    if (!m_sandboxProfiles.contains(profile))
        return {};
    return QUrl(m_sandboxInfo.value(k("control_url")).toString());
}

void MainWindow::showSubmit(const QString &profile, const QString &task, const QJsonObject &input)
{
    SubmitDialog dialog(*m_s.catalog, m_s.presets, this);
    dialog.setProfiles(m_s.session->profiles());
    if (!profile.isEmpty())
        dialog.preset(profile, task, input);
    else if (m_s.settings)
        dialog.restoreLastChoice(m_s.settings->value(QStringLiteral("submit/profile")).toString(),
            m_s.settings->value(QStringLiteral("submit/task")).toString());
    connect(&dialog, &SubmitDialog::submitRequested, this, [this](const SubmitRequest &r) {
        m_s.session->submit(r.profile, r.task, r.input, r.via, r.count);
        if (m_s.settings) {
            m_s.settings->setValue(QStringLiteral("submit/profile"), r.profile);
            m_s.settings->setValue(QStringLiteral("submit/task"), r.task);
        }
    });
    dialog.exec();
}

void MainWindow::submitJobs(
    const QString &profile, const QString &task, const QJsonObject &input, int count)
{
    m_s.session->submit(profile, task, input, Follow::Via::Auto, count);
}

void MainWindow::cancelJobs(const QStringList &ids)
{
    CancelConfirmation confirm(
        m_s.tracker, ids, [this](const QString &p) { return m_sandboxProfiles.contains(p); });
    const QStringList chosen = confirm.ask(this);
    for (const QString &id : chosen) {
        const Tracker::TrackedJob *job = m_s.tracker->job(id);
        const bool viaSandbox = confirm.routeOf(id) == Core::CancelPolicy::Route::SandboxControl;
        Session::JobOperation *op
            = m_s.session->cancel(id, viaSandbox && job ? sandboxControlFor(job->profile) : QUrl(),
                m_sandboxInfo.value(k("control_token")).toString().toLatin1());
        connect(op, &Core::Operation::result, this, [this, id](Core::Operation *op) {
            statusBar()->showMessage(op->failed()
                    ? tr("Cancel of %1 refused: %2").arg(id, redacted(op->errorString()))
                    : tr("Cancelled %1").arg(id),
                6000);
        });
    }
}

void MainWindow::applyPollLimits()
{
    // The defaults mean "as each document says" (Peel starts at 3 s, deAPI at 2 s); only a limit
    // the user changed overrides them.
    const int first = m_s.settings->pollFirstMs();
    const int max = m_s.settings->pollMaxMs();
    m_s.session->context()->setPollLimits(first == 2000 ? 0 : first, max == 30000 ? 0 : max);
}

void MainWindow::showJob(const QString &id)
{
    m_s.session->loadDetails(id);
    const Tracker::TrackedJob *job = m_s.tracker->job(id);
    m_detail->setSandbox(job ? sandboxControlFor(job->profile) : QUrl(),
        m_sandboxInfo.value(k("control_token")).toString().toLatin1());
    m_detail->setJob(id);
    m_traffic->setJob(id);
    const bool peel = job && job->dialect == Core::Dialect::Peel;
    m_detail->tabs()->setTabVisible(m_peelTab, peel);
    if (peel) {
        if (const auto p = m_s.session->profile(job->profile))
            m_peel->setJob(*p, *job);
    }
}

void MainWindow::notify(const QString &title, const QString &text)
{
    statusBar()->showMessage(redacted(title + QStringLiteral(": ") + text), 6000);
    if (m_tray && (!m_s.settings || m_s.settings->notifications()))
        m_tray->showMessage(redacted(title), redacted(text), QSystemTrayIcon::Information, 5000);
}

void MainWindow::updateTitle()
{
    const int active = m_proxy->count(JobListProxyModel::View::Active);
    setWindowTitle(
        active > 0 ? tr("Jobscope — %n active job(s)", nullptr, active) : tr("Jobscope"));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_s.settings) {
        m_s.settings->setValue(QStringLiteral("window/geometry"), saveGeometry());
        m_s.settings->setValue(QStringLiteral("window/state"), saveState());
        m_s.settings->setValue(QStringLiteral("window/split"), m_split->saveState());
        m_s.settings->setValue(QStringLiteral("window/outer"), m_outer->saveState());
        m_s.settings->setValue(QStringLiteral("window/columns"), m_list->saveState());
        m_s.settings->sync();
    }
    event->accept();
}

} // namespace Ui
