#pragma once

// Test-only: a server in a child process (the test binary itself, started again with
// --flood-server) that answers every request on 127.0.0.1 with a fixed head and then the same
// piece again and again, raw or as HTTP chunks, as fast as blocking writes go, until `total`
// bytes or the peer leaves. In its own process it outruns the client the way a hostile server
// does, and it adds nothing to the memory the test measures in its own process.
//
// Use: call NetTest::FloodServer::serveIfAsked(argc, argv) first thing in main(); in a test,
// FloodServer server(head, pattern, repeat, total, chunked); server.url("/status"). The piece
// written each time is `pattern` repeated `repeat` times (arguments stay short).

#include <QByteArray>
#include <QCoreApplication>
#include <QProcess>
#include <QUrl>
#include <arpa/inet.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace NetTest {

class FloodServer
{
public:
    FloodServer(
        const QByteArray &head, const QByteArray &pattern, int repeat, qint64 total, bool chunked)
    {
        m_process.setProgram(QCoreApplication::applicationFilePath());
        m_process.setArguments({ QStringLiteral("--flood-server"),
            QString::fromLatin1(head.toHex()), QString::fromLatin1(pattern.toHex()),
            QString::number(repeat), QString::number(total), QString::number(chunked ? 1 : 0) });
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        if (m_process.waitForStarted(5000) && m_process.waitForReadyRead(5000))
            m_port = quint16(m_process.readLine().trimmed().toUInt());
    }
    ~FloodServer()
    {
        m_process.closeWriteChannel(); // it leaves when its stdin closes
        if (!m_process.waitForFinished(3000))
            m_process.kill();
        m_process.waitForFinished(3000);
    }
    FloodServer(const FloodServer &) = delete;
    FloodServer &operator=(const FloodServer &) = delete;

    bool isListening() const { return m_port != 0; }
    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
    }

    // In the child: serves until stdin closes, then exits. Returns only when not asked to serve.
    static void serveIfAsked(int argc, char **argv)
    {
        if (argc != 7 || std::strcmp(argv[1], "--flood-server") != 0)
            return;
        std::signal(SIGPIPE, SIG_IGN);
        const QByteArray head = QByteArray::fromHex(argv[2]);
        const QByteArray piece = QByteArray::fromHex(argv[3]).repeated(std::atoi(argv[4]));
        const qint64 total = std::strtoll(argv[5], nullptr, 10);
        const bool chunked = argv[6][0] == '1';
        const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr *>(&addr), len) != 0
            || ::listen(listener, 8) != 0
            || ::getsockname(listener, reinterpret_cast<sockaddr *>(&addr), &len) != 0)
            std::_Exit(3);
        std::printf("%u\n", unsigned(ntohs(addr.sin_port)));
        std::fflush(stdout);
        for (;;) {
            pollfd fds[2] = { { listener, POLLIN, 0 }, { STDIN_FILENO, POLLIN, 0 } };
            if (::poll(fds, 2, -1) < 0)
                continue;
            if (fds[1].revents) {
                char c;
                if (::read(STDIN_FILENO, &c, 1) <= 0)
                    std::_Exit(0);
            }
            if (!(fds[0].revents & POLLIN))
                continue;
            const int s = ::accept(listener, nullptr, nullptr);
            if (s < 0)
                continue;
            // The request head, then the answer; the next request waits for this one to end.
            QByteArray request;
            char buf[4096];
            while (!request.contains("\r\n\r\n") && request.size() < 65536) {
                const ssize_t n = ::read(s, buf, sizeof buf);
                if (n <= 0)
                    break;
                request.append(buf, n);
            }
            const auto send = [s](const QByteArray &bytes) {
                qsizetype at = 0;
                while (at < bytes.size()) {
                    const ssize_t n = ::write(s, bytes.constData() + at, size_t(bytes.size() - at));
                    if (n <= 0)
                        return false;
                    at += n;
                }
                return true;
            };
            bool ok = send(head);
            for (qint64 sent = 0; ok && sent < total;) {
                const QByteArray part
                    = piece.left(qsizetype(std::min<qint64>(piece.size(), total - sent)));
                ok = chunked ? send(QByteArray::number(part.size(), 16) + "\r\n" + part + "\r\n")
                             : send(part);
                sent += part.size();
            }
            if (ok && chunked)
                send("0\r\n\r\n");
            ::close(s);
        }
    }

private:
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace NetTest
