#include "hostileserver.h"
#include "net/pusherclient.h"
#include "net/pusherhttpauthorizer.h"
#include "testhttp.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>
#include <memory>

using Net::PusherClient;
using Net::PusherHttpAuthorizer;
using State = Net::PusherClient::State;

// Declared first: moc (6.4) mis-reads raw string literals with an odd number of bare quotes and
// would lose a Q_OBJECT class that comes after one.
class TestPusherClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void connectionUrlShapes();
    void connectsAndReportsStates();
    void privateChannelThroughHttpAuthorizer();
    void refusedAuthorizationReportsTheMessage();
    void serverRefusedSignatureReportsTheMessage();
    void followsJobUntilDone();
    void closeCode4200ReconnectsAtOnceAndResubscribes();
    void closeCode4100ReconnectsAfterBackoff();
    void closeCode4001FailsWithoutReconnecting();
    void tcpAbortGoesUnavailableThenReconnects();
    void wrongAppKeyFailsWithOneError();
    void unsubscribedChannelIsNotResubscribed();
    void staleAuthorizationIsIgnored();
    void activityPingsKeepTheConnection();
    void missingPongReconnectsAtOnce();
    void malformedFramesAreSurvived();
    void disconnectAndDestructorCloseWith1000();
    void pusherErrorFramesFollowTheCodeRanges();
    void unreachableServerBacksOffExponentially();
    void httpAuthorizerSendsJsonAndReportsFailures();
    void hugeFrameIsRefusedAtTheSocket();
    void authorizerRedirectDropsTheKey();

private:
    int wsConnections();
    QJsonObject drop(int closeCode);
    QString submitJob();

    std::unique_ptr<TestSupport::TestSandbox> m_sandbox;
    TestSupport::TestHttp m_http;
};

namespace {

constexpr int kBackoffBaseMs = 50;
constexpr int kBackoffCapMs = 400;

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QStringList stateNames(const QSignalSpy &spy)
{
    QStringList names;
    for (const QList<QVariant> &args : spy)
        names << PusherClient::stateName(args.at(0).value<State>());
    return names;
}

QStringList firstArgs(const QSignalSpy &spy)
{
    QStringList out;
    for (const QList<QVariant> &args : spy)
        out << args.at(0).toString();
    return out;
}

// Whether the event spy saw request.status.updated for `requestId` with `status`.
bool sawStatus(const QSignalSpy &events, const QString &requestId, const QString &status)
{
    for (const QList<QVariant> &args : events) {
        if (args.at(1).toString() != QLatin1String("request.status.updated"))
            continue;
        const QJsonObject data = QJsonDocument::fromJson(args.at(2).toByteArray()).object();
        if (str(data, "request_id") == requestId && str(data, "status") == status)
            return true;
    }
    return false;
}

// A deAPI Pusher client wired the way the app does it: sandbox credentials, the HTTP authorizer
// with the Bearer key, and a small backoff. It records the socket ids auth was asked for.
class DeApiSession
{
    Q_DISABLE_COPY_MOVE(DeApiSession)

public:
    explicit DeApiSession(const TestSupport::TestSandbox &sandbox, const QString &appKey = {})
    {
        const QJsonObject d = sandbox.dialect("deapi");
        channel = str(d, "channel");
        authorizer = std::make_unique<PusherHttpAuthorizer>(QUrl(str(d, "auth_url")),
            PusherHttpAuthorizer::Headers {
                { "Authorization", "Bearer " + str(d, "api_key").toUtf8() } });
        client = std::make_unique<PusherClient>(
            QUrl(str(d, "ws_url")), appKey.isEmpty() ? str(d, "pusher_key") : appKey);
        client->setBackoff(kBackoffBaseMs, kBackoffCapMs);
        const PusherClient::Authorizer http = authorizer->authorizer();
        client->setAuthorizer([this, http](const QString &socketId, const QString &name,
                                  PusherClient::AuthDone done) {
            authSocketIds << socketId;
            http(socketId, name, [this, done](QString auth, QString error) {
                if (!auth.isEmpty())
                    signatures << auth;
                done(auth, error);
            });
        });
    }

    QString channel;
    QStringList authSocketIds;
    QStringList signatures; // every auth the endpoint granted
    std::unique_ptr<PusherHttpAuthorizer> authorizer;
    std::unique_ptr<PusherClient> client; // declared last: destroyed before the authorizer
};

// A scripted Pusher server for what the sandbox never does: ignore pings, send broken frames.
// Each connection gets connection_established with socket id "1.N" and `activityTimeout`.
class FakePusherServer
{
public:
    explicit FakePusherServer(int activityTimeout)
        : m_activityTimeout(activityTimeout)
        , m_server(QStringLiteral("fake-pusher"), QWebSocketServer::NonSecureMode)
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_server, &QWebSocketServer::newConnection, &m_server, [this] {
            while (QWebSocket *ws = m_server.nextPendingConnection()) {
                ws->setParent(&m_server);
                const int index = int(m_sockets.size());
                m_sockets << ws;
                m_received << QStringList();
                QObject::connect(ws, &QWebSocket::textMessageReceived, ws,
                    [this, index](const QString &m) { m_received[index] << m; });
                // closeCode() stays 1000 when the TCP connection just dies: only a close
                // handshake passes through aboutToClose(), so an abort is recorded as -1.
                auto handshake = std::make_shared<bool>(false);
                QObject::connect(
                    ws, &QWebSocket::aboutToClose, ws, [handshake] { *handshake = true; });
                QObject::connect(ws, &QWebSocket::disconnected, ws, [this, ws, handshake] {
                    closeCodes << (*handshake ? int(ws->closeCode()) : -1);
                });
                ws->sendTextMessage(QStringLiteral(R"({"event":"pusher:connection_established",)"
                                                   R"("data":"{\"socket_id\":\"1.%1\",)"
                                                   R"(\"activity_timeout\":%2}"})")
                                        .arg(index + 1)
                                        .arg(m_activityTimeout));
            }
        });
    }
    QUrl url() const
    {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(m_server.serverPort()));
    }
    int connections() const { return int(m_sockets.size()); }
    void send(const QByteArray &text)
    {
        m_sockets.last()->sendTextMessage(QString::fromUtf8(text));
    }
    void sendBinary(const QByteArray &bytes) { m_sockets.last()->sendBinaryMessage(bytes); }
    QList<int> closeCodes; // as each connection ended, in that order; -1: no close frame
    // Events the client sent on connection `index`.
    QStringList events(int index) const
    {
        QStringList out;
        for (const QString &m : m_received.value(index))
            out << str(QJsonDocument::fromJson(m.toUtf8()).object(), "event");
        return out;
    }

