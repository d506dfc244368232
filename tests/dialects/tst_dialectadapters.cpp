#include "dialects/adapter.h"
#include "dialects/deapiadapter.h"
#include "dialects/imagepipelineadapter.h"
#include "dialects/peakoadapter.h"
#include "dialects/peeladapter.h"
#include "dialects/peelapiadapter.h"
#include "net/sseparser.h"
#include "recorded.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <cmath>
#include <limits>

using namespace Dialects;
using Core::Dialect;
using Core::JobState;
using Kind = Core::JobError::Kind;

namespace {

// The documents' own examples, verbatim (shared/seeds/000…004).
namespace Documented {

// 000 PeelAPI
const QByteArray PeelApiProcessing = QByteArray(R"json({
  "data": {
    "status": "processing",
    "created_at": "2025-10-21T10:30:00Z",
    "outputs": null,
    "error": null
  },
  "errors": null
})json");

const QByteArray PeelApiSucceeded = QByteArray(R"json({
  "data": {
    "id": "job_abc123",
    "status": "succeeded",
    "progress": 1.0,
    "outputs": {
      "results": [
        {
          "url": "https://static.peelapi.com/.../output_1.png"
        },
        {
          "url": "https://static.peelapi.com/.../output_2.png"
        }
      ]
    },
    "error": null
  },
  "errors": null
})json");

const QByteArray PeelApiStream = QByteArray(R"sse(event: status
data: {"status":"processing","output":null}

event: log
data: {"level":"info","message":"Processing input","created_at":"2025-10-21T10:30:05Z"}

event: log
data: {"level":"info","message":"Running model inference","created_at":"2025-10-21T10:30:12Z"}

event: result
data: {"images":[{"w256":"https://static.peelapi.com/.../output_1_w256.png","w512":"https://static.peelapi.com/.../output_1_w512.png","w1024":"https://static.peelapi.com/.../output_1_w1024.png","full":"https://static.peelapi.com/.../output_1.png"}],"request_duration_s":45,"model_id":"portrait-1-pro","style_id":123}

event: end
data: succeeded

)sse");

// 001 ImagePipeline
const QByteArray IpQueued = QByteArray(R"json({
"job_id": "job_a1b2c3",
"status": "queued",
"endpoint": "/generate/image/v1",
"estimated_time_seconds": 8,
"queued_at": "2026-05-30T12:00:00Z"
})json");

const QByteArray IpStatus = QByteArray(R"json({
"job_id": "job_a1b2c3",
"status": "completed",
"progress": 100,
"result_url": "https://cdn.imagepipeline.io/...signed...",
"result_mime_type": "image/webp",
"queue_wait_seconds": 1.1,
"inference_time_seconds": 6.2,
"total_elapsed_seconds": 7.3,
"credits_charged": true,
"credits_amount": 1
})json");

const QByteArray IpWebhook = QByteArray(R"json({
"job_id": "job_a1b2c3",
"user_id": "usr_123",
"status": "completed",
"result_url": "https://cdn.imagepipeline.io/...signed...",
"result_mime_type": "image/webp",
"result_size_bytes": 184320,
"timestamp": 1769774400
})json");

// 003 Peako
const QByteArray PeakoActive = QByteArray(R"json({
"jobId": "550e8400-e29b-41d4-a716-446655440000",
"status": "active",
"progress": 0.45,
"createdAt": 1709767500000,
"updatedAt": 1709767520000
})json");

const QByteArray PeakoRenderDone = QByteArray(R"json({
"jobId": "550e8400-e29b-41d4-a716-446655440000",
"status": "done",
"outputUrl": "https://peako.shin0x.space/assets/rendered-video-uuid.mp4",
"createdAt": 1709767500000,
"updatedAt": 1709767620000
})json");

const QByteArray PeakoTranscriptionDone = QByteArray(R"json({
"jobId": "550e8400-e29b-41d4-a716-446655440000",
"status": "done",
"captions": [
{ "id": "1", "from": 0, "to": 2000, "text": "First caption" },
{ "id": "2", "from": 2000, "to": 4000, "text": "Second caption" }
],
"createdAt": 1709767500000,
"updatedAt": 1709767620000
})json");

const QByteArray PeakoFailed = QByteArray(R"json({
"jobId": "550e8400-e29b-41d4-a716-446655440000",
"status": "failed",
"error": "Video codec not supported",
"createdAt": 1709767500000,
"updatedAt": 1709767620000
})json");

const QByteArray PeakoList = QByteArray(R"json({
"jobs": [
{
"id": "job-uuid-1",
"type": "PEAKO_RENDER",
"status": "done",
"progress": 1.0,
"createdAt": 1709767620000,
"outputUrl": "https://peako.shin0x.space/assets/output-uuid.mp4"
},
{
"id": "job-uuid-2",
"type": "PEAKO_TRANSCRIBE",
"status": "active",
"progress": 0.5,
"createdAt": 1709767500000
}
],
"activeWorkers": 2,
"totalWorkers": 4,
"maxWorkers": 4,
"isTeamOwner": false
})json");

const QByteArray PeakoCancelled = QByteArray(R"json({
"jobId": "550e8400-e29b-41d4-a716-446655440000",
"status": "cancelled"
})json");

// 004 deAPI
const QByteArray DeApiSubmit
    = QByteArray(R"json({"data": {"request_id": "123e4567-e89b-12d3-a456-426614174000"}})json");

const QByteArray DeApiWebhook = QByteArray(R"json({
"event" : "job.completed" ,
"data" : {
"job_request_id" : "123e4567-e89b-12d3-a456-426614174000" ,
"status" : "done" ,
"job_type" : "txt2img" ,
"result_url" : "https://storage.deapi.ai/results/.../output.png" ,
"processing_time_ms" : 45000
}
})json");

} // namespace Documented

const QString Base = QStringLiteral("http://127.0.0.1:4321/prefix");

Core::Profile profileFor(Dialect d, const QString &base = Base)
{
    Core::Profile p;
    p.dialect = d;
    p.name = Core::dialectName(d);
    p.baseUrl = QUrl(base);
    p.apiKey = QStringLiteral("KEY-") + Core::dialectName(d);
    p.clientId = QStringLiteral("3835");
    return p;
}

std::unique_ptr<Adapter> make(Dialect d, const QString &base = Base)
{
    return Adapter::create(profileFor(d, base));
}

QList<Net::SseEvent> sseEvents(const QByteArray &stream)
{
    QList<Net::SseEvent> events;
    Net::SseParser parser;
    parser.setEventHandler([&events](const Net::SseEvent &e) { events.append(e); });
    parser.feed(stream);
    parser.finish();
    return events;
}

// The `data` string of a Pusher frame, as the transport hands it to parsePusherEvent.
QPair<QString, QByteArray> pusherData(const QByteArray &frame)
{
    const QJsonObject o = QJsonDocument::fromJson(frame).object();
    return { o.value(QLatin1String("event")).toString(),
        o.value(QLatin1String("data")).toString().toUtf8() };
}

QJsonObject json(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

// Readable comparisons of the optional fields.
QString stateOf(const Core::JobUpdate &u)
{
    return u.state ? Core::stateName(*u.state) : QStringLiteral("<none>");
}

double progressOf(const Core::JobUpdate &u)
{
    return u.progress ? *u.progress : -1.0;
}

// What every update must satisfy whatever it was made from.
void checkInvariants(const Core::JobUpdate &u, const QByteArray &what)
{
    if (u.progress)
        QVERIFY2(std::isfinite(*u.progress) && *u.progress >= 0.0 && *u.progress <= 1.0,
            what.constData());
    if (u.state)
        QVERIFY2(!u.rawStatus.isEmpty(), what.constData());
    for (const Core::Output &o : u.outputs) {
        QVERIFY2(!o.name.contains(QLatin1Char('/')) && !o.name.contains(QLatin1Char('\\')),
            what.constData());
        QVERIFY2(o.name != QLatin1String(".."), what.constData());
    }
    QVERIFY2(u.problem.size() < 4000, what.constData());
    QVERIFY2(u.error.message.size() < 4000 || u.error.kind == Kind::Job, what.constData());
}

const QList<Dialect> AllDialects
    = { Dialect::PeelApi, Dialect::ImagePipeline, Dialect::Peel, Dialect::Peako, Dialect::DeApi };

// Exposes the protected helper under test.
class ProgressProbe : public PeakoAdapter
{
public:
    using Adapter::clampProgress;
    using PeakoAdapter::PeakoAdapter;
};

} // namespace

class TestDialectAdapters : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // --- factory, requests
    void createPicksTheDialectsClass();
    void requestBuilders_data();
    void requestBuilders();
    void callsADialectDoesNotHaveAreNullopt();
    void baseUrlPrefixIsKeptWithOrWithoutSlash_data();
    void baseUrlPrefixIsKeptWithOrWithoutSlash();
    void idsAndTasksCannotEscapeTheirSegment();
    void authHeaderIsLeftOutWithoutAUsableKey();
    void pusherAuthFallsBackToTheBaseUrl();

    // --- errors, progress, polling
    void errorFromStatusClasses_data();
    void errorFromStatusClasses();
    void errorFromReadsEachDialectsShape_data();
    void errorFromReadsEachDialectsShape();
    void errorFromHugeOrForeignBodies();
    void clampProgress_data();
    void clampProgress();
    void pollPolicies();
    void peakoPollsByContentLength_data();
    void peakoPollsByContentLength();

    // --- PeelAPI
    void peelApiSubmitRecorded();
    void peelApiStatusDocumented();
    void peelApiStatusRecorded();
    void peelApiErrorMayBeAPlainString();
    void peelApiSseDocumented();
    void peelApiSseRecorded();
    void peelApiSseFailedRecorded();
    void peelApiSseOddEvents();

    // --- ImagePipeline
    void imagePipelineSubmitDocumentedAndRecorded();
    void imagePipelineStatusDocumented();
    void imagePipelineStatesRecorded_data();
    void imagePipelineStatesRecorded();
    void imagePipelineFailureRecorded();
    void imagePipelineWebhookDocumented();
    void imagePipelineWebhooksRecorded();

    // --- Peel
    void peelCreateRecorded();
    void peelRecordsRecorded();
    void peelFailureRecorded();
    void peelErrorsRecorded();

    // --- Peako
    void peakoSubmitRecorded();
    void peakoStatusDocumented();
    void peakoStatusRecorded();
    void peakoCancelRecorded();
    void peakoListDocumentedAndRecorded();
    void peakoListHostile_data();
    void peakoListHostile();

    // --- deAPI
    void deApiSubmitDocumentedAndRecorded();
    void deApiStatusRecorded();
    void deApiPusherFramesRecorded();
    void deApiPusherOddEvents();
    void deApiWebhookDocumentedAndRecorded();
    void deApiPreviewForms();

    // --- shared rules and hostile input
    void unknownStatusKeepsTheRawWord();
    void failedWithoutErrorStillGetsAJobError();
    void statusAboutAnotherJobIsAProblem();
    void non2xxStatusGivesErrorAndNoState();
    void submitWithoutIdIsAProtocolError();
    void submitIdFieldsInOrder_data();
    void submitIdFieldsInOrder();
    void outputNamesFromUrls_data();
    void outputNamesFromUrls();
    void hostileStatusBodies_data();
    void hostileStatusBodies();
    void hostileEventBodies_data();
    void hostileEventBodies();
    void hostileInputNeverBreaksAnyParser();
    void hugeBodiesStayCheap();
    void defaultsOfDialectsWithoutAChannel();
};

// ---------------------------------------------------------------- factory, requests

void TestDialectAdapters::createPicksTheDialectsClass()
{
    // create() returns the adapter of the profile's dialect, with its callback field and channel.
    for (Dialect d : AllDialects) {
        auto a = make(d);
        QVERIFY(a);
        QCOMPARE(a->dialect(), d);
        QCOMPARE(a->profile().baseUrl, QUrl(Base));
    }
    QVERIFY(dynamic_cast<PeelApiAdapter *>(make(Dialect::PeelApi).get()));
    QVERIFY(dynamic_cast<ImagePipelineAdapter *>(make(Dialect::ImagePipeline).get()));
    QVERIFY(dynamic_cast<PeelAdapter *>(make(Dialect::Peel).get()));
    QVERIFY(dynamic_cast<PeakoAdapter *>(make(Dialect::Peako).get()));
    QVERIFY(dynamic_cast<DeApiAdapter *>(make(Dialect::DeApi).get()));
    QCOMPARE(make(Dialect::ImagePipeline)->callbackField(), QStringLiteral("callback_url"));
    QCOMPARE(make(Dialect::DeApi)->callbackField(), QStringLiteral("webhook_url"));
    QCOMPARE(make(Dialect::PeelApi)->callbackField(), QString());
    QCOMPARE(make(Dialect::Peel)->callbackField(), QString());
    QCOMPARE(make(Dialect::Peako)->callbackField(), QString());
    QCOMPARE(make(Dialect::DeApi)->pusherChannel(), QStringLiteral("private-client.3835"));
    QCOMPARE(make(Dialect::PeelApi)->pusherChannel(), QString());
    Core::Profile noClient = profileFor(Dialect::DeApi);
    noClient.clientId.clear();
    QCOMPARE(Adapter::create(noClient)->pusherChannel(), QString());
}

namespace {
std::optional<RequestSpec> build(const Adapter &a, const QString &op)
{
    const JobRef job { QStringLiteral("j1"), QString() };
    if (op.startsWith(QLatin1String("submit ")))
        return a.submit(
            op.mid(7), QJsonObject { { QLatin1String("prompt"), QStringLiteral("fox") } });
    if (op == QLatin1String("status"))
        return a.status(job);
    if (op.startsWith(QLatin1String("status ")))
        return a.status(JobRef { QStringLiteral("j1"), op.mid(7) });
    if (op == QLatin1String("stream"))
        return a.stream(job);
    if (op == QLatin1String("cancel"))
        return a.cancel(job);
    if (op == QLatin1String("list"))
        return a.list();
    if (op == QLatin1String("respond"))
        return a.respond(job,
            QJsonObject { { QLatin1String("response"),
                QJsonObject { { QLatin1String("region"), QStringLiteral("eu") } } } });
    if (op == QLatin1String("revise"))
        return a.revise(
            job, QJsonObject { { QLatin1String("instructions"), QStringLiteral("only titles") } });
    if (op == QLatin1String("rebuild"))
        return a.rebuild(job);
    if (op == QLatin1String("health"))
        return a.health(job);
    if (op.startsWith(QLatin1String("export ")))
        return a.exportSpec(job, op.mid(7));
    if (op == QLatin1String("call"))
        return a.call(QStringLiteral("api_1"), QStringLiteral("get_top_stories"),
            QJsonObject { { QLatin1String("limit"), 2 } });
    if (op == QLatin1String("pusherAuth"))
        return a.pusherAuth(QStringLiteral("123.456"), QStringLiteral("private-client.3835"));
    return std::nullopt;
}
} // namespace

