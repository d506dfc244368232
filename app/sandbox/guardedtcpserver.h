#pragma once

#include <QTcpServer>

namespace Sandbox {

// A QTcpServer that looks at each request head before the HTTP server buffers the body, and
// answers 413 at once when Content-Length announces more than the limit (400 when it is not a
// number), then drains and closes the connection. (QtHttpServer 6.4 reads
// a whole body into memory before any handler sees it.)
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuardedTcpServer)

public:
    explicit GuardedTcpServer(qint64 maxBodyBytes, QObject *parent = nullptr);
    // Stops inspecting a socket (after it was upgraded to a WebSocket).
    static void release(QTcpSocket *socket);

protected:
    void incomingConnection(qintptr handle) override;

private:
    qint64 m_maxBodyBytes;
};

} // namespace Sandbox
