#include "sandbox/filesender.h"

#include "sandbox/httpconnection.h"

#include <algorithm>

namespace Sandbox {

namespace {
constexpr qint64 Chunk = 256 * 1024;
constexpr qint64 HighWater = 1024 * 1024;
} // namespace

void FileSender::start(QPointer<QTcpSocket> socket, const QString &path, qint64 offset,
    qint64 length, bool closeAfter, qint64 rate)
{
    if (!socket)
        return;
    auto *sender = new FileSender(socket, path, offset, length, closeAfter, rate);
    sender->pump();
}

FileSender::FileSender(QPointer<QTcpSocket> socket, const QString &path, qint64 offset,
    qint64 length, bool closeAfter, qint64 rate)
    : QObject(socket.data())
    , m_socket(socket)
    , m_file(path)
    , m_remaining(length)
    , m_closeAfter(closeAfter)
    , m_rate(qMax<qint64>(0, rate))
{
    if (m_rate > 0) {
        m_budget = qMax<qint64>(1, m_rate / 10);
        m_slice.setInterval(100);
        connect(&m_slice, &QTimer::timeout, this, [this] {
            m_budget = qMax<qint64>(1, m_rate / 10);
            pump();
        });
        m_slice.start();
    }
    if (!m_file.open(QIODevice::ReadOnly) || !m_file.seek(offset)) {
        m_remaining = 0;
        m_closeAfter = true; // the head promised bytes we cannot send: the client must see a cut
    }
    connect(m_socket, &QTcpSocket::bytesWritten, this, &FileSender::pump);
    connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
}

void FileSender::pump()
{
    if (!m_socket) {
        deleteLater();
        return;
    }
    while (
        m_remaining > 0 && m_socket->bytesToWrite() < HighWater && (m_rate == 0 || m_budget > 0)) {
        const qint64 want = m_rate > 0 ? std::min({ Chunk, m_remaining, m_budget })
                                       : std::min(Chunk, m_remaining);
        const QByteArray chunk = m_file.read(want);
        if (m_rate > 0)
            m_budget -= chunk.size();
        if (chunk.isEmpty()) {
            m_remaining = 0;
            m_closeAfter = true;
            break;
        }
        m_remaining -= chunk.size();
        m_socket->write(chunk);
    }
    if (m_remaining <= 0)
        finish();
}

void FileSender::finish()
{
    m_slice.stop();
    disconnect(m_socket, nullptr, this, nullptr);
    if (m_closeAfter && m_socket)
        m_socket->disconnectFromHost();
    else
        HttpConnection::responseFinished(m_socket);
    deleteLater();
}

} // namespace Sandbox