void TestDialectAdapters::requestBuilders_data()
{
    QTest::addColumn<int>("dialect");
    QTest::addColumn<QString>("op");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QByteArray>("authName");
    QTest::addColumn<QByteArray>("authValue");
    QTest::addColumn<QByteArray>("accept");
    QTest::addColumn<QByteArray>(
        "body"); // JSON, compared as parsed; empty: no body, no Content-Type

    const QByteArray bearerPeelApi = "Bearer KEY-peelapi";
    const QByteArray bearerDeApi = "Bearer KEY-deapi";
    const QByteArray json = "application/json";
    const QByteArray fox = R"({"prompt":"fox"})";
    auto row = [&](const char *name, Dialect d, const char *op, const char *method,
                   const char *path, const QByteArray &authName, const QByteArray &authValue,
                   const QByteArray &accept, const QByteArray &body) {
        QTest::newRow(name) << int(d) << QString::fromLatin1(op) << QByteArray(method)
                            << (Base + QString::fromLatin1(path)) << authName << authValue << accept
                            << body;
    };
    row("peelapi submit", Dialect::PeelApi, "submit v1/portrait", "POST", "/v1/portrait",
        "Authorization", bearerPeelApi, json, fox);
    row("peelapi submit /", Dialect::PeelApi, "submit /v1/portrait", "POST", "/v1/portrait",
        "Authorization", bearerPeelApi, json, fox);
    row("peelapi status", Dialect::PeelApi, "status", "GET", "/v1/jobs/j1", "Authorization",
        bearerPeelApi, json, {});
    row("peelapi stream", Dialect::PeelApi, "stream", "GET", "/v1/jobs/j1/stream", "Authorization",
        bearerPeelApi, "text/event-stream", {});
    row("imagepipeline submit", Dialect::ImagePipeline, "submit generate/image/v1", "POST",
        "/generate/image/v1", "X-API-Key", "KEY-imagepipeline", json, fox);
    row("imagepipeline status", Dialect::ImagePipeline, "status edit/image/v1", "GET",
        "/edit/image/v1/status/j1", "X-API-Key", "KEY-imagepipeline", json, {});
    row("imagepipeline status /task", Dialect::ImagePipeline, "status /upscale/image/v1", "GET",
        "/upscale/image/v1/status/j1", "X-API-Key", "KEY-imagepipeline", json, {});
    row("imagepipeline status no task", Dialect::ImagePipeline, "status", "GET",
        "/generate/image/v1/status/j1", "X-API-Key", "KEY-imagepipeline", json, {});
    row("peel submit", Dialect::Peel, "submit v1/apis", "POST", "/v1/apis", "X-API-Key", "KEY-peel",
        json, fox);
    row("peel status", Dialect::Peel, "status", "GET", "/v1/apis/j1", "X-API-Key", "KEY-peel", json,
        {});
    row("peel respond", Dialect::Peel, "respond", "POST", "/v1/apis/j1/respond", "X-API-Key",
        "KEY-peel", json, R"({"response":{"region":"eu"}})");
    row("peel revise", Dialect::Peel, "revise", "POST", "/v1/apis/j1/revise", "X-API-Key",
        "KEY-peel", json, R"({"instructions":"only titles"})");
    row("peel rebuild", Dialect::Peel, "rebuild", "POST", "/v1/apis/j1/rebuild", "X-API-Key",
        "KEY-peel", json, "{}");
    row("peel health", Dialect::Peel, "health", "GET", "/v1/apis/j1/health", "X-API-Key",
        "KEY-peel", json, {});
    row("peel export openapi", Dialect::Peel, "export openapi", "GET",
        "/v1/apis/j1/exports/openapi", "X-API-Key", "KEY-peel", json, {});
    row("peel export mcp", Dialect::Peel, "export mcp", "GET", "/v1/apis/j1/exports/mcp",
        "X-API-Key", "KEY-peel", json, {});
    row("peel call", Dialect::Peel, "call", "POST", "/v1/apis/api_1/endpoints/get_top_stories:call",
        "X-API-Key", "KEY-peel", json, R"({"limit":2})");
    row("peako render", Dialect::Peako, "submit api/render", "POST", "/api/render", "X-API-Key",
        "KEY-peako", json, fox);
    row("peako transcribe", Dialect::Peako, "submit api/transcribe", "POST", "/api/transcribe",
        "X-API-Key", "KEY-peako", json, fox);
    row("peako trim", Dialect::Peako, "submit /api/video/trim", "POST", "/api/video/trim",
        "X-API-Key", "KEY-peako", json, fox);
    row("peako status", Dialect::Peako, "status", "GET", "/api/jobs/j1", "X-API-Key", "KEY-peako",
        json, {});
    row("peako cancel", Dialect::Peako, "cancel", "DELETE", "/api/jobs/j1", "X-API-Key",
        "KEY-peako", json, {});
    row("peako list", Dialect::Peako, "list", "GET", "/api/jobs", "X-API-Key", "KEY-peako", json,
        {});
    row("deapi submit", Dialect::DeApi, "submit api/v1/client/txt2img", "POST",
        "/api/v1/client/txt2img", "Authorization", bearerDeApi, json, fox);
    row("deapi status", Dialect::DeApi, "status", "GET", "/api/v1/client/request-status/j1",
        "Authorization", bearerDeApi, json, {});
    row("deapi pusher auth", Dialect::DeApi, "pusherAuth", "POST", "/broadcasting/auth",
        "Authorization", bearerDeApi, json,
        R"({"socket_id":"123.456","channel_name":"private-client.3835"})");
}

void TestDialectAdapters::requestBuilders()
{
    // Every request builder: method, URL under the base path prefix, auth header, Accept, JSON
    // body.
    QFETCH(int, dialect);
    QFETCH(QString, op);
    QFETCH(QByteArray, method);
    QFETCH(QString, url);
    QFETCH(QByteArray, authName);
    QFETCH(QByteArray, authValue);
    QFETCH(QByteArray, accept);
    QFETCH(QByteArray, body);
    auto a = make(Dialect(dialect));
    const std::optional<RequestSpec> spec = build(*a, op);
    QVERIFY(spec);
    QCOMPARE(spec->method, method);
    QCOMPARE(spec->url.toString(QUrl::FullyEncoded), url);
    QCOMPARE(spec->header(authName), authValue);
    QCOMPARE(spec->header("Accept"), accept);
    // Exactly one auth header, and never the other dialects' one.
    const QByteArray other
        = authName == "X-API-Key" ? QByteArray("Authorization") : QByteArray("X-API-Key");
    QVERIFY(spec->header(other).isEmpty());
    if (body.isEmpty()) {
        QVERIFY(spec->body.isEmpty());
        QVERIFY(spec->header("Content-Type").isEmpty());
    } else {
        QCOMPARE(spec->header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(json(spec->body), json(body));
    }
    if (op == QLatin1String("stream"))
        QCOMPARE(spec->header("Cache-Control"), QByteArray("no-cache"));
}

void TestDialectAdapters::callsADialectDoesNotHaveAreNullopt()
{
    // Only the documented calls exist: each optional builder is nullopt on the other dialects.
    const QStringList ops = { QStringLiteral("stream"), QStringLiteral("cancel"),
        QStringLiteral("list"), QStringLiteral("respond"), QStringLiteral("revise"),
        QStringLiteral("rebuild"), QStringLiteral("health"), QStringLiteral("export openapi"),
        QStringLiteral("call"), QStringLiteral("pusherAuth") };
    const QMap<QString, Dialect> owner = { { QStringLiteral("stream"), Dialect::PeelApi },
        { QStringLiteral("cancel"), Dialect::Peako }, { QStringLiteral("list"), Dialect::Peako },
        { QStringLiteral("respond"), Dialect::Peel }, { QStringLiteral("revise"), Dialect::Peel },
        { QStringLiteral("rebuild"), Dialect::Peel }, { QStringLiteral("health"), Dialect::Peel },
        { QStringLiteral("export openapi"), Dialect::Peel },
        { QStringLiteral("call"), Dialect::Peel },
        { QStringLiteral("pusherAuth"), Dialect::DeApi } };
    for (Dialect d : AllDialects) {
        auto a = make(d);
        for (const QString &op : ops)
            QVERIFY2(build(*a, op).has_value() == (owner.value(op) == d),
                qPrintable(Core::dialectName(d) + QLatin1Char(' ') + op));
    }
    QVERIFY(!make(Dialect::Peel)
                 ->exportSpec(JobRef { QStringLiteral("a"), {} }, QStringLiteral("yaml")));
    QVERIFY(
        make(Dialect::Peel)->exportSpec(JobRef { QStringLiteral("a"), {} }, QStringLiteral("MCP")));
}

void TestDialectAdapters::baseUrlPrefixIsKeptWithOrWithoutSlash_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("url");
    QTest::newRow("prefix") << QStringLiteral("http://127.0.0.1:8787/peako")
                            << QStringLiteral("http://127.0.0.1:8787/peako/api/jobs/x");
    QTest::newRow("prefix/") << QStringLiteral("http://127.0.0.1:8787/peako/")
                             << QStringLiteral("http://127.0.0.1:8787/peako/api/jobs/x");
    QTest::newRow("deep prefix") << QStringLiteral("https://gw.example/a/b/peako//")
                                 << QStringLiteral("https://gw.example/a/b/peako/api/jobs/x");
    QTest::newRow("no path") << QStringLiteral("https://peako.shin0x.space")
                             << QStringLiteral("https://peako.shin0x.space/api/jobs/x");
    QTest::newRow("root") << QStringLiteral("https://peako.shin0x.space/")
                          << QStringLiteral("https://peako.shin0x.space/api/jobs/x");
    QTest::newRow("fragment dropped")
        << QStringLiteral("http://h:1/p#frag") << QStringLiteral("http://h:1/p/api/jobs/x");
}

void TestDialectAdapters::baseUrlPrefixIsKeptWithOrWithoutSlash()
{
    // request() joins base URL and path whatever the slashes, keeping the base's own path prefix.
    QFETCH(QString, base);
    QFETCH(QString, url);
    auto a = make(Dialect::Peako, base);
    QCOMPARE(a->status(JobRef { QStringLiteral("x"), {} }).url.toString(QUrl::FullyEncoded), url);
}

void TestDialectAdapters::idsAndTasksCannotEscapeTheirSegment()
{
    // Hostile ids are percent-encoded into one segment; "..", "." and empty task segments are
    // dropped.
    auto peako = make(Dialect::Peako);
    QCOMPARE(
        peako->status(JobRef { QStringLiteral("a/b?c#d e"), {} }).url.toString(QUrl::FullyEncoded),
        Base + QStringLiteral("/api/jobs/a%2Fb%3Fc%23d%20e"));
    // QUrl decodes %2E back (it is unreserved), so a ".." id stays ".." on the wire: it can at most
    // name another path of the same host and base, never another host.
    QCOMPARE(
        peako->status(JobRef { QStringLiteral(".."), {} }).url.host(), QStringLiteral("127.0.0.1"));
    QCOMPARE(peako->cancel(JobRef { QStringLiteral("é"), {} })->url.toString(QUrl::FullyEncoded),
        Base + QStringLiteral("/api/jobs/%C3%A9"));
    QCOMPARE(peako->submit(QStringLiteral("../../admin//api/render/."), {})
                 .url.toString(QUrl::FullyEncoded),
        Base + QStringLiteral("/admin/api/render"));
    auto ip = make(Dialect::ImagePipeline);
    QCOMPARE(ip->status(JobRef { QStringLiteral("j"), QStringLiteral("../..") })
                 .url.toString(QUrl::FullyEncoded),
        Base + QStringLiteral("/generate/image/v1/status/j"));
    auto peel = make(Dialect::Peel);
    QCOMPARE(peel->call(QStringLiteral("a/b"), QStringLiteral("x:y"), {})
                 ->url.toString(QUrl::FullyEncoded),
        Base + QStringLiteral("/v1/apis/a%2Fb/endpoints/x%3Ay:call"));
    // The body of an empty object submit is still JSON.
    QCOMPARE(peako->submit(QStringLiteral("api/render"), {}).body, QByteArray("{}"));
}

void TestDialectAdapters::authHeaderIsLeftOutWithoutAUsableKey()
{
    // No key, or a key with a line break, sends no auth header; surrounding whitespace is trimmed.
    for (Dialect d : AllDialects) {
        Core::Profile p = profileFor(d);
        p.apiKey.clear();
        const RequestSpec none = Adapter::create(p)->status(JobRef { QStringLiteral("j"), {} });
        QVERIFY(none.header("Authorization").isEmpty() && none.header("X-API-Key").isEmpty());
        p.apiKey = QStringLiteral("abc\r\nX-Evil: 1");
        const RequestSpec broken = Adapter::create(p)->status(JobRef { QStringLiteral("j"), {} });
        QVERIFY(broken.header("Authorization").isEmpty() && broken.header("X-API-Key").isEmpty());
        QVERIFY(broken.header("X-Evil").isEmpty());
        p.apiKey = QStringLiteral("  abc \n");
        const RequestSpec trimmed = Adapter::create(p)->status(JobRef { QStringLiteral("j"), {} });
        QVERIFY(trimmed.header("Authorization") == "Bearer abc"
            || trimmed.header("X-API-Key") == "abc");
    }
}

void TestDialectAdapters::pusherAuthFallsBackToTheBaseUrl()
{
    // pusherAuth posts to profile.authUrl when set (absolute or relative), else
    // {base}/broadcasting/auth.
    Core::Profile p = profileFor(Dialect::DeApi);
    QCOMPARE(
        Adapter::create(p)->pusherAuth(QStringLiteral("1.2"), QStringLiteral("c"))->url.toString(),
        Base + QStringLiteral("/broadcasting/auth"));
    p.authUrl = QUrl(QStringLiteral("https://api.deapi.ai/broadcasting/auth"));
    const auto spec = Adapter::create(p)->pusherAuth(
        QStringLiteral("1.2"), QStringLiteral("private-client.3835"));
    QCOMPARE(spec->url.toString(), QStringLiteral("https://api.deapi.ai/broadcasting/auth"));
    QCOMPARE(spec->header("Authorization"), QByteArray("Bearer KEY-deapi"));
    QCOMPARE(json(spec->body),
        (QJsonObject { { QLatin1String("socket_id"), QStringLiteral("1.2") },
            { QLatin1String("channel_name"), QStringLiteral("private-client.3835") } }));
    p.authUrl = QUrl(QStringLiteral("/custom/auth"));
    QCOMPARE(
        Adapter::create(p)->pusherAuth(QStringLiteral("1.2"), QStringLiteral("c"))->url.toString(),
        QStringLiteral("http://127.0.0.1:4321/custom/auth"));
    // The default profile of the real service posts to its documented auth URL.
    const Core::Profile real = Core::Profile::defaultsFor(Dialect::DeApi);
    QCOMPARE(Adapter::create(real)
                 ->pusherAuth(QStringLiteral("1.2"), QStringLiteral("c"))
                 ->url.toString(),
        QStringLiteral("https://api.deapi.ai/broadcasting/auth"));
}

// ---------------------------------------------------------------- errors, progress, polling

void TestDialectAdapters::errorFromStatusClasses_data()
{
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<int>("networkError");
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("retryable");
    QTest::newRow("refused") << 0 << int(QNetworkReply::ConnectionRefusedError)
                             << int(Kind::Network) << true;
    QTest::newRow("host not found")
        << 0 << int(QNetworkReply::HostNotFoundError) << int(Kind::Network) << true;
    QTest::newRow("tls") << 0 << int(QNetworkReply::SslHandshakeFailedError) << int(Kind::Network)
                         << true;
    QTest::newRow("timeout") << 0 << int(QNetworkReply::TimeoutError) << int(Kind::Timeout) << true;
    QTest::newRow("cancelled") << 0 << int(QNetworkReply::OperationCanceledError)
                               << int(Kind::Timeout) << true;
    QTest::newRow("2xx cut off") << 200 << int(QNetworkReply::RemoteHostClosedError)
                                 << int(Kind::Network) << true;
    QTest::newRow("200") << 200 << 0 << int(Kind::None) << false;
    QTest::newRow("204") << 204 << 0 << int(Kind::None) << false;
    QTest::newRow("302") << 302 << 0 << int(Kind::Http) << false;
    QTest::newRow("400") << 400 << 0 << int(Kind::Invalid) << false;
    QTest::newRow("401") << 401 << 0 << int(Kind::Auth) << false;
    QTest::newRow("403") << 403 << 0 << int(Kind::Auth) << false;
    QTest::newRow("404") << 404 << 0 << int(Kind::NotFound) << false;
    QTest::newRow("409") << 409 << 0 << int(Kind::Conflict) << false;
    QTest::newRow("413") << 413 << 0 << int(Kind::Http) << false;
    QTest::newRow("422") << 422 << 0 << int(Kind::Invalid) << false;
    QTest::newRow("429") << 429 << 0 << int(Kind::RateLimit) << true;
    QTest::newRow("500") << 500 << 0 << int(Kind::Http) << true;
    QTest::newRow("502 with network error")
        << 502 << int(QNetworkReply::InternalServerError) << int(Kind::Http) << true;
    QTest::newRow("503") << 503 << 0 << int(Kind::Http) << true;
    QTest::newRow("599") << 599 << 0 << int(Kind::Http) << true;
    QTest::newRow("418") << 418 << 0 << int(Kind::Http) << false;
}

void TestDialectAdapters::errorFromStatusClasses()
{
    // errorFrom maps no-answer, timeouts and each HTTP status class to its kind, for every dialect.
    QFETCH(int, httpStatus);
    QFETCH(int, networkError);
    QFETCH(int, kind);
    QFETCH(bool, retryable);
    for (Dialect d : AllDialects) {
        const Core::JobError e = make(d)->errorFrom(httpStatus, networkError, QByteArray());
        QCOMPARE(int(e.kind), kind);
        QCOMPARE(e.retryable, retryable);
        if (kind != int(Kind::None)) {
            QVERIFY(!e.message.isEmpty());
            QCOMPARE(e.httpStatus, httpStatus);
            QCOMPARE(e.networkError, networkError);
        }
    }
    const Core::JobError withText = make(Dialect::Peako)
                                        ->errorFrom(0, QNetworkReply::ConnectionRefusedError, {},
                                            QStringLiteral("Connection refused"));
    QCOMPARE(withText.message, QStringLiteral("Connection refused"));
}

