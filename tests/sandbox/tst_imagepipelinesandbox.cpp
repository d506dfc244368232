// Integration tests of the sandbox's ImagePipeline front end (document 001) through a real socket:
// the JobQueuedResponse, the raw lifecycle (queued, pending, processing, completed, failed,
// cancelled), JobStatusResponse fields and downloadable results, errors, signed webhooks with
// retries, expiring signed result URLs, and HTTP Range on result files.
#include "testhttp.h"
#include "testjson.h"
#include "testverify.h"
#include "testwebhookreceiver.h"

#include <QBuffer>
#include <QDateTime>
#include <QImage>
#include <QImageReader>
#include <QMessageAuthenticationCode>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>
#include <algorithm>
#include <cmath>
#include <memory>

using namespace TestSupport;

namespace {

// A HEAD request over a bare socket: the whole answer up to the server's close, so a body sent
// after the head would be seen.
QByteArray rawHead(const QString &url)
{
    const QUrl u(url);
    QTcpSocket socket;
    socket.connectToHost(u.host(), quint16(u.port()));
    if (!socket.waitForConnected(5000))
        return {};
    socket.write("HEAD " + u.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority)
        + " HTTP/1.1\r\nHost: " + u.host().toLatin1() + "\r\nConnection: close\r\n\r\n");
    QByteArray all;
    QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [&] { all += socket.readAll(); });
    QEventLoop loop;
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QTimer::singleShot(5000, &loop, &QEventLoop::quit);
    if (socket.state() == QAbstractSocket::ConnectedState)
        loop.exec();
    all += socket.readAll();
    return all;
}

// Where the webhook receivers listen.
const QString kHookPath = QStringLiteral("/hooks/imagepipeline");

const QString kGenerate = QStringLiteral("generate/image/v1");

// Checks an error answer with a helper and stops the calling test when the helper failed.
#define VERIFY_DIALECT_ERROR(...) VERIFY_HELPER(verifyDialectError(__VA_ARGS__))

} // namespace

