// The job detail view fed by a real JobTracker with synthetic updates: the empty state, the
// overview's values, the timeline and log models (under QAbstractItemModelTester) growing by one
// insert per tracker batch, the log level filter, search, auto-scroll, copy and save.
#include "core/redactor.h"
#include "detail/jobdetailview.h"
#include "detail/joblogmodel.h"
#include "detail/joblogproxymodel.h"
#include "detail/jobtimelinemodel.h"
#include "detail/lifecyclestepper.h"
#include "detail/logstab.h"
#include "detail/overviewtab.h"
#include "detail/timelinetab.h"
#include "tracker/jobtracker.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeView>

using namespace Ui;

namespace {
QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

Core::JobUpdate update(const QString &id)
{
    Core::JobUpdate u;
    u.jobId = id;
    u.channel = Core::Channel::Sse;
    return u;
}

Core::LogLine line(qint64 t, const char *level, const QString &message)
{
    return Core::LogLine { t, QLatin1String(level), message };
}

// Saves a widget's picture when JOBSCOPE_SHOTS_DIR is set (for looking at, not for comparing).
void shoot(QWidget *w, const char *name)
{
    const QString dir = qEnvironmentVariable("JOBSCOPE_SHOTS_DIR");
    if (!dir.isEmpty())
        w->grab().save(dir + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".png"));
}
} // namespace

class TestJobDetailView final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Tracker::JobTracker> m_tracker;

    // A failed ImagePipeline-like job with timings, credits, an error and logs of every level.
    void feedFailedJob(const QString &id)
    {
        Tracker::TrackedJob seed;
        seed.id = id;
        seed.profile = QStringLiteral("sandbox-ip");
        seed.dialect = Core::Dialect::ImagePipeline;
        seed.task = QStringLiteral("generate/image/v1");
        seed.input = QJsonObject { { k("prompt"), QStringLiteral("a lighthouse at dusk") },
            { k("webhook_secret"), QStringLiteral("whsec_topsecret") } };
        m_tracker->track(seed);
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch();
        Core::JobUpdate u = update(id);
        u.state = Core::JobState::Queued;
        u.rawStatus = QStringLiteral("queued");
        u.receivedMs = t0;
        m_tracker->apply(u);
        u = update(id);
        u.state = Core::JobState::Running;
        u.rawStatus = QStringLiteral("processing");
        u.progress = 0.42;
        u.receivedMs = t0 + 1500;
        u.timings = QJsonObject { { k("queue_wait_s"), 1.5 }, { k("inference_s"), 3.25 },
            { k("created_ms"), double(t0) } };
        u.credits = QJsonObject { { k("charged"), true }, { k("amount"), 2 } };
        u.logs = { line(t0 + 100, "debug", QStringLiteral("worker picked")),
            line(t0 + 200, "info", QStringLiteral("Loading model")),
            line(t0 + 300, "warning", QStringLiteral("disk almost full")),
            line(t0 + 400, "info", QStringLiteral("Rendering")) };
        m_tracker->apply(u);
        u = update(id);
        u.state = Core::JobState::Failed;
        u.rawStatus = QStringLiteral("failed");
        u.receivedMs = t0 + 4000;
        u.error.kind = Core::JobError::Kind::Job;
        u.error.providerCode = QStringLiteral("NSFW_CONTENT");
        u.error.message = QStringLiteral("The prompt was flagged by the safety filter");
        u.error.retryable = false;
        u.error.suggestedAction = QStringLiteral("Rephrase the prompt");
        u.error.supportId = QStringLiteral("dbg_0123456789");
        u.logs = { line(
            t0 + 3900, "error", QStringLiteral("Safety filter: disk-free prompt rejected")) };
        m_tracker->apply(u);
    }