void TestDialectAdapters::errorFromReadsEachDialectsShape_data()
{
    QTest::addColumn<int>("dialect");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    auto row = [](const char *name, Dialect d, int status, const QByteArray &body, Kind kind,
                   const char *code, const char *message) {
        QTest::newRow(name) << int(d) << status << body << int(kind) << QString::fromUtf8(code)
                            << QString::fromUtf8(message);
    };
    row("peelapi 401", Dialect::PeelApi, 401, Recorded::PeelApi401, Kind::Auth, "unauthorized",
        "Missing or invalid API key (Authorization: Bearer ...)");
    row("peelapi 404", Dialect::PeelApi, 404, Recorded::PeelApi404, Kind::NotFound, "not_found",
        "Job job_nope not found");
    row("peelapi 404 endpoint", Dialect::PeelApi, 404, Recorded::PeelApi404Endpoint, Kind::NotFound,
        "unknown_endpoint", "There is no endpoint /v1/nonsense");
    row("peelapi 422", Dialect::PeelApi, 422, Recorded::PeelApi422, Kind::Invalid,
        "invalid_request", "prompt: is required");
    row("imagepipeline 401", Dialect::ImagePipeline, 401, Recorded::Ip401, Kind::Auth,
        "UNAUTHORIZED", "Missing or invalid X-API-Key header");
    row("imagepipeline 404 job", Dialect::ImagePipeline, 404, Recorded::Ip404Job, Kind::NotFound,
        "JOB_NOT_FOUND", "Job job_5524468d83c7 not found for /edit/image/v1");
    row("imagepipeline 404 endpoint", Dialect::ImagePipeline, 404, Recorded::Ip404Endpoint,
        Kind::NotFound, "UNKNOWN_ENDPOINT", "There is no compute endpoint /nope/v9");
    row("imagepipeline 422", Dialect::ImagePipeline, 422, Recorded::Ip422, Kind::Invalid,
        "INVALID_INPUT", "prompt: is required; width: must be at least 64");
    row("peel 401", Dialect::Peel, 401, Recorded::Peel401, Kind::Auth, "",
        "Missing or invalid X-API-Key");
    row("peel 404", Dialect::Peel, 404, Recorded::Peel404, Kind::NotFound, "", "Unknown API nope");
    row("peel 409 call", Dialect::Peel, 409, Recorded::PeelCall409, Kind::Conflict, "",
        "API api_6fb9136db90910dd is still building (running)");
    row("peel 409 respond", Dialect::Peel, 409, Recorded::PeelRespond409, Kind::Conflict, "",
        "API api_e61155f24565323d is completed; respond only works while it is needs_input");
    row("peel 400 revise", Dialect::Peel, 400, Recorded::PeelRevise400, Kind::Invalid, "",
        "instructions: is required to revise an API");
    row("peel 400 call envelope", Dialect::Peel, 400, Recorded::PeelCall400, Kind::Invalid,
        "INVALID_INPUT", "limit: must be an integer, not a string");
    row("peako 401", Dialect::Peako, 401, Recorded::Peako401, Kind::Auth, "",
        "Missing or invalid API key");
    row("peako 404", Dialect::Peako, 404, Recorded::Peako404, Kind::NotFound, "", "Job not found");
    row("peako 400", Dialect::Peako, 400, Recorded::Peako400, Kind::Invalid, "",
        "template: is required");
    row("peako 409", Dialect::Peako, 409, Recorded::PeakoCancel409, Kind::Conflict, "",
        "Cannot cancel: job is active");
    row("deapi 401", Dialect::DeApi, 401, Recorded::DeApi401, Kind::Auth, "", "Unauthenticated.");
    row("deapi 404", Dialect::DeApi, 404, Recorded::DeApi404, Kind::NotFound, "",
        "Request not found.");
    row("deapi 422", Dialect::DeApi, 422, Recorded::DeApi422, Kind::Invalid, "",
        "prompt: is required; width: must be an integer, not a string");
    row("deapi auth 403", Dialect::DeApi, 403, Recorded::DeApiAuth403, Kind::Auth, "",
        "This key may only subscribe to private-client.3835.");
    row("deapi auth 422 errors", Dialect::DeApi, 422, Recorded::DeApiAuth422, Kind::Invalid, "",
        "The given data was invalid. (socket_id: The socket id must look like 1234.5678.)");
    row("peelapi 429 no body", Dialect::PeelApi, 429, QByteArray(), Kind::RateLimit, "",
        "HTTP 429");
    row("deapi 502 html", Dialect::DeApi, 502, "<html><body><h1>502 Bad Gateway</h1></body></html>",
        Kind::Http, "", "HTTP 502: <html><body><h1>502 Bad Gateway</h1></body></html>");
    row("peako 500 unknown json", Dialect::Peako, 500, R"({"oops":true})", Kind::Http, "",
        "HTTP 500");
    row("peako 503 json array", Dialect::Peako, 503, R"([1,2])", Kind::Http, "", "HTTP 503");
}

void TestDialectAdapters::errorFromReadsEachDialectsShape()
{
    // errorFrom reads code and message out of each dialect's recorded error bodies.
    QFETCH(int, dialect);
    QFETCH(int, httpStatus);
    QFETCH(QByteArray, body);
    QFETCH(int, kind);
    QFETCH(QString, code);
    QFETCH(QString, message);
    const Core::JobError e = make(Dialect(dialect))->errorFrom(httpStatus, 0, body);
    QCOMPARE(int(e.kind), kind);
    QCOMPARE(e.httpStatus, httpStatus);
    QCOMPARE(e.providerCode, code);
    QCOMPARE(e.message, message);
}

void TestDialectAdapters::errorFromHugeOrForeignBodies()
{
    // A huge or binary error body yields a short message, never a copy of the body.
    const QByteArray huge(8 * 1024 * 1024, 'x');
    for (Dialect d : AllDialects) {
        const Core::JobError e = make(d)->errorFrom(500, 0, huge);
        QCOMPARE(e.kind, Kind::Http);
        QVERIFY(e.message.size() < 200);
        const QByteArray hugeJson = "{\"error\":\"" + QByteArray(2 * 1024 * 1024, 'y') + "\"}";
        QVERIFY(make(d)->errorFrom(500, 0, hugeJson).message.size() < 200);
        const Core::JobError binary
            = make(d)->errorFrom(500, 0, QByteArray("\xff\xfe\x00\x01garbage", 11));
        QCOMPARE(binary.kind, Kind::Http);
    }
}

void TestDialectAdapters::clampProgress_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<double>("scale");
    QTest::addColumn<double>("expected");
    QTest::addColumn<bool>("problem");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("0 of 1") << 0.0 << 1.0 << 0.0 << false;
    QTest::newRow("0.45 of 1") << 0.45 << 1.0 << 0.45 << false;
    QTest::newRow("1 of 1") << 1.0 << 1.0 << 1.0 << false;
    QTest::newRow("41 of 100") << 41.0 << 100.0 << 0.41 << false;
    QTest::newRow("100 of 100") << 100.0 << 100.0 << 1.0 << false;
    QTest::newRow("53.3 percent") << 53.3 << 100.0 << 0.533 << false;
    QTest::newRow("negative") << -5.0 << 100.0 << 0.0 << true;
    QTest::newRow("above 100 %") << 150.0 << 100.0 << 1.0 << true;
    QTest::newRow("1.5 of 1") << 1.5 << 1.0 << 1.0 << true;
    QTest::newRow("NaN") << nan << 1.0 << 0.0 << true;
    QTest::newRow("+inf") << inf << 1.0 << 0.0 << true;
    QTest::newRow("-inf") << -inf << 100.0 << 0.0 << true;
    QTest::newRow("zero scale") << 0.5 << 0.0 << 0.0 << true;
    QTest::newRow("NaN scale") << 0.5 << nan << 0.0 << true;
}

void TestDialectAdapters::clampProgress()
{
    // clampProgress converts to 0..1 and names out-of-range or non-finite input in a problem.
    QFETCH(double, value);
    QFETCH(double, scale);
    QFETCH(double, expected);
    QFETCH(bool, problem);
    QString text;
    const double p = ProgressProbe::clampProgress(value, scale, &text);
    QVERIFY(std::isfinite(p));
    QVERIFY(qAbs(p - expected) < 1e-12);
    QCOMPARE(!text.isEmpty(), problem);
    ProgressProbe::clampProgress(value, scale, nullptr); // a null problem pointer is allowed
}

void TestDialectAdapters::pollPolicies()
{
    // Each dialect's documented (or chosen) poll schedule.
    auto check = [](Dialect d, int first, double factor, int max) {
        const PollPolicy p
            = make(d)->pollPolicy(JobRef { QStringLiteral("j"), {} }, QJsonObject {});
        QCOMPARE(p.firstMs, first);
        QCOMPARE(p.factor, factor);
        QCOMPARE(p.maxMs, max);
    };
    check(Dialect::PeelApi, 2000, 2.0, 30000);
    check(Dialect::ImagePipeline, 2000, 2.0, 30000);
    check(Dialect::Peel, 3000, 2.0, 30000);
    check(Dialect::Peako, 3000, 1.0, 3000);
    check(Dialect::DeApi, 2000, 2.0, 30000);
}

void TestDialectAdapters::peakoPollsByContentLength_data()
{
    QTest::addColumn<QJsonObject>("input");
    QTest::addColumn<int>("interval");
    auto d = [](const QJsonValue &v) {
        return QJsonObject { { QLatin1String("template"), QStringLiteral("promo") },
            { QLatin1String("duration_s"), v } };
    };
    QTest::newRow("missing") << QJsonObject {} << 3000;
    QTest::newRow("1 s") << d(1) << 3000;
    QTest::newRow("29.9 s") << d(29.9) << 3000;
    QTest::newRow("30 s") << d(30) << 10000;
    QTest::newRow("300 s") << d(300) << 10000;
    QTest::newRow("301 s") << d(301) << 30000;
    QTest::newRow("2 h") << d(7200) << 30000;
    QTest::newRow("string") << d(QStringLiteral("600")) << 3000;
    QTest::newRow("negative") << d(-10) << 3000;
}

void TestDialectAdapters::peakoPollsByContentLength()
{
    // Peako's table by content length: <30 s every 3 s, 30 s–5 min every 10 s, >5 min every 30 s.
    QFETCH(QJsonObject, input);
    QFETCH(int, interval);
    const PollPolicy p
        = make(Dialect::Peako)
              ->pollPolicy(JobRef { QStringLiteral("j"), QStringLiteral("api/render") }, input);
    QCOMPARE(p.firstMs, interval);
    QCOMPARE(p.maxMs, interval);
    QCOMPARE(p.factor, 1.0);
}

// ---------------------------------------------------------------- PeelAPI

void TestDialectAdapters::peelApiSubmitRecorded()
{
    // The sandbox's 202 submit envelope gives the id and the queued state.
    const SubmitResult r
        = make(Dialect::PeelApi)
              ->parseSubmit(QStringLiteral("v1/portrait"), 202, Recorded::PeelApiSubmit);
    QVERIFY(!r.error.isError());
    QCOMPARE(r.jobId, QStringLiteral("job_cfeb68f890eac0dc"));
    QCOMPARE(r.update.jobId, r.jobId);
    QCOMPARE(r.update.channel, Core::Channel::Submit);
    QCOMPARE(stateOf(r.update), Core::stateName(JobState::Queued));
    QCOMPARE(r.update.rawStatus, QStringLiteral("queued"));
    QCOMPARE(progressOf(r.update), 0.0);
    QCOMPARE(r.update.timings.value(QLatin1String("created_ms")).toDouble(), 1795340480814.0);
    QVERIFY(r.update.problem.isEmpty());
    // Request errors come back through errorFrom.
    const SubmitResult bad
        = make(Dialect::PeelApi)
              ->parseSubmit(QStringLiteral("v1/portrait"), 422, Recorded::PeelApi422);
    QCOMPARE(bad.error.kind, Kind::Invalid);
    QCOMPARE(bad.error.providerCode, QStringLiteral("invalid_request"));
    QVERIFY(bad.jobId.isEmpty());
}

void TestDialectAdapters::peelApiStatusDocumented()
{
    // The document's processing and succeeded examples.
    auto a = make(Dialect::PeelApi);
    const Core::JobUpdate p = a->parseStatus(
        JobRef { QStringLiteral("job_abc123"), {} }, 200, Documented::PeelApiProcessing);
    QCOMPARE(p.jobId, QStringLiteral("job_abc123"));
    QCOMPARE(stateOf(p), Core::stateName(JobState::Running));
    QCOMPARE(p.rawStatus, QStringLiteral("processing"));
    QVERIFY(!p.progress); // the example has no progress
    QCOMPARE(p.timings.value(QLatin1String("created_ms")).toDouble(), 1761042600000.0);
    QVERIFY(p.outputs.isEmpty());
    QVERIFY(!p.error.isError());
    QVERIFY2(p.problem.isEmpty(), qPrintable(p.problem));

    const Core::JobUpdate s = a->parseStatus(
        JobRef { QStringLiteral("job_abc123"), {} }, 200, Documented::PeelApiSucceeded);
    QCOMPARE(stateOf(s), Core::stateName(JobState::Succeeded));
    QCOMPARE(progressOf(s), 1.0);
    QCOMPARE(s.outputs.size(), 2);
    QCOMPARE(s.outputs.at(0).url, QStringLiteral("https://static.peelapi.com/.../output_1.png"));
    QCOMPARE(s.outputs.at(0).name, QStringLiteral("output_1.png"));
    QCOMPARE(s.outputs.at(0).variant, QStringLiteral("full"));
    QCOMPARE(s.outputs.at(0).index, 0);
    QCOMPARE(s.outputs.at(1).name, QStringLiteral("output_2.png"));
    QCOMPARE(s.outputs.at(1).index, 1);
    QVERIFY2(s.problem.isEmpty(), qPrintable(s.problem));
}

void TestDialectAdapters::peelApiStatusRecorded()
{
    // Recorded processing, succeeded (signed URLs, duration, model) and failed (error object)
    // reads.
    auto a = make(Dialect::PeelApi);
    const Core::JobUpdate p = a->parseStatus(JobRef { QStringLiteral("job_c0115a58272a1324"), {} },
        200, Recorded::PeelApiStatusProcessing);
    QCOMPARE(stateOf(p), Core::stateName(JobState::Running));
    QCOMPARE(progressOf(p), 0.4);
    QVERIFY(p.problem.isEmpty());

    const Core::JobUpdate s = a->parseStatus(JobRef { QStringLiteral("job_cfeb68f890eac0dc"), {} },
        200, Recorded::PeelApiStatusSucceeded);
    QCOMPARE(stateOf(s), Core::stateName(JobState::Succeeded));
    QCOMPARE(s.outputs.size(), 2);
    QVERIFY(s.outputs.at(0).url.contains(
        QLatin1String("/peelapi/files/job_cfeb68f890eac0dc/output_1.png?expires=")));
    QCOMPARE(s.outputs.at(0).name, QStringLiteral("output_1.png"));
    QCOMPARE(s.outputs.at(1).name, QStringLiteral("output_2.png"));
    QCOMPARE(s.timings.value(QLatin1String("request_duration_s")).toDouble(), 1.216);
    QCOMPARE(s.extra.value(QLatin1String("model_id")).toString(), QStringLiteral("portrait-1-pro"));
    QVERIFY(s.problem.isEmpty());

    const Core::JobUpdate f = a->parseStatus(
        JobRef { QStringLiteral("job_c0115a58272a1324"), {} }, 200, Recorded::PeelApiStatusFailed);
    QCOMPARE(stateOf(f), Core::stateName(JobState::Failed));
    QCOMPARE(f.error.kind, Kind::Job);
    QCOMPARE(f.error.providerCode, QStringLiteral("no_face_detected"));
    QCOMPARE(f.error.message, QStringLiteral("No face was detected in the input image"));
    QCOMPARE(f.error.retryable, false);
    QCOMPARE(f.error.details.value(QLatin1String("code")).toString(),
        QStringLiteral("no_face_detected"));
}