class TestImagePipelineSandbox final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;

    QString url(const QString &endpoint) const
    {
        return m_sb->base("imagepipeline") + QLatin1Char('/') + endpoint;
    }
    QString statusUrl(const QString &id, const QString &endpoint = kGenerate) const
    {
        return url(endpoint) + QStringLiteral("/status/") + id;
    }
    HttpResult submit(const QJsonObject &body, const QString &endpoint = kGenerate)
    {
        return m_http.post(url(endpoint), body, m_sb->apiKey("imagepipeline"));
    }
    // Submits and returns the job id (empty, with a warning, when the sandbox refused).
    QString submitId(const QJsonObject &body, const QString &endpoint = kGenerate)
    {
        const HttpResult r = submit(body, endpoint);
        if (r.status != 202)
            qWarning() << "submit refused" << r.status << r.body;
        return r.json().value(QLatin1String("job_id")).toString();
    }
    QJsonObject status(const QString &id, const QString &endpoint = kGenerate)
    {
        return m_http.get(statusUrl(id, endpoint), m_sb->apiKey("imagepipeline")).json();
    }
    QString rawStatus(const QString &id, const QString &endpoint = kGenerate)
    {
        return status(id, endpoint).value(QLatin1String("status")).toString();
    }
    QJsonObject control(const QString &id, const QString &action, const QJsonObject &body = {})
    {
        return m_sb->act(m_http, id, action, body);
    }
    QJsonArray webhookLog(const QString &id)
    {
        return m_http.get(m_sb->control() + QStringLiteral("/webhooks?job=") + id)
            .json()
            .value(QLatin1String("attempts"))
            .toArray();
    }
    QByteArray webhookSecret() const
    {
        return m_sb->dialect("imagepipeline")
            .value(QLatin1String("webhook_secret"))
            .toString()
            .toUtf8();
    }
    // Runs a job to completion and returns its completed JobStatusResponse.
    QJsonObject completed(const QJsonObject &body)
    {
        const QString id = submitId(body);
        if (id.isEmpty())
            return {};
        QJsonObject s;
        const bool terminal = QTest::qWaitFor(
            [&] {
                s = status(id);
                return s.value(QLatin1String("status")).toString() == QLatin1String("completed")
                    || s.value(QLatin1String("status")).toString() == QLatin1String("failed");
            },
            15000);
        if (!terminal)
            qWarning() << "job" << id << "did not finish:" << s;
        return s;
    }
    static void verifyDialectError(const HttpResult &r, int status, const QString &code)
    {
        QCOMPARE(r.status, status);
        const QJsonObject o = r.json();
        QCOMPARE(sortedKeys(o),
            sorted({ QStringLiteral("error"), QStringLiteral("failure_reason_code"),
                QStringLiteral("retryable") }));
        QVERIFY(o.value(QLatin1String("error")).isString());
        QVERIFY(!o.value(QLatin1String("error")).toString().isEmpty());
        QCOMPARE(o.value(QLatin1String("failure_reason_code")).toString(), code);
        QVERIFY(o.value(QLatin1String("retryable")).isBool());
        QCOMPARE(o.value(QLatin1String("retryable")).toBool(), status == 429 || status >= 500);
    }
    static bool signatureOk(const WebhookReceiver::Request &r, const QByteArray &secret)
    {
        const QByteArray ts = r.headers.value("x-imagepipeline-timestamp");
        const QByteArray expected = "sha256="
            + QMessageAuthenticationCode::hash(
                ts + '.' + r.body, secret, QCryptographicHash::Sha256)
                  .toHex();
        return !ts.isEmpty() && r.headers.value("x-imagepipeline-signature") == expected;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sb = std::make_unique<TestSandbox>();
        m_http.setSandboxToken(m_sb->controlToken());
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
        QVERIFY(!webhookSecret().isEmpty());
    }
    void cleanupTestCase() { m_sb.reset(); }

    void submitAnswersJobQueuedResponse_data()
    {
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<QJsonObject>("body");
        QTest::newRow("generate") << kGenerate
                                  << QJsonObject { { QLatin1String("prompt"),
                                         QStringLiteral("a lighthouse") } };
        QTest::newRow("edit")
            << QStringLiteral("edit/image/v1")
            << QJsonObject { { QLatin1String("prompt"), QStringLiteral("make it blue") },
                   { QLatin1String("image_url"), QStringLiteral("https://example.com/in.png") } };
        QTest::newRow("upscale") << QStringLiteral("upscale/image/v1")
                                 << QJsonObject { { QLatin1String("image_url"),
                                        QStringLiteral("https://example.com/in.png") } };
    }
    void submitAnswersJobQueuedResponse()
    {
        // Every compute POST answers 202 with exactly the five JobQueuedResponse fields.
        QFETCH(QString, endpoint);
        QFETCH(QJsonObject, body);
        body.insert(QLatin1String("sandbox"),
            QJsonObject { { QLatin1String("hold"), QStringLiteral("queued") },
                { QLatin1String("duration_ms"), 12400 } });
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const HttpResult r = submit(body, endpoint);
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        QCOMPARE(r.status, 202);
        QVERIFY(r.header("Content-Type").startsWith("application/json"));
        const QJsonObject o = r.json();
        QCOMPARE(sortedKeys(o),
            sorted({ QStringLiteral("job_id"), QStringLiteral("status"), QStringLiteral("endpoint"),
                QStringLiteral("estimated_time_seconds"), QStringLiteral("queued_at") }));
        const QString id = o.value(QLatin1String("job_id")).toString();
        QVERIFY2(id.startsWith(QLatin1String("job_")) && id.size() > 4, qPrintable(id));
        QCOMPARE(o.value(QLatin1String("status")).toString(), QStringLiteral("queued"));
        QCOMPARE(o.value(QLatin1String("endpoint")).toString(), QLatin1Char('/') + endpoint);
        QVERIFY(o.value(QLatin1String("estimated_time_seconds")).isDouble());
        QCOMPARE(o.value(QLatin1String("estimated_time_seconds")).toDouble(),
            13.0); // 12.4 s, rounded up
        const QString queuedAt = o.value(QLatin1String("queued_at")).toString();
        const QDateTime t = QDateTime::fromString(queuedAt, Qt::ISODateWithMs);
        QVERIFY2(t.isValid(), qPrintable(queuedAt));
        QVERIFY2(queuedAt.endsWith(QLatin1Char('Z')), qPrintable(queuedAt));
        QVERIFY(t.toMSecsSinceEpoch() >= before - 1 && t.toMSecsSinceEpoch() <= after + 1);
        // The job is readable through its own endpoint's status route, and is still queued.
        QCOMPARE(rawStatus(id, endpoint), QStringLiteral("queued"));
        QVERIFY(control(id, QStringLiteral("cancel")).value(QLatin1String("ok")).toBool());
    }

    void lifecycleShowsEveryRawState()
    {
        // queued, pending, processing and completed are each observable, and pending is not queued.
        const QString id = submitId({ { QLatin1String("prompt"), QStringLiteral("lifecycle") },
            { QLatin1String("width"), 64 }, { QLatin1String("height"), 64 },
            { QLatin1String("sandbox"),
                QJsonObject { { QLatin1String("hold"), QStringLiteral("queued") },
                    { QLatin1String("duration_ms"), 60000 } } } });
        QVERIFY(!id.isEmpty());
        spin(200); // a free worker would have taken it within one tick
        QJsonObject s = status(id);
        QCOMPARE(s.value(QLatin1String("status")).toString(), QStringLiteral("queued"));
        QCOMPARE(s.value(QLatin1String("progress")).toInt(-1), 0);
        QVERIFY(!s.contains(QLatin1String("result_url")));
        QCOMPARE(s.value(QLatin1String("credits_charged")).toBool(true), false);
        QJsonObject c = m_sb->job(m_http, id);
        QCOMPARE(c.value(QLatin1String("status")).toString(), QStringLiteral("queued"));
        QCOMPARE(c.value(QLatin1String("phase")).toString(), QStringLiteral("queued"));

        QJsonObject a = control(
            id, QStringLiteral("hold"), { { QLatin1String("state"), QStringLiteral("pending") } });
        QVERIFY2(a.value(QLatin1String("ok")).toBool(), QJsonDocument(a).toJson());
        QTRY_COMPARE(rawStatus(id), QStringLiteral("pending"));
        spin(300); // pending lasts 80 ms at speed 10 unless held
        QCOMPARE(rawStatus(id), QStringLiteral("pending"));
        c = m_sb->job(m_http, id);
        QCOMPARE(c.value(QLatin1String("status")).toString(), QStringLiteral("pending"));
        QCOMPARE(c.value(QLatin1String("phase")).toString(), QStringLiteral("pending"));
        QVERIFY(c.value(QLatin1String("status")) != QJsonValue(QStringLiteral("queued")));

        a = control(id, QStringLiteral("advance"));
        QVERIFY2(a.value(QLatin1String("ok")).toBool(), QJsonDocument(a).toJson());
        QCOMPARE(a.value(QLatin1String("job")).toObject().value(QLatin1String("status")).toString(),
            QStringLiteral("processing"));
        s = status(id);
        QCOMPARE(s.value(QLatin1String("status")).toString(), QStringLiteral("processing"));
        QVERIFY(isWholeNumber(s.value(QLatin1String("progress"))));
        QVERIFY(s.value(QLatin1String("progress")).toInt() >= 0
            && s.value(QLatin1String("progress")).toInt() < 100);
        QVERIFY(s.value(QLatin1String("queue_wait_seconds")).toDouble() >= 0.45);
        QVERIFY(s.contains(QLatin1String("inference_time_seconds")));
        QVERIFY(!s.contains(QLatin1String("result_url")));
        QCOMPARE(s.value(QLatin1String("credits_charged")).toBool(true), false);
        QCOMPARE(s.value(QLatin1String("credits_amount")).toInt(-1), 0);

        a = control(id, QStringLiteral("advance"));
        QVERIFY2(a.value(QLatin1String("ok")).toBool(), QJsonDocument(a).toJson());
        QTRY_COMPARE(rawStatus(id), QStringLiteral("completed"));
        s = status(id);
        QCOMPARE(s.value(QLatin1String("progress")).toInt(), 100);
        QVERIFY(s.contains(QLatin1String("result_url")));
        c = m_sb->job(m_http, id);
        QCOMPARE(c.value(QLatin1String("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(c.value(QLatin1String("state")).toString(), QStringLiteral("succeeded"));
    }

    void statusFieldsAndResult_data()
    {
        QTest::addColumn<QString>("format"); // empty: the default
        QTest::addColumn<QString>("mime");
        QTest::addColumn<QByteArray>("readerFormat");
        QTest::newRow("default webp")
            << QString() << QStringLiteral("image/webp") << QByteArray("webp");
        QTest::newRow("png") << QStringLiteral("png") << QStringLiteral("image/png")
                             << QByteArray("png");
        QTest::newRow("jpeg") << QStringLiteral("jpeg") << QStringLiteral("image/jpeg")
                              << QByteArray("jpeg");
    }
    void statusFieldsAndResult()
    {
        // A completed JobStatusResponse carries every documented field; the result decodes at the
        // asked size.
        QFETCH(QString, format);
        QFETCH(QString, mime);
        QFETCH(QByteArray, readerFormat);
        QJsonObject body { { QLatin1String("prompt"), QStringLiteral("a fox in snow") },
            { QLatin1String("width"), 160 }, { QLatin1String("height"), 96 } };
        if (!format.isEmpty())
            body.insert(QLatin1String("output_format"), format);
        const QString id = submitId(body);
        QVERIFY(!id.isEmpty());
        // While the job runs, progress is a whole percentage that only grows.
        QJsonObject s;
        QList<double> seen;
        QVERIFY(QTest::qWaitFor(
            [&] {
                s = status(id);
                const QJsonValue p = s.value(QLatin1String("progress"));
                if (!isWholeNumber(p) || p.toDouble() < 0 || p.toDouble() > 100)
                    qWarning() << "bad progress" << p;
                const bool done
                    = s.value(QLatin1String("status")).toString() == QLatin1String("completed");
                if (!done && p.toDouble() >= 100)
                    qWarning() << "progress 100 while"
                               << s.value(QLatin1String("status")).toString();
                seen.append(!isWholeNumber(p)        ? -1
                        : done || p.toDouble() < 100 ? p.toDouble()
                                                     : 101);
                return done;
            },
            15000));
        QVERIFY2(!seen.contains(-1), "progress must be an integer from 0 to 100");
        QVERIFY2(!seen.contains(101), "progress must not read 100 before the job is completed");
        QStringList trail;
        for (double p : std::as_const(seen))
            trail.append(QString::number(p));
        QVERIFY2(
            std::is_sorted(seen.cbegin(), seen.cend()), qPrintable(trail.join(QLatin1Char(' '))));
        QVERIFY2(std::any_of(seen.cbegin(), seen.cend(), [](double p) { return p > 0 && p < 100; }),
            "no progress seen while processing");
        QVERIFY(isWholeNumber(s.value(QLatin1String("progress"))));
        QCOMPARE(s.value(QLatin1String("progress")).toInt(), 100);
        QCOMPARE(s.value(QLatin1String("job_id")).toString(), id);
        for (const char *k :
            { "queue_wait_seconds", "inference_time_seconds", "total_elapsed_seconds" }) {
            QVERIFY2(s.value(QLatin1String(k)).isDouble(), k);
            QVERIFY2(s.value(QLatin1String(k)).toDouble() >= 0, k);
        }
        const double q = s.value(QLatin1String("queue_wait_seconds")).toDouble();
        const double inf = s.value(QLatin1String("inference_time_seconds")).toDouble();
        const double total = s.value(QLatin1String("total_elapsed_seconds")).toDouble();
        QVERIFY2(inf >= 0.65, qPrintable(QString::number(inf))); // 7 s of inference at speed 10
        QVERIFY(std::abs(total - (q + inf)) < 0.0015);
        spin(120);
        QCOMPARE(status(id).value(QLatin1String("total_elapsed_seconds")).toDouble(),
            total); // frozen once terminal
        QCOMPARE(s.value(QLatin1String("credits_charged")).toBool(), true);
        QCOMPARE(s.value(QLatin1String("credits_amount")).toInt(), 1);
        QVERIFY(!s.contains(QLatin1String("error")));
        QVERIFY(!s.contains(QLatin1String("failure_reason_code")));
        QCOMPARE(s.value(QLatin1String("result_mime_type")).toString(), mime);

        const QString resultUrl = s.value(QLatin1String("result_url")).toString();
        QVERIFY2(resultUrl.startsWith(m_sb->listen()), qPrintable(resultUrl));
        QVERIFY(QUrlQuery(QUrl(resultUrl)).hasQueryItem(QStringLiteral("signature")));
        const HttpResult file = m_http.get(resultUrl); // pre-signed: no key needed
        QCOMPARE(file.status, 200);
        QCOMPARE(QString::fromLatin1(file.header("Content-Type")), mime);
        QBuffer buffer;
        buffer.setData(file.body);
        QCOMPARE(QImageReader(&buffer).format(), readerFormat);
        const QImage img = QImage::fromData(file.body);
        QVERIFY(!img.isNull());
        QCOMPARE(img.size(), QSize(160, 96));
    }

    void progressReaches100OnlyWhenCompleted()
    {
        // Read closely through a 4 s run, progress climbs 0..99 while processing and is 100 only
        // once completed.
        const QString id = submitId({ { QLatin1String("prompt"), QStringLiteral("slow") },
            { QLatin1String("width"), 64 }, { QLatin1String("height"), 64 },
            { QLatin1String("sandbox"), QJsonObject { { QLatin1String("duration_ms"), 4000 } } } });
        QVERIFY(!id.isEmpty());
        int last = -1;
        QString lastStatus;
        QStringList problems;
        QVERIFY(QTest::qWaitFor(
            [&] {
                const QJsonObject s = status(id);
                lastStatus = s.value(QLatin1String("status")).toString();
                const QJsonValue p = s.value(QLatin1String("progress"));
                if (!isWholeNumber(p) || p.toInt() < 0 || p.toInt() > 100)
                    problems.append(QStringLiteral("progress %1").arg(p.toDouble()));
                else if (p.toInt() < last)
                    problems.append(QStringLiteral("progress went back from %1 to %2")
                                        .arg(last)
                                        .arg(p.toInt()));
                else if (p.toInt() == 100 && lastStatus != QLatin1String("completed"))
                    problems.append(QStringLiteral("progress 100 while %1").arg(lastStatus));
                last = p.toInt();
                return lastStatus == QLatin1String("completed")
                    || lastStatus == QLatin1String("failed");
            },
            15000));
        QCOMPARE(lastStatus, QStringLiteral("completed"));
        QCOMPARE(last, 100);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1String("; "))));
    }

    void upscaleChargesTwoCredits()
    {
        // The upscale endpoint is polled through its own status route and is a png by default.
        const QString ep = QStringLiteral("upscale/image/v1");
        const QString id = submitId(
            { { QLatin1String("image_url"), QStringLiteral("https://example.com/x.png") },
                { QLatin1String("sandbox"),
                    QJsonObject { { QLatin1String("duration_ms"), 100 } } } },
            ep);
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(rawStatus(id, ep), QStringLiteral("completed"), 15000);
        const QJsonObject s = status(id, ep);
        QCOMPARE(
            s.value(QLatin1String("result_mime_type")).toString(), QStringLiteral("image/png"));
        QCOMPARE(s.value(QLatin1String("credits_amount")).toInt(), 2);
        const QImage img
            = QImage::fromData(m_http.get(s.value(QLatin1String("result_url")).toString()).body);
        QCOMPARE(img.size(), QSize(512, 512));
    }

    void unknownRoutesAre404()
    {
        // Status through another endpoint's path, an unknown job and an unknown endpoint all answer
        // 404.
        const QString id = submitId({ { QLatin1String("prompt"), QStringLiteral("x") },
            { QLatin1String("sandbox"),
                QJsonObject { { QLatin1String("hold"), QStringLiteral("queued") } } } });
        QVERIFY(!id.isEmpty());
        const Headers key = m_sb->apiKey("imagepipeline");
        QCOMPARE(m_http.get(statusUrl(id), key).status, 200);
        VERIFY_DIALECT_ERROR(m_http.get(statusUrl(id, QStringLiteral("edit/image/v1")), key), 404,
            QStringLiteral("JOB_NOT_FOUND"));
        VERIFY_DIALECT_ERROR(m_http.get(statusUrl(id, QStringLiteral("upscale/image/v1")), key),
            404, QStringLiteral("JOB_NOT_FOUND"));
        VERIFY_DIALECT_ERROR(m_http.get(statusUrl(QStringLiteral("job_000000000000")), key), 404,
            QStringLiteral("JOB_NOT_FOUND"));
        VERIFY_DIALECT_ERROR(m_http.get(statusUrl(id, QStringLiteral("nope/image/v1")), key), 404,
            QStringLiteral("JOB_NOT_FOUND"));
        const HttpResult unknown = m_http.post(url(QStringLiteral("generate/video/v9")),
            { { QLatin1String("prompt"), QStringLiteral("x") } }, key);
        VERIFY_DIALECT_ERROR(unknown, 404, QStringLiteral("UNKNOWN_ENDPOINT"));
        QVERIFY(unknown.json()
                    .value(QLatin1String("error"))
                    .toString()
                    .contains(QLatin1String("generate/video/v9")));
        QVERIFY(control(id, QStringLiteral("cancel")).value(QLatin1String("ok")).toBool());
    }

    void authIsRequired()
    {
        // A missing or wrong X-API-Key answers 401 in the dialect's error shape on every route.
        const QString id = submitId({ { QLatin1String("prompt"), QStringLiteral("x") },
            { QLatin1String("sandbox"),
                QJsonObject { { QLatin1String("hold"), QStringLiteral("queued") } } } });
        QVERIFY(!id.isEmpty());
        const QByteArray good = m_sb->key("imagepipeline");
        QByteArray wrong = good;
        wrong[wrong.size() - 1] = wrong.at(wrong.size() - 1) == 'a' ? 'b' : 'a';
        const QList<Headers> bad { Headers {}, Headers { { "X-API-Key", wrong } },
            Headers { { "X-API-Key", good + "x" } },
            Headers { { "Authorization", "Bearer " + good } } };
        const QJsonObject body { { QLatin1String("prompt"), QStringLiteral("x") } };
        const int jobsBefore = int(m_http.get(m_sb->control() + QStringLiteral("/jobs"))
                                       .json()
                                       .value(QLatin1String("jobs"))
                                       .toArray()
                                       .size());
        for (const Headers &h : bad) {
            VERIFY_DIALECT_ERROR(
                m_http.post(url(kGenerate), body, h), 401, QStringLiteral("UNAUTHORIZED"));
            VERIFY_DIALECT_ERROR(m_http.get(statusUrl(id), h), 401, QStringLiteral("UNAUTHORIZED"));
            VERIFY_DIALECT_ERROR(m_http.get(url(QStringLiteral("webhooks/event-schema")), h), 401,
                QStringLiteral("UNAUTHORIZED"));
        }
        const int jobsAfter = int(m_http.get(m_sb->control() + QStringLiteral("/jobs"))
                                      .json()
                                      .value(QLatin1String("jobs"))
                                      .toArray()
                                      .size());
        QCOMPARE(jobsAfter, jobsBefore);
        QVERIFY(control(id, QStringLiteral("cancel")).value(QLatin1String("ok")).toBool());
    }

    void invalidBodiesAre422_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("malformed JSON")
            << QByteArray("{\"prompt\": \"x\",") << QStringLiteral("JSON");
        QTest::newRow("not an object") << QByteArray("[\"prompt\"]") << QStringLiteral("object");
        QTest::newRow("empty") << QByteArray(" ") << QStringLiteral("body");
        QTest::newRow("missing prompt")
            << QByteArray("{\"width\":512}") << QStringLiteral("prompt");
        QTest::newRow("empty prompt")
            << QByteArray("{\"prompt\":\"\"}") << QStringLiteral("prompt");
        QTest::newRow("width 99999")
            << QByteArray("{\"prompt\":\"x\",\"width\":99999}") << QStringLiteral("width");
        QTest::newRow("height fraction")
            << QByteArray("{\"prompt\":\"x\",\"height\":100.5}") << QStringLiteral("height");
        QTest::newRow("gif") << QByteArray("{\"prompt\":\"x\",\"output_format\":\"gif\"}")
                             << QStringLiteral("output_format");
        QTest::newRow("callback_url not a URL")
            << QByteArray("{\"prompt\":\"x\",\"callback_url\":\"not a url\"}")
            << QStringLiteral("callback_url");
        QTest::newRow("callback_url ftp")
            << QByteArray("{\"prompt\":\"x\",\"callback_url\":\"ftp://example.com/hook\"}")
            << QStringLiteral("callback_url");
        QTest::newRow("callback_url number") << QByteArray("{\"prompt\":\"x\",\"callback_url\":42}")
                                             << QStringLiteral("callback_url");
        QTest::newRow("sandbox not an object")
            << QByteArray("{\"prompt\":\"x\",\"sandbox\":\"hold\"}") << QStringLiteral("sandbox");
        QTest::newRow("sandbox hold unknown")
            << QByteArray("{\"prompt\":\"x\",\"sandbox\":{\"hold\":\"active\"}}")
            << QStringLiteral("sandbox.hold");
    }
    void invalidBodiesAre422()
    {
        // An invalid body is refused with 422 INVALID_INPUT naming the field, and no job is
        // created.
        QFETCH(QByteArray, body);
        QFETCH(QString, mentions);
        const int jobsBefore = int(m_http.get(m_sb->control() + QStringLiteral("/jobs"))
                                       .json()
                                       .value(QLatin1String("jobs"))
                                       .toArray()
                                       .size());
        const HttpResult r = m_http.postRaw(url(kGenerate), body, m_sb->apiKey("imagepipeline"));
        VERIFY_DIALECT_ERROR(r, 422, QStringLiteral("INVALID_INPUT"));
        const QString message = r.json().value(QLatin1String("error")).toString();
        QVERIFY2(message.contains(mentions), qPrintable(message));
        const int jobsAfter = int(m_http.get(m_sb->control() + QStringLiteral("/jobs"))
                                      .json()
                                      .value(QLatin1String("jobs"))
                                      .toArray()
                                      .size());
        QCOMPARE(jobsAfter, jobsBefore);
    }

    void failuresCarryReasonCode()
    {
        // A chosen failure reads failed with error, failure_reason_code and retryable per the
        // failure catalog.
        const QStringList codes = m_http.get(m_sb->control() + QStringLiteral("/failures"))
                                      .json()
                                      .value(QLatin1String("imagepipeline"))
                                      .toVariant()
                                      .toStringList();
        QVERIFY(codes.contains(QStringLiteral("OUT_OF_MEMORY")));
        QVERIFY(codes.contains(QStringLiteral("CONTENT_POLICY_VIOLATION")));

        // Through the submit body: OUT_OF_MEMORY is transient, so retryable.
        const QString a = submitId({ { QLatin1String("prompt"), QStringLiteral("too big") },
            { QLatin1String("sandbox"),
                QJsonObject { { QLatin1String("fail"), QStringLiteral("OUT_OF_MEMORY") },
                    { QLatin1String("duration_ms"), 200 } } } });
        QVERIFY(!a.isEmpty());
        QTRY_COMPARE(rawStatus(a), QStringLiteral("failed"));
        QJsonObject s = status(a);
        QCOMPARE(s.value(QLatin1String("failure_reason_code")).toString(),
            QStringLiteral("OUT_OF_MEMORY"));
        QVERIFY(s.value(QLatin1String("retryable")).isBool());
        QCOMPARE(s.value(QLatin1String("retryable")).toBool(), true);
        QVERIFY(!s.value(QLatin1String("error")).toString().isEmpty());
        QVERIFY(!s.contains(QLatin1String("result_url")));
        QCOMPARE(s.value(QLatin1String("credits_charged")).toBool(true), false);
        QCOMPARE(s.value(QLatin1String("credits_amount")).toInt(-1), 0);
        QVERIFY(s.value(QLatin1String("progress")).toInt() < 100);

        // Through the control route while processing: a content-policy refusal is final, not
        // retryable.
        const QString b = submitId({ { QLatin1String("prompt"), QStringLiteral("forbidden") },
            { QLatin1String("sandbox"),
                QJsonObject { { QLatin1String("hold"), QStringLiteral("processing") } } } });
        QVERIFY(!b.isEmpty());
        QTRY_COMPARE(rawStatus(b), QStringLiteral("processing"));
        const QJsonObject ack
            = m_http
                  .post(m_sb->control() + QStringLiteral("/jobs/") + b + QStringLiteral("/fail"),
                      { { QLatin1String("reason_code"),
                          QStringLiteral("CONTENT_POLICY_VIOLATION") } })
                  .json();
        QVERIFY2(ack.value(QLatin1String("ok")).toBool(), QJsonDocument(ack).toJson());
        s = status(b);
        QCOMPARE(s.value(QLatin1String("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(s.value(QLatin1String("failure_reason_code")).toString(),
            QStringLiteral("CONTENT_POLICY_VIOLATION"));
        QCOMPARE(s.value(QLatin1String("retryable")).toBool(true), false);
        QVERIFY(!s.value(QLatin1String("error")).toString().isEmpty());
        // A terminal job cannot be failed again.
        QCOMPARE(m_http
                     .post(m_sb->control() + QStringLiteral("/jobs/") + b + QStringLiteral("/fail"),
                         QJsonObject {})
                     .status,
            409);
    }

    void cancelledThroughControl()
    {
        // A job cancelled through the control API reads cancelled and never completes.
        const QString id = submitId({ { QLatin1String("prompt"), QStringLiteral("cancel me") },
            { QLatin1String("sandbox"), QJsonObject { { QLatin1String("duration_ms"), 3000 } } } });
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE(rawStatus(id), QStringLiteral("processing"));
        const QJsonObject ack = control(id, QStringLiteral("cancel"));
        QVERIFY2(ack.value(QLatin1String("ok")).toBool(), QJsonDocument(ack).toJson());
        QJsonObject s = status(id);
        QCOMPARE(s.value(QLatin1String("status")).toString(), QStringLiteral("cancelled"));
        QVERIFY(!s.contains(QLatin1String("result_url")));
        QVERIFY(!s.contains(QLatin1String("failure_reason_code")));
        QCOMPARE(s.value(QLatin1String("credits_charged")).toBool(true), false);
        spin(400);
        QCOMPARE(rawStatus(id), QStringLiteral("cancelled"));
    }

    void webhookIsSignedAndRetried()
    {
        // A completed job's webhook is retried after two 500s: 3 signed attempts, one id, all
        // logged.
        WebhookReceiver receiver(kHookPath, { 500, 500 });
        QVERIFY(receiver.listen());
        const QString id = submitId({ { QLatin1String("prompt"), QStringLiteral("webhook") },
            { QLatin1String("width"), 64 }, { QLatin1String("height"), 64 },
            { QLatin1String("callback_url"), receiver.url() },
            { QLatin1String("sandbox"),
                QJsonObject { { QLatin1String("webhook_retry_base_ms"), 50 },
                    { QLatin1String("duration_ms"), 100 } } } });
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(receiver.count(), 3, 10000);
        QTRY_COMPARE(int(webhookLog(id).size()), 3);
        spin(500); // a fourth attempt would come 200 ms after the third
        QCOMPARE(receiver.count(), 3);

        const QByteArray secret = webhookSecret();
        const QByteArray hookId = receiver.requests().first().headers.value("x-webhook-id");
        QVERIFY(!hookId.isEmpty());
        for (int i = 0; i < 3; ++i) {
            const WebhookReceiver::Request &r = receiver.requests().at(i);
            QCOMPARE(r.method, QByteArray("POST"));
            QCOMPARE(r.path, QByteArray("/hooks/imagepipeline"));
            QCOMPARE(r.headers.value("x-webhook-id"), hookId);
            QCOMPARE(r.headers.value("x-webhook-attempt"), QByteArray::number(i + 1));
            QVERIFY(r.headers.value("content-type").startsWith("application/json"));
            QVERIFY2(
                signatureOk(r, secret), r.headers.value("x-imagepipeline-signature").constData());
            const qint64 ts = r.headers.value("x-imagepipeline-timestamp").toLongLong();
            QVERIFY(std::abs(ts - QDateTime::currentSecsSinceEpoch()) < 30);
            QCOMPARE(r.body, receiver.requests().first().body); // the same event each time
        }
        // A body changed by one byte would not match the signature.
        WebhookReceiver::Request forged = receiver.requests().first();
        forged.body.replace("completed", "completeD");
        QVERIFY(!signatureOk(forged, secret));

        const QJsonObject p = QJsonDocument::fromJson(receiver.requests().first().body).object();
        QCOMPARE(p.value(QLatin1String("job_id")).toString(), id);
        QCOMPARE(p.value(QLatin1String("status")).toString(), QStringLiteral("completed"));
        QVERIFY(p.value(QLatin1String("user_id")).isString());
        QVERIFY(isWholeNumber(p.value(QLatin1String("timestamp"))));
        QVERIFY(std::abs(qint64(p.value(QLatin1String("timestamp")).toDouble())
                    - QDateTime::currentSecsSinceEpoch())
            < 30);
        QCOMPARE(
            p.value(QLatin1String("result_mime_type")).toString(), QStringLiteral("image/webp"));
        QVERIFY(isWholeNumber(p.value(QLatin1String("result_size_bytes"))));
        const QByteArray inline64
            = QByteArray::fromBase64(p.value(QLatin1String("result_base64")).toString().toLatin1());
        QCOMPARE(qint64(inline64.size()),
            qint64(p.value(QLatin1String("result_size_bytes")).toDouble()));
        QCOMPARE(QImage::fromData(inline64).size(), QSize(64, 64));
        const HttpResult file = m_http.get(p.value(QLatin1String("result_url")).toString());
        QCOMPARE(file.status, 200);
        QCOMPARE(file.body, inline64);
        QVERIFY(!p.contains(QLatin1String("error")));

        const QJsonArray log = webhookLog(id);
        QList<int> statuses;
        for (const QJsonValue &v : log) {
            const QJsonObject a = v.toObject();
            QCOMPARE(a.value(QLatin1String("job")).toString(), id);
            QCOMPARE(a.value(QLatin1String("url")).toString(), receiver.url());
            QCOMPARE(a.value(QLatin1String("attempt")).toInt(), int(statuses.size()) + 1);
            statuses.append(a.value(QLatin1String("http_status")).toInt());
        }
        QCOMPARE(statuses, (QList<int> { 500, 500, 200 }));
        QVERIFY(log.last().toObject().value(QLatin1String("done")).toBool());
    }

    void failedJobWebhook()
    {
        // A failed job's webhook says failed, with the failure fields and no result, correctly
        // signed.
        WebhookReceiver receiver(kHookPath);
        QVERIFY(receiver.listen());
        const QString id = submitId({ { QLatin1String("prompt"), QStringLiteral("doomed") },
            { QLatin1String("callback_url"), receiver.url() },
            { QLatin1String("sandbox"),
                QJsonObject { { QLatin1String("fail"), QStringLiteral("MODEL_TIMEOUT") },
                    { QLatin1String("duration_ms"), 100 } } } });
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(receiver.count(), 1, 10000);
        spin(300);
        QCOMPARE(receiver.count(), 1); // 200 the first time: no retry
        const WebhookReceiver::Request &r = receiver.requests().first();
        QVERIFY(signatureOk(r, webhookSecret()));
        QCOMPARE(r.headers.value("x-webhook-attempt"), QByteArray("1"));
        const QJsonObject p = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(p.value(QLatin1String("job_id")).toString(), id);
        QCOMPARE(p.value(QLatin1String("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(p.value(QLatin1String("failure_reason_code")).toString(),
            QStringLiteral("MODEL_TIMEOUT"));
        QVERIFY(!p.value(QLatin1String("error")).toString().isEmpty());
        QCOMPARE(p.value(QLatin1String("retryable")).toBool(false), true);
        QVERIFY(!p.contains(QLatin1String("result_url")));
        QVERIFY(!p.contains(QLatin1String("result_base64")));
        QTRY_COMPARE(int(webhookLog(id).size()), 1);
        QCOMPARE(
            webhookLog(id).first().toObject().value(QLatin1String("http_status")).toInt(), 200);
    }

    void noWebhookForCancelledJob()
    {
        // Webhooks only announce completed or failed: a cancelled job sends none.
        WebhookReceiver receiver(kHookPath);
        QVERIFY(receiver.listen());
        const QString id = submitId({ { QLatin1String("prompt"), QStringLiteral("never mind") },
            { QLatin1String("callback_url"), receiver.url() },
            { QLatin1String("sandbox"),
                QJsonObject { { QLatin1String("hold"), QStringLiteral("queued") },
                    { QLatin1String("webhook_retry_base_ms"), 50 } } } });
        QVERIFY(!id.isEmpty());
        QVERIFY(control(id, QStringLiteral("cancel")).value(QLatin1String("ok")).toBool());
        QCOMPARE(rawStatus(id), QStringLiteral("cancelled"));
        spin(600);
        QCOMPARE(receiver.count(), 0);
        QCOMPARE(int(webhookLog(id).size()), 0);
    }

    void eventSchema()
    {
        // GET /webhooks/event-schema (with the key) describes the WebhookEvent: completed or
        // failed.
        const HttpResult r = m_http.get(
            url(QStringLiteral("webhooks/event-schema")), m_sb->apiKey("imagepipeline"));
        QCOMPARE(r.status, 200);
        const QJsonObject schema = r.json();
        QCOMPARE(schema.value(QLatin1String("type")).toString(), QStringLiteral("object"));
        const QJsonObject props = schema.value(QLatin1String("properties")).toObject();
        for (const char *k : { "job_id", "user_id", "status", "result_url", "result_mime_type",
                 "result_size_bytes", "timestamp", "result_base64" })
            QVERIFY2(props.contains(QLatin1String(k)), k);
        QCOMPARE(
            props.value(QLatin1String("status")).toObject().value(QLatin1String("enum")).toArray(),
            (QJsonArray { QStringLiteral("completed"), QStringLiteral("failed") }));
        const QJsonArray required = schema.value(QLatin1String("required")).toArray();
        QVERIFY(required.contains(QStringLiteral("job_id")));
        QVERIFY(required.contains(QStringLiteral("status")));
        VERIFY_DIALECT_ERROR(m_http.get(url(QStringLiteral("webhooks/event-schema"))), 401,
            QStringLiteral("UNAUTHORIZED"));
    }

    void resultUrlsExpire()
    {
        // With expire_after_s 1 a result URL works, then answers 403, and a fresh status read mints
        // a working one.
        const QString id = submitId({ { QLatin1String("prompt"), QStringLiteral("short lived") },
            { QLatin1String("width"), 64 }, { QLatin1String("height"), 64 },
            { QLatin1String("sandbox"),
                QJsonObject { { QLatin1String("expire_after_s"), 1 },
                    { QLatin1String("duration_ms"), 100 } } } });
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE(rawStatus(id), QStringLiteral("completed"));
        const QString first = status(id).value(QLatin1String("result_url")).toString();
        const HttpResult ok = m_http.get(first);
        QCOMPARE(ok.status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(m_http.get(first).status, 403, 4000);
        QVERIFY(m_http.get(first)
                    .json()
                    .value(QLatin1String("error"))
                    .toString()
                    .contains(QLatin1String("expired")));
        const QString fresh = status(id).value(QLatin1String("result_url")).toString();
        QVERIFY(fresh != first);
        const HttpResult again = m_http.get(fresh);
        QCOMPARE(again.status, 200);
        QCOMPARE(again.body, ok.body);
    }

    void expireControlRevokesEarlierUrls()
    {
        // POST /_sandbox/jobs/{id}/expire revokes URLs minted before it; a new status read works
        // again.
        const QString id = submitId({ { QLatin1String("prompt"), QStringLiteral("revoked") },
            { QLatin1String("width"), 64 }, { QLatin1String("height"), 64 },
            { QLatin1String("sandbox"), QJsonObject { { QLatin1String("duration_ms"), 100 } } } });
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE(rawStatus(id), QStringLiteral("completed"));
        const QString before = status(id).value(QLatin1String("result_url")).toString();
        const HttpResult ok = m_http.get(before);
        QCOMPARE(ok.status, 200);
        QVERIFY(control(id, QStringLiteral("expire")).value(QLatin1String("ok")).toBool());
        QCOMPARE(m_http.get(before).status, 403);
        QVERIFY(m_http.get(before)
                    .json()
                    .value(QLatin1String("error"))
                    .toString()
                    .contains(QLatin1String("expired")));
        const QString after = status(id).value(QLatin1String("result_url")).toString();
        QVERIFY(after != before);
        const HttpResult again = m_http.get(after);
        QCOMPARE(again.status, 200);
        QCOMPARE(again.body, ok.body);
        QCOMPARE(m_http.get(before).status, 403);

        // Back to back, as a client would do it: a URL read just before the expire call is revoked,
        // one read just after it works, even when both fall in the same millisecond as the call.
        int revokedSurvivors = 0;
        int freshRefused = 0;
        for (int i = 0; i < 50; ++i) {
            const QString minted = status(id).value(QLatin1String("result_url")).toString();
            control(id, QStringLiteral("expire"));
            const QString fresh = status(id).value(QLatin1String("result_url")).toString();
            revokedSurvivors += m_http.get(minted).status != 403;
            freshRefused += m_http.get(fresh).status != 200;
        }
        QCOMPARE(freshRefused, 0);
        QCOMPARE(revokedSurvivors, 0);
    }

    void tamperedUrlsAre403()
    {
        // A result URL with a changed signature, expiry or file name is refused with 403.
        const QString id = submitId({ { QLatin1String("prompt"), QStringLiteral("tamper") },
            { QLatin1String("width"), 64 }, { QLatin1String("height"), 64 },
            { QLatin1String("sandbox"), QJsonObject { { QLatin1String("duration_ms"), 100 } } } });
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE(rawStatus(id), QStringLiteral("completed"));
        const QUrl good(status(id).value(QLatin1String("result_url")).toString());
        QCOMPARE(m_http.get(good.toString()).status, 200);
        const QUrlQuery q(good);
        auto with = [&](const QString &key, const QString &value) {
            QUrl u = good;
            QUrlQuery changed = q;
            changed.removeQueryItem(key);
            changed.addQueryItem(key, value);
            u.setQuery(changed);
            return u.toString();
        };
        QString sig = q.queryItemValue(QStringLiteral("signature"));
        sig[0] = sig.at(0) == QLatin1Char('0') ? QLatin1Char('1') : QLatin1Char('0');
        QCOMPARE(m_http.get(with(QStringLiteral("signature"), sig)).status, 403);
        QCOMPARE(m_http.get(with(QStringLiteral("signature"), QString())).status, 403);
        const qint64 expires = q.queryItemValue(QStringLiteral("expires")).toLongLong();
        QCOMPARE(
            m_http.get(with(QStringLiteral("expires"), QString::number(expires + 86400000))).status,
            403);
        QUrl other = good;
        other.setPath(
            good.path().replace(QLatin1String("result.webp"), QLatin1String("result.png")));
        QVERIFY(other != good);
        QCOMPARE(m_http.get(other.toString()).status, 403);
    }

    void rangeRequests()
    {
        // Result files honour single byte ranges (206, suffix, open-ended, 416), If-Range, HEAD and
        // a stable ETag.
        const QJsonObject s = completed({ { QLatin1String("prompt"), QStringLiteral("ranges") },
            { QLatin1String("width"), 128 }, { QLatin1String("height"), 128 },
            { QLatin1String("output_format"), QStringLiteral("png") },
            { QLatin1String("sandbox"), QJsonObject { { QLatin1String("duration_ms"), 100 } } } });
        QCOMPARE(s.value(QLatin1String("status")).toString(), QStringLiteral("completed"));
        const QString u = s.value(QLatin1String("result_url")).toString();
        const HttpResult full = m_http.get(u);
        QCOMPARE(full.status, 200);
        const qint64 size = full.body.size();
        QVERIFY(size > 100);
        QCOMPARE(full.header("Content-Length").toLongLong(), size);
        QCOMPARE(full.header("Accept-Ranges"), QByteArray("bytes"));
        QCOMPARE(qint64(s.value(QLatin1String("result_size_bytes")).toDouble()), size);
        const QByteArray etag = full.header("ETag");
        QVERIFY(etag.size() > 2 && etag.startsWith('"') && etag.endsWith('"'));
        QCOMPARE(m_http.get(u).header("ETag"), etag);
        QCOMPARE(m_http
                     .get(status(s.value(QLatin1String("job_id")).toString())
                              .value(QLatin1String("result_url"))
                              .toString())
                     .header("ETag"),
            etag);

        const QByteArray sz = QByteArray::number(size);
        HttpResult r = m_http.get(u, { { "Range", "bytes=0-9" } });
        QCOMPARE(r.status, 206);
        QCOMPARE(r.header("Content-Range"), "bytes 0-9/" + sz);
        QCOMPARE(r.body, full.body.left(10));
        QCOMPARE(r.header("ETag"), etag);

        r = m_http.get(u, { { "Range", "bytes=20-49" } });
        QCOMPARE(r.status, 206);
        QCOMPARE(r.header("Content-Range"), "bytes 20-49/" + sz);
        QCOMPARE(r.body, full.body.mid(20, 30));

        r = m_http.get(u, { { "Range", "bytes=-10" } });
        QCOMPARE(r.status, 206);
        QCOMPARE(r.header("Content-Range"),
            "bytes " + QByteArray::number(size - 10) + '-' + QByteArray::number(size - 1) + '/'
                + sz);
        QCOMPARE(r.body, full.body.right(10));

        r = m_http.get(u, { { "Range", "bytes=5-" } });
        QCOMPARE(r.status, 206);
        QCOMPARE(r.header("Content-Range"), "bytes 5-" + QByteArray::number(size - 1) + '/' + sz);
        QCOMPARE(r.header("Content-Length").toLongLong(), size - 5);
        QCOMPARE(r.body, full.body.mid(5));

        r = m_http.get(u,
            { { "Range",
                "bytes=" + QByteArray::number(size - 3) + '-'
                    + QByteArray::number(size + 1000) } });
        QCOMPARE(r.status, 206);
        QCOMPARE(r.body, full.body.right(3));

        r = m_http.get(u, { { "Range", "bytes=" + sz + '-' } });
        QCOMPARE(r.status, 416);
        QCOMPARE(r.header("Content-Range"), "bytes */" + sz);
        r = m_http.get(u,
            { { "Range",
                "bytes=" + QByteArray::number(size + 100) + "-"
                    + QByteArray::number(size + 200) } });
        QCOMPARE(r.status, 416);
        QCOMPARE(r.header("Content-Range"), "bytes */" + sz);

        r = m_http.get(u, { { "Range", "bytes=0-9" }, { "If-Range", "\"0123456789abcdef\"" } });
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, full.body);
        QVERIFY(r.header("Content-Range").isEmpty());
        r = m_http.get(u, { { "Range", "bytes=0-9" }, { "If-Range", etag } });
        QCOMPARE(r.status, 206);
        QCOMPARE(r.body, full.body.left(10));

        const QByteArray head = rawHead(u);
        QVERIFY2(head.startsWith("HTTP/1.1 200"), head.constData());
        const qsizetype end = head.indexOf("\r\n\r\n");
        QVERIFY(end > 0);
        QCOMPARE(head.size(), end + 4); // headers only
        const QByteArray lower = head.toLower();
        QVERIFY2(lower.contains("\r\ncontent-length: " + sz + "\r\n"), head.constData());
        QVERIFY(lower.contains("\r\ncontent-type: image/png\r\n"));
        QVERIFY(head.contains("\r\nETag: " + etag + "\r\n"));
    }
};

QTEST_GUILESS_MAIN(TestImagePipelineSandbox)
#include "tst_imagepipelinesandbox.moc"