private Q_SLOTS:
    void init()
    {
        m_tracker = std::make_unique<Tracker::JobTracker>();
        m_tracker->setBatchInterval(20);
    }
    void cleanup() { m_tracker.reset(); }

    // No job, or an unknown one, shows the empty state; a known one shows the tabs; addTab appends.
    void emptyStateAndTabs()
    {
        JobDetailView view(m_tracker.get());
        QVERIFY(view.isShowingEmptyState());
        view.setJob(QStringLiteral("nope"));
        QVERIFY(view.isShowingEmptyState());
        m_tracker->track(QStringLiteral("j1"), QStringLiteral("p"), Core::Dialect::PeelApi,
            QStringLiteral("portrait"));
        view.setJob(QStringLiteral("j1"));
        QVERIFY(!view.isShowingEmptyState());
        const int before = view.tabs()->count();
        const int index = view.addTab(new QWidget, QStringLiteral("Traffic"));
        QCOMPARE(index, before);
        QCOMPARE(view.tabs()->tabText(index), QStringLiteral("Traffic"));
        // The Lifecycle tab exists but is hidden without a sandbox.
        QVERIFY(!view.tabs()->isTabVisible(view.tabs()->indexOf(view.stepper())));
        view.setSandbox(QUrl(QStringLiteral("http://127.0.0.1:1/_sandbox")));
        QVERIFY(view.tabs()->isTabVisible(view.tabs()->indexOf(view.stepper())));
        view.setSandbox(QUrl());
        QVERIFY(!view.tabs()->isTabVisible(view.tabs()->indexOf(view.stepper())));
        view.setJob(QString());
        QVERIFY(view.isShowingEmptyState());
    }

    // The overview shows states, progress, timings, credits, the error with its reason code,
    // retryability, suggested action and support id, and the input JSON passed through the
    // redactor.
    void overviewValues()
    {
        feedFailedJob(QStringLiteral("job-1"));
        Core::Redactor redactor;
        redactor.addSecret(QStringLiteral("whsec_topsecret"));
        JobDetailView view(m_tracker.get());
        view.setRedactor(&redactor);
        view.resize(900, 700);
        view.setJob(QStringLiteral("job-1"));
        OverviewTab *o = view.overview();
        QCOMPARE(o->value(QStringLiteral("id")), QStringLiteral("job-1"));
        QCOMPARE(o->value(QStringLiteral("profile")), QStringLiteral("sandbox-ip"));
        QCOMPARE(o->value(QStringLiteral("dialect")), QStringLiteral("imagepipeline"));
        QCOMPARE(o->value(QStringLiteral("task")), QStringLiteral("generate/image/v1"));
        QCOMPARE(o->value(QStringLiteral("state")), QStringLiteral("failed"));
        QCOMPARE(o->value(QStringLiteral("raw")), QStringLiteral("failed"));
        QCOMPARE(o->value(QStringLiteral("progress")), QStringLiteral("42.0 %"));
        QCOMPARE(o->value(QStringLiteral("timing:queue_wait_s")), QStringLiteral("1.50 s"));
        QCOMPARE(o->value(QStringLiteral("timing:inference_s")), QStringLiteral("3.25 s"));
        QVERIFY(!o->value(QStringLiteral("timing:created_ms")).isEmpty());
        QVERIFY(!o->value(QStringLiteral("started")).isEmpty());
        QVERIFY(!o->value(QStringLiteral("finished")).isEmpty());
        QCOMPARE(o->value(QStringLiteral("credit:charged")), QStringLiteral("yes"));
        QCOMPARE(o->value(QStringLiteral("credit:amount")), QStringLiteral("2"));
        QCOMPARE(o->value(QStringLiteral("error:kind")), QStringLiteral("job"));
        QCOMPARE(o->value(QStringLiteral("error:code")), QStringLiteral("NSFW_CONTENT"));
        QCOMPARE(o->value(QStringLiteral("error:message")),
            QStringLiteral("The prompt was flagged by the safety filter"));
        QCOMPARE(o->value(QStringLiteral("error:retryable")), QStringLiteral("no"));
        QCOMPARE(o->value(QStringLiteral("error:action")), QStringLiteral("Rephrase the prompt"));
        QCOMPARE(o->value(QStringLiteral("error:support")), QStringLiteral("dbg_0123456789"));
        const QString input = o->findChild<QPlainTextEdit *>()->toPlainText();
        QVERIFY(input.contains(QStringLiteral("a lighthouse at dusk")));
        QVERIFY(!input.contains(QStringLiteral("whsec_topsecret")));
        QVERIFY(input.contains(Core::Redactor::Mask));
        // The copy button copies the whole value.
        auto *field = o->findChild<QWidget *>(QStringLiteral("error:support"));
        QVERIFY(field);
        field->findChild<QToolButton *>()->click();
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("dbg_0123456789"));
        shoot(o, "detail-overview");

        // Another job without an error hides the error rows.
        m_tracker->track(QStringLiteral("job-2"), QStringLiteral("p"), Core::Dialect::PeelApi,
            QStringLiteral("portrait"));
        view.setJob(QStringLiteral("job-2"));
        QVERIFY(o->value(QStringLiteral("error:code")).isEmpty());
        QVERIFY(o->value(QStringLiteral("progress")).isEmpty());
        QCOMPARE(o->value(QStringLiteral("state")), QStringLiteral("unknown"));
    }

    // Many observations between two batches reach the view as one refresh and one row insert per
    // model; observations of other jobs do not refresh it.
    void oneRefreshPerBatch()
    {
        const QString id = QStringLiteral("job-b");
        m_tracker->track(
            id, QStringLiteral("p"), Core::Dialect::PeelApi, QStringLiteral("portrait"));
        m_tracker->track(QStringLiteral("other"), QStringLiteral("p"), Core::Dialect::PeelApi,
            QStringLiteral("portrait"));
        JobDetailView view(m_tracker.get());
        view.setJob(id);
        QAbstractItemModelTester logTester(
            view.logs()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(
            view.logs()->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester timelineTester(
            view.timeline()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTest::qWait(60); // let the batch of track() pass
        const int before = view.refreshCount();
        QSignalSpy logInserts(view.logs()->model(), &QAbstractItemModel::rowsInserted);
        QSignalSpy timelineInserts(view.timeline()->model(), &QAbstractItemModel::rowsInserted);
        QSignalSpy logResets(view.logs()->model(), &QAbstractItemModel::modelReset);

        for (int i = 0; i < 20; ++i) {
            Core::JobUpdate u = update(id);
            u.progress = 0.01 * (i + 1);
            u.logs = { line(1000 + i, "info", QStringLiteral("step %1").arg(i)) };
            if (i == 0) {
                u.state = Core::JobState::Running;
                u.rawStatus = QStringLiteral("processing");
            }
            if (i == 19) {
                u.state = Core::JobState::Succeeded;
                u.rawStatus = QStringLiteral("succeeded");
            }
            m_tracker->apply(u);
        }
        QTRY_COMPARE(view.refreshCount(), before + 1);
        QCOMPARE(logInserts.count(), 1);
        QCOMPARE(logInserts.first().at(1).toInt(), 0);
        QCOMPARE(logInserts.first().at(2).toInt(), 19);
        QCOMPARE(timelineInserts.count(), 1);
        QCOMPARE(view.timeline()->model()->rowCount(), 2);
        QCOMPARE(logResets.count(), 0);
        QCOMPARE(view.overview()->value(QStringLiteral("state")), QStringLiteral("succeeded"));

        Core::JobUpdate u = update(QStringLiteral("other"));
        u.logs = { line(5, "info", QStringLiteral("elsewhere")) };
        m_tracker->apply(u);
        QTest::qWait(80);
        QCOMPARE(view.refreshCount(), before + 1);
    }

    // The timeline table: time, kind, "normalized / raw" state, channel, text; switching jobs
    // resets.
    void timelineModel()
    {
        feedFailedJob(QStringLiteral("job-t"));
        JobTimelineModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.update(m_tracker->job(QStringLiteral("job-t")));
        QCOMPARE(model.rowCount(), 4); // queued, running, failed (state) + the error entry
        QCOMPARE(model.columnCount(), int(JobTimelineModel::ColumnCount));
        QCOMPARE(model.index(1, JobTimelineModel::State).data().toString(),
            QStringLiteral("running / processing"));
        QCOMPARE(
            model.index(1, JobTimelineModel::Channel).data().toString(), QStringLiteral("sse"));
        QCOMPARE(model.index(0, JobTimelineModel::Kind).data().toString(), QStringLiteral("state"));
        int errors = 0;
        for (int r = 0; r < model.rowCount(); ++r)
            errors += model.index(r, JobTimelineModel::Kind).data().toString() == u"error";
        QCOMPARE(errors, 1);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        m_tracker->track(QStringLiteral("job-u"), QStringLiteral("p"), Core::Dialect::Peel,
            QStringLiteral("apis"));
        model.update(m_tracker->job(QStringLiteral("job-u")));
        QCOMPARE(resets.count(), 1);
        QCOMPARE(model.rowCount(), 0);
        model.update(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    // Level filter (warning counts as warn), search, both together; Ctrl+F focuses the search box;
    // Copy takes the selection or every shown line; Save writes the shown lines.
    void logFilterSearchCopySave()
    {
        feedFailedJob(QStringLiteral("job-l"));
        JobDetailView view(m_tracker.get());
        view.resize(900, 500);
        view.setJob(QStringLiteral("job-l"));
        LogsTab *logs = view.logs();
        QAbstractItemModelTester tester(
            logs->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(logs->model()->rowCount(), 5);
        QCOMPARE(logs->proxy()->rowCount(), 5);
        QCOMPARE(
            logs->model()->index(2, JobLogModel::Level).data().toString(), QStringLiteral("warn"));
        QVERIFY(logs->model()
                    ->index(4, JobLogModel::Message)
                    .data(Qt::ForegroundRole)
                    .isValid()); // error coloured
        QVERIFY(!logs->model()
                     ->index(1, JobLogModel::Message)
                     .data(Qt::ForegroundRole)
                     .isValid()); // info plain

        logs->levelButton(QStringLiteral("info"))->click();
        QCOMPARE(logs->proxy()->rowCount(), 3);
        logs->levelButton(QStringLiteral("debug"))->click();
        QCOMPARE(logs->proxy()->rowCount(), 2);
        logs->searchBox()->setText(QStringLiteral("DISK"));
        QCOMPARE(logs->proxy()->rowCount(), 2); // "disk almost full" (warn) and "disk-free" (error)
        logs->levelButton(QStringLiteral("error"))->click();
        QCOMPARE(logs->proxy()->rowCount(), 1);
        QCOMPARE(logs->proxy()->index(0, JobLogModel::Message).data().toString(),
            QStringLiteral("disk almost full"));
        logs->levelButton(QStringLiteral("info"))->click();
        logs->levelButton(QStringLiteral("debug"))->click();
        logs->levelButton(QStringLiteral("error"))->click();
        QCOMPARE(logs->proxy()->rowCount(), 2);
        logs->searchBox()->clear();
        QCOMPARE(logs->proxy()->rowCount(), 5);

        view.show();
        view.tabs()->setCurrentWidget(logs);
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.activateWindow();
        logs->view()->setFocus();
        QTest::keySequence(logs->view(), QKeySequence::Find);
        QTRY_VERIFY(logs->searchBox()->hasFocus());

        const QString all = logs->linesText(true); // nothing selected: every shown line
        QCOMPARE(all.count(QLatin1Char('\n')), 5);
        QVERIFY(all.contains(QStringLiteral("WARN  disk almost full")));
        logs->view()->selectionModel()->select(
            logs->proxy()->index(4, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QVERIFY(logs->linesText(true).contains(QStringLiteral("ERROR Safety filter")));
        QCOMPARE(logs->linesText(true).count(QLatin1Char('\n')), 1);

        QTemporaryDir dir;
        logs->searchBox()->setText(QStringLiteral("disk"));
        QVERIFY(logs->saveTo(dir.filePath(QStringLiteral("job.log"))));
        QFile saved(dir.filePath(QStringLiteral("job.log")));
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(saved.readAll());
        QCOMPARE(text.count(QLatin1Char('\n')), 2);
        QVERIFY(text.contains(QStringLiteral("disk almost full")));
        logs->searchBox()->clear();
    }

    // Auto-scroll is on by default and follows new lines; scrolling up turns it off (new lines
    // leave the view where it is); scrolling to the end turns it on again.
    void autoScroll()
    {
        const QString id = QStringLiteral("job-s");
        m_tracker->track(
            id, QStringLiteral("p"), Core::Dialect::Peako, QStringLiteral("api/render"));
        JobDetailView view(m_tracker.get());
        view.resize(700, 300);
        view.setJob(id);
        view.tabs()->setCurrentWidget(view.logs());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto feed = [&](int from, int n) {
            Core::JobUpdate u = update(id);
            for (int i = from; i < from + n; ++i)
                u.logs.append(line(10 + i, i % 7 == 0 ? "warn" : "info",
                    QStringLiteral("Rendering frame %1 of 400").arg(i)));
            m_tracker->apply(u);
        };
        LogsTab *logs = view.logs();
        QScrollBar *bar = logs->view()->verticalScrollBar();
        QVERIFY(logs->autoScroll());
        feed(0, 200);
        QTRY_VERIFY(bar->maximum() > 0);
        QTRY_COMPARE(bar->value(), bar->maximum());

        bar->setValue(bar->maximum() / 2); // the user scrolls up
        QVERIFY(!logs->autoScroll());
        QVERIFY(!logs->followButton()->isChecked());
        const int kept = bar->value();
        const int oldMax = bar->maximum();
        feed(200, 100);
        QTRY_VERIFY(bar->maximum() > oldMax);
        QCOMPARE(bar->value(), kept);

        bar->setValue(bar->maximum()); // back at the end
        QVERIFY(logs->autoScroll());
        const int max2 = bar->maximum();
        feed(300, 50);
        QTRY_VERIFY(bar->maximum() > max2);
        QTRY_COMPARE(bar->value(), bar->maximum());
        shoot(logs, "detail-logs");
    }
};

QTEST_MAIN(TestJobDetailView)
#include "tst_jobdetailview.moc"
