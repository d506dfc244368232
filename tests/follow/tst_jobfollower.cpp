// Follow::JobFollower's state machine for a PeelAPI job, against a scripted fake PeelAPI on
// 127.0.0.1 (GET /v1/jobs/{id} and its SSE stream GET /v1/jobs/{id}/stream), with a real
// FollowContext and JobTracker: a live stream that settles the job, a silent stream that gets
// polling alongside, a dropped stream resumed with Last-Event-ID and one reconcile read, a status
// read that knows the end before the stream does (the stream grace), a refused stream that falls
// back to polling, and status answers that cannot be read (fatal, or not when a good one comes
// in between).

#include "follow/followcontext.h"
#include "follow/jobfollower.h"
#include "tracker/jobtracker.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <functional>
#include <memory>

using Core::Channel;
using Core::JobState;
using Tracker::TimelineEntry;

namespace {

const QString JobId = QStringLiteral("job_follow1");
const QString ProfileName = QStringLiteral("peelapi");

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

// A scripted PeelAPI: answers each status read from the test's script (by its index), hands each
// stream request's socket to the test's script, and records every request with its time. One
// request per connection (answers carry Connection: close).
class FakePeelApi
{
public:
    struct Request
    {
        QByteArray head;
        qint64 atMs = 0; // on elapsedMs()'s clock
        QByteArray path() const { return head.split(' ').value(1); }
        QByteArray header(const QByteArray &name) const
        {
            for (const QByteArray &line : head.split('\n')) {
                const qsizetype colon = line.indexOf(':');
                if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                    return line.mid(colon + 1).trimmed();
            }
            return {};
        }
        bool hasHeader(const QByteArray &name) const
        {
            return head.toLower().contains("\r\n" + name.toLower() + ':');
        }
    };
    struct Answer
    {
        int status = 200;
        QByteArray body;
        QByteArray contentType = "application/json";
    };
    // index: 0 for the first status read.
    using StatusScript = std::function<Answer(int index)>;
    // index: 0 for the first stream request. The socket stays open until the script closes it.
    using StreamScript = std::function<void(QTcpSocket *socket, int index, const Request &r)>;

    FakePeelApi()
    {
        m_clock.start();
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection())
                accept(s);
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }

    bool isListening() const { return m_server.isListening(); }
    QUrl baseUrl() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()));
    }
    qint64 elapsedMs() const { return m_clock.elapsed(); }

    void setStatusScript(StatusScript script) { m_status = std::move(script); }
    void setStreamScript(StreamScript script) { m_stream = std::move(script); }

    const QList<Request> &statusReads() const { return m_statusReads; }
    const QList<Request> &streamRequests() const { return m_streamRequests; }
    // The socket of the latest stream request, while it is connected.
    QTcpSocket *stream() const { return m_lastStream; }
    // Stream connections that have ended (either side closed them).
    int streamsClosed() const { return m_streamsClosed; }
    // Requests for any other path (the follower must make none).
    int otherRequests() const { return m_other; }

    static QByteArray streamHead()
    {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
               "Connection: close\r\n\r\n";
    }
    static QByteArray answer(int status, const QByteArray &contentType, const QByteArray &body)
    {
        return "HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: " + contentType
            + "\r\nContent-Length: " + QByteArray::number(body.size())
            + "\r\nConnection: close\r\n\r\n" + body;
    }

private:
    void accept(QTcpSocket *s)
    {
        auto buffer = std::make_shared<QByteArray>();
        auto isStream = std::make_shared<bool>(false);
        QObject::connect(s, &QTcpSocket::disconnected, s, [this, s, isStream] {
            if (*isStream)
                ++m_streamsClosed;
            s->deleteLater();
        });
        QObject::connect(s, &QIODevice::readyRead, s, [this, s, buffer, isStream] {
            if (buffer->endsWith("\r\n\r\n")) {
                s->readAll(); // after the head: ignored
                return;
            }
            *buffer += s->readAll();
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            buffer->truncate(end + 4);
            const Request r { *buffer, m_clock.elapsed() };
            const QByteArray path = r.path();
            const QByteArray statusPath = "/v1/jobs/" + JobId.toLatin1();
            if (path == statusPath + "/stream" && r.head.startsWith("GET ")) {
                *isStream = true;
                m_streamRequests.append(r);
                m_lastStream = s;
                if (m_stream)
                    m_stream(s, int(m_streamRequests.size()) - 1, r);
            } else if (path == statusPath && r.head.startsWith("GET ")) {
                m_statusReads.append(r);
                const int index = int(m_statusReads.size()) - 1;
                const Answer a = m_status ? m_status(index) : Answer { 500, "{}" };
                s->write(answer(a.status, a.contentType, a.body));
                s->disconnectFromHost();
            } else {
                ++m_other;
                s->write(answer(404, "application/json", "{}"));
                s->disconnectFromHost();
            }
        });
    }

    StatusScript m_status;
    StreamScript m_stream;
    QList<Request> m_statusReads;
    QList<Request> m_streamRequests;
    QPointer<QTcpSocket> m_lastStream;
    int m_streamsClosed = 0;
    int m_other = 0;
    QElapsedTimer m_clock;
    // Last, so it goes first: its sockets' handlers still use the members above.
    QTcpServer m_server;
};

