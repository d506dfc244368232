// Ui::TrafficModel, Ui::TrafficProxyModel and Ui::TrafficView over a Net::TrafficLog.

#include "core/redactor.h"
#include "dialects/adapter.h"
#include "follow/followcontext.h"
#include "follow/jobfollower.h"
#include "net/httpcall.h"
#include "net/trafficlog.h"
#include "testhttp.h"
#include "tracker/jobtracker.h"
#include "traffic/trafficmodel.h"
#include "traffic/trafficproxymodel.h"
#include "traffic/trafficview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QToolButton>

using Net::TrafficLog;

namespace {

const QString Key = QStringLiteral("sk-view-test-key-0123456789");

void recordExchange(TrafficLog &log, const QString &job, int i)
{
    log.recordRequest(job, "GET", QStringLiteral("http://127.0.0.1:1/v1/jobs/%1").arg(job),
        { { "Authorization", "Bearer " + Key.toUtf8() }, { "Accept", "application/json" } }, {});
    log.recordResponse(job, "GET", QStringLiteral("http://127.0.0.1:1/v1/jobs/%1").arg(job), 200,
        { { "Content-Type", "application/json" } },
        QStringLiteral("{\"id\":\"%1\",\"status\":\"running\",\"progress\":%2}")
            .arg(job)
            .arg(i)
            .toUtf8(),
        7);
}

} // namespace

