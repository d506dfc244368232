// Integration tests of the sandbox's PeelAPI front end (document 000) through a real socket:
// submit, the {data, errors} envelope, results, and the SSE stream with ids, Last-Event-ID replay,
// keep-alives and QA-cut connections.
#include "testhttp.h"

#include <QImage>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using namespace TestSupport;

namespace {

struct Event
{
    qint64 id = 0;
    QByteArray type;
    QByteArray data;
};

// The sandbox writes LF-only frames; this is enough to read them back (the client's real parser is
// tested on its own).
QList<Event> parseStream(
    const QByteArray &raw, QList<QByteArray> *comments = nullptr, QByteArray *retry = nullptr)
{
    QList<Event> out;
    Event cur;
    bool any = false;
    for (const QByteArray &line : raw.split('\n')) {
        if (line.isEmpty()) {
            if (any)
                out.append(cur);
            cur = Event();
            any = false;
            continue;
        }
        if (line.startsWith(':')) {
            if (comments)
                comments->append(line);
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        const QByteArray field = line.left(colon);
        QByteArray value = line.mid(colon + 1);
        if (value.startsWith(' '))
            value.remove(0, 1);
        if (field == "id") {
            cur.id = value.toLongLong();
            any = true;
        } else if (field == "event") {
            cur.type = value;
            any = true;
        } else if (field == "data") {
            cur.data += (cur.data.isEmpty() ? QByteArray() : QByteArray("\n")) + value;
            any = true;
        } else if (field == "retry" && retry) {
            *retry = value;
        }
    }
    return out;
}

} // namespace

class TestPeelApiSandbox final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;

    QString submit(const QJsonObject &body, const QString &endpoint = QStringLiteral("portrait"))
    {
        const HttpResult r = m_http.post(m_sb->base("peelapi") + QStringLiteral("/v1/") + endpoint,
            body, m_sb->bearer("peelapi"));
        if (r.status != 202)
            qWarning() << r.status << r.body;
        return r.json()
            .value(QLatin1String("data"))
            .toObject()
            .value(QLatin1String("id"))
            .toString();
    }
    QJsonObject status(const QString &id)
    {
        return m_http
            .get(m_sb->base("peelapi") + QStringLiteral("/v1/jobs/") + id, m_sb->bearer("peelapi"))
            .json();
    }
    QString rawStatus(const QString &id)
    {
        return status(id)
            .value(QLatin1String("data"))
            .toObject()
            .value(QLatin1String("status"))
            .toString();
    }

    // Reads one SSE connection to its end (the server closes it) or until `timeoutMs`.
    QByteArray readStream(const QString &id, const QByteArray &lastEventId = {},
        int timeoutMs = 15000, QNetworkReply::NetworkError *error = nullptr,
        QByteArray *contentType = nullptr)
    {
        QNetworkRequest req(QUrl(
            m_sb->base("peelapi") + QStringLiteral("/v1/jobs/") + id + QStringLiteral("/stream")));
        req.setRawHeader("Authorization", "Bearer " + m_sb->key("peelapi"));
        req.setRawHeader("Accept", "text/event-stream");
        if (!lastEventId.isEmpty())
            req.setRawHeader("Last-Event-ID", lastEventId);
        QNetworkReply *reply = m_http.nam().get(req);
        QByteArray all;
        QObject::connect(reply, &QNetworkReply::readyRead, reply, [&] { all += reply->readAll(); });
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
        all += reply->readAll();
        if (error)
            *error = reply->error();
        if (contentType)
            *contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        reply->abort();
        reply->deleteLater();
        return all;
    }

private Q_SLOTS:
    void init()
    {
        auto o = TestSandbox::defaults();
        o.keepAliveMs = 300;
        m_sb = std::make_unique<TestSandbox>(o);
        m_http.setSandboxToken(m_sb->controlToken());
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
    }
    void cleanup() { m_sb.reset(); }

    // Submit answers 202 with the envelope, status queued, and the job is readable at
    // /v1/jobs/{id}.
    void submitAnswersQueuedEnvelope()
    {
        const HttpResult r = m_http.post(m_sb->base("peelapi") + QStringLiteral("/v1/portrait"),
            QJsonObject { { QLatin1String("prompt"), QStringLiteral("a lighthouse") } },
            m_sb->bearer("peelapi"));
        QCOMPARE(r.status, 202);
        const QJsonObject o = r.json();
        QVERIFY(o.contains(QLatin1String("errors")) && o.value(QLatin1String("errors")).isNull());
        const QJsonObject d = o.value(QLatin1String("data")).toObject();
        QVERIFY(d.value(QLatin1String("id")).toString().startsWith(QLatin1String("job_")));
        QCOMPARE(d.value(QLatin1String("status")).toString(), QStringLiteral("queued"));
        QVERIFY(d.value(QLatin1String("outputs")).isNull());
        QCOMPARE(rawStatus(d.value(QLatin1String("id")).toString()).isEmpty(), false);
    }