// One SSE event as the stream writes it.
QByteArray sse(const char *type, const QByteArray &data, int id = 0)
{
    QByteArray out;
    if (id > 0)
        out += "id: " + QByteArray::number(id) + '\n';
    return out + "event: " + type + "\ndata: " + data + "\n\n";
}

QByteArray statusEvent(const char *status, double progress, int id = 0)
{
    return sse("status",
        QJsonDocument(QJsonObject { { k("status"), QLatin1String(status) },
                          { k("progress"), progress }, { k("output"), QJsonValue::Null } })
            .toJson(QJsonDocument::Compact),
        id);
}

QByteArray logEvent(const char *message, const char *at, int id = 0)
{
    return sse("log",
        QJsonDocument(
            QJsonObject { { k("level"), k("info") }, { k("message"), QLatin1String(message) },
                { k("created_at"), QLatin1String(at) } })
            .toJson(QJsonDocument::Compact),
        id);
}

const QString ResultBase = QStringLiteral("https://static.peelapi.test/job_follow1/");

QByteArray resultEvent(int id = 0)
{
    const QJsonObject image { { k("w256"), ResultBase + k("output_1_w256.png") },
        { k("w512"), ResultBase + k("output_1_w512.png") },
        { k("w1024"), ResultBase + k("output_1_w1024.png") },
        { k("full"), ResultBase + k("output_1.png") } };
    return sse("result",
        QJsonDocument(
            QJsonObject { { k("images"), QJsonArray { image } }, { k("request_duration_s"), 4 },
                { k("model_id"), k("portrait-1-pro") }, { k("style_id"), 123 } })
            .toJson(QJsonDocument::Compact),
        id);
}

// GET /v1/jobs/{id} as the document shows it; a succeeded job lists two results.
FakePeelApi::Answer statusAnswer(const char *status, double progress)
{
    const bool done = QByteArray(status) == "succeeded";
    const QJsonValue outputs = done
        ? QJsonValue(QJsonObject { { k("results"),
            QJsonArray { QJsonObject { { k("url"), ResultBase + k("output_1.png") } },
                QJsonObject { { k("url"), ResultBase + k("output_2.png") } } } } })
        : QJsonValue(QJsonValue::Null);
    const QJsonObject data { { k("id"), JobId }, { k("status"), QLatin1String(status) },
        { k("progress"), progress }, { k("created_at"), k("2025-10-21T10:30:00Z") },
        { k("outputs"), outputs }, { k("error"), QJsonValue::Null } };
    return { 200,
        QJsonDocument(QJsonObject { { k("data"), data }, { k("errors"), QJsonValue::Null } })
            .toJson(QJsonDocument::Compact) };
}

// Writes an SSE comment every `everyMs` for as long as the socket lives.
void keepAlive(QTcpSocket *s, int everyMs)
{
    auto *timer = new QTimer(s);
    QObject::connect(timer, &QTimer::timeout, s, [s] {
        if (s->state() == QAbstractSocket::ConnectedState)
            s->write(": keep-alive\n\n");
    });
    timer->start(everyMs);
}

// What one test drives: the fake service, the context and tracker every follower shares, the
// follower of one PeelAPI job, and what it reported.
struct Rig
{
    FakePeelApi server; // first, so it outlives everything that talks to it
    QNetworkAccessManager nam;
    Tracker::JobTracker tracker;
    Follow::FollowContext ctx { &nam, &tracker };
    std::unique_ptr<Follow::JobFollower> follower;

    QList<JobState> settled;
    QList<qint64> settledAtMs; // on the server's clock
    QList<Core::JobError> fatals;
    qint64 fatalAtMs = -1;
    QStringList notices;
    QList<Channel> appliedChannels; // of every observation of the job that changed something

    Rig()
    {
        // Nothing from the defaults may stretch a test: each test sets what it relies on.
        ctx.setSilenceMs(60000);
        ctx.setStreamGraceMs(60000);
        ctx.setPollLimits(100, 400);
        ctx.setMaxFailedReads(3, 3);
    }

