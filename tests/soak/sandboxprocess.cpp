#include "sandboxprocess.h"

#include <QJsonDocument>
#include <QUrl>
#include <csignal>
#include <sys/prctl.h>

namespace Soak {

SandboxProcess::SandboxProcess(
    QString program, QStringList arguments, QString logPath, QObject *parent)
    : QObject(parent)
    , m_program(std::move(program))
    , m_arguments(std::move(arguments))
    , m_logPath(std::move(logPath))
{
    m_startTimeout.setSingleShot(true);
    m_startTimeout.setInterval(20000);
    connect(&m_startTimeout, &QTimer::timeout, this, [this] {
        if (m_up)
            return;
        stop(true);
        Q_EMIT failed(QStringLiteral("the sandbox printed no startup line within 20 s"));
    });
}

SandboxProcess::~SandboxProcess()
{
    if (m_process && m_process->state() != QProcess::NotRunning)
        stop(false);
}

void SandboxProcess::start(quint16 port)
{
    if (port)
        m_port = port;
    m_attempts = 0;
    launch();
}

void SandboxProcess::launch()
{
    if (m_process) {
        m_process->disconnect(this);
        m_process->deleteLater();
    }
    m_up = false;
    m_stopping = false;
    m_buffer.clear();
    m_info = QJsonObject();
    ++m_attempts;
    m_process = new QProcess(this);
    m_process->setStandardErrorFile(m_logPath, QIODevice::Append);
    // Never outlive the soak, even when it is killed by its deadline.
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    connect(m_process, &QProcess::readyReadStandardOutput, this, &SandboxProcess::onOutput);
    connect(m_process, &QProcess::finished, this, &SandboxProcess::onFinished);
    QStringList args = m_arguments;
    args << QStringLiteral("--port") << QString::number(m_port);
    m_process->start(m_program, args);
    m_startTimeout.start();
}

void SandboxProcess::onOutput()
{
    m_buffer += m_process->readAllStandardOutput();
    if (m_up)
        return;
    const qsizetype nl = m_buffer.indexOf('\n');
    if (nl < 0)
        return;
    const QJsonObject info = QJsonDocument::fromJson(m_buffer.left(nl)).object();
    m_buffer.remove(0, nl + 1);
    if (info.isEmpty()) {
        stop(true);
        Q_EMIT failed(QStringLiteral("the sandbox's first line is not its JSON description"));
        return;
    }
    m_info = info;
    const QString listen = info.value(QLatin1String("listen")).toString();
    m_port = quint16(QUrl(listen).port());
    m_up = true;
    m_startTimeout.stop();
    Q_EMIT ready();
}

void SandboxProcess::onFinished(int code, QProcess::ExitStatus status)
{
    m_up = false;
    m_startTimeout.stop();
    if (m_stopping)
        return;
    // Exit 3: could not listen, most likely the port is not free again yet after a kill.
    if (status == QProcess::NormalExit && code == 3 && m_port && m_attempts < 34) {
        QTimer::singleShot(300, this, &SandboxProcess::launch);
        return;
    }
    Q_EMIT failed(QStringLiteral("the sandbox exited on its own (%1 %2)")
                      .arg(status == QProcess::CrashExit ? QStringLiteral("crashed,")
                                                         : QStringLiteral("exit code"))
                      .arg(code));
}

void SandboxProcess::stop(bool hard)
{
    if (!m_process || m_process->state() == QProcess::NotRunning) {
        m_up = false;
        return;
    }
    m_stopping = true;
    m_up = false;
    if (hard)
        m_process->kill(); // SIGKILL: nothing is flushed
    else
        m_process->terminate(); // SIGTERM: the sandbox stops cleanly
    if (!m_process->waitForFinished(10000)) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

QJsonObject SandboxProcess::dialect(const QString &name) const
{
    return m_info.value(QLatin1String("dialects")).toObject().value(name).toObject();
}

QString SandboxProcess::controlUrl() const
{
    return m_info.value(QLatin1String("control_url")).toString();
}

QByteArray SandboxProcess::controlToken() const
{
    return m_info.value(QLatin1String("control_token")).toString().toUtf8();
}

} // namespace Soak
