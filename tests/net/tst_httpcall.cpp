// Net::HttpCall against hostile servers in this process: credentials never follow a redirect to
// another port, https→http and redirect loops end with one clear sentence, a chunked or huge body
// is capped without the process's memory growing, and a timeout, a reset or a non-http URL say
// what happened.
#include "hostileserver.h"
#include "net/httpcall.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <memory>
#include <sys/socket.h>

using Net::HttpCall;
using NetTest::HostileServer;

namespace {

constexpr qint64 MiB = 1024 * 1024;

QNetworkRequest keyed(const QUrl &url)
{
    QNetworkRequest req(url);
    req.setRawHeader("Authorization", "Bearer CANARY-KEY");
    req.setRawHeader("X-API-Key", "CANARY-KEY");
    req.setRawHeader("Accept", "application/json");
    return req;
}

void respond(QTcpSocket *s, const QByteArray &bytes)
{
    s->write(bytes);
    s->disconnectFromHost();
}

QByteArray redirect(int status, const QByteArray &location)
{
    return "HTTP/1.1 " + QByteArray::number(status) + " Moved\r\nLocation: " + location
        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
}

const QByteArray Ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                      "11\r\nConnection: close\r\n\r\n"
                      "{\"ok\":true}";

} // namespace

class TestHttpCall final : public QObject
{
    Q_OBJECT

private:
    QNetworkAccessManager m_nam;

