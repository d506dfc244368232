// End-to-end tests of jobscope-cli against a real sandbox: every dialect reaches its true final
// state over every channel it offers (SSE, Pusher, polling, webhooks), with streams cut mid-job
// by the sandbox's control routes; files land with the announced SHA-256; exit codes and
// sse-parse behave as documented; the API key never appears in the output.
#include "testhttp.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace TestSupport;

namespace {

struct CliRun
{
    int exitCode = -1;
    QList<QJsonObject> lines;
    QByteArray out;
    QByteArray err;

    QList<QJsonObject> events(const QString &kind) const
    {
        QList<QJsonObject> r;
        for (const QJsonObject &o : lines) {
            if (o.value(QLatin1String("event")).toString() == kind)
                r.append(o);
        }
        return r;
    }
    QJsonObject end() const
    {
        const auto e = events(QStringLiteral("end"));
        return e.isEmpty() ? QJsonObject() : e.last();
    }
};

} // namespace

class TestCli final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;
    QTemporaryDir m_dir;

    QString history() const { return m_dir.filePath(QStringLiteral("history.jsonl")); }

    QStringList connection(const char *dialect) const
    {
        QStringList a { QStringLiteral("--dialect"), QLatin1String(dialect),
            QStringLiteral("--base-url"), m_sb->base(dialect), QStringLiteral("--api-key-env"),
            QStringLiteral("TEST_KEY_") + QString::fromLatin1(dialect).toUpper() };
        if (QByteArray(dialect) == "deapi") {
            const QJsonObject d = m_sb->dialect("deapi");
            a << QStringLiteral("--ws-url") << d.value(QLatin1String("ws_url")).toString()
              << QStringLiteral("--pusher-key") << d.value(QLatin1String("pusher_key")).toString()
              << QStringLiteral("--client-id") << d.value(QLatin1String("client_id")).toString()
              << QStringLiteral("--auth-url") << d.value(QLatin1String("auth_url")).toString();
        }
        return a;
    }

    // Runs the CLI while the in-process sandbox keeps serving; `during` runs after `afterMs`.
    CliRun run(const QStringList &args, const QByteArray &stdinData = {}, int afterMs = -1,
        std::function<void()> during = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *d : { "peelapi", "imagepipeline", "peel", "peako", "deapi" })
            env.insert(QStringLiteral("TEST_KEY_") + QString::fromLatin1(d).toUpper(),
                QString::fromUtf8(m_sb->key(d)));
        env.insert(QStringLiteral("TEST_WEBHOOK_IP"),
            m_sb->dialect("imagepipeline").value(QLatin1String("webhook_secret")).toString());
        env.insert(QStringLiteral("TEST_WEBHOOK_DEAPI"),
            m_sb->dialect("deapi").value(QLatin1String("webhook_secret")).toString());
        env.insert(QStringLiteral("JOBSCOPE_HISTORY"), history());
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("JOBSCOPE_CLI_BIN"), args);
        if (!stdinData.isEmpty())
            p.write(stdinData);
        p.closeWriteChannel();
        if (during)
            QTimer::singleShot(afterMs, during);
        CliRun r;
        QElapsedTimer t;
        t.start();
        while (p.state() != QProcess::NotRunning && t.elapsed() < 60000) {
            spin(20);
            r.out += p.readAllStandardOutput();
            r.err += p.readAllStandardError();
        }
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished();
        }
        r.out += p.readAllStandardOutput();
        r.err += p.readAllStandardError();
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        for (const QByteArray &line : r.out.split('\n')) {
            if (!line.trimmed().isEmpty())
                r.lines.append(QJsonDocument::fromJson(line).object());
        }
        // The key must never be printed, whatever happened.
        for (const char *d : { "peelapi", "imagepipeline", "peel", "peako", "deapi" }) {
            if (r.out.contains(m_sb->key(d)) || r.err.contains(m_sb->key(d)))
                qFatal("the API key of %s appeared in the CLI's output", d);
        }
        return r;
    }

    static QString jobOf(const CliRun &r)
    {
        return r.lines.isEmpty() ? QString()
                                 : r.lines.first().value(QLatin1String("job")).toString();
    }

    // Every file event names a file whose bytes hash to the announced SHA-256.
    static int checkFiles(const CliRun &r)
    {
        int n = 0;
        for (const QJsonObject &f : r.events(QStringLiteral("file"))) {
            QFile file(f.value(QLatin1String("path")).toString());
            if (!file.open(QIODevice::ReadOnly))
                return -1;
            const QByteArray bytes = file.readAll();
            if (bytes.size() != f.value(QLatin1String("bytes")).toInteger()
                || QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()
                    != f.value(QLatin1String("sha256")).toString().toLatin1())
                return -1;
            ++n;
        }
        return n;
    }

    static QSet<QString> vias(const CliRun &r)
    {
        QSet<QString> s;
        for (const QJsonObject &o : r.lines) {
            if (o.contains(QLatin1String("via")))
                s.insert(o.value(QLatin1String("via")).toString());
        }
        return s;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("JOBSCOPE_CLI_BIN")).isExecutable(),
            "JOBSCOPE_CLI_BIN is not set");
        m_sb = std::make_unique<TestSandbox>();
        m_http.setSandboxToken(m_sb->controlToken());
        QVERIFY(m_sb->ok());
    }

    // PeelAPI over SSE, the stream cut after every 3 events and once more by the control route:
    // the job succeeds, every size of both images is downloaded, no log line is printed twice.
    void peelApiOverSseSurvivesCuts()
    {
        const QString dl = m_dir.filePath(QStringLiteral("peelapi"));
        const QByteArray body = "{\"prompt\":\"cut "
                                "me\",\"num_outputs\":2,\"width\":96,\"height\":96,\"sandbox\":{"
                                "\"duration_ms\":2500,\"drop_after_events\":3}}";
        QString id;
        const CliRun r = run(connection("peelapi")
                + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                    QStringLiteral("v1/portrait"), QStringLiteral("--input"), QStringLiteral("-"),
                    QStringLiteral("--via"), QStringLiteral("sse"), QStringLiteral("--download"),
                    dl },
            body, 1200, [&] {
                const QJsonArray jobs
                    = m_http.get(m_sb->control() + QStringLiteral("/jobs?dialect=peelapi"))
                          .json()
                          .value(QLatin1String("jobs"))
                          .toArray();
                id = jobs.last().toObject().value(QLatin1String("id")).toString();
                m_http.post(
                    m_sb->control() + QStringLiteral("/jobs/") + id + QStringLiteral("/drop"), {});
            });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.end().value(QLatin1String("state")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(r.end().value(QLatin1String("status")).toString(), QStringLiteral("succeeded"));
        QVERIFY(vias(r).contains(QStringLiteral("sse")));
        QCOMPARE(checkFiles(r), 8);
        QStringList logs;
        for (const QJsonObject &l : r.events(QStringLiteral("log")))
            logs.append(l.value(QLatin1String("time")).toString()
                + l.value(QLatin1String("message")).toString());
        QVERIFY(!logs.isEmpty());
        QCOMPARE(QSet<QString>(logs.cbegin(), logs.cend()).size(), logs.size());
        QVERIFY2(r.err.contains("reconnect"), r.err.constData());
        double last = -1;
        for (const QJsonObject &s : r.events(QStringLiteral("status"))) {
            const double p = s.value(QLatin1String("progress")).toDouble(-1);
            QVERIFY(p >= last || p < 0);
            last = std::max(last, p);
        }
    }

    // PeelAPI by polling only, and a failure: exit 1 with the reason code and retryability.
    void peelApiPollingAndFailure()
    {
        CliRun r = run(connection("peelapi")
            + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                QStringLiteral("v1/portrait"), QStringLiteral("--set"),
                QStringLiteral("prompt=poll"), QStringLiteral("--set"), QStringLiteral("width=64"),
                QStringLiteral("--set"), QStringLiteral("height=64"), QStringLiteral("--via"),
                QStringLiteral("poll"), QStringLiteral("--wait") });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.end().value(QLatin1String("state")).toString(), QStringLiteral("succeeded"));
        QVERIFY(!vias(r).contains(QStringLiteral("sse")));
        r = run(connection("peelapi")
            + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                QStringLiteral("v1/portrait"), QStringLiteral("--set"), QStringLiteral("prompt=x"),
                QStringLiteral("--set"),
                QStringLiteral("sandbox={\"fail\":\"no_face_detected\",\"duration_ms\":400}"),
                QStringLiteral("--wait") });
        QCOMPARE(r.exitCode, 1);
        const QJsonObject err = r.end().value(QLatin1String("error")).toObject();
        QCOMPARE(err.value(QLatin1String("code")).toString(), QStringLiteral("no_face_detected"));
        QCOMPARE(err.value(QLatin1String("retryable")).toBool(), false);
        QVERIFY(r.err.contains("failed"));
    }

    // ImagePipeline by polling and by webhook (the loopback inbox verifies the signature): both
    // succeed; the webhook result is written from result_base64.
    void imagePipelinePollAndWebhook()
    {
        CliRun r = run(connection("imagepipeline")
            + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                QStringLiteral("generate/image/v1"), QStringLiteral("--set"),
                QStringLiteral("prompt=fox"), QStringLiteral("--set"), QStringLiteral("width=64"),
                QStringLiteral("--set"), QStringLiteral("height=64"), QStringLiteral("--download"),
                m_dir.filePath(QStringLiteral("ip")) });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.end().value(QLatin1String("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(checkFiles(r), 1);
        QVERIFY(r.events(QStringLiteral("file"))
                    .first()
                    .value(QLatin1String("path"))
                    .toString()
                    .endsWith(QLatin1String(".webp")));
        const QString id = jobOf(r);
        QStringList raw;
        for (const QJsonObject &s : r.events(QStringLiteral("status")))
            raw.append(s.value(QLatin1String("status")).toString());
        QVERIFY2(raw.contains(QStringLiteral("queued")), qPrintable(raw.join(QLatin1Char(','))));

        r = run(connection("imagepipeline")
            + QStringList { QStringLiteral("--webhook-secret-env"),
                QStringLiteral("TEST_WEBHOOK_IP"), QStringLiteral("--json"),
                QStringLiteral("submit"), QStringLiteral("generate/image/v1"),
                QStringLiteral("--set"), QStringLiteral("prompt=hook"), QStringLiteral("--set"),
                QStringLiteral("width=64"), QStringLiteral("--set"), QStringLiteral("height=64"),
                QStringLiteral("--set"), QStringLiteral("sandbox={\"duration_ms\":1200}"),
                QStringLiteral("--via"), QStringLiteral("webhook"), QStringLiteral("--download"),
                m_dir.filePath(QStringLiteral("iphook")) });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(vias(r).contains(QStringLiteral("webhook")), r.out.constData());
        QCOMPARE(checkFiles(r), 1);
        const QJsonArray attempts
            = m_http.get(m_sb->control() + QStringLiteral("/webhooks?job=") + jobOf(r))
                  .json()
                  .value(QLatin1String("attempts"))
                  .toArray();
        QCOMPARE(attempts.size(), 1);
        QCOMPARE(attempts.first().toObject().value(QLatin1String("http_status")).toInt(), 200);
    }

    // A Peel build that asks for input: exit 4 with the prompt; respond; watch to completion; call.
    void peelNeedsInputRespondWatch()
    {
        CliRun r = run(connection("peel")
                + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                    QStringLiteral("v1/apis"), QStringLiteral("--input"), QStringLiteral("-"),
                    QStringLiteral("--wait") },
            "{\"url\":\"https://example.com/jobs\",\"instructions\":\"List jobs with title and "
            "company\",\"sandbox\":{\"needs_input\":true,\"duration_ms\":800}}");
        QCOMPARE(r.exitCode, 4);
        QCOMPARE(r.end().value(QLatin1String("state")).toString(), QStringLiteral("needs_input"));
        QVERIFY(r.end()
                    .value(QLatin1String("user_input_prompt"))
                    .toObject()
                    .contains(QLatin1String("input_schema")));
        const QString id = jobOf(r);
        const QString input = m_dir.filePath(QStringLiteral("respond.json"));
        QFile f(input);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"response\":{\"region\":\"eu\"}}");
        f.close();
        QCOMPARE(run({ QStringLiteral("respond"), id, QStringLiteral("--input"), input }).exitCode,
            0); // connection from the history
        QCOMPARE(run({ QStringLiteral("respond"), id, QStringLiteral("--input"), input }).exitCode,
            1); // 409 now
        r = run({ QStringLiteral("--json"), QStringLiteral("watch"), id });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.end().value(QLatin1String("status")).toString(), QStringLiteral("completed"));
        QFile call(m_dir.filePath(QStringLiteral("call.json")));
        QVERIFY(call.open(QIODevice::WriteOnly));
        call.write("{\"limit\":3}");
        call.close();
        r = run(connection("peel")
            + QStringList { QStringLiteral("call"), id, QStringLiteral("list_jobs"),
                QStringLiteral("--input"), call.fileName() });
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QCOMPARE(r.lines.first()
                     .value(QLatin1String("data"))
                     .toObject()
                     .value(QLatin1String("items"))
                     .toArray()
                     .size(),
            3);
    }

    // Peako: a render downloads a real AVI, a transcription saves its captions, a queued job is
    // cancelled (exit 0) and cancelling it again is refused (exit 1); list reports worker counts.
    void peakoRenderTranscribeCancelList()
    {
        CliRun r = run(connection("peako")
            + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                QStringLiteral("api/render"), QStringLiteral("--set"),
                QStringLiteral("template=promo"), QStringLiteral("--set"),
                QStringLiteral("duration_s=1"), QStringLiteral("--download"),
                m_dir.filePath(QStringLiteral("peako")) });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(checkFiles(r), 1);
        QFile avi(r.events(QStringLiteral("file")).first().value(QLatin1String("path")).toString());
        QVERIFY(avi.open(QIODevice::ReadOnly));
        QVERIFY(avi.read(12).mid(8) == "AVI ");
        r = run(connection("peako")
            + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                QStringLiteral("api/transcribe"), QStringLiteral("--set"),
                QStringLiteral("media_url=https://example.com/a.mp4"), QStringLiteral("--set"),
                QStringLiteral("duration_s=5"), QStringLiteral("--download"),
                m_dir.filePath(QStringLiteral("peako")) });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.end().value(QLatin1String("captions")).toArray().size() >= 3);
        QVERIFY(r.events(QStringLiteral("file"))
                    .first()
                    .value(QLatin1String("path"))
                    .toString()
                    .endsWith(QLatin1String("captions.json")));
        r = run(connection("peako")
            + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                QStringLiteral("api/video/mute"), QStringLiteral("--set"),
                QStringLiteral("video_url=https://example.com/a.mp4"), QStringLiteral("--set"),
                QStringLiteral("sandbox={\"hold\":\"queued\"}") });
        QCOMPARE(r.exitCode, 0);
        const QString queued = jobOf(r);
        r = run({ QStringLiteral("--json"), QStringLiteral("cancel"), queued });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.end().value(QLatin1String("state")).toString(), QStringLiteral("cancelled"));
        QCOMPARE(run({ QStringLiteral("cancel"), queued }).exitCode, 1);
        r = run(
            connection("peako") + QStringList { QStringLiteral("--json"), QStringLiteral("list") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.lines.last()
                    .value(QLatin1String("workers"))
                    .toObject()
                    .contains(QLatin1String("maxWorkers")));
    }

    // deAPI over Pusher with the WebSocket cut mid-job (4200, then a TCP abort): the client
    // reconnects, re-subscribes, reconciles by a status read, and the job ends done with its file.
    void deApiOverPusherSurvivesCuts_data()
    {
        QTest::addColumn<int>("closeCode");
        QTest::newRow("4200 reconnect at once") << 4200;
        QTest::newRow("4100 back off") << 4100;
        QTest::newRow("tcp abort") << 0;
    }
    void deApiOverPusherSurvivesCuts()
    {
        QFETCH(int, closeCode);
        const CliRun r = run(connection("deapi")
                + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                    QStringLiteral("api/v1/client/txt2img"), QStringLiteral("--set"),
                    QStringLiteral("prompt=pusher"), QStringLiteral("--set"),
                    QStringLiteral("width=64"), QStringLiteral("--set"),
                    QStringLiteral("height=64"), QStringLiteral("--set"),
                    QStringLiteral("sandbox={\"duration_ms\":2500}"), QStringLiteral("--via"),
                    QStringLiteral("pusher"), QStringLiteral("--download"),
                    m_dir.filePath(QStringLiteral("deapi")) },
            {}, 900, [&] {
                m_http.post(m_sb->control() + QStringLiteral("/drop"),
                    QJsonObject { { QLatin1String("sse"), false },
                        { QLatin1String("ws_close_code"), closeCode } });
            });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.end().value(QLatin1String("status")).toString(), QStringLiteral("done"));
        QVERIFY(vias(r).contains(QStringLiteral("pusher")));
        QVERIFY(!r.events(QStringLiteral("preview")).isEmpty());
        QCOMPARE(checkFiles(r), 1);
    }

    // deAPI by polling and by webhook; a polled 4 s job costs at most 4 status reads.
    void deApiPollAndWebhook()
    {
        CliRun r = run(connection("deapi")
            + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                QStringLiteral("api/v1/client/txt2img"), QStringLiteral("--set"),
                QStringLiteral("prompt=poll"), QStringLiteral("--set"),
                QStringLiteral("sandbox={\"duration_ms\":4000}"), QStringLiteral("--set"),
                QStringLiteral("width=64"), QStringLiteral("--set"), QStringLiteral("height=64"),
                QStringLiteral("--via"), QStringLiteral("poll"), QStringLiteral("--wait") });
        QCOMPARE(r.exitCode, 0);
        const QString id = jobOf(r);
        const int reads
            = m_http.get(m_sb->control() + QStringLiteral("/requests?path=request-status/") + id)
                  .json()
                  .value(QLatin1String("requests"))
                  .toArray()
                  .size();
        QVERIFY2(reads >= 2 && reads <= 4, qPrintable(QString::number(reads)));
        r = run(connection("deapi")
            + QStringList { QStringLiteral("--webhook-secret-env"),
                QStringLiteral("TEST_WEBHOOK_DEAPI"), QStringLiteral("--json"),
                QStringLiteral("submit"), QStringLiteral("api/v1/client/txt2img"),
                QStringLiteral("--set"), QStringLiteral("prompt=hook"), QStringLiteral("--set"),
                QStringLiteral("width=64"), QStringLiteral("--set"), QStringLiteral("height=64"),
                QStringLiteral("--via"), QStringLiteral("webhook"), QStringLiteral("--wait") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(vias(r).contains(QStringLiteral("webhook")));
    }

    // Exit codes: 2 for usage errors (before any request), 3 for a refused key or no server,
    // 1 for an unknown job; each with one sentence on stderr.
    void exitCodes()
    {
        CliRun r = run({ QStringLiteral("submit") });
        QCOMPARE(r.exitCode, 2);
        r = run(connection("peako")
            + QStringList { QStringLiteral("--via"), QStringLiteral("carrier-pigeon"),
                QStringLiteral("list") });
        QCOMPARE(r.exitCode, 2);
        r = run({ QStringLiteral("--dialect"), QStringLiteral("peako"),
            QStringLiteral("--base-url"), m_sb->base("peako"), QStringLiteral("--api-key-env"),
            QStringLiteral("NOPE_UNSET"), QStringLiteral("list") });
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("NOPE_UNSET"));
        r = run(
            { QStringLiteral("--dialect"), QStringLiteral("peako"), QStringLiteral("--base-url"),
                QStringLiteral("http://example.com/peako"), QStringLiteral("--api-key-env"),
                QStringLiteral("TEST_KEY_PEAKO"), QStringLiteral("list") });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("unencrypted"), r.err.constData());
        r = run({ QStringLiteral("--dialect"), QStringLiteral("peako"),
            QStringLiteral("--base-url"), m_sb->base("peako"), QStringLiteral("--api-key-env"),
            QStringLiteral("TEST_KEY_PEELAPI"), QStringLiteral("list") });
        QCOMPARE(r.exitCode, 3);
        r = run(connection("peako")
            + QStringList { QStringLiteral("status"), QStringLiteral("no-such-job") });
        QCOMPARE(r.exitCode, 1);
        r = run(
            { QStringLiteral("--dialect"), QStringLiteral("peako"), QStringLiteral("--base-url"),
                QStringLiteral("http://127.0.0.1:1/peako"), QStringLiteral("--api-key-env"),
                QStringLiteral("TEST_KEY_PEAKO"), QStringLiteral("list") });
        QCOMPARE(r.exitCode, 3);
        QCOMPARE(r.err.count('\n'), 1);
    }

    // An expired result URL is refreshed by reading the job again: watching a PeelAPI job that
    // finished long ago replays result events whose URLs have expired; the full-size image gets a
    // fresh URL from the status read, the w256/w512/w1024 sizes (only ever named by the stream)
    // cannot, which is said plainly with exit 3. `download` and `status` work from the history
    // alone (ImagePipeline's status route hangs off its endpoint, which only the history knows);
    // `logs` prints a PeelAPI job's log.
    void expiredUrlsHistoryDownloadLogs()
    {
        CliRun r = run(connection("peelapi")
            + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                QStringLiteral("v1/portrait"), QStringLiteral("--set"),
                QStringLiteral("prompt=old"), QStringLiteral("--set"), QStringLiteral("width=64"),
                QStringLiteral("--set"), QStringLiteral("height=64"), QStringLiteral("--set"),
                QStringLiteral("sandbox={\"expire_after_s\":1}"), QStringLiteral("--wait") });
        QCOMPARE(r.exitCode, 0);
        const QString old = jobOf(r);
        spin(1300); // every URL minted so far has expired
        r = run({ QStringLiteral("--json"), QStringLiteral("watch"), old, QStringLiteral("--via"),
            QStringLiteral("sse"), QStringLiteral("--download"),
            m_dir.filePath(QStringLiteral("expired")) });
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("fresh"), r.err.constData());
        QCOMPARE(checkFiles(r), 1);
        QVERIFY(r.events(QStringLiteral("file"))
                    .first()
                    .value(QLatin1String("path"))
                    .toString()
                    .endsWith(QLatin1String("/output_1.png")));

        r = run(connection("imagepipeline")
            + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                QStringLiteral("upscale/image/v1"), QStringLiteral("--set"),
                QStringLiteral("image_url=https://example.com/a.png"), QStringLiteral("--wait") });
        QCOMPARE(r.exitCode, 0);
        const QString id = jobOf(r);
        r = run({ QStringLiteral("--json"), QStringLiteral("download"), id, QStringLiteral("--to"),
            m_dir.filePath(QStringLiteral("history")) });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(checkFiles(r), 1);
        r = run({ QStringLiteral("--json"), QStringLiteral("status"), id });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.end().value(QLatin1String("status")).toString(), QStringLiteral("completed"));

        r = run(connection("peelapi")
            + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                QStringLiteral("v1/portrait"), QStringLiteral("--set"),
                QStringLiteral("prompt=logs"), QStringLiteral("--set"), QStringLiteral("width=64"),
                QStringLiteral("--set"), QStringLiteral("height=64"), QStringLiteral("--wait") });
        QCOMPARE(r.exitCode, 0);
        r = run({ QStringLiteral("--json"), QStringLiteral("logs"), jobOf(r) });
        QCOMPARE(r.exitCode, 0);
        QStringList messages;
        for (const QJsonObject &l : r.events(QStringLiteral("log")))
            messages.append(l.value(QLatin1String("message")).toString());
        QVERIFY2(messages.contains(QStringLiteral("Running model inference")),
            qPrintable(messages.join(QLatin1Char('|'))));
    }

    // A profile file names the connection; a webhook-followed job that stays silent (held running)
    // gets polled alongside after the silence threshold, and still finishes when released.
    void profilesAndSilenceFallback()
    {
        const QString profiles = m_dir.filePath(QStringLiteral("profiles.json"));
        QFile f(profiles);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            QJsonDocument(QJsonObject { { QLatin1String("profiles"),
                              QJsonArray { QJsonObject {
                                  { QLatin1String("name"), QStringLiteral("sandbox-deapi") },
                                  { QLatin1String("dialect"), QStringLiteral("deapi") },
                                  { QLatin1String("base_url"), m_sb->base("deapi") },
                                  { QLatin1String("key_env"), QStringLiteral("TEST_KEY_DEAPI") },
                                  { QLatin1String("webhook_secret_env"),
                                      QStringLiteral("TEST_WEBHOOK_DEAPI") } } } } })
                .toJson());
        f.close();
        qputenv("JOBSCOPE_PROFILES", profiles.toUtf8());
        qputenv("JOBSCOPE_SILENCE_MS", "1500");
        QString id;
        const CliRun r = run(
            { QStringLiteral("--profile"), QStringLiteral("sandbox-deapi"),
                QStringLiteral("--json"), QStringLiteral("submit"),
                QStringLiteral("api/v1/client/txt2img"), QStringLiteral("--set"),
                QStringLiteral("prompt=quiet"), QStringLiteral("--set"), QStringLiteral("width=64"),
                QStringLiteral("--set"), QStringLiteral("height=64"), QStringLiteral("--set"),
                QStringLiteral("sandbox={\"hold\":\"running\"}"), QStringLiteral("--via"),
                QStringLiteral("webhook"), QStringLiteral("--wait") },
            {}, 4000, [&] {
                const QJsonArray jobs
                    = m_http.get(m_sb->control() + QStringLiteral("/jobs?dialect=deapi"))
                          .json()
                          .value(QLatin1String("jobs"))
                          .toArray();
                id = jobs.last().toObject().value(QLatin1String("id")).toString();
                m_sb->act(m_http, id, QStringLiteral("release"));
            });
        qunsetenv("JOBSCOPE_PROFILES");
        qunsetenv("JOBSCOPE_SILENCE_MS");
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("polling alongside webhook"), r.err.constData());
        QCOMPARE(r.end().value(QLatin1String("status")).toString(), QStringLiteral("done"));
        QCOMPARE(
            run({ QStringLiteral("--profile"), QStringLiteral("nope"), QStringLiteral("list") })
                .exitCode,
            2);
    }

    // JSON lines reach a pipe while the job still runs (not held back in a stdio buffer until
    // exit): a held job's first status lines are readable before the CLI ends; then it finishes
    // normally.
    void linesArriveWhileRunning()
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TEST_KEY_PEAKO"), QString::fromUtf8(m_sb->key("peako")));
        env.insert(QStringLiteral("JOBSCOPE_HISTORY"), history());
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("JOBSCOPE_CLI_BIN"),
            connection("peako")
                + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                    QStringLiteral("api/video/blur"), QStringLiteral("--set"),
                    QStringLiteral("video_url=https://example.com/a.mp4"), QStringLiteral("--set"),
                    QStringLiteral("sandbox={\"hold\":\"queued\"}"), QStringLiteral("--wait") });
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT(
            (out += p.readAllStandardOutput(), out.contains("\"event\":\"status\"")), 10000);
        QCOMPARE(p.state(), QProcess::Running); // still waiting for the held job
        const QString id = QJsonDocument::fromJson(out.left(out.indexOf('\n')))
                               .object()
                               .value(QLatin1String("job"))
                               .toString();
        m_sb->act(m_http, id, QStringLiteral("release"));
        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 30000);
        QCOMPARE(p.exitCode(), 0);
    }

    // With a sandbox base URL and no --ws-url / --auth-url, the Pusher connection and its auth go
    // to that host (not the real service's shipped defaults): updates arrive over Pusher.
    void pusherDefaultsFollowTheBaseUrl()
    {
        const QJsonObject d = m_sb->dialect("deapi");
        const CliRun r = run({ QStringLiteral("--dialect"), QStringLiteral("deapi"),
            QStringLiteral("--base-url"), m_sb->base("deapi"), QStringLiteral("--api-key-env"),
            QStringLiteral("TEST_KEY_DEAPI"), QStringLiteral("--pusher-key"),
            d.value(QLatin1String("pusher_key")).toString(), QStringLiteral("--client-id"),
            d.value(QLatin1String("client_id")).toString(), QStringLiteral("--json"),
            QStringLiteral("submit"), QStringLiteral("api/v1/client/txt2img"),
            QStringLiteral("--set"), QStringLiteral("prompt=defaults"), QStringLiteral("--set"),
            QStringLiteral("width=64"), QStringLiteral("--set"), QStringLiteral("height=64"),
            QStringLiteral("--set"), QStringLiteral("sandbox={\"duration_ms\":1500}"),
            QStringLiteral("--via"), QStringLiteral("pusher"), QStringLiteral("--wait") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(vias(r).contains(QStringLiteral("pusher")), r.err.constData());
        QVERIFY2(!r.err.contains("refused"), r.err.constData());
    }

    // sse-parse reads a captured stream (CRLF, comments, a NUL id, a bad retry, an unterminated
    // tail) in 3-byte chunks and prints each event plus what a reconnect would send.
    void sseParse()
    {
        const QByteArray stream = QByteArrayLiteral(
            "retry: 2500\r\n: hi\r\nid: 7\r\nevent: status\r\ndata: {\"a\":1}\r\n\r\nid: "
            "x\0y\nretry: 9z\ndata: two\ndata: lines\n\nid: 9\ndata: cut");
        const CliRun r = run(
            { QStringLiteral("sse-parse"), QStringLiteral("--chunk-size"), QStringLiteral("3") },
            stream);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.lines.size(), 3);
        QCOMPARE(r.lines.at(0).value(QLatin1String("type")).toString(), QStringLiteral("status"));
        QCOMPARE(r.lines.at(0).value(QLatin1String("lastEventId")).toString(), QStringLiteral("7"));
        QCOMPARE(
            r.lines.at(1).value(QLatin1String("data")).toString(), QStringLiteral("two\nlines"));
        QCOMPARE(r.lines.at(1).value(QLatin1String("lastEventId")).toString(), QStringLiteral("7"));
        QCOMPARE(r.lines.at(2).value(QLatin1String("end")).toBool(), true);
        QCOMPARE(r.lines.at(2).value(QLatin1String("lastEventId")).toString(), QStringLiteral("7"));
        QCOMPARE(r.lines.at(2).value(QLatin1String("retry")).toInt(), 2500);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
