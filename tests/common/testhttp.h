#pragma once

// Test-only helpers: a synchronous HTTP client over a real loopback socket (it spins a local event
// loop, so an in-process sandbox keeps serving while a test waits), and an in-process sandbox.

#include "sandbox/jobengine.h"
#include "sandbox/sandboxserver.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QUrl>
#include <memory>

namespace TestSupport {

struct HttpResult
{
    int status = 0; // 0: no HTTP answer
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
};

using Headers = QList<QPair<QByteArray, QByteArray>>;

class TestHttp
{
public:
    HttpResult request(const QByteArray &verb, const QString &url, const Headers &headers = {},
        const QByteArray &body = {}, int timeoutMs = 15000)
    {
        QNetworkRequest req { QUrl(url) };
        for (const auto &h : headers)
            req.setRawHeader(h.first, h.second);
        if (!m_sandboxToken.isEmpty() && req.url().path().startsWith(QLatin1String("/_sandbox"))
            && !req.hasRawHeader("X-Sandbox-Token"))
            req.setRawHeader("X-Sandbox-Token", m_sandboxToken);
        if (!body.isEmpty() && !req.hasRawHeader("Content-Type"))
            req.setRawHeader("Content-Type", "application/json");
        req.setTransferTimeout(timeoutMs);
        QNetworkReply *reply = m_nam.sendCustomRequest(req, verb, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(timeoutMs + 1000, &loop, &QEventLoop::quit);
        loop.exec();
        HttpResult r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.error = reply->error();
        r.body = reply->readAll();
        r.headers = reply->rawHeaderPairs();
        reply->deleteLater();
        return r;
    }
    HttpResult get(const QString &url, const Headers &headers = {})
    {
        return request("GET", url, headers);
    }
    HttpResult del(const QString &url, const Headers &headers = {})
    {
        return request("DELETE", url, headers);
    }
    HttpResult post(const QString &url, const QJsonObject &body, const Headers &headers = {})
    {
        return request("POST", url, headers, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    HttpResult postRaw(const QString &url, const QByteArray &body, const Headers &headers = {})
    {
        return request("POST", url, headers, body);
    }
    QNetworkAccessManager &nam() { return m_nam; }
    // The sandbox's control token: from now on every request to a /_sandbox path sends it as
    // X-Sandbox-Token (unless the request names that header itself).
    void setSandboxToken(const QByteArray &token) { m_sandboxToken = token; }

private:
    QNetworkAccessManager m_nam;
    QByteArray m_sandboxToken;
};

// Waits, serving events, for `ms` milliseconds (for "nothing more happens" checks only).
inline void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// An in-process jobscope-sandbox on a free loopback port.
class TestSandbox
{
public:
    explicit TestSandbox(Sandbox::SandboxServer::Options options = defaults())
    {
        m_server = std::make_unique<Sandbox::SandboxServer>(options);
        QString error;
        m_ok = m_server->start(&error);
        m_error = error;
        if (m_ok)
            m_info = m_server->info();
    }
    static Sandbox::SandboxServer::Options defaults()
    {
        Sandbox::SandboxServer::Options o;
        o.speed = 10;
        o.progressHz = 10;
        o.keepAliveMs = 15000;
        return o;
    }
    bool ok() const { return m_ok; }
    QString error() const { return m_error; }
    QJsonObject info() const { return m_info; }
    QJsonObject dialect(const char *name) const
    {
        return m_info.value(QLatin1String("dialects"))
            .toObject()
            .value(QLatin1String(name))
            .toObject();
    }
    QString base(const char *name) const
    {
        return dialect(name).value(QLatin1String("base_url")).toString();
    }
    QByteArray key(const char *name) const
    {
        return dialect(name).value(QLatin1String("api_key")).toString().toUtf8();
    }
    QString control() const { return m_info.value(QLatin1String("control_url")).toString(); }
    // What the control routes want in X-Sandbox-Token ("control_token" of the startup line).
    QByteArray controlToken() const
    {
        return m_info.value(QLatin1String("control_token")).toString().toLatin1();
    }
    Headers controlHeaders() const { return { { "X-Sandbox-Token", controlToken() } }; }
    QString listen() const { return m_info.value(QLatin1String("listen")).toString(); }
    Headers bearer(const char *name) const
    {
        return { { "Authorization", "Bearer " + key(name) } };
    }
    Headers apiKey(const char *name) const { return { { "X-API-Key", key(name) } }; }
    Sandbox::SandboxServer *server() const { return m_server.get(); }
    Sandbox::JobEngine *engine() const { return m_server->engine(); }

    // The control API's view of a job (state = normalized, status = raw).
    QJsonObject job(TestHttp &http, const QString &id) const
    {
        return http.get(control() + QStringLiteral("/jobs/") + id, controlHeaders()).json();
    }
    QJsonObject act(TestHttp &http, const QString &id, const QString &action,
        const QJsonObject &body = {}) const
    {
        return http
            .post(control() + QStringLiteral("/jobs/") + id + QLatin1Char('/') + action, body,
                controlHeaders())
            .json();
    }

private:
    std::unique_ptr<Sandbox::SandboxServer> m_server;
    QJsonObject m_info;
    bool m_ok = false;
    QString m_error;
};

} // namespace TestSupport
