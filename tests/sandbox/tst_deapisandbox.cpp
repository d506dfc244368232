// Integration tests of the sandbox's deAPI front end (document 004) through real sockets: submit
// answers {"data":{"request_id"}}, polling request-status through pending -> processing -> done /
// error, downloadable results, errors, the Pusher (protocol 7) WebSocket with private-channel auth
// and live request.status.updated events with previews, and signed webhooks with retries.
#include "testhttp.h"
#include "testjson.h"
#include "testwebhookreceiver.h"

#include <QDateTime>
#include <QImage>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>
#include <algorithm>
#include <memory>

using namespace TestSupport;

namespace {

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// The Pusher private-channel signature, computed here and not by the sandbox.
QString expectedAuth(
    const QString &key, const QString &secret, const QString &socketId, const QString &channel)
{
    return key + QLatin1Char(':')
        + QString::fromLatin1(
            QMessageAuthenticationCode::hash((socketId + QLatin1Char(':') + channel).toUtf8(),
                secret.toUtf8(), QCryptographicHash::Sha256)
                .toHex());
}

// A QWebSocket that records every frame it receives.
struct PusherClient
{
    QWebSocket ws;
    QList<QJsonObject> frames;
    QStringList raw;
    bool connected = false;
    bool disconnected = false;

    explicit PusherClient(const QUrl &url)
    {
        QObject::connect(&ws, &QWebSocket::textMessageReceived, &ws, [this](const QString &m) {
            raw.append(m);
            frames.append(QJsonDocument::fromJson(m.toUtf8()).object());
        });
        QObject::connect(&ws, &QWebSocket::connected, &ws, [this] { connected = true; });
        QObject::connect(&ws, &QWebSocket::disconnected, &ws, [this] { disconnected = true; });
        ws.open(url);
    }
    int count(const QString &event) const
    {
        return int(std::count_if(frames.cbegin(), frames.cend(),
            [&](const QJsonObject &f) { return f.value(k("event")).toString() == event; }));
    }
    QJsonObject last(const QString &event) const
    {
        for (auto it = frames.crbegin(); it != frames.crend(); ++it) {
            if (it->value(k("event")).toString() == event)
                return *it;
        }
        return {};
    }
    // Server events carry data as a JSON-encoded string; this decodes it (empty when it is not
    // one).
    static QJsonObject data(const QJsonObject &frame)
    {
        const QJsonValue d = frame.value(k("data"));
        return d.isString() ? QJsonDocument::fromJson(d.toString().toUtf8()).object()
                            : QJsonObject();
    }
    QString socketId() const
    {
        return data(last(QStringLiteral("pusher:connection_established")))
            .value(k("socket_id"))
            .toString();
    }
    void send(const QJsonObject &o) { ws.sendTextMessage(compact(o)); }
    void subscribe(const QString &channel, const QString &auth)
    {
        send(QJsonObject { { k("event"), QStringLiteral("pusher:subscribe") },
            { k("data"), QJsonObject { { k("channel"), channel }, { k("auth"), auth } } } });
    }
    // The request.status.updated payloads seen for one request, in order.
    QList<QJsonObject> updates(const QString &requestId) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &f : frames) {
            if (f.value(k("event")).toString() != QLatin1String("request.status.updated"))
                continue;
            const QJsonObject d = data(f);
            if (d.value(k("request_id")).toString() == requestId)
                out.append(d);
        }
        return out;
    }
};

// Where the webhook receivers listen.
const QString kHookPath = QStringLiteral("/webhooks/deapi");

const QRegularExpression kUuid(
    QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));

} // namespace

