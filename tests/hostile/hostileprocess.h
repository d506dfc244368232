#pragma once

// Test side of jobscope-hostile-server: starts it with a spec (hostileserver.h), waits for its
// ports, and keeps every line it prints (the requests it received, how its streams ended). Lines
// are collected while the test's event loop runs, so tests wait with QTest::qWaitFor or the probe
// loops, never with blocking calls.

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

namespace Hostile {

class HostileProcess final
{
public:
    explicit HostileProcess(const QJsonObject &spec)
    {
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, [this] { readLines(); });
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(qEnvironmentVariable("JOBSCOPE_HOSTILE_SERVER_BIN"),
            { QStringLiteral("--spec"),
                QString::fromUtf8(QJsonDocument(spec).toJson(QJsonDocument::Compact)) });
        if (!m_process.waitForStarted(5000))
            return;
        (void)QTest::qWaitFor(
            [this] { return m_port != 0 || m_process.state() == QProcess::NotRunning; }, 10000);
    }
    ~HostileProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.closeWriteChannel(); // it leaves when its stdin closes
            if (!m_process.waitForFinished(2000)) {
                m_process.kill();
                m_process.waitForFinished(2000);
            }
        }
    }
    HostileProcess(const HostileProcess &) = delete;
    HostileProcess &operator=(const HostileProcess &) = delete;

    bool ok() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    quint16 otherPort() const { return m_otherPort; }
    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    QString other() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_otherPort); }

    // Every request a listener ("main" or "other") received so far, as logged.
    QList<QJsonObject> requests(const QString &listener) const
    {
        QList<QJsonObject> r;
        for (const QJsonObject &o : m_lines) {
            if (o.value(QLatin1String("event")).toString() == QLatin1String("request")
                && o.value(QLatin1String("listener")).toString() == listener)
                r.append(o);
        }
        return r;
    }
    // The raw lines the server printed (each a JSON object), for searching a key in.
    const QList<QByteArray> &rawLines() const { return m_raw; }
    QList<QJsonObject> lines() const { return m_lines; }

private:
    void readLines()
    {
        m_buffer += m_process.readAllStandardOutput();
        qsizetype nl;
        while ((nl = m_buffer.indexOf('\n')) >= 0) {
            const QByteArray line = m_buffer.left(nl);
            m_buffer.remove(0, nl + 1);
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            m_raw.append(line);
            m_lines.append(o);
            if (o.value(QLatin1String("event")).toString() == QLatin1String("listening")) {
                m_port = quint16(o.value(QLatin1String("port")).toInt());
                m_otherPort = quint16(o.value(QLatin1String("other_port")).toInt());
            }
        }
    }

    QProcess m_process;
    QByteArray m_buffer;
    QList<QByteArray> m_raw;
    QList<QJsonObject> m_lines;
    quint16 m_port = 0;
    quint16 m_otherPort = 0;
};

} // namespace Hostile
