#include "sandbox/pusherhub.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtEndian>
#include <atomic>
#include <memory>

using Sandbox::PusherHub;

namespace {

const QString kKey = QStringLiteral("sandbox-key");
const QString kSecret = QStringLiteral("sandbox-secret");
const QString kQuery = QStringLiteral("?protocol=7&client=js&version=8.4.0&flash=false");

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// An independent implementation of the signature, so the hub is not checked against itself.
QString expectedAuth(const QString &socketId, const QString &channel, const QString &key = kKey,
    const QString &secret = kSecret)
{
    const QByteArray mac = QMessageAuthenticationCode::hash(
        (socketId + u':' + channel).toUtf8(), secret.toUtf8(), QCryptographicHash::Sha256);
    return key + u':' + QString::fromLatin1(mac.toHex());
}

// A bare QWebSocket that records every frame. It knows nothing of Pusher: in particular it never
// answers pusher:ping, which is what the pong-timeout test relies on.
struct Client
{
    QWebSocket ws;
    QStringList raw;
    QList<QJsonObject> frames;
    bool disconnected = false;

    Client()
    {
        QObject::connect(&ws, &QWebSocket::textMessageReceived, &ws, [this](const QString &m) {
            raw.append(m);
            frames.append(QJsonDocument::fromJson(m.toUtf8()).object());
        });
        QObject::connect(&ws, &QWebSocket::disconnected, &ws, [this] { disconnected = true; });
    }

    int count(QStringView event) const
    {
        return int(std::count_if(frames.cbegin(), frames.cend(),
            [&](const QJsonObject &f) { return f.value(u"event").toString() == event; }));
    }
    QJsonObject last(QStringView event) const
    {
        for (auto it = frames.crbegin(); it != frames.crend(); ++it) {
            if (it->value(u"event").toString() == event)
                return *it;
        }
        return {};
    }
    QString lastRaw(QStringView event) const
    {
        for (qsizetype i = frames.size() - 1; i >= 0; --i) {
            if (frames.at(i).value(u"event").toString() == event)
                return raw.at(i);
        }
        return {};
    }
    // Server events carry data as a JSON-encoded string; this decodes it (empty when it is not).
    static QJsonObject data(const QJsonObject &frame)
    {
        const QJsonValue d = frame.value(u"data");
        return d.isString() ? QJsonDocument::fromJson(d.toString().toUtf8()).object()
                            : QJsonObject();
    }
    QString socketId() const
    {
        return data(last(u"pusher:connection_established")).value(u"socket_id").toString();
    }
    void send(const QJsonObject &o) { ws.sendTextMessage(compact(o)); }
    void subscribe(const QString &channel, const QString &auth = {})
    {
        QJsonObject data { { QStringLiteral("channel"), channel } };
        if (!auth.isNull())
            data.insert(QStringLiteral("auth"), auth);
        send({ { QStringLiteral("event"), QStringLiteral("pusher:subscribe") },
            { QStringLiteral("data"), data } });
    }
    void ping()
    {
        send({ { QStringLiteral("event"), QStringLiteral("pusher:ping") },
            { QStringLiteral("data"), QJsonObject {} } });
    }
};

// Speaks just enough WebSocket over a plain QTcpSocket to see which frames arrive, which
// QWebSocket hides: it reports close code 1000 whether a close frame came or the TCP stream ended.
struct RawClient
{
    QTcpSocket tcp;
    QByteArray buffer;
    bool upgraded = false;
    QList<int> opcodes; // of every complete frame received
    QList<QByteArray> payloads;
    bool disconnected = false;

    explicit RawClient(quint16 port, const QString &pathAndQuery)
    {
        QObject::connect(&tcp, &QTcpSocket::connected, &tcp, [this, pathAndQuery] {
            tcp.write("GET " + pathAndQuery.toUtf8()
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n");
        });
        QObject::connect(&tcp, &QTcpSocket::readyRead, &tcp, [this] { read(); });
        QObject::connect(&tcp, &QTcpSocket::disconnected, &tcp, [this] { disconnected = true; });
        tcp.connectToHost(QHostAddress::LocalHost, port);
    }

    void read()
    {
        buffer += tcp.readAll();
        if (!upgraded) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            upgraded = buffer.startsWith("HTTP/1.1 101");
            buffer.remove(0, end + 4);
        }
        // Server frames are never masked; lengths use the 7-bit, 16-bit and 64-bit forms.
        while (buffer.size() >= 2) {
            qint64 length = static_cast<uchar>(buffer[1]) & 0x7F;
            qsizetype header = 2;
            if (length == 126) {
                if (buffer.size() < 4)
                    return;
                length = qFromBigEndian<quint16>(buffer.constData() + 2);
                header = 4;
            } else if (length == 127) {
                if (buffer.size() < 10)
                    return;
                length = qint64(qFromBigEndian<quint64>(buffer.constData() + 2));
                header = 10;
            }
            if (buffer.size() < header + length)
                return;
            opcodes.append(static_cast<uchar>(buffer[0]) & 0x0F);
            payloads.append(buffer.mid(header, length));
            buffer.remove(0, header + length);
        }
    }
};

// Counts benchmark events in its own thread, so the hub's thread only publishes and writes.
class CountingClient final : public QObject
{
    Q_OBJECT

public:
    std::atomic<qint64> received { 0 };
    std::atomic<bool> ready { false };
    std::atomic<qint64> lastFrameSize { 0 };

