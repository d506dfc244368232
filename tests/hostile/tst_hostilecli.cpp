// The hostile-server suite, CLI side (issue 9): jobscope-cli, as a child process in a fresh home,
// against jobscope-hostile-server misbehaving in each way the issue lists. Every test names its
// item; each asserts the exit code, the one-sentence message, the child's peak RSS (getrusage of
// the child, through /usr/bin/time) and that nothing was written outside the target folder.
// Every probe prints one `PROBE name exit= rss_kb= ms= msg=` line for the closing note's table.
// Item 11 (the sandbox) is tested in tests/sandbox.
#include "cliprobe.h"
#include "hostilecontent.h"
#include "hostileprocess.h"
#include "hostilespec.h"
#include "probechecks.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

using namespace Hostile;
using S = HostileSpec;

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

constexpr qint64 RssBoundKb = 256 * 1024;
constexpr double FloodBytes = 1.5 * 1024 * 1024 * 1024; // each hostile stream stops by itself here

// One entry a line, control characters shown escaped (paths and messages come from a server).
QString joinLines(const QStringList &l)
{
    return ProbeChecks::printable(l.join(QStringLiteral("\n  ")).toUtf8(), 4000)
        .replace(QStringLiteral("\\x0a"), QStringLiteral("\n"));
}

bool matches(const QByteArray &text, const char *pattern)
{
    return QRegularExpression(QLatin1String(pattern), QRegularExpression::CaseInsensitiveOption)
        .match(QString::fromUtf8(text))
        .hasMatch();
}

} // namespace

class TestHostileCli final : public QObject
{
    Q_OBJECT

private:
    QString m_key;

    // New entries under the probe's root since `before`, other than those inside `allowed`
    // folders (the download folder, the history's folder) and the probe's own rss.txt.
    static QStringList writtenOutside(
        const CliProbe &probe, const QStringList &before, const QStringList &allowed)
    {
        QStringList outside;
        for (const QString &e : ProbeChecks::entriesUnder(probe.root())) {
            if (before.contains(e) || e == probe.path(QStringLiteral("rss.txt")))
                continue;
            bool ok = false;
            for (const QString &a : allowed)
                ok = ok || ProbeChecks::isInside(a, e);
            if (!ok)
                outside.append(e);
        }
        return outside;
    }

    // Files (not folders) under `dir`.
    static QStringList filesUnder(const QString &dir)
    {
        QStringList r;
        for (const QString &e : ProbeChecks::entriesUnder(dir)) {
            if (!QFileInfo(e).isDir())
                r.append(e);
        }
        return r;
    }

    // Every file under the root that contains the key.
    QStringList filesWithKey(const CliProbe &probe) const
    {
        QStringList r;
        for (const QString &e : filesUnder(probe.root())) {
            QFile f(e);
            if (f.open(QIODevice::ReadOnly) && f.readAll().contains(m_key.toUtf8()))
                r.append(e);
        }
        return r;
    }

