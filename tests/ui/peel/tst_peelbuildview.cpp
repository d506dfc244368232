// PeelBuildView against an in-process sandbox: a needs_input build shows the service's prompt as
// a form and Respond sends the answer (the sandbox records it and the build runs again); a
// completed build lists its endpoints with schemas, and Call shows the runtime envelope in the
// console; health and exports work from the same tab; a failed build shows its artifact.
#include "dialects/adapter.h"
#include "peel/peelbuildview.h"
#include "peel/peelpromptform.h"
#include "peelbuilds/buildactions.h"
#include "testhttp.h"
#include "testjson.h"
#include "tracker/jobtracker.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace TestSupport;

class TestPeelBuildView final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;
    QNetworkAccessManager m_nam;
    Tracker::JobTracker m_tracker;
    int m_sites = 0;

    Core::Profile profile() const
    {
        Core::Profile p;
        p.name = QStringLiteral("sandbox-peel");
        p.dialect = Core::Dialect::Peel;
        p.baseUrl = QUrl(m_sb->base("peel"));
        p.apiKey = QString::fromUtf8(m_sb->key("peel"));
        return p;
    }
    QString api(const QString &id) const
    {
        return m_sb->base("peel") + QStringLiteral("/v1/apis/") + id;
    }
    HttpResult read(const QString &id) { return m_http.get(api(id), m_sb->apiKey("peel")); }
    QString status(const QString &id) { return read(id).json().value(k("status")).toString(); }
    // The job as the app would hold it: the record read by the Peel adapter, merged by the tracker.
    Tracker::TrackedJob tracked(const QString &id)
    {
        const auto adapter = Dialects::Adapter::create(profile());
        const HttpResult r = read(id);
        m_tracker.track(id, profile().name, Core::Dialect::Peel, QStringLiteral("v1/apis"));
        m_tracker.apply(adapter->parseStatus({ id, {} }, r.status, r.body));
        return *m_tracker.job(id);
    }
    QString heldBuild(const QJsonObject &sandbox)
    {
        const QJsonObject body {
            { k("url"), QStringLiteral("https://news.example.com/view/%1").arg(++m_sites) },
            { k("instructions"), QStringLiteral("Get top stories with title, score, and author") },
            { k("sandbox"), sandbox }
        };
        const HttpResult r = m_http.post(
            m_sb->base("peel") + QStringLiteral("/v1/apis"), body, m_sb->apiKey("peel"));
        if (r.status != 201)
            qWarning() << "create refused" << r.status << r.body;
        return r.json().value(k("id")).toString();
    }
    template<typename T> static T *child(QWidget *view, const char *name)
    {
        return view->findChild<T *>(QLatin1String(name));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sb = std::make_unique<TestSandbox>();
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
    }
    void cleanupTestCase() { m_sb.reset(); }

    void needsInputThenCompleted()
    {
        // The prompt is shown as a form, Respond sends it (the sandbox records it); once completed
        // the endpoints and a call's envelope are shown.
        const QString id = heldBuild(
            QJsonObject { { k("hold"), QStringLiteral("running") }, { k("duration_ms"), 300 } });
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("running"), 10000);
        QCOMPARE(m_sb->act(m_http, id, QStringLiteral("ask-input")).value(k("ok")).toBool(), true);
        const QString message = read(id)
                                    .json()
                                    .value(k("user_input_prompt"))
                                    .toObject()
                                    .value(k("message"))
                                    .toString();
        QVERIFY(!message.isEmpty());

        Ui::PeelBuildView view(&m_nam);
        view.resize(1000, 720);
        QSignalSpy records(&view, &Ui::PeelBuildView::recordReceived);
        view.setJob(profile(), tracked(id));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(child<QLabel>(&view, "promptMessage")->text(), message);
        QVERIFY(child<QLabel>(&view, "promptMessage")->isVisible());
        auto *form = child<Ui::PeelPromptForm>(&view, "promptForm");
        QVERIFY(form);
        auto *region = qobject_cast<QComboBox *>(form->editor(QStringLiteral("region")));
        QVERIFY(region);
        QVERIFY(region->isVisible());
        for (const char *choice : { "us", "eu", "asia" }) // the prompt's enum
            QVERIFY(region->findText(QLatin1String(choice)) >= 0);
        // Nothing chosen yet for a required field: refused before anything is sent.
        if (!form->value().contains(k("region"))) {
            child<QPushButton>(&view, "respondButton")->click();
            QVERIFY(child<QLabel>(&view, "respondResult")
                        ->text()
                        .startsWith(QLatin1String("Not sent")));
            QVERIFY(m_sb->job(m_http, id).value(k("responses")).toArray().isEmpty());
        }
        region->setCurrentIndex(region->findText(QStringLiteral("eu")));
        QCOMPARE(form->value(), (QJsonObject { { k("region"), QStringLiteral("eu") } }));
        QVERIFY(!child<QPushButton>(&view, "exportOpenApiButton")->isEnabled());
        view.grab().save(QStringLiteral("/tmp/peel_needs_input.png"));

        QTest::mouseClick(child<QPushButton>(&view, "respondButton"), Qt::LeftButton);
        QTRY_COMPARE(records.count(), 1);
        const QJsonArray responses = m_sb->job(m_http, id).value(k("responses")).toArray();
        QCOMPARE(responses.size(), 1);
        QCOMPARE(responses.first().toObject().value(k("response")).toObject(),
            (QJsonObject { { k("region"), QStringLiteral("eu") } }));
        QCOMPARE(status(id), QStringLiteral("running"));
        // The view shows the record the service answered with: the build runs again.
        QVERIFY(!child<QLabel>(&view, "promptMessage")->isVisible());
        QVERIFY(child<QLabel>(&view, "buildingText")->isVisible());
        QVERIFY(child<QLabel>(&view, "buildingText")->text().contains(QLatin1String("running")));

        m_sb->act(m_http, id, QStringLiteral("release"));
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("completed"), 10000);
        view.setJob(profile(), tracked(id));
        auto *list = child<QListWidget>(&view, "endpointList");
        QVERIFY(list->isVisible());
        QAbstractItemModelTester tester(
            list->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(list->count(), 1);
        QCOMPARE(list->item(0)->text(), QStringLiteral("get_top_stories"));
        QVERIFY(child<QPlainTextEdit>(&view, "inputSchema")
                    ->toPlainText()
                    .contains(QLatin1String("\"limit\"")));
        QVERIFY(child<QPlainTextEdit>(&view, "outputSchema")
                    ->toPlainText()
                    .contains(QLatin1String("\"score\"")));
        // The console starts from the input schema's default.
        const QJsonObject input = QJsonDocument::fromJson(
            child<QPlainTextEdit>(&view, "callInput")->toPlainText().toUtf8())
                                      .object();
        QCOMPARE(input, (QJsonObject { { k("limit"), 10 } }));
        child<QPlainTextEdit>(&view, "callInput")->setPlainText(QStringLiteral("{\"limit\": 3}"));
        QTest::mouseClick(child<QPushButton>(&view, "callButton"), Qt::LeftButton);
        QTRY_VERIFY(!child<QPlainTextEdit>(&view, "callResult")->toPlainText().isEmpty());
        const QJsonObject envelope = QJsonDocument::fromJson(
            child<QPlainTextEdit>(&view, "callResult")->toPlainText().toUtf8())
                                         .object();
        QCOMPARE(envelope.value(k("status")).toString(), QStringLiteral("success"));
        QCOMPARE(envelope.value(k("data")).toObject().value(k("items")).toArray().size(), 3);
        const QString callStatus = child<QLabel>(&view, "callStatus")->text();
        QVERIFY2(callStatus.contains(QLatin1String("HTTP 200"))
                && callStatus.contains(QLatin1String("ms round trip")),
            qPrintable(callStatus));
        view.grab().save(QStringLiteral("/tmp/peel_completed.png"));

        // A bad input comes back as the 400 envelope with the service's sentence under the status.
        child<QPlainTextEdit>(&view, "callInput")
            ->setPlainText(QStringLiteral("{\"limit\": 1000}"));
        child<QPushButton>(&view, "callButton")->click();
        QTRY_VERIFY(child<QLabel>(&view, "callStatus")->text().contains(QLatin1String("HTTP 400")));
        QVERIFY(
            child<QLabel>(&view, "callStatus")->text().contains(QLatin1String("INVALID_INPUT")));

        // Health from the same tab.
        child<QPushButton>(&view, "healthButton")->click();
        QTRY_VERIFY(child<QGroupBox>(&view, "healthBox")->isVisible());
        QVERIFY(
            child<QLabel>(&view, "healthSummary")->text().contains(QLatin1String("bindings: 1")));
        view.grab().save(QStringLiteral("/tmp/peel_completed_health.png"));

        // Exports land in files through QSaveFile.
        QTemporaryDir dir;
        QSignalSpy exported(&view, &Ui::PeelBuildView::exportFinished);
        view.exportTo(QStringLiteral("openapi"), dir.filePath(QStringLiteral("api.json")));
        view.exportTo(QStringLiteral("mcp"), dir.filePath(QStringLiteral("mcp.json")));
        QTRY_COMPARE(exported.count(), 2);
        QFile openapi(dir.filePath(QStringLiteral("api.json")));
        QVERIFY(openapi.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(openapi.readAll()).object().value(k("openapi")).toString(),
            QStringLiteral("3.1.0"));
        QFile mcp(dir.filePath(QStringLiteral("mcp.json")));
        QVERIFY(mcp.open(QIODevice::ReadOnly));
        QCOMPARE(
            QJsonDocument::fromJson(mcp.readAll()).object().value(k("tools")).toArray().size(), 1);
        QVERIFY(exported.at(0).at(2).toString().isEmpty());
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("nowhere/x.json"))));

        // Revise from the tab: the record answers queued with the next build number.
        records.clear();
        view.revise(QStringLiteral("Get top stories with title and author"));
        QTRY_COMPARE(records.count(), 1);
        QVERIFY(child<QLabel>(&view, "status")
                    ->text()
                    .startsWith(QLatin1String("Revision started: build 2")));
        QVERIFY(child<QLabel>(&view, "buildingText")->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("running"), 10000);
        m_sb->act(m_http, id, QStringLiteral("release"));
    }

    void respondOutsideNeedsInputShowsTheSentence()
    {
        // Responding to a build that no longer waits shows the sandbox's 409 sentence under the
        // button.
        const QString id = heldBuild(
            QJsonObject { { k("hold"), QStringLiteral("running") }, { k("duration_ms"), 300 } });
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("running"), 10000);
        m_sb->act(m_http, id, QStringLiteral("ask-input"));
        Ui::PeelBuildView view(&m_nam);
        view.setJob(profile(), tracked(id));
        // Answered elsewhere meanwhile (another client): the view still shows the old question.
        QCOMPARE(m_http
                     .post(api(id) + QStringLiteral("/respond"),
                         QJsonObject { { k("response"),
                             QJsonObject { { k("region"), QStringLiteral("us") } } } },
                         m_sb->apiKey("peel"))
                     .status,
            200);
        auto *region = qobject_cast<QComboBox *>(
            child<Ui::PeelPromptForm>(&view, "promptForm")->editor(QStringLiteral("region")));
        QVERIFY(region);
        region->setCurrentIndex(region->findText(QStringLiteral("asia")));
        child<QPushButton>(&view, "respondButton")->click();
        QTRY_VERIFY(child<QLabel>(&view, "respondResult")
                        ->text()
                        .startsWith(QLatin1String("Not accepted")));
        QVERIFY(child<QLabel>(&view, "respondResult")
                    ->text()
                    .contains(QLatin1String("respond only works while it is needs_input")));
        QVERIFY(child<QLabel>(&view, "respondResult")->text().contains(QLatin1String("HTTP 409")));
        m_sb->act(m_http, id, QStringLiteral("release"));
    }

    void failedBuildShowsItsArtifact()
    {
        // A failed build's artifact (class, retryability, billing, suggested action, support id) is
        // shown and copyable.
        const QString id = heldBuild(
            QJsonObject { { k("hold"), QStringLiteral("running") }, { k("duration_ms"), 300 } });
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("running"), 10000);
        m_sb->act(m_http, id, QStringLiteral("fail"),
            QJsonObject { { k("reason_code"), QStringLiteral("VERIFICATION_FAILED") } });
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("failed"), 10000);
        const QJsonObject artifact
            = read(id).json().value(k("failure")).toObject().value(k("artifact")).toObject();
        Ui::PeelBuildView view(&m_nam);
        view.resize(900, 600);
        view.setJob(profile(), tracked(id));
        view.show();
        const QString text = child<QPlainTextEdit>(&view, "failureText")->toPlainText();
        QVERIFY(child<QPlainTextEdit>(&view, "failureText")->isVisible());
        QVERIFY2(
            text.contains(QLatin1String("Reason code: VERIFICATION_FAILED")), qPrintable(text));
        QVERIFY(text.contains(QLatin1String("Retryable: yes")));
        QVERIFY(text.contains(QStringLiteral("Class: ") + artifact.value(k("class")).toString()));
        QVERIFY(
            text.contains(QStringLiteral("Billing: ") + artifact.value(k("billing")).toString()));
        QVERIFY(text.contains(QStringLiteral("Support debug id: ")
            + artifact.value(k("support_debug_id")).toString()));
        QVERIFY(text.contains(QStringLiteral("Suggested action: ")
            + artifact.value(k("suggested_action")).toString()));
        QVERIFY(child<QPushButton>(&view, "rebuildButton")->isEnabled());
        QVERIFY(!child<QPushButton>(&view, "exportMcpButton")->isEnabled());
        view.grab().save(QStringLiteral("/tmp/peel_failed.png"));
    }
};

QTEST_MAIN(TestPeelBuildView)
#include "tst_peelbuildview.moc"