    Q_INVOKABLE void open(const QUrl &url, const QString &channel)
    {
        m_ws = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        connect(m_ws, &QWebSocket::textMessageReceived, this, [this, channel](const QString &m) {
            // A prefix test, not a JSON parse: the client must not be the bottleneck measured.
            if (m.startsWith(u"{\"event\":\"bench.event\"")) {
                lastFrameSize.store(m.size(), std::memory_order_relaxed);
                received.fetch_add(1, std::memory_order_relaxed);
            } else if (m.contains(u"pusher:connection_established")) {
                m_ws->sendTextMessage(
                    QStringLiteral(R"({"event":"pusher:subscribe","data":{"channel":"%1"}})")
                        .arg(channel));
            } else if (m.contains(u"pusher_internal:subscription_succeeded")) {
                ready = true;
            }
        });
        m_ws->open(url);
    }
    Q_INVOKABLE void close()
    {
        delete m_ws;
        m_ws = nullptr;
    }

private:
    QWebSocket *m_ws = nullptr;
};

} // namespace

class TestPusherHub final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void establishedFrame();
    void handshake_data();
    void handshake();
    void pingPong();
    void publicSubscribe();
    void privateSubscribeGoodSignature();
    void privateSubscribeBadSignature_data();
    void privateSubscribeBadSignature();
    void signatureMatchesPusherWorkedExample();
    void presenceRefused();
    void publishReachesOnlySubscribers();
    void unsubscribe();
    void malformedFrames_data();
    void malformedFrames();
    void binaryFrame();
    void clientEventRejected();
    void unknownEventsIgnored();
    void serverPingAfterActivityTimeout();
    void pongTimeoutCloses4201();
    void dropAllWithCloseCode();
    void dropAllAbort();
    void dropChannel();
    void bookkeepingAfterClientDisconnect();
    void destroyingHubWithOpenSockets();
    void publishThroughput();

private:
    std::unique_ptr<Client> open(
        const QString &pathAndQuery = QStringLiteral("/app/") + kKey + kQuery);
    std::unique_ptr<Client> connected();
    static bool waitFor(const Client &c, QStringView event, int count = 1, int timeoutMs = 5000);
    // Proves the server has processed everything the client sent before: the pong answers a ping
    // sent last, and frames on one socket are answered in order.
    static bool roundTrip(Client &c);

    std::unique_ptr<QWebSocketServer> m_server;
    std::unique_ptr<PusherHub> m_hub;
    QString m_base;
};

void TestPusherHub::init()
{
    m_server = std::make_unique<QWebSocketServer>(
        QStringLiteral("tst_pusherhub"), QWebSocketServer::NonSecureMode);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_base = QStringLiteral("ws://127.0.0.1:%1").arg(m_server->serverPort());
    m_hub = std::make_unique<PusherHub>(kKey, kSecret);
    connect(m_server.get(), &QWebSocketServer::newConnection, m_hub.get(), [this] {
        while (m_server->hasPendingConnections())
            m_hub->addConnection(std::unique_ptr<QWebSocket>(m_server->nextPendingConnection()));
    });
}

void TestPusherHub::cleanup()
{
    m_hub.reset();
    m_server.reset();
}

std::unique_ptr<Client> TestPusherHub::open(const QString &pathAndQuery)
{
    auto c = std::make_unique<Client>();
    c->ws.open(QUrl(m_base + pathAndQuery));
    return c;
}

std::unique_ptr<Client> TestPusherHub::connected()
{
    auto c = open();
    if (!waitFor(*c, u"pusher:connection_established"))
        return nullptr;
    return c;
}

bool TestPusherHub::waitFor(const Client &c, QStringView event, int count, int timeoutMs)
{
    return QTest::qWaitFor([&] { return c.count(event) >= count; }, timeoutMs);
}

bool TestPusherHub::roundTrip(Client &c)
{
    const int pongs = c.count(u"pusher:pong");
    c.ping();
    return waitFor(c, u"pusher:pong", pongs + 1);
}

// Proves connection_established has the documented shape (data a JSON-encoded string holding a
// "N.M" socket_id and the activity timeout) and that socket ids are unique per connection.
void TestPusherHub::establishedFrame()
{
    auto a = connected();
    QVERIFY(a);
    auto b = connected();
    QVERIFY(b);

    const QJsonObject frame = a->last(u"pusher:connection_established");
    QVERIFY(frame.value(u"data").isString());
    QVERIFY(!frame.contains(u"channel"));
    const QJsonObject data = Client::data(frame);
    QCOMPARE(data.value(u"activity_timeout").toInt(), 120);
    QVERIFY(data.value(u"activity_timeout").isDouble());
    static const QRegularExpression idPattern(QStringLiteral("^\\d+\\.\\d+$"));
    QVERIFY2(idPattern.match(a->socketId()).hasMatch(), qPrintable(a->socketId()));
    QVERIFY(idPattern.match(b->socketId()).hasMatch());
    QVERIFY(a->socketId() != b->socketId());
    QCOMPARE(a->frames.size(), 1);
    QCOMPARE(m_hub->connectionCount(), 2);
}