private:
    int m_activityTimeout;
    QWebSocketServer m_server;
    QList<QWebSocket *> m_sockets;
    QList<QStringList> m_received;
};

// An HTTP endpoint that records the request and answers with a canned response, or never.
class CannedHttpServer
{
public:
    explicit CannedHttpServer(QByteArray response)
        : m_response(std::move(response))
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    request += socket->readAll();
                    const qsizetype end = request.indexOf("\r\n\r\n");
                    if (end < 0 || m_response.isEmpty())
                        return;
                    const QRegularExpression lengthRe(QStringLiteral("content-length: *(\\d+)"),
                        QRegularExpression::CaseInsensitiveOption);
                    const auto match = lengthRe.match(QString::fromLatin1(request.left(end)));
                    const qsizetype length = match.hasMatch() ? match.captured(1).toLongLong() : 0;
                    if (request.size() < end + 4 + length)
                        return;
                    socket->write(m_response);
                    socket->disconnectFromHost();
                });
            }
        });
    }
    QUrl url() const
    {
        return QUrl(
            QStringLiteral("http://127.0.0.1:%1/broadcasting/auth").arg(m_server.serverPort()));
    }
    QByteArray request;

private:
    QByteArray m_response;
    QTcpServer m_server;
};

struct AuthAnswer
{
    bool done = false;
    QString auth;
    QString error;
    PusherClient::AuthDone callback()
    {
        return [this](QString a, QString e) {
            done = true;
            auth = a;
            error = e;
        };
    }
};

// Every message of the jobscope.net.pusher categories, debug included, while it lives; messages
// still reach QTest's own handler.
class LogCapture
{
    Q_DISABLE_COPY_MOVE(LogCapture)

public:
    LogCapture()
    {
        s_lines = &lines;
        QLoggingCategory::setFilterRules(QStringLiteral("jobscope.net.pusher*.debug=true"));
        s_previous = qInstallMessageHandler(&LogCapture::handler);
    }
    ~LogCapture()
    {
        qInstallMessageHandler(s_previous);
        QLoggingCategory::setFilterRules(QString());
        s_lines = nullptr;
    }
    // Lines containing `secret`.
    QStringList containing(const QString &secret) const { return lines.filter(secret); }
    QStringList lines;

private:
    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        if (s_lines
            && QByteArray(context.category ? context.category : "")
                   .startsWith("jobscope.net.pusher"))
            *s_lines << message;
        if (type != QtDebugMsg && s_previous) // debug lines would drown the test log
            s_previous(type, context, message);
    }
    static inline QStringList *s_lines = nullptr;
    static inline QtMessageHandler s_previous = nullptr;
};

} // namespace

void TestPusherClient::initTestCase()
{
    m_sandbox = std::make_unique<TestSupport::TestSandbox>();
    m_http.setSandboxToken(m_sandbox->controlToken());
    QVERIFY2(m_sandbox->ok(), qPrintable(m_sandbox->error()));
}

void TestPusherClient::cleanupTestCase()
{
    m_sandbox.reset();
}

int TestPusherClient::wsConnections()
{
    return m_http.get(m_sandbox->control() + QStringLiteral("/stats"))
        .json()
        .value(QLatin1String("ws_connections"))
        .toInt(-1);
}

QJsonObject TestPusherClient::drop(int closeCode)
{
    return m_http
        .post(m_sandbox->control() + QStringLiteral("/drop"),
            QJsonObject { { QStringLiteral("sse"), false }, { QStringLiteral("ws"), true },
                { QStringLiteral("ws_close_code"), closeCode } })
        .json();
}

QString TestPusherClient::submitJob()
{
    const TestSupport::HttpResult r
        = m_http.post(m_sandbox->base("deapi") + QStringLiteral("/api/v1/client/txt2img"),
            QJsonObject { { QStringLiteral("prompt"), QStringLiteral("x") },
                { QStringLiteral("width"), 64 }, { QStringLiteral("height"), 64 },
                { QStringLiteral("sandbox"),
                    QJsonObject { { QStringLiteral("duration_ms"), 1500 } } } },
            m_sandbox->bearer("deapi"));
    if (r.status != 200)
        qWarning() << "submit failed" << r.status << r.body;
    return str(r.json().value(QLatin1String("data")).toObject(), "request_id");
}

