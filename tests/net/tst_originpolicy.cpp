// Net::OriginPolicy on its own: which URLs may be requested at all, which redirect hops are
// followed, and that credentials never follow a hop to another scheme, host or port.
#include "net/originpolicy.h"

#include <QTest>

using Net::OriginPolicy;
using Verdict = Net::OriginPolicy::Verdict;

namespace {

QNetworkRequest keyed(const QString &url)
{
    QNetworkRequest req { QUrl(url) };
    req.setRawHeader("Authorization", "Bearer CANARY");
    req.setRawHeader("X-API-Key", "CANARY");
    req.setRawHeader("X-Custom-Token", "CANARY");
    req.setRawHeader("Accept", "application/json");
    req.setRawHeader("Content-Type", "application/json");
    req.setRawHeader("Last-Event-ID", "7");
    return req;
}

bool hasCredentials(const QNetworkRequest &req)
{
    return req.hasRawHeader("Authorization") || req.hasRawHeader("X-API-Key")
        || req.hasRawHeader("X-Custom-Token");
}

} // namespace

class TestOriginPolicy final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Only http(s) URLs with a host may be requested; the message names the URL.
    void onlyHttpUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("ok");
        QTest::newRow("https") << "https://api.example.com/v1" << true;
        QTest::newRow("http loopback") << "http://127.0.0.1:8080/x" << true;
        QTest::newRow("HTTP upper case") << "HTTP://example.com/" << true;
        QTest::newRow("file") << "file:///etc/passwd" << false;
        QTest::newRow("data") << "data:text/plain;base64,SGVsbG8=" << false;
        QTest::newRow("qrc") << "qrc:/profiles/defaults.json" << false;
        QTest::newRow("ftp") << "ftp://example.com/result.png" << false;
        QTest::newRow("relative") << "/v1/jobs" << false;
        QTest::newRow("no host") << "http:///path" << false;
    }
    void onlyHttpUrls()
    {
        QFETCH(QString, url);
        QFETCH(bool, ok);
        const QString error = OriginPolicy::checkUrl(QUrl(url));
        QCOMPARE(error.isEmpty(), ok);
        OriginPolicy policy { QNetworkRequest(QUrl(url)) };
        QCOMPARE(policy.startError(), error);
        if (!ok && QUrl(url).scheme() != QLatin1String("http"))
            QVERIFY2(error.endsWith(QLatin1String(" is not an http(s) URL")), qPrintable(error));
    }

    void messagesNameTheUrl()
    {
        QCOMPARE(OriginPolicy::checkUrl(QUrl(QStringLiteral("file:///etc/passwd"))),
            QStringLiteral("file:///etc/passwd is not an http(s) URL"));
        QCOMPARE(OriginPolicy::checkUrl(QUrl(QStringLiteral("ftp://example.com/a?sig=SECRET"))),
            QStringLiteral("ftp://example.com/a is not an http(s) URL"));
        // A huge data: URL is clipped, control characters never reach a terminal.
        const QString huge = QStringLiteral("data:text/plain,") + QString(5000, u'A');
        QVERIFY(OriginPolicy::checkUrl(QUrl(huge)).size() < 160);
    }

    void loopback_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("loopback");
        QTest::newRow("127.0.0.1") << "http://127.0.0.1:1/" << true;
        QTest::newRow("127.1.2.3") << "http://127.1.2.3/" << true;
        QTest::newRow("::1") << "http://[::1]:8080/" << true;
        QTest::newRow("localhost") << "http://localhost/" << true;
        QTest::newRow("LOCALHOST.") << "http://LOCALHOST./" << true;
        QTest::newRow("api.localhost") << "http://api.localhost/" << true;
        QTest::newRow("remote") << "http://example.com/" << false;
        QTest::newRow("lookalike") << "http://127.0.0.1.example.com/" << false;
        QTest::newRow("localhost.example") << "http://localhost.example.com/" << false;
        QTest::newRow("10.0.0.1") << "http://10.0.0.1/" << false;
    }
    void loopback()
    {
        QFETCH(QString, url);
        QFETCH(bool, loopback);
        QCOMPARE(OriginPolicy::isLoopback(QUrl(url)), loopback);
        QCOMPARE(OriginPolicy::isInsecureRemote(QUrl(url)), !loopback);
    }

    void sameOrigin_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<bool>("same");
        QTest::newRow("path only") << "https://a.example/x"
                                   << "https://a.example/y?z" << true;
        QTest::newRow("default port") << "https://a.example/"
                                      << "https://a.example:443/" << true;
        QTest::newRow("host case") << "https://A.example/"
                                   << "https://a.EXAMPLE/" << true;
        QTest::newRow("other host") << "https://a.example/"
                                    << "https://b.example/" << false;
        QTest::newRow("subdomain") << "https://a.example/"
                                   << "https://x.a.example/" << false;
        QTest::newRow("other port") << "http://127.0.0.1:1000/"
                                    << "http://127.0.0.1:1001/" << false;
        QTest::newRow("other scheme") << "http://a.example/"
                                      << "https://a.example/" << false;
    }
    void sameOrigin()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(bool, same);
        QCOMPARE(OriginPolicy::sameOrigin(QUrl(a), QUrl(b)), same);
    }

    // Qt follows nothing itself.
    void requestIsManual()
    {
        OriginPolicy policy(keyed(QStringLiteral("https://a.example/")));
        QCOMPARE(policy.request().attribute(QNetworkRequest::RedirectPolicyAttribute).toInt(),
            int(QNetworkRequest::ManualRedirectPolicy));
    }

    // A same-origin hop keeps every header; a hop to another host, port or scheme keeps only the
    // safe ones, and they do not come back on a hop home.
    void credentialsStayWithTheOrigin_data()
    {
        QTest::addColumn<QString>("start");
        QTest::addColumn<QByteArray>("location");
        QTest::addColumn<bool>("keeps");
        QTest::newRow("same origin, relative")
            << "https://a.example/v1/x" << QByteArray("/v1/y") << true;
        QTest::newRow("same origin, absolute")
            << "https://a.example/v1/x" << QByteArray("https://a.example:443/z") << true;
        QTest::newRow("other host")
            << "https://a.example/v1/x" << QByteArray("https://evil.example/x") << false;
        QTest::newRow("other port")
            << "http://127.0.0.1:1000/x" << QByteArray("http://127.0.0.1:1001/x") << false;
        QTest::newRow("http to https")
            << "http://127.0.0.1:1000/x" << QByteArray("https://127.0.0.1:1000/x") << false;
        QTest::newRow("scheme-relative")
            << "https://a.example/x" << QByteArray("//evil.example/x") << false;
    }
    void credentialsStayWithTheOrigin()
    {
        QFETCH(QString, start);
        QFETCH(QByteArray, location);
        QFETCH(bool, keeps);
        OriginPolicy policy(keyed(start));
        QVERIFY(policy.startError().isEmpty());
        QCOMPARE(policy.onAnswer(302, location), Verdict::Follow);
        QCOMPARE(hasCredentials(policy.request()), keeps);
        QCOMPARE(policy.leftOrigin(), !keeps);
        QCOMPARE(policy.request().rawHeader("Accept"), QByteArray("application/json"));
        QCOMPARE(policy.request().rawHeader("Last-Event-ID"), QByteArray("7"));
        QCOMPARE(policy.request().attribute(QNetworkRequest::RedirectPolicyAttribute).toInt(),
            int(QNetworkRequest::ManualRedirectPolicy));
        if (!keeps && QUrl(start).scheme() == QUrl(QString::fromUtf8(location)).scheme()) {
            // Back home: the key does not come back.
            QCOMPARE(policy.onAnswer(302, start.toUtf8()), Verdict::Follow);
            QVERIFY(!hasCredentials(policy.request()));
        }
    }

    // https → http is refused, whatever the host.
    void downgradeRefused()
    {
        for (const QByteArray &to :
            { QByteArray("http://a.example/x"), QByteArray("http://127.0.0.1/x") }) {
            OriginPolicy policy(keyed(QStringLiteral("https://a.example/x")));
            QCOMPARE(policy.onAnswer(301, to), Verdict::Refuse);
            QVERIFY2(policy.error().contains(QLatin1String("from https to plain http")),
                qPrintable(policy.error()));
            QCOMPARE(policy.onAnswer(200, {}), Verdict::Refuse); // stays refused
        }
    }

    // Plain http to a remote host is refused on a hop just like directly; loopback is fine, and a
    // caller that already talks plain http to a remote host (allowed by its profile) may go on.
    void plainHttpToRemoteRefused()
    {
        {
            OriginPolicy policy(keyed(QStringLiteral("http://127.0.0.1:1000/x")));
            QCOMPARE(policy.onAnswer(302, "http://evil.example/x"), Verdict::Refuse);
            QCOMPARE(policy.error(),
                QStringLiteral("the server redirected to plain http on evil.example, where it "
                               "would travel unencrypted; not following it"));
        }
        {
            OriginPolicy policy(keyed(QStringLiteral("http://127.0.0.1:1000/x")));
            QCOMPARE(policy.onAnswer(302, "http://localhost:1000/x"), Verdict::Follow);
        }
        {
            OriginPolicy policy(keyed(QStringLiteral("http://intranet.example/x")));
            QVERIFY(policy.allowInsecure());
            QCOMPARE(policy.onAnswer(302, "http://other.example/x"), Verdict::Follow);
            QVERIFY(!hasCredentials(policy.request()));
        }
        {
            OriginPolicy policy(keyed(QStringLiteral("https://a.example/x")));
            policy.setAllowInsecure(true);
            QCOMPARE(
                policy.onAnswer(302, "http://a.example/x"), Verdict::Refuse); // still a downgrade
        }
    }

    void nonHttpTargetRefused_data()
    {
        QTest::addColumn<QByteArray>("location");
        QTest::newRow("file") << QByteArray("file:///etc/passwd");
        QTest::newRow("data") << QByteArray("data:text/plain,hi");
        QTest::newRow("qrc") << QByteArray("qrc:/x");
        QTest::newRow("ftp") << QByteArray("ftp://a.example/x");
        QTest::newRow("javascript") << QByteArray("javascript:alert(1)");
    }
    void nonHttpTargetRefused()
    {
        QFETCH(QByteArray, location);
        OriginPolicy policy(keyed(QStringLiteral("https://a.example/x")));
        QCOMPARE(policy.onAnswer(302, location), Verdict::Refuse);
        QVERIFY2(policy.error().endsWith(QLatin1String("which is not an http(s) URL")),
            qPrintable(policy.error()));
    }

    // At most five hops; the sixth redirect is the loop message.
    void redirectLimit()
    {
        OriginPolicy policy(keyed(QStringLiteral("https://a.example/loop")));
        for (int i = 0; i < OriginPolicy::MaxRedirects; ++i)
            QCOMPARE(policy.onAnswer(302, "/loop"), Verdict::Follow);
        QCOMPARE(policy.onAnswer(302, "/loop"), Verdict::Refuse);
        QCOMPARE(policy.error(), QStringLiteral("the server redirected more than 5 times"));
        QCOMPARE(policy.redirects(), 5);
    }

    // What is a final answer rather than a hop.
    void finalAnswers()
    {
        OriginPolicy policy(keyed(QStringLiteral("https://a.example/x")));
        QCOMPARE(policy.onAnswer(200, {}), Verdict::Final);
        QCOMPARE(policy.onAnswer(404, "/y"), Verdict::Final);
        QCOMPARE(policy.onAnswer(304, "/y"), Verdict::Final);
        QCOMPARE(policy.onAnswer(300, "/y"), Verdict::Final);
        QCOMPARE(policy.onAnswer(302, {}), Verdict::Final); // no Location
        QCOMPARE(policy.redirects(), 0);
    }

    // Methods and bodies as browsers do: 303 and 301/302 of a POST become a GET without body;
    // 307/308 keep both, same origin only; a body is never sent to another origin.
    void methodsAndBodies()
    {
        const QByteArray body = R"({"prompt":"x"})";
        {
            OriginPolicy policy(keyed(QStringLiteral("https://a.example/submit")), "POST", body);
            QCOMPARE(policy.onAnswer(307, "/submit2"), Verdict::Follow);
            QCOMPARE(policy.method(), QByteArray("POST"));
            QCOMPARE(policy.body(), body);
            QVERIFY(hasCredentials(policy.request()));
            QCOMPARE(policy.onAnswer(308, "/submit3"), Verdict::Follow);
            QCOMPARE(policy.body(), body);
        }
        for (int status : { 301, 302, 303 }) {
            OriginPolicy policy(keyed(QStringLiteral("https://a.example/submit")), "POST", body);
            QCOMPARE(policy.onAnswer(status, "/status"), Verdict::Follow);
            QCOMPARE(policy.method(), QByteArray("GET"));
            QVERIFY(policy.body().isEmpty());
            QVERIFY(!policy.request().hasRawHeader("Content-Type"));
        }
        {
            OriginPolicy policy(keyed(QStringLiteral("https://a.example/job")), "DELETE");
            QCOMPARE(policy.onAnswer(302, "/job2"), Verdict::Follow);
            QCOMPARE(policy.method(), QByteArray("DELETE"));
            QCOMPARE(policy.onAnswer(303, "/job3"), Verdict::Follow);
            QCOMPARE(policy.method(), QByteArray("GET"));
        }
        for (int status : { 307, 308 }) {
            OriginPolicy policy(keyed(QStringLiteral("https://a.example/submit")), "POST", body);
            QCOMPARE(policy.onAnswer(status, "https://evil.example/submit"), Verdict::Refuse);
            QCOMPARE(policy.error(),
                QStringLiteral("the server redirected the request to another site "
                               "(https://evil.example/submit); its body is not sent there"));
        }
        {
            // Cross-origin 303 of a POST: a GET without body or key.
            OriginPolicy policy(keyed(QStringLiteral("https://a.example/submit")), "POST", body);
            QCOMPARE(policy.onAnswer(303, "https://cdn.example/r"), Verdict::Follow);
            QCOMPARE(policy.method(), QByteArray("GET"));
            QVERIFY(policy.body().isEmpty());
            QVERIFY(!hasCredentials(policy.request()));
        }
    }
};

QTEST_GUILESS_MAIN(TestOriginPolicy)
#include "tst_originpolicy.moc"
