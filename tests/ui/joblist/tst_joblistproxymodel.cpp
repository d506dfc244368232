#include "joblist/joblistmodel.h"
#include "joblist/joblistproxymodel.h"
#include "joblist/joblistview.h"
#include "joblistfixtures.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QtTest>

using namespace JobListFixtures;
using Core::Dialect;
using Core::JobState;
using Ui::JobListModel;
using Ui::JobListProxyModel;
using View = JobListProxyModel::View;

namespace {

QStringList idsOf(const QAbstractItemModel &model)
{
    QStringList ids;
    for (int r = 0; r < model.rowCount(); ++r)
        ids << model.index(r, 0).data(JobListModel::JobIdRole).toString();
    return ids;
}

// Eight jobs: one per state, two profiles, one created yesterday, each with its own text.
void fillMixed(Tracker::JobTracker &tracker, qint64 now)
{
    const qint64 yesterday = now - 26 * 3600 * 1000LL;
    tracker.restore(makeJob(QStringLiteral("q1"), Dialect::ImagePipeline, JobState::Queued,
        QStringLiteral("pending"), QStringLiteral("ip"), QStringLiteral("generate/image/v1"),
        QStringLiteral("a red fox"), now - 5000));
    tracker.restore(makeJob(QStringLiteral("r1"), Dialect::PeelApi, JobState::Running,
        QStringLiteral("processing"), QStringLiteral("pa"), QStringLiteral("portrait"),
        QStringLiteral("studio portrait"), now - 4000));
    tracker.restore(makeJob(QStringLiteral("n1"), Dialect::Peel, JobState::NeedsInput, {},
        QStringLiteral("pa"), QStringLiteral("apis"), {}, now - 3000));
    auto failed = makeJob(QStringLiteral("f1"), Dialect::ImagePipeline, JobState::Failed, {},
        QStringLiteral("ip"), QStringLiteral("edit/image/v1"), QStringLiteral("blue sky"),
        now - 2000);
    failed.error.kind = Core::JobError::Kind::Job;
    failed.error.providerCode = QStringLiteral("OUT_OF_MEMORY");
    failed.error.message = QStringLiteral("GPU ran dry");
    tracker.restore(failed);
    auto done = makeJob(QStringLiteral("s1"), Dialect::Peako, JobState::Succeeded,
        QStringLiteral("done"), QStringLiteral("pk"), QStringLiteral("render"),
        QStringLiteral("intro clip"), yesterday);
    done.logs.append({ 1, QStringLiteral("info"), QStringLiteral("Encoder: MJPEG at 24 fps") });
    tracker.restore(done);
    tracker.restore(makeJob(QStringLiteral("c1"), Dialect::Peako, JobState::Cancelled, {},
        QStringLiteral("pk"), QStringLiteral("transcribe"), {}, now - 1000));
    tracker.restore(makeJob(QStringLiteral("u1"), Dialect::DeApi, std::nullopt, {},
        QStringLiteral("da"), QStringLiteral("txt2img"), QStringLiteral("a cat"), now));
    tracker.restore(makeJob(QStringLiteral("s2"), Dialect::DeApi, JobState::Succeeded,
        QStringLiteral("done"), QStringLiteral("da"), QStringLiteral("txt2audio"),
        QStringLiteral("rain sounds"), now - 500));
}

} // namespace

class tst_JobListProxyModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void savedViews();
    void profileFilter();
    void search_data();
    void search();
    void sortByEachColumn_data();
    void sortByEachColumn();
    void liveChangesRefilterAndRecount();
    void tenThousandRestoredJobs();
};

// Each saved view holds exactly its jobs, and counts() agrees with what the view shows.
void tst_JobListProxyModel::savedViews()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    Tracker::JobTracker tracker;
    fillMixed(tracker, now);
    JobListModel model(&tracker);
    JobListProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(JobListModel::Id);

    const QList<QPair<View, QStringList>> expected {
        { View::All,
            { QStringLiteral("c1"), QStringLiteral("f1"), QStringLiteral("n1"),
                QStringLiteral("q1"), QStringLiteral("r1"), QStringLiteral("s1"),
                QStringLiteral("s2"), QStringLiteral("u1") } },
        { View::Active,
            { QStringLiteral("n1"), QStringLiteral("q1"), QStringLiteral("r1"),
                QStringLiteral("u1") } },
        { View::NeedsInput, { QStringLiteral("n1") } },
        { View::Failed, { QStringLiteral("f1") } },
        { View::Succeeded, { QStringLiteral("s1"), QStringLiteral("s2") } },
        { View::Cancelled, { QStringLiteral("c1") } },
        { View::Today,
            { QStringLiteral("c1"), QStringLiteral("f1"), QStringLiteral("n1"),
                QStringLiteral("q1"), QStringLiteral("r1"), QStringLiteral("s2"),
                QStringLiteral("u1") } },
    };
    for (const auto &[view, ids] : expected) {
        proxy.setView(view);
        QCOMPARE(proxy.view(), view);
        QCOMPARE(idsOf(proxy), ids);
        QCOMPARE(proxy.count(view), int(ids.size()));
    }
    QCOMPARE(JobListProxyModel::viewName(View::NeedsInput), QStringLiteral("Needs input"));
}

