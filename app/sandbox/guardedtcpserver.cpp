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

void GuardedTcpServer::incomingConnection(qintptr handle)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    const qint64 limit = m_maxBodyBytes;
    // Connected before the HTTP server's own readyRead handler, so it runs first.
    connect(socket, &QTcpSocket::readyRead, socket, [socket, limit] {
        const QByteArray head = socket->peek(8192);
        const qsizetype end = head.indexOf("\r\n\r\n");
        if (end < 0 || head.startsWith("\x81") || head.startsWith("\x82") || head.startsWith("\x88"))
            return;
        const QByteArray lower = head.left(end).toLower();
        const qsizetype at = lower.indexOf("\r\ncontent-length:");
        if (at < 0)
            return;
        const qsizetype valueStart = at + int(sizeof("\r\ncontent-length:")) - 1;
        const qsizetype lineEnd = lower.indexOf("\r\n", valueStart);
        bool ok = false;
        const qint64 length = lower.mid(valueStart, lineEnd - valueStart).trimmed().toLongLong(&ok);
        if (ok && length <= limit)
            return;
        HttpResponse::json(413, QJsonObject{{QLatin1String("error"),
                                             QStringLiteral("The request body is larger than the sandbox accepts (%1 bytes).")
                                                 .arg(limit)}})
            .write(socket, false, true);
        socket->readAll();
        socket->abort();
    });
    addPendingConnection(socket);
}

} // namespace Sandbox
