#pragma once

// Test-only: a tiny HTTP/1.1 server on 127.0.0.1 (plain, or TLS with the test certificate in
// tests/net/data) whose every answer the test writes by hand on the raw socket, so it can
// misbehave in ways no real server does: redirect anywhere, stream without end, stall, reset.
// One request per connection; each request's head and body (Content-Length) are recorded. It runs
// on a thread of its own.
// Writes are paced (stream()) so the server itself never holds more than a few MiB: the tests
// measure the client's memory in the same process.

#include <QElapsedTimer>
#include <QFile>
#include <QMutex>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QUrl>
#include <functional>
#include <memory>

namespace NetTest {

class HostileServer
{
public:
    struct Request
    {
        QByteArray head;
        QByteArray body;
        QByteArray method() const { return head.left(head.indexOf(' ')); }
        QByteArray path() const { return head.split(' ').value(1); }
        QByteArray header(const QByteArray &name) const
        {
            for (const QByteArray &line : head.split('\n')) {
                const qsizetype colon = line.indexOf(':');
                if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                    return line.mid(colon + 1).trimmed();
            }
            return {};
        }
        bool has(const QByteArray &name) const
        {
            for (const QByteArray &line : head.split('\n')) {
                const qsizetype colon = line.indexOf(':');
                if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                    return true;
            }
            return false;
        }
    };
    // Runs on the server's own thread. index: 0 for the first request this server got.
    using Handler = std::function<void(QTcpSocket *socket, int index, const Request &request)>;

    enum class Transport { Plain, Tls };