void TestPusherClient::connectionUrlShapes()
{
    // Proves the URL is {wsUrl}/app/{key}?protocol=7&client=jobscope&version=0.1.0&flash=false.
    QCOMPARE(PusherClient::connectionUrl(
                 QUrl(QStringLiteral("ws://127.0.0.1:6001")), QStringLiteral("k1")),
        QUrl(QStringLiteral(
            "ws://127.0.0.1:6001/app/k1?protocol=7&client=jobscope&version=0.1.0&flash=false")));
    QCOMPARE(PusherClient::connectionUrl(
                 QUrl(QStringLiteral("wss://soketi.example:443/ws/")), QStringLiteral("a b/c")),
        QUrl(QStringLiteral("wss://soketi.example:443/ws/app/"
                            "a%20b%2Fc?protocol=7&client=jobscope&version=0.1.0&flash=false")));
    QVERIFY(!PusherClient::connectionUrl(QUrl(QStringLiteral("http://h:1")), QStringLiteral("k"))
                 .isValid());
    QVERIFY(!PusherClient::connectionUrl(QUrl(QStringLiteral("ws://h:1")), QString()).isValid());

    // An unusable URL fails at once with a message, without touching the network.
    PusherClient bad(QUrl(QStringLiteral("https://h:1")), QStringLiteral("k"));
    QSignalSpy errors(&bad, &PusherClient::error);
    bad.connectToServer();
    QCOMPARE(bad.state(), State::Failed);
    QCOMPARE(errors.count(), 1);
}

void TestPusherClient::connectsAndReportsStates()
{
    // Proves initialized → connecting → connected (id "N.M"), then disconnected with no retry.
    QTRY_COMPARE(wsConnections(), 0);
    DeApiSession s(*m_sandbox);
    QCOMPARE(s.client->state(), State::Initialized);
    QSignalSpy states(s.client.get(), &PusherClient::stateChanged);
    QSignalSpy reconnected(s.client.get(), &PusherClient::reconnected);

    s.client->connectToServer();
    QCOMPARE(s.client->state(), State::Connecting);
    QTRY_COMPARE(s.client->state(), State::Connected);
    QVERIFY2(
        QRegularExpression(QStringLiteral("^\\d+\\.\\d+$")).match(s.client->socketId()).hasMatch(),
        qPrintable(s.client->socketId()));
    QCOMPARE(s.client->activityTimeoutSeconds(), 120);
    QCOMPARE(wsConnections(), 1);

    s.client->disconnectFromServer();
    QCOMPARE(s.client->state(), State::Disconnected);
    QVERIFY(s.client->socketId().isEmpty());
    QTRY_COMPARE(wsConnections(), 0);
    QCOMPARE(stateNames(states), QStringList({ "connecting", "connected", "disconnected" }));
    QCOMPARE(reconnected.count(), 0);
}

void TestPusherClient::privateChannelThroughHttpAuthorizer()
{
    // Proves a private channel is authorized over HTTP and subscribed, and no key is logged.
    LogCapture log;
    DeApiSession s(*m_sandbox);
    QSignalSpy subscribed(s.client.get(), &PusherClient::subscribed);
    QSignalSpy subscriptionErrors(s.client.get(), &PusherClient::subscriptionError);
    s.client->subscribe(s.channel); // before connecting: waits for the connection
    s.client->connectToServer();
    QTRY_COMPARE(subscribed.count(), 1);
    QCOMPARE(subscribed.first().at(0).toString(), s.channel);
    QVERIFY(s.client->isSubscribed(s.channel));
    QCOMPARE(s.authSocketIds, QStringList { s.client->socketId() });
    QCOMPARE(subscriptionErrors.count(), 0);
    QCOMPARE(s.client->channels(), QStringList { s.channel });

    // Neither the signature, nor the app key, nor the API key reach a log line (debug included).
    QCOMPARE(s.signatures.size(), 1);
    QVERIFY(!log.lines.isEmpty());
    const QJsonObject d = m_sandbox->dialect("deapi");
    QCOMPARE(log.containing(s.signatures.first().section(u':', 1)), QStringList());
    QCOMPARE(log.containing(str(d, "pusher_key")), QStringList());
    QCOMPARE(log.containing(str(d, "api_key")), QStringList());
}

void TestPusherClient::refusedAuthorizationReportsTheMessage()
{
    // Proves another client's channel (HTTP 403) gives subscriptionError with the message.
    DeApiSession s(*m_sandbox);
    QSignalSpy subscribed(s.client.get(), &PusherClient::subscribed);
    QSignalSpy subscriptionErrors(s.client.get(), &PusherClient::subscriptionError);
    const QString foreign = QStringLiteral("private-client.1");
    s.client->connectToServer();
    s.client->subscribe(foreign);
    s.client->subscribe(s.channel);
    QTRY_COMPARE(subscriptionErrors.count(), 1);
    QTRY_COMPARE(subscribed.count(), 1);
    QCOMPARE(subscriptionErrors.first().at(0).toString(), foreign);
    const QString message = subscriptionErrors.first().at(1).toString();
    QVERIFY2(message.contains(QLatin1String("HTTP 403")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("This key may only subscribe to ") + s.channel),
        qPrintable(message));
    QVERIFY(!message.contains(QLatin1String("Bearer")));
    QVERIFY(!s.client->isSubscribed(foreign));
    QCOMPARE(s.client->state(), State::Connected);
}

void TestPusherClient::serverRefusedSignatureReportsTheMessage()
{
    // Proves a wrong signature's pusher:subscription_error becomes subscriptionError.
    DeApiSession s(*m_sandbox);
    s.client->setAuthorizer([](const QString &, const QString &, PusherClient::AuthDone done) {
        done(QStringLiteral("key:") + QString(64, u'0'), {}); // synchronous on purpose
    });
    QSignalSpy subscriptionErrors(s.client.get(), &PusherClient::subscriptionError);
    s.client->subscribe(s.channel);
    s.client->connectToServer();
    QTRY_COMPARE(subscriptionErrors.count(), 1);
    const QString message = subscriptionErrors.first().at(1).toString();
    QVERIFY2(message.contains(QLatin1String("Invalid signature")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("AuthError")), qPrintable(message));
    QVERIFY(!message.contains(QString(64, u'0')));
    QCOMPARE(s.client->state(), State::Connected);
}