// The profile filter narrows every view and the counts; empty shows every profile again.
void tst_JobListProxyModel::profileFilter()
{
    Tracker::JobTracker tracker;
    fillMixed(tracker, QDateTime::currentMSecsSinceEpoch());
    JobListModel model(&tracker);
    JobListProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(JobListModel::Id);
    QSignalSpy counts(&proxy, &JobListProxyModel::countsChanged);

    proxy.setProfileFilter(QStringLiteral("pk"));
    QCOMPARE(idsOf(proxy), (QStringList { QStringLiteral("c1"), QStringLiteral("s1") }));
    QCOMPARE(counts.size(), 1);
    QCOMPARE(proxy.count(View::All), 2);
    QCOMPARE(proxy.count(View::Succeeded), 1);
    QCOMPARE(proxy.count(View::Active), 0);
    proxy.setView(View::Succeeded);
    QCOMPARE(idsOf(proxy), QStringList { QStringLiteral("s1") });
    proxy.setProfileFilter(QString());
    QCOMPARE(idsOf(proxy), (QStringList { QStringLiteral("s1"), QStringLiteral("s2") }));
    QCOMPARE(proxy.count(View::All), 8);
}

void tst_JobListProxyModel::search_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("ids");
    QTest::newRow("id") << "q1" << QStringList { QStringLiteral("q1") };
    QTest::newRow("task") << "EDIT/image" << QStringList { QStringLiteral("f1") };
    QTest::newRow("prompt") << "Red Fox" << QStringList { QStringLiteral("q1") };
    QTest::newRow("prompt shared") << "a c" << QStringList { QStringLiteral("u1") };
    QTest::newRow("error code") << "out_of_memory" << QStringList { QStringLiteral("f1") };
    QTest::newRow("error message") << "gpu RAN" << QStringList { QStringLiteral("f1") };
    QTest::newRow("log text") << "mjpeg at 24" << QStringList { QStringLiteral("s1") };
    QTest::newRow("surrounding spaces") << "  rain  " << QStringList { QStringLiteral("s2") };
    QTest::newRow("nothing") << "zebra" << QStringList {};
    QTest::newRow("empty") << ""
                           << QStringList { QStringLiteral("c1"), QStringLiteral("f1"),
                                  QStringLiteral("n1"), QStringLiteral("q1"), QStringLiteral("r1"),
                                  QStringLiteral("s1"), QStringLiteral("s2"),
                                  QStringLiteral("u1") };
}

// Search is a case-insensitive substring over id, task, prompt, error code and message, log text.
void tst_JobListProxyModel::search()
{
    QFETCH(QString, text);
    QFETCH(QStringList, ids);
    Tracker::JobTracker tracker;
    fillMixed(tracker, QDateTime::currentMSecsSinceEpoch());
    JobListModel model(&tracker);
    JobListProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(JobListModel::Id);
    proxy.setSearchText(text);
    QCOMPARE(idsOf(proxy), ids);
    // Search and view combine.
    proxy.setView(View::Failed);
    QCOMPARE(idsOf(proxy).size(), ids.contains(QStringLiteral("f1")) ? 1 : 0);
}