    // Runs one call to its result; the caller owns it.
    std::unique_ptr<HttpCall> run(const QByteArray &method, const QNetworkRequest &req,
        const QByteArray &body = {}, int timeoutMs = 10000, int waitMs = 20000)
    {
        auto call = std::make_unique<HttpCall>(&m_nam, method, req, body);
        call->setAutoDelete(false);
        call->setTimeoutMs(timeoutMs);
        QSignalSpy spy(call.get(), &Core::Operation::result);
        call->start();
        [&] {
            QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, waitMs);
        }();
        return call;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The TLS test server's certificate is self-signed.
        connect(&m_nam, &QNetworkAccessManager::sslErrors, this,
            [](QNetworkReply *reply, const QList<QSslError> &) { reply->ignoreSslErrors(); });
    }

    // A 302 (GET) and a 303 (POST) to another port on 127.0.0.1: the request arrives there, but
    // without Authorization or X-API-Key; a same-origin 307 keeps them and re-sends the body.
    void redirectToOtherPortDropsTheKey()
    {
        HostileServer other(
            [](QTcpSocket *s, int, const HostileServer::Request &) { respond(s, Ok); });
        HostileServer origin([&](QTcpSocket *s, int, const HostileServer::Request &r) {
            if (r.path() == "/get")
                respond(s, redirect(302, other.base().toUtf8() + "/landed"));
            else if (r.path() == "/post")
                respond(s, redirect(303, other.base().toUtf8() + "/landed"));
            else if (r.path() == "/same")
                respond(s, redirect(307, "/final"));
            else
                respond(s, Ok);
        });
        {
            const auto call = run("GET", keyed(origin.url(QStringLiteral("/get"))));
            QVERIFY2(!call->failed(), qPrintable(call->errorString()));
            QCOMPARE(call->httpStatus(), 200);
            QCOMPARE(other.count(), 1);
            QCOMPARE(other.request(0).path(), QByteArray("/landed"));
            QVERIFY(!other.request(0).has("Authorization"));
            QVERIFY(!other.request(0).has("X-API-Key"));
            QCOMPARE(other.request(0).header("Accept"), QByteArray("application/json"));
        }
        {
            QNetworkRequest req = keyed(origin.url(QStringLiteral("/post")));
            req.setRawHeader("Content-Type", "application/json");
            const auto call = run("POST", req, R"({"prompt":"secret"})");
            QVERIFY2(!call->failed(), qPrintable(call->errorString()));
            QCOMPARE(other.count(), 2);
            QCOMPARE(other.request(1).method(), QByteArray("GET"));
            QVERIFY(!other.request(1).has("Authorization"));
            QVERIFY(!other.request(1).has("X-API-Key"));
            QVERIFY(other.request(1).body.isEmpty());
        }
        {
            const int before = origin.count();
            const auto call = run("POST", keyed(origin.url(QStringLiteral("/same"))), R"({"a":1})");
            QVERIFY2(!call->failed(), qPrintable(call->errorString()));
            QCOMPARE(origin.count() - before, 2);
            const HostileServer::Request &r = origin.request(origin.count() - 1);
            QCOMPARE(r.path(), QByteArray("/final"));
            QCOMPARE(r.method(), QByteArray("POST"));
            QCOMPARE(r.body, QByteArray(R"({"a":1})"));
            QCOMPARE(r.header("Authorization"), QByteArray("Bearer CANARY-KEY"));
        }
    }

    // A 307 POST to another port: neither the key nor the body goes there; the call fails saying
    // so.
    void redirect307PostToOtherPortRefused()
    {
        HostileServer other(
            [](QTcpSocket *s, int, const HostileServer::Request &) { respond(s, Ok); });
        HostileServer origin([&](QTcpSocket *s, int, const HostileServer::Request &) {
            respond(s, redirect(307, other.base().toUtf8() + "/submit"));
        });
        const auto call
            = run("POST", keyed(origin.url(QStringLiteral("/submit"))), R"({"prompt":"secret"})");
        QVERIFY(call->failed());
        QCOMPARE(call->httpStatus(), 0);
        QCOMPARE(call->networkMessage(),
            QStringLiteral("the server redirected the request to another site (%1/submit); its "
                           "body is not sent there")
                .arg(other.base()));
        for (const HostileServer::Request &r : other.requests()) {
            QVERIFY(!r.has("Authorization"));
            QVERIFY(!r.has("X-API-Key"));
        }
        QCOMPARE(other.count(), 0);
    }

    // https → http is refused before anything is sent to the http side.
    void downgradeRefused()
    {
        HostileServer plain(
            [](QTcpSocket *s, int, const HostileServer::Request &) { respond(s, Ok); });
        HostileServer tls(
            [&](QTcpSocket *s, int, const HostileServer::Request &) {
                respond(s, redirect(302, plain.base().toUtf8() + "/x"));
            },
            HostileServer::Transport::Tls);
        QVERIFY(tls.isListening());
        const auto call = run("GET", keyed(tls.url(QStringLiteral("/status"), "https")));
        QCOMPARE(tls.count(), 1);
        QVERIFY(call->failed());
        QCOMPARE(call->httpStatus(), 0);
        QCOMPARE(call->networkMessage(),
            QStringLiteral(
                "the server redirected from https to plain http (%1/x); not following it")
                .arg(plain.base()));
        QCOMPARE(plain.count(), 0);
    }

    // A redirect to plain http on a remote host is refused like a direct one (no DNS needed: the
    // refusal comes before any connection).
    void redirectToRemotePlainHttpRefused()
    {
        HostileServer origin([](QTcpSocket *s, int, const HostileServer::Request &) {
            respond(s, redirect(302, "http://collector.example/steal"));
        });
        const auto call = run("GET", keyed(origin.url(QStringLiteral("/status"))));
        QVERIFY(call->failed());
        QCOMPARE(call->networkMessage(),
            QStringLiteral("the server redirected to plain http on collector.example, where "
                           "it would travel unencrypted; not following it"));
    }

    // Six redirects in a row: six requests, then the loop message (not "HTTP 302").
    void redirectLoop()
    {
        HostileServer origin([](QTcpSocket *s, int i, const HostileServer::Request &) {
            respond(s, redirect(302, "/loop" + QByteArray::number(i + 1)));
        });
        const auto call = run("GET", keyed(origin.url(QStringLiteral("/loop0"))));
        QVERIFY(call->failed());
        QCOMPARE(call->httpStatus(), 0);
        QCOMPARE(call->networkMessage(), QStringLiteral("the server redirected more than 5 times"));
        QCOMPARE(call->errorString(), call->networkMessage());
        QCOMPARE(origin.count(), 6);
    }

    // A 300 MiB body streamed as fast as the loopback goes — in 256 KiB chunks, as one single
    // chunk, or delimited by the end of the connection: the call fails with the size message at
    // the 32 MiB cap. Over https (every real service) the process's peak memory grows by less than
    // 100 MiB. Over plain http Qt 6.4 reads from an unbuffered socket for as long as the kernel has
    // bytes, whatever the read buffer size, so a server on this machine that writes faster than Qt
    // copies can still make it buffer a whole chunk: there the figure is printed, not asserted.
    void unboundedBodyIsCapped_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<bool>("chunked");
        const QByteArray start
            = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n";
        const QByteArray chunked = start + "Transfer-Encoding: chunked\r\n\r\n";
        const QByteArray oneChunk = chunked + QByteArray::number(300 * MiB, 16) + "\r\n";
        for (const bool tls : { true, false }) {
            const char *scheme = tls ? "https" : "http";
            QTest::addRow("%s chunks", scheme) << tls << chunked << true;
            QTest::addRow("%s one chunk", scheme) << tls << oneChunk << false;
            QTest::addRow("%s until close", scheme) << tls << start + "\r\n" << false;
        }
    }
    void unboundedBodyIsCapped()
    {
        QFETCH(bool, tls);
        QFETCH(QByteArray, head);
        QFETCH(bool, chunked);
        HostileServer origin(
            [&](QTcpSocket *s, int, const HostileServer::Request &) {
                origin.stream(s, head, QByteArray(256 * 1024, 'x'), 300 * MiB, chunked);
            },
            tls ? HostileServer::Transport::Tls : HostileServer::Transport::Plain);
        NetTest::resetPeakRss();
        const qint64 before = NetTest::procStatusBytes("VmRSS:");
        const auto call = run("GET",
            keyed(origin.url(QStringLiteral("/status"), tls ? "https" : "http")), {}, 10000, 60000);
        const qint64 peak = NetTest::procStatusBytes("VmHWM:");
        qInfo("300 MiB body: streamed %lld MiB, RSS before %lld MiB, peak %lld MiB (+%lld MiB)",
            origin.streamed() / MiB, before / MiB, peak / MiB, (peak - before) / MiB);
        QVERIFY(call->failed());
        QCOMPARE(call->httpStatus(), 0);
        QCOMPARE(call->networkMessage(), QStringLiteral("the answer is larger than 32 MiB"));
        QVERIFY(call->body().size() <= 32 * MiB);
        if (tls)
            QVERIFY2(peak - before < 100 * MiB, qPrintable(QString::number((peak - before) / MiB)));
    }

    // A Content-Length above the cap fails at once, before the body is read.
    void announcedLengthIsCapped()
    {
        HostileServer origin([&](QTcpSocket *s, int, const HostileServer::Request &) {
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                     "3221225472\r\n\r\n{");
        });
        QElapsedTimer clock;
        clock.start();
        const auto call = run("GET", keyed(origin.url(QStringLiteral("/status"))), {}, 20000);
        QVERIFY(clock.elapsed() < 5000);
        QCOMPARE(call->networkMessage(), QStringLiteral("the answer is larger than 32 MiB"));
        QVERIFY(call->body().isEmpty());
    }

    // A small cap holds too when the whole body arrives with the end of the reply.
    void capHoldsAtFinish()
    {
        HostileServer origin([](QTcpSocket *s, int, const HostileServer::Request &) {
            respond(s, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + QByteArray(5000, 'y'));
        });
        auto call
            = std::make_unique<HttpCall>(&m_nam, "GET", keyed(origin.url(QStringLiteral("/s"))));
        call->setAutoDelete(false);
        call->setMaxBodyBytes(1000);
        QSignalSpy spy(call.get(), &Core::Operation::result);
        call->start();
        QTRY_COMPARE(spy.size(), 1);
        QCOMPARE(call->networkMessage(), QStringLiteral("the answer is larger than 1000 bytes"));
        QVERIFY(call->body().size() <= 1000);
    }

    // A server that accepts and never answers: the timeout's own sentence.
    void timeoutSaysSo()
    {
        HostileServer origin([](QTcpSocket *, int, const HostileServer::Request &) {});
        const auto call = run("GET", keyed(origin.url(QStringLiteral("/status"))), {}, 500);
        QVERIFY(call->failed());
        QCOMPARE(call->httpStatus(), 0);
        QCOMPARE(call->networkMessage(), QStringLiteral("the server did not answer within 0.5 s"));
        QCOMPARE(call->networkError(), QNetworkReply::OperationCanceledError);
    }

    // The connection reset in the middle of a 200's body: not an answer to parse.
    void resetMidBody()
    {
        HostileServer origin([](QTcpSocket *s, int, const HostileServer::Request &) {
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                     "1000\r\n\r\n{\"status\":\"run");
            s->flush();
            QTimer::singleShot(50, s, [s] {
                const linger now { 1, 0 }; // RST, not FIN
                ::setsockopt(int(s->socketDescriptor()), SOL_SOCKET, SO_LINGER, &now, sizeof now);
                s->abort();
            });
        });
        const auto call = run("GET", keyed(origin.url(QStringLiteral("/status"))));
        QVERIFY(call->failed());
        QCOMPARE(call->httpStatus(), 0);
        QCOMPARE(call->networkMessage(),
            QStringLiteral("the connection was reset before the answer was complete"));
    }

    // Only http(s) is requested at all.
    void nonHttpUrlsRefused_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("file") << "file:///etc/hostname";
        QTest::newRow("data") << "data:application/json,%7B%7D";
        QTest::newRow("qrc") << "qrc:/profiles/defaults.json";
        QTest::newRow("ftp") << "ftp://127.0.0.1/x";
    }
    void nonHttpUrlsRefused()
    {
        QFETCH(QString, url);
        const auto call = run("GET", keyed(QUrl(url)));
        QVERIFY(call->failed());
        QCOMPARE(call->httpStatus(), 0);
        QCOMPARE(call->networkMessage(), QStringLiteral("%1 is not an http(s) URL").arg(url));
        QVERIFY(call->body().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHttpCall)
#include "tst_httpcall.moc"