void TestPusherHub::handshake_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("closeCode"); // 0: established

    QTest::newRow("pusher-js url") << QStringLiteral("/app/") + kKey + kQuery << 0;
    QTest::newRow("behind a prefix") << QStringLiteral("/deapi/ws/app/") + kKey + kQuery << 0;
    QTest::newRow("protocol 5") << QStringLiteral("/app/") + kKey + QStringLiteral("?protocol=5")
                                << 0;
    QTest::newRow("wrong key") << QStringLiteral("/app/not-the-key") + kQuery << 4001;
    QTest::newRow("no key") << QStringLiteral("/app/") + kQuery << 4001;
    QTest::newRow("not an app path") << QStringLiteral("/socket") + kQuery << 4001;
    QTest::newRow("missing protocol")
        << QStringLiteral("/app/") + kKey + QStringLiteral("?client=js&version=8.4.0") << 4008;
    QTest::newRow("protocol 4") << QStringLiteral("/app/") + kKey + QStringLiteral("?protocol=4")
                                << 4007;
    QTest::newRow("protocol 8") << QStringLiteral("/app/") + kKey + QStringLiteral("?protocol=8")
                                << 4007;
    QTest::newRow("protocol text")
        << QStringLiteral("/app/") + kKey + QStringLiteral("?protocol=seven") << 4007;
}

// Proves the URL checks: the app key is the last "app/{key}" pair of the path, a wrong key closes
// with 4001 and a missing or unsupported protocol with 4008 / 4007, each after a pusher:error
// whose data is an object carrying the same code (what pusher-js reads during its handshake).
void TestPusherHub::handshake()
{
    QFETCH(QString, path);
    QFETCH(int, closeCode);

    auto c = open(path);
    if (closeCode == 0) {
        QVERIFY(waitFor(*c, u"pusher:connection_established"));
        QCOMPARE(m_hub->connectionCount(), 1);
        return;
    }
    QTRY_VERIFY(c->disconnected);
    QCOMPARE(int(c->ws.closeCode()), closeCode);
    QCOMPARE(c->frames.size(), 1);
    const QJsonObject error = c->last(u"pusher:error");
    QVERIFY(error.value(u"data").isObject());
    QCOMPARE(error.value(u"data").toObject().value(u"code").toInt(), closeCode);
    QVERIFY(!error.value(u"data").toObject().value(u"message").toString().isEmpty());
    if (closeCode == 4001) {
        QVERIFY(c->ws.closeReason().contains(u"not in this cluster"));
    }
    QCOMPARE(m_hub->connectionCount(), 0);
}

// Proves pusher:ping is answered with exactly {"event":"pusher:pong","data":"{}"}.
void TestPusherHub::pingPong()
{
    auto c = connected();
    QVERIFY(c);
    c->ping();
    QVERIFY(waitFor(*c, u"pusher:pong"));
    QCOMPARE(c->lastRaw(u"pusher:pong"), QStringLiteral(R"({"event":"pusher:pong","data":"{}"})"));
}

// Proves a public channel needs no auth, succeeds with the documented frame, emits subscribed()
// once (re-subscribing is answered again but not signalled twice), and that subscribe data sent
// as a JSON-encoded string is accepted too.
void TestPusherHub::publicSubscribe()
{
    auto c = connected();
    QVERIFY(c);
    QSignalSpy subscribed(m_hub.get(), &PusherHub::subscribed);

    c->subscribe(QStringLiteral("jobs"));
    QVERIFY(waitFor(*c, u"pusher_internal:subscription_succeeded"));
    QCOMPARE(c->lastRaw(u"pusher_internal:subscription_succeeded"),
        QStringLiteral(
            R"({"event":"pusher_internal:subscription_succeeded","channel":"jobs","data":"{}"})"));
    QCOMPARE(subscribed.size(), 1);
    QCOMPARE(subscribed.at(0).at(0).toString(), c->socketId());
    QCOMPARE(subscribed.at(0).at(1).toString(), QStringLiteral("jobs"));
    QCOMPARE(m_hub->subscriberCount(QStringLiteral("jobs")), 1);

    c->subscribe(QStringLiteral("jobs"));
    QVERIFY(waitFor(*c, u"pusher_internal:subscription_succeeded", 2));
    QCOMPARE(subscribed.size(), 1);
    QCOMPARE(m_hub->subscriberCount(QStringLiteral("jobs")), 1);

    c->ws.sendTextMessage(
        QStringLiteral(R"({"event":"pusher:subscribe","data":"{\"channel\":\"news\"}"})"));
    QVERIFY(waitFor(*c, u"pusher_internal:subscription_succeeded", 3));
    QCOMPARE(c->last(u"pusher_internal:subscription_succeeded").value(u"channel").toString(),
        QStringLiteral("news"));
    QCOMPARE(m_hub->subscriberCount(QStringLiteral("news")), 1);
}

// Proves a private channel accepts "key:hex(HMAC-SHA256(secret, socket_id:channel))" computed
// independently of the hub, and that authSignature() returns exactly that string.
void TestPusherHub::privateSubscribeGoodSignature()
{
    auto c = connected();
    QVERIFY(c);
    const QString channel = QStringLiteral("private-client.42");
    const QString auth = expectedAuth(c->socketId(), channel);
    QCOMPARE(m_hub->authSignature(c->socketId(), channel), auth);

    c->subscribe(channel, auth);
    QVERIFY(waitFor(*c, u"pusher_internal:subscription_succeeded"));
    QCOMPARE(
        c->last(u"pusher_internal:subscription_succeeded").value(u"channel").toString(), channel);
    QCOMPARE(c->count(u"pusher:subscription_error"), 0);
    QCOMPARE(m_hub->subscriberCount(channel), 1);
}

void TestPusherHub::privateSubscribeBadSignature_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("no auth") << QStringLiteral("none");
    QTest::newRow("empty auth") << QStringLiteral("empty");
    QTest::newRow("wrong secret") << QStringLiteral("secret");
    QTest::newRow("other socket id") << QStringLiteral("socket");
    QTest::newRow("other channel") << QStringLiteral("channel");
    QTest::newRow("wrong key prefix") << QStringLiteral("key");
    QTest::newRow("uppercase hex") << QStringLiteral("upper");
    QTest::newRow("truncated") << QStringLiteral("short");
}

