// The hostile-server suite, window side (issue 9): the desktop app's Session::JobSession, in this
// process, against jobscope-hostile-server (its own process, so this process's peak RSS is the
// session's). Items 1, 2, 3 and 7: a job id never becomes a path in the library, the key never
// follows a redirect to another origin, hostile bodies, SSE lines and Pusher frames stay bounded,
// and two services answering the same job id stay two jobs in the history.
#include "follow/followcontext.h"
#include "hostilecontent.h"
#include "hostileprocess.h"
#include "hostilespec.h"
#include "probechecks.h"
#include "session/jobsession.h"
#include "store/historydatabase.h"
#include "store/jobhistory.h"
#include "tracker/jobtracker.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Hostile;
using S = HostileSpec;

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

constexpr qint64 RssBoundKb = 256 * 1024;
constexpr double FloodBytes = 1.5 * 1024 * 1024 * 1024;

Core::Dialect dialectOf(const QString &name)
{
    if (name == QLatin1String("imagepipeline"))
        return Core::Dialect::ImagePipeline;
    if (name == QLatin1String("peako"))
        return Core::Dialect::Peako;
    if (name == QLatin1String("deapi"))
        return Core::Dialect::DeApi;
    return Core::Dialect::PeelApi;
}

std::unique_ptr<Store::JobHistory> openHistory(const QString &path)
{
    auto h = std::make_unique<Store::JobHistory>(path);
    bool opened = false;
    QString error;
    QObject::connect(h->open(), &Core::Operation::result, [&](Core::Operation *op) {
        const bool ok = !op->failed();
        const QString e = op->errorString();
        opened = ok;
        error = e.isEmpty() && !ok ? QStringLiteral("not opened") : e;
    });
    if (!QTest::qWaitFor([&] { return opened || !error.isEmpty(); }, 10000) || !opened) {
        qWarning() << "history not opened:" << error;
        return nullptr;
    }
    return h;
}

// One entry a line, control characters shown escaped (paths and messages come from a server).
QString joinLines(const QStringList &l)
{
    return ProbeChecks::printable(l.join(QStringLiteral("\n  ")).toUtf8(), 4000)
        .replace(QStringLiteral("\\x0a"), QStringLiteral("\n"));
}

} // namespace

class TestHostileSession final : public QObject
{
    Q_OBJECT

private:
    QString m_key;

    Core::Profile profile(const QString &dialect, const QString &name, const QString &base) const
    {
        Core::Profile p = Core::Profile::defaultsFor(dialectOf(dialect));
        p.name = name;
        p.baseUrl = QUrl(base);
        p.keyRef = QStringLiteral("env:HOSTILE_KEY");
        p.apiKey = m_key;
        return p;
    }

    // Everything a session run observed.
    struct Run
    {
        QStringList submitted;
        QStringList submitFailed;
        QStringList settled;
        QStringList fatal;
        QStringList downloads;
        QStringList notices;
        QString summary() const
        {
            auto shown = [](const QStringList &l) {
                return ProbeChecks::printable(l.join(QLatin1Char(',')).toUtf8(), 300);
            };
            return QStringLiteral("submitted [%1] submitFailed [%2] settled [%3] fatal [%4] "
                                  "downloads [%5] notices [%6]")
                .arg(shown(submitted), shown(submitFailed), shown(settled), shown(fatal),
                    shown(downloads),
                    ProbeChecks::printable(notices.join(QStringLiteral(" | ")).toUtf8(), 600));
        }
    };
    static void observe(Session::JobSession *s, Run *run)
    {
        connect(s, &Session::JobSession::submitted, s, [run](const QString &id, const QString &p) {
            run->submitted << p + QLatin1Char(':') + id;
        });
        connect(s, &Session::JobSession::submitFailed, s,
            [run](const QString &p, const QString &, const Core::JobError &e) {
                run->submitFailed << p + QLatin1Char(':') + e.message;
            });
        connect(s, &Session::JobSession::settled, s, [run](const QString &id, Core::JobState st) {
            run->settled << id + QLatin1Char('=') + Core::stateName(st);
        });
        connect(s, &Session::JobSession::jobFatal, s,
            [run](const QString &id, const Core::JobError &e) {
                run->fatal << id + QLatin1Char(':') + e.message;
            });
        connect(s, &Session::JobSession::downloadsFinished, s,
            [run](const QString &id, bool ok, const QStringList &errors) {
                run->downloads << QStringLiteral("%1:%2%3").arg(id,
                    ok ? QStringLiteral("ok") : QStringLiteral("failed"),
                    errors.isEmpty() ? QString()
                                     : QLatin1Char(' ') + errors.join(QLatin1Char(';')));
            });
        connect(s, &Session::JobSession::notice, s, [run](const QString &id, const QString &m) {
            run->notices << id + QLatin1Char(':') + m;
        });
    }