    // The server runs on a thread of its own, so that it can outrun the client under test the way
    // a real hostile server does (a server on the test's thread is paced by the client's loop).
    explicit HostileServer(Handler handler, Transport transport = Transport::Plain)
        : m_handler(std::move(handler))
    {
        m_thread.start();
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
        QMetaObject::invokeMethod(
            m_context, [this, transport] { setUp(transport); }, Qt::BlockingQueuedConnection);
    }
    ~HostileServer()
    {
        QMetaObject::invokeMethod(
            m_context, [this] { tearDown(); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    static QByteArray readData(const char *name)
    {
        QFile f(qEnvironmentVariable("JOBSCOPE_SOURCE_DIR") + QStringLiteral("/tests/net/data/")
            + QLatin1String(name));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    bool isListening() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    QString base(const char *scheme = "http") const
    {
        return QStringLiteral("%1://127.0.0.1:%2").arg(QLatin1String(scheme)).arg(m_port);
    }
    QUrl url(const QString &path, const char *scheme = "http") const
    {
        return QUrl(base(scheme) + path);
    }
    int count() const
    {
        QMutexLocker lock(&m_mutex);
        return int(m_requests.size());
    }
    Request request(int i) const
    {
        QMutexLocker lock(&m_mutex);
        return m_requests.at(i);
    }
    QList<Request> requests() const
    {
        QMutexLocker lock(&m_mutex);
        return m_requests;
    }
    // Payload bytes written by stream() in all.
    qint64 streamed() const { return m_streamed.loadRelaxed(); }

    // From a handler: writes `head`, then `chunk` again and again (as HTTP chunks when `chunked`,
    // raw otherwise) as fast as the peer takes it, until `total` payload bytes went out or the
    // peer is gone; never more than 2 MiB queued here.
    void stream(
        QTcpSocket *s, const QByteArray &head, const QByteArray &chunk, qint64 total, bool chunked)
    {
        s->write(head);
        auto sent = std::make_shared<qint64>(0);
        auto pump = [this, s, chunk, total, chunked, sent] {
            const auto queued = [s] {
                auto *tls = qobject_cast<QSslSocket *>(s);
                return s->bytesToWrite() + (tls ? tls->encryptedBytesToWrite() : 0);
            };
            while (s->state() == QAbstractSocket::ConnectedState && queued() < 2 * 1024 * 1024) {
                if (*sent >= total) {
                    if (chunked)
                        s->write("0\r\n\r\n");
                    s->disconnectFromHost();
                    return;
                }
                const QByteArray piece = chunk.left(qMin<qint64>(chunk.size(), total - *sent));
                if (chunked)
                    s->write(QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n");
                else
                    s->write(piece);
                *sent += piece.size();
                m_streamed.fetchAndAddRelaxed(piece.size());
            }
        };
        QObject::connect(s, &QTcpSocket::bytesWritten, s, pump);
        if (auto *tls = qobject_cast<QSslSocket *>(s))
            QObject::connect(tls, &QSslSocket::encryptedBytesWritten, s, pump);
        pump();
    }

private:
    void setUp(Transport transport)
    {
        if (transport == Transport::Tls) {
            auto *tls = new QSslServer(m_context);
            QSslConfiguration config = QSslConfiguration::defaultConfiguration();
            config.setLocalCertificate(QSslCertificate(readData("tls-test-localhost.crt")));
            config.setPrivateKey(QSslKey(readData("tls-test-localhost.key"), QSsl::Rsa));
            if (config.localCertificate().isNull() || config.privateKey().isNull())
                qWarning("the test certificate or key in tests/net/data could not be read");
            config.setPeerVerifyMode(QSslSocket::VerifyNone);
            tls->setSslConfiguration(config);
            QObject::connect(tls, &QSslServer::errorOccurred, tls,
                [](QSslSocket *s, QAbstractSocket::SocketError e) {
                    qWarning() << "tls server error" << e << s->errorString();
                });
            m_server = tls;
        } else {
            m_server = new QTcpServer(m_context);
        }
        QObject::connect(m_server, &QTcpServer::pendingConnectionAvailable, m_server, [this] {
            while (QTcpSocket *s = m_server->nextPendingConnection())
                accept(s);
        });
        if (m_server->listen(QHostAddress::LocalHost, 0))
            m_port = m_server->serverPort();
    }
    void tearDown()
    {
        for (const QPointer<QTcpSocket> &s : std::as_const(m_sockets)) {
            if (s) {
                s->disconnect();
                s->abort();
                delete s.data();
            }
        }
        delete m_context; // and the server with it
        m_context = nullptr;
    }
    void accept(QTcpSocket *s)
    {
        m_sockets.append(s);
        auto buffer = std::make_shared<QByteArray>();
        auto done = std::make_shared<bool>(false);
        QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        QObject::connect(s, &QIODevice::readyRead, s, [this, s, buffer, done] {
            if (*done) {
                s->readAll(); // anything after the request: ignored
                return;
            }
            *buffer += s->readAll();
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            Request r { buffer->left(end + 4), {} };
            const qint64 length = r.header("Content-Length").toLongLong();
            if (buffer->size() < end + 4 + length)
                return;
            r.body = buffer->mid(end + 4, length);
            *done = true;
            int index = 0;
            {
                QMutexLocker lock(&m_mutex);
                m_requests.append(r);
                index = int(m_requests.size()) - 1;
            }
            m_handler(s, index, r);
        });
    }

    Handler m_handler;
    mutable QMutex m_mutex;
    QList<Request> m_requests; // guarded by m_mutex
    QAtomicInteger<qint64> m_streamed = 0;
    quint16 m_port = 0;
    QThread m_thread;
    QObject *m_context = nullptr; // lives on m_thread; parent of the server
    QTcpServer *m_server = nullptr;
    QList<QPointer<QTcpSocket>> m_sockets; // server thread only
};

// The test process's memory, from /proc/self/status (kB → bytes).
inline qint64 procStatusBytes(const char *field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

// Resets VmHWM to the current RSS (Linux ≥ 4.0), so a test can read its own peak.
inline void resetPeakRss()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    if (f.open(QIODevice::WriteOnly))
        f.write("5");
}

} // namespace NetTest
