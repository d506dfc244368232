// Tests of Net::WebhookInbox: the real sandbox delivers signed ImagePipeline and deAPI webhooks to
// it (and retries one it refused), and hand-made requests check each verdict: forged or missing
// signatures, stale timestamps, duplicates, oversized bodies and heads, other paths and methods,
// silent clients, and the loopback-only rule.
#include "net/webhookinbox.h"
#include "testhttp.h"

#include <QDateTime>
#include <QMessageAuthenticationCode>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <memory>

using namespace TestSupport;
using Net::WebhookInbox;
using Verdict = WebhookInbox::Verdict;

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

const QByteArray TestSecret = "whsec_test_only";

QByteArray sign(const QByteArray &secret, const QByteArray &timestamp, const QByteArray &body)
{
    return "sha256="
        + QMessageAuthenticationCode::hash(
            timestamp + '.' + body, secret, QCryptographicHash::Sha256)
              .toHex();
}

QByteArray now()
{
    return QByteArray::number(QDateTime::currentSecsSinceEpoch());
}

QByteArray headerOf(const WebhookInbox::Delivery &d, const QByteArray &name)
{
    for (const auto &h : d.headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

} // namespace

class TestWebhookInbox final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;
    std::unique_ptr<WebhookInbox> m_inbox;

    QByteArray secret(const char *dialect) const
    {
        return m_sb->dialect(dialect).value(k("webhook_secret")).toString().toUtf8();
    }
    // Signs like the sandbox does, with the "test" scheme's secret unless told otherwise.
    HttpResult deliver(const QByteArray &body, const QByteArray &timestamp,
        const QByteArray &signature, const QByteArray &webhookId = {},
        const QString &scheme = QStringLiteral("test"))
    {
        Headers h { { "Content-Type", "application/json" }, { "X-Test-Timestamp", timestamp } };
        if (!signature.isNull())
            h.append({ "X-Test-Signature", signature });
        if (!webhookId.isEmpty())
            h.append({ "X-Webhook-Id", webhookId });
        return m_http.postRaw(m_inbox->url(scheme).toString(), body, h);
    }
    QString submitImagePipeline(const QJsonObject &sandbox)
    {
        const QJsonObject body { { k("prompt"), QStringLiteral("x") }, { k("width"), 64 },
            { k("height"), 64 },
            { k("callback_url"), m_inbox->url(QStringLiteral("imagepipeline")).toString() },
            { k("sandbox"), sandbox } };
        const HttpResult r
            = m_http.post(m_sb->base("imagepipeline") + QStringLiteral("/generate/image/v1"), body,
                m_sb->apiKey("imagepipeline"));
        if (r.status != 202)
            qWarning() << "ImagePipeline submit refused" << r.status << r.body;
        return r.json().value(k("job_id")).toString();
    }
    QString submitDeApi(const QJsonObject &sandbox)
    {
        const QJsonObject body { { k("prompt"), QStringLiteral("x") }, { k("width"), 64 },
            { k("height"), 64 },
            { k("webhook_url"), m_inbox->url(QStringLiteral("deapi")).toString() },
            { k("sandbox"), sandbox } };
        const HttpResult r
            = m_http.post(m_sb->base("deapi") + QStringLiteral("/api/v1/client/txt2img"), body,
                m_sb->bearer("deapi"));
        if (r.status != 200)
            qWarning() << "deAPI submit refused" << r.status << r.body;
        return r.json().value(k("data")).toObject().value(k("request_id")).toString();
    }
    QJsonArray sandboxAttempts(const QString &jobId)
    {
        return m_http.get(m_sb->control() + QStringLiteral("/webhooks?job=") + jobId)
            .json()
            .value(k("attempts"))
            .toArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sb = std::make_unique<TestSandbox>();
        m_http.setSandboxToken(m_sb->controlToken());
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
        QVERIFY(!secret("imagepipeline").isEmpty());
        QVERIFY(!secret("deapi").isEmpty());
    }
    void init()
    {
        m_inbox = std::make_unique<WebhookInbox>();
        QString error;
        QVERIFY2(m_inbox->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        QVERIFY(m_inbox->addScheme(QStringLiteral("imagepipeline"), "X-ImagePipeline-Signature",
            "X-ImagePipeline-Timestamp", secret("imagepipeline")));
        QVERIFY(m_inbox->addScheme(
            QStringLiteral("deapi"), "X-DeAPI-Signature", "X-DeAPI-Timestamp", secret("deapi")));
        QVERIFY(m_inbox->addScheme(
            QStringLiteral("test"), "X-Test-Signature", "X-Test-Timestamp", TestSecret));
    }
    void cleanup() { m_inbox.reset(); }

    // The sandbox's signed ImagePipeline (callback_url) and deAPI (webhook_url) webhooks verify,
    // are answered 200, and reach received(); what is stored keeps no signature or secret.
    void verifiesSandboxWebhooks()
    {
        QSignalSpy received(m_inbox.get(), &WebhookInbox::received);
        const QString ip = submitImagePipeline(QJsonObject { { k("duration_ms"), 300 } });
        const QString de = submitDeApi(QJsonObject { { k("duration_ms"), 300 } });
        QVERIFY(!ip.isEmpty() && !de.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, 15000);

        QHash<QString, QJsonObject> bodies;
        for (const QList<QVariant> &args : received)
            bodies.insert(
                args.at(0).toString(), QJsonDocument::fromJson(args.at(1).toByteArray()).object());
        QCOMPARE(bodies.value(QStringLiteral("imagepipeline")).value(k("job_id")).toString(), ip);
        QCOMPARE(bodies.value(QStringLiteral("imagepipeline")).value(k("status")).toString(),
            QStringLiteral("completed"));
        QCOMPARE(bodies.value(QStringLiteral("deapi")).value(k("event")).toString(),
            QStringLiteral("job.completed"));
        QCOMPARE(bodies.value(QStringLiteral("deapi"))
                     .value(k("data"))
                     .toObject()
                     .value(k("job_request_id"))
                     .toString(),
            de);

        const QList<WebhookInbox::Delivery> all = m_inbox->deliveries();
        QCOMPARE(all.size(), 2);
        for (const WebhookInbox::Delivery &d : all) {
            QCOMPARE(d.verdict, Verdict::Verified);
            QCOMPARE(d.httpStatus, 200);
            QCOMPARE(d.method, QByteArray("POST"));
            QVERIFY(!d.webhookId.isEmpty());
            QVERIFY(!d.body.isEmpty());
            const QByteArray sigHeader = d.scheme == QLatin1String("deapi")
                ? "X-DeAPI-Signature"
                : "X-ImagePipeline-Signature";
            QCOMPARE(headerOf(d, sigHeader), QByteArray("[redacted]"));
            QVERIFY(!headerOf(d, "X-Webhook-Attempt").isEmpty());
            for (const auto &h : d.headers) {
                QVERIFY(!h.second.contains(secret("imagepipeline")));
                QVERIFY(!h.second.contains(secret("deapi")));
                QVERIFY(!h.second.startsWith("sha256="));
            }
        }
        // The sandbox saw a 200 for each, so it will not retry.
        QTRY_COMPARE(sandboxAttempts(ip).size(), 1);
        QCOMPARE(sandboxAttempts(ip).at(0).toObject().value(k("http_status")).toInt(), 200);
        QTRY_COMPARE(sandboxAttempts(de).size(), 1);
        QCOMPARE(sandboxAttempts(de).at(0).toObject().value(k("http_status")).toInt(), 200);
    }

    // The sandbox retries a delivery the inbox refused (503) with the same X-Webhook-Id, and the
    // retry is accepted as new (the refused one never counted).
    void acceptsTheSandboxRetry()
    {
        QSignalSpy received(m_inbox.get(), &WebhookInbox::received);
        m_inbox->setFailNext(1);
        const QString id = submitDeApi(
            QJsonObject { { k("duration_ms"), 300 }, { k("webhook_retry_base_ms"), 50 } });
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 15000);
        const QList<WebhookInbox::Delivery> all = m_inbox->deliveries();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all.at(0).verdict, Verdict::Refused);
        QCOMPARE(all.at(0).httpStatus, 503);
        QCOMPARE(all.at(1).verdict, Verdict::Verified);
        QCOMPARE(all.at(1).webhookId, all.at(0).webhookId);
        QCOMPARE(headerOf(all.at(0), "X-Webhook-Attempt"), QByteArray("1"));
        QCOMPARE(headerOf(all.at(1), "X-Webhook-Attempt"), QByteArray("2"));
        QTRY_COMPARE(sandboxAttempts(id).size(), 2);
        const QJsonArray attempts = sandboxAttempts(id);
        QCOMPARE(attempts.at(0).toObject().value(k("http_status")).toInt(), 503);
        QCOMPARE(attempts.at(1).toObject().value(k("http_status")).toInt(), 200);
    }

    // A signature made with another secret is 401 bad_signature; so is one that is not hex, or a
    // valid one over a different body. None reaches received().
    void rejectsForgedSignatures()
    {
        QSignalSpy received(m_inbox.get(), &WebhookInbox::received);
        const QByteArray body = R"({"job_id":"forged","status":"completed"})";
        const QByteArray ts = now();
        QCOMPARE(deliver(body, ts, sign("guessed-secret", ts, body)).status, 401);
        QCOMPARE(deliver(body, ts, "sha256=" + QByteArray(64, 'z')).status, 401);
        QCOMPARE(deliver(body, ts, sign(TestSecret, ts, "{}")).status, 401);
        QCOMPARE(deliver(body, ts, sign(TestSecret, ts, body).toUpper().replace("SHA256=", "sha1="))
                     .status,
            401);
        // The sandbox's real secrets do not cross schemes either.
        const HttpResult crossed
            = m_http.postRaw(m_inbox->url(QStringLiteral("deapi")).toString(), body,
                { { "X-DeAPI-Timestamp", ts },
                    { "X-DeAPI-Signature", sign(secret("imagepipeline"), ts, body) } });
        QCOMPARE(crossed.status, 401);
        const QList<WebhookInbox::Delivery> all = m_inbox->deliveries();
        QCOMPARE(all.size(), 5);
        for (const WebhookInbox::Delivery &d : all) {
            QCOMPARE(d.verdict, Verdict::BadSignature);
            QCOMPARE(d.httpStatus, 401);
        }
        QCOMPARE(all.at(0).body, body); // kept for inspection
        QCOMPARE(all.at(0).scheme, QStringLiteral("test"));
        QCOMPARE(received.size(), 0);
        // Upper-case hex of the right signature is the same digest.
        QCOMPARE(
            deliver(body, ts, "sha256=" + sign(TestSecret, ts, body).mid(7).toUpper()).status, 200);
    }

    // No signature header: 401 no_signature, on the scheme's route and on the generic route.
    void rejectsMissingSignatures()
    {
        QCOMPARE(deliver("{}", now(), QByteArray()).status, 401);
        const HttpResult generic = m_http.postRaw(
            m_inbox->url().toString(), "{}", { { "Content-Type", "application/json" } });
        QCOMPARE(generic.status, 401);
        const QList<WebhookInbox::Delivery> all = m_inbox->deliveries();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all.at(0).verdict, Verdict::NoSignature);
        QCOMPARE(all.at(1).verdict, Verdict::NoSignature);
    }

    // The generic route (url() without a scheme) picks the scheme by its signature header.
    void genericRoutePicksTheScheme()
    {
        QSignalSpy received(m_inbox.get(), &WebhookInbox::received);
        const QByteArray body = R"({"event":"job.completed"})";
        const QByteArray ts = now();
        const HttpResult r = m_http.postRaw(m_inbox->url().toString(), body,
            { { "X-DeAPI-Timestamp", ts },
                { "X-DeAPI-Signature", sign(secret("deapi"), ts, body) } });
        QCOMPARE(r.status, 200);
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.at(0).at(0).toString(), QStringLiteral("deapi"));
    }

    // A correctly signed delivery outside the 300 s window (old or future) is a replay: 400.
    void rejectsStaleTimestamps()
    {
        const QByteArray body = R"({"job_id":"old"})";
        const QByteArray old = QByteArray::number(QDateTime::currentSecsSinceEpoch() - 1000);
        const QByteArray future = QByteArray::number(QDateTime::currentSecsSinceEpoch() + 1000);
        const QByteArray edge = QByteArray::number(QDateTime::currentSecsSinceEpoch() - 290);
        QCOMPARE(deliver(body, old, sign(TestSecret, old, body)).status, 400);
        QCOMPARE(deliver(body, future, sign(TestSecret, future, body)).status, 400);
        QCOMPARE(deliver(body, "yesterday", sign(TestSecret, "yesterday", body)).status, 400);
        QCOMPARE(deliver(body, edge, sign(TestSecret, edge, body)).status, 200);
        const QList<WebhookInbox::Delivery> all = m_inbox->deliveries();
        QCOMPARE(all.at(0).verdict, Verdict::StaleTimestamp);
        QCOMPARE(all.at(1).verdict, Verdict::StaleTimestamp);
        QCOMPARE(all.at(2).verdict, Verdict::StaleTimestamp);
        QCOMPARE(all.at(3).verdict, Verdict::Verified);
        // A tighter window is honoured.
        m_inbox->setTimestampWindowSecs(60);
        QCOMPARE(deliver(body, edge, sign(TestSecret, edge, body)).status, 400);
    }

    // The same X-Webhook-Id twice: both answered 200 (the sender stops), the second flagged
    // duplicate and not passed on; ids are per scheme.
    void flagsDuplicates()
    {
        QSignalSpy received(m_inbox.get(), &WebhookInbox::received);
        QSignalSpy recorded(m_inbox.get(), &WebhookInbox::delivery);
        const QByteArray body = R"({"job_id":"j1"})";
        const QByteArray ts = now();
        QCOMPARE(deliver(body, ts, sign(TestSecret, ts, body), "wh-1").status, 200);
        QCOMPARE(deliver(body, ts, sign(TestSecret, ts, body), "wh-1").status, 200);
        QCOMPARE(deliver(body, ts, sign(TestSecret, ts, body), "wh-2").status, 200);
        QCOMPARE(received.size(), 2);
        QCOMPARE(recorded.size(), 3);
        const QList<WebhookInbox::Delivery> all = m_inbox->deliveries();
        QCOMPARE(all.at(0).verdict, Verdict::Verified);
        QCOMPARE(all.at(1).verdict, Verdict::Duplicate);
        QCOMPARE(all.at(1).webhookId, QByteArray("wh-1"));
        QCOMPARE(all.at(2).verdict, Verdict::Verified);
        QCOMPARE(recorded.at(1).at(0).value<WebhookInbox::Delivery>().verdict, Verdict::Duplicate);
    }

    // A body over the cap (1 MiB by default) is refused with 413 from its Content-Length and not
    // stored; one of exactly the cap is verified.
    void refusesTooLargeBodies()
    {
        const QByteArray ts = now();
        const QByteArray exact(int(WebhookInbox::DefaultMaxBodyBytes), 'a');
        const QByteArray over = exact + 'a';
        const HttpResult big = deliver(over, ts, sign(TestSecret, ts, over));
        QCOMPARE(big.status, 413);
        QCOMPARE(deliver(exact, ts, sign(TestSecret, ts, exact)).status, 200);
        const QList<WebhookInbox::Delivery> all = m_inbox->deliveries();
        QCOMPARE(all.at(0).verdict, Verdict::TooLarge);
        QCOMPARE(all.at(0).httpStatus, 413);
        QVERIFY(all.at(0).body.isEmpty());
        QCOMPARE(all.at(1).verdict, Verdict::Verified);
        QCOMPARE(all.at(1).body.size(), exact.size());
        // A smaller cap applies at once.
        m_inbox->setMaxBodyBytes(10);
        QCOMPARE(deliver("01234567890", ts, sign(TestSecret, ts, "01234567890")).status, 413);
    }

    // Other paths are 404, other methods 405; both recorded, neither verified.
    void unknownRoutes()
    {
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(m_inbox->url().port());
        QCOMPARE(m_http.postRaw(base + QStringLiteral("/elsewhere"), "{}").status, 404);
        QCOMPARE(m_http.postRaw(base + QStringLiteral("/webhooks/nosuchscheme"), "{}").status, 404);
        QCOMPARE(m_http.postRaw(base + QStringLiteral("/webhooks/test/extra"), "{}").status, 404);
        QCOMPARE(m_http.get(m_inbox->url(QStringLiteral("test")).toString()).status, 405);
        const QList<WebhookInbox::Delivery> all = m_inbox->deliveries();
        QCOMPARE(all.size(), 4);
        QCOMPARE(all.at(0).verdict, Verdict::NotFound);
        QCOMPARE(all.at(0).path, QStringLiteral("/elsewhere"));
        QCOMPARE(all.at(2).verdict, Verdict::NotFound);
        QCOMPARE(all.at(3).verdict, Verdict::BadRequest);
        QCOMPARE(all.at(3).httpStatus, 405);
    }

    // A client that sends part of a request and then nothing is cut after the read timeout; a
    // head over the limit is answered 431.
    void boundsSlowAndHugeRequests()
    {
        m_inbox->setReadTimeoutMs(300);
        QTcpSocket silent;
        QSignalSpy gone(&silent, &QTcpSocket::disconnected);
        silent.connectToHost(QHostAddress::LocalHost, m_inbox->url().port());
        QVERIFY(silent.waitForConnected(5000));
        silent.write("POST /webhooks/test HTTP/1.1\r\nHost: x\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(gone.size(), 1, 5000);
        QTRY_COMPARE(m_inbox->openConnections(), 0);

        QTcpSocket chatty;
        chatty.connectToHost(QHostAddress::LocalHost, m_inbox->url().port());
        QVERIFY(chatty.waitForConnected(5000));
        chatty.write("POST /webhooks/test HTTP/1.1\r\nX-Filler: "
            + QByteArray(WebhookInbox::DefaultMaxHeaderBytes, 'f') + "\r\n\r\n");
        QByteArray answer;
        QTRY_VERIFY((answer += chatty.readAll()).contains("\r\n\r\n"));
        QVERIFY2(answer.startsWith("HTTP/1.1 431 "), answer.constData());
        QCOMPARE(m_inbox->deliveries().size(), 1);
        QCOMPARE(m_inbox->deliveries().at(0).httpStatus, 431);
        QCOMPARE(m_inbox->deliveries().at(0).verdict, Verdict::BadRequest);
    }

    // Only loopback addresses: any other is refused with an error; ::1 works when the host has it.
    void listensOnLoopbackOnly()
    {
        WebhookInbox inbox;
        QString error;
        QVERIFY(!inbox.listen(QHostAddress::AnyIPv4, 0, &error));
        QVERIFY2(error.contains(QLatin1String("loopback")), qPrintable(error));
        QVERIFY(!inbox.listen(QHostAddress::Any, 0, &error));
        QVERIFY(!inbox.listen(QHostAddress(QStringLiteral("192.0.2.10")), 0, &error));
        QVERIFY(!inbox.isListening());
        QVERIFY(inbox.url().isEmpty());
        QVERIFY(!inbox.listen(QHostAddress::LocalHost, m_inbox->url().port(), &error)); // taken
        // All of 127.0.0.0/8 is loopback.
        QVERIFY2(
            inbox.listen(QHostAddress(QStringLiteral("127.0.0.2")), 0, &error), qPrintable(error));
        QCOMPARE(inbox.url().host(), QStringLiteral("127.0.0.2"));
        inbox.close();
        WebhookInbox v6;
        if (!v6.listen(QHostAddress::LocalHostIPv6, 0, &error))
            QSKIP("no IPv6 loopback on this host");
        QCOMPARE(v6.url(QStringLiteral("x")).host(), QStringLiteral("::1"));
        QVERIFY(v6.url(QStringLiteral("x")).toString().startsWith(QLatin1String("http://[::1]:")));
    }
};

QTEST_GUILESS_MAIN(TestWebhookInbox)
#include "tst_webhookinbox.moc"