    // Requests the "other" listener received that carried the key, anywhere.
    QStringList keyAtOther(const HostileProcess &server) const
    {
        QStringList r;
        for (const QJsonObject &o : server.requests(QStringLiteral("other"))) {
            const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact);
            if (line.contains(m_key.toUtf8()))
                r.append(o.value(k("method")).toString() + QLatin1Char(' ')
                    + o.value(k("target")).toString());
        }
        return r;
    }

    // The run in one line for a failure message, the key masked (a leak is reported, not
    // repeated in the test log).
    QString describe(const ProbeResult &r) const
    {
        QByteArray err = r.err, out = r.out;
        err.replace(m_key.toUtf8(), "<THE-KEY>");
        out.replace(m_key.toUtf8(), "<THE-KEY>");
        return QStringLiteral("%1: exit=%2 rss_kb=%3 ms=%4 stderr=[%5] stdout=[%6]")
            .arg(r.name, r.timedOut ? QStringLiteral("timeout") : QString::number(r.exitCode))
            .arg(r.rssKb)
            .arg(r.ms)
            .arg(ProbeChecks::printable(err, 400), ProbeChecks::printable(out, 300));
    }

    // One warning a failure (a QVERIFY2 message is cut at about 1000 characters).
    static void reportEach(const QStringList &failures)
    {
        for (const QString &f : failures)
            qWarning("FAILED %s", qPrintable(joinLines({ f })));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("JOBSCOPE_CLI_BIN")).isExecutable(),
            "JOBSCOPE_CLI_BIN is not set");
        QVERIFY2(QFileInfo(qEnvironmentVariable("JOBSCOPE_HOSTILE_SERVER_BIN")).isExecutable(),
            "JOBSCOPE_HOSTILE_SERVER_BIN is not set");
        if (!QFileInfo(QStringLiteral("/usr/bin/time")).isExecutable())
            qWarning("/usr/bin/time is missing (packaging/bootstrap.sh installs it): peak RSS is "
                     "sampled from /proc instead");
        m_key = QStringLiteral("hostile-CANARY-%1")
                    .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
    }

    // --- item 1: a job id from the server never becomes a path unmapped

    void item1_jobIdNeverBecomesAPath_data()
    {
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<QString>("id");
        for (const QString &d : S::dialects())
            QTest::newRow(qPrintable(QStringLiteral("traversal %1").arg(d)))
                << d << QStringLiteral("../../x/autostart");
        QTest::newRow("absolute") << QStringLiteral("peelapi")
                                  << QStringLiteral("{root}/abs/autostart");
        QTest::newRow("dotdot") << QStringLiteral("peelapi") << QStringLiteral("..");
        QTest::newRow("slash") << QStringLiteral("peelapi") << QStringLiteral("a/b");
        QTest::newRow("bidi U+202E") << QStringLiteral(
            "peelapi") << QStringLiteral("invoice") + QChar(0x202e) + QStringLiteral("gpj.exe");
        QTest::newRow("1000 characters")
            << QStringLiteral("peelapi") << QString(1000, QLatin1Char('x'));
        QTest::newRow("control characters")
            << QStringLiteral("peelapi") << QStringLiteral("job\x01\x1b[31m\tred\r\n");
    }

    // Item 1: `submit --download DIR` of a job whose id is a path writes its result as
    // DIR/<one safe segment>/out.png, and nothing else appears anywhere in the fresh home or
    // the temp root (the history's own folder apart).
    void item1_jobIdNeverBecomesAPath()
    {
        QFETCH(QString, dialect);
        QFETCH(QString, id);
        CliProbe probe(
            QStringLiteral("item1 ") + QString::fromLatin1(QTest::currentDataTag()), m_key);
        id.replace(QLatin1String("{root}"), probe.root());
        HostileProcess server(
            S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/files/"), S::file(2048)),
                S::route(QStringLiteral("POST"), QLatin1Char('/') + S::task(dialect),
                    S::submit(dialect, id)),
                S::route(QStringLiteral("GET"), QStringLiteral("/"),
                    S::status(dialect, S::doneWord(dialect),
                        { QStringLiteral("{base}/files/out.png") }, {}, id)) }));
        QVERIFY(server.ok());
        const QStringList before = ProbeChecks::entriesUnder(probe.root());
        probe.start(S::connection(dialect, server.base())
            + QStringList { QStringLiteral("submit"), S::task(dialect), QStringLiteral("--set"),
                QStringLiteral("prompt=hostile"), QStringLiteral("--via"), QStringLiteral("poll"),
                QStringLiteral("--download"), probe.downloadDir() });
        const ProbeResult r = probe.wait(30000);
        CliProbe::print(r, m_key);

        const QStringList outside
            = writtenOutside(probe, before, { probe.downloadDir(), probe.historyDir() });
        QVERIFY2(outside.isEmpty(),
            qPrintable(QStringLiteral("written outside %1:\n  %2")
                           .arg(probe.downloadDir(), joinLines(outside))));
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QStringList files = filesUnder(probe.downloadDir());
        QVERIFY2(files.size() == 1, qPrintable(joinLines(files)));
        const QStringList parts
            = QDir(probe.downloadDir()).relativeFilePath(files.first()).split(QLatin1Char('/'));
        QVERIFY2(parts.size() == 2,
            qPrintable(QStringLiteral("not DIR/<segment>/out.png: ")
                + ProbeChecks::printable(files.first().toUtf8())));
        QCOMPARE(parts.at(1), QStringLiteral("out.png"));
        const QString problem = ProbeChecks::segmentProblem(parts.at(0));
        QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("the job folder %1").arg(problem)));
        QFile f(files.first());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString served = QStringLiteral("/files/out.png");
        QCOMPARE(
            f.readAll(), HostileContent::bytes(served, 0, HostileContent::sizeFor(served, 2048)));
    }

    // --- item 2: credentials never follow a redirect to another origin

    void item2_keyStaysWithItsOrigin_data()
    {
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<QJsonObject>("spec");
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<bool>("plainRemote");
        const QJsonArray success { QStringLiteral("{base}/files/a.png") };
        auto statusRedirect = [&](const QString &d, int code) {
            return S::spec(
                { S::route(QStringLiteral("GET"), S::statusPrefix(d),
                    S::redirect(code,
                        QStringLiteral("{other}") + S::statusPrefix(d) + QStringLiteral("{id}"))) },
                { S::route(QString(), S::statusPrefix(d), S::status(d, S::doneWord(d))) });
        };
        for (const int code : { 302, 307 }) {
            QTest::newRow(qPrintable(QStringLiteral("status %1 peelapi").arg(code)))
                << QStringLiteral("peelapi") << statusRedirect(QStringLiteral("peelapi"), code)
                << QStringList { QStringLiteral("status"), QStringLiteral("J1") } << false;
        }
        QTest::newRow("status 302 imagepipeline")
            << QStringLiteral("imagepipeline")
            << statusRedirect(QStringLiteral("imagepipeline"), 302)
            << QStringList { QStringLiteral("status"), QStringLiteral("J1"),
                   QStringLiteral("--task"), S::task(QStringLiteral("imagepipeline")) }
            << false;
        QTest::newRow("status 307 deapi")
            << QStringLiteral("deapi") << statusRedirect(QStringLiteral("deapi"), 307)
            << QStringList { QStringLiteral("status"), QStringLiteral("J1") } << false;
        QTest::newRow("status 307 peako")
            << QStringLiteral("peako") << statusRedirect(QStringLiteral("peako"), 307)
            << QStringList { QStringLiteral("status"), QStringLiteral("J1") } << false;
        for (const int code : { 307, 302 }) {
            QTest::newRow(qPrintable(QStringLiteral("submit %1 peelapi").arg(code)))
                << QStringLiteral("peelapi")
                << S::spec({ S::route(QStringLiteral("POST"), QStringLiteral("/v1/portrait"),
                               S::redirect(code, QStringLiteral("{other}/v1/portrait"))) },
                       { S::route(QString(), QStringLiteral("/"),
                           S::submit(QStringLiteral("peelapi"), QStringLiteral("J2"))) })
                << QStringList { QStringLiteral("submit"), QStringLiteral("v1/portrait"),
                       QStringLiteral("--set"), QStringLiteral("prompt=redirected") }
                << false;
        }
        QTest::newRow("submit 307 imagepipeline")
            << QStringLiteral("imagepipeline")
            << S::spec({ S::route(QStringLiteral("POST"), QStringLiteral("/generate/image/v1"),
                           S::redirect(307, QStringLiteral("{other}/generate/image/v1"))) },
                   { S::route(QString(), QStringLiteral("/"),
                       S::submit(QStringLiteral("imagepipeline"), QStringLiteral("J2"))) })
            << QStringList { QStringLiteral("submit"), QStringLiteral("generate/image/v1"),
                   QStringLiteral("--set"), QStringLiteral("prompt=redirected") }
            << false;
        QTest::newRow("sse stream 302 peelapi")
            << QStringLiteral("peelapi")
            << S::spec(
                   { S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/J3/stream"),
                         S::redirect(302, QStringLiteral("{other}/v1/jobs/J3/stream")), -1, true),
                       S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                           S::status(
                               QStringLiteral("peelapi"), QStringLiteral("succeeded"), success)) },
                   { S::route(QString(), QStringLiteral("/"), S::sse(S::peelApiSuccessEvents())) })
            << QStringList { QStringLiteral("watch"), QStringLiteral("J3"), QStringLiteral("--via"),
                   QStringLiteral("sse") }
            << false;
        QTest::newRow("sse stream 307 peelapi")
            << QStringLiteral("peelapi")
            << S::spec(
                   { S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/J3/stream"),
                         S::redirect(307, QStringLiteral("{other}/v1/jobs/J3/stream")), -1, true),
                       S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                           S::status(
                               QStringLiteral("peelapi"), QStringLiteral("succeeded"), success)) },
                   { S::route(QString(), QStringLiteral("/"), S::sse(S::peelApiSuccessEvents())) })
            << QStringList { QStringLiteral("watch"), QStringLiteral("J3"), QStringLiteral("--via"),
                   QStringLiteral("sse") }
            << false;
        // The other listener doubles as the HTTP proxy, so a client that connects to the remote
        // name at all is seen there.
        QTest::newRow("status 302 to plain http non-loopback")
            << QStringLiteral("peelapi")
            << S::spec(
                   { S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                       S::redirect(302, QStringLiteral("http://example.invalid/v1/jobs/{id}"))) },
                   { S::route(QString(), QStringLiteral("/v1/jobs/"),
                       S::status(QStringLiteral("peelapi"), QStringLiteral("succeeded"))) })
            << QStringList { QStringLiteral("status"), QStringLiteral("J1") } << true;
    }

    // Item 2: a 302/307 from the service to another port (status, submit with its body, the SSE
    // stream) never carries the key there; a redirect to a non-loopback plain-http name is refused
    // like a direct one (not connected to, even through a proxy).
    void item2_keyStaysWithItsOrigin()
    {
        QFETCH(QString, dialect);
        QFETCH(QJsonObject, spec);
        QFETCH(QStringList, args);
        QFETCH(bool, plainRemote);
        CliProbe probe(
            QStringLiteral("item2 ") + QString::fromLatin1(QTest::currentDataTag()), m_key);
        HostileProcess server(spec);
        QVERIFY(server.ok());
        if (plainRemote) {
            probe.setEnv(QStringLiteral("http_proxy"), server.other());
            probe.setEnv(QStringLiteral("HTTP_PROXY"), server.other());
            probe.setEnv(QStringLiteral("no_proxy"), QStringLiteral("127.0.0.1,localhost"));
        }
        probe.start(S::connection(dialect, server.base()) + args);
        const ProbeResult r = probe.wait(30000);
        CliProbe::print(r, m_key);
        const QStringList leaked = keyAtOther(server);
        QVERIFY2(leaked.isEmpty(),
            qPrintable(QStringLiteral("the key reached the other origin with:\n  %1")
                           .arg(joinLines(leaked))));
        QVERIFY2(!r.timedOut, qPrintable(describe(r)));
        if (plainRemote) {
            QVERIFY2(server.requests(QStringLiteral("other")).isEmpty(),
                "the client connected towards the plain-http remote name");
            QVERIFY2(r.exitCode != 0, qPrintable(describe(r)));
            QVERIFY2(
                matches(r.err, "redirect|refus|unencrypted|plain http"), qPrintable(describe(r)));
        }
    }

    // --- item 3: every read is bounded

    void item3_readsAreBounded_data()
    {
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<QJsonObject>("spec");
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("expectedExit"); // -2: any non-zero
        const QString prefix = QStringLiteral(
            "{\"data\":{\"id\":\"J1\",\"status\":\"processing\",\"progress\":0.1,\"model_id\":\"");
        auto flood = [&](const QString &mode, int chunk) {
            return QJsonObject { { k("kind"), QStringLiteral("flood") }, { k("mode"), mode },
                { k("prefix"), prefix }, { k("limit"), FloodBytes }, { k("chunk"), chunk } };
        };
        const QList<std::tuple<const char *, QString, int>> bodies {
            { "status body 1.5 GiB chunked (64 KiB chunks)", QStringLiteral("chunked"), 65536 },
            { "status body 1.5 GiB in one chunk", QStringLiteral("one_chunk"), 65536 },
            { "status body 1.5 GiB with Content-Length", QStringLiteral("length"), 65536 },
        };
        for (const auto &[name, mode, chunk] : bodies) {
            QTest::newRow(name) << QStringLiteral("peelapi")
                                << S::spec({ S::route(QStringLiteral("GET"),
                                       QStringLiteral("/v1/jobs/"), flood(mode, chunk)) })
                                << QStringList { QStringLiteral("status"), QStringLiteral("J1") }
                                << -2;
        }
        // The stream's first connection is the endless line; the reconnect (if any) tells the
        // job's end, and the status read says succeeded.
        const QList<std::pair<const char *, QString>> lines {
            { "sse data line that never ends",
                QStringLiteral("retry: 1000\n\nevent: log\ndata: ") },
            { "sse line without a field name that never ends", QStringLiteral("retry: 1000\n\n") },
            { "sse comment line that never ends", QStringLiteral("retry: 1000\n\n: ") },
        };
        for (const auto &[name, linePrefix] : lines) {
            const QJsonObject endless { { k("kind"), QStringLiteral("flood") },
                { k("mode"), QStringLiteral("raw") },
                { k("content_type"), QStringLiteral("text/event-stream") },
                { k("prefix"), linePrefix }, { k("limit"), FloodBytes } };
            QTest::newRow(name)
                << QStringLiteral("peelapi")
                << S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/J1/stream"),
                                 endless, 1, true),
                       S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/J1/stream"),
                           S::sse(S::peelApiSuccessEvents()), -1, true),
                       S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                           S::status(QStringLiteral("peelapi"), QStringLiteral("succeeded"),
                               { QStringLiteral("{base}/files/a.png") })) })
                << QStringList { QStringLiteral("watch"), QStringLiteral("J1"),
                       QStringLiteral("--via"), QStringLiteral("sse") }
                << 0;
        }
        QJsonObject pusherStatus = S::status(
            QStringLiteral("deapi"), QString(), { QStringLiteral("{base}/files/a.png") });
        pusherStatus.insert(k("states"),
            QJsonArray { QStringLiteral("processing"), QStringLiteral("processing"),
                QStringLiteral("done") });
        QTest::newRow("pusher frame of 1 GiB")
            << QStringLiteral("deapi")
            << S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/app/"),
                             QJsonObject { { k("kind"), QStringLiteral("ws_flood") },
                                 { k("frame_bytes"), 1024.0 * 1024 * 1024 } },
                             1),
                   S::route(QStringLiteral("GET"), QStringLiteral("/app/"),
                       QJsonObject {
                           { k("kind"), QStringLiteral("ws_quiet") }, { k("established"), true } }),
                   S::route(QStringLiteral("POST"), QStringLiteral("/broadcasting/auth"),
                       S::json(200, QJsonObject { { k("auth"), QStringLiteral("hk:00") } })),
                   S::route(QStringLiteral("GET"), S::statusPrefix(QStringLiteral("deapi")),
                       pusherStatus) })
            << QStringList { QStringLiteral("watch"), QStringLiteral("J1"), QStringLiteral("--via"),
                   QStringLiteral("pusher"), QStringLiteral("--pusher-key"), QStringLiteral("hk"),
                   QStringLiteral("--client-id"), QStringLiteral("7") }
            << 0;
    }

    // Item 3: a chunked 1.5 GiB status body (in 64 KiB chunks, or one chunk announcing it all),
    // an SSE line that never ends and a 1 GiB Pusher frame leave the CLI under 256 MiB peak RSS,
    // in bounded time, with a clear error (or, where the job can still be read, its true end).
    // The Content-Length row is the control that already holds.
    void item3_readsAreBounded()
    {
        QFETCH(QString, dialect);
        QFETCH(QJsonObject, spec);
        QFETCH(QStringList, args);
        QFETCH(int, expectedExit);
        CliProbe probe(
            QStringLiteral("item3 ") + QString::fromLatin1(QTest::currentDataTag()), m_key);
        probe.setEnv(QStringLiteral("JOBSCOPE_SILENCE_MS"), QStringLiteral("2000"));
        HostileProcess server(spec);
        QVERIFY(server.ok());
        QStringList all = S::connection(dialect, server.base());
        if (dialect == QLatin1String("deapi"))
            all << QStringLiteral("--ws-url")
                << QStringLiteral("ws://127.0.0.1:%1").arg(server.port())
                << QStringLiteral("--auth-url")
                << server.base() + QStringLiteral("/broadcasting/auth");
        probe.start(all + args);
        const ProbeResult r = probe.wait(60000);
        CliProbe::print(r, m_key);
        QVERIFY2(r.rssKb > 0 && r.rssKb < RssBoundKb, qPrintable(describe(r)));
        QVERIFY2(!r.timedOut && r.ms < 60000, qPrintable(describe(r)));
        if (expectedExit == -2) {
            QVERIFY2(r.exitCode > 0, qPrintable(describe(r)));
            QVERIFY2(r.errorLines().size() == 1, qPrintable(describe(r)));
            // Too large is not "not JSON": the message says what happened.
            QVERIFY2(!r.err.contains("not JSON"), qPrintable(describe(r)));
        } else {
            QVERIFY2(r.exitCode == expectedExit, qPrintable(describe(r)));
        }
    }

    // --- item 4: every wait ends

    // Item 4: when the status read says succeeded but the SSE stream stays quiet, sends only
    // keep-alives or garbage, `watch` and `submit --wait` settle and exit 0 within 60 s; polling a
    // status that is never readable gives up (exit 3) with the last error; `--timeout S` ends a
    // wait on a job that never finishes with a non-zero exit and a message. The probes run side by
    // side, so the test takes as long as the slowest.
    void item4_everyWaitEnds()
    {
        struct Probe
        {
            std::unique_ptr<HostileProcess> server;
            std::unique_ptr<CliProbe> cli;
            int boundMs;
            int expectedExit; // -2: non-zero
        };
        std::vector<Probe> probes;
        auto peelApiServer = [](const QString &then, const QString &finalState) {
            return std::make_unique<HostileProcess>(
                S::spec({ S::route(QStringLiteral("POST"), QStringLiteral("/v1/portrait"),
                              S::submit(QStringLiteral("peelapi"), QStringLiteral("J1"))),
                    S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/J1/stream"),
                        S::sse(
                            { S::sseEvent(1, QStringLiteral("status"),
                                QJsonObject { { k("status"), QStringLiteral("processing") },
                                    { k("progress"), 0.5 }, { k("output"), QJsonValue::Null } }) },
                            then, 500),
                        -1, true),
                    S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                        S::status(QStringLiteral("peelapi"), finalState,
                            { QStringLiteral("{base}/files/a.png") })) }));
        };
        auto add = [&](const QString &name, std::unique_ptr<HostileProcess> server,
                       const QStringList &args, int boundMs, int expectedExit,
                       const QString &dialect = QStringLiteral("peelapi")) {
            Probe p { std::move(server),
                std::make_unique<CliProbe>(QStringLiteral("item4 ") + name, m_key), boundMs,
                expectedExit };
            p.cli->setEnv(QStringLiteral("JOBSCOPE_SILENCE_MS"), QStringLiteral("2000"));
            if (p.server->ok())
                p.cli->start(S::connection(dialect, p.server->base()) + args);
            probes.push_back(std::move(p));
        };
        for (const QString &then :
            { QStringLiteral("quiet"), QStringLiteral("keepalive"), QStringLiteral("garbage") }) {
            add(QStringLiteral("watch, stream %1").arg(then),
                peelApiServer(then, QStringLiteral("succeeded")),
                { QStringLiteral("watch"), QStringLiteral("J1") }, 60000, 0);
            add(QStringLiteral("submit --wait, stream %1").arg(then),
                peelApiServer(then, QStringLiteral("succeeded")),
                { QStringLiteral("submit"), QStringLiteral("v1/portrait"), QStringLiteral("--set"),
                    QStringLiteral("prompt=x"), QStringLiteral("--wait") },
                60000, 0);
        }
        add(QStringLiteral("watch --timeout 5, job never ends"),
            peelApiServer(QStringLiteral("keepalive"), QStringLiteral("processing")),
            { QStringLiteral("watch"), QStringLiteral("J1"), QStringLiteral("--timeout"),
                QStringLiteral("5") },
            20000, -2);
        add(QStringLiteral("submit --wait --timeout 5, job never ends"),
            peelApiServer(QStringLiteral("keepalive"), QStringLiteral("processing")),
            { QStringLiteral("submit"), QStringLiteral("v1/portrait"), QStringLiteral("--set"),
                QStringLiteral("prompt=x"), QStringLiteral("--wait"), QStringLiteral("--timeout"),
                QStringLiteral("5") },
            20000, -2);
        QJsonObject unreadable
            = S::json(200, QStringLiteral("<html><body>busy, try later</body></html>"));
        unreadable.insert(
            k("headers"), QJsonObject { { k("Content-Type"), QStringLiteral("text/html") } });
        add(QStringLiteral("poll, status never readable"),
            std::make_unique<HostileProcess>(S::spec({ S::route(QStringLiteral("GET"),
                S::statusPrefix(QStringLiteral("imagepipeline")), unreadable) })),
            { QStringLiteral("watch"), QStringLiteral("J1"), QStringLiteral("--task"),
                S::task(QStringLiteral("imagepipeline")), QStringLiteral("--via"),
                QStringLiteral("poll") },
            90000, 3, QStringLiteral("imagepipeline"));

        QList<CliProbe *> clis;
        for (const Probe &p : probes) {
            QVERIFY(p.server->ok());
            clis.append(p.cli.get());
        }
        CliProbe::waitAll(clis, 90000);
        QStringList failures;
        for (const Probe &p : probes) {
            const ProbeResult r = p.cli->result();
            CliProbe::print(r, m_key);
            const bool inTime = !r.timedOut && r.ms < p.boundMs;
            const bool exitOk
                = p.expectedExit == -2 ? r.exitCode > 0 : r.exitCode == p.expectedExit;
            const bool said = p.expectedExit == 0 || !r.errorLines().isEmpty();
            if (!inTime || !exitOk || !said)
                failures.append(QStringLiteral("%1 (bound %2 ms, expected exit %3)")
                                    .arg(describe(r))
                                    .arg(p.boundMs)
                                    .arg(p.expectedExit == -2 ? QStringLiteral("!= 0")
                                                              : QString::number(p.expectedExit)));
        }
        reportEach(failures);
        QVERIFY2(failures.isEmpty(),
            qPrintable(
                QStringLiteral("%1 of %2 waits did not end as they should (see the warnings)")
                    .arg(failures.size())
                    .arg(probes.size())));
    }

    // --- item 5: nothing a server sends can drive the terminal

    void item5_noTerminalInjection_data()
    {
        QTest::addColumn<QJsonObject>("spec");
        QTest::addColumn<QStringList>("args");
        const QString fakeEnd = QStringLiteral("\x1b[2K\rJ1  end: succeeded\x1b]0;pwned\x07");
        QTest::newRow("status word")
            << S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                   S::status(QStringLiteral("peelapi"),
                       QStringLiteral("\x1b]0;pwned\x07\x1b[2K\rend: succeeded"))) })
            << QStringList { QStringLiteral("status"), QStringLiteral("J1") };
        QTest::newRow("status word, C1 CSI") << S::spec(
            { S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                S::status(QStringLiteral("peelapi"),
                    QChar(0x9b) + QStringLiteral("2K") + QChar(0x9b) + QStringLiteral("31mred"))) })
                                             << QStringList { QStringLiteral("status"),
                                                    QStringLiteral("J1") };
        QTest::newRow("error message")
            << S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                   S::status(QStringLiteral("peelapi"), QStringLiteral("failed"), {}, fakeEnd)) })
            << QStringList { QStringLiteral("status"), QStringLiteral("J1") };
        QTest::newRow("request error message") << S::spec({ S::route(QStringLiteral("GET"),
            QStringLiteral("/v1/jobs/"),
            S::json(422,
                QJsonObject { { k("data"), QJsonValue::Null },
                    { k("errors"),
                        QJsonArray { QJsonObject { { k("code"), QStringLiteral("invalid_request") },
                            { k("message"), fakeEnd } } } } })) })
                                               << QStringList { QStringLiteral("status"),
                                                      QStringLiteral("J1") };
        QTest::newRow("job id") << S::spec(
            { S::route(QStringLiteral("POST"), QStringLiteral("/v1/portrait"),
                  S::submit(QStringLiteral("peelapi"),
                      QStringLiteral("J\x1b]0;pwned\x07\x1b[2K\rJ1  end: succeeded"))),
                S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                    S::status(QStringLiteral("peelapi"), QStringLiteral("queued"))) })
                                << QStringList { QStringLiteral("submit"),
                                       QStringLiteral("v1/portrait"), QStringLiteral("--set"),
                                       QStringLiteral("prompt=x") };
        QTest::newRow("log line over sse") << S::spec(
            { S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/J1/stream"),
                  S::sse(S::concat(
                      QJsonArray { S::sseEvent(1, QStringLiteral("log"),
                          QJsonObject { { k("level"), QStringLiteral("info") },
                              { k("message"), fakeEnd },
                              { k("created_at"), QStringLiteral("2024-01-01T00:00:00Z") } }) },
                      S::peelApiSuccessEvents(2))),
                  -1, true),
                S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                    S::status(QStringLiteral("peelapi"), QStringLiteral("succeeded"),
                        { QStringLiteral("{base}/files/a.png") })) })
                                           << QStringList { QStringLiteral("watch"),
                                                  QStringLiteral("J1"), QStringLiteral("--via"),
                                                  QStringLiteral("sse") };
    }

    // Item 5: ESC/OSC sequences (and an 8-bit CSI) in a status word, an error message, a job id
    // or a log line never reach the terminal raw: the CLI's human output (stdout and stderr)
    // holds no C0 control but \n and \t, no DEL, no C1 control.
    void item5_noTerminalInjection()
    {
        QFETCH(QJsonObject, spec);
        QFETCH(QStringList, args);
        CliProbe probe(
            QStringLiteral("item5 ") + QString::fromLatin1(QTest::currentDataTag()), m_key);
        HostileProcess server(spec);
        QVERIFY(server.ok());
        probe.start(S::connection(QStringLiteral("peelapi"), server.base()) + args);
        const ProbeResult r = probe.wait(30000);
        CliProbe::print(r, m_key);
        QVERIFY2(!r.timedOut, qPrintable(describe(r)));
        QVERIFY2(!r.all().isEmpty(), "the CLI printed nothing at all");
        const QString out = ProbeChecks::controlCharacter(r.out);
        const QString err = ProbeChecks::controlCharacter(r.err);
        QVERIFY2(out.isEmpty(),
            qPrintable(
                QStringLiteral("raw control character on stdout: %1; %2").arg(out, describe(r))));
        QVERIFY2(err.isEmpty(),
            qPrintable(
                QStringLiteral("raw control character on stderr: %1; %2").arg(err, describe(r))));
    }

    // --- item 6: a key the server echoes is never shown or stored

    void item6_echoedKeyNeverShown_data()
    {
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<QJsonObject>("spec");
        QTest::addColumn<QStringList>("args");
        const QJsonObject peelEcho { { k("kind"), QStringLiteral("echo") }, { k("status"), 401 },
            { k("body"),
                QJsonObject { { k("data"), QJsonValue::Null },
                    { k("errors"),
                        QJsonArray { QJsonObject { { k("code"), QStringLiteral("unauthorized") },
                            { k("message"), QStringLiteral("bad key {auth}") } } } } } } };
        for (const bool json : { false, true }) {
            const QStringList mode
                = json ? QStringList { QStringLiteral("--json") } : QStringList();
            const QString suffix = json ? QStringLiteral(" --json") : QString();
            QTest::newRow(qPrintable(QStringLiteral("status 401%1").arg(suffix)))
                << QStringLiteral("peelapi")
                << S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/"), peelEcho) })
                << mode + QStringList { QStringLiteral("status"), QStringLiteral("J1") };
            QTest::newRow(qPrintable(QStringLiteral("submit 401%1").arg(suffix)))
                << QStringLiteral("peelapi")
                << S::spec({ S::route(QStringLiteral("POST"), QStringLiteral("/"), peelEcho) })
                << mode
                    + QStringList { QStringLiteral("submit"), QStringLiteral("v1/portrait"),
                          QStringLiteral("--set"), QStringLiteral("prompt=x") };
            QTest::newRow(qPrintable(QStringLiteral("job failure message%1").arg(suffix)))
                << QStringLiteral("peelapi")
                << S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                       S::status(QStringLiteral("peelapi"), QStringLiteral("failed"), {},
                           QStringLiteral("upstream refused: bad key {auth}"))) })
                << mode
                    + QStringList { QStringLiteral("watch"), QStringLiteral("J1"),
                          QStringLiteral("--via"), QStringLiteral("poll") };
            QTest::newRow(qPrintable(QStringLiteral("log line over sse%1").arg(suffix)))
                << QStringLiteral("peelapi")
                << S::spec(
                       { S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/J1/stream"),
                             S::sse(S::concat(
                                 QJsonArray { S::sseEvent(1, QStringLiteral("log"),
                                     QJsonObject { { k("level"), QStringLiteral("warn") },
                                         { k("message"), QStringLiteral("retrying with {auth}") },
                                         { k("created_at"),
                                             QStringLiteral("2024-01-01T00:00:00Z") } }) },
                                 S::peelApiSuccessEvents(2))),
                             -1, true),
                           S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                               S::status(QStringLiteral("peelapi"), QStringLiteral("succeeded"),
                                   { QStringLiteral("{base}/files/a.png") })) })
                << mode
                    + QStringList { QStringLiteral("watch"), QStringLiteral("J1"),
                          QStringLiteral("--via"), QStringLiteral("sse") };
        }
        QTest::newRow("imagepipeline status 401")
            << QStringLiteral("imagepipeline")
            << S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/"),
                   QJsonObject { { k("kind"), QStringLiteral("echo") }, { k("status"), 401 },
                       { k("body"),
                           QJsonObject { { k("error"), QStringLiteral("bad key {auth}") },
                               { k("failure_reason_code"), QStringLiteral("UNAUTHORIZED") },
                               { k("retryable"), false } } } }) })
            << QStringList { QStringLiteral("status"), QStringLiteral("J1"),
                   QStringLiteral("--task"), S::task(QStringLiteral("imagepipeline")) };
    }

    // Item 6: a server that echoes the key ("bad key Bearer <key>") in an error body, a job's
    // failure message or a log line: the key appears nowhere in stdout or stderr (human and
    // --json), nor in any file the CLI wrote under its home.
    void item6_echoedKeyNeverShown()
    {
        QFETCH(QString, dialect);
        QFETCH(QJsonObject, spec);
        QFETCH(QStringList, args);
        CliProbe probe(
            QStringLiteral("item6 ") + QString::fromLatin1(QTest::currentDataTag()), m_key);
        HostileProcess server(spec);
        QVERIFY(server.ok());
        probe.start(S::connection(dialect, server.base()) + args);
        const ProbeResult r = probe.wait(30000);
        CliProbe::print(r, m_key);
        QVERIFY2(!r.timedOut, qPrintable(describe(r)));
        // The server did echo it (the probe is not vacuous).
        bool echoed = false;
        for (const QJsonObject &o : server.requests(QStringLiteral("main")))
            echoed = echoed || QJsonDocument(o).toJson().contains(m_key.toUtf8());
        QVERIFY2(echoed, "the client never sent the key, so nothing could be echoed");
        QVERIFY2(!r.out.contains(m_key.toUtf8()),
            qPrintable(QStringLiteral("the key is on stdout: ") + describe(r)));
        QVERIFY2(!r.err.contains(m_key.toUtf8()),
            qPrintable(QStringLiteral("the key is on stderr: ") + describe(r)));
        const QStringList files = filesWithKey(probe);
        QVERIFY2(
            files.isEmpty(), qPrintable(QStringLiteral("the key is in:\n  ") + joinLines(files)));
    }

    // --- item 7: two services returning the same job id stay two jobs

    // Item 7: PeelAPI at two base URLs both answer job id "same-1"; after submitting to each
    // (different tasks and inputs), `list` of each base URL still shows its own job with its own
    // task, and `resume` re-attaches to both, each read from its own server.
    void item7_sameIdFromTwoServicesStaysTwoJobs()
    {
        auto serverFor = [](const QString &task) {
            return std::make_unique<HostileProcess>(
                S::spec({ S::route(QStringLiteral("POST"), QLatin1Char('/') + task,
                              S::submit(QStringLiteral("peelapi"), QStringLiteral("same-1"))),
                    S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                        S::status(QStringLiteral("peelapi"), QStringLiteral("succeeded"))) }));
        };
        const auto a = serverFor(QStringLiteral("v1/portrait"));
        const auto b = serverFor(QStringLiteral("v1/headshot"));
        QVERIFY(a->ok() && b->ok());
        CliProbe probe(QStringLiteral("item7 submit A"), m_key);
        probe.start(S::connection(QStringLiteral("peelapi"), a->base())
            + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                QStringLiteral("v1/portrait"), QStringLiteral("--set"),
                QStringLiteral("prompt=first"), QStringLiteral("--via"), QStringLiteral("poll") });
        ProbeResult r = probe.wait(20000);
        CliProbe::print(r, m_key);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        probe.setName(QStringLiteral("item7 submit B"));
        probe.start(S::connection(QStringLiteral("peelapi"), b->base())
            + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                QStringLiteral("v1/headshot"), QStringLiteral("--set"),
                QStringLiteral("prompt=second"), QStringLiteral("--via"), QStringLiteral("poll") });
        r = probe.wait(20000);
        CliProbe::print(r, m_key);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));

        QStringList problems;
        for (const auto &[server, task] : { std::pair { a.get(), QStringLiteral("v1/portrait") },
                 std::pair { b.get(), QStringLiteral("v1/headshot") } }) {
            probe.setName(QStringLiteral("item7 list ") + task);
            probe.start(S::connection(QStringLiteral("peelapi"), server->base())
                + QStringList { QStringLiteral("--json"), QStringLiteral("list") });
            r = probe.wait(20000);
            CliProbe::print(r, m_key);
            bool found = false;
            for (const QByteArray &line : ProbeChecks::lines(r.out)) {
                const QJsonObject o = QJsonDocument::fromJson(line).object();
                found = found
                    || (o.value(k("job")).toString() == QLatin1String("same-1")
                        && o.value(k("task")).toString() == task);
            }
            if (!found)
                problems.append(QStringLiteral("`list` of %1 lost its job same-1 (%2): %3")
                                    .arg(server->base(), task, describe(r)));
        }

        const qsizetype aBefore = a->requests(QStringLiteral("main")).size();
        const qsizetype bBefore = b->requests(QStringLiteral("main")).size();
        probe.setName(QStringLiteral("item7 resume"));
        probe.start({ QStringLiteral("--json"), QStringLiteral("resume"),
            QStringLiteral("--timeout"), QStringLiteral("30") });
        r = probe.wait(40000);
        CliProbe::print(r, m_key);
        int resumed = -1;
        int ends = 0;
        for (const QByteArray &line : ProbeChecks::lines(r.out)) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.value(k("event")).toString() == QLatin1String("resume"))
                resumed = o.value(k("jobs")).toInt();
            if (o.value(k("event")).toString() == QLatin1String("end"))
                ++ends;
        }
        if (resumed != 2 || ends != 2 || r.exitCode != 0)
            problems.append(QStringLiteral("`resume` re-attached to %1 job(s), %2 end(s): %3")
                                .arg(resumed)
                                .arg(ends)
                                .arg(describe(r)));
        if (a->requests(QStringLiteral("main")).size() == aBefore
            || b->requests(QStringLiteral("main")).size() == bBefore)
            problems.append(QStringLiteral("`resume` did not read each job from its own server (A "
                                           "%1 → %2 requests, B %3 → %4)")
                                .arg(aBefore)
                                .arg(a->requests(QStringLiteral("main")).size())
                                .arg(bBefore)
                                .arg(b->requests(QStringLiteral("main")).size()));
        reportEach(problems);
        QVERIFY2(problems.isEmpty(), qPrintable(joinLines(problems)));
    }

    // --- item 8: only http(s) result URLs are downloaded

    void item8_onlyHttpResultUrls_data()
    {
        QTest::addColumn<QJsonArray>("outputs");
        QTest::addColumn<bool>("withGood");
        QTest::newRow("file:///etc/passwd")
            << QJsonArray { QStringLiteral("file:///etc/passwd") } << false;
        QTest::newRow("data:") << QJsonArray {
            QStringLiteral("data:text/plain;base64,aGVsbG8gd29ybGQ=")
        } << false;
        QTest::newRow("qrc:") << QJsonArray { QStringLiteral("qrc:/jobscope/profiles.json") }
                              << false;
        QTest::newRow("mixed with one https-able") << QJsonArray {
            QStringLiteral("file:///etc/passwd"), QStringLiteral("data:text/plain;base64,aGVsbG8="),
            QStringLiteral("qrc:/jobscope/profiles.json"), QStringLiteral("{base}/files/good.png")
        } << true;
    }

    // Item 8: result URLs with file:, data: or qrc: are an error on that output (exit non-zero),
    // never a file — no 0-byte file, no copy of /etc/passwd; an http output beside them still
    // arrives whole.
    void item8_onlyHttpResultUrls()
    {
        QFETCH(QJsonArray, outputs);
        QFETCH(bool, withGood);
        CliProbe probe(
            QStringLiteral("item8 ") + QString::fromLatin1(QTest::currentDataTag()), m_key);
        HostileProcess server(
            S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/files/"), S::file(4096)),
                S::route(QStringLiteral("POST"), QStringLiteral("/v1/portrait"),
                    S::submit(QStringLiteral("peelapi"), QStringLiteral("J8"))),
                S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                    S::status(QStringLiteral("peelapi"), QStringLiteral("succeeded"), outputs)) }));
        QVERIFY(server.ok());
        const QStringList before = ProbeChecks::entriesUnder(probe.root());
        probe.start(S::connection(QStringLiteral("peelapi"), server.base())
            + QStringList { QStringLiteral("submit"), QStringLiteral("v1/portrait"),
                QStringLiteral("--set"), QStringLiteral("prompt=x"), QStringLiteral("--via"),
                QStringLiteral("poll"), QStringLiteral("--download"), probe.downloadDir() });
        const ProbeResult r = probe.wait(30000);
        CliProbe::print(r, m_key);
        QVERIFY2(!r.timedOut, qPrintable(describe(r)));
        const QStringList outside
            = writtenOutside(probe, before, { probe.downloadDir(), probe.historyDir() });
        QVERIFY2(outside.isEmpty(), qPrintable(joinLines(outside)));
        QStringList wrong;
        for (const QString &f : filesUnder(probe.downloadDir())) {
            if (!(withGood && QFileInfo(f).fileName() == QLatin1String("good.png"))
                || QFileInfo(f).size() == 0)
                wrong.append(QStringLiteral("%1 (%2 bytes)").arg(f).arg(QFileInfo(f).size()));
        }
        QVERIFY2(wrong.isEmpty(),
            qPrintable(QStringLiteral("files from non-http URLs:\n  ") + joinLines(wrong)));
        QVERIFY2(r.exitCode > 0, qPrintable(describe(r)));
        QVERIFY2(!r.errorLines().isEmpty(), qPrintable(describe(r)));
        if (withGood) {
            const QStringList good = filesUnder(probe.downloadDir());
            QCOMPARE(good.size(), 1);
            QFile f(good.first());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QString served = QStringLiteral("/files/good.png");
            QCOMPARE(f.readAll(),
                HostileContent::bytes(served, 0, HostileContent::sizeFor(served, 4096)));
        }
    }

    // --- item 9: messages say what happened

    // Item 9: `download ID` of a job not in the history, a server that never answers, a reset
    // mid-answer, a redirect loop, an ftp:/file: base URL and an unknown status word each give
    // exactly one line of error that says what happened — not "FOREIGN KEY constraint failed",
    // "Operation canceled", "not JSON", "HTTP 302", "Refusing plain ws to :" or "status":"".
    // Side by side: the test takes as long as the timeout probe (the 30 s transfer timeout).
    void item9_messagesSayWhatHappened()
    {
        struct Probe
        {
            std::unique_ptr<HostileProcess> server;
            std::unique_ptr<CliProbe> cli;
            QList<const char *> forbidden; // texts that must not appear (stdout or stderr)
            const char *required; // a pattern the error line must match (or nullptr)
            int expectedExit; // -2: non-zero
        };
        std::vector<Probe> probes;
        auto add = [&](const QString &name, const QJsonObject &spec,
                       const std::function<QStringList(const QString &base, CliProbe *)> &args,
                       QList<const char *> forbidden, const char *required, int expectedExit) {
            Probe p { std::make_unique<HostileProcess>(spec),
                std::make_unique<CliProbe>(QStringLiteral("item9 ") + name, m_key), forbidden,
                required, expectedExit };
            if (p.server->ok())
                p.cli->start(args(p.server->base(), p.cli.get()));
            probes.push_back(std::move(p));
        };
        const QJsonObject done3 = S::spec({ S::route(QStringLiteral("GET"),
                                                QStringLiteral("/files/"), S::file(2048)),
            S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                S::status(QStringLiteral("peelapi"), QStringLiteral("succeeded"),
                    { QStringLiteral("{base}/files/1.png"), QStringLiteral("{base}/files/2.png"),
                        QStringLiteral("{base}/files/3.png") })) });
        add(
            QStringLiteral("download of a job not in the history, no connection options"), done3,
            [](const QString &, CliProbe *p) {
                return QStringList { QStringLiteral("download"), QStringLiteral("J9"),
                    QStringLiteral("--to"), p->downloadDir() };
            },
            { "FOREIGN KEY", "constraint" }, nullptr, -2);
        add(
            QStringLiteral("server never answers"),
            S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/"),
                QJsonObject { { k("kind"), QStringLiteral("hang") } }) }),
            [](const QString &base, CliProbe *) {
                return S::connection(QStringLiteral("peelapi"), base)
                    + QStringList { QStringLiteral("status"), QStringLiteral("J1") };
            },
            { "Operation canceled" }, "timed out|did not answer", 3);
        add(
            QStringLiteral("reset mid-answer"),
            S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/"),
                QJsonObject { { k("kind"), QStringLiteral("reset") },
                    { k("partial"),
                        QStringLiteral(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                            "400\r\n\r\n{\"data\":{\"id\":") },
                    { k("delay_ms"), 100 } }) }),
            [](const QString &base, CliProbe *) {
                return S::connection(QStringLiteral("peelapi"), base)
                    + QStringList { QStringLiteral("status"), QStringLiteral("J1") };
            },
            { "not JSON" }, "reset", 3);
        add(
            QStringLiteral("reset before answering"),
            S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/"),
                QJsonObject { { k("kind"), QStringLiteral("reset") }, { k("delay_ms"), 100 } }) }),
            [](const QString &base, CliProbe *) {
                return S::connection(QStringLiteral("peelapi"), base)
                    + QStringList { QStringLiteral("status"), QStringLiteral("J1") };
            },
            { "not JSON", "Operation canceled" }, "reset|closed", 3);
        add(
            QStringLiteral("redirect loop"),
            S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/"),
                S::redirect(302, QStringLiteral("{base}/v1/jobs/{id}"))) }),
            [](const QString &base, CliProbe *) {
                return S::connection(QStringLiteral("peelapi"), base)
                    + QStringList { QStringLiteral("status"), QStringLiteral("J1") };
            },
            { "HTTP 302" }, "redirect", -2);
        for (const QString &url :
            { QStringLiteral("ftp://127.0.0.1:21/"), QStringLiteral("file:///tmp/") }) {
            add(
                QStringLiteral("base URL %1").arg(url), S::spec({}),
                [url](const QString &, CliProbe *) {
                    return S::connection(QStringLiteral("peelapi"), url)
                        + QStringList { QStringLiteral("status"), QStringLiteral("J1") };
                },
                { "Refusing plain ws", "ws to :" }, "not an http", 2);
        }
        const QJsonObject weird
            = S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                S::status(QStringLiteral("peelapi"), QStringLiteral("weird"))) });
        add(
            QStringLiteral("unknown status word --json"), weird,
            [](const QString &base, CliProbe *) {
                return S::connection(QStringLiteral("peelapi"), base)
                    + QStringList { QStringLiteral("--json"), QStringLiteral("status"),
                          QStringLiteral("J1") };
            },
            { "\"status\":\"\"" }, "unknown", -1);
        add(
            QStringLiteral("unknown status word"), weird,
            [](const QString &base, CliProbe *) {
                return S::connection(QStringLiteral("peelapi"), base)
                    + QStringList { QStringLiteral("status"), QStringLiteral("J1") };
            },
            {}, "unknown", -1);

        QList<CliProbe *> clis;
        for (const Probe &p : probes) {
            QVERIFY(p.server->ok());
            clis.append(p.cli.get());
        }
        CliProbe::waitAll(clis, 60000);
        QStringList failures;
        for (const Probe &p : probes) {
            const ProbeResult r = p.cli->result();
            CliProbe::print(r, m_key);
            QStringList why;
            if (r.timedOut)
                why << QStringLiteral("did not end in 60 s");
            for (const char *f : p.forbidden) {
                if (r.all().contains(f))
                    why << QStringLiteral("says \"%1\"").arg(QLatin1String(f));
            }
            if (r.errorLines().size() != 1)
                why << QStringLiteral("%1 lines of error, not one").arg(r.errorLines().size());
            if (p.required && !matches(r.err, p.required))
                why << QStringLiteral("the error does not match /%1/")
                           .arg(QLatin1String(p.required));
            if (p.expectedExit == -2 ? r.exitCode <= 0
                                     : p.expectedExit >= 0 && r.exitCode != p.expectedExit)
                why << QStringLiteral("exit %1, expected %2")
                           .arg(r.exitCode)
                           .arg(p.expectedExit == -2 ? QStringLiteral("non-zero")
                                                     : QString::number(p.expectedExit));
            if (!why.isEmpty())
                failures.append(
                    QStringLiteral("%1 — %2").arg(why.join(QStringLiteral("; ")), describe(r)));
        }
        reportEach(failures);
        QVERIFY2(failures.isEmpty(),
            qPrintable(
                QStringLiteral("%1 of %2 probes gave a misleading or missing message (see the "
                               "warnings)")
                    .arg(failures.size())
                    .arg(probes.size())));
    }

    // Item 9, first part: `download ID --to DIR` of a job this machine did not submit, with the
    // connection options given, records the job first and then its files (exit 0, every file
    // inside DIR, no "FOREIGN KEY"); a second `download ID` without options then finds it in the
    // history.
    void item9_downloadOfUnknownJobRecordsIt()
    {
        const QJsonObject done3 = S::spec({ S::route(QStringLiteral("GET"),
                                                QStringLiteral("/files/"), S::file(2048)),
            S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                S::status(QStringLiteral("peelapi"), QStringLiteral("succeeded"),
                    { QStringLiteral("{base}/files/1.png"), QStringLiteral("{base}/files/2.png"),
                        QStringLiteral("{base}/files/3.png") })) });
        HostileProcess server(done3);
        QVERIFY(server.ok());
        CliProbe cli(QStringLiteral("item9 download of a job not in the history"), m_key);
        cli.start(S::connection(QStringLiteral("peelapi"), server.base())
            + QStringList { QStringLiteral("download"), QStringLiteral("J9"),
                QStringLiteral("--to"), cli.downloadDir() });
        CliProbe::waitAll({ &cli }, 60000);
        ProbeResult r = cli.result();
        CliProbe::print(r, m_key);
        QVERIFY2(!r.all().contains("FOREIGN KEY") && !r.all().contains("constraint"),
            qPrintable(describe(r)));
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.errorLines().isEmpty(), qPrintable(describe(r)));
        const QStringList files
            = QDir(QDir(cli.downloadDir()).filePath(QStringLiteral("J9"))).entryList(QDir::Files);
        QCOMPARE(files.size(), 3);
        // Now the history knows it: no connection options needed.
        QDir(QDir(cli.downloadDir()).filePath(QStringLiteral("J9"))).removeRecursively();
        cli.start({ QStringLiteral("download"), QStringLiteral("J9"), QStringLiteral("--to"),
            cli.downloadDir() });
        CliProbe::waitAll({ &cli }, 60000);
        r = cli.result();
        CliProbe::print(r, m_key);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(QDir(QDir(cli.downloadDir()).filePath(QStringLiteral("J9")))
                     .entryList(QDir::Files)
                     .size(),
            3);
    }

    // --- item 10: resume exits 0 only with every download complete

    // Item 10: 12 jobs over four dialects (3 each, recorded with --count and a download folder),
    // result files served at 200 kB/s; `resume` is killed with SIGKILL while .part files exist
    // (once, twice or three times, at different points), then run to its end: it exits 0, no
    // .part or .part.meta is left, and every file has the served size and SHA-256. Four rounds.
    void item10_resumeExitsZeroOnlyWhenComplete()
    {
        const QList<QList<int>> killAfterDone { { 0 }, { 2, 5 }, { 8 }, { 1, 4, 9 } };
        QStringList failures;
        for (qsizetype round = 0; round < killAfterDone.size(); ++round) {
            QJsonArray routes { S::route(QStringLiteral("GET"), QStringLiteral("/files/"),
                S::file(300 * 1000, 200 * 1000)) };
            const QStringList prefixes { QStringLiteral("pa-"), QStringLiteral("ip-"),
                QStringLiteral("pk-"), QStringLiteral("de-") };
            for (qsizetype i = 0; i < S::dialects().size(); ++i) {
                const QString d = S::dialects().at(i);
                routes.append(S::route(QStringLiteral("POST"), QLatin1Char('/') + S::task(d),
                    QJsonObject { { k("kind"), QStringLiteral("submit") }, { k("dialect"), d },
                        { k("id_prefix"), prefixes.at(i) } }));
                routes.append(S::route(QStringLiteral("GET"), S::statusPrefix(d),
                    S::status(
                        d, S::doneWord(d), { QStringLiteral("{base}/files/{id}/result.bin") })));
            }
            HostileProcess server(S::spec(routes));
            QVERIFY(server.ok());
            CliProbe probe(QStringLiteral("item10 round %1 submit").arg(round + 1), m_key);
            const QString library = probe.downloadDir();
            for (const QString &d : S::dialects()) {
                probe.start(S::connection(d, server.base())
                    + QStringList { QStringLiteral("--json"), QStringLiteral("submit"), S::task(d),
                        QStringLiteral("--set"), QStringLiteral("prompt=x"),
                        QStringLiteral("--count"), QStringLiteral("3"), QStringLiteral("--via"),
                        QStringLiteral("poll"), QStringLiteral("--download"), library });
                const ProbeResult r = probe.wait(20000);
                QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
            }
            auto scan = [&](int *parts, int *complete) {
                *parts = 0;
                *complete = 0;
                for (const QString &f : filesUnder(library)) {
                    if (f.endsWith(QLatin1String(".part")))
                        ++*parts;
                    else if (!f.endsWith(QLatin1String(".meta")))
                        ++*complete;
                }
            };
            QStringList kills;
            for (const int threshold : killAfterDone.at(round)) {
                probe.setName(QStringLiteral("item10 round %1 resume killed after %2 files")
                                  .arg(round + 1)
                                  .arg(threshold));
                probe.start({ QStringLiteral("--json"), QStringLiteral("resume") });
                QElapsedTimer t;
                t.start();
                int parts = 0, complete = 0;
                while (probe.running() && t.elapsed() < 30000) {
                    QTest::qWait(10);
                    probe.collect();
                    scan(&parts, &complete);
                    if (parts > 0 && complete >= threshold)
                        break;
                }
                const bool killed = probe.running();
                probe.killCli();
                const ProbeResult r = probe.wait(5000);
                scan(&parts, &complete);
                kills << QStringLiteral("%1 (%2 complete, %3 .part after)")
                             .arg(killed
                                     ? QStringLiteral("kill -9")
                                     : QStringLiteral("ended by itself, exit %1").arg(r.exitCode))
                             .arg(complete)
                             .arg(parts);
            }
            probe.setName(QStringLiteral("item10 round %1 final resume").arg(round + 1));
            probe.start({ QStringLiteral("--json"), QStringLiteral("resume"),
                QStringLiteral("--timeout"), QStringLiteral("60") });
            const ProbeResult r = probe.wait(70000);
            CliProbe::print(r, m_key);

            QStringList problems;
            QSet<QString> jobs;
            for (const QString &f : filesUnder(library)) {
                const QString name = QFileInfo(f).fileName();
                if (name.endsWith(QLatin1String(".part"))
                    || name.endsWith(QLatin1String(".meta"))) {
                    problems
                        << QStringLiteral("left behind: %1").arg(QDir(library).relativeFilePath(f));
                    continue;
                }
                const QString job = QFileInfo(f).dir().dirName();
                const QString served = QStringLiteral("/files/%1/result.bin").arg(job);
                const qint64 size = HostileContent::sizeFor(served, 300 * 1000);
                QFile file(f);
                QCryptographicHash h(QCryptographicHash::Sha256);
                if (name != QLatin1String("result.bin") || !file.open(QIODevice::ReadOnly)
                    || !h.addData(&file) || file.size() != size
                    || h.result().toHex() != HostileContent::sha256Hex(served, size))
                    problems << QStringLiteral("not the served bytes: %1 (%2 bytes)")
                                    .arg(QDir(library).relativeFilePath(f))
                                    .arg(QFileInfo(f).size());
                else
                    jobs.insert(job);
            }
            if (jobs.size() != 12)
                problems << QStringLiteral("%1 of 12 jobs have their file").arg(jobs.size());
            if (r.exitCode != 0)
                problems << QStringLiteral("the final resume exited %1")
                                .arg(r.timedOut ? QStringLiteral("by timeout")
                                                : QString::number(r.exitCode));
            if (!problems.isEmpty())
                failures << QStringLiteral("round %1 [%2]: %3 — %4")
                                .arg(round + 1)
                                .arg(kills.join(QStringLiteral(", ")),
                                    problems.join(QStringLiteral("; ")), describe(r));
        }
        reportEach(failures);
        QVERIFY2(failures.isEmpty(),
            qPrintable(QStringLiteral("%1 of %2 rounds ended incomplete (see the warnings)")
                           .arg(failures.size())
                           .arg(killAfterDone.size())));
    }
};

QTEST_GUILESS_MAIN(TestHostileCli)
#include "tst_hostilecli.moc"