void TestPusherClient::followsJobUntilDone()
{
    // Proves request.status.updated reaches event() for a deAPI job, through to "done".
    DeApiSession s(*m_sandbox);
    QSignalSpy subscribed(s.client.get(), &PusherClient::subscribed);
    QSignalSpy events(s.client.get(), &PusherClient::event);
    s.client->subscribe(s.channel);
    s.client->connectToServer();
    QTRY_COMPARE(subscribed.count(), 1);

    const QString id = submitJob();
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(sawStatus(events, id, QStringLiteral("done")), 15000);
    QVERIFY(sawStatus(events, id, QStringLiteral("processing")));
    bool sawResult = false;
    for (const QList<QVariant> &args : events) {
        QCOMPARE(args.at(0).toString(), s.channel);
        const QJsonObject data = QJsonDocument::fromJson(args.at(2).toByteArray()).object();
        if (str(data, "request_id") == id && str(data, "status") == QLatin1String("done"))
            sawResult = str(data, "result_url").startsWith(QLatin1String("http"));
    }
    QVERIFY(sawResult);
    QCOMPARE(s.client->malformedFrames(), 0);
}

void TestPusherClient::closeCode4200ReconnectsAtOnceAndResubscribes()
{
    // Proves 4200 → reconnect at once, new socket id, fresh auth, events still arrive.
    DeApiSession s(*m_sandbox);
    QSignalSpy subscribed(s.client.get(), &PusherClient::subscribed);
    s.client->subscribe(s.channel);
    s.client->connectToServer();
    QTRY_COMPARE(subscribed.count(), 1);
    const QString firstId = s.client->socketId();

    QStringList order;
    QObject::connect(s.client.get(), &PusherClient::subscribed, s.client.get(),
        [&order] { order << "subscribed"; });
    QObject::connect(s.client.get(), &PusherClient::reconnected, s.client.get(),
        [&order] { order << "reconnected"; });
    QSignalSpy states(s.client.get(), &PusherClient::stateChanged);
    QSignalSpy connectingIn(s.client.get(), &PusherClient::connectingIn);
    QSignalSpy reconnected(s.client.get(), &PusherClient::reconnected);
    QSignalSpy events(s.client.get(), &PusherClient::event);

    QCOMPARE(drop(4200).value(QLatin1String("ws_dropped")).toInt(), 1);
    QTRY_COMPARE(reconnected.count(), 1);
    QCOMPARE(stateNames(states), QStringList({ "connecting", "connected" }));
    QCOMPARE(connectingIn.count(), 0);
    QVERIFY(s.client->socketId() != firstId);
    QCOMPARE(s.authSocketIds, QStringList({ firstId, s.client->socketId() }));
    QCOMPARE(order, QStringList({ "subscribed", "reconnected" }));
    QVERIFY(s.client->isSubscribed(s.channel));

    const QString id = submitJob();
    QTRY_VERIFY_WITH_TIMEOUT(sawStatus(events, id, QStringLiteral("done")), 15000);
}

