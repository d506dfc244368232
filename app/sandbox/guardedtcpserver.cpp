#include "sandbox/guardedtcpserver.h"

#include "sandbox/httpresponse.h"

#include <QJsonObject>
#include <QTcpSocket>

namespace Sandbox {

GuardedTcpServer::GuardedTcpServer(qint64 maxBodyBytes, QObject *parent)
    : QTcpServer(parent)
    , m_maxBodyBytes(maxBodyBytes)
{
}

void GuardedTcpServer::release(QTcpSocket *socket)
{
    QObject::disconnect(socket, &QTcpSocket::readyRead, socket, nullptr);
}

void GuardedTcpServer::incomingConnection(qintptr handle)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    const qint64 limit = m_maxBodyBytes;
    // Connected before the HTTP server's own readyRead handler, so it runs first.
    // Connected before the HTTP server's own readyRead handler, so it runs first.
    connect(socket, &QTcpSocket::readyRead, socket, [socket, limit] {
        if (socket->property("jobscope_rejected").toBool()) {
            socket->readAll(); // the rest of a refused body: never let the HTTP parser see it
            return;
        }
        const QByteArray head = socket->peek(8192);
        const qsizetype end = head.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray lower = head.left(end).toLower();
        const qsizetype at = lower.indexOf("\r\ncontent-length:");
        if (at < 0)
            return;
        const qsizetype valueStart = at + qsizetype(sizeof("\r\ncontent-length:")) - 1;
        const qsizetype lineEnd = lower.indexOf("\r\n", valueStart);
        bool ok = false;
        const qint64 length = lower.mid(valueStart, lineEnd < 0 ? -1 : lineEnd - valueStart).trimmed().toLongLong(&ok);
        if (ok && length <= limit)
            return;
        socket->setProperty("jobscope_rejected", true);
        socket->readAll();
        HttpResponse::json(ok ? 413 : 400,
                           QJsonObject{{QLatin1String("error"),
                                        ok ? QStringLiteral("The request body is larger than the sandbox accepts (%1 bytes).").arg(limit)
                                           : QStringLiteral("The Content-Length header is not a number.")}})
            .write(socket, false, true); // Connection: close, then a graceful close after the write
    });
    addPendingConnection(socket);
}

} // namespace Sandbox
