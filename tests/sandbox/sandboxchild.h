#pragma once

// Test-only: a jobscope-sandbox child process (JOBSCOPE_SANDBOX_BIN) on a free loopback port, its
// startup JSON line, the control token from it, and the child's peak memory from /proc.

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpSocket>
#include <QUrl>
#include <csignal>

namespace TestSupport {

class SandboxChild
{
public:
    explicit SandboxChild(const QStringList &args = {})
    {
        m_process.setProgram(qEnvironmentVariable("JOBSCOPE_SANDBOX_BIN"));
        m_process.setArguments(
            QStringList { QStringLiteral("--port"), QStringLiteral("0") } + args);
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start();
        if (!m_process.waitForStarted(5000))
            return;
        QByteArray line;
        QElapsedTimer t;
        t.start();
        while (!line.contains('\n') && t.elapsed() < 10000) {
            m_process.waitForReadyRead(200);
            line += m_process.readAllStandardOutput();
        }
        m_info = QJsonDocument::fromJson(line.left(line.indexOf('\n'))).object();
    }
    ~SandboxChild()
    {
        if (m_process.state() != QProcess::NotRunning) {
            ::kill(pid_t(m_process.processId()), SIGTERM);
            if (!m_process.waitForFinished(10000))
                m_process.kill();
            m_process.waitForFinished(2000);
        }
    }

    bool ok() const { return !m_info.isEmpty(); }
    QJsonObject info() const { return m_info; }
    QProcess &process() { return m_process; }
    QUrl listen() const { return QUrl(m_info.value(QLatin1String("listen")).toString()); }
    quint16 port() const { return quint16(listen().port()); }
    QByteArray hostHeader() const { return "127.0.0.1:" + QByteArray::number(port()); }
    QString control() const { return m_info.value(QLatin1String("control_url")).toString(); }
    QByteArray controlToken() const
    {
        return m_info.value(QLatin1String("control_token")).toString().toLatin1();
    }
    QByteArray key(const char *dialect) const
    {
        return m_info.value(QLatin1String("dialects"))
            .toObject()
            .value(QLatin1String(dialect))
            .toObject()
            .value(QLatin1String("api_key"))
            .toString()
            .toUtf8();
    }

    // A /proc/<pid>/status figure of the child in KiB ("VmHWM" peak resident, "VmRSS" now); -1 if
    // unknown.
    qint64 statusKib(const char *field) const
    {
        QFile f(QStringLiteral("/proc/%1/status").arg(m_process.processId()));
        if (!f.open(QIODevice::ReadOnly))
            return -1;
        const QByteArray want = QByteArray(field) + ':';
        for (const QByteArray &l : f.readAll().split('\n')) {
            if (l.startsWith(want))
                return l.mid(want.size()).trimmed().split(' ').first().toLongLong();
        }
        return -1;
    }

    // Opens a raw connection to the child.
    bool connect(QTcpSocket &s) const
    {
        s.connectToHost(QHostAddress::LocalHost, port());
        return s.waitForConnected(3000);
    }

private:
    QProcess m_process;
    QJsonObject m_info;
};

// Reads from `s` until a whole response head (and a Content-Length body) is in, the peer closes,
// or `ms` pass; returns what arrived.
inline QByteArray readResponse(QTcpSocket &s, int ms = 5000)
{
    QByteArray in;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
        in += s.readAll();
        const qsizetype end = in.indexOf("\r\n\r\n");
        if (end >= 0) {
            const QByteArray head = in.left(end).toLower();
            const qsizetype at = head.indexOf("content-length:");
            const qint64 length = at < 0
                ? 0
                : head.mid(at + 15, head.indexOf("\r\n", at) - at - 15).trimmed().toLongLong();
            if (in.size() >= end + 4 + length)
                return in;
        }
        if (s.state() != QAbstractSocket::ConnectedState) {
            in += s.readAll();
            return in;
        }
        s.waitForReadyRead(50);
    }
    return in;
}

inline int statusOf(const QByteArray &response)
{
    return response.startsWith("HTTP/1.") ? response.mid(9, 3).toInt() : 0;
}

inline QJsonObject bodyOf(const QByteArray &response)
{
    return QJsonDocument::fromJson(response.mid(response.indexOf("\r\n\r\n") + 4)).object();
}

} // namespace TestSupport