    static void print(const QString &name, qint64 rssKb, qint64 ms, const Run &run)
    {
        const QString msg = !run.fatal.isEmpty() ? run.fatal.first()
            : !run.submitFailed.isEmpty()        ? run.submitFailed.first()
                                                 : run.notices.value(0);
        // "exit" is how the session's jobs ended: their states, "fatal" or "none".
        QStringList states;
        for (const QString &s : run.settled)
            states << s.section(QLatin1Char('='), -1);
        const QString ended = !states.isEmpty() ? states.join(QLatin1Char(','))
            : run.fatal.isEmpty()               ? QStringLiteral("none")
                                                : QStringLiteral("fatal");
        qInfo("PROBE %s exit=%s rss_kb=%lld ms=%lld msg=%s", qPrintable(name), qPrintable(ended),
            rssKb, ms, qPrintable(ProbeChecks::printable(msg.toUtf8())));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("JOBSCOPE_HOSTILE_SERVER_BIN")).isExecutable(),
            "JOBSCOPE_HOSTILE_SERVER_BIN is not set");
        m_key = QStringLiteral("hostile-CANARY-%1")
                    .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
    }

    // --- item 1

    void item1_libraryKeepsJobIdsInside_data()
    {
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<QString>("id");
        for (const QString &d : S::dialects())
            QTest::newRow(qPrintable(QStringLiteral("traversal %1").arg(d)))
                << d << QStringLiteral("../../x/autostart");
        QTest::newRow("absolute") << QStringLiteral("peelapi")
                                  << QStringLiteral("{root}/abs/autostart");
        QTest::newRow("slash") << QStringLiteral("peelapi") << QStringLiteral("a/b");
        QTest::newRow("bidi U+202E") << QStringLiteral(
            "peelapi") << QStringLiteral("invoice") + QChar(0x202e) + QStringLiteral("gpj.exe");
        QTest::newRow("1000 characters")
            << QStringLiteral("peelapi") << QString(1000, QLatin1Char('y'));
    }

    // Item 1: the window's library writes a succeeded job's outputs as <library>/<one safe
    // segment>/<name> whatever id the server gave it; nothing appears outside the library (the
    // history file apart).
    void item1_libraryKeepsJobIdsInside()
    {
        QFETCH(QString, dialect);
        QFETCH(QString, id);
        QTemporaryDir root;
        QVERIFY(root.isValid());
        const QString library = root.filePath(QStringLiteral("work/library/jobs"));
        const QString state = root.filePath(QStringLiteral("state"));
        QVERIFY(QDir().mkpath(library) && QDir().mkpath(state));
        id.replace(QLatin1String("{root}"), root.path());
        HostileProcess server(
            S::spec({ S::route(QStringLiteral("GET"), QStringLiteral("/files/"), S::file(2048)),
                S::route(QStringLiteral("POST"), QLatin1Char('/') + S::task(dialect),
                    S::submit(dialect, id)),
                S::route(QStringLiteral("GET"), QStringLiteral("/"),
                    S::status(dialect, S::doneWord(dialect),
                        { QStringLiteral("{base}/files/out.png") }, {}, id)) }));
        QVERIFY(server.ok());
        const QStringList before = ProbeChecks::entriesUnder(root.path());
        Run run;
        QElapsedTimer t;
        t.start();
        {
            QNetworkAccessManager nam;
            Tracker::JobTracker tracker;
            std::unique_ptr<Store::JobHistory> history
                = openHistory(state + QStringLiteral("/history.sqlite"));
            QVERIFY(history);
            Session::JobSession session(&nam, &tracker, history.get(), {});
            observe(&session, &run);
            session.setAutoDownload(true);
            session.setFolderFor([&](const Store::StoredJob &) { return library; });
            session.addProfile(profile(dialect, QStringLiteral("hostile"), server.base()));
            session.submit(QStringLiteral("hostile"), S::task(dialect),
                QJsonObject { { k("prompt"), QStringLiteral("hostile") } }, Follow::Via::Poll);
            (void)QTest::qWaitFor(
                [&] {
                    return !run.downloads.isEmpty() || !run.fatal.isEmpty()
                        || !run.submitFailed.isEmpty();
                },
                30000);
            (void)QTest::qWaitFor([&] { return session.isIdle(); }, 5000);
        }
        print(QStringLiteral("session item1 ") + QString::fromLatin1(QTest::currentDataTag()), -1,
            t.elapsed(), run);
        QStringList outside;
        for (const QString &e : ProbeChecks::entriesUnder(root.path())) {
            if (!before.contains(e) && !ProbeChecks::isInside(library, e)
                && !ProbeChecks::isInside(state, e))
                outside << e;
        }
        QVERIFY2(outside.isEmpty(),
            qPrintable(QStringLiteral("written outside the library:\n  ") + joinLines(outside)));
        QVERIFY2(run.downloads.size() == 1 && run.downloads.first().endsWith(QLatin1String(":ok")),
            qPrintable(run.summary()));
        QStringList files;
        for (const QString &e : ProbeChecks::entriesUnder(library)) {
            if (QFileInfo(e).isFile())
                files << e;
        }
        QVERIFY2(files.size() == 1, qPrintable(joinLines(files)));
        const QStringList parts
            = QDir(library).relativeFilePath(files.first()).split(QLatin1Char('/'));
        QVERIFY2(parts.size() == 2,
            qPrintable(QStringLiteral("not <library>/<segment>/out.png: ")
                + ProbeChecks::printable(files.first().toUtf8())));
        const QString problem = ProbeChecks::segmentProblem(parts.at(0));
        QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("the job folder %1").arg(problem)));
        QFile f(files.first());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(),
            HostileContent::bytes(QStringLiteral("/files/out.png"), 0,
                HostileContent::sizeFor(QStringLiteral("/files/out.png"), 2048)));
    }

    // --- item 2

    void item2_keyStaysWithItsOrigin_data()
    {
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<QJsonObject>("spec");
        QTest::addColumn<int>("via");
        const QJsonArray outputs { QStringLiteral("{base}/files/a.png") };
        for (const QString &d : { QStringLiteral("peelapi"), QStringLiteral("imagepipeline") }) {
            for (const int code : { 302, 307 }) {
                QTest::newRow(qPrintable(QStringLiteral("status %1 %2").arg(code).arg(d)))
                    << d
                    << S::spec({ S::route(QStringLiteral("POST"), QLatin1Char('/') + S::task(d),
                                     S::submit(d, QStringLiteral("J1"))),
                                   S::route(QStringLiteral("GET"), S::statusPrefix(d),
                                       S::redirect(code,
                                           QStringLiteral("{other}") + S::statusPrefix(d)
                                               + QStringLiteral("{id}"))) },
                           { S::route(QString(), S::statusPrefix(d),
                               S::status(d, S::doneWord(d), outputs)) })
                    << int(Follow::Via::Poll);
            }
        }
        QTest::newRow("submit 307 peelapi")
            << QStringLiteral("peelapi")
            << S::spec({ S::route(QStringLiteral("POST"), QStringLiteral("/v1/portrait"),
                             S::redirect(307, QStringLiteral("{other}/v1/portrait"))),
                           S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                               S::status(QStringLiteral("peelapi"), QStringLiteral("succeeded"),
                                   outputs)) },
                   { S::route(QString(), QStringLiteral("/"),
                       S::submit(QStringLiteral("peelapi"), QStringLiteral("J2"))) })
            << int(Follow::Via::Poll);
        QTest::newRow("sse stream 302 peelapi")
            << QStringLiteral("peelapi")
            << S::spec(
                   { S::route(QStringLiteral("POST"), QStringLiteral("/v1/portrait"),
                         S::submit(QStringLiteral("peelapi"), QStringLiteral("J3"))),
                       S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/J3/stream"),
                           S::redirect(302, QStringLiteral("{other}/v1/jobs/J3/stream")), -1, true),
                       S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                           S::status(
                               QStringLiteral("peelapi"), QStringLiteral("succeeded"), outputs)) },
                   { S::route(QString(), QStringLiteral("/"), S::sse(S::peelApiSuccessEvents())) })
            << int(Follow::Via::Sse);
    }

    // Item 2: the window's session, following a job whose service redirects (302/307) its status
    // reads, its submit or its SSE stream to another port, never sends the key there.
    void item2_keyStaysWithItsOrigin()
    {
        QFETCH(QString, dialect);
        QFETCH(QJsonObject, spec);
        QFETCH(int, via);
        HostileProcess server(spec);
        QVERIFY(server.ok());
        QTemporaryDir root;
        Run run;
        QElapsedTimer t;
        t.start();
        {
            QNetworkAccessManager nam;
            Tracker::JobTracker tracker;
            std::unique_ptr<Store::JobHistory> history
                = openHistory(root.filePath(QStringLiteral("history.sqlite")));
            QVERIFY(history);
            Session::JobSession session(&nam, &tracker, history.get(), {});
            observe(&session, &run);
            session.setAutoDownload(false);
            session.addProfile(profile(dialect, QStringLiteral("hostile"), server.base()));
            session.submit(QStringLiteral("hostile"), S::task(dialect),
                QJsonObject { { k("prompt"), QStringLiteral("redirected") } }, Follow::Via(via));
            (void)QTest::qWaitFor(
                [&] {
                    return !run.settled.isEmpty() || !run.fatal.isEmpty()
                        || !run.submitFailed.isEmpty();
                },
                20000);
        }
        print(QStringLiteral("session item2 ") + QString::fromLatin1(QTest::currentDataTag()), -1,
            t.elapsed(), run);
        QStringList leaked;
        for (const QJsonObject &o : server.requests(QStringLiteral("other"))) {
            if (QJsonDocument(o).toJson().contains(m_key.toUtf8()))
                leaked << o.value(k("method")).toString() + QLatin1Char(' ')
                        + o.value(k("target")).toString();
        }
        QVERIFY2(leaked.isEmpty(),
            qPrintable(QStringLiteral("the key reached the other origin with:\n  %1\n%2")
                           .arg(joinLines(leaked), run.summary())));
    }

    // --- item 3

    void item3_readsAreBounded_data()
    {
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<QJsonObject>("spec");
        QTest::addColumn<int>("via");
        const QString prefix = QStringLiteral(
            "{\"data\":{\"id\":\"J1\",\"status\":\"processing\",\"progress\":0.1,\"model_id\":\"");
        for (const QString &mode : { QStringLiteral("chunked"), QStringLiteral("one_chunk") }) {
            QTest::newRow(qPrintable(QStringLiteral("status body 1.5 GiB %1").arg(mode)))
                << QStringLiteral("peelapi")
                << S::spec({ S::route(QStringLiteral("POST"), QStringLiteral("/v1/portrait"),
                                 S::submit(QStringLiteral("peelapi"), QStringLiteral("J1"))),
                       S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                           QJsonObject { { k("kind"), QStringLiteral("flood") },
                               { k("mode"), mode }, { k("prefix"), prefix },
                               { k("limit"), FloodBytes } },
                           2),
                       S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                           S::status(QStringLiteral("peelapi"), QStringLiteral("failed"), {},
                               QStringLiteral("gave up flooding"))) })
                << int(Follow::Via::Poll);
        }
        QTest::newRow("sse line that never ends")
            << QStringLiteral("peelapi")
            << S::spec({ S::route(QStringLiteral("POST"), QStringLiteral("/v1/portrait"),
                             S::submit(QStringLiteral("peelapi"), QStringLiteral("J1"))),
                   S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/J1/stream"),
                       QJsonObject { { k("kind"), QStringLiteral("flood") },
                           { k("mode"), QStringLiteral("raw") },
                           { k("content_type"), QStringLiteral("text/event-stream") },
                           { k("prefix"), QStringLiteral("retry: 1000\n\nevent: log\ndata: ") },
                           { k("limit"), FloodBytes } },
                       1, true),
                   S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/J1/stream"),
                       S::sse(S::peelApiSuccessEvents()), -1, true),
                   S::route(QStringLiteral("GET"), QStringLiteral("/v1/jobs/"),
                       S::status(QStringLiteral("peelapi"), QStringLiteral("succeeded"),
                           { QStringLiteral("{base}/files/a.png") })) })
            << int(Follow::Via::Sse);
        QJsonObject pusherStatus = S::status(
            QStringLiteral("deapi"), QString(), { QStringLiteral("{base}/files/a.png") });
        pusherStatus.insert(k("states"),
            QJsonArray { QStringLiteral("processing"), QStringLiteral("processing"),
                QStringLiteral("done") });
        QTest::newRow("pusher frame of 1 GiB")
            << QStringLiteral("deapi")
            << S::spec({ S::route(QStringLiteral("POST"), QStringLiteral("/api/v1/client/txt2img"),
                             S::submit(QStringLiteral("deapi"), QStringLiteral("J1"))),
                   S::route(QStringLiteral("GET"), QStringLiteral("/app/"),
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
            << int(Follow::Via::Pusher);
    }

    // Item 3: a chunked 1.5 GiB status body, an SSE line that never ends and a 1 GiB Pusher frame
    // keep the window's process under 256 MiB peak RSS, and the job still reaches an end (its
    // true state, or a clear error) within 60 s.
    void item3_readsAreBounded()
    {
        QFETCH(QString, dialect);
        QFETCH(QJsonObject, spec);
        QFETCH(int, via);
        HostileProcess server(spec);
        QVERIFY(server.ok());
        QTemporaryDir root;
        Run run;
        QElapsedTimer t;
        QVERIFY2(ProbeChecks::resetPeak(),
            "cannot reset this process's peak RSS (/proc/self/clear_refs)");
        const qint64 startKb = ProbeChecks::peakKb();
        t.start();
        {
            QNetworkAccessManager nam;
            Tracker::JobTracker tracker;
            std::unique_ptr<Store::JobHistory> history
                = openHistory(root.filePath(QStringLiteral("history.sqlite")));
            QVERIFY(history);
            Session::JobSession session(&nam, &tracker, history.get(), {});
            session.context()->setSilenceMs(2000);
            observe(&session, &run);
            session.setAutoDownload(false);
            Core::Profile p = profile(dialect, QStringLiteral("hostile"), server.base());
            if (dialect == QLatin1String("deapi")) {
                p.wsUrl = QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(server.port()));
                p.pusherKey = QStringLiteral("hk");
                p.clientId = QStringLiteral("7");
                p.authUrl = QUrl(server.base() + QStringLiteral("/broadcasting/auth"));
            }
            session.addProfile(p);
            session.submit(QStringLiteral("hostile"), S::task(dialect),
                QJsonObject { { k("prompt"), QStringLiteral("flood") } }, Follow::Via(via));
            (void)QTest::qWaitFor(
                [&] {
                    return !run.settled.isEmpty() || !run.fatal.isEmpty()
                        || !run.submitFailed.isEmpty() || ProbeChecks::peakKb() > 4 * RssBoundKb;
                },
                60000);
        }
        const qint64 peak = ProbeChecks::peakKb();
        print(QStringLiteral("session item3 ") + QString::fromLatin1(QTest::currentDataTag()), peak,
            t.elapsed(), run);
        QVERIFY2(peak < RssBoundKb,
            qPrintable(QStringLiteral("peak RSS %1 KiB (from %2 KiB at the start); %3")
                           .arg(peak)
                           .arg(startKb)
                           .arg(run.summary())));
        QVERIFY2(!run.settled.isEmpty() || !run.fatal.isEmpty(),
            qPrintable(QStringLiteral("no end within 60 s; ") + run.summary()));
    }

    // --- item 7

    // Item 7: two profiles (two base URLs) whose services both answer job id "same-1": the
    // session follows both to their end, and the history keeps two jobs, each with its own
    // profile, task and input.
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
        QTemporaryDir root;
        const QString historyPath = root.filePath(QStringLiteral("history.sqlite"));
        Run run;
        QElapsedTimer t;
        t.start();
        {
            QNetworkAccessManager nam;
            Tracker::JobTracker tracker;
            std::unique_ptr<Store::JobHistory> history = openHistory(historyPath);
            QVERIFY(history);
            Session::JobSession session(&nam, &tracker, history.get(), {});
            observe(&session, &run);
            session.setAutoDownload(false);
            session.addProfile(profile(QStringLiteral("peelapi"), QStringLiteral("A"), a->base()));
            session.addProfile(profile(QStringLiteral("peelapi"), QStringLiteral("B"), b->base()));
            session.submit(QStringLiteral("A"), QStringLiteral("v1/portrait"),
                QJsonObject { { k("prompt"), QStringLiteral("first") } }, Follow::Via::Poll);
            (void)QTest::qWaitFor(
                [&] { return !run.submitted.isEmpty() || !run.submitFailed.isEmpty(); }, 10000);
            session.submit(QStringLiteral("B"), QStringLiteral("v1/headshot"),
                QJsonObject { { k("prompt"), QStringLiteral("second") } }, Follow::Via::Poll);
            (void)QTest::qWaitFor(
                [&] {
                    return run.settled.size() >= 2 || !run.fatal.isEmpty()
                        || !run.submitFailed.isEmpty();
                },
                20000);
            (void)QTest::qWaitFor([&] { return session.isIdle(); }, 5000);
        }
        print(QStringLiteral("session item7 same id from two services"), -1, t.elapsed(), run);
        QStringList problems;
        if (run.submitted.size() != 2 || run.settled.size() != 2)
            problems << QStringLiteral("the session did not follow both jobs to their end: ")
                    + run.summary();
        Store::HistoryDatabase db;
        QVERIFY(db.open(historyPath, nullptr));
        if (db.jobCount() != 2)
            problems << QStringLiteral("the history holds %1 job(s), not 2").arg(db.jobCount());
        bool foundA = false, foundB = false;
        for (const Store::StoredJob &s : db.jobs()) {
            const QString prompt = s.job.input.value(k("prompt")).toString();
            const bool isA = s.profile.baseUrl == QUrl(a->base())
                && s.job.task == QLatin1String("v1/portrait") && prompt == QLatin1String("first");
            const bool isB = s.profile.baseUrl == QUrl(b->base())
                && s.job.task == QLatin1String("v1/headshot") && prompt == QLatin1String("second");
            foundA = foundA || isA;
            foundB = foundB || isB;
            if (!isA && !isB)
                problems << QStringLiteral("a mixed record: %1 with task %2 and prompt %3")
                                .arg(s.profile.baseUrl.toString(), s.job.task, prompt);
        }
        if (!foundA || !foundB)
            problems << QStringLiteral("lost: %1%2")
                            .arg(foundA ? QString()
                                        : QStringLiteral("A's job (v1/portrait, \"first\") "),
                                foundB ? QString()
                                       : QStringLiteral("B's job (v1/headshot, \"second\")"));
        QVERIFY2(problems.isEmpty(), qPrintable(joinLines(problems)));
    }
};

QTEST_GUILESS_MAIN(TestHostileSession)
#include "tst_hostilesession.moc"
