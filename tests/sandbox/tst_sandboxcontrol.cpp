// The /_sandbox control routes of a jobscope-sandbox process can be driven only by whoever read
// its startup line: they need the control_token from it in X-Sandbox-Token, refuse other origins
// and form-like bodies; every route of the sandbox refuses a Host that is not its listen address
// (DNS rebinding); --no-control-token drops only the token.
#include "sandboxchild.h"
#include "testhttp.h"

#include <QTest>

using namespace TestSupport;

class TestSandboxControl final : public QObject
{
    Q_OBJECT

private:
    // One raw request; the answer.
    static QByteArray send(const SandboxChild &sb, const QByteArray &method, const QByteArray &path,
        const QList<QByteArray> &headers, const QByteArray &body = {})
    {
        QTcpSocket s;
        if (!sb.connect(s))
            return {};
        QByteArray req = method + ' ' + path + " HTTP/1.1\r\n";
        for (const QByteArray &h : headers)
            req += h + "\r\n";
        if (!body.isEmpty() || method == "POST")
            req += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        req += "Connection: close\r\n\r\n" + body;
        s.write(req);
        return readResponse(s);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("JOBSCOPE_SANDBOX_BIN")).isExecutable(),
            "JOBSCOPE_SANDBOX_BIN is not set");
    }

    // Without the token: 401 and no keys; a wrong token: 403; the token: the description (keys
    // included); the startup line carries a fresh 64-hex-digit token each run.
    void controlRoutesNeedTheToken()
    {
        SandboxChild sb;
        QVERIFY(sb.ok());
        const QByteArray token = sb.controlToken();
        QCOMPARE(token.size(), 64);
        QVERIFY(QByteArray::fromHex(token).toHex() == token);
        TestHttp http;
        const HttpResult none = http.get(sb.control());
        QCOMPARE(none.status, 401);
        QVERIFY2(none.json()
                     .value(QLatin1String("error"))
                     .toString()
                     .contains(QLatin1String("X-Sandbox-Token")),
            none.body.constData());
        QVERIFY(!none.body.contains(sb.key("peako")));
        for (const char *path : { "/jobs", "/stats", "/requests", "/webhooks" })
            QCOMPARE(http.get(sb.control() + QLatin1String(path)).status, 401);
        QCOMPARE(http.post(sb.control() + QStringLiteral("/purge"), QJsonObject {}).status, 401);
        QCOMPARE(http.post(sb.control() + QStringLiteral("/drop"), QJsonObject {}).status, 401);

        const HttpResult wrong
            = http.get(sb.control(), { { "X-Sandbox-Token", QByteArray(64, 'a') } });
        QCOMPARE(wrong.status, 403);
        QVERIFY(!wrong.body.contains(sb.key("peako")));
        QCOMPARE(http.get(sb.control(), { { "X-Sandbox-Token", token.left(63) } }).status, 403);

        const HttpResult right = http.get(sb.control(), { { "X-Sandbox-Token", token } });
        QCOMPARE(right.status, 200);
        QVERIFY(right.body.contains(sb.key("peako")));
        QCOMPARE(http.post(sb.control() + QStringLiteral("/purge"), QJsonObject {},
                         { { "X-Sandbox-Token", token } })
                     .status,
            200);

        SandboxChild other;
        QVERIFY(other.ok());
        QVERIFY(other.controlToken() != token);
    }

    // A request addressed to another name (a rebound DNS name) is refused on every route, control
    // or dialect, and for a WebSocket upgrade; 127.0.0.1, localhost and [::1] with any valid port
    // are ours (a proxy on this machine may use another port; a rebound page cannot use our name).
    void foreignHostIsRefused()
    {
        SandboxChild sb;
        QVERIFY(sb.ok());
        const QByteArray port = QByteArray::number(sb.port());
        const QByteArray token = "X-Sandbox-Token: " + sb.controlToken();
        const QByteArray key = "X-API-Key: " + sb.key("peako");
        for (const QByteArray &host : { QByteArray("evil.example:") + port,
                 QByteArray("evil.example"), QByteArray("127.0.0.1.evil.example:") + port,
                 QByteArray("127.0.0.1:99999"), QByteArray("127.0.0.1:x") }) {
            const QByteArray control = send(sb, "GET", "/_sandbox", { "Host: " + host, token });
            QCOMPARE(statusOf(control), 421);
            QVERIFY2(bodyOf(control)
                         .value(QLatin1String("error"))
                         .toString()
                         .contains(QLatin1String("127.0.0.1:") + QString::fromLatin1(port)),
                control.constData());
            QVERIFY(!control.contains(sb.key("peako")));
            QCOMPARE(statusOf(send(sb, "GET", "/peako/api/jobs", { "Host: " + host, key })), 421);
        }
        QCOMPARE(statusOf(send(sb, "GET", "/peako/api/jobs", { key })), 421); // no Host at all
        QCOMPARE(
            statusOf(send(sb, "GET",
                "/deapi/app/"
                    + sb.info()
                          .value(QLatin1String("dialects"))
                          .toObject()
                          .value(QLatin1String("deapi"))
                          .toObject()
                          .value(QLatin1String("pusher_key"))
                          .toString()
                          .toLatin1()
                    + "?protocol=7",
                { "Host: evil.example:" + port, "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" })),
            421);
        for (const QByteArray &host :
            { QByteArray("127.0.0.1:") + port, QByteArray("localhost:") + port,
                QByteArray("[::1]:") + port, QByteArray("LOCALHOST:") + port }) {
            QCOMPARE(statusOf(send(sb, "GET", "/_sandbox/stats", { "Host: " + host, token })), 200);
            QCOMPARE(statusOf(send(sb, "GET", "/peako/api/jobs", { "Host: " + host, key })), 200);
        }
    }

    // A page on another origin is refused even with the token; the sandbox's own origin is not;
    // a POST whose body is not JSON (text/plain, a form) is 415.
    void crossOriginAndFormBodiesAreRefused()
    {
        SandboxChild sb;
        QVERIFY(sb.ok());
        const QByteArray host = "Host: " + sb.hostHeader();
        const QByteArray token = "X-Sandbox-Token: " + sb.controlToken();
        for (const QByteArray &origin : { QByteArray("http://evil.example"), QByteArray("null"),
                 QByteArray("http://127.0.0.1:1"), QByteArray("https://") + sb.hostHeader() }) {
            const QByteArray r = send(sb, "GET", "/_sandbox", { host, token, "Origin: " + origin });
            QCOMPARE(statusOf(r), 403);
            QVERIFY2(bodyOf(r)
                         .value(QLatin1String("error"))
                         .toString()
                         .contains(QLatin1String("other origins")),
                r.constData());
            QCOMPARE(
                statusOf(send(sb, "POST", "/_sandbox/purge",
                    { host, token, "Origin: " + origin, "Content-Type: application/json" }, "{}")),
                403);
        }
        QCOMPARE(statusOf(send(sb, "GET", "/_sandbox/stats",
                     { host, token, "Origin: http://" + sb.hostHeader() })),
            200);
        for (const QByteArray &type :
            { QByteArray("text/plain"), QByteArray("application/x-www-form-urlencoded"),
                QByteArray("multipart/form-data; boundary=x") }) {
            const QByteArray r = send(sb, "POST", "/_sandbox/drop",
                { host, token, "Content-Type: " + type }, R"({"sse":true})");
            QCOMPARE(statusOf(r), 415);
        }
        QCOMPARE(statusOf(send(sb, "POST", "/_sandbox/drop", { host, token }, R"({"sse":true})")),
            415); // a body without a type
        QCOMPARE(statusOf(send(sb, "POST", "/_sandbox/drop",
                     { host, token, "Content-Type: application/json; charset=utf-8" },
                     R"({"sse":true})")),
            200);
        QCOMPARE(statusOf(send(sb, "POST", "/_sandbox/purge", { host, token })),
            200); // empty body, no Origin (curl -X POST)
    }

    // --no-control-token: the control routes answer without the header (the startup line says
    // null), while Host and Origin are still checked and text/plain bodies still refused.
    void noControlTokenForScripts()
    {
        SandboxChild sb({ QStringLiteral("--no-control-token") });
        QVERIFY(sb.ok());
        QVERIFY(sb.info().contains(QLatin1String("control_token")));
        QVERIFY(sb.info().value(QLatin1String("control_token")).isNull());
        TestHttp http;
        QCOMPARE(http.get(sb.control()).status, 200);
        QCOMPARE(http.get(sb.control() + QStringLiteral("/jobs")).status, 200);
        QCOMPARE(http.post(sb.control() + QStringLiteral("/drop"), QJsonObject {}).status, 200);
        const QByteArray host = "Host: " + sb.hostHeader();
        QCOMPARE(statusOf(send(sb, "POST", "/_sandbox/purge", { host })), 200);
        QCOMPARE(
            statusOf(send(sb, "GET", "/_sandbox", { host, "Origin: http://evil.example" })), 403);
        QCOMPARE(statusOf(send(
                     sb, "POST", "/_sandbox/purge", { host, "Content-Type: text/plain" }, "x")),
            415);
        QCOMPARE(statusOf(send(sb, "POST", "/_sandbox/purge",
                     { host, "Origin: http://evil.example", "Content-Type: text/plain" })),
            403);
        QCOMPARE(statusOf(send(sb, "GET", "/_sandbox",
                     { "Host: evil.example:" + QByteArray::number(sb.port()) })),
            421);
    }
};

QTEST_GUILESS_MAIN(TestSandboxControl)
#include "tst_sandboxcontrol.moc"