void tst_JobListProxyModel::sortByEachColumn_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QStringList>("ascending");
    QTest::newRow("state") << int(JobListModel::State)
                           << QStringList { QStringLiteral("u1"), QStringLiteral("q1"),
                                  QStringLiteral("r1"), QStringLiteral("n1"), QStringLiteral("s1"),
                                  QStringLiteral("s2"), QStringLiteral("f1"),
                                  QStringLiteral("c1") };
    QTest::newRow("profile") << int(JobListModel::Profile) << QStringList {};
    QTest::newRow("task") << int(JobListModel::Task)
                          << QStringList { QStringLiteral("n1"), QStringLiteral("f1"),
                                 QStringLiteral("q1"), QStringLiteral("r1"), QStringLiteral("s1"),
                                 QStringLiteral("c1"), QStringLiteral("s2"), QStringLiteral("u1") };
    QTest::newRow("input") << int(JobListModel::Input) << QStringList {};
    QTest::newRow("created") << int(JobListModel::Created)
                             << QStringList { QStringLiteral("s1"), QStringLiteral("q1"),
                                    QStringLiteral("r1"), QStringLiteral("n1"),
                                    QStringLiteral("f1"), QStringLiteral("c1"),
                                    QStringLiteral("s2"), QStringLiteral("u1") };
    QTest::newRow("duration") << int(JobListModel::Duration) << QStringList {};
    QTest::newRow("progress") << int(JobListModel::Progress) << QStringList {};
    QTest::newRow("result") << int(JobListModel::Result) << QStringList {};
    QTest::newRow("id") << int(JobListModel::Id)
                        << QStringList { QStringLiteral("c1"), QStringLiteral("f1"),
                               QStringLiteral("n1"), QStringLiteral("q1"), QStringLiteral("r1"),
                               QStringLiteral("s1"), QStringLiteral("s2"), QStringLiteral("u1") };
}

// Sorting any column orders rows by the raw SortRole value (numbers as numbers), both ways.
void tst_JobListProxyModel::sortByEachColumn()
{
    QFETCH(int, column);
    QFETCH(QStringList, ascending);
    Tracker::JobTracker tracker;
    fillMixed(tracker, QDateTime::currentMSecsSinceEpoch());
    JobListModel model(&tracker);
    JobListProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

    for (Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder }) {
        proxy.sort(column, order);
        for (int r = 1; r < proxy.rowCount(); ++r) {
            const QVariant a = proxy.index(r - 1, column).data(JobListModel::SortRole);
            const QVariant b = proxy.index(r, column).data(JobListModel::SortRole);
            const auto cmp = QVariant::compare(a, b);
            QVERIFY2(order == Qt::AscendingOrder ? cmp <= 0 : cmp >= 0,
                qPrintable(
                    QStringLiteral("row %1: %2 vs %3").arg(r).arg(a.toString(), b.toString())));
        }
        if (!ascending.isEmpty() && order == Qt::AscendingOrder)
            QCOMPARE(idsOf(proxy), ascending);
    }
}

// A job that changes state moves between views, a new log line is searchable, counts follow.
void tst_JobListProxyModel::liveChangesRefilterAndRecount()
{
    Tracker::JobTracker tracker;
    tracker.setBatchInterval(10);
    JobListModel model(&tracker);
    model.setTickInterval(3600 * 1000);
    JobListProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(
        &proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(JobListModel::Created, Qt::DescendingOrder);
    QSignalSpy counts(&proxy, &JobListProxyModel::countsChanged);

    for (int i = 0; i < 5; ++i) {
        tracker.track(QStringLiteral("live-%1").arg(i), QStringLiteral("pa"), Dialect::PeelApi,
            QStringLiteral("portrait"));
        tracker.apply(stateUpdate(
            QStringLiteral("live-%1").arg(i), JobState::Running, QStringLiteral("processing")));
    }
    QTRY_COMPARE(proxy.count(View::Active), 5);
    proxy.setView(View::Failed);
    QCOMPARE(proxy.rowCount(), 0);

    tracker.apply(stateUpdate(QStringLiteral("live-3"), JobState::Failed));
    QTRY_COMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.count(View::Failed), 1);
    QCOMPARE(proxy.count(View::Active), 4);

    proxy.setView(View::All);
    proxy.setSearchText(QStringLiteral("checkpoint"));
    QCOMPARE(proxy.rowCount(), 0);
    tracker.apply(logUpdate(QStringLiteral("live-1"), QStringLiteral("Loaded Checkpoint sdxl")));
    QTRY_COMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data(JobListModel::JobIdRole).toString(), QStringLiteral("live-1"));
    QVERIFY(counts.size() >= 2);
}

