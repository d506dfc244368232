// Tests of the jobscope-sandbox executable as scripts use it: the JSON line on stdout, argument
// errors, clean exit on SIGTERM, state kept across a restart with --data, and hostile traffic.
#include "testhttp.h"

#include <QCryptographicHash>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace TestSupport;

class TestSandboxProcess final : public QObject
{
    Q_OBJECT

private:
    TestHttp m_http;

    static QString binary() { return qEnvironmentVariable("JOBSCOPE_SANDBOX_BIN"); }

    // Starts the sandbox and returns its JSON line (empty on failure).
    QJsonObject start(QProcess &p, const QStringList &args)
    {
        p.setProgram(binary());
        p.setArguments(args);
        p.start();
        if (!p.waitForStarted(5000))
            return {};
        QByteArray line;
        QElapsedTimer t;
        t.start();
        while (!line.contains('\n') && t.elapsed() < 10000) {
            p.waitForReadyRead(200);
            line += p.readAllStandardOutput();
        }
        return QJsonDocument::fromJson(line.left(line.indexOf('\n'))).object();
    }
    static bool stop(QProcess &p)
    {
        ::kill(pid_t(p.processId()), SIGTERM);
        return p.waitForFinished(10000) && p.exitStatus() == QProcess::NormalExit
            && p.exitCode() == 0;
    }
    static QString field(const QJsonObject &info, const char *dialect, const char *name)
    {
        return info.value(QLatin1String("dialects"))
            .toObject()
            .value(QLatin1String(dialect))
            .toObject()
            .value(QLatin1String(name))
            .toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(binary()).isExecutable(),
            "JOBSCOPE_SANDBOX_BIN is not set to the built binary");
    }

    // The one stdout line names where it listens, the control token and every dialect's
    // credentials; SIGTERM stops it with exit code 0.
    void printsItsDescriptionAndStopsOnSigterm()
    {
        QProcess p;
        const QJsonObject info = start(p, { QStringLiteral("--port"), QStringLiteral("0") });
        QVERIFY2(!info.isEmpty(), "no JSON line on stdout");
        const QUrl listen(info.value(QLatin1String("listen")).toString());
        QCOMPARE(listen.host(), QStringLiteral("127.0.0.1"));
        QVERIFY(listen.port() > 0);
        for (const char *d : { "peelapi", "imagepipeline", "peel", "peako", "deapi" }) {
            QVERIFY2(field(info, d, "base_url")
                    == listen.toString() + QLatin1Char('/') + QLatin1String(d),
                d);
            QVERIFY2(!field(info, d, "api_key").isEmpty(), d);
        }
        for (const char *f : { "ws_url", "pusher_key", "pusher_secret", "client_id", "auth_url" })
            QVERIFY2(!field(info, "deapi", f).isEmpty(), f);
        QCOMPARE(
            field(info, "deapi", "ws_url"), QStringLiteral("ws://127.0.0.1:%1").arg(listen.port()));
        const QByteArray token = info.value(QLatin1String("control_token")).toString().toLatin1();
        QVERIFY(!token.isEmpty());
        QCOMPARE(m_http
                     .get(info.value(QLatin1String("control_url")).toString(),
                         { { "X-Sandbox-Token", token } })
                     .status,
            200);
        QVERIFY(stop(p));
    }

    // Bad arguments exit with status 2 and one sentence on stderr, before listening.
    void rejectsBadArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("speed") << QStringList { QStringLiteral("--speed"), QStringLiteral("-1") };
        QTest::newRow("port") << QStringList { QStringLiteral("--port"), QStringLiteral("70000") };
        QTest::newRow("listen") << QStringList { QStringLiteral("--listen"),
            QStringLiteral("not-an-ip") };
        QTest::newRow("workers") << QStringList { QStringLiteral("--workers"),
            QStringLiteral("0") };
    }
    void rejectsBadArguments()
    {
        QFETCH(QStringList, args);
        QProcess p;
        p.start(binary(), args);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 2);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.startsWith("jobscope-sandbox: --"), err.constData());
        QVERIFY(p.readAllStandardOutput().isEmpty());
    }

    // With --data, keys, jobs, results and their bytes survive a restart, and a job that was
    // running when the sandbox stopped carries on and finishes afterwards.
    void stateSurvivesRestart()
    {
        QTemporaryDir dir;
        const QStringList args { QStringLiteral("--port"), QStringLiteral("0"),
            QStringLiteral("--data"), dir.path(), QStringLiteral("--speed"), QStringLiteral("10") };
        QProcess p;
        QJsonObject info = start(p, args);
        QVERIFY(!info.isEmpty());
        const QByteArray key = field(info, "peako", "api_key").toUtf8();
        QString base = field(info, "peako", "base_url");
        const Headers auth { { "X-API-Key", key } };
        auto submit = [&](int durationMs) {
            return m_http
                .post(base + QStringLiteral("/api/video/blur"),
                    QJsonObject {
                        { QLatin1String("video_url"), QStringLiteral("https://example.com/a.mp4") },
                        { QLatin1String("duration_s"), 1 },
                        { QLatin1String("sandbox"),
                            QJsonObject { { QLatin1String("duration_ms"), durationMs } } } },
                    auth)
                .json()
                .value(QLatin1String("jobId"))
                .toString();
        };
        const QString done = submit(300);
        QTRY_COMPARE_WITH_TIMEOUT(m_http.get(base + QStringLiteral("/api/jobs/") + done, auth)
                                      .json()
                                      .value(QLatin1String("status"))
                                      .toString(),
            QStringLiteral("done"), 15000);
        const QByteArray bytes
            = m_http
                  .get(m_http.get(base + QStringLiteral("/api/jobs/") + done, auth)
                           .json()
                           .value(QLatin1String("outputUrl"))
                           .toString())
                  .body;
        QVERIFY(bytes.startsWith("RIFF"));
        const QString running = submit(4000);
        QTRY_COMPARE_WITH_TIMEOUT(m_http.get(base + QStringLiteral("/api/jobs/") + running, auth)
                                      .json()
                                      .value(QLatin1String("status"))
                                      .toString(),
            QStringLiteral("active"), 10000);
        QVERIFY(stop(p));

        QProcess again;
        info = start(again, args);
        QVERIFY(!info.isEmpty());
        QCOMPARE(field(info, "peako", "api_key").toUtf8(), key);
        base = field(info, "peako", "base_url"); // a new port
        const QJsonObject restored
            = m_http.get(base + QStringLiteral("/api/jobs/") + done, auth).json();
        QCOMPARE(restored.value(QLatin1String("status")).toString(), QStringLiteral("done"));
        const QByteArray again_bytes
            = m_http.get(restored.value(QLatin1String("outputUrl")).toString()).body;
        QCOMPARE(QCryptographicHash::hash(again_bytes, QCryptographicHash::Sha256),
            QCryptographicHash::hash(bytes, QCryptographicHash::Sha256));
        QTRY_COMPARE_WITH_TIMEOUT(m_http.get(base + QStringLiteral("/api/jobs/") + running, auth)
                                      .json()
                                      .value(QLatin1String("status"))
                                      .toString(),
            QStringLiteral("done"), 15000);
        QVERIFY(stop(again));
    }

    // A body announced larger than the cap is refused with 413 before it is read; random bytes and
    // a request cut in the middle leave the server up for the next client.
    void hostileTraffic()
    {
        QProcess p;
        const QJsonObject info = start(p, { QStringLiteral("--port"), QStringLiteral("0") });
        const QUrl listen(info.value(QLatin1String("listen")).toString());
        {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, quint16(listen.port()));
            QVERIFY(s.waitForConnected(3000));
            s.write("POST /peako/api/render HTTP/1.1\r\nHost: " + listen.authority().toLatin1()
                + "\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{");
            QByteArray answer;
            QTRY_VERIFY_WITH_TIMEOUT((answer += s.readAll(), answer.contains("\r\n\r\n")), 5000);
            QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
        }
        for (int i = 0; i < 20; ++i) {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, quint16(listen.port()));
            QVERIFY(s.waitForConnected(3000));
            QByteArray junk(1 + QRandomGenerator::global()->bounded(4096), Qt::Uninitialized);
            for (char &c : junk)
                c = char(QRandomGenerator::global()->bounded(256));
            if (i % 2)
                junk.prepend(
                    "GET /peelapi/v1/jobs/x HTTP/1.1\r\nHost: a\r\nContent-Length: 99\r\n\r\n");
            s.write(junk);
            s.waitForBytesWritten(1000);
            s.abort();
        }
        const HttpResult r = m_http.get(listen.toString() + QStringLiteral("/nowhere"));
        QCOMPARE(r.status, 404);
        QVERIFY(
            r.json().value(QLatin1String("error")).toString().contains(QLatin1String("/peako")));
        QCOMPARE(p.state(), QProcess::Running);
        QVERIFY(stop(p));
    }
};

QTEST_GUILESS_MAIN(TestSandboxProcess)
#include "tst_sandboxprocess.moc"