void TestPusherClient::closeCode4100ReconnectsAfterBackoff()
{
    // Proves 4100 → unavailable for base ±20 %, then connecting, connected, re-subscribed.
    DeApiSession s(*m_sandbox);
    s.client->setBackoff(300, 2000);
    QSignalSpy subscribed(s.client.get(), &PusherClient::subscribed);
    s.client->subscribe(s.channel);
    s.client->connectToServer();
    QTRY_COMPARE(subscribed.count(), 1);

    QSignalSpy states(s.client.get(), &PusherClient::stateChanged);
    QSignalSpy connectingIn(s.client.get(), &PusherClient::connectingIn);
    QSignalSpy reconnected(s.client.get(), &PusherClient::reconnected);
    QSignalSpy errors(s.client.get(), &PusherClient::error);
    QElapsedTimer clock;
    clock.start();
    drop(4100);
    QTRY_COMPARE(reconnected.count(), 1);
    QCOMPARE(stateNames(states), QStringList({ "unavailable", "connecting", "connected" }));
    QCOMPARE(connectingIn.count(), 1);
    const int delay = connectingIn.first().at(0).toInt();
    QVERIFY2(delay >= 240 && delay <= 360, qPrintable(QString::number(delay)));
    QVERIFY2(clock.elapsed() >= delay * 9 / 10, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(errors.count(), 1);
    QCOMPARE(errors.first().at(0).toInt(), 4100);
    QCOMPARE(subscribed.count(), 2);
}

void TestPusherClient::closeCode4001FailsWithoutReconnecting()
{
    // Proves 4001 → failed with error(4001), no retry; connectToServer() recovers by hand.
    DeApiSession s(*m_sandbox);
    s.client->connectToServer();
    QTRY_COMPARE(s.client->state(), State::Connected);
    QSignalSpy states(s.client.get(), &PusherClient::stateChanged);
    QSignalSpy connectingIn(s.client.get(), &PusherClient::connectingIn);
    QSignalSpy errors(s.client.get(), &PusherClient::error);

    drop(4001);
    QTRY_COMPARE(s.client->state(), State::Failed);
    QCOMPARE(errors.count(), 1);
    QCOMPARE(errors.first().at(0).toInt(), 4001);
    QCOMPARE(errors.first().at(1).toString(), QStringLiteral("sandbox: drop"));
    // Every reconnect path goes through connectingIn() or the connecting state: neither happened,
    // and the sandbox (asked over HTTP, which runs the event loop) sees no new connection.
    QCOMPARE(wsConnections(), 0);
    QCOMPARE(stateNames(states), QStringList { "failed" });
    QCOMPARE(connectingIn.count(), 0);

    s.client->connectToServer();
    QTRY_COMPARE(s.client->state(), State::Connected);
}

void TestPusherClient::tcpAbortGoesUnavailableThenReconnects()
{
    // Proves a TCP abort (no close frame) → unavailable, backoff, reconnect, no error().
    DeApiSession s(*m_sandbox);
    QSignalSpy subscribed(s.client.get(), &PusherClient::subscribed);
    s.client->subscribe(s.channel);
    s.client->connectToServer();
    QTRY_COMPARE(subscribed.count(), 1);
    const QString firstId = s.client->socketId();
    QSignalSpy states(s.client.get(), &PusherClient::stateChanged);
    QSignalSpy reconnected(s.client.get(), &PusherClient::reconnected);
    QSignalSpy errors(s.client.get(), &PusherClient::error);
    QSignalSpy connectingIn(s.client.get(), &PusherClient::connectingIn);

    QCOMPARE(drop(0).value(QLatin1String("ws_dropped")).toInt(), 1);
    QTRY_COMPARE(reconnected.count(), 1);
    QCOMPARE(stateNames(states), QStringList({ "unavailable", "connecting", "connected" }));
    QCOMPARE(connectingIn.count(), 1);
    QVERIFY(connectingIn.first().at(0).toInt() <= kBackoffBaseMs * 12 / 10);
    QCOMPARE(errors.count(), 0);
    QVERIFY(s.client->socketId() != firstId);
    QCOMPARE(subscribed.count(), 2);
}

void TestPusherClient::wrongAppKeyFailsWithOneError()
{
    // Proves a wrong key (pusher:error 4001 + close 4001) gives failed and ONE error().
    LogCapture log;
    DeApiSession s(*m_sandbox, QStringLiteral("not-the-key"));
    QSignalSpy errors(s.client.get(), &PusherClient::error);
    QSignalSpy connectingIn(s.client.get(), &PusherClient::connectingIn);
    s.client->connectToServer();
    QTRY_COMPARE(s.client->state(), State::Failed);
    QCOMPARE(errors.count(), 1);
    QCOMPARE(errors.first().at(0).toInt(), 4001);
    QVERIFY(errors.first().at(1).toString().contains(QLatin1String("not in this cluster")));
    QCOMPARE(wsConnections(), 0); // an event-loop round trip: the close that follows adds nothing
    QCOMPARE(errors.count(), 1);
    QCOMPARE(connectingIn.count(), 0);
    QCOMPARE(s.client->state(), State::Failed);
    // The server's message quotes the key; the log line does not.
    QCOMPARE(log.containing(QStringLiteral("not-the-key")), QStringList());
    QCOMPARE(log.containing(QStringLiteral("<app key>")).size(), 1);
}

void TestPusherClient::unsubscribedChannelIsNotResubscribed()
{
    // Proves an unsubscribed channel is not re-subscribed after a reconnect.
    DeApiSession s(*m_sandbox);
    QSignalSpy subscribed(s.client.get(), &PusherClient::subscribed);
    const QString news = QStringLiteral("public-news");
    s.client->subscribe(s.channel);
    s.client->subscribe(news);
    s.client->connectToServer();
    QTRY_COMPARE(subscribed.count(), 2);
    s.client->unsubscribe(news);
    QCOMPARE(s.client->channels(), QStringList { s.channel });

    QSignalSpy reconnected(s.client.get(), &PusherClient::reconnected);
    drop(4200);
    QTRY_COMPARE(reconnected.count(), 1);
    QCOMPARE(firstArgs(subscribed).count(s.channel), 2);
    QCOMPARE(firstArgs(subscribed).count(news), 1);
}

void TestPusherClient::staleAuthorizationIsIgnored()
{
    // Proves an auth answer for a socket id that is gone is dropped; only the fresh one is used.
    DeApiSession s(*m_sandbox);
    struct Pending
    {
        QString socketId;
        PusherClient::AuthDone done;
    };
    QList<Pending> pending;
    s.client->setAuthorizer(
        [&pending](const QString &socketId, const QString &, PusherClient::AuthDone done) {
            pending.append({ socketId, std::move(done) });
        });
    QSignalSpy subscribed(s.client.get(), &PusherClient::subscribed);
    QSignalSpy subscriptionErrors(s.client.get(), &PusherClient::subscriptionError);
    QSignalSpy reconnected(s.client.get(), &PusherClient::reconnected);
    s.client->subscribe(s.channel);
    s.client->connectToServer();
    QTRY_COMPARE(pending.size(), 1);
    const QString firstId = s.client->socketId();

    drop(4200);
    QTRY_COMPARE(pending.size(), 2);
    QVERIFY(pending.at(1).socketId != firstId);
    QCOMPARE(reconnected.count(), 0); // the channel is not settled yet

    // Were the stale answer used, the server would refuse it before accepting the fresh one.
    pending.at(0).done(QStringLiteral("stale:signature"), {});
    s.authorizer->authorize(pending.at(1).socketId, s.channel, pending.at(1).done);
    QTRY_COMPARE(subscribed.count(), 1);
    QCOMPARE(subscriptionErrors.count(), 0);
    QTRY_COMPARE(reconnected.count(), 1);
}

void TestPusherClient::activityPingsKeepTheConnection()
{
    // Proves activity_timeout 1: the client pings on silence, gets pongs, keeps one connection.
    auto options = TestSupport::TestSandbox::defaults();
    options.pusherActivityTimeout = 1;
    TestSupport::TestSandbox sandbox(options);
    QVERIFY2(sandbox.ok(), qPrintable(sandbox.error()));
    DeApiSession s(sandbox);
    s.client->setPongTimeout(800);
    s.client->connectToServer();
    QTRY_COMPARE(s.client->state(), State::Connected);
    QCOMPARE(s.client->activityTimeoutSeconds(), 1);
    const QString id = s.client->socketId();
    QSignalSpy states(s.client.get(), &PusherClient::stateChanged);

    QTRY_VERIFY_WITH_TIMEOUT(s.client->pingsSent() >= 3, 10000);
    QCOMPARE(states.count(), 0);
    QCOMPARE(s.client->socketId(), id);
    const QJsonObject stats
        = m_http.get(sandbox.control() + QStringLiteral("/stats"), sandbox.controlHeaders()).json();
    QCOMPARE(stats.value(QLatin1String("ws_connections")).toInt(), 1);
}

void TestPusherClient::missingPongReconnectsAtOnce()
{
    // Proves a server that never pongs is left after the pong timeout and re-dialled at once.
    FakePusherServer server(1);
    PusherClient client(server.url(), QStringLiteral("key"));
    client.setPongTimeout(300);
    client.setBackoff(kBackoffBaseMs, kBackoffCapMs);
    QSignalSpy states(&client, &PusherClient::stateChanged);
    QSignalSpy reconnected(&client, &PusherClient::reconnected);
    QSignalSpy connectingIn(&client, &PusherClient::connectingIn);
    client.connectToServer();
    QTRY_COMPARE(client.socketId(), QStringLiteral("1.1"));

    QTRY_COMPARE_WITH_TIMEOUT(reconnected.count(), 1, 5000);
    QCOMPARE(client.socketId(), QStringLiteral("1.2"));
    QCOMPARE(server.connections(), 2);
    QVERIFY(server.events(0).contains(QStringLiteral("pusher:ping")));
    QCOMPARE(stateNames(states).mid(0, 4),
        QStringList({ "connecting", "connected", "connecting", "connected" }));
    QCOMPARE(connectingIn.count(), 0);
    QVERIFY(client.pingsSent() >= 1);
    client.disconnectFromServer();
}

void TestPusherClient::malformedFramesAreSurvived()
{
    // Proves broken frames are counted and ignored; the connection stays and events arrive.
    FakePusherServer server(120);
    PusherClient client(server.url(), QStringLiteral("key"));
    QSignalSpy subscribed(&client, &PusherClient::subscribed);
    QSignalSpy events(&client, &PusherClient::event);
    QSignalSpy states(&client, &PusherClient::stateChanged);
    client.subscribe(QStringLiteral("updates"));
    client.connectToServer();
    QTRY_VERIFY(server.events(0).contains(QStringLiteral("pusher:subscribe")));
    server.send(
        R"({"event":"pusher_internal:subscription_succeeded","channel":"updates","data":"{}"})");
    QTRY_COMPARE(subscribed.count(), 1);

    server.send("this is not JSON");
    server.send(R"({"event":"update","channel":"updates","data":[1,2,3]})"); // data an array
    server.send(R"({"channel":"updates","data":"{}"})"); // no event
    server.send(R"([{"event":"update"}])"); // an array frame
    server.sendBinary(QByteArray("\xff\xfe{", 3)); // not UTF-8
    server.send(R"({"event":"pusher:brand_new_feature","data":"{}"})"); // unknown: ignored
    server.send(R"({"event":"update","channel":"elsewhere","data":"{}"})"); // not our channel
    server.send(R"({"event":"obj","channel":"updates","data":{"a":1}})"); // object data is fine
    server.send(R"({"event":"update","channel":"updates","data":"{\"n\":1}"})");
    QTRY_COMPARE(events.count(), 2);
    QCOMPARE(client.malformedFrames(), 5);
    QCOMPARE(events.at(0).at(1).toString(), QStringLiteral("obj"));
    QCOMPARE(events.at(0).at(2).toByteArray(), QByteArray(R"({"a":1})"));
    QCOMPARE(events.at(1).at(1).toString(), QStringLiteral("update"));
    QCOMPARE(events.at(1).at(2).toByteArray(), QByteArray(R"({"n":1})"));

    // The server's pusher:ping is answered on the same, still open, connection.
    server.send(R"({"event":"pusher:ping","data":"{}"})");
    QTRY_VERIFY(server.events(0).contains(QStringLiteral("pusher:pong")));
    QCOMPARE(server.connections(), 1);
    QCOMPARE(client.state(), State::Connected);
    QCOMPARE(stateNames(states), QStringList({ "connecting", "connected" }));
}

void TestPusherClient::disconnectAndDestructorCloseWith1000()
{
    // Proves disconnectFromServer() and the destructor both send close frame 1000.
    FakePusherServer server(120);
    auto client = std::make_unique<PusherClient>(server.url(), QStringLiteral("key"));
    client->connectToServer();
    QTRY_COMPARE(client->state(), State::Connected);
    client->disconnectFromServer();
    QTRY_COMPARE(server.closeCodes, QList<int> { 1000 });

    client->connectToServer();
    QTRY_COMPARE(client->socketId(), QStringLiteral("1.2"));
    client.reset();
    QTRY_COMPARE(server.closeCodes, QList<int>({ 1000, 1000 }));
}

void TestPusherClient::pusherErrorFramesFollowTheCodeRanges()
{
    // Proves pusher:error 4300/no code only report, 4100 backs off, 4009 fails.
    FakePusherServer server(120);
    PusherClient client(server.url(), QStringLiteral("key"));
    client.setBackoff(kBackoffBaseMs, kBackoffCapMs);
    QSignalSpy errors(&client, &PusherClient::error);
    QSignalSpy states(&client, &PusherClient::stateChanged);
    client.connectToServer();
    QTRY_COMPARE(client.state(), State::Connected);

    server.send(R"({"event":"pusher:error","data":{"code":4300,"message":"odd frame"}})");
    server.send(R"({"event":"pusher:error","data":{"code":null,"message":"no code"}})");
    QTRY_COMPARE(errors.count(), 2);
    QCOMPARE(errors.at(0).at(0).toInt(), 4300);
    QCOMPARE(errors.at(0).at(1).toString(), QStringLiteral("odd frame"));
    QCOMPARE(errors.at(1).at(0).toInt(), 0);
    QCOMPARE(client.state(), State::Connected);

    server.send(R"({"event":"pusher:error","data":{"code":4100,"message":"over capacity"}})");
    QTRY_COMPARE(server.connections(), 2);
    QTRY_COMPARE(client.socketId(), QStringLiteral("1.2"));
    QCOMPARE(stateNames(states),
        QStringList({ "connecting", "connected", "unavailable", "connecting", "connected" }));

    server.send(R"({"event":"pusher:error","data":{"code":4009,"message":"not authorized"}})");
    QTRY_COMPARE(client.state(), State::Failed);
    QCOMPARE(errors.count(), 4);
    QCOMPARE(errors.last().at(0).toInt(), 4009);
    QCOMPARE(server.connections(), 2);
}

void TestPusherClient::unreachableServerBacksOffExponentially()
{
    // Proves refused connections → unavailable, delays base·2^n ±20 %; disconnect stops it.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    PusherClient client(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(port)), QStringLiteral("key"));
    client.setBackoff(100, 1000);
    QSignalSpy connectingIn(&client, &PusherClient::connectingIn);
    QSignalSpy states(&client, &PusherClient::stateChanged);
    client.connectToServer();
    QTRY_COMPARE_WITH_TIMEOUT(connectingIn.count(), 3, 5000);
    const int expected[] = { 100, 200, 400 };
    for (int i = 0; i < 3; ++i) {
        const int delay = connectingIn.at(i).at(0).toInt();
        QVERIFY2(delay >= expected[i] * 8 / 10 && delay <= expected[i] * 12 / 10,
            qPrintable(QStringLiteral("retry %1 after %2 ms").arg(i).arg(delay)));
    }
    QCOMPARE(stateNames(states).mid(0, 4),
        QStringList({ "connecting", "unavailable", "connecting", "unavailable" }));
    // The pending retry is cancelled: a reconnect could only start from Unavailable/Connecting.
    client.disconnectFromServer();
    QCOMPARE(client.state(), State::Disconnected);
    QCOMPARE(stateNames(states).last(), QStringLiteral("disconnected"));
}

void TestPusherClient::httpAuthorizerSendsJsonAndReportsFailures()
{
    // Proves the HTTP authorizer posts JSON with the given headers and words each failure.
    const QJsonObject d = m_sandbox->dialect("deapi");
    {
        // Success against the sandbox: "key:64 hex".
        PusherHttpAuthorizer authorizer(QUrl(str(d, "auth_url")),
            { { "Authorization", "Bearer " + str(d, "api_key").toUtf8() } });
        AuthAnswer answer;
        authorizer.authorize(QStringLiteral("123.456"), str(d, "channel"), answer.callback());
        QTRY_VERIFY(answer.done);
        QVERIFY2(answer.error.isEmpty(), qPrintable(answer.error));
        QVERIFY(QRegularExpression(QStringLiteral("^%1:[0-9a-f]{64}$")
                                       .arg(QRegularExpression::escape(str(d, "pusher_key"))))
                    .match(answer.auth)
                    .hasMatch());
    }
    {
        // A wrong key: the status and the body's message.
        PusherHttpAuthorizer authorizer(
            QUrl(str(d, "auth_url")), { { "Authorization", "Bearer wrong" } });
        AuthAnswer answer;
        authorizer.authorize(QStringLiteral("123.456"), str(d, "channel"), answer.callback());
        QTRY_VERIFY(answer.done);
        QVERIFY(answer.auth.isEmpty());
        QVERIFY2(answer.error.contains(QLatin1String("HTTP 401: Unauthenticated.")),
            qPrintable(answer.error));
        QVERIFY(!answer.error.contains(QLatin1String("wrong")));
    }
    {
        // The request itself, and a 2xx without "auth".
        CannedHttpServer server(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            "Connection: close\r\n\r\n{}");
        PusherHttpAuthorizer authorizer(server.url(), { { "Authorization", "Bearer k1" } });
        AuthAnswer answer;
        authorizer.authorize(QStringLiteral("1.2"), QStringLiteral("private-x"), answer.callback());
        QTRY_VERIFY(answer.done);
        QVERIFY2(answer.error.contains(QLatin1String("without an \"auth\" string")),
            qPrintable(answer.error));
        const QByteArray request = server.request;
        QVERIFY(request.startsWith("POST /broadcasting/auth HTTP/1.1\r\n"));
        QVERIFY(request.toLower().contains("\r\nauthorization: bearer k1\r\n"));
        QVERIFY(request.toLower().contains("\r\ncontent-type: application/json\r\n"));
        const QJsonObject body
            = QJsonDocument::fromJson(request.mid(request.indexOf("\r\n\r\n") + 4)).object();
        QCOMPARE(body,
            QJsonObject({ { QStringLiteral("socket_id"), QStringLiteral("1.2") },
                { QStringLiteral("channel_name"), QStringLiteral("private-x") } }));
    }
    {
        // No answer at all: the transfer timeout ends it.
        CannedHttpServer silent { QByteArray() };
        PusherHttpAuthorizer authorizer(silent.url(), {});
        authorizer.setTransferTimeout(300);
        AuthAnswer answer;
        authorizer.authorize(QStringLiteral("1.2"), QStringLiteral("private-x"), answer.callback());
        QTRY_VERIFY_WITH_TIMEOUT(answer.done, 5000);
        QVERIFY2(answer.error.contains(QLatin1String("timed out after 300 ms")),
            qPrintable(answer.error));
    }
    {
        // Destroyed with a request in flight: done() still comes, with an error.
        CannedHttpServer silent { QByteArray() };
        AuthAnswer answer;
        PusherClient::Authorizer forward;
        {
            PusherHttpAuthorizer authorizer(silent.url(), {});
            forward = authorizer.authorizer();
            forward(QStringLiteral("1.2"), QStringLiteral("private-x"), answer.callback());
            QCOMPARE(authorizer.pendingCount(), 1);
        }
        QVERIFY(answer.done);
        QVERIFY2(answer.error.contains(QLatin1String("abandoned")), qPrintable(answer.error));
        AuthAnswer late;
        forward(QStringLiteral("1.2"), QStringLiteral("private-x"), late.callback());
        QVERIFY(late.done);
        QVERIFY(!late.error.isEmpty());
    }
}

// A server that completes the WebSocket handshake and then announces one 300 MB text frame,
// streaming its payload as fast as the client takes it: the client closes the socket (1009 or a
// dropped connection) without buffering the frame, so the process's peak memory grows by less
// than 100 MiB, and it goes on to reconnect with backoff.
void TestPusherClient::hugeFrameIsRefusedAtTheSocket()
{
    using NetTest::HostileServer;
    constexpr qint64 MiB = 1024 * 1024;
    constexpr qint64 FrameBytes = 300 * 1000 * 1000;
    HostileServer server([&](QTcpSocket *s, int, const HostileServer::Request &r) {
        const QByteArray accept = QCryptographicHash::hash(
            r.header("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
            QCryptographicHash::Sha1)
                                      .toBase64();
        QByteArray head
            = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Accept: "
            + accept + "\r\n\r\n";
        // FIN + text, no mask, 64-bit length.
        head += char(0x81);
        head += char(127);
        for (int shift = 56; shift >= 0; shift -= 8)
            head += char((quint64(FrameBytes) >> shift) & 0xff);
        head += "{\"event\":\"x\",\"data\":\"";
        server.stream(s, head, QByteArray(256 * 1024, 'a'), FrameBytes, false);
    });
    NetTest::resetPeakRss();
    const qint64 before = NetTest::procStatusBytes("VmRSS:");
    PusherClient client(QUrl(server.base("ws")), QStringLiteral("app-key"));
    client.setBackoff(5000, 5000);
    QSignalSpy states(&client, &PusherClient::stateChanged);
    client.connectToServer();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), State::Unavailable, 30000);
    const qint64 peak = NetTest::procStatusBytes("VmHWM:");
    qInfo("300 MB frame: streamed %lld MiB, peak +%lld MiB", server.streamed() / MiB,
        (peak - before) / MiB);
    QCOMPARE(client.malformedFrames(), 0);
    QVERIFY2(server.streamed() < 100 * MiB, qPrintable(QString::number(server.streamed() / MiB)));
    QVERIFY2(peak - before < 100 * MiB, qPrintable(QString::number((peak - before) / MiB)));
    client.disconnectFromServer();
}