// Proves every wrong signature is refused with pusher:subscription_error on that channel, data a
// JSON-encoded {"type":"AuthError","error":...,"status":401} (pusher-js hands it to the channel's
// "pusher:subscription_error" binding), without subscribing and without closing the connection.
void TestPusherHub::privateSubscribeBadSignature()
{
    QFETCH(QString, kind);
    auto c = connected();
    QVERIFY(c);
    const QString channel = QStringLiteral("private-client.42");
    const QString good = expectedAuth(c->socketId(), channel);
    QString auth;
    if (kind == u"empty")
        auth = QStringLiteral("");
    else if (kind == u"secret")
        auth = expectedAuth(c->socketId(), channel, kKey, QStringLiteral("guess"));
    else if (kind == u"socket")
        auth = expectedAuth(QStringLiteral("1.1"), channel);
    else if (kind == u"channel")
        auth = expectedAuth(c->socketId(), QStringLiteral("private-client.43"));
    else if (kind == u"key")
        auth = QStringLiteral("other-key") + good.mid(kKey.size());
    else if (kind == u"upper")
        auth = kKey + u':' + good.mid(kKey.size() + 1).toUpper();
    else if (kind == u"short")
        auth = good.chopped(1);
    QSignalSpy subscribed(m_hub.get(), &PusherHub::subscribed);

    c->subscribe(channel, auth);
    QVERIFY(waitFor(*c, u"pusher:subscription_error"));
    const QJsonObject frame = c->last(u"pusher:subscription_error");
    QCOMPARE(frame.value(u"channel").toString(), channel);
    QVERIFY(frame.value(u"data").isString());
    const QJsonObject data = Client::data(frame);
    QCOMPARE(data.value(u"type").toString(), QStringLiteral("AuthError"));
    QCOMPARE(data.value(u"status").toInt(), 401);
    QVERIFY(!data.value(u"error").toString().isEmpty());
    QVERIFY(!data.value(u"error").toString().contains(good.mid(kKey.size() + 1)));
    QCOMPARE(c->count(u"pusher_internal:subscription_succeeded"), 0);
    QCOMPARE(m_hub->subscriberCount(channel), 0);
    QCOMPARE(subscribed.size(), 0);
    QVERIFY(roundTrip(*c));
    QVERIFY(!c->disconnected);
}

// Proves sign() is the documented Pusher signature, using the worked example of Pusher's own
// "auth signatures" reference.
void TestPusherHub::signatureMatchesPusherWorkedExample()
{
    QCOMPARE(PusherHub::sign("7ad3773142a6692b25b8", QStringLiteral("1234.1234"),
                 QStringLiteral("private-foobar")),
        QByteArray("58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"));
    PusherHub hub(QStringLiteral("278d425bdf160c739803"), QStringLiteral("7ad3773142a6692b25b8"));
    QCOMPARE(hub.authSignature(QStringLiteral("1234.1234"), QStringLiteral("private-foobar")),
        QStringLiteral("278d425bdf160c739803:"
                       "58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"));
}

// Proves presence channels are refused with a subscription error that says they are unsupported.
void TestPusherHub::presenceRefused()
{
    auto c = connected();
    QVERIFY(c);
    c->subscribe(QStringLiteral("presence-room"), expectedAuth(c->socketId(), "presence-room"));
    QVERIFY(waitFor(*c, u"pusher:subscription_error"));
    const QJsonObject data = Client::data(c->last(u"pusher:subscription_error"));
    QVERIFY(data.value(u"error").toString().contains(u"not supported"));
    QCOMPARE(m_hub->subscriberCount(QStringLiteral("presence-room")), 0);
}