    // A job runs queued → processing → succeeded; outputs.results has one URL per requested output,
    // each a PNG of the requested size; progress is 0..1.
    void lifecycleAndResults()
    {
        const QString id = submit(QJsonObject {
            { QLatin1String("prompt"), QStringLiteral("two portraits") },
            { QLatin1String("num_outputs"), 2 }, { QLatin1String("width"), 320 },
            { QLatin1String("height"), 200 },
            { QLatin1String("sandbox"), QJsonObject { { QLatin1String("duration_ms"), 800 } } } });
        QVERIFY(!id.isEmpty());
        QSet<QString> seen;
        QTRY_VERIFY_WITH_TIMEOUT(
            (seen.insert(rawStatus(id)), seen.contains(QStringLiteral("succeeded"))), 15000);
        QVERIFY(seen.contains(QStringLiteral("processing")));
        const QJsonObject d = status(id).value(QLatin1String("data")).toObject();
        QCOMPARE(d.value(QLatin1String("progress")).toDouble(), 1.0);
        QVERIFY(d.value(QLatin1String("error")).isNull());
        QCOMPARE(d.value(QLatin1String("model_id")).toString(), QStringLiteral("portrait-1-pro"));
        const QJsonArray results = d.value(QLatin1String("outputs"))
                                       .toObject()
                                       .value(QLatin1String("results"))
                                       .toArray();
        QCOMPARE(results.size(), 2);
        for (const QJsonValue &v : results) {
            const HttpResult file = m_http.get(v.toObject().value(QLatin1String("url")).toString());
            QCOMPARE(file.status, 200);
            QCOMPARE(file.header("Content-Type"), QByteArray("image/png"));
            const QImage img = QImage::fromData(file.body, "PNG");
            QCOMPARE(img.size(), QSize(320, 200));
        }
    }