class TestDeApiSandbox final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;

    QString info(const char *field) const
    {
        return m_sb->dialect("deapi").value(QLatin1String(field)).toString();
    }
    QString task(const QString &name) const
    {
        return m_sb->base("deapi") + QStringLiteral("/api/v1/client/") + name;
    }
    QString statusUrl(const QString &id) const
    {
        return m_sb->base("deapi") + QStringLiteral("/api/v1/client/request-status/") + id;
    }
    Headers bearer() const { return m_sb->bearer("deapi"); }
    QUrl wsUrl(const QString &key) const
    {
        return QUrl(info("ws_url") + QStringLiteral("/app/") + key
            + QStringLiteral("?protocol=7&client=js&version=8.4.0&flash=false"));
    }

    HttpResult submit(const QJsonObject &body, const QString &name = QStringLiteral("txt2img"))
    {
        return m_http.post(task(name), body, bearer());
    }
    // Submits and returns the request id (empty, with a warning, when refused).
    QString submitId(const QJsonObject &body, const QString &name = QStringLiteral("txt2img"))
    {
        const HttpResult r = submit(body, name);
        if (r.status != 200)
            qWarning() << "submit refused" << r.status << r.body;
        return r.json().value(k("data")).toObject().value(k("request_id")).toString();
    }
    static QJsonObject image(int w, int h, const QJsonObject &sandbox = {})
    {
        QJsonObject b { { k("prompt"), QStringLiteral("a beautiful sunset over mountains") },
            { k("model"), QStringLiteral("Flux1schnell") }, { k("width"), w }, { k("height"), h },
            { k("guidance"), 3.5 }, { k("steps"), 4 }, { k("seed"), -1 } };
        if (!sandbox.isEmpty())
            b.insert(k("sandbox"), sandbox);
        return b;
    }
    QJsonObject status(const QString &id)
    {
        return m_http.get(statusUrl(id), bearer()).json().value(k("data")).toObject();
    }
    QJsonObject waitFor(const QString &id, const QStringList &states, int timeoutMs = 10000)
    {
        QJsonObject s;
        if (!QTest::qWaitFor(
                [&] {
                    s = status(id);
                    return states.contains(s.value(k("status")).toString());
                },
                timeoutMs))
            qWarning() << "request" << id << "never reached" << states << "- last seen" << s;
        return s;
    }
    QJsonObject waitDone(const QString &id)
    {
        return waitFor(id, { QStringLiteral("done"), QStringLiteral("error") });
    }
    QJsonArray webhookLog(const QString &id)
    {
        return m_http.get(m_sb->control() + QStringLiteral("/webhooks?job=") + id)
            .json()
            .value(k("attempts"))
            .toArray();
    }
    static void verifyMessage(const HttpResult &r, int status)
    {
        QCOMPARE(r.status, status);
        const QJsonObject o = r.json();
        QVERIFY2(o.value(k("message")).isString(), r.body.constData());
        QVERIFY(!o.value(k("message")).toString().isEmpty());
    }
    static void verifyUnauthenticated(const HttpResult &r)
    {
        QCOMPARE(r.status, 401);
        QCOMPARE(r.json(), QJsonObject({ { k("message"), QStringLiteral("Unauthenticated.") } }));
    }
    // A connected client, subscribed to the account's private channel.
    std::unique_ptr<PusherClient> subscribedClient()
    {
        auto c = std::make_unique<PusherClient>(wsUrl(info("pusher_key")));
        if (!QTest::qWaitFor(
                [&] { return c->count(QStringLiteral("pusher:connection_established")) == 1; },
                5000))
            return nullptr;
        const HttpResult a = m_http.post(info("auth_url"),
            QJsonObject {
                { k("socket_id"), c->socketId() }, { k("channel_name"), info("channel") } },
            bearer());
        if (a.status != 200)
            return nullptr;
        c->subscribe(info("channel"), a.json().value(k("auth")).toString());
        if (!QTest::qWaitFor(
                [&] {
                    return c->count(QStringLiteral("pusher_internal:subscription_succeeded")) == 1;
                },
                5000))
            return nullptr;
        return c;
    }
    QByteArray webhookSecret() const { return info("webhook_secret").toUtf8(); }
    static bool signatureOk(const WebhookReceiver::Request &r, const QByteArray &secret)
    {
        const QByteArray ts = r.headers.value("x-deapi-timestamp");
        const QByteArray expected = "sha256="
            + QMessageAuthenticationCode::hash(
                ts + '.' + r.body, secret, QCryptographicHash::Sha256)
                  .toHex();
        return !ts.isEmpty() && r.headers.value("x-deapi-signature") == expected;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // One in-process sandbox serves every test; its info carries the deAPI Pusher and webhook
        // credentials.
        m_sb = std::make_unique<TestSandbox>();
        m_http.setSandboxToken(m_sb->controlToken());
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
        for (const char *field : { "api_key", "ws_url", "pusher_key", "pusher_secret", "client_id",
                 "channel", "auth_url", "webhook_secret" })
            QVERIFY2(!info(field).isEmpty(), field);
        QCOMPARE(info("channel"), QStringLiteral("private-client.") + info("client_id"));
        QVERIFY(info("ws_url").startsWith(QLatin1String("ws://")));
    }
    void cleanupTestCase()
    {
        // Stopping the sandbox closes every socket it still owns.
        m_sb.reset();
    }

    void submitAnswersRequestIdOnly()
    {
        // Every task's submit answers exactly {"data":{"request_id":...}}.
        const HttpResult r = submit(image(64, 64));
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("Content-Type").startsWith("application/json"));
        const QJsonObject o = r.json();
        QCOMPARE(o.keys(), QStringList { QStringLiteral("data") });
        const QJsonObject data = o.value(k("data")).toObject();
        QCOMPARE(data.keys(), QStringList { QStringLiteral("request_id") });
        const QString id = data.value(k("request_id")).toString();
        QVERIFY2(kUuid.match(id).hasMatch(), qPrintable(id));

        const HttpResult audio = submit(
            QJsonObject { { k("text"), QStringLiteral("hello") } }, QStringLiteral("txt2audio"));
        QCOMPARE(audio.status, 200);
        QCOMPARE(audio.json().keys(), QStringList { QStringLiteral("data") });
        QCOMPARE(audio.json().value(k("data")).toObject().keys(),
            QStringList { QStringLiteral("request_id") });
        QVERIFY(audio.json().value(k("data")).toObject().value(k("request_id")).toString() != id);
    }

    void pollingWalksPendingProcessingDone()
    {
        // request-status shows the raw states pending -> processing -> done (held to observe them)
        // with progress in percent.
        const QString id = submitId(image(64, 64,
            QJsonObject { { k("hold"), QStringLiteral("pending") }, { k("duration_ms"), 400 } }));
        QVERIFY(!id.isEmpty());
        const HttpResult r = m_http.get(statusUrl(id), bearer());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().keys(), QStringList { QStringLiteral("data") });
        QJsonObject s = r.json().value(k("data")).toObject();
        QCOMPARE(s.value(k("status")).toString(), QStringLiteral("pending"));
        QVERIFY(s.value(k("progress")).isDouble());
        QCOMPARE(s.value(k("progress")).toDouble(), 0.0);
        QVERIFY(!s.contains(k("result_url")) || s.value(k("result_url")).isNull());
        QVERIFY(!s.contains(k("error")));
        spin(300);
        QCOMPARE(status(id).value(k("status")).toString(), QStringLiteral("pending"));

        QCOMPARE(m_sb->act(m_http, id, QStringLiteral("hold"),
                         QJsonObject { { k("state"), QStringLiteral("processing") } })
                     .value(k("ok"))
                     .toBool(),
            true);
        s = waitFor(id, { QStringLiteral("processing") });
        QCOMPARE(s.value(k("status")).toString(), QStringLiteral("processing"));
        // Held at half way: the progress settles on 50 (percent, not a 0..1 fraction).
        QTRY_COMPARE(status(id).value(k("progress")).toDouble(), 50.0);
        spin(600); // longer than the whole 400 ms job
        s = status(id);
        QCOMPARE(s.value(k("status")).toString(), QStringLiteral("processing"));
        QCOMPARE(s.value(k("progress")).toDouble(), 50.0);

        QCOMPARE(m_sb->act(m_http, id, QStringLiteral("release")).value(k("ok")).toBool(), true);
        s = waitDone(id);
        QCOMPARE(s.value(k("status")).toString(), QStringLiteral("done"));
        QCOMPARE(s.value(k("progress")).toDouble(), 100.0);
        QVERIFY(s.value(k("result_url")).toString().startsWith(QLatin1String("http")));
        QVERIFY(!s.contains(k("error")));
    }

    void progressStaysInPercentRange()
    {
        // While processing, every polled progress is a number from 0 to 100 that never goes back,
        // up to the end of rendering. A large image and a 3 s job: the last percent spans more than
        // one engine tick, and rendering takes a while.
        const QString id = submitId(image(2048, 2048, QJsonObject { { k("duration_ms"), 3000 } }));
        QVERIFY(!id.isEmpty());
        QList<QJsonObject> samples;
        QVERIFY(QTest::qWaitFor(
            [&] {
                samples.append(status(id));
                return samples.last().value(k("status")).toString() == QLatin1String("done");
            },
            10000));
        double last = -1;
        int seen = 0;
        for (const QJsonObject &s : std::as_const(samples)) {
            const QString state = s.value(k("status")).toString();
            QVERIFY2(QStringList({ QStringLiteral("pending"), QStringLiteral("processing"),
                                     QStringLiteral("done") })
                         .contains(state),
                qPrintable(state));
            const double p = s.value(k("progress")).toDouble(-1);
            QVERIFY2(p >= 0 && p <= 100, qPrintable(QString::number(p)));
            QVERIFY2(p >= last, qPrintable(QStringLiteral("%1 after %2").arg(p).arg(last)));
            if (state == QLatin1String("processing") && p > 0 && p < 100)
                ++seen;
            last = p;
        }
        QCOMPARE(last, 100.0);
        QVERIFY2(seen >= 2, qPrintable(QString::number(seen)));
    }

    void resultUrlIsPngOfRequestedSize()
    {
        // A done txt2img job's result_url downloads a PNG of the requested width and height.
        const QString id = submitId(image(96, 64, QJsonObject { { k("duration_ms"), 300 } }));
        QVERIFY(!id.isEmpty());
        const QJsonObject s = waitDone(id);
        QCOMPARE(s.value(k("status")).toString(), QStringLiteral("done"));
        const HttpResult file = m_http.get(s.value(k("result_url")).toString());
        QCOMPARE(file.status, 200);
        QVERIFY(file.header("Content-Type").startsWith("image/png"));
        QVERIFY(file.body.startsWith("\x89PNG\r\n\x1a\n"));
        const QImage img = QImage::fromData(file.body, "PNG");
        QVERIFY(!img.isNull());
        QCOMPARE(img.size(), QSize(96, 64));
    }

    void txt2audioProducesWav()
    {
        // A done txt2audio job's result_url downloads a RIFF/WAVE file.
        const QString id
            = submitId(QJsonObject { { k("text"), QStringLiteral("Hello from the sandbox") },
                           { k("voice"), QStringLiteral("nova") },
                           { k("sandbox"), QJsonObject { { k("duration_ms"), 300 } } } },
                QStringLiteral("txt2audio"));
        QVERIFY(!id.isEmpty());
        const QJsonObject s = waitDone(id);
        QCOMPARE(s.value(k("status")).toString(), QStringLiteral("done"));
        const HttpResult file = m_http.get(s.value(k("result_url")).toString());
        QCOMPARE(file.status, 200);
        QVERIFY(file.header("Content-Type").startsWith("audio/"));
        QVERIFY(file.body.size() > 44);
        QCOMPARE(file.body.left(4), QByteArray("RIFF"));
        QCOMPARE(file.body.mid(8, 4), QByteArray("WAVE"));
        QCOMPARE(file.body.mid(12, 4), QByteArray("fmt "));
        const quint32 riffSize = quint32(uchar(file.body[4])) | quint32(uchar(file.body[5])) << 8
            | quint32(uchar(file.body[6])) << 16 | quint32(uchar(file.body[7])) << 24;
        QCOMPARE(qint64(riffSize) + 8, qint64(file.body.size()));
    }

    void failedJobReportsError()
    {
        // A job failed with WORKER_TIMEOUT polls as status "error" with error details and no
        // result_url.
        const QString id = submitId(image(64, 64,
            QJsonObject {
                { k("fail"), QStringLiteral("WORKER_TIMEOUT") }, { k("duration_ms"), 300 } }));
        QVERIFY(!id.isEmpty());
        const QJsonObject s = waitDone(id);
        QCOMPARE(s.value(k("status")).toString(), QStringLiteral("error"));
        QVERIFY(s.value(k("error")).isString());
        QVERIFY(!s.value(k("error")).toString().isEmpty());
        QVERIFY(!s.contains(k("result_url")) || s.value(k("result_url")).isNull());
        spin(200);
        QCOMPARE(status(id).value(k("status")).toString(), QStringLiteral("error")); // terminal
    }

    void unauthenticatedIs401()
    {
        // Without a valid Bearer key, submit, request-status and broadcasting/auth answer 401
        // {"message":"Unauthenticated."}.
        const QString id = submitId(image(64, 64));
        QVERIFY(!id.isEmpty());
        const Headers wrong { { "Authorization", "Bearer deapi_sandbox_wrong" } };
        const Headers xApiKey { { "X-API-Key", m_sb->key("deapi") } };
        for (const Headers &h : { Headers {}, wrong, xApiKey }) {
            verifyUnauthenticated(m_http.post(task(QStringLiteral("txt2img")), image(64, 64), h));
            verifyUnauthenticated(m_http.get(statusUrl(id), h));
            verifyUnauthenticated(m_http.post(info("auth_url"),
                QJsonObject { { k("socket_id"), QStringLiteral("123.456") },
                    { k("channel_name"), info("channel") } },
                h));
        }
    }

    void invalidBodiesAre422()
    {
        // Bodies that break the task's schema, or are not JSON objects, answer 422 with a message.
        verifyMessage(submit(QJsonObject { { k("width"), 512 } }), 422);
        verifyMessage(submit(QJsonObject { { k("prompt"), QString() } }), 422);
        QJsonObject b = image(10, 64);
        verifyMessage(submit(b), 422);
        b = image(64, 64);
        b.insert(k("width"), QStringLiteral("wide"));
        verifyMessage(submit(b), 422);
        b = image(64, 64);
        b.insert(k("model"), QStringLiteral("NoSuchModel"));
        verifyMessage(submit(b), 422);
        b = image(64, 64);
        b.insert(k("steps"), 500);
        verifyMessage(submit(b), 422);
        b = image(64, 64);
        b.insert(k("sandbox"), QStringLiteral("hold"));
        verifyMessage(submit(b), 422);
        verifyMessage(submit(QJsonObject { { k("voice"), QStringLiteral("alloy") } },
                          QStringLiteral("txt2audio")),
            422);
        verifyMessage(
            m_http.postRaw(task(QStringLiteral("txt2img")), "{\"prompt\":", bearer()), 422);
        verifyMessage(
            m_http.postRaw(task(QStringLiteral("txt2img")), "[\"a sunset\"]", bearer()), 422);
        verifyMessage(m_http.request("POST", task(QStringLiteral("txt2img")), bearer()), 422);
    }

    void unknownTaskAndRequestAre404()
    {
        // An unknown task and an unknown request id answer 404 with a message.
        verifyMessage(submit(image(64, 64), QStringLiteral("txt2banana")), 404);
        verifyMessage(
            m_http.get(statusUrl(QStringLiteral("123e4567-e89b-12d3-a456-426614174000")), bearer()),
            404);
    }

    void pusherConnectionEstablished()
    {
        // Connecting to {ws_url}/app/{key}?protocol=7 yields pusher:connection_established whose
        // data is a JSON string.
        PusherClient c(wsUrl(info("pusher_key")));
        QTRY_COMPARE(c.count(QStringLiteral("pusher:connection_established")), 1);
        QCOMPARE(c.frames.first().value(k("event")).toString(),
            QStringLiteral("pusher:connection_established"));
        const QJsonValue data = c.frames.first().value(k("data"));
        QVERIFY2(data.isString(), qPrintable(c.raw.first()));
        const QJsonObject d = QJsonDocument::fromJson(data.toString().toUtf8()).object();
        QVERIFY2(QRegularExpression(QStringLiteral("^\\d+\\.\\d+$"))
                     .match(d.value(k("socket_id")).toString())
                     .hasMatch(),
            qPrintable(c.raw.first()));
        QVERIFY(d.value(k("activity_timeout")).isDouble());
        QVERIFY(d.value(k("activity_timeout")).toInt() > 0);

        PusherClient other(wsUrl(info("pusher_key")));
        QTRY_COMPARE(other.count(QStringLiteral("pusher:connection_established")), 1);
        QVERIFY(other.socketId() != c.socketId());
    }

    void broadcastingAuthSignsOwnChannel()
    {
        // POST {auth_url} (JSON or form body) answers {"auth":"key:hex(HMAC-SHA256(secret,
        // socket_id:channel))"}; other channels 403.
        PusherClient c(wsUrl(info("pusher_key")));
        QTRY_COMPARE(c.count(QStringLiteral("pusher:connection_established")), 1);
        const QString socketId = c.socketId();
        const QString channel = info("channel");
        const QString expected
            = expectedAuth(info("pusher_key"), info("pusher_secret"), socketId, channel);

        HttpResult r = m_http.post(info("auth_url"),
            QJsonObject { { k("socket_id"), socketId }, { k("channel_name"), channel } }, bearer());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().keys(), QStringList { QStringLiteral("auth") });
        QCOMPARE(r.json().value(k("auth")).toString(), expected);

        // pusher-js's default authorizer posts a form.
        QUrlQuery form;
        form.addQueryItem(QStringLiteral("socket_id"), socketId);
        form.addQueryItem(QStringLiteral("channel_name"), channel);
        Headers formHeaders = bearer();
        formHeaders.append(
            qMakePair(QByteArray("Content-Type"), QByteArray("application/x-www-form-urlencoded")));
        r = m_http.postRaw(
            info("auth_url"), form.toString(QUrl::FullyEncoded).toUtf8(), formHeaders);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(k("auth")).toString(), expected);

        // Another client's channel is refused; so is a request without a key.
        const QString foreign
            = QStringLiteral("private-client.") + QString::number(info("client_id").toInt() + 1);
        r = m_http.post(info("auth_url"),
            QJsonObject { { k("socket_id"), socketId }, { k("channel_name"), foreign } }, bearer());
        QCOMPARE(r.status, 403);
        QVERIFY(!r.json().contains(k("auth")));
        r = m_http.post(info("auth_url"),
            QJsonObject { { k("socket_id"), socketId }, { k("channel_name"), channel } });
        QCOMPARE(r.status, 401);
        QVERIFY(!r.json().contains(k("auth")));
    }

    void subscribedClientReceivesJobEvents()
    {
        // A subscribed client receives request.status.updated: processing with rising progress,
        // JPEG previews, then done with result_url.
        auto c = subscribedClient();
        QVERIFY(c);
        const QJsonObject ok = c->last(QStringLiteral("pusher_internal:subscription_succeeded"));
        QCOMPARE(ok.value(k("channel")).toString(), info("channel"));

        const QString id = submitId(
            image(64, 64, QJsonObject { { k("duration_ms"), 1500 }, { k("preview_every"), 25 } }));
        QVERIFY(!id.isEmpty());
        auto finished = [&] {
            const QList<QJsonObject> u = c->updates(id);
            return !u.isEmpty() && u.last().value(k("status")).toString() == QLatin1String("done");
        };
        QTRY_VERIFY_WITH_TIMEOUT(finished(), 15000);
        spin(300); // nothing comes after done

        QList<QJsonObject> updates;
        for (const QJsonObject &f : std::as_const(c->frames)) {
            if (f.value(k("event")).toString() != QLatin1String("request.status.updated"))
                continue;
            QCOMPARE(f.value(k("channel")).toString(), info("channel"));
            QVERIFY(f.value(k("data")).isString()); // the data is a JSON string, as Pusher sends it
            const QJsonObject d = PusherClient::data(f);
            if (d.value(k("request_id")).toString() == id)
                updates.append(d);
        }
        QVERIFY2(updates.size() >= 4, qPrintable(QString::number(updates.size())));
        QCOMPARE(updates.last().value(k("status")).toString(), QStringLiteral("done"));
        QCOMPARE(updates.last().value(k("progress")).toDouble(), 100.0);
        const QString resultUrl = updates.last().value(k("result_url")).toString();
        QVERIFY(resultUrl.startsWith(QLatin1String("http")));

        double last = -1;
        int processing = 0;
        int previews = 0;
        for (qsizetype i = 0; i < updates.size(); ++i) {
            const QJsonObject &d = updates.at(i);
            const QString st = d.value(k("status")).toString();
            if (i + 1 < updates.size())
                QCOMPARE(st, QStringLiteral("processing"));
            if (st == QLatin1String("processing"))
                ++processing;
            QVERIFY(d.value(k("progress")).isDouble());
            const double p = d.value(k("progress")).toDouble();
            QVERIFY2(p >= 0 && p <= 100, qPrintable(QString::number(p)));
            QVERIFY2(
                p >= last, qPrintable(QStringLiteral("progress %1 after %2").arg(p).arg(last)));
            last = p;
            const QString preview = d.value(k("preview")).toString();
            if (!preview.isEmpty()) {
                QVERIFY2(preview.startsWith(QLatin1String("data:image/jpeg;base64,")),
                    qPrintable(preview.left(40)));
                const QByteArray jpeg = QByteArray::fromBase64(
                    preview.mid(23).toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
                QVERIFY(jpeg.startsWith("\xff\xd8"));
                const QImage img = QImage::fromData(jpeg, "JPEG");
                QVERIFY(!img.isNull());
                QVERIFY(img.width() > 0 && img.height() > 0);
                ++previews;
            }
        }
        QVERIFY2(processing >= 3, qPrintable(QString::number(processing)));
        QVERIFY2(previews >= 1, qPrintable(QString::number(previews)));
        QVERIFY(updates.first().value(k("progress")).toDouble()
            < updates.at(updates.size() - 2).value(k("progress")).toDouble());

        // The pushed result_url downloads the result.
        const HttpResult file = m_http.get(resultUrl);
        QCOMPARE(file.status, 200);
        QCOMPARE(QImage::fromData(file.body, "PNG").size(), QSize(64, 64));
    }

    void badSignatureIsRefused()
    {
        // A subscribe with a wrong auth signature gets pusher:subscription_error and no job events.
        PusherClient c(wsUrl(info("pusher_key")));
        QTRY_COMPARE(c.count(QStringLiteral("pusher:connection_established")), 1);
        const QString channel = info("channel");
        c.subscribe(channel, info("pusher_key") + QLatin1Char(':') + QString(64, QLatin1Char('0')));
        QTRY_COMPARE(c.count(QStringLiteral("pusher:subscription_error")), 1);
        QCOMPARE(c.last(QStringLiteral("pusher:subscription_error")).value(k("channel")).toString(),
            channel);
        // A signature made for another socket is as bad.
        c.subscribe(channel,
            expectedAuth(
                info("pusher_key"), info("pusher_secret"), QStringLiteral("1.1"), channel));
        QTRY_COMPARE(c.count(QStringLiteral("pusher:subscription_error")), 2);
        QCOMPARE(c.count(QStringLiteral("pusher_internal:subscription_succeeded")), 0);

        const QString id = submitId(image(64, 64, QJsonObject { { k("duration_ms"), 200 } }));
        QVERIFY(!id.isEmpty());
        QCOMPARE(waitDone(id).value(k("status")).toString(), QStringLiteral("done"));
        spin(200);
        QCOMPARE(c.count(QStringLiteral("request.status.updated")), 0);
        QVERIFY(!c.disconnected); // refused, not thrown out
    }

    void pingIsAnsweredWithPong()
    {
        // pusher:ping is answered with pusher:pong.
        PusherClient c(wsUrl(info("pusher_key")));
        QTRY_COMPARE(c.count(QStringLiteral("pusher:connection_established")), 1);
        c.send(QJsonObject {
            { k("event"), QStringLiteral("pusher:ping") }, { k("data"), QJsonObject {} } });
        QTRY_COMPARE(c.count(QStringLiteral("pusher:pong")), 1);
        c.send(QJsonObject {
            { k("event"), QStringLiteral("pusher:ping") }, { k("data"), QJsonObject {} } });
        QTRY_COMPARE(c.count(QStringLiteral("pusher:pong")), 2);
    }

    void controlDropClosesWith4200()
    {
        // POST {control}/drop {"ws":true,"ws_close_code":4200} closes the WebSocket with close code
        // 4200.
        auto c = subscribedClient();
        QVERIFY(c);
        const HttpResult r = m_http.post(m_sb->control() + QStringLiteral("/drop"),
            QJsonObject { { k("ws"), true }, { k("ws_close_code"), 4200 } });
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value(k("ws_dropped")).toInt() >= 1);
        QTRY_VERIFY(c->disconnected);
        QCOMPARE(int(c->ws.closeCode()), 4200);
    }

    void wrongAppKeyClosesWith4001()
    {
        // A connection with a wrong app key gets pusher:error 4001 and a close frame with code
        // 4001.
        PusherClient c(wsUrl(QStringLiteral("not-the-key")));
        QTRY_VERIFY(c.disconnected);
        QCOMPARE(int(c.ws.closeCode()), 4001);
        QCOMPARE(c.count(QStringLiteral("pusher:connection_established")), 0);
        QCOMPARE(c.last(QStringLiteral("pusher:error"))
                     .value(k("data"))
                     .toObject()
                     .value(k("code"))
                     .toInt(),
            4001);
    }

    void webhookOnCompletion()
    {
        // A job with webhook_url gets one signed POST
        // {"event":"job.completed","data":{job_request_id, status done, ...}}.
        WebhookReceiver receiver(kHookPath);
        QVERIFY(receiver.listen());
        QJsonObject body = image(64, 64, QJsonObject { { k("duration_ms"), 300 } });
        body.insert(k("webhook_url"), receiver.url());
        const QString id = submitId(body);
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE(receiver.count(), 1);
        spin(400);
        QCOMPARE(receiver.count(), 1); // once only

        const WebhookReceiver::Request &req = receiver.requests().first();
        QCOMPARE(req.method, QByteArray("POST"));
        QVERIFY(req.headers.value("content-type").startsWith("application/json"));
        QVERIFY(signatureOk(req, webhookSecret()));
        const qint64 ts = req.headers.value("x-deapi-timestamp").toLongLong();
        QVERIFY2(qAbs(ts - QDateTime::currentSecsSinceEpoch()) < 60,
            req.headers.value("x-deapi-timestamp").constData());
        QVERIFY(!signatureOk(req, webhookSecret() + "x"));

        const QJsonObject o = QJsonDocument::fromJson(req.body).object();
        QCOMPARE(sortedKeys(o), sorted({ QStringLiteral("event"), QStringLiteral("data") }));
        QCOMPARE(o.value(k("event")).toString(), QStringLiteral("job.completed"));
        const QJsonObject d = o.value(k("data")).toObject();
        QCOMPARE(d.value(k("job_request_id")).toString(), id);
        QCOMPARE(d.value(k("status")).toString(), QStringLiteral("done"));
        QCOMPARE(d.value(k("job_type")).toString(), QStringLiteral("txt2img"));
        QVERIFY(d.value(k("processing_time_ms")).isDouble());
        QVERIFY2(d.value(k("processing_time_ms")).toDouble() >= 250,
            req.body.constData()); // a 300 ms job
        const HttpResult file = m_http.get(d.value(k("result_url")).toString());
        QCOMPARE(file.status, 200);
        QCOMPARE(QImage::fromData(file.body, "PNG").size(), QSize(64, 64));

        const QJsonArray log = webhookLog(id);
        QCOMPARE(log.size(), 1);
        QCOMPARE(log.at(0).toObject().value(k("http_status")).toInt(), 200);
    }

    void webhookOnFailure()
    {
        // A failing job with webhook_url gets one signed "job.failed" POST with status "error".
        WebhookReceiver receiver(kHookPath);
        QVERIFY(receiver.listen());
        QJsonObject body = image(64, 64,
            QJsonObject {
                { k("duration_ms"), 300 }, { k("fail"), QStringLiteral("WORKER_TIMEOUT") } });
        body.insert(k("webhook_url"), receiver.url());
        const QString id = submitId(body);
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE(receiver.count(), 1);
        spin(300);
        QCOMPARE(receiver.count(), 1);
        const WebhookReceiver::Request &req = receiver.requests().first();
        QVERIFY(signatureOk(req, webhookSecret()));
        const QJsonObject o = QJsonDocument::fromJson(req.body).object();
        QCOMPARE(o.value(k("event")).toString(), QStringLiteral("job.failed"));
        const QJsonObject d = o.value(k("data")).toObject();
        QCOMPARE(d.value(k("job_request_id")).toString(), id);
        QCOMPARE(d.value(k("status")).toString(), QStringLiteral("error"));
        QCOMPARE(d.value(k("job_type")).toString(), QStringLiteral("txt2img"));
        QVERIFY(!d.contains(k("result_url")) || d.value(k("result_url")).isNull());
    }

    void webhookIsRetried()
    {
        // A receiver answering 503 then 200 gets the webhook twice, both attempts recorded in
        // {control}/webhooks?job=ID.
        WebhookReceiver receiver(kHookPath, { 503, 200 });
        QVERIFY(receiver.listen());
        QJsonObject body = image(
            64, 64, QJsonObject { { k("duration_ms"), 200 }, { k("webhook_retry_base_ms"), 50 } });
        body.insert(k("webhook_url"), receiver.url());
        const QString id = submitId(body);
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE(receiver.count(), 2);
        spin(400);
        QCOMPARE(receiver.count(), 2); // the 200 ends the retries
        const WebhookReceiver::Request &first = receiver.requests().at(0);
        const WebhookReceiver::Request &second = receiver.requests().at(1);
        QVERIFY(signatureOk(first, webhookSecret()));
        QVERIFY(signatureOk(second, webhookSecret()));
        QCOMPARE(second.body, first.body); // the same event, delivered again
        QVERIFY2(second.receivedMs - first.receivedMs >= 40,
            qPrintable(QString::number(second.receivedMs - first.receivedMs)));

        QJsonArray log;
        QTRY_COMPARE((log = webhookLog(id)).size(), 2);
        QCOMPARE(log.at(0).toObject().value(k("attempt")).toInt(), 1);
        QCOMPARE(log.at(0).toObject().value(k("http_status")).toInt(), 503);
        QCOMPARE(log.at(1).toObject().value(k("attempt")).toInt(), 2);
        QCOMPARE(log.at(1).toObject().value(k("http_status")).toInt(), 200);
        QCOMPARE(
            log.at(1).toObject().value(k("event")).toString(), QStringLiteral("job.completed"));
        QCOMPARE(log.at(1).toObject().value(k("done")).toBool(), true);
    }

    void webhookBackoffIsExponential()
    {
        // Retries back off exponentially: with a 50 ms base the gaps grow to at least 50, 100 and
        // 200 ms.
        WebhookReceiver receiver(kHookPath, { 503, 500, 503, 200 });
        QVERIFY(receiver.listen());
        QJsonObject body = image(
            64, 64, QJsonObject { { k("duration_ms"), 200 }, { k("webhook_retry_base_ms"), 50 } });
        body.insert(k("webhook_url"), receiver.url());
        const QString id = submitId(body);
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE(receiver.count(), 4);
        QList<qint64> gaps;
        for (qsizetype i = 1; i < receiver.requests().size(); ++i)
            gaps.append(
                receiver.requests().at(i).receivedMs - receiver.requests().at(i - 1).receivedMs);
        const QString seen
            = QStringLiteral("gaps %1 %2 %3").arg(gaps.at(0)).arg(gaps.at(1)).arg(gaps.at(2));
        // Lower bounds only (a busy machine may be late, a timer is never much early).
        QVERIFY2(gaps.at(0) >= 45, qPrintable(seen));
        QVERIFY2(gaps.at(1) >= 90, qPrintable(seen));
        QVERIFY2(gaps.at(2) >= 180, qPrintable(seen));
        QTRY_COMPARE(webhookLog(id).size(), 4);
    }

    void webhookRetriesStopAfterTen()
    {
        // A receiver that always fails gets the first attempt plus at most 10 retries, then no
        // more.
        WebhookReceiver receiver(kHookPath, {}, 503);
        QVERIFY(receiver.listen());
        QJsonObject body = image(
            64, 64, QJsonObject { { k("duration_ms"), 200 }, { k("webhook_retry_base_ms"), 1 } });
        body.insert(k("webhook_url"), receiver.url());
        const QString id = submitId(body);
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(receiver.count(), 11, 10000); // backoff 1, 2, 4 ... 512 ms
        spin(1500); // longer than an 11th retry's 1024 ms backoff
        QCOMPARE(receiver.count(), 11);
        const QJsonArray log = webhookLog(id);
        QCOMPARE(log.size(), 11);
        for (qsizetype i = 0; i < log.size(); ++i) {
            QCOMPARE(log.at(i).toObject().value(k("attempt")).toInt(), int(i + 1));
            QCOMPARE(log.at(i).toObject().value(k("http_status")).toInt(), 503);
        }
        QCOMPARE(log.last().toObject().value(k("done")).toBool(), true); // given up
    }
};

QTEST_GUILESS_MAIN(TestDeApiSandbox)
#include "tst_deapisandbox.moc"
