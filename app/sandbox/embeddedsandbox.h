#pragma once

#include <QJsonObject>
#include <QObject>
#include <QThread>

namespace Sandbox {

class SandboxServer;

// The sandbox inside the desktop app: a SandboxServer on a thread of its own, listening on a free
// loopback port, keeping its jobs in `dataDir`. start() returns at once; ready(info) or
// failed(message) follows on the caller's thread. The server is stopped with this object.
class EmbeddedSandbox final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EmbeddedSandbox)

public:
    explicit EmbeddedSandbox(QString dataDir, QObject *parent = nullptr);
    ~EmbeddedSandbox() override;

    void start();
    QJsonObject info() const { return m_info; } // the JSON line of jobscope-sandbox, once ready
    // What the /_sandbox control routes want in X-Sandbox-Token ("control_token" of info()).
    QByteArray controlToken() const
    {
        return m_info.value(QLatin1String("control_token")).toString().toLatin1();
    }

Q_SIGNALS:
    void ready(const QJsonObject &info);
    void failed(const QString &message);

private:
    QString m_dataDir;
    QThread m_thread;
    QObject *m_home = nullptr; // lives on m_thread; parents the server
    SandboxServer *m_server = nullptr;
    QJsonObject m_info;
};

} // namespace Sandbox