    // The stream carries status, log, result (w256/w512/w1024/full), a final status and `end`,
    // each with an id strictly increasing from 1; the server sends `retry:` first and closes after
    // end.
    void streamCarriesEveryEventWithIds()
    {
        const QString id = submit(QJsonObject {
            { QLatin1String("prompt"), QStringLiteral("stream me") },
            { QLatin1String("width"), 256 }, { QLatin1String("height"), 256 },
            { QLatin1String("style_id"), 42 },
            { QLatin1String("sandbox"), QJsonObject { { QLatin1String("duration_ms"), 1000 } } } });
        QByteArray contentType;
        QNetworkReply::NetworkError error;
        QByteArray retry;
        const QList<Event> events
            = parseStream(readStream(id, {}, 15000, &error, &contentType), nullptr, &retry);
        QCOMPARE(error, QNetworkReply::NoError);
        QVERIFY(contentType.startsWith("text/event-stream"));
        QCOMPARE(retry, QByteArray("1000"));
        QVERIFY(events.size() >= 6);
        for (qsizetype i = 0; i < events.size(); ++i)
            QCOMPARE(events.at(i).id, qint64(i + 1));
        QCOMPARE(events.first().type, QByteArray("status"));
        QCOMPARE(QJsonDocument::fromJson(events.first().data)
                     .object()
                     .value(QLatin1String("status"))
                     .toString(),
            QStringLiteral("queued"));
        QCOMPARE(events.last().type, QByteArray("end"));
        QCOMPARE(events.last().data, QByteArray("succeeded"));
        bool sawLog = false, sawProgress = false;
        QJsonObject result;
        for (const Event &e : events) {
            const QJsonObject o = QJsonDocument::fromJson(e.data).object();
            if (e.type == "log") {
                sawLog = true;
                QVERIFY(!o.value(QLatin1String("message")).toString().isEmpty());
                QCOMPARE(o.value(QLatin1String("level")).toString(), QStringLiteral("info"));
                QVERIFY(o.value(QLatin1String("created_at")).toString().endsWith(QLatin1Char('Z')));
            } else if (e.type == "status"
                && o.value(QLatin1String("status")).toString() == QLatin1String("processing")) {
                const double p = o.value(QLatin1String("progress")).toDouble(-1);
                QVERIFY(p >= 0.0 && p <= 1.0);
                sawProgress = sawProgress || (p > 0 && p < 1);
            } else if (e.type == "result") {
                result = o;
            }
        }
        QVERIFY(sawLog);
        QVERIFY(sawProgress);
        const QJsonObject image
            = result.value(QLatin1String("images")).toArray().first().toObject();
        for (const char *size : { "w256", "w512", "w1024", "full" })
            QVERIFY2(image.value(QLatin1String(size)).toString().startsWith(QLatin1String("http")),
                size);
        QCOMPARE(result.value(QLatin1String("style_id")).toInt(), 42);
        QCOMPARE(
            result.value(QLatin1String("model_id")).toString(), QStringLiteral("portrait-1-pro"));
        QVERIFY(result.contains(QLatin1String("request_duration_s")));
        const QJsonObject lastStatus
            = QJsonDocument::fromJson(events.at(events.size() - 2).data).object();
        QCOMPARE(lastStatus.value(QLatin1String("status")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(m_http.get(image.value(QLatin1String("w256")).toString()).status, 200);
    }

    // A reconnect with Last-Event-ID gets exactly the events after it, and nothing twice.
    void lastEventIdReplaysTheRest()
    {
        const QString id = submit(QJsonObject {
            { QLatin1String("prompt"), QStringLiteral("replay") }, { QLatin1String("width"), 64 },
            { QLatin1String("height"), 64 },
            { QLatin1String("sandbox"), QJsonObject { { QLatin1String("duration_ms"), 500 } } } });
        QTRY_COMPARE_WITH_TIMEOUT(rawStatus(id), QStringLiteral("succeeded"), 15000);
        const QList<Event> all = parseStream(readStream(id));
        QVERIFY(all.size() > 5);
        const QList<Event> rest = parseStream(readStream(id, "3"));
        QCOMPARE(rest.size(), all.size() - 3);
        QCOMPARE(rest.first().id, qint64(4));
        QCOMPARE(rest.last().type, QByteArray("end"));
        const QList<Event> none = parseStream(readStream(id, QByteArray::number(all.last().id)));
        QVERIFY(none.isEmpty());
    }

    // With drop_after_events N the server closes each connection after N events; reconnecting with
    // Last-Event-ID walks through the whole stream with no event lost or repeated.
    void droppedStreamsResumeWithoutLoss()
    {
        const QString id = submit(QJsonObject { { QLatin1String("prompt"), QStringLiteral("cut") },
            { QLatin1String("width"), 64 }, { QLatin1String("height"), 64 },
            { QLatin1String("sandbox"),
                QJsonObject { { QLatin1String("duration_ms"), 1500 },
                    { QLatin1String("drop_after_events"), 3 } } } });
        QList<Event> collected;
        QByteArray last;
        int connections = 0;
        while (connections < 100) {
            const QList<Event> part = parseStream(readStream(id, last));
            ++connections;
            QVERIFY(part.size() <= 3);
            collected += part;
            if (!part.isEmpty())
                last = QByteArray::number(part.last().id);
            if (!collected.isEmpty() && collected.last().type == "end")
                break;
        }
        QVERIFY(connections >= 3);
        QCOMPARE(collected.last().data, QByteArray("succeeded"));
        for (qsizetype i = 0; i < collected.size(); ++i)
            QCOMPARE(collected.at(i).id, qint64(i + 1));
    }

    // Live events arrive while the job runs; a quiet stream gets comment keep-alives.
    void liveStreamWithKeepAlive()
    {
        const QString id = submit(QJsonObject { { QLatin1String("prompt"), QStringLiteral("held") },
            { QLatin1String("width"), 64 }, { QLatin1String("height"), 64 },
            { QLatin1String("sandbox"),
                QJsonObject { { QLatin1String("hold"), QStringLiteral("queued") } } } });
        QTimer::singleShot(1200, [&] {
            m_sb->act(m_http, id, QStringLiteral("advance"),
                QJsonObject { { QLatin1String("to"), QStringLiteral("succeeded") } });
        });
        QList<QByteArray> comments;
        const QList<Event> events = parseStream(readStream(id), &comments);
        QVERIFY2(comments.contains(": keep-alive"), "no keep-alive comment while the job was held");
        QCOMPARE(events.last().data, QByteArray("succeeded"));
    }

    // A failed job: data.error names the reason code and retryability; the stream ends "failed".
    void failureCarriesReasonCode()
    {
        const QString id = submit(QJsonObject { { QLatin1String("prompt"), QStringLiteral("fail") },
            { QLatin1String("sandbox"),
                QJsonObject { { QLatin1String("fail"), QStringLiteral("model_error") },
                    { QLatin1String("fail_at"), 0.2 }, { QLatin1String("duration_ms"), 500 } } } });
        QTRY_COMPARE_WITH_TIMEOUT(rawStatus(id), QStringLiteral("failed"), 15000);
        const QJsonObject err = status(id)
                                    .value(QLatin1String("data"))
                                    .toObject()
                                    .value(QLatin1String("error"))
                                    .toObject();
        QCOMPARE(err.value(QLatin1String("code")).toString(), QStringLiteral("model_error"));
        QCOMPARE(err.value(QLatin1String("retryable")).toBool(), true);
        QVERIFY(!err.value(QLatin1String("message")).toString().isEmpty());
        const QList<Event> events = parseStream(readStream(id));
        QCOMPARE(events.last().type, QByteArray("end"));
        QCOMPARE(events.last().data, QByteArray("failed"));
    }

    // The control route cuts a live stream (the client sees a connection error, not an end).
    void controlDropCutsTheStream()
    {
        const QString id = submit(QJsonObject { { QLatin1String("prompt"), QStringLiteral("drop") },
            { QLatin1String("sandbox"),
                QJsonObject { { QLatin1String("hold"), QStringLiteral("running") } } } });
        QTimer::singleShot(500, [&] {
            m_http.post(
                m_sb->control() + QStringLiteral("/jobs/") + id + QStringLiteral("/drop"), {});
        });
        QNetworkReply::NetworkError error = QNetworkReply::NoError;
        const QList<Event> events = parseStream(readStream(id, {}, 10000, &error));
        QVERIFY(!events.isEmpty());
        QVERIFY(events.last().type != "end");
        QCOMPARE(rawStatus(id), QStringLiteral("processing"));
    }

    // Errors use the documented envelope: 401 without or with a wrong key, 404 for unknown jobs and
    // endpoints, 422 naming the field for invalid bodies.
    void errorsUseTheEnvelope()
    {
        const QString base = m_sb->base("peelapi");
        HttpResult r = m_http.get(base + QStringLiteral("/v1/jobs/job_nope"));
        QCOMPARE(r.status, 401);
        QCOMPARE(r.json()
                     .value(QLatin1String("errors"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("code"))
                     .toString(),
            QStringLiteral("unauthorized"));
        QVERIFY(r.json().value(QLatin1String("data")).isNull());
        QCOMPARE(m_http
                     .get(base + QStringLiteral("/v1/jobs/job_nope"),
                         { { "Authorization", "Bearer wrong" } })
                     .status,
            401);
        QCOMPARE(m_http.get(base + QStringLiteral("/v1/jobs/job_nope/stream")).status, 401);
        r = m_http.get(base + QStringLiteral("/v1/jobs/job_nope"), m_sb->bearer("peelapi"));
        QCOMPARE(r.status, 404);
        QCOMPARE(r.json()
                     .value(QLatin1String("errors"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("code"))
                     .toString(),
            QStringLiteral("not_found"));
        QCOMPARE(
            m_http.get(base + QStringLiteral("/v1/jobs/job_nope/stream"), m_sb->bearer("peelapi"))
                .status,
            404);
        r = m_http.post(base + QStringLiteral("/v1/no-such-endpoint"),
            QJsonObject { { QLatin1String("prompt"), QStringLiteral("x") } },
            m_sb->bearer("peelapi"));
        QCOMPARE(r.status, 404);
        r = m_http.post(base + QStringLiteral("/v1/portrait"),
            QJsonObject { { QLatin1String("num_outputs"), 9 } }, m_sb->bearer("peelapi"));
        QCOMPARE(r.status, 422);
        const QString message = r.json()
                                    .value(QLatin1String("errors"))
                                    .toArray()
                                    .first()
                                    .toObject()
                                    .value(QLatin1String("message"))
                                    .toString();
        QVERIFY2(message.contains(QLatin1String("prompt"))
                && message.contains(QLatin1String("num_outputs")),
            qPrintable(message));
        r = m_http.postRaw(
            base + QStringLiteral("/v1/portrait"), "{\"prompt\": ", m_sb->bearer("peelapi"));
        QCOMPARE(r.status, 422);
        QVERIFY(r.json()
                    .value(QLatin1String("errors"))
                    .toArray()
                    .first()
                    .toObject()
                    .value(QLatin1String("message"))
                    .toString()
                    .contains(QLatin1String("JSON")));
        r = m_http.postRaw(base + QStringLiteral("/v1/portrait"), "[1,2]", m_sb->bearer("peelapi"));
        QCOMPARE(r.status, 422);
    }
};

QTEST_GUILESS_MAIN(TestPeelApiSandbox)
#include "tst_peelapisandbox.moc"
