// Integration tests of the sandbox's Peel front end (document 002) through a real socket: POST
// /v1/apis (non-blocking, matched reuse, wait_for_completion with timeout_ms), the lifecycle
// queued -> running -> needs_input -> completed / failed, the published contract, runtime
// POST .../endpoints/{name}:call with its normalized envelope and host errors, respond, revise,
// rebuild, health, and the OpenAPI 3.1 and MCP exports.
#include "testhttp.h"
#include "testjson.h"
#include "testverify.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>
#include <algorithm>
#include <memory>

using namespace TestSupport;

namespace {

const QString kInstructions = QStringLiteral("Get top stories with title, score, and author");

} // namespace

class TestPeelSandbox final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;
    int m_sites = 0;

    // A source URL no other test uses, so "matched" reuse never crosses tests.
    QString freshSite()
    {
        return QStringLiteral("https://news.example.com/board/%1").arg(++m_sites);
    }
    QString apis() const { return m_sb->base("peel") + QStringLiteral("/v1/apis"); }
    QString api(const QString &id, const QString &tail = {}) const
    {
        return apis() + QLatin1Char('/') + id + tail;
    }
    Headers key() const { return m_sb->apiKey("peel"); }

    HttpResult create(const QJsonObject &body) { return m_http.post(apis(), body, key()); }
    static QJsonObject buildBody(
        const QString &url, const QString &instructions, const QJsonObject &sandbox = {})
    {
        QJsonObject b { { k("url"), url }, { k("instructions"), instructions } };
        if (!sandbox.isEmpty())
            b.insert(k("sandbox"), sandbox);
        return b;
    }
    // Creates a build (non-blocking) and returns its id; empty, with a warning, when refused.
    QString createId(const QJsonObject &body)
    {
        const HttpResult r = create(body);
        if (r.status != 201)
            qWarning() << "create refused" << r.status << r.body;
        return r.json().value(k("id")).toString();
    }
    QJsonObject record(const QString &id) { return m_http.get(api(id), key()).json(); }
    QString status(const QString &id) { return record(id).value(k("status")).toString(); }
    HttpResult call(const QString &id, const QString &endpoint, const QJsonObject &input)
    {
        return m_http.post(
            api(id, QStringLiteral("/endpoints/") + endpoint + QStringLiteral(":call")), input,
            key());
    }
    // Polls the record until its status is `want` (or the time is up) and returns it.
    QJsonObject waitFor(const QString &id, const QString &want, int timeoutMs = 10000)
    {
        QJsonObject r;
        if (!QTest::qWaitFor(
                [&] {
                    r = record(id);
                    return r.value(k("status")).toString() == want;
                },
                timeoutMs))
            qWarning() << "API" << id << "never reached" << want << "- last seen"
                       << r.value(k("status")).toString();
        return r;
    }
    // A completed API built from `instructions`; returns its record.
    QJsonObject completedApi(const QString &instructions = kInstructions)
    {
        const QString id = createId(
            buildBody(freshSite(), instructions, QJsonObject { { k("duration_ms"), 200 } }));
        if (id.isEmpty())
            return {};
        return waitFor(id, QStringLiteral("completed"));
    }
    static QString firstEndpoint(const QJsonObject &rec)
    {
        return rec.value(k("endpoints"))
            .toArray()
            .at(0)
            .toObject()
            .value(k("endpoint_name"))
            .toString();
    }
    static void verifyHostError(const HttpResult &r, int status) { verifyErrorAnswer(r, status); }
    static void verifyInvalidInput(const HttpResult &r)
    {
        QCOMPARE(r.status, 400);
        const QJsonObject o = r.json();
        QCOMPARE(sortedKeys(o),
            sorted({ QStringLiteral("status"), QStringLiteral("status_code"),
                QStringLiteral("data"), QStringLiteral("error"), QStringLiteral("error_code"),
                QStringLiteral("execution_time") }));
        QCOMPARE(o.value(k("status_code")).toInt(), 400); // mirrors the HTTP status
        QCOMPARE(o.value(k("error_code")).toString(), QStringLiteral("INVALID_INPUT"));
        QVERIFY(o.value(k("error")).isString());
        QVERIFY(!o.value(k("error")).toString().isEmpty());
        QVERIFY(o.value(k("data")).isNull());
        QVERIFY(o.value(k("execution_time")).isDouble());
        QVERIFY(o.value(k("status")).isString());
        QVERIFY(o.value(k("status")).toString() != QLatin1String("success"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        // One in-process sandbox serves every test; each test builds from its own source URL.
        m_sb = std::make_unique<TestSandbox>();
        m_http.setSandboxToken(m_sb->controlToken());
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
        QVERIFY(!m_sb->key("peel").isEmpty());
    }
    void cleanupTestCase()
    {
        // Stopping the sandbox ends the builds still under way.
        m_sb.reset();
    }

    void createIsNonBlockingAndQueued()
    {
        // A create without wait_for_completion answers 201 at once: matched false, queued, id,
        // source_url and all links.
        const QString site = freshSite();
        QElapsedTimer timer;
        timer.start();
        const HttpResult r = create(buildBody(site, kInstructions));
        QVERIFY2(timer.elapsed() < 2000, "a non-blocking create must not wait for the build");
        QCOMPARE(r.status, 201);
        QVERIFY(r.header("Content-Type").startsWith("application/json"));
        const QJsonObject o = r.json();
        QVERIFY(o.value(k("matched")).isBool());
        QCOMPARE(o.value(k("matched")).toBool(), false);
        QCOMPARE(o.value(k("status")).toString(), QStringLiteral("queued"));
        const QString id = o.value(k("id")).toString();
        QVERIFY2(!id.isEmpty() && !id.contains(QLatin1Char('/')), qPrintable(id));
        QCOMPARE(o.value(k("source_url")).toString(), site);
        QVERIFY(o.value(k("endpoints")).isArray());
        QVERIFY(o.value(k("endpoints")).toArray().isEmpty());
        QVERIFY(!o.contains(k("failure_reason_code")));
        QVERIFY(!o.contains(k("failure")));
        QVERIFY(!o.contains(k("user_input_prompt")));
        const QStringList modes { QStringLiteral("public"),
            QStringLiteral("mixed_public_and_managed_session"),
            QStringLiteral("managed_session_only") };
        QVERIFY(modes.contains(o.value(k("auth_mode")).toString()));
        QVERIFY(o.value(k("requires_session")).isBool());

        const QJsonObject links = o.value(k("links")).toObject();
        const QString self = QStringLiteral("/v1/apis/") + id;
        QCOMPARE(sortedKeys(links),
            sorted({ QStringLiteral("self"), QStringLiteral("health"), QStringLiteral("revise"),
                QStringLiteral("rebuild"), QStringLiteral("respond"),
                QStringLiteral("openapi_export"), QStringLiteral("mcp_export"),
                QStringLiteral("endpoint_call_template") }));
        QCOMPARE(links.value(k("self")).toString(), self);
        QCOMPARE(links.value(k("health")).toString(), self + QStringLiteral("/health"));
        QCOMPARE(links.value(k("revise")).toString(), self + QStringLiteral("/revise"));
        QCOMPARE(links.value(k("rebuild")).toString(), self + QStringLiteral("/rebuild"));
        QCOMPARE(links.value(k("respond")).toString(), self + QStringLiteral("/respond"));
        QCOMPARE(
            links.value(k("openapi_export")).toString(), self + QStringLiteral("/exports/openapi"));
        QCOMPARE(links.value(k("mcp_export")).toString(), self + QStringLiteral("/exports/mcp"));
        QCOMPARE(links.value(k("endpoint_call_template")).toString(),
            self + QStringLiteral("/endpoints/{endpoint_name}:call"));

        // The links are relative API paths: resolved against the base they reach the same API.
        const HttpResult viaLink
            = m_http.get(m_sb->base("peel") + links.value(k("self")).toString(), key());
        QCOMPARE(viaLink.status, 200);
        QCOMPARE(viaLink.json().value(k("id")).toString(), id);
        QCOMPARE(m_http.get(m_sb->base("peel") + links.value(k("health")).toString(), key()).status,
            200);
        // The build carries on without anybody waiting.
        QCOMPARE(waitFor(id, QStringLiteral("completed")).value(k("status")).toString(),
            QStringLiteral("completed"));
    }

    void createRejectsIncompleteBodies()
    {
        // A create without url or instructions, or with a body that is not a JSON object, is a 400
        // {"error"}.
        verifyHostError(create(QJsonObject { { k("instructions"), kInstructions } }), 400);
        verifyHostError(create(QJsonObject { { k("url"), freshSite() } }), 400);
        verifyHostError(
            create(QJsonObject { { k("url"), freshSite() }, { k("instructions"), QString() } }),
            400);
        verifyHostError(m_http.postRaw(apis(), "{not json", key()), 400);
        verifyHostError(m_http.postRaw(apis(), "[1,2]", key()), 400);
    }

    void lifecycleQueuedRunningCompleted()
    {
        // A build moves queued -> running -> completed, each state visible in GET /v1/apis/{id}
        // (held to observe it).
        const QString id = createId(buildBody(freshSite(), kInstructions,
            QJsonObject { { k("hold"), QStringLiteral("queued") }, { k("duration_ms"), 400 } }));
        QVERIFY(!id.isEmpty());
        QCOMPARE(status(id), QStringLiteral("queued"));
        spin(300);
        QCOMPARE(status(id), QStringLiteral("queued")); // held: nothing moves on

        QCOMPARE(m_sb->act(m_http, id, QStringLiteral("hold"),
                         QJsonObject { { k("state"), QStringLiteral("running") } })
                     .value(k("ok"))
                     .toBool(),
            true);
        QJsonObject rec = waitFor(id, QStringLiteral("running"));
        QCOMPARE(rec.value(k("status")).toString(), QStringLiteral("running"));
        QVERIFY(
            rec.value(k("endpoints")).toArray().isEmpty()); // nothing is published while building
        spin(700); // longer than the whole 400 ms build: the hold keeps it running
        QCOMPARE(status(id), QStringLiteral("running"));

        QCOMPARE(m_sb->act(m_http, id, QStringLiteral("release")).value(k("ok")).toBool(), true);
        rec = waitFor(id, QStringLiteral("completed"));
        QCOMPARE(rec.value(k("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(rec.value(k("id")).toString(), id);
        QVERIFY(!rec.value(k("endpoints")).toArray().isEmpty());
        QVERIFY(!rec.contains(k("failure")));
        QVERIFY(!rec.contains(k("user_input_prompt")));
    }

    void completedContractPublishesEndpoints()
    {
        // A completed record publishes endpoints with every runtime field, derived from the
        // instructions.
        const QJsonObject rec = completedApi();
        QCOMPARE(rec.value(k("status")).toString(), QStringLiteral("completed"));
        const QJsonArray endpoints = rec.value(k("endpoints")).toArray();
        QCOMPARE(endpoints.size(), 1);
        bool anySession = false;
        for (const QJsonValue &v : endpoints) {
            const QJsonObject e = v.toObject();
            for (const char *field : { "endpoint_name", "method", "description", "auth_requirement",
                     "input_schema", "output_schema", "endpoint_type", "runtime_policy",
                     "runtime_verification", "credit_cost" })
                QVERIFY2(e.contains(QLatin1String(field)), field);
            QVERIFY(QRegularExpression(QStringLiteral("^[a-z0-9_]+$"))
                        .match(e.value(k("endpoint_name")).toString())
                        .hasMatch());
            QVERIFY(
                QStringList({ QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"),
                                QStringLiteral("PATCH"), QStringLiteral("DELETE") })
                    .contains(e.value(k("method")).toString()));
            QVERIFY(!e.value(k("description")).toString().isEmpty());
            QVERIFY(QStringList({ QStringLiteral("public"), QStringLiteral("session_required") })
                        .contains(e.value(k("auth_requirement")).toString()));
            anySession = anySession
                || e.value(k("auth_requirement")).toString() == QLatin1String("session_required");
            QVERIFY(QStringList({ QStringLiteral("data"), QStringLiteral("login"),
                                    QStringLiteral("guided_action") })
                        .contains(e.value(k("endpoint_type")).toString()));
            QCOMPARE(e.value(k("input_schema")).toObject().value(k("type")).toString(),
                QStringLiteral("object"));
            QCOMPARE(e.value(k("output_schema")).toObject().value(k("type")).toString(),
                QStringLiteral("object"));
            QVERIFY(e.value(k("runtime_policy")).isObject());
            const QJsonObject verification = e.value(k("runtime_verification")).toObject();
            for (const char *field :
                { "status", "field_coverage", "item_count", "observed_fields", "missing_fields" })
                QVERIFY2(verification.contains(QLatin1String(field)), field);
            QVERIFY(verification.value(k("observed_fields")).isArray());
            QVERIFY(verification.value(k("missing_fields")).isArray());
            QVERIFY(isWholeNumber(e.value(k("credit_cost"))));
            QVERIFY(e.value(k("credit_cost")).toDouble() >= 0);
        }
        QCOMPARE(rec.value(k("requires_session")).toBool(), anySession);

        // "Get top stories with title, score, and author": one endpoint whose items carry exactly
        // those fields.
        const QJsonObject e = endpoints.at(0).toObject();
        QCOMPARE(e.value(k("endpoint_name")).toString(), QStringLiteral("get_top_stories"));
        QCOMPARE(e.value(k("endpoint_type")).toString(), QStringLiteral("data"));
        QCOMPARE(e.value(k("auth_requirement")).toString(), QStringLiteral("public"));
        QCOMPARE(strings(e.value(k("runtime_verification"))
                             .toObject()
                             .value(k("observed_fields"))
                             .toArray()),
            (QStringList {
                QStringLiteral("title"), QStringLiteral("score"), QStringLiteral("author") }));
        const QJsonObject itemProps = e.value(k("output_schema"))
                                          .toObject()
                                          .value(k("properties"))
                                          .toObject()
                                          .value(k("items"))
                                          .toObject()
                                          .value(k("items"))
                                          .toObject()
                                          .value(k("properties"))
                                          .toObject();
        QCOMPARE(sortedKeys(itemProps),
            sorted({ QStringLiteral("title"), QStringLiteral("score"), QStringLiteral("author") }));
        QVERIFY(e.value(k("input_schema"))
                    .toObject()
                    .value(k("properties"))
                    .toObject()
                    .contains(k("limit")));
    }

    void sameRequestIsMatched()
    {
        // The same url + instructions again answers 200 matched true with the same id; other
        // instructions build anew.
        const QString site = freshSite();
        const HttpResult first = create(buildBody(site, kInstructions));
        QCOMPARE(first.status, 201);
        QCOMPARE(first.json().value(k("matched")).toBool(), false);
        const QString id = first.json().value(k("id")).toString();
        QVERIFY(!id.isEmpty());

        const HttpResult again = create(buildBody(site, kInstructions));
        QCOMPARE(again.status, 200);
        QCOMPARE(again.json().value(k("matched")).toBool(), true);
        QCOMPARE(again.json().value(k("id")).toString(), id);
        QVERIFY(again.json().value(k("links")).isObject());

        waitFor(id, QStringLiteral("completed"));
        const HttpResult afterCompletion = create(buildBody(site, kInstructions));
        QCOMPARE(afterCompletion.status, 200);
        QCOMPARE(afterCompletion.json().value(k("matched")).toBool(), true);
        QCOMPARE(afterCompletion.json().value(k("id")).toString(), id);
        QCOMPARE(afterCompletion.json().value(k("status")).toString(), QStringLiteral("completed"));
        QVERIFY(!afterCompletion.json().value(k("endpoints")).toArray().isEmpty());

        const HttpResult other
            = create(buildBody(site, QStringLiteral("Get newest comments with text and author")));
        QCOMPARE(other.status, 201);
        QCOMPARE(other.json().value(k("matched")).toBool(), false);
        QVERIFY(other.json().value(k("id")).toString() != id);
        const HttpResult otherSite = create(buildBody(freshSite(), kInstructions));
        QCOMPARE(otherSite.status, 201);
        QCOMPARE(otherSite.json().value(k("matched")).toBool(), false);
        QVERIFY(otherSite.json().value(k("id")).toString() != id);
    }

    void waitForCompletionAnswersWhenCompleted()
    {
        // With wait_for_completion the create answers only once the 1.5 s build has completed.
        QJsonObject body
            = buildBody(freshSite(), kInstructions, QJsonObject { { k("duration_ms"), 1500 } });
        body.insert(k("wait_for_completion"), true);
        body.insert(k("timeout_ms"), 20000);
        QElapsedTimer timer;
        timer.start();
        const HttpResult r = create(body);
        const qint64 took = timer.elapsed();
        QVERIFY2(took >= 1450, qPrintable(QStringLiteral("answered after %1 ms").arg(took)));
        QVERIFY2(took < 10000, qPrintable(QStringLiteral("answered after %1 ms").arg(took)));
        QCOMPARE(r.status, 201);
        const QJsonObject o = r.json();
        QCOMPARE(o.value(k("matched")).toBool(), false);
        QCOMPARE(o.value(k("status")).toString(), QStringLiteral("completed"));
        QVERIFY(!o.value(k("endpoints")).toArray().isEmpty());
        QCOMPARE(status(o.value(k("id")).toString()), QStringLiteral("completed"));
    }

    void waitForCompletionTimesOut()
    {
        // With timeout_ms 1000 on a 6 s build the create answers 202 after about a second, still
        // building.
        QJsonObject body
            = buildBody(freshSite(), kInstructions, QJsonObject { { k("duration_ms"), 6000 } });
        body.insert(k("wait_for_completion"), true);
        body.insert(k("timeout_ms"), 1000);
        QElapsedTimer timer;
        timer.start();
        const HttpResult r = create(body);
        const qint64 took = timer.elapsed();
        QVERIFY2(took >= 950 && took < 4000,
            qPrintable(QStringLiteral("answered after %1 ms").arg(took)));
        QCOMPARE(r.status, 202);
        const QJsonObject o = r.json();
        QVERIFY(QStringList({ QStringLiteral("queued"), QStringLiteral("running") })
                    .contains(o.value(k("status")).toString()));
        QCOMPARE(o.value(k("matched")).toBool(), false);
        QVERIFY(o.value(k("endpoints")).toArray().isEmpty());
        const QString id = o.value(k("id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(status(id), QStringLiteral("running"));
        // The same request now matches the build that is still under way, and again stops waiting
        // at the timeout.
        body.remove(k("sandbox"));
        timer.restart();
        const HttpResult again = create(body);
        QVERIFY2(timer.elapsed() >= 950, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(again.status, 202);
        QCOMPARE(again.json().value(k("matched")).toBool(), true);
        QCOMPARE(again.json().value(k("id")).toString(), id);
    }

    void callAnswersEnvelope()
    {
        // POST .../endpoints/{name}:call answers the normalized envelope with `limit` items of the
        // output schema.
        const QJsonObject rec = completedApi();
        const QString id = rec.value(k("id")).toString();
        const QString name = firstEndpoint(rec);
        QVERIFY(!name.isEmpty());

        const HttpResult r = call(id, name, QJsonObject { { k("limit"), 3 } });
        QCOMPARE(r.status, 200);
        const QJsonObject o = r.json();
        QCOMPARE(sortedKeys(o),
            sorted({ QStringLiteral("status"), QStringLiteral("status_code"),
                QStringLiteral("data"), QStringLiteral("error"), QStringLiteral("error_code"),
                QStringLiteral("execution_time") }));
        QCOMPARE(o.value(k("status_code")).toInt(), 200);
        QVERIFY(o.value(k("status")).isString());
        QVERIFY(o.value(k("error")).isNull());
        QVERIFY(o.value(k("error_code")).isNull());
        QVERIFY(o.value(k("execution_time")).isDouble());
        QVERIFY(o.value(k("execution_time")).toDouble() >= 0);
        const QJsonArray items = o.value(k("data")).toObject().value(k("items")).toArray();
        QCOMPARE(items.size(), 3);
        for (const QJsonValue &v : items) {
            const QJsonObject item = v.toObject();
            QCOMPARE(sortedKeys(item),
                sorted({ QStringLiteral("title"), QStringLiteral("score"),
                    QStringLiteral("author") }));
            QVERIFY(item.value(k("title")).isString());
            QVERIFY(
                isWholeNumber(item.value(k("score")))); // declared "integer" in the output schema
            QVERIFY(item.value(k("author")).isString());
        }

        const HttpResult many = call(id, name, QJsonObject { { k("limit"), 25 } });
        QCOMPARE(many.status, 200);
        QCOMPARE(many.json().value(k("data")).toObject().value(k("items")).toArray().size(), 25);
        // The input schema's default applies when limit is left out.
        const int fallback = rec.value(k("endpoints"))
                                 .toArray()
                                 .at(0)
                                 .toObject()
                                 .value(k("input_schema"))
                                 .toObject()
                                 .value(k("properties"))
                                 .toObject()
                                 .value(k("limit"))
                                 .toObject()
                                 .value(k("default"))
                                 .toInt();
        QVERIFY(fallback > 0);
        const HttpResult byDefault = m_http.postRaw(
            api(id, QStringLiteral("/endpoints/") + name + QStringLiteral(":call")), {}, key());
        QCOMPARE(byDefault.status, 200);
        QCOMPARE(byDefault.json().value(k("data")).toObject().value(k("items")).toArray().size(),
            fallback);
    }

    void callRejectsInvalidInput()
    {
        // Input that breaks the endpoint's input_schema answers a 400 envelope with error_code
        // INVALID_INPUT.
        const QJsonObject rec = completedApi();
        const QString id = rec.value(k("id")).toString();
        const QString name = firstEndpoint(rec);
        verifyInvalidInput(call(id, name, QJsonObject { { k("limit"), 1000 } }));
        verifyInvalidInput(call(id, name, QJsonObject { { k("limit"), 0 } }));
        verifyInvalidInput(call(
            id, name, QJsonObject { { k("limit"), 2 }, { k("colour"), QStringLiteral("red") } }));
        verifyInvalidInput(call(id, name, QJsonObject { { k("limit"), QStringLiteral("ten") } }));
        // A valid call still works afterwards.
        QCOMPARE(call(id, name, QJsonObject { { k("limit"), 1 } }).status, 200);
    }

    void callHostErrors()
    {
        // Unknown endpoint (404), unknown API (404), missing key (401) and a still-building API
        // (409) answer {"error"}.
        const QJsonObject rec = completedApi();
        const QString id = rec.value(k("id")).toString();
        const QString name = firstEndpoint(rec);
        verifyHostError(
            call(id, QStringLiteral("no_such_endpoint"), QJsonObject { { k("limit"), 1 } }), 404);
        verifyHostError(
            call(QStringLiteral("api_doesnotexist"), name, QJsonObject { { k("limit"), 1 } }), 404);
        verifyHostError(
            m_http.post(api(id, QStringLiteral("/endpoints/") + name + QStringLiteral(":call")),
                QJsonObject { { k("limit"), 1 } }),
            401);

        const QString building = createId(buildBody(
            freshSite(), kInstructions, QJsonObject { { k("hold"), QStringLiteral("queued") } }));
        QVERIFY(!building.isEmpty());
        verifyHostError(call(building, name, QJsonObject { { k("limit"), 1 } }), 409);
        QCOMPARE(m_sb->act(m_http, building, QStringLiteral("hold"),
                         QJsonObject { { k("state"), QStringLiteral("running") } })
                     .value(k("ok"))
                     .toBool(),
            true);
        waitFor(building, QStringLiteral("running"));
        verifyHostError(call(building, name, QJsonObject { { k("limit"), 1 } }), 409);
        m_sb->act(m_http, building, QStringLiteral("release"));
        waitFor(building, QStringLiteral("completed"));
        QCOMPARE(call(building, name, QJsonObject { { k("limit"), 1 } }).status, 200);
    }

    void needsInputPausesUntilRespond()
    {
        // A build that needs input answers the waiting create with needs_input and a prompt; a
        // valid respond completes it.
        QJsonObject body = buildBody(freshSite(), kInstructions,
            QJsonObject { { k("needs_input"), true }, { k("duration_ms"), 600 } });
        body.insert(k("wait_for_completion"), true);
        body.insert(k("timeout_ms"), 20000);
        const HttpResult r = create(body);
        QVERIFY2(r.status == 200 || r.status == 201, r.body.constData());
        QJsonObject o = r.json();
        QCOMPARE(o.value(k("status")).toString(), QStringLiteral("needs_input"));
        const QString id = o.value(k("id")).toString();
        QVERIFY(!id.isEmpty());
        const QJsonObject prompt = o.value(k("user_input_prompt")).toObject();
        QVERIFY(prompt.value(k("message")).isString());
        QVERIFY(!prompt.value(k("message")).toString().isEmpty());
        const QJsonObject schema = prompt.value(k("input_schema")).toObject();
        QCOMPARE(schema.value(k("type")).toString(), QStringLiteral("object"));
        QVERIFY(schema.value(k("properties")).toObject().contains(k("region")));
        QVERIFY(o.value(k("endpoints")).toArray().isEmpty());

        // GET shows the same pause; it stays paused.
        spin(300);
        o = record(id);
        QCOMPARE(o.value(k("status")).toString(), QStringLiteral("needs_input"));
        QCOMPARE(o.value(k("user_input_prompt")).toObject(), prompt);
        const QJsonObject health = m_http.get(api(id, QStringLiteral("/health")), key()).json();
        QCOMPARE(health.value(k("recommended_action")).toString(), QStringLiteral("respond"));

        // Responses that do not match the prompt's schema are refused and change nothing.
        const QString respondUrl = api(id, QStringLiteral("/respond"));
        verifyHostError(m_http.post(respondUrl,
                            QJsonObject { { k("response"),
                                QJsonObject { { k("region"), QStringLiteral("mars") } } } },
                            key()),
            400);
        verifyHostError(
            m_http.post(respondUrl, QJsonObject { { k("response"), QJsonObject {} } }, key()), 400);
        verifyHostError(
            m_http.post(respondUrl,
                QJsonObject { { k("response"), QJsonObject { { k("region"), 7 } } } }, key()),
            400);
        verifyHostError(
            m_http.post(respondUrl, QJsonObject { { k("response"), QStringLiteral("eu") } }, key()),
            400);
        verifyHostError(
            m_http.post(respondUrl, QJsonObject { { k("region"), QStringLiteral("eu") } }, key()),
            400);
        verifyHostError(m_http.post(respondUrl,
                            QJsonObject { { k("response"),
                                QJsonObject { { k("region"), QStringLiteral("eu") } } } }),
            401);
        QCOMPARE(status(id), QStringLiteral("needs_input"));

        // A valid response (waiting for completion) lets the build continue to completed.
        QElapsedTimer timer;
        timer.start();
        const HttpResult answered = m_http.post(respondUrl,
            QJsonObject { { k("response"), QJsonObject { { k("region"), QStringLiteral("eu") } } },
                { k("wait_for_completion"), true }, { k("timeout_ms"), 20000 } },
            key());
        QCOMPARE(answered.status, 200);
        QCOMPARE(answered.json().value(k("status")).toString(), QStringLiteral("completed"));
        QVERIFY2(timer.elapsed() >= 200,
            "the rest of the build takes time"); // about half of the 600 ms build remained
        o = record(id);
        QCOMPARE(o.value(k("status")).toString(), QStringLiteral("completed"));
        QVERIFY(!o.contains(k("user_input_prompt")));
        QVERIFY(!o.value(k("endpoints")).toArray().isEmpty());

        // respond only works while the API is in needs_input.
        verifyHostError(m_http.post(respondUrl,
                            QJsonObject { { k("response"),
                                QJsonObject { { k("region"), QStringLiteral("eu") } } } },
                            key()),
            409);
    }

    void respondOutsideNeedsInputIs409()
    {
        // respond on a queued, running or completed API answers 409 {"error"}.
        const QJsonObject response { { k("response"),
            QJsonObject { { k("region"), QStringLiteral("us") } } } };
        const QString held = createId(buildBody(
            freshSite(), kInstructions, QJsonObject { { k("hold"), QStringLiteral("queued") } }));
        QVERIFY(!held.isEmpty());
        verifyHostError(m_http.post(api(held, QStringLiteral("/respond")), response, key()), 409);
        m_sb->act(m_http, held, QStringLiteral("hold"),
            QJsonObject { { k("state"), QStringLiteral("running") } });
        waitFor(held, QStringLiteral("running"));
        verifyHostError(m_http.post(api(held, QStringLiteral("/respond")), response, key()), 409);
        QCOMPARE(status(held), QStringLiteral("running"));
        m_sb->act(m_http, held, QStringLiteral("release"));

        const QString done = completedApi().value(k("id")).toString();
        QVERIFY(!done.isEmpty());
        verifyHostError(m_http.post(api(done, QStringLiteral("/respond")), response, key()), 409);
        QCOMPARE(status(done), QStringLiteral("completed"));
    }

    void failedBuildExplainsWhy()
    {
        // A failed build carries failure_reason_code, failure.non_publishable_reason and the full
        // failure.artifact, and publishes nothing.
        QJsonObject body = buildBody(freshSite(), kInstructions,
            QJsonObject {
                { k("fail"), QStringLiteral("NO_STABLE_SURFACE") }, { k("duration_ms"), 400 } });
        body.insert(k("wait_for_completion"), true);
        const HttpResult r = create(body);
        QVERIFY2(r.status == 200 || r.status == 201, r.body.constData());
        const QString id = r.json().value(k("id")).toString();
        QVERIFY(!id.isEmpty());
        const QJsonObject o = record(id);
        QCOMPARE(o.value(k("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(r.json().value(k("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(o.value(k("failure_reason_code")).toString(), QStringLiteral("NO_STABLE_SURFACE"));
        const QJsonObject failure = o.value(k("failure")).toObject();
        QVERIFY(failure.value(k("non_publishable_reason")).isString());
        QVERIFY(!failure.value(k("non_publishable_reason")).toString().isEmpty());
        const QJsonObject artifact = failure.value(k("artifact")).toObject();
        QVERIFY(!artifact.value(k("class")).toString().isEmpty());
        QVERIFY(artifact.value(k("retryable")).isBool());
        QVERIFY(!artifact.value(k("billing")).toString().isEmpty());
        QVERIFY(!artifact.value(k("suggested_action")).toString().isEmpty());
        QVERIFY(!artifact.value(k("support_debug_id")).toString().isEmpty());
        QVERIFY(o.value(k("endpoints")).toArray().isEmpty());

        // No endpoint to call, nothing to export.
        verifyHostError(
            call(id, QStringLiteral("get_top_stories"), QJsonObject { { k("limit"), 1 } }), 409);
        verifyHostError(m_http.get(api(id, QStringLiteral("/exports/openapi")), key()), 409);
        verifyHostError(m_http.get(api(id, QStringLiteral("/exports/mcp")), key()), 409);
        const QJsonObject health = m_http.get(api(id, QStringLiteral("/health")), key()).json();
        QCOMPARE(health.value(k("status")).toString(), QStringLiteral("failed"));
        QVERIFY(!health.value(k("recommended_action")).toString().isEmpty());
        QVERIFY(health.value(k("recommended_action")).toString() != QLatin1String("wait"));

        // Rebuilding a failed API is allowed and, the cause being gone, publishes the contract.
        const HttpResult rebuilt = m_http.post(api(id, QStringLiteral("/rebuild")), {}, key());
        QVERIFY2(rebuilt.status == 200 || rebuilt.status == 202, rebuilt.body.constData());
        const QJsonObject after = waitFor(id, QStringLiteral("completed"));
        QCOMPARE(after.value(k("status")).toString(), QStringLiteral("completed"));
        QVERIFY(!after.contains(k("failure")));
        QVERIFY(!after.contains(k("failure_reason_code")));
        QVERIFY(!after.value(k("endpoints")).toArray().isEmpty());
    }

    void reviseRebuildsFromNewInstructions()
    {
        // revise with new instructions goes back to queued, then completes with endpoints derived
        // from the new instructions.
        const QJsonObject before = completedApi();
        const QString id = before.value(k("id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(firstEndpoint(before), QStringLiteral("get_top_stories"));
        // Calls to the endpoint that the revision replaces (one of them an error).
        QCOMPARE(
            call(id, QStringLiteral("get_top_stories"), QJsonObject { { k("limit"), 2 } }).status,
            200);
        QCOMPARE(
            call(id, QStringLiteral("get_top_stories"), QJsonObject { { k("limit"), 500 } }).status,
            400);
        const QString revised = QStringLiteral("List newest jobs with company, role and location");
        const HttpResult r = m_http.post(api(id, QStringLiteral("/revise")),
            QJsonObject { { k("instructions"), revised } }, key());
        QVERIFY2(r.status == 200 || r.status == 202, r.body.constData());
        const QJsonObject o = r.json();
        QCOMPARE(o.value(k("id")).toString(), id);
        QVERIFY(o.value(k("endpoints")).toArray().isEmpty());
        QCOMPARE(o.value(k("build")).toObject().value(k("number")).toInt(),
            before.value(k("build")).toObject().value(k("number")).toInt() + 1);

        const QJsonObject after = waitFor(id, QStringLiteral("completed"));
        QCOMPARE(after.value(k("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(after.value(k("source_url")).toString(), before.value(k("source_url")).toString());
        QCOMPARE(after.value(k("instructions")).toString(), revised);
        const QJsonArray endpoints = after.value(k("endpoints")).toArray();
        QCOMPARE(endpoints.size(), 1);
        const QJsonObject e = endpoints.at(0).toObject();
        QCOMPARE(e.value(k("endpoint_name")).toString(), QStringLiteral("list_newest_jobs"));
        QCOMPARE(strings(e.value(k("runtime_verification"))
                             .toObject()
                             .value(k("observed_fields"))
                             .toArray()),
            (QStringList {
                QStringLiteral("company"), QStringLiteral("role"), QStringLiteral("location") }));
        // The old endpoint is gone, the new one answers.
        verifyHostError(
            call(id, QStringLiteral("get_top_stories"), QJsonObject { { k("limit"), 1 } }), 404);
        const HttpResult c
            = call(id, QStringLiteral("list_newest_jobs"), QJsonObject { { k("limit"), 2 } });
        QCOMPARE(c.status, 200);
        const QJsonObject item
            = c.json().value(k("data")).toObject().value(k("items")).toArray().at(0).toObject();
        QCOMPARE(sortedKeys(item),
            sorted(
                { QStringLiteral("company"), QStringLiteral("role"), QStringLiteral("location") }));
        // Health counts the calls of the newly published binding only, not those of the endpoint it
        // replaced.
        const QJsonObject health = m_http.get(api(id, QStringLiteral("/health")), key()).json();
        const QJsonArray bindings = health.value(k("bindings")).toArray();
        QCOMPARE(bindings.size(), 1);
        QCOMPARE(bindings.at(0).toObject().value(k("endpoint_name")).toString(),
            QStringLiteral("list_newest_jobs"));
        QCOMPARE(bindings.at(0).toObject().value(k("calls")).toInt(), 1);
        QCOMPARE(bindings.at(0).toObject().value(k("errors")).toInt(), 0);
        QCOMPARE(health.value(k("quality_score")).toDouble(), 1.0);
        // Checked last so the rest is verified either way: the revise answer shows the build back
        // in queued, as a create's does.
        QCOMPARE(o.value(k("status")).toString(), QStringLiteral("queued"));
    }

    void reviseNeedsInstructions()
    {
        // revise without instructions (missing, empty or blank) answers 400 {"error"} and leaves
        // the API as it was.
        const QJsonObject before = completedApi();
        const QString id = before.value(k("id")).toString();
        QVERIFY(!id.isEmpty());
        verifyHostError(
            m_http.post(api(id, QStringLiteral("/revise")), QJsonObject {}, key()), 400);
        verifyHostError(m_http.postRaw(api(id, QStringLiteral("/revise")), {}, key()), 400);
        verifyHostError(m_http.post(api(id, QStringLiteral("/revise")),
                            QJsonObject { { k("instructions"), QString() } }, key()),
            400);
        verifyHostError(m_http.post(api(id, QStringLiteral("/revise")),
                            QJsonObject { { k("instructions"), QStringLiteral("   ") } }, key()),
            400);
        const QJsonObject after = record(id);
        QCOMPARE(after.value(k("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(after.value(k("instructions")).toString(), kInstructions);
        QCOMPARE(after.value(k("build")).toObject().value(k("number")).toInt(),
            before.value(k("build")).toObject().value(k("number")).toInt());
    }

    void rebuildIncrementsBuildNumber()
    {
        // rebuild keeps the instructions and starts build n+1 (queued first); a rebuild or revise
        // while building is 409.
        const QJsonObject before = completedApi();
        const QString id = before.value(k("id")).toString();
        QVERIFY(!id.isEmpty());
        const int number = before.value(k("build")).toObject().value(k("number")).toInt();
        QVERIFY(number >= 1);

        const HttpResult r = m_http.post(api(id, QStringLiteral("/rebuild")), {}, key());
        QVERIFY2(r.status == 200 || r.status == 202, r.body.constData());
        QCOMPARE(r.json().value(k("id")).toString(), id);
        QCOMPARE(r.json().value(k("build")).toObject().value(k("number")).toInt(), number + 1);

        verifyHostError(m_http.post(api(id, QStringLiteral("/rebuild")), {}, key()), 409);
        verifyHostError(
            m_http.post(api(id, QStringLiteral("/revise")),
                QJsonObject { { k("instructions"), QStringLiteral("Get jobs with title") } },
                key()),
            409);

        const QJsonObject after = waitFor(id, QStringLiteral("completed"));
        QCOMPARE(after.value(k("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(after.value(k("build")).toObject().value(k("number")).toInt(), number + 1);
        QCOMPARE(after.value(k("instructions")).toString(), kInstructions);
        QCOMPARE(after.value(k("endpoints")).toArray(), before.value(k("endpoints")).toArray());

        const HttpResult again = m_http.post(api(id, QStringLiteral("/rebuild")), {}, key());
        QVERIFY2(again.status == 200 || again.status == 202, again.body.constData());
        QCOMPARE(again.json().value(k("build")).toObject().value(k("number")).toInt(), number + 2);
        waitFor(id, QStringLiteral("completed"));
        // Checked last so the rest is verified either way: the rebuild answers show the build back
        // in queued.
        QCOMPARE(r.json().value(k("status")).toString(), QStringLiteral("queued"));
        QCOMPARE(again.json().value(k("status")).toString(), QStringLiteral("queued"));
    }

    void healthReportsStageThenBindings()
    {
        // Health shows stage diagnostics while building, then per-binding call/error counters,
        // quality_score and recommended_action.
        const QString id = createId(buildBody(freshSite(), kInstructions,
            QJsonObject { { k("hold"), QStringLiteral("running") }, { k("duration_ms"), 400 } }));
        QVERIFY(!id.isEmpty());
        waitFor(id, QStringLiteral("running"));
        HttpResult r = m_http.get(api(id, QStringLiteral("/health")), key());
        QCOMPARE(r.status, 200);
        QJsonObject h = r.json();
        QCOMPARE(h.value(k("stage")).toString(), QStringLiteral("running"));
        QVERIFY(h.value(k("diagnostics")).isObject());
        QVERIFY(!h.value(k("diagnostics")).toObject().isEmpty());
        QCOMPARE(h.value(k("recommended_action")).toString(), QStringLiteral("wait"));
        QVERIFY(h.value(k("bindings")).toArray().isEmpty()); // nothing published yet

        m_sb->act(m_http, id, QStringLiteral("release"));
        const QJsonObject rec = waitFor(id, QStringLiteral("completed"));
        const QString name = firstEndpoint(rec);
        auto binding = [&](const QJsonObject &health) {
            for (const QJsonValue &b : health.value(k("bindings")).toArray()) {
                if (b.toObject().value(k("endpoint_name")).toString() == name)
                    return b.toObject();
            }
            return QJsonObject();
        };
        r = m_http.get(api(id, QStringLiteral("/health")), key());
        QCOMPARE(r.status, 200);
        h = r.json();
        QCOMPARE(
            h.value(k("bindings")).toArray().size(), rec.value(k("endpoints")).toArray().size());
        QJsonObject b = binding(h);
        QVERIFY2(!b.isEmpty(), r.body.constData());
        QCOMPARE(b.value(k("calls")).toInt(), 0);
        QCOMPARE(b.value(k("errors")).toInt(), 0);
        QVERIFY(h.value(k("quality_score")).isDouble());
        QVERIFY(!h.value(k("recommended_action")).toString().isEmpty());

        for (int i = 0; i < 3; ++i)
            QCOMPARE(call(id, name, QJsonObject { { k("limit"), 2 } }).status, 200);
        h = m_http.get(api(id, QStringLiteral("/health")), key()).json();
        b = binding(h);
        QCOMPARE(b.value(k("calls")).toInt(), 3);
        QCOMPARE(b.value(k("errors")).toInt(), 0);
        const double clean = h.value(k("quality_score")).toDouble();
        QVERIFY(clean >= 0 && clean <= 1);
        QVERIFY(!h.value(k("recommended_action")).toString().isEmpty());

        QCOMPARE(call(id, name, QJsonObject { { k("limit"), 1000 } }).status, 400);
        h = m_http.get(api(id, QStringLiteral("/health")), key()).json();
        b = binding(h);
        QCOMPARE(b.value(k("calls")).toInt(), 4);
        QCOMPARE(b.value(k("errors")).toInt(), 1);
        const double dirty = h.value(k("quality_score")).toDouble();
        QVERIFY(dirty >= 0 && dirty < clean);
        QVERIFY(!h.value(k("recommended_action")).toString().isEmpty());
        // Host errors never reach a binding and are not counted.
        QCOMPARE(call(id, QStringLiteral("no_such_endpoint"), QJsonObject {}).status, 404);
        QCOMPARE(binding(m_http.get(api(id, QStringLiteral("/health")), key()).json())
                     .value(k("calls"))
                     .toInt(),
            4);
    }

    void exportsProjectTheContract()
    {
        // The OpenAPI 3.1 export has a ":call" path per endpoint and the MCP export a tool per
        // endpoint; both are 409 before completion.
        const QString building = createId(buildBody(
            freshSite(), kInstructions, QJsonObject { { k("hold"), QStringLiteral("queued") } }));
        QVERIFY(!building.isEmpty());
        verifyHostError(m_http.get(api(building, QStringLiteral("/exports/openapi")), key()), 409);
        verifyHostError(m_http.get(api(building, QStringLiteral("/exports/mcp")), key()), 409);
        m_sb->act(m_http, building, QStringLiteral("release"));

        const QJsonObject rec = completedApi();
        const QString id = rec.value(k("id")).toString();
        const QJsonArray endpoints = rec.value(k("endpoints")).toArray();
        QVERIFY(!endpoints.isEmpty());

        HttpResult r = m_http.get(api(id, QStringLiteral("/exports/openapi")), key());
        QCOMPARE(r.status, 200);
        const QJsonObject spec = r.json();
        QCOMPARE(spec.value(k("openapi")).toString(), QStringLiteral("3.1.0"));
        QVERIFY(spec.value(k("info")).toObject().contains(k("title")));
        QVERIFY(spec.value(k("info")).toObject().contains(k("version")));
        const QJsonObject paths = spec.value(k("paths")).toObject();
        QCOMPARE(paths.size(), endpoints.size());
        for (const QJsonValue &v : endpoints) {
            const QString name = v.toObject().value(k("endpoint_name")).toString();
            const QString path = QStringLiteral("/v1/apis/%1/endpoints/%2:call").arg(id, name);
            QVERIFY2(
                paths.contains(path), qPrintable(QStringList(paths.keys()).join(QLatin1Char(' '))));
            QVERIFY(path.endsWith(QLatin1String(":call")));
            const QJsonObject post = paths.value(path).toObject().value(k("post")).toObject();
            QVERIFY(!post.isEmpty());
            QCOMPARE(post.value(k("requestBody"))
                         .toObject()
                         .value(k("content"))
                         .toObject()
                         .value(k("application/json"))
                         .toObject()
                         .value(k("schema"))
                         .toObject(),
                v.toObject().value(k("input_schema")).toObject());
        }
        for (const QString &p : paths.keys())
            QVERIFY2(p.endsWith(QLatin1String(":call")), qPrintable(p));
        // The spec's server plus a path is a working runtime route.
        const QString server
            = spec.value(k("servers")).toArray().at(0).toObject().value(k("url")).toString();
        QVERIFY(!server.isEmpty());
        const HttpResult viaSpec
            = m_http.post(server + paths.keys().first(), QJsonObject { { k("limit"), 2 } }, key());
        QCOMPARE(viaSpec.status, 200);
        QCOMPARE(viaSpec.json().value(k("data")).toObject().value(k("items")).toArray().size(), 2);

        r = m_http.get(api(id, QStringLiteral("/exports/mcp")), key());
        QCOMPARE(r.status, 200);
        const QJsonArray tools = r.json().value(k("tools")).toArray();
        QCOMPARE(tools.size(), endpoints.size());
        for (qsizetype i = 0; i < tools.size(); ++i) {
            const QJsonObject tool = tools.at(i).toObject();
            const QJsonObject e = endpoints.at(i).toObject();
            QCOMPARE(tool.value(k("name")).toString(), e.value(k("endpoint_name")).toString());
            QVERIFY(tool.value(k("inputSchema")).isObject());
            QCOMPARE(
                tool.value(k("inputSchema")).toObject(), e.value(k("input_schema")).toObject());
        }
    }

    void authAndUnknownApi()
    {
        // Every route answers 401 {"error"} without (or with a wrong) X-API-Key, and 404 {"error"}
        // for an unknown API.
        const QString id = completedApi().value(k("id")).toString();
        QVERIFY(!id.isEmpty());
        const Headers wrong { { "X-API-Key", "peel_sandbox_wrong" } };
        const Headers bearer { { "Authorization", "Bearer " + m_sb->key("peel") } };
        for (const Headers &h : { Headers {}, wrong, bearer }) {
            verifyHostError(m_http.post(apis(), buildBody(freshSite(), kInstructions), h), 401);
            verifyHostError(m_http.get(api(id), h), 401);
            verifyHostError(m_http.get(api(id, QStringLiteral("/health")), h), 401);
            verifyHostError(m_http.get(api(id, QStringLiteral("/exports/openapi")), h), 401);
            verifyHostError(m_http.get(api(id, QStringLiteral("/exports/mcp")), h), 401);
            verifyHostError(m_http.post(api(id, QStringLiteral("/rebuild")), {}, h), 401);
            verifyHostError(m_http.post(api(id, QStringLiteral("/revise")),
                                QJsonObject { { k("instructions"), kInstructions } }, h),
                401);
            verifyHostError(m_http.post(api(id, QStringLiteral("/respond")),
                                QJsonObject { { k("response"), QJsonObject {} } }, h),
                401);
            verifyHostError(m_http.post(api(id, QStringLiteral("/endpoints/get_top_stories:call")),
                                QJsonObject {}, h),
                401);
        }
        QCOMPARE(status(id), QStringLiteral("completed")); // none of those did anything

        const QString unknown = QStringLiteral("api_0000000000000000");
        verifyHostError(m_http.get(api(unknown), key()), 404);
        verifyHostError(m_http.get(api(unknown, QStringLiteral("/health")), key()), 404);
        verifyHostError(m_http.get(api(unknown, QStringLiteral("/exports/openapi")), key()), 404);
        verifyHostError(m_http.get(api(unknown, QStringLiteral("/exports/mcp")), key()), 404);
        verifyHostError(m_http.post(api(unknown, QStringLiteral("/rebuild")), {}, key()), 404);
        verifyHostError(m_http.post(api(unknown, QStringLiteral("/revise")),
                            QJsonObject { { k("instructions"), kInstructions } }, key()),
            404);
        verifyHostError(m_http.post(api(unknown, QStringLiteral("/respond")),
                            QJsonObject { { k("response"), QJsonObject {} } }, key()),
            404);
        verifyHostError(call(unknown, QStringLiteral("get_top_stories"), QJsonObject {}), 404);
    }
};

QTEST_GUILESS_MAIN(TestPeelSandbox)
#include "tst_peelsandbox.moc"