    void start(Follow::Via via = Follow::Via::Auto)
    {
        Core::Profile p;
        p.name = ProfileName;
        p.dialect = Core::Dialect::PeelApi;
        p.baseUrl = server.baseUrl();
        p.apiKey = QStringLiteral("test-key");
        p.stream = true;
        ctx.addProfile(p);
        tracker.track(JobId, ProfileName, Core::Dialect::PeelApi, QStringLiteral("v1/portrait"));
        QObject::connect(&tracker, &Tracker::JobTracker::applied, &tracker,
            [this](const QString &id, Tracker::JobTracker::Changes, const Core::JobUpdate &u) {
                if (id == JobId)
                    appliedChannels.append(u.channel);
            });
        follower = std::make_unique<Follow::JobFollower>(&ctx, ProfileName,
            Dialects::JobRef { JobId, QStringLiteral("v1/portrait") }, QJsonObject {}, via);
        QObject::connect(
            follower.get(), &Follow::JobFollower::settled, follower.get(), [this](JobState s) {
                settled.append(s);
                settledAtMs.append(server.elapsedMs());
            });
        QObject::connect(follower.get(), &Follow::JobFollower::fatal, follower.get(),
            [this](const Core::JobError &e) {
                fatals.append(e);
                fatalAtMs = server.elapsedMs();
            });
        QObject::connect(follower.get(), &Follow::JobFollower::notice, follower.get(),
            [this](const QString &m) { notices.append(m); });
        follower->start();
    }

    const Tracker::TrackedJob &job() const { return *tracker.job(JobId); }
    int noticesContaining(const QString &text) const { return int(notices.filter(text).size()); }
    QStringList logMessages() const
    {
        QStringList out;
        for (const Core::LogLine &l : job().logs)
            out.append(l.message);
        return out;
    }
    // The timeline as "kind[:state]@channel" words, e.g. "state:running@sse", "output@poll".
    QStringList timeline() const
    {
        QStringList out;
        for (const TimelineEntry &e : job().timeline) {
            QString word = TimelineEntry::kindName(e.kind);
            if (e.kind == TimelineEntry::Kind::State && e.state)
                word += QLatin1Char(':') + Core::stateName(*e.state);
            out.append(word + QLatin1Char('@') + Core::channelName(e.channel));
        }
        return out;
    }
};

QList<Channel> channels(std::initializer_list<std::pair<Channel, int>> runs)
{
    QList<Channel> out;
    for (const auto &[channel, n] : runs) {
        for (int i = 0; i < n; ++i)
            out.append(channel);
    }
    return out;
}

} // namespace

