#pragma once

// A minimal HTTP/1.1 receiver for webhooks, written by hand over QTcpServer on loopback so that
// nothing of the sandbox is used to check the sandbox. It records every request (method, path,
// headers, body, arrival time) and answers each with the next status of `statuses` (`otherwise`
// once they run out), then closes the connection.

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QTcpServer>
#include <QTcpSocket>
#include <memory>
#include <utility>

namespace TestSupport {

class WebhookReceiver
{
public:
    struct Request
    {
        QByteArray method;
        QByteArray path; // the request target, as sent
        QHash<QByteArray, QByteArray> headers; // names in lower case
        QByteArray body;
        qint64 receivedMs = 0; // local arrival time, Unix milliseconds
    };

    // `path` only shapes url(); every request is answered whatever its target.
    explicit WebhookReceiver(
        QString path = QStringLiteral("/"), QList<int> statuses = {}, int otherwise = 200)
        : m_path(std::move(path))
        , m_statuses(std::move(statuses))
        , m_otherwise(otherwise)
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                QObject::connect(s, &QTcpSocket::readyRead, s, [this, s, buffer] {
                    *buffer += s->readAll();
                    consume(s, *buffer);
                });
                QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QString url() const
    {
        return QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()) + m_path;
    }
    const QList<Request> &requests() const { return m_requests; }
    int count() const { return int(m_requests.size()); }

private:
    static QByteArray reason(int status)
    {
        switch (status) {
        case 200:
            return "OK";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "Error";
        }
    }

    void consume(QTcpSocket *s, QByteArray &buffer)
    {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        Request r;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        const QList<QByteArray> start = lines.value(0).trimmed().split(' ');
        r.method = start.value(0);
        r.path = start.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            if (colon > 0)
                r.headers.insert(lines.at(i).left(colon).trimmed().toLower(),
                    lines.at(i).mid(colon + 1).trimmed());
        }
        const qsizetype length = r.headers.value("content-length", "0").toLongLong();
        if (buffer.size() < end + 4 + length)
            return; // the body is still arriving
        r.body = buffer.mid(end + 4, length);
        r.receivedMs = QDateTime::currentMSecsSinceEpoch();
        buffer.clear();
        m_requests.append(r);
        const int status = m_statuses.isEmpty() ? m_otherwise : m_statuses.takeFirst();
        const QByteArray text = status == 200 ? "ok" : "receiver says no";
        s->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status)
            + "\r\nContent-Type: text/plain\r\nContent-Length: " + QByteArray::number(text.size())
            + "\r\nConnection: close\r\n\r\n" + text);
        s->disconnectFromHost();
    }

    QTcpServer m_server;
    QString m_path;
    QList<int> m_statuses;
    int m_otherwise = 200;
    QList<Request> m_requests;
};

} // namespace TestSupport