void TestDialectAdapters::peelApiErrorMayBeAPlainString()
{
    // data.error as a plain string (the document does not type it) is the failure message.
    const QByteArray body
        = R"({"data":{"id":"j","status":"failed","progress":0.3,"error":"GPU on fire"},"errors":null})";
    const Core::JobUpdate u
        = make(Dialect::PeelApi)->parseStatus(JobRef { QStringLiteral("j"), {} }, 200, body);
    QCOMPARE(stateOf(u), Core::stateName(JobState::Failed));
    QCOMPARE(u.error.kind, Kind::Job);
    QCOMPARE(u.error.message, QStringLiteral("GPU on fire"));
    QVERIFY(u.error.providerCode.isEmpty());
    QVERIFY(u.problem.isEmpty());
    const QByteArray retryable
        = R"({"data":{"id":"j","status":"failed","error":{"code":"timeout","message":"took too long","retryable":true}}})";
    QCOMPARE(make(Dialect::PeelApi)
                 ->parseStatus(JobRef { QStringLiteral("j"), {} }, 200, retryable)
                 .error.retryable,
        true);
}

void TestDialectAdapters::peelApiSseDocumented()
{
    // The document's stream, split by Net::SseParser: status, two logs, one result (4 sizes), end.
    auto a = make(Dialect::PeelApi);
    const QList<Net::SseEvent> events = sseEvents(Documented::PeelApiStream);
    QCOMPARE(events.size(), 5);
    QList<Core::JobUpdate> u;
    for (const Net::SseEvent &e : events)
        u.append(a->parseSseEvent(QStringLiteral("job_abc123"), e.type, e.data, e.lastEventId));
    for (const Core::JobUpdate &x : u) {
        QCOMPARE(x.jobId, QStringLiteral("job_abc123"));
        QCOMPARE(x.channel, Core::Channel::Sse);
        QVERIFY2(x.problem.isEmpty(), qPrintable(x.problem));
        QVERIFY(x.eventKey.isEmpty()); // the example has no ids
    }
    QCOMPARE(stateOf(u[0]), Core::stateName(JobState::Running));
    QCOMPARE(u[0].rawStatus, QStringLiteral("processing"));
    QVERIFY(!u[0].progress);
    QCOMPARE(u[1].logs.size(), 1);
    QCOMPARE(u[1].logs[0].level, QStringLiteral("info"));
    QCOMPARE(u[1].logs[0].message, QStringLiteral("Processing input"));
    QCOMPARE(u[1].logs[0].timeMs, 1761042605000);
    QVERIFY(!u[1].state);
    QCOMPARE(u[2].logs[0].message, QStringLiteral("Running model inference"));
    QCOMPARE(u[3].outputs.size(), 4);
    QStringList variants;
    for (const Core::Output &o : u[3].outputs) {
        variants.append(o.variant);
        QCOMPARE(o.index, 0);
    }
    QCOMPARE(variants,
        (QStringList { QStringLiteral("w256"), QStringLiteral("w512"), QStringLiteral("w1024"),
            QStringLiteral("full") }));
    QCOMPARE(u[3].outputs[0].name, QStringLiteral("output_1_w256.png"));
    QCOMPARE(u[3].outputs[3].name, QStringLiteral("output_1.png"));
    QCOMPARE(u[3].timings.value(QLatin1String("request_duration_s")).toDouble(), 45.0);
    QCOMPARE(
        u[3].extra.value(QLatin1String("model_id")).toString(), QStringLiteral("portrait-1-pro"));
    QCOMPARE(u[3].extra.value(QLatin1String("style_id")).toInt(), 123);
    QCOMPARE(stateOf(u[4]), Core::stateName(JobState::Succeeded));
    QCOMPARE(u[4].rawStatus, QStringLiteral("succeeded"));
    QVERIFY(u[4].ended);
    QVERIFY(!u[3].ended);
}

void TestDialectAdapters::peelApiSseRecorded()
{
    // The sandbox's whole stream of a 2-image job: ids become eventKeys, every event reads cleanly.
    auto a = make(Dialect::PeelApi);
    const QList<Net::SseEvent> events = sseEvents(Recorded::PeelApiStream);
    QCOMPARE(events.size(), 13);
    int logs = 0;
    QList<Core::Output> outputs;
    QStringList keys;
    std::optional<double> lastProgress;
    for (const Net::SseEvent &e : events) {
        const Core::JobUpdate u = a->parseSseEvent(
            QStringLiteral("job_cfeb68f890eac0dc"), e.type, e.data, e.lastEventId);
        QVERIFY2(u.problem.isEmpty(), qPrintable(u.problem));
        checkInvariants(u, e.data);
        keys.append(u.eventKey);
        logs += int(u.logs.size());
        outputs += u.outputs;
        if (u.progress)
            lastProgress = u.progress;
        if (e.type == "end") {
            QVERIFY(u.ended);
            QCOMPARE(stateOf(u), Core::stateName(JobState::Succeeded));
        }
    }
    QCOMPARE(keys.first(), QStringLiteral("sse:1"));
    QCOMPARE(keys.last(), QStringLiteral("sse:13"));
    QCOMPARE(logs, 5);
    QCOMPARE(outputs.size(), 8); // 2 images × 4 sizes, one result event each
    QCOMPARE(outputs.at(0).variant, QStringLiteral("w256"));
    QCOMPARE(outputs.at(3).name, QStringLiteral("output_1.png"));
    QCOMPARE(outputs.at(7).name, QStringLiteral("output_2.png"));
    QCOMPARE(lastProgress.value_or(-1.0), 1.0);
}

void TestDialectAdapters::peelApiSseFailedRecorded()
{
    // A recorded failed stream (resumed after Last-Event-ID 3): the failed status carries the
    // error.
    auto a = make(Dialect::PeelApi);
    const QList<Net::SseEvent> events = sseEvents(Recorded::PeelApiStreamFailedTail);
    QCOMPARE(events.size(), 6);
    const Core::JobUpdate log = a->parseSseEvent(
        QStringLiteral("j"), events[3].type, events[3].data, events[3].lastEventId);
    QCOMPARE(log.logs.value(0).level, QStringLiteral("error"));
    const Core::JobUpdate failed = a->parseSseEvent(
        QStringLiteral("j"), events[4].type, events[4].data, events[4].lastEventId);
    QCOMPARE(failed.eventKey, QStringLiteral("sse:8"));
    QCOMPARE(stateOf(failed), Core::stateName(JobState::Failed));
    QCOMPARE(progressOf(failed), 0.4);
    QCOMPARE(failed.error.kind, Kind::Job);
    QCOMPARE(failed.error.providerCode, QStringLiteral("no_face_detected"));
    const Core::JobUpdate end = a->parseSseEvent(
        QStringLiteral("j"), events[5].type, events[5].data, events[5].lastEventId);
    QVERIFY(end.ended);
    QCOMPARE(stateOf(end), Core::stateName(JobState::Failed));
    QCOMPARE(end.error.kind, Kind::Job); // a failed end always explains itself
}

void TestDialectAdapters::peelApiSseOddEvents()
{
    // Unknown event types give only a problem; bad data gives a problem; end accepts quoted forms.
    auto a = make(Dialect::PeelApi);
    for (const QByteArray &type : { QByteArray("message"), QByteArray("ping"), QByteArray("error"),
             QByteArray("\xff\xfe") }) {
        const Core::JobUpdate u
            = a->parseSseEvent(QStringLiteral("j"), type, R"({"status":"failed"})", "7");
        QVERIFY(!u.problem.isEmpty());
        QVERIFY(!u.state && u.rawStatus.isEmpty() && u.outputs.isEmpty() && u.logs.isEmpty()
            && !u.ended);
        QCOMPARE(u.eventKey, QStringLiteral("sse:7"));
    }
    QCOMPARE(stateOf(a->parseSseEvent(QStringLiteral("j"), "end", "\"failed\"", "9")),
        Core::stateName(JobState::Failed));
    QCOMPARE(
        stateOf(a->parseSseEvent(QStringLiteral("j"), "end", R"({"status":"succeeded"})", "9")),
        Core::stateName(JobState::Succeeded));
    const Core::JobUpdate weird = a->parseSseEvent(QStringLiteral("j"), "end", "processing", "9");
    QVERIFY(weird.ended);
    QVERIFY(!weird.state);
    QVERIFY(weird.problem.contains(QLatin1String("unknown end")));
    const Core::JobUpdate notJson = a->parseSseEvent(QStringLiteral("j"), "status", "{nope", "1");
    QVERIFY(notJson.problem.startsWith(QLatin1String("status event: ")));
    QVERIFY(!notJson.state);
    const Core::JobUpdate noStatus
        = a->parseSseEvent(QStringLiteral("j"), "status", R"({"progress":0.5})", "1");
    QCOMPARE(progressOf(noStatus), 0.5);
    QVERIFY(noStatus.problem.contains(QLatin1String("no status")));
    const Core::JobUpdate badLog = a->parseSseEvent(QStringLiteral("j"), "log",
        R"({"level":"WARNING","message":"m","created_at":"yesterday"})", "2");
    QCOMPARE(badLog.logs.value(0).level, QStringLiteral("warn"));
    QCOMPARE(badLog.logs.value(0).timeMs, 0);
    QVERIFY(badLog.problem.contains(QLatin1String("not an ISO 8601 time")));
    const Core::JobUpdate badResult = a->parseSseEvent(QStringLiteral("j"), "result",
        R"({"images":["x",{"full":5,"w256":"https://h/a_w256.png"}]})", "3");
    QCOMPARE(badResult.outputs.size(), 1);
    QCOMPARE(badResult.outputs[0].index, 1);
    QVERIFY(badResult.problem.contains(QLatin1String("images[0]")));
    QVERIFY(badResult.problem.contains(QLatin1String("images[1].full")));
}

// ---------------------------------------------------------------- ImagePipeline

void TestDialectAdapters::imagePipelineSubmitDocumentedAndRecorded()
{
    // The documented JobQueuedResponse and the sandbox's: id, queued, endpoint, queued_at,
    // estimate.
    auto a = make(Dialect::ImagePipeline);
    const SubmitResult d
        = a->parseSubmit(QStringLiteral("generate/image/v1"), 202, Documented::IpQueued);
    QCOMPARE(d.jobId, QStringLiteral("job_a1b2c3"));
    QCOMPARE(stateOf(d.update), Core::stateName(JobState::Queued));
    QCOMPARE(d.update.rawStatus, QStringLiteral("queued"));
    QCOMPARE(d.update.extra.value(QLatin1String("endpoint")).toString(),
        QStringLiteral("/generate/image/v1"));
    QCOMPARE(d.update.timings.value(QLatin1String("created_ms")).toDouble(), 1780142400000.0);
    QCOMPARE(d.update.timings.value(QLatin1String("estimated_s")).toDouble(), 8.0);
    QVERIFY(d.update.problem.isEmpty());
    const SubmitResult r
        = a->parseSubmit(QStringLiteral("generate/image/v1"), 202, Recorded::IpSubmit);
    QCOMPARE(r.jobId, QStringLiteral("job_5524468d83c7"));
    QCOMPARE(r.update.timings.value(QLatin1String("created_ms")).toDouble(), 1795340482292.0);
    const SubmitResult bad
        = a->parseSubmit(QStringLiteral("nope/v9"), 404, Recorded::Ip404Endpoint);
    QCOMPARE(bad.error.kind, Kind::NotFound);
    QCOMPARE(bad.error.providerCode, QStringLiteral("UNKNOWN_ENDPOINT"));
}

void TestDialectAdapters::imagePipelineStatusDocumented()
{
    // The documented JobStatusResponse: completed, 100 %, result, timings, credits.
    const Core::JobUpdate u = make(Dialect::ImagePipeline)
                                  ->parseStatus(JobRef { QStringLiteral("job_a1b2c3"),
                                                    QStringLiteral("generate/image/v1") },
                                      200, Documented::IpStatus);
    QCOMPARE(stateOf(u), Core::stateName(JobState::Succeeded));
    QCOMPARE(u.rawStatus, QStringLiteral("completed"));
    QCOMPARE(progressOf(u), 1.0);
    QCOMPARE(u.outputs.size(), 1);
    QCOMPARE(u.outputs[0].url, QStringLiteral("https://cdn.imagepipeline.io/...signed..."));
    QCOMPARE(u.outputs[0].mimeType, QStringLiteral("image/webp"));
    QCOMPARE(u.outputs[0].size, -1); // not in the status example
    QCOMPARE(u.timings.value(QLatin1String("queue_wait_s")).toDouble(), 1.1);
    QCOMPARE(u.timings.value(QLatin1String("inference_s")).toDouble(), 6.2);
    QCOMPARE(u.timings.value(QLatin1String("total_s")).toDouble(), 7.3);
    QCOMPARE(u.credits,
        (QJsonObject { { QLatin1String("charged"), true }, { QLatin1String("amount"), 1 } }));
    QVERIFY(!u.error.isError());
    QVERIFY2(u.problem.isEmpty(), qPrintable(u.problem));
}

void TestDialectAdapters::imagePipelineStatesRecorded_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("state");
    QTest::addColumn<QString>("raw");
    QTest::addColumn<double>("progress");
    QTest::newRow("queued") << Recorded::IpStatusQueued << int(JobState::Queued)
                            << QStringLiteral("queued") << 0.0;
    QTest::newRow("pending") << Recorded::IpStatusPending << int(JobState::Queued)
                             << QStringLiteral("pending") << 0.0;
    QTest::newRow("processing") << Recorded::IpStatusProcessing << int(JobState::Running)
                                << QStringLiteral("processing") << 0.41;
    QTest::newRow("completed") << Recorded::IpStatusCompleted << int(JobState::Succeeded)
                               << QStringLiteral("completed") << 1.0;
    QTest::newRow("failed") << Recorded::IpStatusFailed << int(JobState::Failed)
                            << QStringLiteral("failed") << 0.49;
    QTest::newRow("cancelled") << Recorded::IpStatusCancelled << int(JobState::Cancelled)
                               << QStringLiteral("cancelled") << 0.0;
}

void TestDialectAdapters::imagePipelineStatesRecorded()
{
    // Every recorded ImagePipeline state, queued and pending both Queued with the raw word kept.
    QFETCH(QByteArray, body);
    QFETCH(int, state);
    QFETCH(QString, raw);
    QFETCH(double, progress);
    const QString id = json(body).value(QLatin1String("job_id")).toString();
    const Core::JobUpdate u
        = make(Dialect::ImagePipeline)
              ->parseStatus(JobRef { id, QStringLiteral("generate/image/v1") }, 200, body);
    QCOMPARE(int(*u.state), state);
    QCOMPARE(u.rawStatus, raw);
    QVERIFY(u.progress && qAbs(*u.progress - progress) < 1e-9);
    QVERIFY2(u.problem.isEmpty(), qPrintable(u.problem));
    QVERIFY(u.timings.contains(QLatin1String("total_s")));
    QCOMPARE(u.credits.value(QLatin1String("charged")).toBool(), raw == QLatin1String("completed"));
    if (raw == QLatin1String("completed")) {
        QCOMPARE(u.outputs.size(), 1);
        QCOMPARE(u.outputs[0].name, QStringLiteral("result.webp"));
        QCOMPARE(u.outputs[0].size, 2432);
        QCOMPARE(u.outputs[0].mimeType, QStringLiteral("image/webp"));
        QCOMPARE(u.timings.value(QLatin1String("queue_wait_s")).toDouble(), 0.002);
    }
}

void TestDialectAdapters::imagePipelineFailureRecorded()
{
    // A recorded failure: error, failure_reason_code and retryable become the Job error.
    const Core::JobUpdate u = make(Dialect::ImagePipeline)
                                  ->parseStatus(JobRef { QStringLiteral("job_90686c439f57"),
                                                    QStringLiteral("generate/image/v1") },
                                      200, Recorded::IpStatusFailed);
    QCOMPARE(u.error.kind, Kind::Job);
    QCOMPARE(u.error.message, QStringLiteral("The worker ran out of GPU memory"));
    QCOMPARE(u.error.providerCode, QStringLiteral("OUT_OF_MEMORY"));
    QCOMPARE(u.error.retryable, true);
    // A status read through another endpoint's route answers 404 JOB_NOT_FOUND.
    const Core::JobUpdate wrong = make(Dialect::ImagePipeline)
                                      ->parseStatus(JobRef { QStringLiteral("job_5524468d83c7"),
                                                        QStringLiteral("edit/image/v1") },
                                          404, Recorded::Ip404Job);
    QCOMPARE(wrong.error.kind, Kind::NotFound);
    QCOMPARE(wrong.error.providerCode, QStringLiteral("JOB_NOT_FOUND"));
    QVERIFY(!wrong.state);
}