// The private-channel auth call redirected to another port: the request arrives there without
// the Authorization header (the redirect rules are OriginPolicy's, as for every request).
void TestPusherClient::authorizerRedirectDropsTheKey()
{
    using NetTest::HostileServer;
    HostileServer other([](QTcpSocket *s, int, const HostileServer::Request &) {
        s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                 "17\r\nConnection: close\r\n\r\n"
                 "{\"auth\":\"k:sig\"}\n");
        s->disconnectFromHost();
    });
    HostileServer origin([&](QTcpSocket *s, int, const HostileServer::Request &) {
        s->write("HTTP/1.1 303 See Other\r\nLocation: " + other.base().toUtf8()
            + "/auth\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        s->disconnectFromHost();
    });
    PusherHttpAuthorizer authorizer(origin.url(QStringLiteral("/broadcasting/auth")),
        { { "Authorization", "Bearer CANARY-KEY" }, { "X-API-Key", "CANARY-KEY" } });
    QString auth;
    QString error;
    bool done = false;
    authorizer.authorize(
        QStringLiteral("1.2"), QStringLiteral("private-x"), [&](QString a, QString e) {
            auth = a;
            error = e;
            done = true;
        });
    QTRY_VERIFY(done);
    QCOMPARE(other.count(), 1);
    QVERIFY(!other.request(0).has("Authorization"));
    QVERIFY(!other.request(0).has("X-API-Key"));
    QCOMPARE(other.request(0).method(), QByteArray("GET"));
    QCOMPARE(error, QString());
    QCOMPARE(auth, QStringLiteral("k:sig"));
}

QTEST_GUILESS_MAIN(TestPusherClient)
#include "tst_pusherclient.moc"