class TestJobFollower final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The stream carries the whole job (progress, a log line, the result, the terminal status,
    // `end`): it settles succeeded once on `end`, with no status read at all, since the result
    // event already brought the outputs (a status read completes only a success without any).
    void liveStreamToEnd_settlesSucceededOnceWithoutStatusReads()
    {
        Rig rig;
        rig.ctx.setStreamGraceMs(5000);
        rig.server.setStreamScript([](QTcpSocket *s, int, const FakePeelApi::Request &) {
            s->write(FakePeelApi::streamHead());
            s->write(statusEvent("processing", 0.25, 1)
                + logEvent("Processing input", "2025-10-21T10:30:05Z", 2)
                + statusEvent("processing", 0.75, 3) + resultEvent(4)
                + statusEvent("succeeded", 1.0, 5) + sse("end", "succeeded", 6));
        });
        QVERIFY(rig.server.isListening());
        rig.start();
        QCOMPARE(rig.follower->liveChannel(), QStringLiteral("sse"));
        QVERIFY(!rig.follower->isPolling());

        QTRY_COMPARE_WITH_TIMEOUT(rig.settled.size(), 1, 5000);
        QCOMPARE(rig.settled.first(), JobState::Succeeded);
        // Settled by `end`, not by the 5 s grace a terminal status event started.
        QVERIFY2(rig.settledAtMs.first() - rig.server.streamRequests().first().atMs < 2500,
            qPrintable(QString::number(rig.settledAtMs.first())));
        QTest::qWait(400);
        QCOMPARE(rig.settled.size(), 1);
        QVERIFY(rig.fatals.isEmpty());

        QCOMPARE(rig.server.streamRequests().size(), 1);
        QVERIFY(!rig.server.streamRequests().first().hasHeader("Last-Event-ID"));
        QCOMPARE(
            rig.server.streamRequests().first().header("Accept"), QByteArray("text/event-stream"));
        QCOMPARE(rig.server.streamRequests().first().header("Authorization"),
            QByteArray("Bearer test-key"));
        QCOMPARE(rig.server.statusReads().size(), 0);
        QCOMPARE(rig.follower->statusReads(), 0);
        QCOMPARE(rig.server.otherRequests(), 0);
        QVERIFY(!rig.follower->isPolling());
        QVERIFY2(rig.notices.isEmpty(), qPrintable(rig.notices.join(QLatin1Char('\n'))));

        // Six events, each one news, all over the stream.
        QCOMPARE(rig.appliedChannels, channels({ { Channel::Sse, 6 } }));
        const Tracker::TrackedJob &job = rig.job();
        QCOMPARE(job.state, JobState::Succeeded);
        QCOMPARE(job.rawStatus, QStringLiteral("succeeded"));
        QCOMPARE(job.progress, 1.0);
        QCOMPARE(rig.logMessages(), QStringList { QStringLiteral("Processing input") });
        QCOMPARE(job.outputs.size(), 4);
        QCOMPARE(job.extra.value(k("model_id")).toString(), QStringLiteral("portrait-1-pro"));
        QCOMPARE(rig.timeline(),
            QStringList({ "state:running@sse", "output@sse", "output@sse", "output@sse",
                "output@sse", "state:succeeded@sse", "ended@sse" }));
    }

    // A stream that ends succeeded without a result event: one status read ("final details")
    // brings the outputs, then it settles once. The stream's own end is no reason to poll.
    void liveStreamEndWithoutOutputs_oneFinalStatusReadThenSettlesOnce()
    {
        Rig rig;
        rig.ctx.setStreamGraceMs(5000);
        rig.server.setStreamScript([](QTcpSocket *s, int, const FakePeelApi::Request &) {
            s->write(FakePeelApi::streamHead());
            s->write(statusEvent("processing", 0.5, 1) + statusEvent("succeeded", 1.0, 2)
                + sse("end", "succeeded", 3));
        });
        rig.server.setStatusScript([](int) { return statusAnswer("succeeded", 1.0); });
        rig.start();

        QTRY_COMPARE_WITH_TIMEOUT(rig.settled.size(), 1, 5000);
        QCOMPARE(rig.settled.first(), JobState::Succeeded);
        // Settled by the final read, not by the 5 s grace the terminal status event started.
        QVERIFY(rig.settledAtMs.first() - rig.server.streamRequests().first().atMs < 2500);
        QTest::qWait(400);
        QCOMPARE(rig.settled.size(), 1);
        QCOMPARE(rig.server.statusReads().size(), 1);
        QCOMPARE(rig.follower->statusReads(), 1);
        QCOMPARE(rig.server.streamRequests().size(), 1);
        QVERIFY(rig.server.statusReads().first().atMs >= rig.server.streamRequests().first().atMs);
        QVERIFY(!rig.follower->isPolling());
        QVERIFY2(rig.notices.isEmpty(), qPrintable(rig.notices.join(QLatin1Char('\n'))));
        QCOMPARE(rig.appliedChannels, channels({ { Channel::Sse, 3 }, { Channel::Poll, 1 } }));
        QCOMPARE(rig.job().outputs.size(), 2);
        QCOMPARE(rig.timeline(),
            QStringList({ "state:running@sse", "state:succeeded@sse", "ended@sse", "output@poll",
                "output@poll" }));
    }

    // The stream opens and then sends only keep-alive comments: those are not news, so once the
    // silence window has passed polling joins in (a notice says so); the polls bring the job to
    // succeeded and, the stream still quiet, it settles once after the stream grace.
    void silentStream_pollsAlongsideAfterSilenceAndSettlesFromPoll()
    {
        Rig rig;
        const int silenceMs = 700;
        rig.ctx.setSilenceMs(silenceMs);
        rig.ctx.setStreamGraceMs(400);
        rig.server.setStreamScript([](QTcpSocket *s, int, const FakePeelApi::Request &) {
            s->write(FakePeelApi::streamHead());
            s->write(": hello\n\n");
            keepAlive(s, 150);
        });
        rig.server.setStatusScript([](int i) {
            return i < 2 ? statusAnswer("processing", 0.3 * (i + 1))
                         : statusAnswer("succeeded", 1.0);
        });
        rig.start();

        QTRY_COMPARE_WITH_TIMEOUT(rig.settled.size(), 1, 8000);
        QCOMPARE(rig.settled.first(), JobState::Succeeded);
        QTest::qWait(400);
        QCOMPARE(rig.settled.size(), 1);
        QVERIFY(rig.fatals.isEmpty());

        const auto &reads = rig.server.statusReads();
        QCOMPARE(reads.size(), 3); // processing, processing, succeeded: polling stops there
        QCOMPARE(rig.follower->statusReads(), 3);
        const qint64 opened = rig.server.streamRequests().first().atMs;
        QVERIFY2(reads.first().atMs - opened >= silenceMs - 50,
            qPrintable(QStringLiteral("first poll %1 ms after the stream opened")
                           .arg(reads.first().atMs - opened)));
        QVERIFY(reads.first().atMs - opened < silenceMs + 1500);
        // The schedule of the context's limits: 100 ms, then 200 ms.
        QVERIFY(reads.at(1).atMs - reads.at(0).atMs >= 90);
        QVERIFY(reads.at(2).atMs - reads.at(1).atMs >= 180);
        QCOMPARE(
            rig.noticesContaining(QStringLiteral("polling alongside sse: no news over sse")), 1);
        QCOMPARE(rig.noticesContaining(QStringLiteral("the stream did not reach its end")), 1);
        // After the terminal read: the grace (400 ms), then the stream is closed, never reopened.
        QVERIFY(rig.settledAtMs.first() - reads.at(2).atMs >= 400 * 9 / 10);
        QTRY_COMPARE_WITH_TIMEOUT(rig.server.streamsClosed(), 1, 2000);
        QCOMPARE(rig.server.streamRequests().size(), 1);
        QVERIFY(!rig.follower->isPolling());

        QCOMPARE(rig.appliedChannels, channels({ { Channel::Poll, 3 } }));
        QCOMPARE(rig.job().state, JobState::Succeeded);
        QCOMPARE(rig.job().outputs.size(), 2);
        QCOMPARE(rig.timeline(),
            QStringList(
                { "state:running@poll", "state:succeeded@poll", "output@poll", "output@poll" }));
    }

    // The stream drops mid-job: it comes back after its `retry:` delay with Last-Event-ID set to
    // the last id seen, the follower reads the status once to reconcile, and the events the
    // server replays (ids it had already sent) change nothing: every log line and state once.
    void droppedStream_reconnectsWithLastEventIdAndReconcilesOnce()
    {
        Rig rig;
        rig.ctx.setStreamGraceMs(5000);
        rig.server.setStreamScript([](QTcpSocket *s, int index, const FakePeelApi::Request &) {
            s->write(FakePeelApi::streamHead());
            if (index == 0) {
                s->write("retry: 200\n\n" + statusEvent("processing", 0.2, 1)
                    + logEvent("Processing input", "2025-10-21T10:30:05Z", 2)
                    + statusEvent("processing", 0.5, 3));
                s->disconnectFromHost(); // dropped mid-job
            }
            // The second connection stays open; the replay follows the reconcile read.
        });
        rig.server.setStatusScript([](int) { return statusAnswer("processing", 0.5); });
        // The replay goes out once the follower has taken in its reconcile read.
        QObject::connect(&rig.tracker, &Tracker::JobTracker::applied, &rig.tracker,
            [&rig](const QString &, Tracker::JobTracker::Changes, const Core::JobUpdate &u) {
                QTcpSocket *s = rig.server.stream();
                if (u.channel != Channel::Poll || !s)
                    return;
                // From id 2: what the client already has (2, 3), then the rest.
                s->write(logEvent("Processing input", "2025-10-21T10:30:05Z", 2)
                    + statusEvent("processing", 0.5, 3)
                    + logEvent("Running model inference", "2025-10-21T10:30:12Z", 4)
                    + resultEvent(5) + statusEvent("succeeded", 1.0, 6)
                    + sse("end", "succeeded", 7));
            });
        rig.start();

        QTRY_COMPARE_WITH_TIMEOUT(rig.settled.size(), 1, 8000);
        QCOMPARE(rig.settled.first(), JobState::Succeeded);
        QTest::qWait(400);
        QCOMPARE(rig.settled.size(), 1);
        QVERIFY(rig.fatals.isEmpty());

        const auto &streams = rig.server.streamRequests();
        QCOMPARE(streams.size(), 2);
        QVERIFY(!streams.at(0).hasHeader("Last-Event-ID"));
        QCOMPARE(streams.at(1).header("Last-Event-ID"), QByteArray("3"));
        // The stream's `retry: 200`, not the 3 s default.
        QVERIFY(streams.at(1).atMs - streams.at(0).atMs >= 150);
        QVERIFY(streams.at(1).atMs - streams.at(0).atMs < 2500);
        QCOMPARE(rig.server.statusReads().size(), 1);
        QCOMPARE(rig.follower->statusReads(), 1);
        QVERIFY(rig.server.statusReads().first().atMs >= streams.at(1).atMs);
        QCOMPARE(
            rig.noticesContaining(QStringLiteral("stream dropped; reconnecting in 200 ms")), 1);
        QCOMPARE(rig.noticesContaining(QStringLiteral("stream reconnected (Last-Event-ID 3)")), 1);
        QCOMPARE(rig.noticesContaining(QStringLiteral("polling alongside")), 0);

        // 3 events before the drop; the reconcile read (its only news: the job's created_at,
        // which no event carries); 4 new events. The replayed ids 2 and 3 brought nothing.
        QCOMPARE(rig.appliedChannels,
            channels({ { Channel::Sse, 3 }, { Channel::Poll, 1 }, { Channel::Sse, 4 } }));
        QVERIFY(rig.job().timings.contains(k("created_ms")));
        // Every event was applied under its id.
        QCOMPARE(rig.job().seenKeys,
            QSet<QString>({ "sse:1", "sse:2", "sse:3", "sse:4", "sse:5", "sse:6", "sse:7" }));
        QCOMPARE(rig.logMessages(),
            QStringList(
                { QStringLiteral("Processing input"), QStringLiteral("Running model inference") }));
        QCOMPARE(rig.job().outputs.size(), 4);
        QCOMPARE(rig.timeline(),
            QStringList({ "state:running@sse", "output@sse", "output@sse", "output@sse",
                "output@sse", "state:succeeded@sse", "ended@sse" }));
    }

    // A status read (polling alongside a quiet stream) says succeeded: the follower waits the
    // stream grace for `end`, which never comes, then settles once, closes the stream, and
    // neither reads nor reconnects again.
    void terminalStatusRead_quietStream_settlesOnceAfterGrace()
    {
        Rig rig;
        const int graceMs = 1000;
        rig.ctx.setSilenceMs(400);
        rig.ctx.setStreamGraceMs(graceMs);
        rig.server.setStreamScript([](QTcpSocket *s, int, const FakePeelApi::Request &) {
            s->write(FakePeelApi::streamHead());
            s->write(statusEvent("processing", 0.4, 1));
            keepAlive(s, 150);
        });
        rig.server.setStatusScript([](int) { return statusAnswer("succeeded", 1.0); });
        rig.start();

        QTRY_COMPARE_WITH_TIMEOUT(rig.server.statusReads().size(), 1, 5000);
        const qint64 readAt = rig.server.statusReads().first().atMs;
        QTRY_COMPARE_WITH_TIMEOUT(rig.settled.size(), 1, graceMs + 3000);
        QCOMPARE(rig.settled.first(), JobState::Succeeded);
        const qint64 waited = rig.settledAtMs.first() - readAt;
        QVERIFY2(waited >= graceMs * 9 / 10,
            qPrintable(QStringLiteral("settled %1 ms after the terminal read").arg(waited)));
        QVERIFY(waited < graceMs + 1500);
        QCOMPARE(
            rig.noticesContaining(QStringLiteral("the stream did not reach its end within 1 s")),
            1);
        // The stream is closed by the follower: nothing it sends later can settle it again.
        QTRY_COMPARE_WITH_TIMEOUT(rig.server.streamsClosed(), 1, 2000);
        QTest::qWait(500); // and nothing after: no read, no reconnect, no second settle
        QCOMPARE(rig.settled.size(), 1);
        QVERIFY(rig.fatals.isEmpty());
        QCOMPARE(rig.server.statusReads().size(), 1); // polling stopped at the terminal read
        QCOMPARE(rig.server.streamRequests().size(), 1);
        QVERIFY(!rig.follower->isPolling());
        QCOMPARE(rig.appliedChannels, channels({ { Channel::Sse, 1 }, { Channel::Poll, 1 } }));
        QCOMPARE(rig.timeline(),
            QStringList(
                { "state:running@sse", "state:succeeded@poll", "output@poll", "output@poll" }));
    }

    // As above, but `end` arrives within the grace: it settles on `end` (before the grace is
    // over), once; the grace timer does not settle it a second time when its time comes.
    void terminalStatusRead_endWithinGrace_settlesOnceOnEnd()
    {
        Rig rig;
        const int graceMs = 1000;
        rig.ctx.setSilenceMs(400);
        rig.ctx.setStreamGraceMs(graceMs);
        rig.server.setStreamScript([](QTcpSocket *s, int, const FakePeelApi::Request &) {
            s->write(FakePeelApi::streamHead());
            s->write(statusEvent("processing", 0.4, 1));
            keepAlive(s, 150);
        });
        rig.server.setStatusScript([](int) { return statusAnswer("succeeded", 1.0); });
        // `end` follows 300 ms after the follower took in the terminal read.
        QObject::connect(&rig.tracker, &Tracker::JobTracker::applied, &rig.tracker,
            [&rig](const QString &, Tracker::JobTracker::Changes, const Core::JobUpdate &u) {
                if (u.channel != Channel::Poll)
                    return;
                QTimer::singleShot(300, &rig.tracker, [&rig] {
                    if (QTcpSocket *s = rig.server.stream())
                        s->write(sse("end", "succeeded", 2));
                });
            });
        rig.start();

        QTRY_COMPARE_WITH_TIMEOUT(rig.settled.size(), 1, 5000);
        QCOMPARE(rig.settled.first(), JobState::Succeeded);
        const qint64 readAt = rig.server.statusReads().first().atMs;
        QVERIFY(rig.settledAtMs.first() - readAt >= 250);
        QVERIFY2(rig.settledAtMs.first() - readAt < graceMs * 9 / 10,
            qPrintable(QStringLiteral("settled %1 ms after the terminal read")
                           .arg(rig.settledAtMs.first() - readAt)));
        // Past the point where the grace would have ended.
        QTest::qWait(int(readAt + graceMs + 500 - rig.server.elapsedMs()));
        QVERIFY(rig.server.elapsedMs() > readAt + graceMs);
        QCOMPARE(rig.settled.size(), 1);
        QCOMPARE(rig.noticesContaining(QStringLiteral("the stream did not reach its end")), 0);
        QVERIFY(rig.fatals.isEmpty());
        QCOMPARE(rig.server.statusReads().size(), 1);
        QCOMPARE(rig.server.streamRequests().size(), 1);
        QCOMPARE(rig.appliedChannels,
            channels({ { Channel::Sse, 1 }, { Channel::Poll, 1 }, { Channel::Sse, 1 } }));
        QCOMPARE(rig.timeline(),
            QStringList({ "state:running@sse", "state:succeeded@poll", "output@poll", "output@poll",
                "ended@sse" }));
    }

    void refusedStream_fallsBackToPollingAndSettlesFromPolls_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QString>("why");
        QTest::newRow("500") << 500 << QByteArray("application/json")
                             << QStringLiteral(
                                    "polling alongside sse: the stream failed (HTTP 500");
        QTest::newRow("404") << 404 << QByteArray("application/json")
                             << QStringLiteral("polling alongside sse: the stream was refused");
        QTest::newRow("200 not an event stream")
            << 200 << QByteArray("text/html")
            << QStringLiteral("polling alongside sse: the stream failed");
    }

    // A stream that is refused or is not an event stream is over for good: polling takes over at
    // once (no silence window, no reconnect), and the terminal poll settles the job at once (no
    // grace waited for a stream that will never come).
    void refusedStream_fallsBackToPollingAndSettlesFromPolls()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, contentType);
        QFETCH(QString, why);
        Rig rig; // silence window and stream grace at 60 s: neither may play a part
        rig.server.setStreamScript(
            [status, contentType](QTcpSocket *s, int, const FakePeelApi::Request &) {
                const QByteArray body = contentType == "text/html"
                    ? QByteArray("<html>maintenance</html>")
                    : QByteArray(R"({"errors":[{"code":"stream_unavailable","message":"no"}]})");
                s->write(FakePeelApi::answer(status, contentType, body));
                s->disconnectFromHost();
            });
        rig.server.setStatusScript([](int i) {
            return i < 2 ? statusAnswer("processing", 0.3 * (i + 1))
                         : statusAnswer("succeeded", 1.0);
        });
        rig.start();

        QTRY_COMPARE_WITH_TIMEOUT(rig.settled.size(), 1, 5000);
        QCOMPARE(rig.settled.first(), JobState::Succeeded);
        const qint64 lastRead = rig.server.statusReads().last().atMs;
        QVERIFY2(rig.settledAtMs.first() - lastRead < 1000,
            qPrintable(QStringLiteral("settled %1 ms after the terminal read")
                           .arg(rig.settledAtMs.first() - lastRead)));
        QTest::qWait(400);
        QCOMPARE(rig.settled.size(), 1);
        QVERIFY(rig.fatals.isEmpty());
        QCOMPARE(rig.server.streamRequests().size(), 1);
        QCOMPARE(rig.server.statusReads().size(), 3);
        QCOMPARE(rig.follower->statusReads(), 3);
        QVERIFY(rig.server.statusReads().first().atMs - rig.server.streamRequests().first().atMs
            < 1000);
        QCOMPARE(rig.noticesContaining(why), 1);
        QCOMPARE(rig.noticesContaining(QStringLiteral("the stream did not reach its end")), 0);
        QVERIFY(!rig.follower->isPolling());
        QCOMPARE(rig.appliedChannels, channels({ { Channel::Poll, 3 } }));
        QCOMPARE(rig.timeline(),
            QStringList(
                { "state:running@poll", "state:succeeded@poll", "output@poll", "output@poll" }));
    }

    void refusedStreamAndStatus_fatalWithTheStatusReadsKind_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<Core::JobError::Kind>("kind");
        QTest::newRow("401") << 401 << Core::JobError::Kind::Auth;
        QTest::newRow("404") << 404 << Core::JobError::Kind::NotFound;
    }

    // The stream refused, and the first status read too: that read says why (a key refused, an
    // unknown job), fatal at once, with nothing read after it.
    void refusedStreamAndStatus_fatalWithTheStatusReadsKind()
    {
        QFETCH(int, status);
        QFETCH(Core::JobError::Kind, kind);
        Rig rig;
        const QByteArray body = R"({"errors":[{"code":"refused","message":"not for you"}]})";
        rig.server.setStreamScript(
            [status, body](QTcpSocket *s, int, const FakePeelApi::Request &) {
                s->write(FakePeelApi::answer(status, "application/json", body));
                s->disconnectFromHost();
            });
        rig.server.setStatusScript([status, body](int) {
            return FakePeelApi::Answer { status, body };
        });
        rig.start();

        QTRY_COMPARE_WITH_TIMEOUT(rig.fatals.size(), 1, 5000);
        QCOMPARE(rig.fatals.first().kind, kind);
        QCOMPARE(rig.fatals.first().httpStatus, status);
        QCOMPARE(rig.fatals.first().message, QStringLiteral("not for you"));
        QTest::qWait(600); // longer than the next poll delay (400 ms)
        QCOMPARE(rig.fatals.size(), 1);
        QVERIFY(rig.settled.isEmpty());
        QCOMPARE(rig.server.streamRequests().size(), 1);
        QCOMPARE(rig.server.statusReads().size(), 1);
        QVERIFY(!rig.job().state);
    }

    void unreadableStatus_fatalProtocolAfterMaxReadsInARow_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("last");
        QTest::newRow("not JSON") << 200 << QByteArray("text/html")
                                  << QByteArray("<html>oops</html>")
                                  << QStringLiteral("the answer is not JSON");
        QTest::newRow("unknown status")
            << 200 << QByteArray("application/json")
            << QByteArray(R"({"data":{"id":"job_follow1","status":"exploded"}})")
            << QStringLiteral("unknown status");
        QTest::newRow("HTTP 500") << 500 << QByteArray("application/json")
                                  << QByteArray(
                                         R"({"errors":[{"code":"internal","message":"boom"}]})")
                                  << QStringLiteral("boom");
    }

    // Status answers that cannot be read, again and again: after maxUnreadableReads (3 here) in a
    // row the follower gives up with a retryable Protocol error, once, and reads no more.
    void unreadableStatus_fatalProtocolAfterMaxReadsInARow()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(QString, last);
        Rig rig;
        rig.server.setStatusScript([=](int) {
            return FakePeelApi::Answer { status, body, contentType };
        });
        rig.start(Follow::Via::Poll);
        QCOMPARE(rig.follower->liveChannel(), QString());
        QVERIFY(rig.follower->isPolling());

        QTRY_COMPARE_WITH_TIMEOUT(rig.fatals.size(), 1, 5000);
        const Core::JobError &e = rig.fatals.first();
        QCOMPARE(e.kind, Core::JobError::Kind::Protocol);
        QVERIFY(e.retryable);
        QVERIFY2(e.message.startsWith(
                     QStringLiteral("3 status reads in a row could not be read; the last: ")),
            qPrintable(e.message));
        QVERIFY2(e.message.contains(last), qPrintable(e.message));
        // Reads at 0, 100 and 300 ms: well within a second.
        QVERIFY(rig.fatalAtMs - rig.server.statusReads().first().atMs < 2000);
        QTest::qWait(600); // longer than the next poll delay (400 ms)
        QCOMPARE(rig.fatals.size(), 1);
        QCOMPARE(rig.server.statusReads().size(), 3);
        QCOMPARE(rig.follower->statusReads(), 3);
        QVERIFY(rig.settled.isEmpty());
        QVERIFY(!rig.job().state);
        QCOMPARE(rig.server.streamRequests().size(), 0);
    }

    // Unreadable answers that are not in a row (a good one in between) never add up to fatal.
    void unreadableStatusNotInARow_keepsPollingAndSettles()
    {
        Rig rig;
        rig.ctx.setPollLimits(100, 200);
        rig.server.setStatusScript([](int i) {
            if (i == 2)
                return statusAnswer("processing", 0.5);
            if (i == 5)
                return statusAnswer("succeeded", 1.0);
            return FakePeelApi::Answer { 200, "not json", "text/plain" };
        });
        rig.start(Follow::Via::Poll);

        QTRY_COMPARE_WITH_TIMEOUT(rig.settled.size(), 1, 6000);
        QCOMPARE(rig.settled.first(), JobState::Succeeded);
        QTest::qWait(400);
        QCOMPARE(rig.settled.size(), 1);
        QVERIFY(rig.fatals.isEmpty());
        QCOMPARE(rig.server.statusReads().size(), 6);
        QCOMPARE(rig.job().outputs.size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestJobFollower)
#include "tst_jobfollower.moc"
