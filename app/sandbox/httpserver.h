#pragma once

#include "sandbox/requestlog.h"
#include "sandbox/router.h"

#include <QAbstractHttpServer>

#include <functional>

namespace Sandbox {

// The sandbox's HTTP/1.1 server: one port for REST, SSE and the WebSocket upgrade (the base class
// hands upgrades out through newWebSocketConnection). Requests go through the Router; a path no
// route knows goes to the fallback. Every answer is recorded in the RequestLog.
class HttpServer final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpServer)

public:
    explicit HttpServer(qint64 maxBodyBytes, QObject *parent = nullptr);

    // Listens on address:port (0 = any free port) and returns the port, or 0 on failure.
    quint16 listenOn(const QHostAddress &address, quint16 port, QString *error);

    Router &router() { return m_router; }
    RequestLog &requestLog() { return m_log; }
    void setFallback(Router::Handler handler) { m_fallback = std::move(handler); }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    Router m_router;
    RequestLog m_log;
    Router::Handler m_fallback;
    qint64 m_maxBodyBytes;
};

} // namespace Sandbox