// Proves publish() reaches the subscribers of that channel only, with the channel named and data a
// string that parses back to the published object (quotes, backslashes, newlines and non-ASCII
// included), and returns how many sockets it was sent to.
void TestPusherHub::publishReachesOnlySubscribers()
{
    auto a = connected();
    auto b = connected();
    auto other = connected();
    auto none = connected();
    QVERIFY(a && b && other && none);
    a->subscribe(
        QStringLiteral("private-client.7"), expectedAuth(a->socketId(), "private-client.7"));
    b->subscribe(
        QStringLiteral("private-client.7"), expectedAuth(b->socketId(), "private-client.7"));
    other->subscribe(
        QStringLiteral("private-client.8"), expectedAuth(other->socketId(), "private-client.8"));
    QVERIFY(waitFor(*a, u"pusher_internal:subscription_succeeded"));
    QVERIFY(waitFor(*b, u"pusher_internal:subscription_succeeded"));
    QVERIFY(waitFor(*other, u"pusher_internal:subscription_succeeded"));

    const QJsonObject payload {
        { QStringLiteral("request_id"), QStringLiteral("r-1") },
        { QStringLiteral("status"), QStringLiteral("processing") },
        { QStringLiteral("progress"), 42.5 },
        { QStringLiteral("preview"), QStringLiteral("data:image/png;base64,AAAA") },
        { QStringLiteral("note"),
            QStringLiteral("say \"hi\" \\ back\nslash\ttab \u00e9\u6f22 \U0001F600 \x01") },
        { QStringLiteral("nested"),
            QJsonObject { { QStringLiteral("list"), QJsonArray { 1, 2 } } } },
    };
    QCOMPARE(m_hub->publish(QStringLiteral("private-client.7"),
                 QStringLiteral("request.status.updated"), payload),
        2);
    QVERIFY(waitFor(*a, u"request.status.updated"));
    QVERIFY(waitFor(*b, u"request.status.updated"));
    for (Client *c : { a.get(), b.get() }) {
        const QJsonObject frame = c->last(u"request.status.updated");
        QCOMPARE(frame.value(u"channel").toString(), QStringLiteral("private-client.7"));
        QVERIFY(frame.value(u"data").isString());
        QCOMPARE(Client::data(frame), payload);
        QCOMPARE(frame.size(), 3);
    }
    QVERIFY(roundTrip(*other));
    QVERIFY(roundTrip(*none));
    QCOMPARE(other->count(u"request.status.updated"), 0);
    QCOMPARE(none->count(u"request.status.updated"), 0);
    QCOMPARE(m_hub->publish(QStringLiteral("private-client.9"), QStringLiteral("x"), payload), 0);
}

// Proves pusher:unsubscribe removes the socket from the channel (signal, count, no more events),
// and that unsubscribing from a channel one is not in is silently ignored.
void TestPusherHub::unsubscribe()
{
    auto c = connected();
    QVERIFY(c);
    c->subscribe(QStringLiteral("jobs"));
    QVERIFY(waitFor(*c, u"pusher_internal:subscription_succeeded"));
    QSignalSpy unsubscribed(m_hub.get(), &PusherHub::unsubscribed);

    c->send({ { QStringLiteral("event"), QStringLiteral("pusher:unsubscribe") },
        { QStringLiteral("data"), QJsonObject { { QStringLiteral("channel"), "jobs" } } } });
    QVERIFY(unsubscribed.wait());
    QCOMPARE(unsubscribed.at(0).at(0).toString(), c->socketId());
    QCOMPARE(unsubscribed.at(0).at(1).toString(), QStringLiteral("jobs"));
    QCOMPARE(m_hub->subscriberCount(QStringLiteral("jobs")), 0);
    QCOMPARE(m_hub->publish(QStringLiteral("jobs"), QStringLiteral("e"), {}), 0);

    c->send({ { QStringLiteral("event"), QStringLiteral("pusher:unsubscribe") },
        { QStringLiteral("data"), QJsonObject { { QStringLiteral("channel"), "never" } } } });
    QVERIFY(roundTrip(*c));
    QCOMPARE(c->count(u"pusher:error"), 0);
    QCOMPARE(unsubscribed.size(), 1);
}

void TestPusherHub::malformedFrames_data()
{
    QTest::addColumn<QString>("frame");
    QTest::newRow("not JSON") << QStringLiteral("hello");
    QTest::newRow("truncated JSON") << QStringLiteral(R"({"event":"pusher:ping")");
    QTest::newRow("array") << QStringLiteral(R"([{"event":"pusher:ping"}])");
    QTest::newRow("string") << QStringLiteral(R"("pusher:ping")");
    QTest::newRow("missing event") << QStringLiteral(R"({"data":{}})");
    QTest::newRow("event not a string") << QStringLiteral(R"({"event":7,"data":{}})");
    QTest::newRow("empty event") << QStringLiteral(R"({"event":"","data":{}})");
    QTest::newRow("subscribe data number")
        << QStringLiteral(R"({"event":"pusher:subscribe","data":5})");
    QTest::newRow("subscribe data array")
        << QStringLiteral(R"({"event":"pusher:subscribe","data":["jobs"]})");
    QTest::newRow("subscribe data plain string")
        << QStringLiteral(R"({"event":"pusher:subscribe","data":"jobs"})");
    QTest::newRow("subscribe no channel")
        << QStringLiteral(R"({"event":"pusher:subscribe","data":{}})");
    QTest::newRow("subscribe channel number")
        << QStringLiteral(R"({"event":"pusher:subscribe","data":{"channel":1}})");
    QTest::newRow("subscribe no data") << QStringLiteral(R"({"event":"pusher:subscribe"})");
    QTest::newRow("unsubscribe data null")
        << QStringLiteral(R"({"event":"pusher:unsubscribe","data":null})");
}

