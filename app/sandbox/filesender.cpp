#include "sandbox/filesender.h"

namespace Sandbox {

namespace {
constexpr qint64 Chunk = 256 * 1024;
constexpr qint64 HighWater = 1024 * 1024;
} // namespace

void FileSender::start(QPointer<QTcpSocket> socket, const QString &path, qint64 offset, qint64 length, bool closeAfter)
{
    if (!socket)
        return;
    auto *sender = new FileSender(socket, path, offset, length, closeAfter);
    sender->pump();
}

FileSender::FileSender(QPointer<QTcpSocket> socket, const QString &path, qint64 offset, qint64 length, bool closeAfter)
    : QObject(socket.data())
    , m_socket(socket)
    , m_file(path)
    , m_remaining(length)
    , m_closeAfter(closeAfter)
{
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
    while (m_remaining > 0 && m_socket->bytesToWrite() < HighWater) {
        const QByteArray chunk = m_file.read(std::min(Chunk, m_remaining));
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
    disconnect(m_socket, nullptr, this, nullptr);
    if (m_closeAfter && m_socket)
        m_socket->disconnectFromHost();
    deleteLater();
}

} // namespace Sandbox
