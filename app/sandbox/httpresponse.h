#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QPair>

class QTcpSocket;

namespace Sandbox {

// A complete HTTP/1.1 response: status, headers, body. write() puts it on a socket with the
// right Content-Length (or only the head for HEAD requests).
struct HttpResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    static HttpResponse json(int status, const QJsonValue &value);
    static HttpResponse bytes(int status, const QByteArray &body, const QByteArray &contentType);
    HttpResponse &header(const QByteArray &name, const QByteArray &value);
    QByteArray headerValue(const QByteArray &name) const;

    static QByteArray reasonPhrase(int status);
    // Writes the status line and headers (with Content-Length when `contentLength` >= 0).
    static void writeHead(QTcpSocket *socket, int status,
        const QList<QPair<QByteArray, QByteArray>> &headers, qint64 contentLength, bool closeAfter);
    void write(QTcpSocket *socket, bool headOnly, bool closeAfter) const;
};

} // namespace Sandbox