// Proves each malformed frame is answered with one pusher:error (code 4300, data an object with a
// message) and that the connection stays open and usable: ping still answered, subscribe works.
void TestPusherHub::malformedFrames()
{
    QFETCH(QString, frame);
    auto c = connected();
    QVERIFY(c);
    c->ws.sendTextMessage(frame);
    QVERIFY(waitFor(*c, u"pusher:error"));
    const QJsonObject data = c->last(u"pusher:error").value(u"data").toObject();
    QCOMPARE(data.value(u"code").toInt(), 4300);
    QVERIFY(!data.value(u"message").toString().isEmpty());

    QVERIFY(roundTrip(*c));
    c->subscribe(QStringLiteral("jobs"));
    QVERIFY(waitFor(*c, u"pusher_internal:subscription_succeeded"));
    QCOMPARE(c->count(u"pusher:error"), 1);
    QVERIFY(!c->disconnected);
    QCOMPARE(m_hub->connectionCount(), 1);
}

// Proves a binary frame is answered with pusher:error 4300 and does not end the connection.
void TestPusherHub::binaryFrame()
{
    auto c = connected();
    QVERIFY(c);
    c->ws.sendBinaryMessage(QByteArray(R"({"event":"pusher:ping","data":{}})"));
    QVERIFY(waitFor(*c, u"pusher:error"));
    QCOMPARE(c->last(u"pusher:error").value(u"data").toObject().value(u"code").toInt(), 4300);
    QVERIFY(roundTrip(*c));
    QVERIFY(!c->disconnected);
}

// Proves client-* events are refused with pusher:error 4301 and the connection stays open.
void TestPusherHub::clientEventRejected()
{
    auto c = connected();
    QVERIFY(c);
    c->send({ { QStringLiteral("event"), QStringLiteral("client-typing") },
        { QStringLiteral("channel"), QStringLiteral("private-client.1") },
        { QStringLiteral("data"), QJsonObject {} } });
    QVERIFY(waitFor(*c, u"pusher:error"));
    const QJsonObject data = c->last(u"pusher:error").value(u"data").toObject();
    QCOMPARE(data.value(u"code").toInt(), 4301);
    QVERIFY(data.value(u"message").toString().contains(u"not enabled"));
    QVERIFY(roundTrip(*c));
}

// Proves unknown events (newer pusher:* ones, app events) get no answer at all: the next frame the
// client sees after them is the pong to its following ping.
void TestPusherHub::unknownEventsIgnored()
{
    auto c = connected();
    QVERIFY(c);
    c->send({ { QStringLiteral("event"), QStringLiteral("pusher:signin") },
        { QStringLiteral("data"), QJsonObject { { QStringLiteral("auth"), "x" } } } });
    c->send({ { QStringLiteral("event"), QStringLiteral("app:hello") } });
    QVERIFY(roundTrip(*c));
    QCOMPARE(c->frames.size(), 2); // connection_established, pong
}

// Proves the hub sends {"event":"pusher:ping","data":"{}"} after activity_timeout of silence, that
// a pong keeps the connection, and that any other client message counts as activity too (after the
// second ping the client answers with an unrelated event, and a third ping comes instead of 4201).
void TestPusherHub::serverPingAfterActivityTimeout()
{
    m_hub->setActivityTimeout(1);
    m_hub->setPongTimeout(1);
    auto c = connected();
    QVERIFY(c);
    QCOMPARE(
        Client::data(c->last(u"pusher:connection_established")).value(u"activity_timeout").toInt(),
        1);

    QVERIFY(waitFor(*c, u"pusher:ping"));
    QCOMPARE(c->lastRaw(u"pusher:ping"), QStringLiteral(R"({"event":"pusher:ping","data":"{}"})"));
    c->send({ { QStringLiteral("event"), QStringLiteral("pusher:pong") },
        { QStringLiteral("data"), QJsonObject {} } });

    QVERIFY(waitFor(*c, u"pusher:ping", 2));
    c->send({ { QStringLiteral("event"), QStringLiteral("app:still-here") } });

    QVERIFY(waitFor(*c, u"pusher:ping", 3));
    QVERIFY(!c->disconnected);
    QCOMPARE(m_hub->connectionCount(), 1);
}

// Proves a client that never answers the server's pusher:ping is closed with 4201 "Pong reply not
// received" (a raw QWebSocket answers WebSocket pings by itself, but not Pusher's), and is removed
// from its channels and from the count.
void TestPusherHub::pongTimeoutCloses4201()
{
    m_hub->setActivityTimeout(1);
    m_hub->setPongTimeout(1);
    auto c = connected();
    QVERIFY(c);
    c->subscribe(QStringLiteral("jobs"));
    QVERIFY(waitFor(*c, u"pusher_internal:subscription_succeeded"));

    QTRY_VERIFY_WITH_TIMEOUT(c->disconnected, 8000);
    QCOMPARE(c->count(u"pusher:ping"), 1);
    QCOMPARE(int(c->ws.closeCode()), 4201);
    QCOMPARE(c->ws.closeReason(), QStringLiteral("Pong reply not received"));
    QCOMPARE(m_hub->connectionCount(), 0);
    QCOMPARE(m_hub->subscriberCount(QStringLiteral("jobs")), 0);
}

