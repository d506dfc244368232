// BuildActions against an in-process sandbox: a build asked for input is answered through
// respond, completes, and then its endpoint is called (runtime envelope), its health read, both
// exports fetched, revised and rebuilt — each answer delivered once, later, as a BuildResult;
// a respond outside needs_input comes back as a 409 error value carrying the sandbox's sentence.
#include "peelbuilds/buildactions.h"
#include "peelbuilds/buildcontract.h"
#include "peelbuilds/buildoperation.h"
#include "testhttp.h"
#include "testjson.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <memory>
#include <optional>

using namespace TestSupport;
using PeelBuilds::BuildActions;
using PeelBuilds::BuildContract;
using PeelBuilds::BuildOperation;
using PeelBuilds::BuildResult;
using Kind = Core::JobError::Kind;

class TestBuildActions final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;
    QNetworkAccessManager m_nam;
    std::unique_ptr<BuildActions> m_actions;
    std::optional<BuildResult> m_last;
    int m_sites = 0;

    int m_reports = 0;
    // Keeps what the operation reports (it must report once, fail exactly when its outcome is an
    // error, and delete itself).
    BuildOperation *keep(BuildOperation *op)
    {
        m_last.reset();
        connect(op, &Core::Operation::result, this, [this, op] {
            m_last = op->outcome();
            ++m_reports;
            if (op->failed() != op->outcome().error.isError())
                qWarning() << "failed() disagrees with the outcome";
            if (op->error().kind != op->outcome().error.kind)
                qWarning() << "error() is not the outcome's error";
        });
        return op;
    }
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
    QJsonObject record(const QString &id)
    {
        return m_http.get(api(id), m_sb->apiKey("peel")).json();
    }
    QString status(const QString &id) { return record(id).value(k("status")).toString(); }
    // A build held in running (so the control API can make it ask for input); returns its id.
    QString heldBuild(const QString &instructions)
    {
        const QJsonObject body {
            { k("url"), QStringLiteral("https://news.example.com/actions/%1").arg(++m_sites) },
            { k("instructions"), instructions },
            { k("sandbox"),
                QJsonObject {
                    { k("hold"), QStringLiteral("running") }, { k("duration_ms"), 300 } } }
        };
        const HttpResult r = m_http.post(
            m_sb->base("peel") + QStringLiteral("/v1/apis"), body, m_sb->apiKey("peel"));
        if (r.status != 201)
            qWarning() << "create refused" << r.status << r.body;
        return r.json().value(k("id")).toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sb = std::make_unique<TestSandbox>();
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
        m_actions = std::make_unique<BuildActions>(&m_nam, profile());
    }
    void cleanupTestCase()
    {
        m_actions.reset();
        m_sb.reset();
    }

    void wholeLifecycle()
    {
        // needs_input → respond → completed → call, health, exports, revise, rebuild, and
        // respond-when-not-paused = 409 with the sandbox's sentence.
        const int reportsBefore = m_reports;
        int requests = 0;
        const QString id
            = heldBuild(QStringLiteral("Get top stories with title, score, and author"));
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("running"), 10000);
        QCOMPARE(m_sb->act(m_http, id, QStringLiteral("ask-input")).value(k("ok")).toBool(), true);
        const QJsonObject paused = record(id);
        QCOMPARE(paused.value(k("status")).toString(), QStringLiteral("needs_input"));
        const BuildContract asked = BuildContract::fromRecord(paused);
        QVERIFY(asked.hasPrompt());
        QVERIFY(!asked.promptMessage().isEmpty());

        // Respond: answered later, never inside the call; the answer carries the record, read by
        // the adapter.
        QPointer<BuildOperation> respond
            = keep(m_actions->respond(id, QJsonObject { { k("region"), QStringLiteral("eu") } }));
        ++requests;
        QVERIFY(respond);
        QVERIFY(!m_last);
        QTRY_VERIFY(m_last);
        QTRY_VERIFY(respond.isNull()); // deleted itself after reporting
        QCOMPARE(m_last->action, BuildResult::Action::Respond);
        QVERIFY2(m_last->ok(), qPrintable(m_last->error.message));
        QCOMPARE(m_last->httpStatus, 200);
        QVERIFY(m_last->record);
        QCOMPARE(m_last->record->jobId, id);
        QCOMPARE(m_last->record->rawStatus, QStringLiteral("running"));
        QCOMPARE(m_last->record->state, Core::JobState::Running);
        // The sandbox recorded the response.
        const QJsonObject control = m_sb->job(m_http, id);
        QCOMPARE(control.value(k("status")).toString(), QStringLiteral("running"));

        m_sb->act(m_http, id, QStringLiteral("release"));
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("completed"), 10000);
        const BuildContract contract = BuildContract::fromRecord(record(id));
        QCOMPARE(contract.endpoints().size(), 1);
        const PeelBuilds::BuildEndpoint endpoint = contract.endpoints().first();
        QCOMPARE(endpoint.name, QStringLiteral("get_top_stories"));

        // Call with the schema's starting input: a success envelope with 10 items and an execution
        // time.
        keep(m_actions->call(id, endpoint.name, BuildContract::exampleInput(endpoint.inputSchema)));
        ++requests;
        QTRY_VERIFY(m_last);
        QVERIFY2(m_last->ok(), qPrintable(m_last->error.message));
        QCOMPARE(m_last->action, BuildResult::Action::Call);
        QCOMPARE(m_last->detail, endpoint.name);
        QCOMPARE(m_last->httpStatus, 200);
        QJsonObject envelope = m_last->json.object();
        QCOMPARE(envelope.value(k("status")).toString(), QStringLiteral("success"));
        QCOMPARE(envelope.value(k("status_code")).toInt(), 200);
        QCOMPARE(envelope.value(k("data")).toObject().value(k("items")).toArray().size(), 10);
        QVERIFY(envelope.value(k("execution_time")).isDouble());
        QVERIFY(!m_last->record); // a call answer is no record

        // Invalid input: a 400 error value whose code and sentence come from the envelope, envelope
        // kept.
        keep(m_actions->call(id, endpoint.name, QJsonObject { { k("limit"), 1000 } }));
        ++requests;
        QTRY_VERIFY(m_last);
        QCOMPARE(m_last->error.kind, Kind::Invalid);
        QCOMPARE(m_last->httpStatus, 400);
        QCOMPARE(m_last->error.providerCode, QStringLiteral("INVALID_INPUT"));
        QVERIFY(!m_last->error.message.isEmpty());
        QCOMPARE(m_last->json.object().value(k("error_code")).toString(),
            QStringLiteral("INVALID_INPUT"));

        // Health: one binding per endpoint, with the two calls counted.
        keep(m_actions->health(id));
        ++requests;
        QTRY_VERIFY(m_last);
        QVERIFY2(m_last->ok(), qPrintable(m_last->error.message));
        const QJsonArray bindings = m_last->json.object().value(k("bindings")).toArray();
        QCOMPARE(bindings.size(), 1);
        QCOMPARE(bindings.first().toObject().value(k("endpoint_name")).toString(), endpoint.name);
        QCOMPARE(bindings.first().toObject().value(k("calls")).toInt(), 2);
        QVERIFY(m_last->json.object().value(k("quality_score")).isDouble());

        // Exports: OpenAPI 3.1 with the :call path, MCP with a tool per endpoint.
        keep(m_actions->exportSpec(id, QStringLiteral("openapi")));
        ++requests;
        QTRY_VERIFY(m_last);
        QVERIFY2(m_last->ok(), qPrintable(m_last->error.message));
        QCOMPARE(m_last->detail, QStringLiteral("openapi"));
        QCOMPARE(m_last->json.object().value(k("openapi")).toString(), QStringLiteral("3.1.0"));
        QVERIFY(m_last->json.object().value(k("paths")).toObject().contains(endpoint.callPath));
        keep(m_actions->exportSpec(id, QStringLiteral("mcp")));
        ++requests;
        QTRY_VERIFY(m_last);
        QVERIFY2(m_last->ok(), qPrintable(m_last->error.message));
        const QJsonArray tools = m_last->json.object().value(k("tools")).toArray();
        QCOMPARE(tools.size(), 1);
        QCOMPARE(tools.first().toObject().value(k("name")).toString(), endpoint.name);
        QCOMPARE(tools.first().toObject().value(k("inputSchema")).toObject(), endpoint.inputSchema);

        // Respond when not paused: a Conflict value with the sandbox's own sentence.
        keep(m_actions->respond(id, QJsonObject { { k("region"), QStringLiteral("us") } }));
        ++requests;
        QTRY_VERIFY(m_last);
        QCOMPARE(m_last->error.kind, Kind::Conflict);
        QCOMPARE(m_last->httpStatus, 409);
        QCOMPARE(m_last->error.message,
            QStringLiteral("API %1 is completed; respond only works while it is needs_input")
                .arg(id));
        QVERIFY(!m_last->record);

        // Revise: 202, a new build with the new instructions; its contract follows them.
        const int before = contract.buildNumber();
        keep(m_actions->revise(id,
            QJsonObject {
                { k("instructions"), QStringLiteral("Get top stories with title and author") } }));
        ++requests;
        QTRY_VERIFY(m_last);
        QVERIFY2(m_last->ok(), qPrintable(m_last->error.message));
        QCOMPARE(m_last->httpStatus, 202);
        QVERIFY(m_last->record);
        QCOMPARE(m_last->record->state, Core::JobState::Queued);
        QCOMPARE(m_last->record->extra.value(k("build")).toObject().value(k("number")).toInt(),
            before + 1);
        // The build is still held in running by the sandbox control; release it again.
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("running"), 10000);
        m_sb->act(m_http, id, QStringLiteral("release"));
        QTRY_COMPARE_WITH_TIMEOUT(status(id), QStringLiteral("completed"), 10000);
        const BuildContract revised = BuildContract::fromRecord(record(id));
        QCOMPARE(revised.instructions(), QStringLiteral("Get top stories with title and author"));
        const QJsonObject itemProps = revised.endpoints()
                                          .value(0)
                                          .outputSchema.value(k("properties"))
                                          .toObject()
                                          .value(k("items"))
                                          .toObject()
                                          .value(k("items"))
                                          .toObject()
                                          .value(k("properties"))
                                          .toObject();
        QVERIFY(!itemProps.contains(k("score")));

        // Revise without instructions: the sandbox's 400 sentence.
        keep(m_actions->revise(id, QJsonObject {}));
        ++requests;
        QTRY_VERIFY(m_last);
        QCOMPARE(m_last->error.kind, Kind::Invalid);
        QCOMPARE(
            m_last->error.message, QStringLiteral("instructions: is required to revise an API"));

        // Rebuild: 202 and build number + 1 again.
        keep(m_actions->rebuild(id));
        ++requests;
        QTRY_VERIFY(m_last);
        QVERIFY2(m_last->ok(), qPrintable(m_last->error.message));
        QCOMPARE(m_last->httpStatus, 202);
        QCOMPARE(m_last->action, BuildResult::Action::Rebuild);
        QCOMPARE(m_last->record->extra.value(k("build")).toObject().value(k("number")).toInt(),
            before + 2);
        // A rebuild while the build runs is refused with 409.
        keep(m_actions->rebuild(id));
        ++requests;
        QTRY_VERIFY(m_last);
        QCOMPARE(m_last->error.kind, Kind::Conflict);
        QVERIFY(m_last->error.message.startsWith(QLatin1String("Cannot rebuild")));
        m_sb->act(m_http, id, QStringLiteral("release"));

        // Every request answered exactly once.
        QCOMPARE(m_reports - reportsBefore, requests);
    }

    void unknownApiAndBadFormat()
    {
        // An unknown id is NotFound from the service; an unknown export format never leaves the
        // client but still answers later.
        keep(m_actions->health(QStringLiteral("api_nope")));
        QTRY_VERIFY(m_last);
        QCOMPARE(m_last->error.kind, Kind::NotFound);
        QCOMPARE(m_last->httpStatus, 404);

        const int before = m_reports;
        keep(m_actions->exportSpec(QStringLiteral("api_x"), QStringLiteral("yaml")));
        QVERIFY(!m_last);
        QTRY_VERIFY(m_last);
        QCOMPARE(m_last->error.kind, Kind::Invalid);
        QCOMPARE(m_last->httpStatus, 0);
        QVERIFY(m_last->error.message.contains(QLatin1String("yaml")));
        QCOMPARE(m_reports - before, 1);
    }

    void notAPeelProfile()
    {
        // A profile of another dialect cannot make Peel requests: an Invalid value naming the
        // dialect.
        Core::Profile other = profile();
        other.dialect = Core::Dialect::Peako;
        BuildActions actions(&m_nam, other);
        keep(actions.health(QStringLiteral("api_1")));
        QTRY_VERIFY(m_last);
        QCOMPARE(m_last->error.kind, Kind::Invalid);
        QVERIFY2(m_last->error.message.contains(QLatin1String("peako"), Qt::CaseInsensitive),
            qPrintable(m_last->error.message));
    }

    void cancelledRequestsAreNotDelivered()
    {
        // cancelAll() and destruction abort what is in flight; no result reaches the callback
        // afterwards.
        auto actions = std::make_unique<BuildActions>(&m_nam, profile());
        const int before = m_reports;
        keep(actions->health(QStringLiteral("api_nope")));
        keep(actions->exportSpec(QStringLiteral("api_x"), QStringLiteral("yaml")));
        QCOMPARE(actions->pendingCount(), 2);
        actions->cancelAll();
        QCOMPARE(actions->pendingCount(), 0);
        keep(actions->health(QStringLiteral("api_nope")));
        actions.reset();
        spin(300);
        QVERIFY(!m_last);
        QCOMPARE(m_reports, before);
    }
};

QTEST_GUILESS_MAIN(TestBuildActions)
#include "tst_buildactions.moc"
