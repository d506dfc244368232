#pragma once

#include <QFile>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace Sandbox {

// Streams a byte range of a file to a socket whose response head is already written, a chunk at a
// time as the socket drains, so a 1 GiB download never sits in memory. Deletes itself when done
// or when the socket goes away. With a rate (bytes per second), it sends at most a tenth of it
// every 100 ms: QA's slow downloads, so a transfer can be cut or killed mid-way.
class FileSender final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileSender)

public:
    static void start(QPointer<QTcpSocket> socket, const QString &path, qint64 offset,
        qint64 length, bool closeAfter, qint64 rate = 0);

private:
    FileSender(QPointer<QTcpSocket> socket, const QString &path, qint64 offset, qint64 length,
        bool closeAfter, qint64 rate);
    void pump();
    void finish();

    QPointer<QTcpSocket> m_socket;
    QFile m_file;
    qint64 m_remaining;
    bool m_closeAfter;
    qint64 m_rate = 0;
    qint64 m_budget = 0; // bytes still allowed in this 100 ms slice (rate-limited only)
    QTimer m_slice;
};

} // namespace Sandbox
