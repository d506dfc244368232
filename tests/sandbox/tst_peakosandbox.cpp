// Integration tests of the sandbox's Peako front end (document 003) through a real socket: submit
// for every operation, GET /api/jobs/:jobId with fields exactly as the document's table says,
// cancel (queued only), the job list with worker counts, the worker pool bound, and retention.
#include "testhttp.h"
#include "testjson.h"
#include "testverify.h"

#include <QDateTime>
#include <QTest>
#include <QUuid>
#include <algorithm>
#include <limits>
#include <memory>
#include <utility>

using namespace TestSupport;

namespace {

// Run a checking helper and stop the calling test when it failed.
#define VERIFY_ERROR(...) VERIFY_HELPER(verifyError(__VA_ARGS__))
#define VERIFY_COMMON(...) VERIFY_HELPER(verifyCommon(__VA_ARGS__))

const QString kVideo = QStringLiteral("https://example.com/clip.mp4");

QJsonObject renderBody(const QJsonObject &sandbox = {})
{
    QJsonObject o { { QLatin1String("template"), QStringLiteral("promo") },
        { QLatin1String("title"), QStringLiteral("Launch") }, { QLatin1String("width"), 96 },
        { QLatin1String("height"), 64 }, { QLatin1String("fps"), 2 },
        { QLatin1String("duration_s"), 1 } };
    if (!sandbox.isEmpty())
        o.insert(QLatin1String("sandbox"), sandbox);
    return o;
}

} // namespace