void TestDialectAdapters::imagePipelineWebhookDocumented()
{
    // The documented WebhookEvent: job, state, result, size, timestamp, eventKey.
    const Core::JobUpdate u = make(Dialect::ImagePipeline)->parseWebhook(Documented::IpWebhook);
    QCOMPARE(u.channel, Core::Channel::Webhook);
    QCOMPARE(u.jobId, QStringLiteral("job_a1b2c3"));
    QCOMPARE(stateOf(u), Core::stateName(JobState::Succeeded));
    QCOMPARE(u.outputs.size(), 1);
    QCOMPARE(u.outputs[0].size, 184320);
    QCOMPARE(u.outputs[0].mimeType, QStringLiteral("image/webp"));
    QVERIFY(u.outputs[0].inlineData.isEmpty());
    QCOMPARE(u.timings.value(QLatin1String("updated_ms")).toDouble(), 1769774400000.0);
    QCOMPARE(u.extra.value(QLatin1String("user_id")).toString(), QStringLiteral("usr_123"));
    QCOMPARE(u.eventKey, QStringLiteral("webhook:job_a1b2c3:completed"));
    QVERIFY2(u.problem.isEmpty(), qPrintable(u.problem));
}

void TestDialectAdapters::imagePipelineWebhooksRecorded()
{
    // Recorded deliveries: result_base64 decoded into inlineData (a WebP), and a failure.
    auto a = make(Dialect::ImagePipeline);
    const Core::JobUpdate ok = a->parseWebhook(Recorded::IpWebhookCompleted);
    QCOMPARE(ok.jobId, QStringLiteral("job_5524468d83c7"));
    QCOMPARE(stateOf(ok), Core::stateName(JobState::Succeeded));
    QCOMPARE(ok.outputs.size(), 1);
    QCOMPARE(ok.outputs[0].inlineData.size(), 2432);
    QVERIFY(ok.outputs[0].inlineData.startsWith("RIFF"));
    QCOMPARE(ok.outputs[0].inlineData.mid(8, 4), QByteArray("WEBP"));
    QCOMPARE(ok.outputs[0].name, QStringLiteral("result.webp"));
    QCOMPARE(ok.eventKey, QStringLiteral("webhook:job_5524468d83c7:completed"));
    QVERIFY(ok.problem.isEmpty());
    const Core::JobUpdate failed = a->parseWebhook(Recorded::IpWebhookFailed);
    QCOMPARE(stateOf(failed), Core::stateName(JobState::Failed));
    QCOMPARE(failed.error.providerCode, QStringLiteral("OUT_OF_MEMORY"));
    QCOMPARE(failed.error.retryable, true);
    QCOMPARE(failed.eventKey, QStringLiteral("webhook:job_90686c439f57:failed"));
    // Bad base64 is a problem, not a crash, and the URL output survives.
    const Core::JobUpdate bad = a->parseWebhook(
        R"({"job_id":"j","status":"completed","result_url":"https://h/r.png","result_base64":"@@not base64@@"})");
    QCOMPARE(bad.outputs.size(), 1);
    QVERIFY(bad.outputs[0].inlineData.isEmpty());
    QVERIFY(bad.problem.contains(QLatin1String("result_base64")));
    const Core::JobUpdate noId = a->parseWebhook(R"({"status":"completed"})");
    QVERIFY(noId.jobId.isEmpty() && noId.eventKey.isEmpty());
    QVERIFY(noId.problem.contains(QLatin1String("job_id")));
}

// ---------------------------------------------------------------- Peel

void TestDialectAdapters::peelCreateRecorded()
{
    // 201 new build (matched false) and 200 reuse with wait_for_completion (matched true,
    // completed).
    auto a = make(Dialect::Peel);
    const SubmitResult created
        = a->parseSubmit(QStringLiteral("v1/apis"), 201, Recorded::PeelCreate);
    QCOMPARE(created.jobId, QStringLiteral("api_e61155f24565323d"));
    QCOMPARE(stateOf(created.update), Core::stateName(JobState::Queued));
    QCOMPARE(created.update.extra.value(QLatin1String("matched")), QJsonValue(false));
    QCOMPARE(created.update.extra.value(QLatin1String("source_url")).toString(),
        QStringLiteral("https://news.ycombinator.com"));
    QCOMPARE(created.update.extra.value(QLatin1String("instructions")).toString(),
        QStringLiteral("Get top stories with title, score, and author"));
    QCOMPARE(created.update.extra.value(QLatin1String("auth_mode")).toString(),
        QStringLiteral("public"));
    QCOMPARE(created.update.extra.value(QLatin1String("requires_session")), QJsonValue(false));
    QCOMPARE(created.update.extra.value(QLatin1String("links"))
                 .toObject()
                 .value(QLatin1String("respond"))
                 .toString(),
        QStringLiteral("/v1/apis/api_e61155f24565323d/respond"));
    QCOMPARE(created.update.extra.value(QLatin1String("build"))
                 .toObject()
                 .value(QLatin1String("number"))
                 .toInt(),
        1);
    QCOMPARE(created.update.timings.value(QLatin1String("created_ms")).toDouble(), 1795340483597.0);
    QVERIFY2(created.update.problem.isEmpty(), qPrintable(created.update.problem));

    const SubmitResult matched
        = a->parseSubmit(QStringLiteral("v1/apis"), 200, Recorded::PeelCreateMatchedWait);
    QCOMPARE(matched.jobId, created.jobId);
    QCOMPARE(matched.update.extra.value(QLatin1String("matched")), QJsonValue(true));
    QCOMPARE(stateOf(matched.update), Core::stateName(JobState::Succeeded));
    QCOMPARE(matched.update.extra.value(QLatin1String("endpoints")).toArray().size(), 1);
}

void TestDialectAdapters::peelRecordsRecorded()
{
    // Recorded records through the lifecycle: queued, running, needs_input (prompt), completed,
    // rebuild.
    auto a = make(Dialect::Peel);
    const JobRef shop { QStringLiteral("api_6fb9136db90910dd"), {} };
    QCOMPARE(stateOf(a->parseStatus(shop, 200, Recorded::PeelRecordQueued)),
        Core::stateName(JobState::Queued));
    const Core::JobUpdate running = a->parseStatus(shop, 200, Recorded::PeelRecordRunning);
    QCOMPARE(stateOf(running), Core::stateName(JobState::Running));
    QVERIFY(!running.progress);
    QVERIFY(!running.extra.contains(QLatin1String("user_input_prompt")));
    const Core::JobUpdate input = a->parseStatus(shop, 200, Recorded::PeelRecordNeedsInput);
    QCOMPARE(stateOf(input), Core::stateName(JobState::NeedsInput));
    QCOMPARE(input.rawStatus, QStringLiteral("needs_input"));
    const QJsonObject prompt = input.extra.value(QLatin1String("user_input_prompt")).toObject();
    QVERIFY(prompt.value(QLatin1String("message"))
                .toString()
                .startsWith(QLatin1String("The site shows a region selector")));
    QCOMPARE(prompt.value(QLatin1String("input_schema"))
                 .toObject()
                 .value(QLatin1String("required"))
                 .toArray()
                 .first()
                 .toString(),
        QStringLiteral("region"));
    QVERIFY(input.problem.isEmpty());

    const Core::JobUpdate done = a->parseStatus(
        JobRef { QStringLiteral("api_e61155f24565323d"), {} }, 200, Recorded::PeelRecordCompleted);
    QCOMPARE(stateOf(done), Core::stateName(JobState::Succeeded));
    const QJsonObject endpoint
        = done.extra.value(QLatin1String("endpoints")).toArray().first().toObject();
    QCOMPARE(endpoint.value(QLatin1String("endpoint_name")).toString(),
        QStringLiteral("get_top_stories"));
    QCOMPARE(done.timings.value(QLatin1String("updated_ms")).toDouble(), 1795340484399.0);
    QVERIFY(!done.error.isError());

    const Core::JobUpdate rebuilt = a->parseStatus(shop, 202, Recorded::PeelRebuild);
    QCOMPARE(stateOf(rebuilt), Core::stateName(JobState::Running));
    QCOMPARE(rebuilt.extra.value(QLatin1String("build"))
                 .toObject()
                 .value(QLatin1String("number"))
                 .toInt(),
        2);
}

void TestDialectAdapters::peelFailureRecorded()
{
    // A failed build: code, message, retryable, support id, suggested action, failure object as
    // details.
    const Core::JobUpdate u
        = make(Dialect::Peel)
              ->parseStatus(JobRef { QStringLiteral("api_6fb9136db90910dd"), {} }, 200,
                  Recorded::PeelRecordFailed);
    QCOMPARE(stateOf(u), Core::stateName(JobState::Failed));
    QCOMPARE(u.error.kind, Kind::Job);
    QCOMPARE(u.error.providerCode, QStringLiteral("NO_STABLE_SURFACE"));
    QCOMPARE(
        u.error.message, QStringLiteral("No stable data surface was found for the instructions"));
    QCOMPARE(u.error.retryable, false);
    QCOMPARE(u.error.supportId, QStringLiteral("dbg_b1a428dd13d790e2ec7e"));
    QCOMPARE(u.error.suggestedAction,
        QStringLiteral("Revise the instructions to name data the page actually shows."));
    QCOMPARE(u.error.details.value(QLatin1String("non_publishable_reason")).toString(),
        QStringLiteral("no_stable_surface"));
    QCOMPARE(u.error.details.value(QLatin1String("artifact"))
                 .toObject()
                 .value(QLatin1String("class"))
                 .toString(),
        QStringLiteral("evidence_insufficient"));
    QVERIFY(u.problem.isEmpty());
    // Without failure.message the stable non_publishable_reason is the message.
    const QByteArray reasonOnly
        = R"({"id":"a","status":"failed","failure_reason_code":"BUILD_TIMEOUT","failure":{"non_publishable_reason":"build_timeout","artifact":{"retryable":true}}})";
    const Core::JobUpdate r
        = make(Dialect::Peel)->parseStatus(JobRef { QStringLiteral("a"), {} }, 200, reasonOnly);
    QCOMPARE(r.error.message, QStringLiteral("build_timeout"));
    QCOMPARE(r.error.retryable, true);
    QVERIFY(r.error.supportId.isEmpty());
}

void TestDialectAdapters::peelErrorsRecorded()
{
    // Host errors and the runtime envelope as non-2xx answers of status reads.
    auto a = make(Dialect::Peel);
    const Core::JobUpdate gone
        = a->parseStatus(JobRef { QStringLiteral("nope"), {} }, 404, Recorded::Peel404);
    QCOMPARE(gone.error.kind, Kind::NotFound);
    QCOMPARE(gone.error.message, QStringLiteral("Unknown API nope"));
    QVERIFY(!gone.state && gone.rawStatus.isEmpty());
    const Core::JobError call = a->errorFrom(400, 0, Recorded::PeelCall400);
    QCOMPARE(call.providerCode, QStringLiteral("INVALID_INPUT"));
    // A successful :call envelope is not an error.
    QCOMPARE(a->errorFrom(200, 0, Recorded::PeelCall).kind, Kind::None);
}

// ---------------------------------------------------------------- Peako

void TestDialectAdapters::peakoSubmitRecorded()
{
    // Recorded 202 answers of render, transcribe and trim: jobId, queued, job type.
    auto a = make(Dialect::Peako);
    const struct
    {
        QByteArray body;
        const char *id;
        const char *type;
    } rows[]
        = { { Recorded::PeakoSubmitRender, "8507754f-6d68-4c8f-bfde-26da0434d066", "PEAKO_RENDER" },
              { Recorded::PeakoSubmitTranscribe, "64e9b02c-7024-4a76-8660-778e72bd3d52",
                  "PEAKO_TRANSCRIBE" },
              { Recorded::PeakoSubmitTrim, "af5bcdbb-3d93-42fc-a09f-f1c54662eae3", "PEAKO_TRIM" } };
    for (const auto &row : rows) {
        const SubmitResult r = a->parseSubmit(QStringLiteral("api/render"), 202, row.body);
        QCOMPARE(r.jobId, QString::fromLatin1(row.id));
        QCOMPARE(stateOf(r.update), Core::stateName(JobState::Queued));
        QCOMPARE(r.update.extra.value(QLatin1String("job_type")).toString(),
            QString::fromLatin1(row.type));
        QVERIFY(r.update.problem.isEmpty());
    }
    const SubmitResult bad = a->parseSubmit(QStringLiteral("api/render"), 400, Recorded::Peako400);
    QCOMPARE(bad.error.kind, Kind::Invalid);
    QCOMPARE(bad.error.message, QStringLiteral("template: is required"));
}

void TestDialectAdapters::peakoStatusDocumented()
{
    // The document's active, render done, transcription done and failed responses.
    auto a = make(Dialect::Peako);
    const JobRef job { QStringLiteral("550e8400-e29b-41d4-a716-446655440000"), {} };
    const Core::JobUpdate active = a->parseStatus(job, 200, Documented::PeakoActive);
    QCOMPARE(stateOf(active), Core::stateName(JobState::Running));
    QCOMPARE(active.rawStatus, QStringLiteral("active"));
    QCOMPARE(progressOf(active), 0.45);
    QCOMPARE(active.timings.value(QLatin1String("created_ms")).toDouble(), 1709767500000.0);
    QCOMPARE(active.timings.value(QLatin1String("updated_ms")).toDouble(), 1709767520000.0);
    QVERIFY(active.problem.isEmpty());
    const Core::JobUpdate render = a->parseStatus(job, 200, Documented::PeakoRenderDone);
    QCOMPARE(stateOf(render), Core::stateName(JobState::Succeeded));
    QCOMPARE(render.outputs.size(), 1);
    QCOMPARE(render.outputs[0].name, QStringLiteral("rendered-video-uuid.mp4"));
    const Core::JobUpdate captions = a->parseStatus(job, 200, Documented::PeakoTranscriptionDone);
    QCOMPARE(captions.captions.size(), 2);
    QCOMPARE(captions.captions[1].toObject().value(QLatin1String("text")).toString(),
        QStringLiteral("Second caption"));
    QVERIFY(captions.outputs.isEmpty());
    const Core::JobUpdate failed = a->parseStatus(job, 200, Documented::PeakoFailed);
    QCOMPARE(stateOf(failed), Core::stateName(JobState::Failed));
    QCOMPARE(failed.error.kind, Kind::Job);
    QCOMPARE(failed.error.message, QStringLiteral("Video codec not supported"));
    const Core::JobUpdate cancelled = a->parseStatus(job, 200, Documented::PeakoCancelled);
    QCOMPARE(stateOf(cancelled), Core::stateName(JobState::Cancelled));
}

void TestDialectAdapters::peakoStatusRecorded()
{
    // Recorded reads: queued, active, done render (AVI), done transcription, failed, cancelled.
    auto a = make(Dialect::Peako);
    auto read = [&](const QByteArray &body) {
        return a->parseStatus(
            JobRef { json(body).value(QLatin1String("jobId")).toString(), {} }, 200, body);
    };
    QCOMPARE(stateOf(read(Recorded::PeakoStatusQueued)), Core::stateName(JobState::Queued));
    const Core::JobUpdate active = read(Recorded::PeakoStatusActive);
    QCOMPARE(stateOf(active), Core::stateName(JobState::Running));
    QCOMPARE(progressOf(active), 0.4);
    const Core::JobUpdate render = read(Recorded::PeakoStatusDoneRender);
    QCOMPARE(stateOf(render), Core::stateName(JobState::Succeeded));
    QCOMPARE(render.outputs.value(0).name,
        QStringLiteral("rendered-video-8507754f-6d68-4c8f-bfde-26da0434d066.avi"));
    QVERIFY(!render.progress);
    QCOMPARE(read(Recorded::PeakoStatusDoneTranscribe).captions.size(), 2);
    const Core::JobUpdate failed = read(Recorded::PeakoStatusFailed);
    QCOMPARE(failed.error.message, QStringLiteral("Video codec not supported"));
    QCOMPARE(stateOf(read(Recorded::PeakoStatusCancelled)), Core::stateName(JobState::Cancelled));
    for (const QByteArray &b : { Recorded::PeakoStatusQueued, Recorded::PeakoStatusActive,
             Recorded::PeakoStatusDoneRender, Recorded::PeakoStatusDoneTranscribe,
             Recorded::PeakoStatusFailed, Recorded::PeakoStatusCancelled })
        QVERIFY2(read(b).problem.isEmpty(), b.constData());
    const Core::JobUpdate gone
        = a->parseStatus(JobRef { QStringLiteral("nope"), {} }, 404, Recorded::Peako404);
    QCOMPARE(gone.error.kind, Kind::NotFound);
    QVERIFY(!gone.state);
}

void TestDialectAdapters::peakoCancelRecorded()
{
    // The cancel answers: 200 {jobId, status: cancelled} reads as Cancelled; 409 as Conflict.
    auto a = make(Dialect::Peako);
    const Core::JobUpdate ok
        = a->parseStatus(JobRef { QStringLiteral("1480c595-8c1d-40cb-a5c2-da9a32ce1d3a"), {} }, 200,
            Recorded::PeakoCancel);
    QCOMPARE(stateOf(ok), Core::stateName(JobState::Cancelled));
    QVERIFY(ok.problem.isEmpty());
    const Core::JobUpdate refused
        = a->parseStatus(JobRef { QStringLiteral("af5bcdbb-3d93-42fc-a09f-f1c54662eae3"), {} }, 409,
            Recorded::PeakoCancel409);
    QCOMPARE(refused.error.kind, Kind::Conflict);
    QCOMPARE(refused.error.message, QStringLiteral("Cannot cancel: job is active"));
    QVERIFY(!refused.state);
}

void TestDialectAdapters::peakoListDocumentedAndRecorded()
{
    // The documented and the recorded list: one update per job plus the worker counts.
    auto a = make(Dialect::Peako);
    const ListResult d = a->parseList(200, Documented::PeakoList);
    QVERIFY(!d.error.isError());
    QCOMPARE(d.jobs.size(), 2);
    QCOMPARE(d.jobs[0].jobId, QStringLiteral("job-uuid-1"));
    QCOMPARE(stateOf(d.jobs[0]), Core::stateName(JobState::Succeeded));
    QCOMPARE(d.jobs[0].extra.value(QLatin1String("job_type")).toString(),
        QStringLiteral("PEAKO_RENDER"));
    QCOMPARE(d.jobs[0].outputs.value(0).name, QStringLiteral("output-uuid.mp4"));
    QCOMPARE(d.jobs[0].timings.value(QLatin1String("created_ms")).toDouble(), 1709767620000.0);
    QCOMPARE(stateOf(d.jobs[1]), Core::stateName(JobState::Running));
    QCOMPARE(progressOf(d.jobs[1]), 0.5);
    QCOMPARE(d.workers,
        (QJsonObject { { QLatin1String("activeWorkers"), 2 }, { QLatin1String("totalWorkers"), 4 },
            { QLatin1String("maxWorkers"), 4 } }));

    const ListResult r = a->parseList(200, Recorded::PeakoList);
    QCOMPARE(r.jobs.size(), 5);
    QStringList states;
    for (const Core::JobUpdate &u : r.jobs) {
        states.append(Core::stateName(*u.state));
        QVERIFY2(u.problem.isEmpty(), qPrintable(u.problem));
        QCOMPARE(u.channel, Core::Channel::Poll);
    }
    QCOMPARE(states,
        (QStringList { QStringLiteral("cancelled"), QStringLiteral("failed"),
            QStringLiteral("running"), QStringLiteral("succeeded"), QStringLiteral("succeeded") }));
    QVERIFY(
        !r.jobs[1].error.isError()); // the list never carries the failure; no made-up one either
    QCOMPARE(r.workers.value(QLatin1String("maxWorkers")).toInt(), 8);
    QCOMPARE(r.workers.value(QLatin1String("activeWorkers")).toInt(), 1);
    QVERIFY(!r.workers.contains(QLatin1String("isTeamOwner")));
    const ListResult denied = a->parseList(401, Recorded::Peako401);
    QCOMPARE(denied.error.kind, Kind::Auth);
    QVERIFY(denied.jobs.isEmpty());
}

void TestDialectAdapters::peakoListHostile_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("error");
    QTest::addColumn<int>("jobs");
    QTest::newRow("malformed") << QByteArray("{\"jobs\": [") << true << 0;
    QTest::newRow("array") << QByteArray("[]") << true << 0;
    QTest::newRow("empty") << QByteArray() << true << 0;
    QTest::newRow("no jobs") << QByteArray(R"({"activeWorkers":1})") << true << 0;
    QTest::newRow("jobs a string") << QByteArray(R"({"jobs":"many"})") << true << 0;
    QTest::newRow("jobs null") << QByteArray(R"({"jobs":null})") << true << 0;
    QTest::newRow("junk entries") << QByteArray(
        R"({"jobs":[1,"x",null,[],{},{"status":"done"},{"id":"ok","status":"done"}]})")
                                  << false << 1;
    QTest::newRow("wrong types") << QByteArray(
        R"({"jobs":[{"id":"a","status":5,"progress":"abc","createdAt":"never","outputUrl":7}],"activeWorkers":"two"})")
                                 << false << 1;
    QTest::newRow("invalid utf-8")
        << QByteArray("{\"jobs\":[{\"id\":\"\xff\xfe\",\"status\":\"done\"}]}") << true << 0;
}

