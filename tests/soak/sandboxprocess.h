#pragma once

#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QTimer>

namespace Soak {

// A real jobscope-sandbox process, started on a port with a --data folder and restarted on the
// same ones. Reads its startup JSON line (base URLs, keys, control URL, and the control token when
// the sandbox prints one). Its stderr is appended to a log file.
// Signals: ready() once the JSON line is read after each start(); failed() when it could not be
// started, or exited on its own.
class SandboxProcess final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SandboxProcess)

public:
    SandboxProcess(
        QString program, QStringList arguments, QString logPath, QObject *parent = nullptr);
    ~SandboxProcess() override;

    // Starts on `port` (0: a free one, kept for every later start). A listen the previous run's
    // socket still blocks (exit 3) is retried every 300 ms for up to 10 s.
    void start(quint16 port = 0);
    // SIGKILL (`hard`) or SIGTERM, and waits (at most 10 s) until it has exited.
    void stop(bool hard);
    bool isUp() const { return m_up; }
    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    QJsonObject info() const { return m_info; }
    QJsonObject dialect(const QString &name) const;
    QString controlUrl() const;
    QByteArray controlToken() const; // empty when the sandbox prints none

Q_SIGNALS:
    void ready();
    void failed(const QString &message);

private:
    void launch();
    void onOutput();
    void onFinished(int code, QProcess::ExitStatus status);

    QString m_program;
    QStringList m_arguments;
    QString m_logPath;
    QProcess *m_process = nullptr;
    QByteArray m_buffer;
    QJsonObject m_info;
    quint16 m_port = 0;
    bool m_up = false;
    bool m_stopping = false;
    int m_attempts = 0;
    QTimer m_startTimeout;
};

} // namespace Soak