class TstTrafficView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Model and proxy stay consistent (QAbstractItemModelTester) through appends, front drops,
    // resets, filtering and sorting; an append batch is one rowsInserted.
    void modelUnderTester()
    {
        Core::Redactor redactor;
        TrafficLog log(&redactor);
        Ui::TrafficModel model;
        Ui::TrafficProxyModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.sort(Ui::TrafficModel::Status, Qt::DescendingOrder);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        for (int i = 0; i < 10; ++i)
            recordExchange(log, QStringLiteral("j"), i);
        model.append(log.entries(QStringLiteral("j")));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(model.rowCount(), 20);
        model.append(log.entries(QStringLiteral("j"))); // nothing new
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(proxy.index(0, Ui::TrafficModel::Status).data().toString(), QStringLiteral("200"));
        proxy.setGroups(Ui::TrafficProxyModel::Sse);
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setGroups(Ui::TrafficProxyModel::All);
        QCOMPARE(proxy.rowCount(), 20);
        model.dropFront(model.entryAt(5)->seq);
        QCOMPARE(model.rowCount(), 15);
        QCOMPARE(model.index(0, Ui::TrafficModel::Kind).data().toString(),
            QStringLiteral("HTTP response"));
        model.setEntries({});
        QCOMPARE(proxy.rowCount(), 0);
    }

    // The view shows the selected job's entries, not others', picks up new ones in coalesced
    // batches, follows the log's per-job drops, and filters by transport.
    void viewShowsEntries()
    {
        Core::Redactor redactor;
        redactor.addSecret(Key);
        TrafficLog log(&redactor);
        log.setMaxEntriesPerJob(30);
        Ui::TrafficView view(&log);
        QAbstractItemModelTester tester(
            view.proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        recordExchange(log, QStringLiteral("a"), 0);
        view.setJob(QStringLiteral("a"));
        QCOMPARE(view.model()->rowCount(), 2);
        QSignalSpy inserted(view.model(), &QAbstractItemModel::rowsInserted);
        for (int i = 1; i <= 10; ++i) {
            recordExchange(log, QStringLiteral("a"), i);
            recordExchange(log, QStringLiteral("b"), i);
        }
        QCOMPARE(view.model()->rowCount(), 2); // not yet: coalesced
        QTRY_COMPARE(view.model()->rowCount(), 22);
        QCOMPARE(inserted.count(), 1);
        for (int i = 11; i <= 20; ++i)
            recordExchange(log, QStringLiteral("a"), i);
        QTRY_COMPARE(view.model()->rowCount(), 30); // the log keeps 30 for the job
        QCOMPARE(view.model()->firstSeq(), log.firstSeq(QStringLiteral("a")));
        Net::TrafficLog::Entry sse;
        sse.jobId = QStringLiteral("a");
        sse.kind = TrafficLog::Kind::SseEvent;
        sse.method = "progress";
        sse.body = "{\"progress\":0.5}";
        log.record(sse);
        view.flush();
        QCOMPARE(view.model()->rowCount(), 30);
        const auto sseButton = view.findChildren<QToolButton *>();
        for (QToolButton *b : sseButton) {
            if (b->text() != QLatin1String("SSE"))
                b->setChecked(false);
        }
        QCOMPARE(view.proxy()->rowCount(), 1);
        QCOMPARE(view.proxy()->index(0, Ui::TrafficModel::Method).data().toString(),
            QStringLiteral("progress"));
        view.setJob(QStringLiteral("b"));
        QCOMPARE(view.model()->rowCount(), 20);
    }

    // Selecting a request shows its headers (credential masked) and pretty JSON; "Copy as curl"
    // puts the command with "$JOBSCOPE_KEY" and without the key on the clipboard; a response
    // has no curl.
    void copyAsCurl()
    {
        Core::Redactor redactor;
        redactor.addSecret(Key);
        TrafficLog log(&redactor);
        log.recordRequest(QStringLiteral("j"), "POST",
            QStringLiteral("http://127.0.0.1:9/v1/portrait"),
            { { "Authorization", "Bearer " + Key.toUtf8() },
                { "Content-Type", "application/json" } },
            "{\"prompt\":\"fox\",\"width\":64}");
        recordExchange(log, QStringLiteral("j"), 1);
        Ui::TrafficView view(&log);
        view.setJob(QStringLiteral("j"));
        QGuiApplication::clipboard()->clear();
        view.table()->setCurrentIndex(view.proxy()->index(0, 0));
        QVERIFY2(view.detailText().contains(QLatin1String("Authorization: Bearer [redacted]")),
            qPrintable(view.detailText()));
        QVERIFY2(view.detailText().contains(QLatin1String("\"prompt\": \"fox\"")),
            qPrintable(view.detailText()));
        view.copyAsCurl();
        const QString curl = QGuiApplication::clipboard()->text();
        QVERIFY2(curl.startsWith(QLatin1String("curl -X POST")), qPrintable(curl));
        QVERIFY2(curl.contains(QLatin1String("\"Authorization: Bearer $JOBSCOPE_KEY\"")),
            qPrintable(curl));
        QVERIFY(curl.contains(QLatin1String("--data-raw")));
        QVERIFY(!curl.contains(Key));
        view.table()->setCurrentIndex(view.proxy()->index(2, 0)); // the response
        QVERIFY(view.selectedCurl().isEmpty());
    }

    // Real traffic of a PeelAPI job over SSE, rendered to PNG (JOBSCOPE_SCREENSHOT_DIR, if set)
    // so a person can look at it; the view lists the stream's events.
    void realTrafficRendered()
    {
        TestSupport::TestSandbox sb;
        QVERIFY2(sb.ok(), qPrintable(sb.error()));
        QNetworkAccessManager nam;
        Tracker::JobTracker tracker;
        Core::Redactor redactor;
        TrafficLog log(&redactor);
        Follow::FollowContext ctx(&nam, &tracker);
        ctx.setTrafficLog(&log);
        Core::Profile p = Core::Profile::defaultsFor(Core::Dialect::PeelApi);
        p.name = QStringLiteral("peelapi");
        p.baseUrl = QUrl(sb.base("peelapi"));
        p.apiKey = QString::fromUtf8(sb.key("peelapi"));
        redactor.addSecret(p.apiKey);
        ctx.addProfile(p);
        Dialects::Adapter *adapter = ctx.adapter(p.name);
        const QJsonObject body { { QLatin1String("prompt"), QStringLiteral("a fox in the snow") },
            { QLatin1String("width"), 64 }, { QLatin1String("height"), 64 },
            { QLatin1String("sandbox"), QJsonObject { { QLatin1String("duration_ms"), 600 } } } };
        const Dialects::RequestSpec spec = adapter->submit(QStringLiteral("v1/portrait"), body);
        QNetworkRequest req(spec.url);
        for (const auto &h : spec.headers)
            req.setRawHeader(h.first, h.second);
        Net::HttpCall call(&nam, spec.method, req, spec.body);
        call.setAutoDelete(false);
        call.setTraffic(&log, QString());
        QSignalSpy done(&call, &Core::Operation::result);
        call.start();
        QVERIFY(done.wait(10000));
        const QString id
            = adapter->parseSubmit(QStringLiteral("v1/portrait"), call.httpStatus(), call.body())
                  .jobId;
        QVERIFY(!id.isEmpty());
        Ui::TrafficView view(&log);
        view.resize(1000, 620);
        view.setJob(id);
        view.show();
        log.moveToJob(call.requestSeq(), id);
        log.moveToJob(call.responseSeq(), id);
        tracker.track(id, p.name, p.dialect, QStringLiteral("v1/portrait"));
        Follow::JobFollower follower(
            &ctx, p.name, { id, QStringLiteral("v1/portrait") }, body, Follow::Via::Sse);
        QSignalSpy settled(&follower, &Follow::JobFollower::settled);
        follower.start();
        QVERIFY(settled.wait(30000));
        QTRY_COMPARE(view.model()->rowCount(), log.entries(id).size());
        QCOMPARE(view.model()->entryAt(0)->method, QByteArray("POST"));
        int events = 0;
        for (int r = 0; r < view.model()->rowCount(); ++r)
            events += view.model()->entryAt(r)->kind == TrafficLog::Kind::SseEvent;
        QVERIFY(events >= 2);
        view.table()->setCurrentIndex(view.proxy()->index(0, 0));
        QVERIFY(view.detailText().contains(QLatin1String("[redacted]")));
        const QString dir = qEnvironmentVariable("JOBSCOPE_SCREENSHOT_DIR");
        if (!dir.isEmpty()) {
            for (int r = 0; r < view.proxy()->rowCount(); ++r) {
                if (view.proxy()->index(r, Ui::TrafficModel::Kind).data().toString()
                    == QLatin1String("SSE event")) {
                    view.table()->setCurrentIndex(view.proxy()->index(r + 2, 0));
                    break;
                }
            }
            QVERIFY(view.grab().save(QDir(dir).filePath(QStringLiteral("traffic.png"))));
        }
    }
};

QTEST_MAIN(TstTrafficView)
#include "tst_trafficview.moc"