void TestDialectAdapters::peakoListHostile()
{
    // Hostile list answers: an error for an unreadable list, junk entries skipped, wrong types
    // flagged.
    QFETCH(QByteArray, body);
    QFETCH(bool, error);
    QFETCH(int, jobs);
    const ListResult r = make(Dialect::Peako)->parseList(200, body);
    QCOMPARE(r.error.isError(), error);
    if (error)
        QCOMPARE(r.error.kind, Kind::Protocol);
    QCOMPARE(r.jobs.size(), jobs);
    for (const Core::JobUpdate &u : r.jobs)
        checkInvariants(u, body);
    if (QTest::currentDataTag() == QByteArrayView("wrong types")) {
        QVERIFY(!r.jobs[0].state);
        QVERIFY(r.jobs[0].problem.contains(QLatin1String("progress")));
        QVERIFY(r.workers.isEmpty());
    }
}

// ---------------------------------------------------------------- deAPI

void TestDialectAdapters::deApiSubmitDocumentedAndRecorded()
{
    // {"data": {"request_id"}} as documented and as recorded; no status in it, so no state.
    auto a = make(Dialect::DeApi);
    const SubmitResult d
        = a->parseSubmit(QStringLiteral("api/v1/client/txt2img"), 200, Documented::DeApiSubmit);
    QCOMPARE(d.jobId, QStringLiteral("123e4567-e89b-12d3-a456-426614174000"));
    QVERIFY(!d.update.state);
    QVERIFY(d.update.problem.isEmpty());
    const SubmitResult r
        = a->parseSubmit(QStringLiteral("api/v1/client/txt2img"), 200, Recorded::DeApiSubmit);
    QCOMPARE(r.jobId, QStringLiteral("afe2a4cc-f0cd-4e0a-bad6-420fde8207b8"));
    const SubmitResult bad
        = a->parseSubmit(QStringLiteral("api/v1/client/txt2img"), 422, Recorded::DeApi422);
    QCOMPARE(bad.error.kind, Kind::Invalid);
    QVERIFY(bad.jobId.isEmpty());
    // The pusher auth answer is not an error either.
    QCOMPARE(a->errorFrom(200, 0, Recorded::DeApiAuth).kind, Kind::None);
}

void TestDialectAdapters::deApiStatusRecorded()
{
    // Recorded reads: pending, processing with a JPEG preview, done with result, error with
    // message.
    auto a = make(Dialect::DeApi);
    const JobRef ok { QStringLiteral("afe2a4cc-f0cd-4e0a-bad6-420fde8207b8"), {} };
    const Core::JobUpdate pending = a->parseStatus(ok, 200, Recorded::DeApiStatusPending);
    QCOMPARE(stateOf(pending), Core::stateName(JobState::Queued));
    QCOMPARE(pending.rawStatus, QStringLiteral("pending"));
    QCOMPARE(progressOf(pending), 0.0);
    QCOMPARE(pending.extra.value(QLatin1String("job_type")).toString(), QStringLiteral("txt2img"));
    const Core::JobUpdate running = a->parseStatus(ok, 200, Recorded::DeApiStatusProcessingPreview);
    QCOMPARE(stateOf(running), Core::stateName(JobState::Running));
    QVERIFY(qAbs(*running.progress - 0.533) < 1e-9);
    QCOMPARE(running.preview.size(), 1724);
    QVERIFY(running.preview.startsWith("\xff\xd8")); // JPEG SOI
    QVERIFY(running.problem.isEmpty());
    const Core::JobUpdate done = a->parseStatus(ok, 200, Recorded::DeApiStatusDone);
    QCOMPARE(stateOf(done), Core::stateName(JobState::Succeeded));
    QCOMPARE(progressOf(done), 1.0);
    QCOMPARE(done.outputs.value(0).name, QStringLiteral("output.png"));
    QCOMPARE(done.timings.value(QLatin1String("processing_ms")).toDouble(), 608.0);
    const Core::JobUpdate failed
        = a->parseStatus(JobRef { QStringLiteral("5f33fbdb-a31c-45c6-9723-a0a907ba1c00"), {} }, 200,
            Recorded::DeApiStatusError);
    QCOMPARE(stateOf(failed), Core::stateName(JobState::Failed));
    QCOMPARE(failed.rawStatus, QStringLiteral("error"));
    QCOMPARE(progressOf(failed), 0.475);
    QCOMPARE(failed.error.kind, Kind::Job);
    QCOMPARE(failed.error.message, QStringLiteral("The output was blocked by the safety filter"));
    const Core::JobUpdate unknown
        = a->parseStatus(JobRef { QStringLiteral("nope"), {} }, 404, Recorded::DeApi404);
    QCOMPARE(unknown.error.kind, Kind::NotFound);
    QCOMPARE(unknown.error.message, QStringLiteral("Request not found."));
}

void TestDialectAdapters::deApiPusherFramesRecorded()
{
    // Every recorded Pusher frame: job ids, states, previews, unique keys that repeat for a replay.
    auto a = make(Dialect::DeApi);
    QStringList keys;
    int previews = 0;
    QList<Core::JobUpdate> updates;
    for (const QByteArray &frame : Recorded::DeApiPusherFrames) {
        const auto [event, data] = pusherData(frame);
        if (event.startsWith(QLatin1String("pusher")))
            continue; // protocol frames are the transport's business
        const Core::JobUpdate u = a->parsePusherEvent(event, data);
        QVERIFY2(u.problem.isEmpty(), qPrintable(u.problem));
        checkInvariants(u, data);
        QCOMPARE(u.channel, Core::Channel::Pusher);
        QVERIFY(u.eventKey.startsWith(QStringLiteral("pusher:") + u.jobId + QLatin1Char(':')));
        QCOMPARE(a->parsePusherEvent(event, data).eventKey, u.eventKey); // a replay is recognisable
        keys.append(u.eventKey);
        if (!u.preview.isEmpty()) {
            ++previews;
            QVERIFY(u.preview.startsWith("\xff\xd8"));
        }
        updates.append(u);
    }
    QCOMPARE(updates.size(), 11);
    QCOMPARE(previews, 3);
    QCOMPARE(QSet<QString>(keys.begin(), keys.end()).size(), keys.size());
    QCOMPARE(updates[0].jobId, QStringLiteral("afe2a4cc-f0cd-4e0a-bad6-420fde8207b8"));
    QCOMPARE(updates[0].eventKey,
        QStringLiteral("pusher:afe2a4cc-f0cd-4e0a-bad6-420fde8207b8:processing:0"));
    QCOMPARE(stateOf(updates[5]), Core::stateName(JobState::Succeeded));
    QCOMPARE(updates[5].outputs.value(0).name, QStringLiteral("output.png"));
    QCOMPARE(updates[5].timings.value(QLatin1String("processing_ms")).toDouble(), 608.0);
    QCOMPARE(updates[10].jobId, QStringLiteral("5f33fbdb-a31c-45c6-9723-a0a907ba1c00"));
    QCOMPARE(stateOf(updates[10]), Core::stateName(JobState::Failed));
    QCOMPARE(
        updates[10].error.message, QStringLiteral("The output was blocked by the safety filter"));
    QVERIFY(updates[2].eventKey.contains(QLatin1String(":preview:")));
}