// Proves dropAll(4200) closes every socket with that code and reason, empties every channel at once
// (before the peers have answered), signals unsubscribed for each subscription, and counts right.
void TestPusherHub::dropAllWithCloseCode()
{
    auto a = connected();
    auto b = connected();
    auto idle = connected();
    QVERIFY(a && b && idle);
    a->subscribe(QStringLiteral("jobs"));
    b->subscribe(QStringLiteral("jobs"));
    b->subscribe(QStringLiteral("news"));
    QVERIFY(waitFor(*a, u"pusher_internal:subscription_succeeded"));
    QVERIFY(waitFor(*b, u"pusher_internal:subscription_succeeded", 2));
    QSignalSpy unsubscribed(m_hub.get(), &PusherHub::unsubscribed);

    QCOMPARE(m_hub->dropAll(4200, QStringLiteral("Sandbox asked clients to reconnect")), 3);
    QCOMPARE(m_hub->connectionCount(), 0);
    QCOMPARE(m_hub->subscriberCount(QStringLiteral("jobs")), 0);
    QCOMPARE(m_hub->subscriberCount(QStringLiteral("news")), 0);
    QCOMPARE(unsubscribed.size(), 3);
    QCOMPARE(m_hub->publish(QStringLiteral("jobs"), QStringLiteral("e"), {}), 0);
    QCOMPARE(m_hub->dropAll(4200), 0);

    for (Client *c : { a.get(), b.get(), idle.get() }) {
        QTRY_VERIFY(c->disconnected);
        QCOMPARE(int(c->ws.closeCode()), 4200);
        QCOMPARE(c->ws.closeReason(), QStringLiteral("Sandbox asked clients to reconnect"));
    }
}

// Proves dropAll(0) aborts the TCP connections with no close frame at all (a raw client sees the
// stream end right after connection_established), while dropAll(4200) sends a close frame carrying
// 4200; and that the hub's bookkeeping is empty at once in both cases.
void TestPusherHub::dropAllAbort()
{
    const QString path = QStringLiteral("/app/") + kKey + kQuery;
    RawClient raw(m_server->serverPort(), path);
    auto ws = connected();
    QVERIFY(ws);
    QTRY_COMPARE(raw.opcodes.size(), 1);
    QVERIFY(raw.upgraded);
    QCOMPARE(raw.opcodes.at(0), 0x1); // text: connection_established
    ws->subscribe(QStringLiteral("jobs"));
    QVERIFY(waitFor(*ws, u"pusher_internal:subscription_succeeded"));
    QSignalSpy unsubscribed(m_hub.get(), &PusherHub::unsubscribed);

    QCOMPARE(m_hub->dropAll(0), 2);
    QCOMPARE(m_hub->connectionCount(), 0);
    QCOMPARE(m_hub->subscriberCount(QStringLiteral("jobs")), 0);
    QCOMPARE(unsubscribed.size(), 1);
    QTRY_VERIFY(raw.disconnected);
    QCOMPARE(raw.opcodes, QList<int> { 0x1 });
    QTRY_VERIFY(ws->disconnected);

    // The contrast: with a code, the same raw client sees a close frame carrying it.
    RawClient closed(m_server->serverPort(), path);
    QTRY_COMPARE(closed.opcodes.size(), 1);
    QCOMPARE(m_hub->dropAll(4200, QStringLiteral("bye")), 1);
    QTRY_VERIFY(closed.disconnected);
    QCOMPARE(closed.opcodes, (QList<int> { 0x1, 0x8 }));
    QCOMPARE(qFromBigEndian<quint16>(closed.payloads.at(1).constData()), quint16(4200));
    QCOMPARE(closed.payloads.at(1).mid(2), QByteArray("bye"));
}

// Proves dropChannel() closes only that channel's subscribers, and the others keep working.
void TestPusherHub::dropChannel()
{
    auto a = connected();
    auto b = connected();
    QVERIFY(a && b);
    a->subscribe(QStringLiteral("jobs"));
    b->subscribe(QStringLiteral("news"));
    QVERIFY(waitFor(*a, u"pusher_internal:subscription_succeeded"));
    QVERIFY(waitFor(*b, u"pusher_internal:subscription_succeeded"));

    QCOMPARE(m_hub->dropChannel(QStringLiteral("jobs"), 4100, QStringLiteral("over capacity")), 1);
    QCOMPARE(m_hub->dropChannel(QStringLiteral("nobody"), 4200), 0);
    QTRY_VERIFY(a->disconnected);
    QCOMPARE(int(a->ws.closeCode()), 4100);
    QCOMPARE(m_hub->connectionCount(), 1);
    QCOMPARE(m_hub->subscriberCount(QStringLiteral("news")), 1);
    QVERIFY(roundTrip(*b));
    QCOMPARE(m_hub->publish(QStringLiteral("news"), QStringLiteral("e"), {}), 1);
}

