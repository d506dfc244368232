#pragma once

#include "sandbox/httpconnection.h"
#include "sandbox/httplimits.h"
#include "sandbox/requestlog.h"
#include "sandbox/router.h"

#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <QWebSocketServer>
#include <functional>
#include <memory>

class QTcpServer;
class QWebSocket;

namespace Sandbox {

// The sandbox's HTTP/1.1 server: one port for REST, SSE and the WebSocket upgrade. Each
// connection is an HttpConnection, which bounds every request (HttpLimits); a complete request
// goes through the filters, then the Router; a path no route knows goes to the fallback. Every
// answer is recorded in the RequestLog.
//
// Every request, upgrades included, must be addressed (Host) to the address the server listens
// on — 127.0.0.1, localhost or [::1] with its port, or a name given to allowHosts() — or it is
// refused with 421: a page whose name was rebound to 127.0.0.1 (DNS rebinding) sends its own
// name, so it reaches nothing.
class HttpServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpServer)

public:
    using Filter = std::function<bool(HttpContext &)>; // false: it answered the request itself

    explicit HttpServer(HttpLimits limits, QObject *parent = nullptr);
    ~HttpServer() override;

    // Listens on address:port (0 = any free port) and returns the port, or 0 on failure.
    quint16 listenOn(const QHostAddress &address, quint16 port, QString *error);
    // More names (host names or addresses, without port) that requests may be addressed to.
    void allowHosts(const QStringList &names);
    // Whether an Origin header names this server (http, an allowed host, this port).
    bool isOwnOrigin(const QByteArray &origin) const;

    Router &router() { return m_router; }
    RequestLog &requestLog() { return m_log; }
    void setFallback(Router::Handler handler) { m_fallback = std::move(handler); }
    // Runs before routing for the path `prefix` and every path below it.
    void addFilter(const QString &prefix, Filter filter);

    bool hasPendingWebSocketConnections() const;
    std::unique_ptr<QWebSocket> nextPendingWebSocketConnection();

Q_SIGNALS:
    void newWebSocketConnection();

private:
    void accept();
    HttpConnection::Outcome handle(const HttpRequest &request, QTcpSocket *socket);
    void upgrade(const HttpRequest &request, QTcpSocket *socket);
    // Empty when the request's Host is one of ours, else why not.
    QString hostRefusal(const HttpRequest &request) const;

    HttpLimits m_limits;
    QTcpServer *m_tcp = nullptr;
    QWebSocketServer m_ws;
    quint16 m_port = 0;
    QSet<QString> m_hosts; // lower case, IPv6 without brackets
    Router m_router;
    RequestLog m_log;
    Router::Handler m_fallback;
    QList<QPair<QString, Filter>> m_filters;
};

} // namespace Sandbox
