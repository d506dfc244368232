// Tests of Net::SseConnection: against the real sandbox in-process (PeelAPI's job stream, cut by
// drop_after_events and by the QA control route, resumed with Last-Event-ID until `end`; a wrong
// key), and against a tiny scripted HTTP server in this file for what the sandbox never does
// (204, a wrong Content-Type, a silent stream, `retry:`, an unfinished event, redirects, backoff).
#include "floodserver.h"
#include "hostileserver.h"
#include "net/sseconnection.h"
#include "testhttp.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <functional>
#include <memory>

using namespace TestSupport;
using Net::SseConnection;
using Net::SseEvent;

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

// A scripted HTTP server: reads each request head, then lets the test answer on the raw socket.
// One request per connection (answers carry Connection: close).
class ScriptedServer
{
public:
    struct Request
    {
        QByteArray head;
        qint64 atMs = 0; // since the server started
        QByteArray header(const QByteArray &name) const
        {
            for (const QByteArray &line : head.split('\n')) {
                const qsizetype colon = line.indexOf(':');
                if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                    return line.mid(colon + 1).trimmed();
            }
            return {};
        }
        QByteArray path() const { return head.split(' ').value(1); }
    };
    // index: 0 for the first request.
    using Handler = std::function<void(QTcpSocket *socket, int index, const Request &request)>;

    explicit ScriptedServer(Handler handler)
        : m_handler(std::move(handler))
    {
        m_clock.start();
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                QObject::connect(s, &QTcpSocket::disconnected, s, [this, s] {
                    m_closedAtMs.append(m_clock.elapsed());
                    s->deleteLater();
                });
                QObject::connect(s, &QIODevice::readyRead, s, [this, s, buffer] {
                    if (buffer->endsWith("\r\n\r\n")) {
                        s->readAll(); // after the head: ignored
                        return;
                    }
                    *buffer += s->readAll();
                    const qsizetype end = buffer->indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    buffer->truncate(end + 4);
                    Request r { *buffer, m_clock.elapsed() };
                    m_requests.append(r);
                    m_handler(s, int(m_requests.size()) - 1, r);
                });
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    QUrl url(const QString &path = QStringLiteral("/stream")) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
    }
    int count() const { return int(m_requests.size()); }
    const Request &request(int i) const { return m_requests.at(i); }
    // When the i-th connection to close did (in closing order).
    qint64 closedAtMs(int i) const { return m_closedAtMs.value(i, -1); }

private:
    Handler m_handler;
    QList<Request> m_requests;
    QElapsedTimer m_clock;
    QList<qint64> m_closedAtMs;
    // Last, so it goes first: its sockets' disconnected() handlers still use the members above.
    QTcpServer m_server;
};

const QByteArray StreamHead
    = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";
const QByteArray NoContent
    = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

void respond(QTcpSocket *s, const QByteArray &bytes, bool close = true)
{
    s->write(bytes);
    if (close)
        s->disconnectFromHost();
}

// Records every event and the reconnect delays of one connection.
struct Recorder
{
    explicit Recorder(SseConnection *c)
        : connected(c, &SseConnection::connected)
        , reconnecting(c, &SseConnection::reconnecting)
        , finished(c, &SseConnection::finished)
        , failed(c, &SseConnection::failed)
    {
        clock.start();
        QObject::connect(
            c, &SseConnection::event, c, [this](const SseEvent &e) { events.append(e); });
        QObject::connect(
            c, &SseConnection::connected, c, [this] { connectedAt.append(clock.elapsed()); });
        QObject::connect(
            c, &SseConnection::reconnecting, c, [this] { reconnectingAt.append(clock.elapsed()); });
    }
    QList<int> delays() const
    {
        QList<int> out;
        for (const QList<QVariant> &args : reconnecting)
            out.append(args.at(0).toInt());
        return out;
    }
    QElapsedTimer clock;
    QList<SseEvent> events;
    QList<qint64> connectedAt;
    QList<qint64> reconnectingAt;
    QSignalSpy connected;
    QSignalSpy reconnecting;
    QSignalSpy finished;
    QSignalSpy failed;
};

} // namespace

