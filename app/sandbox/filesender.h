#pragma once

#include <QFile>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>

namespace Sandbox {

// Streams a byte range of a file to a socket whose response head is already written, a chunk at a
// time as the socket drains, so a 1 GiB download never sits in memory. Deletes itself when done
// or when the socket goes away.
class FileSender final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileSender)

public:
    static void start(QPointer<QTcpSocket> socket, const QString &path, qint64 offset, qint64 length,
                      bool closeAfter);

private:
    FileSender(QPointer<QTcpSocket> socket, const QString &path, qint64 offset, qint64 length, bool closeAfter);
    void pump();
    void finish();

    QPointer<QTcpSocket> m_socket;
    QFile m_file;
    qint64 m_remaining;
    bool m_closeAfter;
};

} // namespace Sandbox
