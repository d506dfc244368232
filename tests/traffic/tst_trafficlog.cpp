// Net::TrafficLog and its capture hooks, against a real in-process sandbox.

#include "core/redactor.h"
#include "dialects/adapter.h"
#include "follow/followcontext.h"
#include "follow/jobfollower.h"
#include "net/httpcall.h"
#include "net/trafficlog.h"
#include "testhttp.h"
#include "tracker/jobtracker.h"

#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using Net::TrafficLog;

namespace {

// Every text a log entry holds, so a key can be searched for in all of it.
QByteArray allText(const TrafficLog::Entry &e)
{
    QByteArray out = e.jobId.toUtf8() + '\n' + e.method + '\n' + e.url.toUtf8() + '\n' + e.body
        + '\n' + e.mime + '\n' + e.note.toUtf8() + '\n';
    for (const auto &h : e.headers)
        out += h.first + ": " + h.second + '\n';
    return out;
}

} // namespace

class TstTrafficLog : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSupport::TestSandbox> m_sb;
    TestSupport::TestHttp m_http;

    struct Rig
    {
        QNetworkAccessManager nam;
        Tracker::JobTracker tracker;
        Core::Redactor redactor;
        TrafficLog log { &redactor };
        Follow::FollowContext ctx { &nam, &tracker };
    };

    Core::Profile profile(const char *dialect) const
    {
        Core::Profile p
            = Core::Profile::defaultsFor(*Core::dialectFromName(QString::fromLatin1(dialect)));
        p.name = QString::fromLatin1(dialect);
        p.baseUrl = QUrl(m_sb->base(dialect));
        p.apiKey = QString::fromUtf8(m_sb->key(dialect));
        if (QByteArray(dialect) == "deapi") {
            const QJsonObject d = m_sb->dialect("deapi");
            p.wsUrl = QUrl(d.value(QLatin1String("ws_url")).toString());
            p.pusherKey = d.value(QLatin1String("pusher_key")).toString();
            p.clientId = d.value(QLatin1String("client_id")).toString();
            p.authUrl = QUrl(d.value(QLatin1String("auth_url")).toString());
        }
        return p;
    }

    // Submits through an HttpCall that records into the log, files the call under the new job,
    // then follows the job until it settles.
    QString submitAndFollow(Rig &rig, const char *dialect, const QString &task,
        const QJsonObject &body, Follow::Via via)
    {
        const Core::Profile p = profile(dialect);
        rig.redactor.addSecret(p.apiKey);
        rig.ctx.setTrafficLog(&rig.log);
        rig.ctx.addProfile(p);
        Dialects::Adapter *adapter = rig.ctx.adapter(p.name);
        const Dialects::RequestSpec spec = adapter->submit(task, body);
        QNetworkRequest req(spec.url);
        for (const auto &h : spec.headers)
            req.setRawHeader(h.first, h.second);
        Net::HttpCall call(&rig.nam, spec.method, req, spec.body);
        call.setAutoDelete(false);
        call.setTraffic(&rig.log, QString());
        QSignalSpy done(&call, &Core::Operation::result);
        call.start();
        if (!done.wait(10000))
            return {};
        const Dialects::SubmitResult r = adapter->parseSubmit(task, call.httpStatus(), call.body());
        if (r.jobId.isEmpty())
            return {};
        rig.log.moveToJob(call.requestSeq(), r.jobId);
        rig.log.moveToJob(call.responseSeq(), r.jobId);
        rig.tracker.track(r.jobId, p.name, p.dialect, task);
        Follow::JobFollower follower(&rig.ctx, p.name, { r.jobId, task }, body, via);
        QSignalSpy settled(&follower, &Follow::JobFollower::settled);
        follower.start();
        if (!settled.wait(30000))
            return {};
        return r.jobId;
    }

    static int count(const QList<TrafficLog::Entry> &entries, TrafficLog::Kind kind)
    {
        return int(std::count_if(entries.cbegin(), entries.cend(),
            [kind](const TrafficLog::Entry &e) { return e.kind == kind; }));
    }

    void verifyNoKey(const TrafficLog &log, const QByteArray &key)
    {
        QVERIFY(!key.isEmpty());
        int seen = 0;
        for (const QString &job : log.jobIds()) {
            for (const TrafficLog::Entry &e : log.entries(job)) {
                ++seen;
                QVERIFY2(!allText(e).contains(key), allText(e).constData());
            }
        }
        QVERIFY(seen > 0);
    }

    // Runs the command through bash with JOBSCOPE_KEY set; returns curl's output ("-w" adds the
    // status).
    static QByteArray runCurl(const QString &command, const QByteArray &key, int *exitCode)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("JOBSCOPE_KEY"), QString::fromUtf8(key));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral("bash"),
            { QStringLiteral("-c"), command + QStringLiteral(" -sS -m 10 -w '\\n%{http_code}'") });
        // The in-process sandbox must keep serving while curl talks to it: wait in an event loop.
        QEventLoop loop;
        QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(15000, &loop, &QEventLoop::quit);
        if (p.state() != QProcess::NotRunning)
            loop.exec();
        *exitCode = p.exitCode();
        return p.readAllStandardOutput() + p.readAllStandardError();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sb = std::make_unique<TestSupport::TestSandbox>();
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
    }

    // A PeelAPI job over SSE: its submit, stream connect, response head, events and status reads
    // are all in the job's entries, with the key nowhere in any field.
    void peelApiOverSse()
    {
        Rig rig;
        const QJsonObject body { { QLatin1String("prompt"), QStringLiteral("traffic") },
            { QLatin1String("width"), 64 }, { QLatin1String("height"), 64 },
            { QLatin1String("sandbox"), QJsonObject { { QLatin1String("duration_ms"), 800 } } } };
        const QString id = submitAndFollow(
            rig, "peelapi", QStringLiteral("v1/portrait"), body, Follow::Via::Sse);
        QVERIFY(!id.isEmpty());
        const QList<TrafficLog::Entry> entries = rig.log.entries(id);
        QVERIFY(count(entries, TrafficLog::Kind::HttpRequest) >= 1); // the submit at least
        QVERIFY(count(entries, TrafficLog::Kind::HttpResponse)
            >= 2); // its answer and the stream's head
        QVERIFY(count(entries, TrafficLog::Kind::SseConnect) >= 1);
        QVERIFY(count(entries, TrafficLog::Kind::SseEvent) >= 2);
        QVERIFY(count(entries, TrafficLog::Kind::SseDisconnect) >= 1);
        QCOMPARE(entries.first().kind, TrafficLog::Kind::HttpRequest);
        QCOMPARE(entries.first().method, QByteArray("POST"));
        QVERIFY(std::any_of(entries.cbegin(), entries.cend(), [](const TrafficLog::Entry &e) {
            return e.kind == TrafficLog::Kind::SseEvent && e.method == "end";
        }));
        // Header names survive, values of credentials do not.
        bool sawAuth = false;
        for (const auto &h : entries.first().headers) {
            if (Core::Redactor::isCredentialHeader(h.first)) {
                sawAuth = true;
                QVERIFY(h.second.contains("[redacted]"));
            }
        }
        QVERIFY(sawAuth);
        for (qsizetype i = 1; i < entries.size(); ++i)
            QVERIFY(entries.at(i - 1).seq < entries.at(i).seq);
        verifyNoKey(rig.log, m_sb->key("peelapi"));
    }

    // deAPI over Pusher: request.status.updated frames are filed under their job, connection-level
    // frames (connect, subscribe with its auth masked) under "", and the key is nowhere.
    void deApiOverPusher()
    {
        Rig rig;
        const QJsonObject body { { QLatin1String("prompt"), QStringLiteral("traffic") },
            { QLatin1String("width"), 64 }, { QLatin1String("height"), 64 },
            { QLatin1String("sandbox"), QJsonObject { { QLatin1String("duration_ms"), 800 } } } };
        const QString id = submitAndFollow(
            rig, "deapi", QStringLiteral("api/v1/client/txt2img"), body, Follow::Via::Pusher);
        QVERIFY(!id.isEmpty());
        const QList<TrafficLog::Entry> entries = rig.log.entries(id);
        QVERIFY(count(entries, TrafficLog::Kind::HttpRequest) >= 2); // submit and the initial read
        QVERIFY(count(entries, TrafficLog::Kind::WsIn) >= 2);
        for (const TrafficLog::Entry &e : entries) {
            if (e.kind == TrafficLog::Kind::WsIn)
                QCOMPARE(e.method, QByteArray("request.status.updated"));
        }
        const QList<TrafficLog::Entry> connection = rig.log.entries(QString());
        QVERIFY(count(connection, TrafficLog::Kind::WsState) >= 2); // connecting, connected
        QVERIFY(count(connection, TrafficLog::Kind::WsOut) >= 1); // the subscribe
        const QString appKey = profile("deapi").pusherKey;
        for (const TrafficLog::Entry &e : connection) {
            QVERIFY2(!allText(e).contains(appKey.toUtf8()), allText(e).constData());
            if (e.kind == TrafficLog::Kind::WsOut && e.method == "pusher:subscribe")
                QVERIFY2(QJsonDocument::fromJson(e.body)
                             .object()
                             .value(QLatin1String("data"))
                             .toObject()
                             .value(QLatin1String("auth"))
                        == QLatin1String("[redacted]"),
                    e.body.constData());
        }
        verifyNoKey(rig.log, m_sb->key("deapi"));
    }

    // curlFor() writes "$JOBSCOPE_KEY" instead of the key, and the command really works: bash
    // expands the variable, curl gets HTTP 200 from the sandbox.
    void curlForRuns()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty())
            QSKIP("curl is not installed");
        Rig rig;
        const QJsonObject body { { QLatin1String("prompt"), QStringLiteral("curl me") },
            { QLatin1String("width"), 64 }, { QLatin1String("height"), 64 },
            { QLatin1String("sandbox"), QJsonObject { { QLatin1String("duration_ms"), 300 } } } };
        const QString id = submitAndFollow(
            rig, "peelapi", QStringLiteral("v1/portrait"), body, Follow::Via::Poll);
        QVERIFY(!id.isEmpty());
        const QByteArray key = m_sb->key("peelapi");
        quint64 statusRead = 0;
        quint64 submit = 0;
        for (const TrafficLog::Entry &e : rig.log.entries(id)) {
            if (e.kind == TrafficLog::Kind::HttpRequest && e.method == "GET")
                statusRead = e.seq;
            if (e.kind == TrafficLog::Kind::HttpRequest && e.method == "POST" && !submit)
                submit = e.seq;
        }
        QVERIFY(statusRead && submit);
        const QString curl = rig.log.curlFor(statusRead);
        QVERIFY2(curl.contains(QLatin1String("$JOBSCOPE_KEY")), qPrintable(curl));
        QVERIFY(!curl.contains(QString::fromUtf8(key)));
        int exitCode = -1;
        QByteArray out = runCurl(curl, key, &exitCode);
        QVERIFY2(exitCode == 0, out.constData());
        QVERIFY2(out.endsWith("\n200"), out.constData());
        QVERIFY2(out.contains(id.toUtf8()), out.constData());
        // Without the variable the same command is refused: the key really comes from it.
        out = runCurl(curl, "wrong-key-0000", &exitCode);
        QVERIFY2(out.endsWith("\n401"), out.constData());
        // The submit's curl carries the JSON body and submits a new job.
        const QString post = rig.log.curlFor(submit);
        QVERIFY2(post.contains(QLatin1String("--data-raw")), qPrintable(post));
        out = runCurl(post, key, &exitCode);
        QVERIFY2(exitCode == 0, out.constData());
        QVERIFY2(out.endsWith("\n200") || out.endsWith("\n201") || out.endsWith("\n202"),
            out.constData());
        // Only request entries have a curl.
        QVERIFY(rig.log.curlFor(statusRead + 1).isEmpty()
            || rig.log.entry(statusRead + 1)->kind == TrafficLog::Kind::HttpRequest);
        QVERIFY(rig.log.curlFor(999999).isEmpty());
    }

    // At most maxEntriesPerJob per job and maxEntries overall, oldest dropped first; lookups by
    // seq and entriesSince() still work after drops, and the signal fires once per entry.
    void boundsAreEnforced()
    {
        Core::Redactor redactor;
        TrafficLog log(&redactor);
        log.setMaxEntriesPerJob(10);
        log.setMaxEntries(25);
        QSignalSpy spy(&log, &TrafficLog::recorded);
        for (int i = 0; i < 100; ++i)
            log.recordRequest(
                QStringLiteral("a"), "GET", QStringLiteral("http://x/%1").arg(i), {}, {});
        QCOMPARE(spy.count(), 100);
        QCOMPARE(log.entries(QStringLiteral("a")).size(), 10);
        QCOMPARE(log.entries(QStringLiteral("a")).first().url, QStringLiteral("http://x/90"));
        QCOMPARE(log.size(), 10);
        for (int i = 0; i < 20; ++i) {
            log.recordRequest(
                QStringLiteral("b"), "GET", QStringLiteral("http://b/%1").arg(i), {}, {});
            log.recordRequest(
                QStringLiteral("c"), "GET", QStringLiteral("http://c/%1").arg(i), {}, {});
        }
        QCOMPARE(log.size(), 25);
        // b and c hold 10 each (their own bound); the overall bound took a's oldest five.
        QCOMPARE(log.entries(QStringLiteral("b")).size(), 10);
        QCOMPARE(log.entries(QStringLiteral("c")).size(), 10);
        QCOMPARE(log.entries(QStringLiteral("a")).size(), 5);
        QCOMPARE(log.entries(QStringLiteral("a")).first().url, QStringLiteral("http://x/95"));
        const quint64 last = log.entries(QStringLiteral("c")).last().seq;
        QCOMPARE(log.entry(last)->url, QStringLiteral("http://c/19"));
        QVERIFY(log.entry(1) == nullptr);
        QCOMPARE(log.entriesSince(QStringLiteral("c"), last - 2).size(), 1);
        QCOMPARE(log.firstSeq(QStringLiteral("c")), log.entries(QStringLiteral("c")).first().seq);
        // Many more per-job drops: the internal index stays bounded and lookups stay right.
        for (int i = 0; i < 20000; ++i)
            log.recordRequest(
                QStringLiteral("d"), "GET", QStringLiteral("http://d/%1").arg(i), {}, {});
        QCOMPARE(log.entries(QStringLiteral("d")).size(), 10);
        QCOMPARE(log.entry(log.entries(QStringLiteral("d")).first().seq)->url,
            QStringLiteral("http://d/19990"));
        QCOMPARE(log.size(), 25);
    }

    // Bodies: a large one is capped with a marker (and a key cut by the cap is still masked),
    // a binary one is summarised, and secrets, credential headers and query keys never land.
    void bodiesAreCappedAndRedacted()
    {
        Core::Redactor redactor;
        const QString key = QStringLiteral("sk-traffic-0123456789abcdef");
        redactor.addSecret(key);
        TrafficLog log(&redactor);
        log.setMaxBodyBytes(1000);
        QByteArray big(990, 'x');
        big += key.toUtf8(); // straddles the cap
        big += QByteArray(5000, 'y');
        const quint64 s1 = log.recordResponse(QStringLiteral("j"), "GET",
            QStringLiteral("http://h/p?api_key=") + key, 200,
            { { "Content-Type", "application/json" }, { "Set-Cookie", "sid=1" } }, big, 12);
        const TrafficLog::Entry *e = log.entry(s1);
        QVERIFY(e);
        QVERIFY(e->body.size() < 1100);
        QVERIFY2(e->body.contains("bytes more"), e->body.constData());
        QVERIFY2(!e->body.contains("sk-traffic"), e->body.constData());
        QCOMPARE(e->bodyBytes, big.size());
        QVERIFY(!e->url.contains(key));
        QCOMPARE(e->headers.at(1).second, QByteArray("[redacted]"));
        QByteArray png("\x89PNG\r\n\x1a\n\0\0\0", 11);
        const quint64 s2 = log.recordResponse(QStringLiteral("j"), "GET",
            QStringLiteral("http://h/i.png"), 200, { { "Content-Type", "image/png" } }, png, 1);
        QCOMPARE(log.entry(s2)->body, QByteArray("<binary, 11 bytes, image/png>"));
        const quint64 s3
            = log.recordRequest(QStringLiteral("j"), "POST", QStringLiteral("http://h/s"),
                { { "X-API-Key", key.toUtf8() }, { "Content-Type", "application/json" } },
                "{\"note\":\"" + key.toUtf8() + "\"}");
        QVERIFY(!allText(*log.entry(s3)).contains(key.toUtf8()));
        QCOMPARE(log.entry(s3)->headers.first().first, QByteArray("X-API-Key"));
        QVERIFY(log.curlFor(s3).contains(QLatin1String("\"X-API-Key: $JOBSCOPE_KEY\"")));
    }
};

QTEST_GUILESS_MAIN(TstTrafficLog)
#include "tst_trafficlog.moc"