class TestSseConnection final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;
    QNetworkAccessManager m_nam;

    QString submitPortrait(const QJsonObject &sandbox)
    {
        const QJsonObject body { { k("prompt"), QStringLiteral("x") }, { k("width"), 64 },
            { k("height"), 64 }, { k("sandbox"), sandbox } };
        const HttpResult r = m_http.post(
            m_sb->base("peelapi") + QStringLiteral("/v1/portrait"), body, m_sb->bearer("peelapi"));
        if (r.status != 202)
            qWarning() << "submit refused" << r.status << r.body;
        return r.json().value(k("data")).toObject().value(k("id")).toString();
    }
    QNetworkRequest streamRequest(const QString &id, const QByteArray &key) const
    {
        QNetworkRequest req(QUrl(
            m_sb->base("peelapi") + QStringLiteral("/v1/jobs/") + id + QStringLiteral("/stream")));
        req.setRawHeader("Authorization", "Bearer " + key);
        return req;
    }
    int sandboxEventCount(const QString &id)
    {
        return int(m_sb->job(m_http, id).value(k("events")).toArray().size());
    }
    int streamRequests(const QString &id)
    {
        const QJsonArray log
            = m_http
                  .get(m_sb->control() + QStringLiteral("/requests?limit=1000&path=/jobs/") + id
                      + QStringLiteral("/stream"))
                  .json()
                  .value(k("requests"))
                  .toArray();
        return int(log.size());
    }
    // Every event once, in order: ids 1, 2, 3, ... with no gap and no repeat.
    static void verifyContiguous(const QList<SseEvent> &events)
    {
        QVERIFY(!events.isEmpty());
        for (qsizetype i = 0; i < events.size(); ++i)
            QCOMPARE(events.at(i).lastEventId, QByteArray::number(i + 1));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sb = std::make_unique<TestSandbox>();
        m_http.setSandboxToken(m_sb->controlToken());
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
    }

    // A PeelAPI stream cut every 3 events delivers every event exactly once, ids strictly
    // increasing, by reconnecting with Last-Event-ID; after `end` the caller's finish() stops it
    // and no further request reaches the server.
    void resumesAcrossSandboxCuts()
    {
        const QString id = submitPortrait(
            QJsonObject { { k("duration_ms"), 1500 }, { k("drop_after_events"), 3 } });
        QVERIFY(!id.isEmpty());
        SseConnection c(&m_nam, streamRequest(id, m_sb->key("peelapi")));
        Recorder r(&c);
        connect(&c, &SseConnection::event, &c, [&c](const SseEvent &e) {
            if (e.type == "end")
                c.finish();
        });
        QElapsedTimer t;
        t.start();
        c.start();
        QTRY_COMPARE_WITH_TIMEOUT(r.finished.size(), 1, 30000);
        QCOMPARE(r.failed.size(), 0);
        verifyContiguous(r.events);
        QCOMPARE(r.events.last().type, QByteArray("end"));
        QCOMPARE(r.events.last().data, QByteArray("succeeded"));
        QCOMPARE(r.events.size(), sandboxEventCount(id));
        QCOMPARE(c.lastEventId(), QByteArray::number(r.events.size()));
        // One connection per 3 events (the last may carry fewer), every one a reconnect but the
        // first.
        const int connections = int((r.events.size() + 2) / 3);
        QCOMPARE(c.reconnects(), connections - 1);
        QCOMPARE(r.connected.size(), connections);
        QCOMPARE(r.reconnecting.size(), connections - 1);
        for (int delay : r.delays())
            QCOMPARE(delay, 1000); // the sandbox's `retry: 1000`; every connection had events
        QCOMPARE(streamRequests(id), connections);
        qInfo("%d events over %d connections in %lld ms", int(r.events.size()), connections,
            t.elapsed());

        // After finish(): nothing more, even past the retry delay.
        spin(1500);
        QCOMPARE(c.state(), SseConnection::State::Finished);
        QCOMPARE(c.reconnects(), connections - 1);
        QCOMPARE(r.reconnecting.size(), connections - 1);
        QCOMPARE(streamRequests(id), connections);
    }

    // The control route cuts the stream with a TCP abort; the connection reconnects, replays from
    // its last id, and follows the job to the end without losing or repeating an event.
    void reconnectsAfterControlDrop()
    {
        const QString id = submitPortrait(
            QJsonObject { { k("duration_ms"), 1000 }, { k("hold"), QStringLiteral("running") } });
        QVERIFY(!id.isEmpty());
        SseConnection c(&m_nam, streamRequest(id, m_sb->key("peelapi")));
        Recorder r(&c);
        connect(&c, &SseConnection::event, &c, [&c](const SseEvent &e) {
            if (e.type == "end")
                c.finish();
        });
        c.start();
        QTRY_COMPARE(r.connected.size(), 1);
        // Held at 50 % (the sandbox keeps sending status ticks there), so the cut is mid-job.
        QTRY_VERIFY(
            m_sb->job(m_http, id).value(k("progress")).toDouble() == 0.5 && r.events.size() >= 3);
        QVERIFY(m_sb->act(m_http, id, QStringLiteral("drop")).value(k("ok")).toBool());
        QTRY_COMPARE(r.reconnecting.size(), 1);
        const int beforeCut = int(r.events.size());
        QTRY_COMPARE(r.connected.size(), 2);
        QCOMPARE(c.reconnects(), 1);
        // The ticks sent while reconnecting are replayed from the last id, none twice.
        QTRY_VERIFY(r.events.size() > beforeCut);
        verifyContiguous(r.events);
        QVERIFY(m_sb->act(m_http, id, QStringLiteral("release")).value(k("ok")).toBool());
        QTRY_COMPARE_WITH_TIMEOUT(r.finished.size(), 1, 15000);
        verifyContiguous(r.events);
        QCOMPARE(r.events.size(), sandboxEventCount(id));
        QCOMPARE(r.events.last().type, QByteArray("end"));
        QCOMPARE(r.failed.size(), 0);
        QCOMPARE(c.reconnects(), 1);
    }

    // A wrong key is a 401: failed() with the status and the server's message, and no reconnect.
    void wrongKeyFails()
    {
        const QString id = submitPortrait(QJsonObject { { k("duration_ms"), 300 } });
        QVERIFY(!id.isEmpty());
        SseConnection c(&m_nam, streamRequest(id, "not-the-key"));
        c.setRetryMs(50);
        Recorder r(&c);
        c.start();
        QTRY_COMPARE(r.failed.size(), 1);
        QCOMPARE(r.failed.at(0).at(1).toInt(), 401);
        const QString message = r.failed.at(0).at(0).toString();
        QVERIFY2(message.contains(QLatin1String("401"))
                && message.contains(QLatin1String("invalid API key")),
            qPrintable(message));
        QVERIFY(!message.contains(QLatin1String("not-the-key")));
        QCOMPARE(c.state(), SseConnection::State::Failed);
        spin(300);
        QCOMPARE(r.reconnecting.size(), 0);
        QCOMPARE(r.connected.size(), 0);
        QCOMPARE(r.finished.size(), 0);
        QCOMPARE(streamRequests(id), 1);
    }

    // HTTP 204 ends the stream for good: finished(), never a reconnect.
    void noContentStopsForGood()
    {
        ScriptedServer server(
            [](QTcpSocket *s, int, const ScriptedServer::Request &) { respond(s, NoContent); });
        SseConnection c(&m_nam, QNetworkRequest(server.url()));
        c.setRetryMs(20);
        Recorder r(&c);
        c.start();
        QTRY_COMPARE(r.finished.size(), 1);
        QCOMPARE(c.state(), SseConnection::State::Finished);
        spin(200); // ten retry periods
        QCOMPARE(server.count(), 1);
        QCOMPARE(r.reconnecting.size(), 0);
        QCOMPARE(r.failed.size(), 0);
        QCOMPARE(r.connected.size(), 0);
        // The request asked for a stream.
        QCOMPARE(server.request(0).header("Accept"), QByteArray("text/event-stream"));
        QCOMPARE(server.request(0).header("Last-Event-ID"), QByteArray());
    }

    // A 200 that is not text/event-stream is a clear failure, not a stream to retry.
    void wrongContentTypeFails()
    {
        ScriptedServer server([](QTcpSocket *s, int, const ScriptedServer::Request &) {
            respond(s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\nConnection: "
                "close\r\n\r\n<html></html>");
        });
        SseConnection c(&m_nam, QNetworkRequest(server.url()));
        c.setRetryMs(20);
        Recorder r(&c);
        c.start();
        QTRY_COMPARE(r.failed.size(), 1);
        QCOMPARE(r.failed.at(0).at(1).toInt(), 200);
        QVERIFY(r.failed.at(0).at(0).toString().contains(QLatin1String("text/html")));
        spin(200);
        QCOMPARE(server.count(), 1);
        QCOMPARE(r.reconnecting.size(), 0);
        QCOMPARE(r.connected.size(), 0);
    }

    // Headers and then silence: after the idle timeout (500 ms) the response is aborted and a
    // reconnect follows.
    void idleTimeoutReconnects()
    {
        ScriptedServer server([](QTcpSocket *s, int index, const ScriptedServer::Request &) {
            if (index == 0)
                respond(s, StreamHead, false); // and then nothing
            else
                respond(s, NoContent);
        });
        SseConnection c(&m_nam, QNetworkRequest(server.url()));
        c.setIdleTimeoutMs(500);
        c.setRetryMs(50);
        Recorder r(&c);
        c.start();
        QTRY_COMPARE(r.connected.size(), 1);
        QTRY_COMPARE(r.reconnecting.size(), 1);
        const qint64 idle = r.reconnectingAt.at(0) - r.connectedAt.at(0);
        qInfo("cut after %lld ms without a byte", idle);
        QVERIFY2(idle >= 490 && idle < 3000, qPrintable(QString::number(idle)));
        QTRY_COMPARE(server.count(), 2);
        QTRY_COMPARE(r.finished.size(), 1);
        QCOMPARE(c.reconnects(), 1);
        QCOMPARE(r.delays(), QList<int> { 50 });
    }

    // A comment resets the idle timer: a stream that only sends keep-alives is not cut.
    void commentsKeepTheStreamAlive()
    {
        QTimer keepAlive;
        QPointer<QTcpSocket> socket;
        ScriptedServer server([&](QTcpSocket *s, int, const ScriptedServer::Request &) {
            respond(s, StreamHead, false);
            socket = s;
        });
        connect(&keepAlive, &QTimer::timeout, &keepAlive, [&] {
            if (socket)
                socket->write(": keep-alive\n\n");
        });
        keepAlive.start(100);
        SseConnection c(&m_nam, QNetworkRequest(server.url()));
        c.setIdleTimeoutMs(400);
        Recorder r(&c);
        c.start();
        QTRY_COMPARE(r.connected.size(), 1);
        spin(1200); // three idle periods
        QCOMPARE(r.reconnecting.size(), 0);
        QCOMPARE(c.state(), SseConnection::State::Open);
        c.close();
        QCOMPARE(c.state(), SseConnection::State::Closed);
    }

    // `retry: 200` sets the reconnection delay: the next request comes about 200 ms after the
    // stream ended (not the 3 s default), with Last-Event-ID.
    void retryFieldHonoured()
    {
        ScriptedServer server([](QTcpSocket *s, int index, const ScriptedServer::Request &) {
            if (index == 0)
                respond(s, StreamHead + "retry: 200\n\nid: 7\ndata: a\n\n");
            else
                respond(s, NoContent);
        });
        SseConnection c(&m_nam, QNetworkRequest(server.url()));
        QCOMPARE(c.retryMs(), SseConnection::DefaultRetryMs);
        Recorder r(&c);
        c.start();
        QTRY_COMPARE(server.count(), 2);
        QTRY_COMPARE(r.finished.size(), 1);
        QCOMPARE(c.retryMs(), 200);
        QCOMPARE(r.delays(), QList<int> { 200 });
        const qint64 gap = server.request(1).atMs - server.closedAtMs(0);
        qInfo("reconnected %lld ms after the server closed the stream", gap);
        QVERIFY2(gap >= 195 && gap < 1500, qPrintable(QString::number(gap)));
        QCOMPARE(server.request(1).header("Last-Event-ID"), QByteArray("7"));
        QCOMPARE(r.events.size(), 1);
    }

    // A stream that ends inside an event: the unfinished event is not delivered, and its id does
    // not become the Last-Event-ID of the reconnect.
    void partialEventDiscarded()
    {
        ScriptedServer server([](QTcpSocket *s, int index, const ScriptedServer::Request &) {
            if (index == 0)
                respond(s, StreamHead + "retry: 20\n\nid: 1\ndata: full\n\nid: 2\ndata: partial");
            else
                respond(s, NoContent);
        });
        SseConnection c(&m_nam, QNetworkRequest(server.url()), "0");
        Recorder r(&c);
        c.start();
        QTRY_COMPARE(r.finished.size(), 1);
        QCOMPARE(server.request(0).header("Last-Event-ID"), QByteArray("0")); // the initial id
        QCOMPARE(r.events.size(), 1);
        QCOMPARE(r.events.at(0).data, QByteArray("full"));
        QCOMPARE(server.request(1).header("Last-Event-ID"), QByteArray("1"));
        QCOMPARE(c.lastEventId(), QByteArray("1"));
    }

    // Streams that end at once without an event back off: retry, x2, ... up to the cap; an event
    // brings the delay back to the retry.
    void backsOffWhileFailingFast()
    {
        ScriptedServer server([](QTcpSocket *s, int index, const ScriptedServer::Request &) {
            if (index < 5)
                respond(s, StreamHead); // open, then closed without an event
            else if (index == 5)
                respond(s, StreamHead + "data: x\n\n");
            else
                respond(s, NoContent);
        });
        SseConnection c(&m_nam, QNetworkRequest(server.url()));
        c.setRetryMs(50);
        c.setMaxBackoffMs(300);
        Recorder r(&c);
        c.start();
        QTRY_COMPARE_WITH_TIMEOUT(r.finished.size(), 1, 10000);
        QCOMPARE(r.delays(), (QList<int> { 50, 100, 200, 300, 300, 50 }));
        QCOMPARE(c.reconnects(), 6);
        QCOMPARE(r.events.size(), 1);
    }

    // Connection refused counts as a failing attempt too, and backs off the same way.
    void backsOffWhenRefused()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close(); // nothing listens there now
        SseConnection c(
            &m_nam, QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/stream").arg(port))));
        c.setRetryMs(30);
        c.setMaxBackoffMs(120);
        Recorder r(&c);
        c.start();
        QTRY_COMPARE(r.reconnecting.size(), 4);
        c.close();
        QCOMPARE(r.delays(), (QList<int> { 30, 60, 120, 120 }));
        QCOMPARE(r.failed.size(), 0);
        QCOMPARE(c.state(), SseConnection::State::Closed);
    }

    // Same-origin redirects are followed with the caller's headers; a redirect loop stops at the
    // limit and fails without a reconnect.
    void redirects()
    {
        ScriptedServer server([](QTcpSocket *s, int, const ScriptedServer::Request &req) {
            if (req.path() == "/old")
                respond(s,
                    "HTTP/1.1 307 Temporary Redirect\r\nLocation: /stream\r\nContent-Length: "
                    "0\r\nConnection: close\r\n\r\n");
            else if (req.path() == "/loop")
                respond(s,
                    "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\nConnection: "
                    "close\r\n\r\n");
            else
                respond(s, StreamHead + "data: moved\n\n");
        });
        {
            QNetworkRequest req(server.url(QStringLiteral("/old")));
            req.setRawHeader("Authorization", "Bearer token");
            SseConnection c(&m_nam, req);
            Recorder r(&c);
            connect(&c, &SseConnection::event, &c, &SseConnection::finish);
            c.start();
            QTRY_COMPARE(r.finished.size(), 1);
            QCOMPARE(r.events.size(), 1);
            QCOMPARE(server.count(), 2);
            QCOMPARE(server.request(1).path(), QByteArray("/stream"));
            QCOMPARE(server.request(1).header("Authorization"), QByteArray("Bearer token"));
        }
        {
            SseConnection c(&m_nam, QNetworkRequest(server.url(QStringLiteral("/loop"))));
            c.setRetryMs(20);
            Recorder r(&c);
            const int before = server.count();
            c.start();
            QTRY_COMPARE(r.failed.size(), 1);
            QCOMPARE(r.failed.at(0).at(1).toInt(), 0);
            QCOMPARE(server.count() - before, 1 + SseConnection::MaxRedirects);
            spin(100);
            QCOMPARE(r.reconnecting.size(), 0);
        }
    }

    // close() from an event handler delivers nothing more (the rest of the chunk is dropped), and
    // the destructor aborts a live response.
    void closeFromHandlerAndDestroy()
    {
        QPointer<QTcpSocket> socket;
        ScriptedServer server([&](QTcpSocket *s, int, const ScriptedServer::Request &) {
            socket = s;
            respond(s, StreamHead + "data: one\n\ndata: two\n\n", false);
        });
        {
            SseConnection c(&m_nam, QNetworkRequest(server.url()));
            Recorder r(&c);
            connect(&c, &SseConnection::event, &c, &SseConnection::close);
            c.start();
            QTRY_COMPARE(r.events.size(), 1);
            QCOMPARE(c.state(), SseConnection::State::Closed);
            QTRY_VERIFY(!socket); // the server saw the client go
            spin(100);
            QCOMPARE(r.events.size(), 1);
            QCOMPARE(r.reconnecting.size(), 0);
            QCOMPARE(r.finished.size(), 0);
        }
        {
            auto c = std::make_unique<SseConnection>(&m_nam, QNetworkRequest(server.url()));
            QSignalSpy connected(c.get(), &SseConnection::connected);
            c->start();
            QTRY_COMPARE(connected.size(), 1);
            QVERIFY(socket);
            c.reset();
            QTRY_VERIFY(!socket);
        }
    }

    // A redirect to another port drops the key: the stream opens there without Authorization or
    // X-API-Key; https → http is refused without a request to the http side and without a
    // reconnect.
    void redirectToOtherOriginDropsTheKey()
    {
        using NetTest::HostileServer;
        HostileServer other([](QTcpSocket *s, int, const HostileServer::Request &) {
            s->write(StreamHead + "data: elsewhere\n\n");
            s->disconnectFromHost();
        });
        HostileServer origin([&](QTcpSocket *s, int, const HostileServer::Request &) {
            s->write("HTTP/1.1 307 Temporary Redirect\r\nLocation: " + other.base().toUtf8()
                + "/stream\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            s->disconnectFromHost();
        });
        {
            QNetworkRequest req(origin.url(QStringLiteral("/stream")));
            req.setRawHeader("Authorization", "Bearer CANARY-KEY");
            req.setRawHeader("X-API-Key", "CANARY-KEY");
            SseConnection c(&m_nam, req, "41");
            Recorder r(&c);
            connect(&c, &SseConnection::event, &c, &SseConnection::finish);
            c.start();
            QTRY_COMPARE(r.finished.size(), 1);
            QCOMPARE(r.events.size(), 1);
            // Qt may send an idempotent GET again when the connection closes early: every copy
            // counts.
            QVERIFY(other.count() >= 1);
            for (const HostileServer::Request &req : other.requests()) {
                QVERIFY(!req.has("Authorization"));
                QVERIFY(!req.has("X-API-Key"));
                QCOMPARE(req.header("Last-Event-ID"), QByteArray("41"));
                QCOMPARE(req.header("Accept"), QByteArray("text/event-stream"));
            }
        }
        {
            HostileServer tls(
                [&](QTcpSocket *s, int, const HostileServer::Request &) {
                    s->write("HTTP/1.1 302 Found\r\nLocation: " + other.base().toUtf8()
                        + "/stream\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    s->disconnectFromHost();
                },
                HostileServer::Transport::Tls);
            QNetworkAccessManager nam;
            connect(&nam, &QNetworkAccessManager::sslErrors, this,
                [](QNetworkReply *reply, const QList<QSslError> &) { reply->ignoreSslErrors(); });
            SseConnection c(&nam, QNetworkRequest(tls.url(QStringLiteral("/stream"), "https")));
            c.setRetryMs(20);
            Recorder r(&c);
            c.start();
            QTRY_COMPARE(r.failed.size(), 1);
            QCOMPARE(r.failed.at(0).at(0).toString(),
                QStringLiteral(
                    "the server redirected from https to plain http (%1/stream); not following it")
                    .arg(other.base()));
            const int before = other.count();
            spin(100);
            QCOMPARE(r.reconnecting.size(), 0);
            QCOMPARE(other.count(), before); // nothing went to the http side
        }
    }

    // A line that never ends (300 MiB of "data: xxx…" without a line break) is cut at the
    // parser's cap: the stream fails with one sentence (so a follower polls instead), and over
    // https the process's peak memory grows by less than 100 MiB. (Over plain http Qt 6.4 reads
    // an unbuffered socket as long as the kernel has bytes: see tst_httpcall.)
    void endlessLineIsCapped()
    {
        using NetTest::HostileServer;
        constexpr qint64 MiB = 1024 * 1024;
        HostileServer tls(
            [&](QTcpSocket *s, int, const HostileServer::Request &) {
                tls.stream(s, StreamHead + "data: ", QByteArray(256 * 1024, 'x'), 300 * MiB, false);
            },
            HostileServer::Transport::Tls);
        QNetworkAccessManager nam;
        connect(&nam, &QNetworkAccessManager::sslErrors, this,
            [](QNetworkReply *reply, const QList<QSslError> &) { reply->ignoreSslErrors(); });
        NetTest::resetPeakRss();
        const qint64 before = NetTest::procStatusBytes("VmRSS:");
        SseConnection c(&nam, QNetworkRequest(tls.url(QStringLiteral("/stream"), "https")));
        Recorder r(&c);
        c.start();
        QTRY_COMPARE_WITH_TIMEOUT(r.failed.size(), 1, 30000);
        const qint64 peak = NetTest::procStatusBytes("VmHWM:");
        qInfo("endless line: streamed %lld MiB, peak +%lld MiB", tls.streamed() / MiB,
            (peak - before) / MiB);
        QCOMPARE(r.failed.at(0).at(0).toString(),
            QStringLiteral(
                "the server sent a stream event larger than 16 MiB, so the stream was dropped"));
        QCOMPARE(r.failed.at(0).at(1).toInt(), 0);
        QCOMPARE(r.events.size(), 0);
        QCOMPARE(r.reconnecting.size(), 0);
        QVERIFY2(peak - before < 100 * MiB, qPrintable(QString::number((peak - before) / MiB)));
    }

    // Plain http (the sandbox, a local service): a line that never ends and an event of 1 GiB
    // (short data lines, no blank line), sent by a server in a child process as fast as it goes,
    // are dropped with the size sentence — no reconnect, no event — and over three runs the
    // process's peak memory grows by less than 64 MiB. (Qt 6.4's plain-http reader, which the
    // connection used before, can run ahead of the parser by what the kernel holds; on this
    // machine it stayed under the bound for these streams, so this guards the new reader
    // rather than reproducing the old overrun — tst_httpcall's chunked row does that.)
    void plainHttpGigabyteStreamStaysBounded_data()
    {
        QTest::addColumn<QByteArray>("prefix");
        QTest::addColumn<QByteArray>("pattern");
        QTest::addColumn<int>("repeat");
        QTest::newRow("endless line") << QByteArray("data: ") << QByteArray("x") << 1024 * 1024;
        QTest::newRow("1 GiB event")
            << QByteArray("event: log\n") << ("data: " + QByteArray(1017, 'y') + "\n") << 1024;
    }
    void plainHttpGigabyteStreamStaysBounded()
    {
        QFETCH(QByteArray, prefix);
        QFETCH(QByteArray, pattern);
        QFETCH(int, repeat);
        constexpr qint64 MiB = 1024 * 1024;
        NetTest::FloodServer origin(StreamHead + prefix, pattern, repeat, 1024 * MiB, false);
        QVERIFY(origin.isListening());
        qint64 worst = 0;
        for (int i = 0; i < 3; ++i) {
            NetTest::resetPeakRss();
            const qint64 before = NetTest::procStatusBytes("VmRSS:");
            SseConnection c(&m_nam, QNetworkRequest(origin.url(QStringLiteral("/stream"))));
            c.setRetryMs(20);
            Recorder r(&c);
            c.start();
            QTRY_COMPARE_WITH_TIMEOUT(r.failed.size(), 1, 60000);
            const qint64 peak = NetTest::procStatusBytes("VmHWM:");
            worst = qMax(worst, peak - before);
            QCOMPARE(r.failed.at(0).at(0).toString(),
                QStringLiteral("the server sent a stream event larger than 16 MiB, so the stream "
                               "was dropped"));
            QCOMPARE(r.failed.at(0).at(1).toInt(), 0);
            QCOMPARE(r.events.size(), 0);
            QCOMPARE(r.reconnecting.size(), 0);
            QCOMPARE(c.state(), SseConnection::State::Failed);
        }
        qInfo("plain-http 1 GiB stream, 3 runs: worst peak +%lld MiB", worst / MiB);
        QVERIFY2(worst < 64 * MiB, qPrintable(QString::number(worst / MiB)));
    }

    // Plain http, streamed in pieces as they happen: each event is delivered as its bytes
    // arrive (before the stream ends), Last-Event-ID is sent on the reconnect, and the chunked
    // framing (with a chunk extension) is undone.
    void plainHttpEventsArriveAsSent()
    {
        ScriptedServer server([](QTcpSocket *s, int index, const ScriptedServer::Request &) {
            s->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n");
            const QByteArray first = index == 0 ? "id: 1\ndata: one\n\n" : "id: 2\ndata: two\n\n";
            s->write(QByteArray::number(first.size(), 16) + ";ext=1\r\n" + first + "\r\n");
            s->flush();
            // The next piece only after a pause; the first event must not wait for it.
            QTimer::singleShot(300, s, [s] {
                s->write("0\r\n\r\n");
                s->disconnectFromHost();
            });
        });
        SseConnection c(&m_nam, QNetworkRequest(server.url()));
        c.setRetryMs(20);
        Recorder r(&c);
        QElapsedTimer clock;
        clock.start();
        c.start();
        QTRY_COMPARE(r.events.size(), 1);
        QVERIFY2(clock.elapsed() < 250, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(r.events.at(0).data, QByteArray("one"));
        QTRY_COMPARE(r.events.size(), 2);
        QCOMPARE(r.events.at(1).data, QByteArray("two"));
        c.close();
        QVERIFY(server.count() >= 2);
        QCOMPARE(server.request(1).header("Last-Event-ID"), QByteArray("1"));
        QCOMPARE(server.request(0).header("Accept"), QByteArray("text/event-stream"));
    }

    // An event made of many short data lines grows past the cap the same way.
    void oversizedEventFailsTheStream()
    {
        ScriptedServer server([](QTcpSocket *s, int, const ScriptedServer::Request &) {
            respond(s,
                StreamHead + "data: small\n\n" + QByteArray("data: 0123456789\n").repeated(200)
                    + "\n");
        });
        SseConnection c(&m_nam, QNetworkRequest(server.url()));
        c.setMaxEventSize(1000);
        Recorder r(&c);
        c.start();
        QTRY_COMPARE(r.failed.size(), 1);
        QCOMPARE(r.events.size(), 1);
        QCOMPARE(r.failed.at(0).at(0).toString(),
            QStringLiteral("the server sent a stream event larger than 1000 bytes, so the stream "
                           "was dropped"));
    }
};

int main(int argc, char **argv)
{
    NetTest::FloodServer::serveIfAsked(argc, argv);
    QCoreApplication app(argc, argv);
    TestSseConnection test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_sseconnection.moc"