void TestDialectAdapters::deApiPusherOddEvents()
{
    // Other events, unwrapped-twice data, missing ids and a preview at a seen progress.
    auto a = make(Dialect::DeApi);
    const Core::JobUpdate other
        = a->parsePusherEvent(QStringLiteral("request.deleted"), R"({"request_id":"r"})");
    QVERIFY(other.problem.contains(QLatin1String("unknown Pusher event")));
    QVERIFY(other.jobId.isEmpty() && !other.state);
    const Core::JobUpdate quoted = a->parsePusherEvent(QStringLiteral("request.status.updated"),
        R"("{\"request_id\":\"r\",\"status\":\"processing\",\"progress\":12.5}")");
    QCOMPARE(quoted.jobId, QStringLiteral("r"));
    QCOMPARE(progressOf(quoted), 0.125);
    QVERIFY(quoted.problem.isEmpty());
    const Core::JobUpdate noId = a->parsePusherEvent(
        QStringLiteral("request.status.updated"), R"({"status":"processing"})");
    QVERIFY(noId.eventKey.isEmpty());
    QVERIFY(noId.problem.contains(QLatin1String("request_id")));
    const Core::JobUpdate numeric = a->parsePusherEvent(
        QStringLiteral("request.status.updated"), R"({"request_id":42,"status":"done"})");
    QCOMPARE(numeric.jobId, QStringLiteral("42"));
    const QByteArray tick
        = R"({"request_id":"r","status":"processing","progress":20,"preview":null})";
    const QByteArray withPreview
        = R"({"request_id":"r","status":"processing","progress":20,"preview":"data:image/png;base64,iVBORw0KGgo="})";
    QVERIFY(a->parsePusherEvent(QStringLiteral("request.status.updated"), tick).eventKey
        != a->parsePusherEvent(QStringLiteral("request.status.updated"), withPreview).eventKey);
}

void TestDialectAdapters::deApiWebhookDocumentedAndRecorded()
{
    // The documented job.completed payload and the recorded completed / failed deliveries.
    auto a = make(Dialect::DeApi);
    const Core::JobUpdate d = a->parseWebhook(Documented::DeApiWebhook);
    QCOMPARE(d.channel, Core::Channel::Webhook);
    QCOMPARE(d.jobId, QStringLiteral("123e4567-e89b-12d3-a456-426614174000"));
    QCOMPARE(stateOf(d), Core::stateName(JobState::Succeeded));
    QCOMPARE(
        d.outputs.value(0).url, QStringLiteral("https://storage.deapi.ai/results/.../output.png"));
    QCOMPARE(d.outputs.value(0).name, QStringLiteral("output.png"));
    QCOMPARE(d.timings.value(QLatin1String("processing_ms")).toDouble(), 45000.0);
    QCOMPARE(d.extra.value(QLatin1String("job_type")).toString(), QStringLiteral("txt2img"));
    QCOMPARE(d.extra.value(QLatin1String("event")).toString(), QStringLiteral("job.completed"));
    QCOMPARE(d.eventKey, QStringLiteral("webhook:123e4567-e89b-12d3-a456-426614174000:done"));
    QVERIFY2(d.problem.isEmpty(), qPrintable(d.problem));
    const Core::JobUpdate ok = a->parseWebhook(Recorded::DeApiWebhookCompleted);
    QCOMPARE(stateOf(ok), Core::stateName(JobState::Succeeded));
    QCOMPARE(ok.jobId, QStringLiteral("afe2a4cc-f0cd-4e0a-bad6-420fde8207b8"));
    const Core::JobUpdate failed = a->parseWebhook(Recorded::DeApiWebhookFailed);
    QCOMPARE(stateOf(failed), Core::stateName(JobState::Failed));
    QCOMPARE(failed.error.message, QStringLiteral("The output was blocked by the safety filter"));
    QCOMPARE(failed.eventKey, QStringLiteral("webhook:5f33fbdb-a31c-45c6-9723-a0a907ba1c00:error"));
    // Without data.status the event name decides; an unknown event is a problem.
    const Core::JobUpdate byEvent
        = a->parseWebhook(R"({"event":"job.failed","data":{"job_request_id":"r","error":"boom"}})");
    QCOMPARE(stateOf(byEvent), Core::stateName(JobState::Failed));
    QCOMPARE(byEvent.rawStatus, QStringLiteral("error"));
    const Core::JobUpdate odd
        = a->parseWebhook(R"({"event":"job.exploded","data":{"job_request_id":"r"}})");
    QVERIFY(!odd.state);
    QVERIFY(odd.problem.contains(QLatin1String("job.exploded")));
}

void TestDialectAdapters::deApiPreviewForms()
{
    // preview: data: URI decoded, http URL kept in extra, anything else a problem.
    auto a = make(Dialect::DeApi);
    auto read = [&](const char *preview) {
        return a->parseStatus(JobRef { QStringLiteral("r"), {} }, 200,
            QByteArray(
                R"({"data":{"request_id":"r","status":"processing","progress":10,"preview":)")
                + preview + "}}");
    };
    QCOMPARE(
        read(R"("data:image/png;base64,iVBORw0KGgo=")").preview, QByteArray("\x89PNG\r\n\x1a\n"));
    const Core::JobUpdate url = read(R"("https://cdn.deapi.ai/p/1.jpg")");
    QCOMPARE(url.extra.value(QLatin1String("preview_url")).toString(),
        QStringLiteral("https://cdn.deapi.ai/p/1.jpg"));
    QVERIFY(url.preview.isEmpty());
    for (const char *bad : { R"("data:text/html;base64,PGI+")", R"("data:image/png,plain")",
             R"("data:image/png;base64,@@@")", R"("ftp://x")", R"(42)", R"({"a":1})" }) {
        const Core::JobUpdate u = read(bad);
        QVERIFY2(!u.problem.isEmpty(), bad);
        QVERIFY(u.preview.isEmpty());
        QCOMPARE(stateOf(u), Core::stateName(JobState::Running));
    }
    QVERIFY(read("null").problem.isEmpty());
}

// ---------------------------------------------------------------- shared rules, hostile input

void TestDialectAdapters::unknownStatusKeepsTheRawWord()
{
    // An unknown raw state keeps rawStatus, leaves state empty and says `unknown status "x"`.
    const QMap<Dialect, QByteArray> bodies = {
        { Dialect::PeelApi, R"({"data":{"id":"j","status":"exploded","progress":0.5}})" },
        { Dialect::ImagePipeline, R"({"job_id":"j","status":"exploded","progress":50})" },
        { Dialect::Peel, R"({"id":"j","status":"exploded"})" },
        { Dialect::Peako, R"({"jobId":"j","status":"exploded","progress":0.5})" },
        { Dialect::DeApi, R"({"data":{"request_id":"j","status":"exploded","progress":50}})" },
    };
    for (auto it = bodies.begin(); it != bodies.end(); ++it) {
        const Core::JobUpdate u
            = make(it.key())->parseStatus(JobRef { QStringLiteral("j"), {} }, 200, it.value());
        QCOMPARE(u.rawStatus, QStringLiteral("exploded"));
        QVERIFY(!u.state);
        QCOMPARE(u.problem, QStringLiteral("unknown status \"exploded\""));
        QVERIFY(!u.error.isError());
        if (it.key() != Dialect::Peel)
            QCOMPARE(progressOf(u), 0.5);
    }
    // Another dialect's word is unknown too: states are per dialect.
    QVERIFY(!make(Dialect::DeApi)
                 ->parseStatus(
                     JobRef { QStringLiteral("j"), {} }, 200, R"({"data":{"status":"completed"}})")
                 .state);
    QVERIFY(
        !make(Dialect::Peako)
             ->parseStatus(JobRef { QStringLiteral("j"), {} }, 200, R"({"status":"processing"})")
             .state);
}

void TestDialectAdapters::failedWithoutErrorStillGetsAJobError()
{
    // A failed state without any error field still yields an error of kind Job.
    const Core::JobUpdate u = make(Dialect::DeApi)
                                  ->parseStatus(JobRef { QStringLiteral("r"), {} }, 200,
                                      R"({"data":{"request_id":"r","status":"error"}})");
    QCOMPARE(stateOf(u), Core::stateName(JobState::Failed));
    QCOMPARE(u.error.kind, Kind::Job);
    QVERIFY(u.error.message.contains(QLatin1String("error")));
    const Core::JobUpdate p = make(Dialect::Peel)
                                  ->parseStatus(JobRef { QStringLiteral("a"), {} }, 200,
                                      R"({"id":"a","status":"failed"})");
    QCOMPARE(p.error.kind, Kind::Job);
}

void TestDialectAdapters::statusAboutAnotherJobIsAProblem()
{
    // A status answer naming another job than the one asked about is flagged.
    const Core::JobUpdate u
        = make(Dialect::Peako)
              ->parseStatus(JobRef { QStringLiteral("mine"), {} }, 200, Documented::PeakoActive);
    QCOMPARE(u.jobId, QStringLiteral("mine"));
    QVERIFY(u.problem.contains(QLatin1String("not \"mine\"")));
}

void TestDialectAdapters::non2xxStatusGivesErrorAndNoState()
{
    // A non-2xx status read is an error from errorFrom and carries no state, even with a record
    // body.
    for (Dialect d : AllDialects) {
        for (int status : { 401, 404, 409, 429, 500, 503 }) {
            const Core::JobUpdate u = make(d)->parseStatus(
                JobRef { QStringLiteral("j"), QStringLiteral("generate/image/v1") }, status,
                R"({"status":"queued","data":{"status":"queued"}})");
            QVERIFY(u.error.isError());
            QCOMPARE(u.error.httpStatus, status);
            QVERIFY(!u.state && u.rawStatus.isEmpty() && !u.progress);
            QCOMPARE(u.jobId, QStringLiteral("j"));
        }
    }
}

void TestDialectAdapters::submitWithoutIdIsAProtocolError()
{
    // A 2xx submit answer without an id is a Protocol error that names the fields looked at.
    for (Dialect d : AllDialects) {
        for (const QByteArray &body :
            { QByteArray(R"({"status":"queued"})"), QByteArray("[]"), QByteArray("not json"),
                QByteArray(), QByteArray(R"({"data":{"id":""},"id":null,"job_id":{"x":1}})") }) {
            const SubmitResult r = make(d)->parseSubmit(QStringLiteral("t"), 202, body);
            QCOMPARE(r.error.kind, Kind::Protocol);
            QVERIFY(r.jobId.isEmpty());
            QVERIFY(r.error.message.startsWith(
                QLatin1String("the submit answer has no job id (looked for data.id, "
                              "data.request_id, job_id, jobId, id)")));
        }
    }
}

void TestDialectAdapters::submitIdFieldsInOrder_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("id");
    QTest::newRow("data.id first")
        << QByteArray(R"({"id":"e","jobId":"d","job_id":"c","data":{"request_id":"b","id":"a"}})")
        << QStringLiteral("a");
    QTest::newRow("data.request_id")
        << QByteArray(R"({"id":"e","jobId":"d","job_id":"c","data":{"request_id":"b"}})")
        << QStringLiteral("b");
    QTest::newRow("job_id") << QByteArray(R"({"id":"e","jobId":"d","job_id":"c"})")
                            << QStringLiteral("c");
    QTest::newRow("jobId") << QByteArray(R"({"id":"e","jobId":"d"})") << QStringLiteral("d");
    QTest::newRow("id") << QByteArray(R"({"id":"e"})") << QStringLiteral("e");
    QTest::newRow("numeric id") << QByteArray(R"({"id":12345})") << QStringLiteral("12345");
    QTest::newRow("fractional id skipped")
        << QByteArray(R"({"id":1.5,"jobId":"d"})") << QStringLiteral("d");
    QTest::newRow("data not object")
        << QByteArray(R"({"data":"x","id":"e"})") << QStringLiteral("e");
}

void TestDialectAdapters::submitIdFieldsInOrder()
{
    // Every adapter takes the id from data.id, data.request_id, job_id, jobId, id, in that order.
    QFETCH(QByteArray, body);
    QFETCH(QString, id);
    for (Dialect d : AllDialects)
        QCOMPARE(make(d)->parseSubmit(QStringLiteral("t"), 200, body).jobId, id);
}

void TestDialectAdapters::outputNamesFromUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("name");
    QTest::newRow("signed") << QStringLiteral("http://h/peako/files/j/a.avi?expires=1&signature=x")
                            << QStringLiteral("a.avi");
    QTest::newRow("percent") << QStringLiteral("https://h/r/my%20image%C3%A9.png#frag")
                             << QStringLiteral("my imageé.png");
    QTest::newRow("encoded slash") << QStringLiteral("https://h/r/..%2F..%2Fetc%2Fpasswd")
                                   << QStringLiteral(".._.._etc_passwd");
    QTest::newRow("backslash") << QStringLiteral("https://h/r/a%5Cb.png")
                               << QStringLiteral("a_b.png");
    QTest::newRow("dotdot") << QStringLiteral("https://h/r/%2E%2E") << QString();
    QTest::newRow("control") << QStringLiteral("https://h/r/a%0Ab.png")
                             << QStringLiteral("a_b.png");
    QTest::newRow("trailing slash") << QStringLiteral("https://h/r/") << QString();
    QTest::newRow("not a url") << QStringLiteral("::::") << QStringLiteral("::::");
}

void TestDialectAdapters::outputNamesFromUrls()
{
    // Output.name is the URL's last path segment, percent-decoded, without query, safe as a file
    // name.
    QFETCH(QString, url);
    QFETCH(QString, name);
    const QByteArray body = QJsonDocument(
        QJsonObject { { QLatin1String("jobId"), QStringLiteral("j") },
            { QLatin1String("status"), QStringLiteral("done") },
            { QLatin1String("outputUrl"),
                url } }).toJson();
    const Core::JobUpdate u
        = make(Dialect::Peako)->parseStatus(JobRef { QStringLiteral("j"), {} }, 200, body);
    QCOMPARE(u.outputs.size(), 1);
    QCOMPARE(u.outputs[0].url, url);
    QCOMPARE(u.outputs[0].name, name);
}

void TestDialectAdapters::hostileStatusBodies_data()
{
    QTest::addColumn<int>("dialect");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("problem"); // a part of the expected problem text
    QTest::addColumn<int>("state"); // -1: none
    QTest::addColumn<double>("progress"); // -1: none

    struct Shape
    {
        Dialect d;
        const char *name;
        // Builds a status body from raw JSON members of the record.
        QByteArray (*wrap)(const QByteArray &members);
        const char *okStatus;
        JobState okState;
        double scale;
    };
    const Shape shapes[] = {
        { Dialect::PeelApi, "peelapi",
            [](const QByteArray &m) { return "{\"data\":{\"id\":\"j\"," + m + "}}"; }, "processing",
            JobState::Running, 1 },
        { Dialect::ImagePipeline, "imagepipeline",
            [](const QByteArray &m) { return "{\"job_id\":\"j\"," + m + "}"; }, "processing",
            JobState::Running, 100 },
        { Dialect::Peel, "peel", [](const QByteArray &m) { return "{\"id\":\"j\"," + m + "}"; },
            "running", JobState::Running, 0 },
        { Dialect::Peako, "peako",
            [](const QByteArray &m) { return "{\"jobId\":\"j\"," + m + "}"; }, "active",
            JobState::Running, 1 },
        { Dialect::DeApi, "deapi",
            [](const QByteArray &m) { return "{\"data\":{\"request_id\":\"j\"," + m + "}}"; },
            "processing", JobState::Running, 100 },
    };
    for (const Shape &s : shapes) {
        auto row = [&](const char *what, const QByteArray &body, const char *problem, int state,
                       double progress) {
            QTest::newRow(
                qPrintable(QStringLiteral("%1 %2").arg(QLatin1String(s.name), QLatin1String(what))))
                << int(s.d) << body << QString::fromUtf8(problem) << state << progress;
        };
        const QByteArray ok = QByteArray("\"status\":\"") + s.okStatus + "\"";
        const int okState = int(s.okState);
        row("malformed", "{\"status\": \"qu", "not JSON", -1, -1);
        row("array", "[{\"status\":\"queued\"}]", "JSON array", -1, -1);
        row("empty", "", "empty", -1, -1);
        row("whitespace", " \r\n ", "empty", -1, -1);
        row("scalar", "42", "not JSON", -1, -1);
        row("invalid utf-8", s.wrap(QByteArray("\"status\":\"\xc3\x28\xff\"")), "not JSON", -1, -1);
        row("nul byte", s.wrap(QByteArray("\"status\":\"a\0b\"", 14)), "", -1, -1);
        row("status number", s.wrap("\"status\":5"), "status is not a string (5)", -1, -1);
        row("status object", s.wrap("\"status\":{\"x\":1}"), "status is not a string (an object)",
            -1, -1);
        row("status missing", s.wrap("\"other\":1"), "no status", -1, -1);
        row("status null", s.wrap("\"status\":null"), "no status", -1, -1);
        row("unknown status", s.wrap("\"status\":\"x\""), "unknown status \"x\"", -1, -1);
        row("trailing garbage", s.wrap(ok) + "xyz", "not JSON", -1, -1);
        if (s.scale > 0) {
            row("progress string", s.wrap(ok + ",\"progress\":\"abc\""),
                "progress is not a number (\"abc\")", okState, -1);
            row("progress bool", s.wrap(ok + ",\"progress\":true"), "progress is not a number",
                okState, -1);
            row("progress negative", s.wrap(ok + ",\"progress\":-5"), "below 0", okState, 0);
            row("progress over", s.wrap(ok + ",\"progress\":" + QByteArray::number(s.scale * 1.5)),
                "above", okState, 1);
            row("progress huge", s.wrap(ok + ",\"progress\":1e308"), "above", okState, 1);
        }
        if (s.d
            != Dialect::Peel) // Peel records report failures in failure / failure_reason_code only
            row("error number", s.wrap(ok + ",\"error\":5"), "error is a number", okState, -1);
    }
    // Dialect-specific wrong types.
    QTest::newRow("peelapi outputs string")
        << int(Dialect::PeelApi)
        << QByteArray(R"({"data":{"id":"j","status":"succeeded","outputs":"all of them"}})")
        << QStringLiteral("outputs is not an object") << int(JobState::Succeeded) << -1.0;
    QTest::newRow("peelapi results junk")
        << int(Dialect::PeelApi)
        << QByteArray(
               R"({"data":{"id":"j","status":"succeeded","outputs":{"results":[1,{"url":7},{}]}}})")
        << QStringLiteral("outputs.results[0] has no url") << int(JobState::Succeeded) << -1.0;
    QTest::newRow("peelapi data null")
        << int(Dialect::PeelApi) << QByteArray(R"({"data":null,"errors":null})")
        << QStringLiteral("data is null") << -1 << -1.0;
    QTest::newRow("peelapi data string")
        << int(Dialect::PeelApi) << QByteArray(R"({"data":"queued"})")
        << QStringLiteral("data is a string") << -1 << -1.0;
    QTest::newRow("peelapi created_at junk")
        << int(Dialect::PeelApi)
        << QByteArray(R"({"data":{"id":"j","status":"queued","created_at":"soon"}})")
        << QStringLiteral("created_at \"soon\" is not an ISO 8601 time") << int(JobState::Queued)
        << -1.0;
    QTest::newRow("imagepipeline result_url number")
        << int(Dialect::ImagePipeline)
        << QByteArray(R"({"job_id":"j","status":"completed","result_url":5})")
        << QStringLiteral("result_url is a number") << int(JobState::Succeeded) << -1.0;
    QTest::newRow("imagepipeline credits junk")
        << int(Dialect::ImagePipeline)
        << QByteArray(
               R"({"job_id":"j","status":"completed","credits_charged":"yes","credits_amount":"1"})")
        << QStringLiteral("credits_charged is a string") << int(JobState::Succeeded) << -1.0;
    QTest::newRow("imagepipeline size negative")
        << int(Dialect::ImagePipeline)
        << QByteArray(
               R"({"job_id":"j","status":"completed","result_url":"https://h/a.png","result_size_bytes":-3})")
        << QStringLiteral("result_size_bytes -3 is not a size") << int(JobState::Succeeded) << -1.0;
    QTest::newRow("peel endpoints object")
        << int(Dialect::Peel)
        << QByteArray(R"({"id":"j","status":"completed","endpoints":{"a":1}})")
        << QStringLiteral("endpoints is an object, not an array") << int(JobState::Succeeded)
        << -1.0;
    QTest::newRow("peel failure string")
        << int(Dialect::Peel) << QByteArray(R"({"id":"j","status":"failed","failure":"bad"})")
        << QStringLiteral("failure is a string") << int(JobState::Failed) << -1.0;
    QTest::newRow("peel prompt string")
        << int(Dialect::Peel)
        << QByteArray(R"({"id":"j","status":"needs_input","user_input_prompt":"say something"})")
        << QStringLiteral("user_input_prompt is a string") << int(JobState::NeedsInput) << -1.0;
    QTest::newRow("peako captions string")
        << int(Dialect::Peako) << QByteArray(R"({"jobId":"j","status":"done","captions":"hello"})")
        << QStringLiteral("captions is a string, not an array") << int(JobState::Succeeded) << -1.0;
    QTest::newRow("peako createdAt negative")
        << int(Dialect::Peako) << QByteArray(R"({"jobId":"j","status":"queued","createdAt":-1})")
        << QStringLiteral("createdAt -1 is not a time") << int(JobState::Queued) << -1.0;
    QTest::newRow("peako outputUrl array")
        << int(Dialect::Peako) << QByteArray(R"({"jobId":"j","status":"done","outputUrl":["a"]})")
        << QStringLiteral("outputUrl is an array") << int(JobState::Succeeded) << -1.0;
    QTest::newRow("deapi data array")
        << int(Dialect::DeApi) << QByteArray(R"({"data":[{"status":"done"}]})")
        << QStringLiteral("data is an array") << -1 << -1.0;
    QTest::newRow("deapi processing_time string")
        << int(Dialect::DeApi)
        << QByteArray(R"({"data":{"request_id":"j","status":"done","processing_time_ms":"fast"}})")
        << QStringLiteral("processing_time_ms is a string") << int(JobState::Succeeded) << -1.0;
}

void TestDialectAdapters::hostileStatusBodies()
{
    // A table of hostile status answers per dialect: no crash, the expected problem, clamped
    // progress.
    QFETCH(int, dialect);
    QFETCH(QByteArray, body);
    QFETCH(QString, problem);
    QFETCH(int, state);
    QFETCH(double, progress);
    const Core::JobUpdate u
        = make(Dialect(dialect))
              ->parseStatus(
                  JobRef { QStringLiteral("j"), QStringLiteral("generate/image/v1") }, 200, body);
    checkInvariants(u, body);
    QCOMPARE(u.jobId, QStringLiteral("j"));
    QVERIFY2(!u.problem.isEmpty(), "every hostile body is named in a problem");
    QVERIFY2(u.problem.contains(problem), qPrintable(u.problem));
    if (state < 0)
        QVERIFY2(!u.state, qPrintable(u.problem));
    else
        QCOMPARE(int(*u.state), state);
    if (progress < 0)
        QVERIFY(!u.progress);
    else
        QCOMPARE(progressOf(u), progress);
}

void TestDialectAdapters::hostileEventBodies_data()
{
    QTest::addColumn<int>("dialect");
    QTest::addColumn<QString>("function"); // sse, pusher, webhook, submit
    QTest::addColumn<QByteArray>("type"); // SSE event type
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("problem");
    auto row = [](const char *name, Dialect d, const char *function, const char *type,
                   const QByteArray &body, const char *problem) {
        QTest::newRow(name) << int(d) << QString::fromLatin1(function) << QByteArray(type) << body
                            << QString::fromUtf8(problem);
    };
    const Dialect P = Dialect::PeelApi;
    row("sse status malformed", P, "sse", "status", "{nope",
        "status event: the answer is not JSON");
    row("sse status array", P, "sse", "status", "[]", "JSON array");
    row("sse status number", P, "sse", "status", R"({"status":5})", "status is not a string (5)");
    row("sse progress string", P, "sse", "status", R"({"status":"processing","progress":"abc"})",
        "progress is not a number (\"abc\")");
    row("sse progress negative", P, "sse", "status", R"({"status":"processing","progress":-0.1})",
        "below 0");
    row("sse progress 7", P, "sse", "status", R"({"status":"processing","progress":7})", "above 1");
    row("sse unknown status", P, "sse", "status", R"({"status":"exploded"})",
        "unknown status \"exploded\"");
    row("sse error array", P, "sse", "status", R"({"status":"failed","error":[1]})",
        "error is an array");
    row("sse log level number", P, "sse", "log", R"({"level":5,"message":"m"})",
        "level is a number");
    row("sse log message object", P, "sse", "log", R"({"message":{}})", "message is an object");
    row("sse log time number", P, "sse", "log", R"({"message":"m","created_at":123})",
        "created_at is a number, not a string");
    row("sse log empty", P, "sse", "log", "", "the answer is empty");
    row("sse result images string", P, "sse", "result", R"({"images":"x"})",
        "images is a string, not an array");
    row("sse result no images", P, "sse", "result", "{}", "result event has no images");
    row("sse result url object", P, "sse", "result", R"({"images":[{"w512":{}}]})",
        "images[0].w512 is not a URL");
    row("sse result duration string", P, "sse", "result",
        R"({"images":[],"request_duration_s":"slow"})", "request_duration_s is a string");
    row("sse end empty", P, "sse", "end", "", "unknown end \"\"");
    row("sse end binary", P, "sse", "end", "\xff\xfe", "unknown end");
    row("sse end broken json", P, "sse", "end", "{", "unknown end");
    row("sse unknown type", P, "sse", "bogus", "{}", "unknown SSE event type \"bogus\"");
    const Dialect D = Dialect::DeApi;
    row("pusher empty", D, "pusher", "", "", "the answer is empty");
    row("pusher array", D, "pusher", "", "[1]", "JSON array");
    row("pusher progress string", D, "pusher", "",
        R"({"request_id":"r","status":"processing","progress":"abc"})", "progress is not a number");
    row("pusher progress 250", D, "pusher", "",
        R"({"request_id":"r","status":"processing","progress":250})", "above 100");
    row("pusher status number", D, "pusher", "", R"({"request_id":"r","status":7})",
        "status is not a string (7)");
    row("pusher unknown status", D, "pusher", "", R"({"request_id":"r","status":"boom"})",
        "unknown status \"boom\"");
    row("pusher id object", D, "pusher", "", R"({"request_id":{},"status":"done"})",
        "the event has no request_id");
    row("pusher quoted garbage", D, "pusher", "", R"("not json inside")", "not JSON");
    row("pusher result_url number", D, "pusher", "",
        R"({"request_id":"r","status":"done","result_url":3})", "result_url is a number");
    const Dialect I = Dialect::ImagePipeline;
    row("ip webhook empty", I, "webhook", "", "", "the answer is empty");
    row("ip webhook array", I, "webhook", "", "[]", "JSON array");
    row("ip webhook job_id number", I, "webhook", "", R"({"job_id":5,"status":"completed"})",
        "job_id is a number");
    row("ip webhook timestamp string", I, "webhook", "",
        R"({"job_id":"j","status":"completed","timestamp":"now"})", "timestamp is a string");
    row("ip webhook timestamp negative", I, "webhook", "",
        R"({"job_id":"j","status":"completed","timestamp":-5})", "timestamp -5 is not a time");
    row("ip webhook no status", I, "webhook", "", R"({"job_id":"j"})", "the webhook has no status");
    row("ip webhook size string", I, "webhook", "",
        R"({"job_id":"j","status":"completed","result_url":"https://h/a.png","result_size_bytes":"big"})",
        "result_size_bytes is a string");
    row("ip webhook unknown status", I, "webhook", "", R"({"job_id":"j","status":"exploded"})",
        "unknown status \"exploded\"");
    row("deapi webhook data string", D, "webhook", "", R"({"event":"job.completed","data":"x"})",
        "data is a string");
    row("deapi webhook event number", D, "webhook", "",
        R"({"event":7,"data":{"job_request_id":"r","status":"done"}})", "event is a number");
    row("deapi webhook no id", D, "webhook", "", R"({"event":"job.completed"})",
        "the webhook has no data.job_request_id");
    row("deapi webhook url object", D, "webhook", "",
        R"({"event":"job.completed","data":{"job_request_id":"r","status":"done","result_url":{}}})",
        "result_url is an object");
    row("deapi webhook malformed", D, "webhook", "", "{\"event\":", "not JSON");
    for (Dialect d : AllDialects) {
        const QByteArray name = "submit array " + Core::dialectName(d).toLatin1();
        QTest::newRow(name.constData())
            << int(d) << QStringLiteral("submit") << QByteArray() << QByteArray("[{\"id\":\"x\"}]")
            << QStringLiteral("JSON array, not an object");
        const QByteArray odd = "submit odd status " + Core::dialectName(d).toLatin1();
        QTest::newRow(odd.constData())
            << int(d) << QStringLiteral("submit") << QByteArray()
            << QByteArray(R"({"id":"x","jobId":"x","job_id":"x","status":[1]})")
            << QStringLiteral("status is not a string");
    }
}

void TestDialectAdapters::hostileEventBodies()
{
    // A table of hostile inputs for the SSE, Pusher, webhook and submit parsers, each named in a
    // problem.
    QFETCH(int, dialect);
    QFETCH(QString, function);
    QFETCH(QByteArray, type);
    QFETCH(QByteArray, body);
    QFETCH(QString, problem);
    auto a = make(Dialect(dialect));
    Core::JobUpdate u;
    if (function == QLatin1String("sse"))
        u = a->parseSseEvent(QStringLiteral("j"), type, body, "5");
    else if (function == QLatin1String("pusher"))
        u = a->parsePusherEvent(QStringLiteral("request.status.updated"), body);
    else if (function == QLatin1String("webhook"))
        u = a->parseWebhook(body);
    else {
        const SubmitResult r = a->parseSubmit(QStringLiteral("t"), 200, body);
        u = r.update;
        if (r.error.isError())
            u.problem = r.error.message;
    }
    checkInvariants(u, body);
    QVERIFY2(u.problem.contains(problem), qPrintable(u.problem));
    if (type == "end")
        QVERIFY(u.ended && !u.state);
    if (problem.startsWith(QLatin1String("unknown status"))
        || problem.startsWith(QLatin1String("status is not")))
        QVERIFY(!u.state && !u.rawStatus.isEmpty());
}

void TestDialectAdapters::hostileInputNeverBreaksAnyParser()
{
    // Every parse function of every adapter survives a corpus of hostile and mutated recorded
    // bodies.
    QList<QByteArray> corpus = {
        QByteArray(),
        "null",
        "[]",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
        "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "\"just a string\"",
        "{",
        "{\"data\":",
        QByteArray("\0\0\0\0", 4),
        QByteArray("\xef\xbb\xbf{\"status\":\"queued\"}"),
        "{\"data\":{\"data\":{\"data\":{\"status\":\"done\"}}}}",
        "{\"status\":[],\"progress\":{},\"outputs\":\"x\",\"error\":[],\"data\":5,\"jobs\":{},"
        "\"images\":7,\"captions\":{}}",
        "{\"event\":5,\"data\":\"job.completed\"}",
        "{\"status\":\"done\",\"progress\":1e999}",
        "{\"status\":\"done\",\"progress\":-1e999}",
        "{\"status\":\"processing\",\"progress\":NaN}",
        "{\"job_id\":\"j\",\"status\":\"completed\",\"result_base64\":\"" + QByteArray(10000, '=')
            + "\"}",
        "{\"request_id\":\"r\",\"status\":\"processing\",\"preview\":\"data:image/jpeg;base64,"
            + QByteArray(5000, '/') + "\"}",
        "{\"request_id\":\"r\",\"status\":\"processing\",\"preview\":\"data:,\"}",
        "{\"images\":[{\"full\":\"\"},{\"w256\":null}],\"request_duration_s\":\"x\"}",
        "{\"level\":5,\"message\":{},\"created_at\":[]}",
    };
    const QList<QByteArray> recorded = { Recorded::PeelApiStatusSucceeded,
        Recorded::IpStatusCompleted, Recorded::IpWebhookCompleted, Recorded::PeelRecordFailed,
        Recorded::PeakoList, Recorded::DeApiStatusProcessingPreview, Recorded::DeApiWebhookFailed,
        Documented::PeakoTranscriptionDone };
    // Deterministic mutations: truncations, flipped bytes, inserted bytes.
    QRandomGenerator rng(20261122);
    for (const QByteArray &r : recorded) {
        corpus.append(r);
        for (int i = 0; i < 25; ++i) {
            QByteArray m = r;
            const int pos = int(rng.bounded(quint32(m.size())));
            switch (rng.bounded(3)) {
            case 0:
                m.truncate(pos);
                break;
            case 1:
                m[pos] = char(rng.bounded(256));
                break;
            default:
                m.insert(pos, char(rng.bounded(256)));
                break;
            }
            corpus.append(m);
        }
    }
    const QList<QByteArray> sseTypes = { "status", "log", "result", "end", "message", "" };
    for (Dialect d : AllDialects) {
        auto a = make(d);
        for (const QByteArray &body : corpus) {
            for (int status : { 200, 202, 404, 500 }) {
                const SubmitResult s = a->parseSubmit(QStringLiteral("t"), status, body);
                checkInvariants(s.update, body);
                QVERIFY(s.jobId.isEmpty() == s.error.isError());
                checkInvariants(a->parseStatus(JobRef { QStringLiteral("j"),
                                                   QStringLiteral("generate/image/v1") },
                                    status, body),
                    body);
                const ListResult l = a->parseList(status, body);
                for (const Core::JobUpdate &u : l.jobs)
                    checkInvariants(u, body);
                QVERIFY(a->errorFrom(status, 0, body).isError() == (status >= 300));
            }
            for (const QByteArray &type : sseTypes)
                checkInvariants(a->parseSseEvent(QStringLiteral("j"), type, body, "1"), body);
            checkInvariants(
                a->parsePusherEvent(QStringLiteral("request.status.updated"), body), body);
            checkInvariants(a->parseWebhook(body), body);
            if (QTest::currentTestFailed())
                return;
        }
    }
}

void TestDialectAdapters::hugeBodiesStayCheap()
{
    // A 24 MiB answer is read without quoting it: short problems, and big fields shared, not
    // copied.
    const QByteArray pad(24 * 1024 * 1024, 'a');
    const QByteArray bigStatus = "{\"jobId\":\"j\",\"status\":\"" + pad + "\"}";
    const Core::JobUpdate u
        = make(Dialect::Peako)->parseStatus(JobRef { QStringLiteral("j"), {} }, 200, bigStatus);
    QVERIFY(!u.state);
    QCOMPARE(u.rawStatus.size(), pad.size()); // kept, as every raw word is
    QVERIFY(u.problem.size() < 200);
    const QByteArray garbage = pad + "{";
    for (Dialect d : AllDialects) {
        const Core::JobUpdate g
            = make(d)->parseStatus(JobRef { QStringLiteral("j"), {} }, 200, garbage);
        QVERIFY(g.problem.size() < 200);
        QVERIFY(make(d)->parseSubmit(QStringLiteral("t"), 200, garbage).error.message.size() < 300);
        QVERIFY(make(d)->parseWebhook(garbage).problem.size() < 200);
    }
    const QByteArray bigLog = "{\"level\":\"info\",\"message\":\"" + pad + "\"}";
    QCOMPARE(make(Dialect::PeelApi)
                 ->parseSseEvent(QStringLiteral("j"), "log", bigLog, "1")
                 .logs.value(0)
                 .message.size(),
        pad.size());
}

void TestDialectAdapters::defaultsOfDialectsWithoutAChannel()
{
    // Parse functions a dialect does not have answer with a problem (or a Protocol error), nothing
    // else.
    for (Dialect d : AllDialects) {
        auto a = make(d);
        if (d != Dialect::PeelApi) {
            const Core::JobUpdate u
                = a->parseSseEvent(QStringLiteral("j"), "status", R"({"status":"queued"})", "1");
            QVERIFY(!u.problem.isEmpty() && !u.state);
            QCOMPARE(u.channel, Core::Channel::Sse);
        }
        if (d != Dialect::DeApi) {
            const Core::JobUpdate u = a->parsePusherEvent(
                QStringLiteral("request.status.updated"), R"({"request_id":"r","status":"done"})");
            QVERIFY(!u.problem.isEmpty() && !u.state);
        }
        if (d != Dialect::DeApi && d != Dialect::ImagePipeline) {
            const Core::JobUpdate u = a->parseWebhook(Documented::IpWebhook);
            QVERIFY(!u.problem.isEmpty() && !u.state);
            QCOMPARE(u.channel, Core::Channel::Webhook);
        }
        if (d != Dialect::Peako) {
            const ListResult l = a->parseList(200, Documented::PeakoList);
            QCOMPARE(l.error.kind, Kind::Protocol);
            QVERIFY(l.jobs.isEmpty());
        }
    }
}

QTEST_GUILESS_MAIN(TestDialectAdapters)
#include "tst_dialectadapters.moc"