class TestPeakoSandbox final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;

    static QString jobUrl(const TestSandbox &sb, const QString &id)
    {
        return sb.base("peako") + QStringLiteral("/api/jobs/") + id;
    }
    HttpResult post(const TestSandbox &sb, const QString &path, const QJsonObject &body)
    {
        return m_http.post(sb.base("peako") + QLatin1Char('/') + path, body, sb.apiKey("peako"));
    }
    QString submitId(const TestSandbox &sb, const QString &path, const QJsonObject &body)
    {
        const HttpResult r = post(sb, path, body);
        if (r.status != 202)
            qWarning() << "submit refused" << r.status << r.body;
        return r.json().value(QLatin1String("jobId")).toString();
    }
    QString submitId(const QString &path, const QJsonObject &body)
    {
        return submitId(*m_sb, path, body);
    }
    HttpResult get(const TestSandbox &sb, const QString &id)
    {
        return m_http.get(jobUrl(sb, id), sb.apiKey("peako"));
    }
    QJsonObject job(const QString &id) { return get(*m_sb, id).json(); }
    QString state(const TestSandbox &sb, const QString &id)
    {
        return get(sb, id).json().value(QLatin1String("status")).toString();
    }
    QString state(const QString &id) { return state(*m_sb, id); }
    HttpResult del(const QString &id)
    {
        return m_http.del(jobUrl(*m_sb, id), m_sb->apiKey("peako"));
    }
    QJsonObject list(const TestSandbox &sb)
    {
        return m_http.get(sb.base("peako") + QStringLiteral("/api/jobs"), sb.apiKey("peako"))
            .json();
    }
    QJsonObject listItem(const TestSandbox &sb, const QString &id)
    {
        for (const QJsonValue &v : list(sb).value(QLatin1String("jobs")).toArray()) {
            if (v.toObject().value(QLatin1String("id")).toString() == id)
                return v.toObject();
        }
        return {};
    }

    static void verifyError(const HttpResult &r, int status) { verifyErrorAnswer(r, status); }
    // The fields every status has, with createdAt/updatedAt in Unix milliseconds around now.
    static void verifyCommon(const QJsonObject &o, const QString &id, const QString &status)
    {
        QCOMPARE(o.value(QLatin1String("jobId")).toString(), id);
        QCOMPARE(o.value(QLatin1String("status")).toString(), status);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const char *k : { "createdAt", "updatedAt" }) {
            QVERIFY2(isWholeNumber(o.value(QLatin1String(k))), k);
            const qint64 t = qint64(o.value(QLatin1String(k)).toDouble());
            QVERIFY2(t > now - 120000 && t <= now + 1000, k); // milliseconds, not seconds
        }
        QVERIFY(o.value(QLatin1String("updatedAt")).toDouble()
            >= o.value(QLatin1String("createdAt")).toDouble());
    }
    static QStringList keysWith(std::initializer_list<const char *> extra)
    {
        QStringList k { QStringLiteral("jobId"), QStringLiteral("status"),
            QStringLiteral("createdAt"), QStringLiteral("updatedAt") };
        for (const char *e : extra)
            k.append(QLatin1String(e));
        return sorted(k);
    }
    // Submits all bodies at once, on parallel connections; returns the job ids in request order.
    QStringList submitConcurrently(const QString &path, const QList<QJsonObject> &bodies)
    {
        QList<QNetworkReply *> replies;
        for (const QJsonObject &b : bodies) {
            QNetworkRequest req(QUrl(m_sb->base("peako") + QLatin1Char('/') + path));
            req.setRawHeader("X-API-Key", m_sb->key("peako"));
            req.setRawHeader("Content-Type", "application/json");
            replies.append(m_http.nam().post(req, QJsonDocument(b).toJson(QJsonDocument::Compact)));
        }
        if (!QTest::qWaitFor(
                [&] {
                    return std::all_of(replies.cbegin(), replies.cend(),
                        [](QNetworkReply *r) { return r->isFinished(); });
                },
                10000))
            qWarning() << "concurrent submits did not all finish";
        QStringList ids;
        for (QNetworkReply *r : replies) {
            ids.append(QJsonDocument::fromJson(r->readAll())
                           .object()
                           .value(QLatin1String("jobId"))
                           .toString());
            r->deleteLater();
        }
        return ids;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sb = std::make_unique<TestSandbox>();
        m_http.setSandboxToken(m_sb->controlToken());
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
    }
    void cleanupTestCase() { m_sb.reset(); }

    void everyOperationRunsToItsOutput_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QJsonObject>("body");
        QTest::addColumn<QString>("type");
        QTest::newRow("render") << QStringLiteral("api/render") << renderBody()
                                << QStringLiteral("PEAKO_RENDER");
        QTest::newRow("transcribe")
            << QStringLiteral("api/transcribe")
            << QJsonObject { { QLatin1String("media_url"), kVideo },
                   { QLatin1String("language"), QStringLiteral("de") },
                   { QLatin1String("duration_s"), 7 },
                   { QLatin1String("script"),
                       QStringLiteral("Hello and welcome to the launch of our new product") } }
            << QStringLiteral("PEAKO_TRANSCRIBE");
        QTest::newRow("trim") << QStringLiteral("api/video/trim")
                              << QJsonObject { { QLatin1String("video_url"), kVideo },
                                     { QLatin1String("start_ms"), 250 },
                                     { QLatin1String("end_ms"), 900 },
                                     { QLatin1String("duration_s"), 1 } }
                              << QStringLiteral("PEAKO_TRIM");
        QTest::newRow("merge") << QStringLiteral("api/video/merge")
                               << QJsonObject { { QLatin1String("video_urls"),
                                                    QJsonArray { kVideo,
                                                        QStringLiteral(
                                                            "https://example.com/b.mp4") } },
                                      { QLatin1String("duration_s"), 1 } }
                               << QStringLiteral("PEAKO_MERGE");
        QTest::newRow("mute") << QStringLiteral("api/video/mute")
                              << QJsonObject { { QLatin1String("video_url"), kVideo },
                                     { QLatin1String("duration_s"), 1 } }
                              << QStringLiteral("PEAKO_MUTE");
        QTest::newRow("add-audio")
            << QStringLiteral("api/video/add-audio")
            << QJsonObject { { QLatin1String("video_url"), kVideo },
                   { QLatin1String("audio_url"), QStringLiteral("https://example.com/music.mp3") },
                   { QLatin1String("volume"), 0.5 }, { QLatin1String("duration_s"), 1 } }
            << QStringLiteral("PEAKO_ADD_AUDIO");
        QTest::newRow("subtitle")
            << QStringLiteral("api/video/subtitle")
            << QJsonObject { { QLatin1String("video_url"), kVideo },
                   { QLatin1String("captions"),
                       QJsonArray { QJsonObject { { QLatin1String("id"), QStringLiteral("1") },
                           { QLatin1String("from"), 0 }, { QLatin1String("to"), 800 },
                           { QLatin1String("text"), QStringLiteral("Hi") } } } },
                   { QLatin1String("style"), QStringLiteral("bold") },
                   { QLatin1String("duration_s"), 1 } }
            << QStringLiteral("PEAKO_SUBTITLE");
        QTest::newRow("blur") << QStringLiteral("api/video/blur")
                              << QJsonObject { { QLatin1String("video_url"), kVideo },
                                     { QLatin1String("radius"), 8 },
                                     { QLatin1String("duration_s"), 1 } }
                              << QStringLiteral("PEAKO_BLUR");
        QTest::newRow("speed-ramp")
            << QStringLiteral("api/video/speed-ramp")
            << QJsonObject { { QLatin1String("video_url"), kVideo },
                   { QLatin1String("speed"), 1.5 }, { QLatin1String("duration_s"), 1 } }
            << QStringLiteral("PEAKO_SPEED_RAMP");
    }
    void everyOperationRunsToItsOutput()
    {
        // Each operation answers 202 {jobId, status queued, type} and ends done with outputUrl
        // (video) or captions.
        QFETCH(QString, path);
        QFETCH(QJsonObject, body);
        QFETCH(QString, type);
        body.insert(
            QLatin1String("sandbox"), QJsonObject { { QLatin1String("duration_ms"), 150 } });
        const HttpResult r = post(*m_sb, path, body);
        QCOMPARE(r.status, 202);
        const QJsonObject o = r.json();
        QCOMPARE(sortedKeys(o),
            sorted({ QStringLiteral("jobId"), QStringLiteral("status"), QStringLiteral("type") }));
        const QString id = o.value(QLatin1String("jobId")).toString();
        QVERIFY2(!QUuid::fromString(id).isNull(), qPrintable(id));
        QCOMPARE(o.value(QLatin1String("status")).toString(), QStringLiteral("queued"));
        QCOMPARE(o.value(QLatin1String("type")).toString(), type);

        QTRY_COMPARE_WITH_TIMEOUT(state(id), QStringLiteral("done"), 15000);
        const QJsonObject s = job(id);
        VERIFY_COMMON(s, id, QStringLiteral("done"));
        QCOMPARE(listItem(*m_sb, id).value(QLatin1String("type")).toString(), type);
        if (type == QLatin1String("PEAKO_TRANSCRIBE")) {
            QCOMPARE(sortedKeys(s), keysWith({ "captions" }));
            const QJsonArray captions = s.value(QLatin1String("captions")).toArray();
            QVERIFY(captions.size() >= 2);
            qint64 expectFrom = 0;
            for (qsizetype i = 0; i < captions.size(); ++i) {
                const QJsonObject c = captions.at(i).toObject();
                QCOMPARE(sortedKeys(c),
                    sorted({ QStringLiteral("id"), QStringLiteral("from"), QStringLiteral("to"),
                        QStringLiteral("text") }));
                QCOMPARE(c.value(QLatin1String("id")).toString(), QString::number(i + 1));
                QVERIFY(isWholeNumber(c.value(QLatin1String("from")))
                    && isWholeNumber(c.value(QLatin1String("to"))));
                QCOMPARE(qint64(c.value(QLatin1String("from")).toDouble()), expectFrom);
                expectFrom = qint64(c.value(QLatin1String("to")).toDouble());
                QVERIFY(expectFrom > qint64(c.value(QLatin1String("from")).toDouble()));
                QVERIFY(!c.value(QLatin1String("text")).toString().trimmed().isEmpty());
            }
            QCOMPARE(expectFrom, qint64(7000)); // the captions cover the 7 s of media, in ms
        } else {
            QCOMPARE(sortedKeys(s), keysWith({ "outputUrl" }));
            const QString out = s.value(QLatin1String("outputUrl")).toString();
            QVERIFY2(out.startsWith(m_sb->listen() + QStringLiteral("/peako/")), qPrintable(out));
            const HttpResult file = m_http.get(out); // a plain link: no key
            QCOMPARE(file.status, 200);
            QVERIFY2(file.body.size() > 12, file.body.left(64).constData());
            QCOMPARE(file.body.left(4), QByteArray("RIFF"));
            QCOMPARE(file.body.mid(8, 4), QByteArray("AVI "));
            QCOMPARE(file.header("Content-Type"), QByteArray("video/x-msvideo"));
        }
    }

    void unknownOperationIs404()
    {
        // An operation the catalog does not have answers 404 {"error"} and creates nothing.
        const QJsonObject body { { QLatin1String("video_url"), kVideo } };
        VERIFY_ERROR(post(*m_sb, QStringLiteral("api/video/explode"), body), 404);
        VERIFY_ERROR(post(*m_sb, QStringLiteral("api/video/trim/extra"), body), 404);
        VERIFY_ERROR(post(*m_sb, QStringLiteral("api/renders"), body), 404);
        for (const QJsonValue &v : list(*m_sb).value(QLatin1String("jobs")).toArray())
            QVERIFY(v.toObject().value(QLatin1String("type")).toString()
                != QLatin1String("PEAKO_EXPLODE"));
    }

    void invalidBodyIs400_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("malformed") << QStringLiteral("api/render") << QByteArray("{\"template\":")
                                   << QStringLiteral("JSON");
        QTest::newRow("missing template")
            << QStringLiteral("api/render") << QByteArray("{\"title\":\"x\"}")
            << QStringLiteral("template");
        QTest::newRow("unknown template")
            << QStringLiteral("api/render") << QByteArray("{\"template\":\"opera\"}")
            << QStringLiteral("template");
        QTest::newRow("fps 0") << QStringLiteral("api/render")
                               << QByteArray("{\"template\":\"promo\",\"fps\":0}")
                               << QStringLiteral("fps");
        QTest::newRow("missing media_url")
            << QStringLiteral("api/transcribe") << QByteArray("{\"language\":\"en\"}")
            << QStringLiteral("media_url");
        QTest::newRow("merge one url") << QStringLiteral("api/video/merge")
                                       << QByteArray("{\"video_urls\":[\"https://e.com/a.mp4\"]}")
                                       << QStringLiteral("video_urls");
        QTest::newRow("add-audio no audio")
            << QStringLiteral("api/video/add-audio")
            << QByteArray("{\"video_url\":\"https://e.com/a.mp4\"}") << QStringLiteral("audio_url");
        QTest::newRow("speed 10") << QStringLiteral("api/video/speed-ramp")
                                  << QByteArray(
                                         "{\"video_url\":\"https://e.com/a.mp4\",\"speed\":10}")
                                  << QStringLiteral("speed");
        QTest::newRow("sandbox string")
            << QStringLiteral("api/video/mute")
            << QByteArray("{\"video_url\":\"https://e.com/a.mp4\",\"sandbox\":1}")
            << QStringLiteral("sandbox");
    }
    void invalidBodyIs400()
    {
        // An invalid body answers 400 {"error"} naming the problem, and no job is created.
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(QString, mentions);
        const qsizetype before = list(*m_sb).value(QLatin1String("jobs")).toArray().size();
        const HttpResult r = m_http.postRaw(
            m_sb->base("peako") + QLatin1Char('/') + path, body, m_sb->apiKey("peako"));
        VERIFY_ERROR(r, 400);
        QVERIFY2(r.json().value(QLatin1String("error")).toString().contains(mentions),
            r.body.constData());
        QCOMPARE(list(*m_sb).value(QLatin1String("jobs")).toArray().size(), before);
    }

    void statusFieldsFollowTheTable()
    {
        // queued, active and failed jobs carry exactly the fields the table lists; progress is 0..1
        // and only while active.
        const QString queued = submitId(QStringLiteral("api/render"),
            renderBody({ { QLatin1String("hold"), QStringLiteral("queued") } }));
        QVERIFY(!queued.isEmpty());
        spin(150);
        QJsonObject s = job(queued);
        VERIFY_COMMON(s, queued, QStringLiteral("queued"));
        QCOMPARE(sortedKeys(s), keysWith({}));

        const QString active = submitId(QStringLiteral("api/video/blur"),
            { { QLatin1String("video_url"), kVideo },
                { QLatin1String("sandbox"),
                    QJsonObject { { QLatin1String("hold"), QStringLiteral("active") },
                        { QLatin1String("duration_ms"), 400 } } } });
        QVERIFY(!active.isEmpty());
        QList<double> progress;
        QVERIFY(QTest::qWaitFor(
            [&] {
                s = job(active);
                if (s.value(QLatin1String("status")).toString() == QLatin1String("active"))
                    progress.append(s.contains(QLatin1String("progress"))
                            ? s.value(QLatin1String("progress")).toDouble(-1)
                            : -1);
                return s.value(QLatin1String("progress")).toDouble() >= 0.5;
            },
            5000));
        QVERIFY(!progress.isEmpty());
        for (double p : std::as_const(progress))
            QVERIFY2(p >= 0 && p <= 1, qPrintable(QString::number(p)));
        QVERIFY(std::is_sorted(progress.cbegin(), progress.cend()));
        VERIFY_COMMON(s, active, QStringLiteral("active"));
        QCOMPARE(sortedKeys(s), keysWith({ "progress" }));
        QVERIFY(s.value(QLatin1String("progress")).isDouble());
        QCOMPARE(s.value(QLatin1String("progress")).toDouble(),
            0.5); // held half way: a fraction, not a percentage
        QVERIFY(s.value(QLatin1String("updatedAt")).toDouble()
            > s.value(QLatin1String("createdAt")).toDouble());

        // Released, it finishes: progress goes away, outputUrl appears.
        QVERIFY(m_sb->act(m_http, active, QStringLiteral("release"))
                    .value(QLatin1String("ok"))
                    .toBool());
        QTRY_COMPARE_WITH_TIMEOUT(state(active), QStringLiteral("done"), 10000);
        QCOMPARE(sortedKeys(job(active)), keysWith({ "outputUrl" }));

        const QString failed = submitId(QStringLiteral("api/video/trim"),
            { { QLatin1String("video_url"), kVideo },
                { QLatin1String("sandbox"),
                    QJsonObject { { QLatin1String("fail"), QStringLiteral("CODEC_UNSUPPORTED") },
                        { QLatin1String("duration_ms"), 100 } } } });
        QVERIFY(!failed.isEmpty());
        QTRY_COMPARE(state(failed), QStringLiteral("failed"));
        s = job(failed);
        VERIFY_COMMON(s, failed, QStringLiteral("failed"));
        QCOMPARE(sortedKeys(s), keysWith({ "error" }));
        QCOMPARE(s.value(QLatin1String("error")).toString(),
            QStringLiteral("Video codec not supported"));

        // A failed transcription: error, no captions.
        const QString failedT = submitId(QStringLiteral("api/transcribe"),
            { { QLatin1String("media_url"), kVideo },
                { QLatin1String("sandbox"),
                    QJsonObject { { QLatin1String("fail"), QStringLiteral("SOURCE_UNREACHABLE") },
                        { QLatin1String("duration_ms"), 100 } } } });
        QTRY_COMPARE(state(failedT), QStringLiteral("failed"));
        QCOMPARE(sortedKeys(job(failedT)), keysWith({ "error" }));

        QVERIFY(m_sb->act(m_http, queued, QStringLiteral("cancel"))
                    .value(QLatin1String("ok"))
                    .toBool());
    }

    void progressOnlyGrowsWhileActive()
    {
        // Read closely through a 4 s run, an active job's progress stays within 0..1 and never goes
        // back.
        const QString id = submitId(QStringLiteral("api/video/blur"),
            { { QLatin1String("video_url"), kVideo }, { QLatin1String("duration_s"), 2 },
                { QLatin1String("sandbox"),
                    QJsonObject { { QLatin1String("duration_ms"), 4000 } } } });
        QVERIFY(!id.isEmpty());
        double last = -1;
        QString lastStatus;
        QStringList problems;
        int samples = 0;
        QVERIFY(QTest::qWaitFor(
            [&] {
                const QJsonObject s = job(id);
                lastStatus = s.value(QLatin1String("status")).toString();
                if (lastStatus == QLatin1String("active")) {
                    ++samples;
                    const QJsonValue p = s.value(QLatin1String("progress"));
                    if (!p.isDouble() || p.toDouble() < 0 || p.toDouble() > 1)
                        problems.append(QStringLiteral("progress %1").arg(p.toDouble()));
                    else if (p.toDouble() < last)
                        problems.append(QStringLiteral("progress went back from %1 to %2")
                                            .arg(last)
                                            .arg(p.toDouble()));
                    last = p.toDouble();
                }
                return lastStatus == QLatin1String("done") || lastStatus == QLatin1String("failed");
            },
            15000));
        QCOMPARE(lastStatus, QStringLiteral("done"));
        QVERIFY(samples > 10);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1String("; "))));
    }

    void authIsRequired()
    {
        // Every route answers 401 {"error"} without the right X-API-Key, and creates or cancels
        // nothing.
        const QString id = submitId(QStringLiteral("api/render"),
            renderBody({ { QLatin1String("hold"), QStringLiteral("queued") } }));
        QVERIFY(!id.isEmpty());
        const QByteArray good = m_sb->key("peako");
        QByteArray wrong = good;
        wrong[4] = wrong.at(4) == 'x' ? 'y' : 'x';
        const qsizetype before = list(*m_sb).value(QLatin1String("jobs")).toArray().size();
        for (const Headers &h : { Headers {}, Headers { { "X-API-Key", wrong } },
                 Headers { { "Authorization", "Bearer " + good } } }) {
            VERIFY_ERROR(m_http.get(jobUrl(*m_sb, id), h), 401);
            VERIFY_ERROR(m_http.get(m_sb->base("peako") + QStringLiteral("/api/jobs"), h), 401);
            VERIFY_ERROR(m_http.del(jobUrl(*m_sb, id), h), 401);
            VERIFY_ERROR(
                m_http.post(m_sb->base("peako") + QStringLiteral("/api/render"), renderBody(), h),
                401);
            VERIFY_ERROR(m_http.post(m_sb->base("peako") + QStringLiteral("/api/video/mute"),
                             { { QLatin1String("video_url"), kVideo } }, h),
                401);
        }
        QCOMPARE(state(id), QStringLiteral("queued"));
        QCOMPARE(list(*m_sb).value(QLatin1String("jobs")).toArray().size(), before);
        QVERIFY(
            m_sb->act(m_http, id, QStringLiteral("cancel")).value(QLatin1String("ok")).toBool());
    }

    void unknownJobIs404()
    {
        // GET and DELETE of a job that does not exist answer 404 {"error"}.
        const QString missing = QUuid::createUuid().toString(QUuid::WithoutBraces);
        VERIFY_ERROR(get(*m_sb, missing), 404);
        VERIFY_ERROR(del(missing), 404);
        // An ImagePipeline job is not a Peako job.
        const HttpResult ip
            = m_http.post(m_sb->base("imagepipeline") + QStringLiteral("/generate/image/v1"),
                { { QLatin1String("prompt"), QStringLiteral("x") },
                    { QLatin1String("sandbox"),
                        QJsonObject { { QLatin1String("hold"), QStringLiteral("queued") } } } },
                m_sb->apiKey("imagepipeline"));
        QCOMPARE(ip.status, 202);
        const QString other = ip.json().value(QLatin1String("job_id")).toString();
        VERIFY_ERROR(get(*m_sb, other), 404);
        VERIFY_ERROR(del(other), 404);
        QCOMPARE(m_sb->job(m_http, other).value(QLatin1String("status")).toString(),
            QStringLiteral("queued"));
        QVERIFY(
            m_sb->act(m_http, other, QStringLiteral("cancel")).value(QLatin1String("ok")).toBool());
    }

    void deleteCancelsQueuedJob()
    {
        // DELETE of a queued job answers 200 {jobId, status cancelled}; the job then reads
        // cancelled for good.
        const QString id = submitId(QStringLiteral("api/video/mute"),
            { { QLatin1String("video_url"), kVideo },
                { QLatin1String("sandbox"),
                    QJsonObject { { QLatin1String("hold"), QStringLiteral("queued") } } } });
        QVERIFY(!id.isEmpty());
        spin(100);
        QCOMPARE(state(id), QStringLiteral("queued"));
        const HttpResult r = del(id);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json(),
            (QJsonObject { { QLatin1String("jobId"), id },
                { QLatin1String("status"), QStringLiteral("cancelled") } }));
        QJsonObject s = job(id);
        VERIFY_COMMON(s, id, QStringLiteral("cancelled"));
        QCOMPARE(sortedKeys(s), keysWith({}));
        QVERIFY(m_sb->act(m_http, id, QStringLiteral("release"))
                    .value(QLatin1String("ok"))
                    .toBool()); // no longer held: still never runs
        spin(300);
        QCOMPARE(state(id), QStringLiteral("cancelled"));
        QCOMPARE(listItem(*m_sb, id).value(QLatin1String("status")).toString(),
            QStringLiteral("cancelled"));
        VERIFY_ERROR(del(id), 409); // not queued any more
    }

    void deleteRefusedUnlessQueued()
    {
        // DELETE of an active, done or failed job answers 409 {"error"} and leaves the job as it
        // was.
        const QString active = submitId(QStringLiteral("api/video/blur"),
            { { QLatin1String("video_url"), kVideo },
                { QLatin1String("sandbox"),
                    QJsonObject { { QLatin1String("hold"), QStringLiteral("active") },
                        { QLatin1String("duration_ms"), 200 } } } });
        const QString done = submitId(QStringLiteral("api/video/mute"),
            { { QLatin1String("video_url"), kVideo }, { QLatin1String("duration_s"), 1 },
                { QLatin1String("sandbox"),
                    QJsonObject { { QLatin1String("duration_ms"), 100 } } } });
        const QString failed = submitId(QStringLiteral("api/render"),
            renderBody({ { QLatin1String("fail"), QStringLiteral("TEMPLATE_ERROR") },
                { QLatin1String("duration_ms"), 100 } }));
        QVERIFY(!active.isEmpty() && !done.isEmpty() && !failed.isEmpty());
        QTRY_COMPARE(state(active), QStringLiteral("active"));
        QTRY_COMPARE(state(done), QStringLiteral("done"));
        QTRY_COMPARE(state(failed), QStringLiteral("failed"));
        for (const auto &[id, status] : { std::pair { active, QStringLiteral("active") },
                 std::pair { done, QStringLiteral("done") },
                 std::pair { failed, QStringLiteral("failed") } }) {
            const HttpResult r = del(id);
            VERIFY_ERROR(r, 409);
            QCOMPARE(state(id), status);
        }
        QVERIFY(m_sb->act(m_http, active, QStringLiteral("cancel"))
                    .value(QLatin1String("ok"))
                    .toBool());
    }

    void listIsNewestFirst()
    {
        // GET /api/jobs lists every job newest first with type, status, progress, createdAt,
        // outputUrl when done, and worker counts.
        const QString done = submitId(
            QStringLiteral("api/render"), renderBody({ { QLatin1String("duration_ms"), 100 } }));
        QTRY_COMPARE(state(done), QStringLiteral("done"));
        const QString active = submitId(QStringLiteral("api/video/trim"),
            { { QLatin1String("video_url"), kVideo },
                { QLatin1String("sandbox"),
                    QJsonObject { { QLatin1String("hold"), QStringLiteral("active") },
                        { QLatin1String("duration_ms"), 200 } } } });
        QTRY_COMPARE(job(active).value(QLatin1String("progress")).toDouble(), 0.5); // held half way
        QList<QJsonObject> bodies;
        for (int i = 0; i < 6; ++i)
            bodies.append(renderBody({ { QLatin1String("hold"), QStringLiteral("queued") } }));
        const QStringList burst = submitConcurrently(QStringLiteral("api/render"), bodies);
        for (const QString &id : burst)
            QVERIFY(!id.isEmpty());

        const HttpResult r
            = m_http.get(m_sb->base("peako") + QStringLiteral("/api/jobs"), m_sb->apiKey("peako"));
        QCOMPARE(r.status, 200);
        const QJsonObject l = r.json();
        QCOMPARE(sortedKeys(l),
            sorted({ QStringLiteral("jobs"), QStringLiteral("activeWorkers"),
                QStringLiteral("totalWorkers"), QStringLiteral("maxWorkers"),
                QStringLiteral("isTeamOwner") }));
        QCOMPARE(l.value(QLatin1String("isTeamOwner")), QJsonValue(false));
        QCOMPARE(l.value(QLatin1String("totalWorkers")).toInt(),
            m_sb->info().value(QLatin1String("workers")).toInt());
        QCOMPARE(l.value(QLatin1String("maxWorkers")).toInt(),
            m_sb->info().value(QLatin1String("workers")).toInt());

        // The order the sandbox created the jobs in, oldest first, from the control API.
        QStringList created;
        for (const QJsonValue &v :
            m_http.get(m_sb->control() + QStringLiteral("/jobs?dialect=peako"))
                .json()
                .value(QLatin1String("jobs"))
                .toArray())
            created.prepend(v.toObject().value(QLatin1String("id")).toString());

        const QJsonArray jobs = l.value(QLatin1String("jobs")).toArray();
        QStringList listed;
        int activeCount = 0;
        double lastCreated = std::numeric_limits<double>::max();
        for (const QJsonValue &v : jobs) {
            const QJsonObject o = v.toObject();
            const QString status = o.value(QLatin1String("status")).toString();
            const bool hasOutput = status == QLatin1String("done")
                && o.value(QLatin1String("type")).toString() != QLatin1String("PEAKO_TRANSCRIBE");
            QStringList expected { QStringLiteral("id"), QStringLiteral("type"),
                QStringLiteral("status"), QStringLiteral("progress"), QStringLiteral("createdAt") };
            if (hasOutput)
                expected.append(QStringLiteral("outputUrl"));
            QCOMPARE(sortedKeys(o), sorted(expected));
            QVERIFY(o.value(QLatin1String("type")).toString().startsWith(QLatin1String("PEAKO_")));
            const double p = o.value(QLatin1String("progress")).toDouble(-1);
            QVERIFY(p >= 0 && p <= 1);
            if (status == QLatin1String("done"))
                QCOMPARE(p, 1.0);
            QVERIFY(isWholeNumber(o.value(QLatin1String("createdAt"))));
            QVERIFY(o.value(QLatin1String("createdAt")).toDouble() <= lastCreated);
            lastCreated = o.value(QLatin1String("createdAt")).toDouble();
            activeCount += status == QLatin1String("active");
            listed.append(o.value(QLatin1String("id")).toString());
        }
        QCOMPARE(listed, created); // newest first, also among jobs created in the same millisecond
        QCOMPARE(sorted(listed.mid(0, 6)), sorted(burst));
        QVERIFY(listed.indexOf(active) == 6 && listed.indexOf(done) == 7);
        QCOMPARE(l.value(QLatin1String("activeWorkers")).toInt(), activeCount);
        QVERIFY(activeCount >= 1);

        const QJsonObject d = jobs.at(listed.indexOf(done)).toObject();
        QCOMPARE(d.value(QLatin1String("type")).toString(), QStringLiteral("PEAKO_RENDER"));
        QCOMPARE(m_http.get(d.value(QLatin1String("outputUrl")).toString()).body.left(4),
            QByteArray("RIFF"));
        const QJsonObject a = jobs.at(listed.indexOf(active)).toObject();
        QCOMPARE(a.value(QLatin1String("type")).toString(), QStringLiteral("PEAKO_TRIM"));
        QCOMPARE(a.value(QLatin1String("status")).toString(), QStringLiteral("active"));
        QCOMPARE(a.value(QLatin1String("progress")).toDouble(), 0.5);

        for (const QString &id : burst + QStringList { active })
            QVERIFY(m_sb->act(m_http, id, QStringLiteral("cancel"))
                        .value(QLatin1String("ok"))
                        .toBool());
    }

    void workersBoundActiveJobs()
    {
        // With 2 workers, 4 long jobs run 2 at a time: the other 2 wait queued and start as workers
        // free up.
        auto options = TestSandbox::defaults();
        options.workers = 2;
        TestSandbox sb(options);
        QVERIFY2(sb.ok(), qPrintable(sb.error()));
        QStringList ids;
        for (int i = 0; i < 4; ++i) {
            ids.append(submitId(sb, QStringLiteral("api/render"),
                renderBody({ { QLatin1String("duration_ms"), 5000 } })));
            QVERIFY(!ids.last().isEmpty());
        }
        auto statuses = [&] {
            QStringList out;
            for (const QString &id : std::as_const(ids))
                out.append(state(sb, id));
            return out;
        };
        const QStringList twoRunning { QStringLiteral("active"), QStringLiteral("active"),
            QStringLiteral("queued"), QStringLiteral("queued") };
        QTRY_COMPARE(statuses(), twoRunning);
        QJsonObject l = list(sb);
        QCOMPARE(l.value(QLatin1String("activeWorkers")).toInt(), 2);
        QCOMPARE(l.value(QLatin1String("totalWorkers")).toInt(), 2);
        QCOMPARE(l.value(QLatin1String("maxWorkers")).toInt(), 2);
        spin(400);
        QCOMPARE(statuses(), twoRunning);
        QCOMPARE(list(sb).value(QLatin1String("activeWorkers")).toInt(), 2);
        QVERIFY(!get(sb, ids.at(2)).json().contains(QLatin1String("progress")));

        // The first two finish on their own; the waiting two take their workers.
        const QStringList nextTwo { QStringLiteral("done"), QStringLiteral("done"),
            QStringLiteral("active"), QStringLiteral("active") };
        QTRY_COMPARE_WITH_TIMEOUT(statuses(), nextTwo, 12000);
        QCOMPARE(list(sb).value(QLatin1String("activeWorkers")).toInt(), 2);
        for (const QString &id : ids.mid(2))
            QVERIFY(
                sb.act(m_http, id, QStringLiteral("advance")).value(QLatin1String("ok")).toBool());
        QTRY_COMPARE(statuses(),
            (QStringList { QStringLiteral("done"), QStringLiteral("done"), QStringLiteral("done"),
                QStringLiteral("done") }));
        QCOMPARE(list(sb).value(QLatin1String("activeWorkers")).toInt(), 0);
    }

    void retentionPurgesDoneJobs()
    {
        // At speed 604800 (7 days = 1 s) a done job and its file are purged; an unfinished job is
        // kept.
        auto options = TestSandbox::defaults();
        options.speed = 604800;
        TestSandbox sb(options);
        QVERIFY2(sb.ok(), qPrintable(sb.error()));
        const QString waiting = submitId(sb, QStringLiteral("api/render"),
            renderBody({ { QLatin1String("hold"), QStringLiteral("queued") } }));
        const QString id = submitId(sb, QStringLiteral("api/render"), renderBody());
        QVERIFY(!waiting.isEmpty() && !id.isEmpty());
        QJsonObject s;
        QVERIFY(QTest::qWaitFor(
            [&] {
                s = get(sb, id).json();
                return s.value(QLatin1String("status")).toString() == QLatin1String("done");
            },
            5000));
        const QString out = s.value(QLatin1String("outputUrl")).toString();
        QVERIFY(!out.isEmpty());
        QCOMPARE(m_http.get(out).body.left(4), QByteArray("RIFF"));
        QCOMPARE(
            listItem(sb, id).value(QLatin1String("status")).toString(), QStringLiteral("done"));
        const qint64 doneAt = qint64(s.value(QLatin1String("updatedAt")).toDouble());

        QTRY_COMPARE_WITH_TIMEOUT(get(sb, id).status, 404, 5000);
        // Not before its 7 (scaled) days had passed since completion.
        QVERIFY2(QDateTime::currentMSecsSinceEpoch() - doneAt >= 1000,
            "purged before its retention ran out");
        VERIFY_ERROR(get(sb, id), 404);
        QVERIFY(listItem(sb, id).isEmpty());
        QCOMPARE(m_http.get(out).status, 404); // the file went with it
        VERIFY_ERROR(m_http.del(jobUrl(sb, id), sb.apiKey("peako")), 404);
        QCOMPARE(state(sb, waiting), QStringLiteral("queued"));
        QCOMPARE(listItem(sb, waiting).value(QLatin1String("status")).toString(),
            QStringLiteral("queued"));
    }
};

QTEST_GUILESS_MAIN(TestPeakoSandbox)
#include "tst_peakosandbox.moc"