// Proves a client leaving on its own (clean close, then abort) is removed from the count and from
// every channel it was in, with unsubscribed() for each, so publish() never writes to it.
void TestPusherHub::bookkeepingAfterClientDisconnect()
{
    auto a = connected();
    auto b = connected();
    QVERIFY(a && b);
    a->subscribe(QStringLiteral("jobs"));
    a->subscribe(QStringLiteral("news"));
    b->subscribe(QStringLiteral("jobs"));
    QVERIFY(waitFor(*a, u"pusher_internal:subscription_succeeded", 2));
    QVERIFY(waitFor(*b, u"pusher_internal:subscription_succeeded"));
    QCOMPARE(m_hub->connectionCount(), 2);
    QSignalSpy unsubscribed(m_hub.get(), &PusherHub::unsubscribed);
    const QString aId = a->socketId();

    a->ws.close();
    QTRY_COMPARE(m_hub->connectionCount(), 1);
    QCOMPARE(m_hub->subscriberCount(QStringLiteral("jobs")), 1);
    QCOMPARE(m_hub->subscriberCount(QStringLiteral("news")), 0);
    QCOMPARE(unsubscribed.size(), 2);
    for (const auto &args : std::as_const(unsubscribed))
        QCOMPARE(args.at(0).toString(), aId);
    QCOMPARE(m_hub->publish(QStringLiteral("jobs"), QStringLiteral("e"), {}), 1);

    b->ws.abort();
    QTRY_COMPARE(m_hub->connectionCount(), 0);
    QCOMPARE(m_hub->subscriberCount(QStringLiteral("jobs")), 0);
    QCOMPARE(m_hub->publish(QStringLiteral("jobs"), QStringLiteral("e"), {}), 0);
}

// Proves destroying the hub with open, subscribed sockets frees them (ASan would report a leak or
// a use-after-free) and the clients see the connection end.
void TestPusherHub::destroyingHubWithOpenSockets()
{
    auto a = connected();
    QVERIFY(a);
    a->subscribe(QStringLiteral("jobs"));
    QVERIFY(waitFor(*a, u"pusher_internal:subscription_succeeded"));
    m_hub.reset();
    QTRY_VERIFY(a->disconnected);
}

// Proves publish() sustains a stream of ~200-byte events to one subscriber with nothing lost, and
// reports the rate: the subscriber counts in its own thread so the hub's thread only publishes.
// JOBSCOPE_BENCH_EVENTS sets how many events (default 100000).
void TestPusherHub::publishThroughput()
{
    const qint64 total = qEnvironmentVariableIsSet("JOBSCOPE_BENCH_EVENTS")
        ? qEnvironmentVariableIntValue("JOBSCOPE_BENCH_EVENTS")
        : 100000;
    // Public, so the bench client needs no auth round trip; same shape as deAPI's channel names.
    const QString benchChannel = QStringLiteral("client.bench");

    QThread thread;
    auto *client = new CountingClient;
    client->moveToThread(&thread);
    connect(&thread, &QThread::finished, client, &QObject::deleteLater);
    thread.start();
    auto stopThread = qScopeGuard([&] {
        QMetaObject::invokeMethod(client, &CountingClient::close, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
    });
    QMetaObject::invokeMethod(client, "open", Qt::QueuedConnection,
        Q_ARG(QUrl, QUrl(m_base + QStringLiteral("/app/") + kKey + kQuery)),
        Q_ARG(QString, benchChannel));
    QTRY_VERIFY(client->ready.load());
    QCOMPARE(m_hub->subscriberCount(benchChannel), 1);

    QJsonObject payload {
        { QStringLiteral("request_id"), QStringLiteral("3f1c9a52-8d2e-4b7a-9c61-0e5b2f7d4a19") },
        { QStringLiteral("status"), QStringLiteral("processing") },
        { QStringLiteral("progress"), 42 },
        { QStringLiteral("job_type"), QStringLiteral("txt2img") },
        { QStringLiteral("preview"),
            QStringLiteral(
                "http://127.0.0.1:8080/deapi/files/3f1c9a52/preview-042.jpg?sig=ab12cd") },
    };
    const QString event = QStringLiteral("bench.event");

    // Raw cost of publish() alone: serialise + queue into the socket's write buffer.
    QElapsedTimer cpu;
    cpu.start();
    const int cpuRounds = 20000;
    for (int i = 0; i < cpuRounds; ++i) {
        payload[QStringLiteral("progress")] = i % 100;
        m_hub->publish(benchChannel, event, payload);
    }
    const qint64 cpuNs = cpu.nsecsElapsed();
    QTRY_COMPARE_WITH_TIMEOUT(client->received.load(), qint64(cpuRounds), 30000);
    client->received = 0;

    // Sustained end to end: keep at most a few thousand events in flight so the measure is what
    // the loopback pipeline carries, not how fast a buffer grows.
    QElapsedTimer wall;
    wall.start();
    qint64 sent = 0;
    while (sent < total) {
        if (sent - client->received.load(std::memory_order_relaxed) < 4000) {
            for (int i = 0; i < 250 && sent < total; ++i, ++sent) {
                payload[QStringLiteral("progress")] = int(sent % 100);
                QCOMPARE(m_hub->publish(benchChannel, event, payload), 1);
            }
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        QVERIFY2(wall.elapsed() < 120000, "publish benchmark did not finish in 2 minutes");
    }
    QTRY_COMPARE_WITH_TIMEOUT(client->received.load(), total, 30000);
    const double seconds = wall.nsecsElapsed() / 1e9;

    qInfo("publish(): %.0f calls/s into the socket buffer (%.2f us each); sustained end to end: "
          "%lld events of %lld chars in %.2f s = %.0f events/s to one subscriber",
        cpuRounds / (cpuNs / 1e9), cpuNs / 1e3 / cpuRounds, total, client->lastFrameSize.load(),
        seconds, total / seconds);
}

QTEST_GUILESS_MAIN(TestPusherHub)
#include "tst_pusherhub.moc"
