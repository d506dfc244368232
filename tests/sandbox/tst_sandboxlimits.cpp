// The jobscope-sandbox process stays bounded against hostile clients: a 400 MB chunked body is
// refused with 413 while the process stays under 100 MB resident, a 1 MB header line gets 431,
// an idle keep-alive connection and a half-sent request are closed within the configured time,
// and a long-lived SSE stream is not taken for an idle connection.
#include "sandboxchild.h"

#include <QTest>

using namespace TestSupport;

class TestSandboxLimits final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("JOBSCOPE_SANDBOX_BIN")).isExecutable(),
            "JOBSCOPE_SANDBOX_BIN is not set");
    }

    // 400 MB sent as a chunked body to a submit route: the sandbox answers 413 with a JSON error
    // and its peak resident memory (VmHWM of the child) stays under 100 MB the whole time.
    void chunkedBodyOverTheCapIsRefused()
    {
        SandboxChild sb;
        QVERIFY(sb.ok());
        const qint64 before = sb.statusKib("VmHWM");
        QTcpSocket s;
        QVERIFY(sb.connect(s));
        s.write("POST /peako/api/render HTTP/1.1\r\nHost: " + sb.hostHeader()
            + "\r\nX-API-Key: " + sb.key("peako")
            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        const QByteArray mib(1024 * 1024, ' ');
        const QByteArray chunk = "100000\r\n" + mib + "\r\n";
        constexpr int TotalMiB = 400;
        int sent = 0;
        qint64 peak = before;
        QByteArray answer;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 60000 && s.state() == QAbstractSocket::ConnectedState
            && (sent < TotalMiB || s.bytesToWrite() > 0)) {
            while (sent < TotalMiB && s.bytesToWrite() < 8 * mib.size()) {
                s.write(chunk);
                ++sent;
            }
            s.waitForBytesWritten(20);
            answer += s.readAll();
            if (sent % 16 == 0)
                peak = std::max(peak, sb.statusKib("VmHWM"));
        }
        if (s.state() == QAbstractSocket::ConnectedState && sent == TotalMiB)
            s.write("0\r\n\r\n");
        answer += readResponse(s, 10000);
        peak = std::max(peak, sb.statusKib("VmHWM"));
        qInfo(
            "sent %d MiB of a chunked body; sandbox VmHWM %lld KiB before, %lld KiB peak; %lld ms",
            sent, before, peak, t.elapsed());
        QVERIFY2(
            peak > 0 && peak < 100 * 1024, qPrintable(QStringLiteral("peak %1 KiB").arg(peak)));
        QCOMPARE(statusOf(answer), 413);
        QVERIFY2(bodyOf(answer)
                     .value(QLatin1String("error"))
                     .toString()
                     .contains(QLatin1String("larger than the sandbox accepts")),
            answer.left(400).constData());
        QCOMPARE(sb.process().state(), QProcess::Running);
    }

    // A body announced by Content-Length over --max-body-bytes is refused at once, before it is
    // sent.
    void announcedBodyOverTheCapIsRefused()
    {
        SandboxChild sb({ QStringLiteral("--max-body-bytes"), QStringLiteral("65536") });
        QVERIFY(sb.ok());
        QTcpSocket s;
        QVERIFY(sb.connect(s));
        s.write("POST /peako/api/render HTTP/1.1\r\nHost: " + sb.hostHeader()
            + "\r\nX-API-Key: " + sb.key("peako")
            + "\r\nContent-Type: application/json\r\nContent-Length: 65537\r\n\r\n{");
        const QByteArray answer = readResponse(s);
        QCOMPARE(statusOf(answer), 413);
        QVERIFY(bodyOf(answer)
                    .value(QLatin1String("error"))
                    .toString()
                    .contains(QLatin1String("65536")));
    }

    // A 1 MB header line, and more header lines than allowed, are refused with 431 and a JSON
    // sentence.
    void oversizedHeadersAreRefused()
    {
        SandboxChild sb;
        QVERIFY(sb.ok());
        {
            QTcpSocket s;
            QVERIFY(sb.connect(s));
            s.write("GET /peako/api/jobs HTTP/1.1\r\nHost: " + sb.hostHeader()
                + "\r\nX-Long: " + QByteArray(1024 * 1024, 'a') + "\r\n\r\n");
            const QByteArray answer = readResponse(s);
            QCOMPARE(statusOf(answer), 431);
            QVERIFY(bodyOf(answer)
                        .value(QLatin1String("error"))
                        .toString()
                        .contains(QLatin1String("header line")));
        }
        {
            QTcpSocket s;
            QVERIFY(sb.connect(s));
            QByteArray many;
            for (int i = 0; i < 500; ++i)
                many += "X-H" + QByteArray::number(i) + ": v\r\n";
            s.write("GET /peako/api/jobs HTTP/1.1\r\nHost: " + sb.hostHeader() + "\r\n" + many
                + "\r\n");
            QCOMPARE(statusOf(readResponse(s)), 431);
        }
        QCOMPARE(sb.process().state(), QProcess::Running);
    }

    // With 1 s timeouts: a connection that never sends, a keep-alive connection after its answer,
    // a request whose head never ends and one whose body stops half-way are all closed in time
    // (the half-sent ones with 408); an SSE stream with nothing to say for longer stays open.
    void idleAndHalfSentConnectionsAreClosed()
    {
        SandboxChild sb({ QStringLiteral("--idle-timeout-ms"), QStringLiteral("1000"),
            QStringLiteral("--request-timeout-ms"), QStringLiteral("1000"),
            QStringLiteral("--keepalive-ms"), QStringLiteral("60000") });
        QVERIFY(sb.ok());
        const auto closedWithin = [](QTcpSocket &s, int ms) {
            QElapsedTimer t;
            t.start();
            QByteArray in;
            while (s.state() == QAbstractSocket::ConnectedState && t.elapsed() < ms) {
                s.waitForReadyRead(50);
                in += s.readAll();
            }
            in += s.readAll();
            return std::make_pair(
                s.state() != QAbstractSocket::ConnectedState ? t.elapsed() : -1, in);
        };

        QTcpSocket silent;
        QVERIFY(sb.connect(silent));
        const auto idle = closedWithin(silent, 4000);
        QVERIFY2(idle.first >= 0, "a silent connection was not closed");

        QTcpSocket keptAlive;
        QVERIFY(sb.connect(keptAlive));
        keptAlive.write("GET /peako/api/jobs HTTP/1.1\r\nHost: " + sb.hostHeader()
            + "\r\nX-API-Key: " + sb.key("peako") + "\r\n\r\n");
        QCOMPARE(statusOf(readResponse(keptAlive)), 200);
        const auto afterAnswer = closedWithin(keptAlive, 4000);
        QVERIFY2(afterAnswer.first >= 0, "an idle keep-alive connection was not closed");

        QTcpSocket halfHead;
        QVERIFY(sb.connect(halfHead));
        halfHead.write("GET /peako/api/jobs HTTP/1.1\r\nHost: " + sb.hostHeader() + "\r\n");
        QElapsedTimer trickle;
        trickle.start();
        QByteArray cut;
        while (halfHead.state() == QAbstractSocket::ConnectedState && !cut.contains("\r\n\r\n")
            && trickle.elapsed() < 4000) {
            halfHead.write("X-Slow: 1\r\n"); // a line now and then does not extend the head's time
            halfHead.waitForReadyRead(200);
            cut += halfHead.readAll();
        }
        const qint64 halfHeadMs = trickle.elapsed();
        QCOMPARE(statusOf(cut), 408);
        QVERIFY2(halfHeadMs < 3000, qPrintable(QString::number(halfHeadMs)));

        QTcpSocket halfBody;
        QVERIFY(sb.connect(halfBody));
        halfBody.write("POST /peako/api/render HTTP/1.1\r\nHost: " + sb.hostHeader()
            + "\r\nX-API-Key: " + sb.key("peako")
            + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"template\":");
        const auto body = closedWithin(halfBody, 4000);
        QVERIFY2(body.first >= 0, "a body that stopped half-way was not cut");
        QCOMPARE(statusOf(body.second), 408);
        qInfo("closed after: silent %lld ms, keep-alive %lld ms, half head %lld ms, half body %lld "
              "ms",
            idle.first, afterAnswer.first, halfHeadMs, body.first);

        // An SSE stream (PeelAPI, a job held queued, keep-alives only every 60 s) outlives the idle
        // time.
        QTcpSocket submit;
        QVERIFY(sb.connect(submit));
        const QByteArray json = R"({"prompt":"fox","sandbox":{"hold":"queued"}})";
        submit.write("POST /peelapi/v1/portrait HTTP/1.1\r\nHost: " + sb.hostHeader()
            + "\r\nAuthorization: Bearer " + sb.key("peelapi")
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(json.size()) + "\r\n\r\n" + json);
        const QString id = bodyOf(readResponse(submit))
                               .value(QLatin1String("data"))
                               .toObject()
                               .value(QLatin1String("id"))
                               .toString();
        QVERIFY(!id.isEmpty());
        QTcpSocket stream;
        QVERIFY(sb.connect(stream));
        stream.write("GET /peelapi/v1/jobs/" + id.toLatin1()
            + "/stream HTTP/1.1\r\nHost: " + sb.hostHeader() + "\r\nAuthorization: Bearer "
            + sb.key("peelapi") + "\r\nAccept: text/event-stream\r\n\r\n");
        const auto streamed = closedWithin(stream, 3000);
        QVERIFY2(streamed.first < 0, "the SSE stream was closed as idle");
        QVERIFY2(streamed.second.startsWith("HTTP/1.1 200"), streamed.second.left(200).constData());
    }
};

QTEST_GUILESS_MAIN(TestSandboxLimits)
#include "tst_sandboxlimits.moc"