// 10,000 restored jobs: the fill and one search keystroke are fast (figures printed; loose bounds).
void tst_JobListProxyModel::tenThousandRestoredJobs()
{
    const int n = 10000;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QStringList words { QStringLiteral("fox"), QStringLiteral("portrait"),
        QStringLiteral("sunset"), QStringLiteral("city"), QStringLiteral("forest"),
        QStringLiteral("river"), QStringLiteral("robot"), QStringLiteral("castle") };
    Tracker::JobTracker tracker;
    tracker.setBatchInterval(5);
    JobListModel model(&tracker);
    model.setTickInterval(3600 * 1000);
    JobListProxyModel proxy;
    proxy.setSourceModel(&model);
    // No QAbstractItemModelTester here: it re-checks the whole model on every one of the
    // proxy's removals, which is quadratic at this size and would be all we measured. The
    // other tests run the same code paths under the tester.
    proxy.sort(JobListModel::Created, Qt::DescendingOrder);
    QSignalSpy batches(&model, &JobListModel::batchApplied);

    QList<Tracker::TrackedJob> jobs;
    jobs.reserve(n);
    for (int i = 0; i < n; ++i) {
        const JobState s = JobState(i % 6);
        auto job = makeJob(QStringLiteral("hist-%1-%2").arg(i).arg(QString::number(qHash(i), 16)),
            Dialect(i % 5), s, {}, QStringLiteral("profile-%1").arg(i % 5),
            QStringLiteral("task-%1").arg(i % 7),
            QStringLiteral("a %1 in the %2 number %3")
                .arg(words.at(i % 8), words.at((i / 8) % 8))
                .arg(i),
            now - qint64(i) * 60'000);
        for (int l = 0; l < 5; ++l)
            job.logs.append({ l, QStringLiteral("info"),
                QStringLiteral("step %1 of job %2 finished").arg(l).arg(i) });
        jobs.append(job);
    }

    QElapsedTimer fill;
    fill.start();
    for (const auto &job : std::as_const(jobs))
        tracker.restore(job);
    const qint64 restoreMs = fill.elapsed();
    QTRY_COMPARE(batches.size(), 1);
    const qint64 fillMs = fill.elapsed();
    QCOMPARE(model.rowCount(), n);
    QCOMPARE(proxy.rowCount(), n);

    // Keystrokes of an incremental search: "r", "ro", "rob", "robo", "robot", each filtering the
    // proxy and then repainting a visible list, as a keystroke in the window would.
    Ui::JobListView view;
    view.setModel(&proxy);
    view.resize(1200, 800);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QList<qint64> keystrokes;
    QList<qint64> filterOnly;
    QString typed;
    for (QChar c : QStringLiteral("robot")) {
        typed += c;
        QElapsedTimer t;
        t.start();
        proxy.setSearchText(typed);
        filterOnly << t.nsecsElapsed() / 1000;
        view.viewport()->repaint();
        keystrokes << t.nsecsElapsed() / 1000;
    }
    int robots = 0;
    for (int i = 0; i < n; ++i)
        robots += (i % 8 == 6 || (i / 8) % 8 == 6) ? 1 : 0;
    QCOMPARE(proxy.rowCount(), robots);
    for (int r = 0; r < proxy.rowCount(); ++r)
        QVERIFY(proxy.index(r, 0)
                    .data(JobListModel::SearchTextRole)
                    .toString()
                    .contains(QStringLiteral("robot")));
    QElapsedTimer t;
    t.start();
    proxy.setSearchText(QStringLiteral("job 9999 finished"));
    const qint64 needleUs = t.nsecsElapsed() / 1000;
    QCOMPARE(proxy.rowCount(), 1);

    const qint64 worstUs = *std::max_element(keystrokes.cbegin(), keystrokes.cend());
    qInfo("10,000 restored jobs: fill %lld ms (tracker restore %lld ms, then batch + model + "
          "sorted proxy); search keystrokes with repaint (us): %s; "
          "filter alone (us): %s; rare needle %lld us",
        fillMs, restoreMs, qPrintable([&] {
            QStringList s;
            for (qint64 k : keystrokes)
                s << QString::number(k);
            return s.join(QLatin1Char(' '));
        }()),
        qPrintable([&] {
            QStringList s;
            for (qint64 k : filterOnly)
                s << QString::number(k);
            return s.join(QLatin1Char(' '));
        }()),
        needleUs);
    QVERIFY2(worstUs < 200'000, qPrintable(QString::number(worstUs)));
    QVERIFY2(fillMs < 5000, qPrintable(QString::number(fillMs)));
}

QTEST_MAIN(tst_JobListProxyModel)
#include "tst_joblistproxymodel.moc"
