#pragma once

// One run of jobscope-cli against a hostile server, in a fresh home: its own HOME, XDG folders
// and TMPDIR under a temporary root, the key in $HOSTILE_KEY. The CLI runs under
// `/usr/bin/time -f %M`, so its peak RSS is its own (getrusage of that child, as time reports
// it). Runs are started and awaited without blocking the event loop, so the test's server
// keeps being read and several probes can run at once (waitAll()).
//
// Layout of the root: home/ (HOME, with .config, .local/share — the history —, .cache),
// tmp/ (TMPDIR), runtime/ (XDG_RUNTIME_DIR), work/dl/target/ (the --download folder, two deep so
// "../../" stays inside the root and can be seen).

#include "probechecks.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <memory>

namespace Hostile {

struct ProbeResult
{
    QString name;
    int exitCode = -1; // -1: killed by the test (it did not end in time) or crashed
    bool timedOut = false;
    qint64 rssKb = -1;
    qint64 ms = 0;
    QByteArray out;
    QByteArray err;

    QByteArray all() const { return out + err; }
    QList<QByteArray> errorLines() const { return ProbeChecks::lines(err); }
    QByteArray firstErrorLine() const { return errorLines().value(0); }
};

class CliProbe final
{
public:
    CliProbe(QString name, QString key)
        : m_key(std::move(key))
    {
        m_result.name = std::move(name);
        for (const char *d : { "home/.config", "home/.local/share", "home/.cache", "tmp", "runtime",
                 "work/dl/target" })
            QDir(m_root.path()).mkpath(QLatin1String(d));
        // When it ended, not when the test looked (probes run side by side).
        QObject::connect(&m_process, &QProcess::finished, [this] { m_endMs = m_timer.elapsed(); });
        QFile::setPermissions(path(QStringLiteral("runtime")),
            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    ~CliProbe()
    {
        if (m_process.state() != QProcess::NotRunning) {
            killCli();
            m_process.kill();
            m_process.waitForFinished(3000);
        }
    }
    CliProbe(const CliProbe &) = delete;
    CliProbe &operator=(const CliProbe &) = delete;

    void setName(const QString &name) { m_result.name = name; }
    QString root() const { return m_root.path(); }
    QString path(const QString &rel) const { return QDir(m_root.path()).filePath(rel); }
    QString home() const { return path(QStringLiteral("home")); }
    QString downloadDir() const { return path(QStringLiteral("work/dl/target")); }
    QString historyDir() const { return path(QStringLiteral("home/.local/share/jobscope")); }
    void setEnv(const QString &name, const QString &value) { m_env.insert(name, value); }
    void setStdin(const QByteArray &bytes) { m_stdin = bytes; }

    // Starts the CLI with `args` (again, after an earlier run in the same root has ended).
    void start(const QStringList &args)
    {
        const QString name = m_result.name;
        m_result = ProbeResult();
        m_result.name = name;
        m_finished = false;
        m_endMs = -1;
        QFile::remove(path(QStringLiteral("rss.txt")));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &name : env.keys()) {
            if (name.startsWith(QLatin1String("JOBSCOPE_"))
                || name.startsWith(QLatin1String("XDG_"))
                || name == QLatin1String("DBUS_SESSION_BUS_ADDRESS"))
                env.remove(name);
        }
        env.insert(QStringLiteral("HOME"), home());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), path(QStringLiteral("home/.config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), path(QStringLiteral("home/.local/share")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), path(QStringLiteral("home/.cache")));
        env.insert(QStringLiteral("XDG_STATE_HOME"), path(QStringLiteral("home/.local/state")));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), path(QStringLiteral("runtime")));
        env.insert(QStringLiteral("TMPDIR"), path(QStringLiteral("tmp")));
        env.insert(QStringLiteral("HOSTILE_KEY"), m_key);
        for (auto it = m_env.begin(); it != m_env.end(); ++it)
            env.insert(it.key(), it.value());
        m_process.setProcessEnvironment(env);
        m_process.setWorkingDirectory(path(QStringLiteral("work")));
        const QString cli = qEnvironmentVariable("JOBSCOPE_CLI_BIN");
        m_timed = QFileInfo(QStringLiteral("/usr/bin/time")).isExecutable();
        m_timer.start();
        if (m_timed)
            m_process.start(QStringLiteral("/usr/bin/time"),
                QStringList { QStringLiteral("-f"), QStringLiteral("%M"), QStringLiteral("-o"),
                    path(QStringLiteral("rss.txt")), QStringLiteral("--"), cli }
                    + args);
        else
            m_process.start(cli, args);
        m_process.waitForStarted(5000);
        if (!m_stdin.isEmpty())
            m_process.write(m_stdin);
        m_process.closeWriteChannel();
    }

    bool running() const { return m_process.state() != QProcess::NotRunning; }

    // Reads what the CLI printed so far (call while it runs).
    void collect()
    {
        m_result.out += m_process.readAllStandardOutput();
        m_result.err += m_process.readAllStandardError();
        if (!m_timed && running())
            m_result.rssKb = qMax(m_result.rssKb, hwmOf(m_process.processId()));
    }
    const ProbeResult &soFar() const { return m_result; }

    // SIGKILL to the CLI itself (not to `time` around it): kill -9, no chance to clean up.
    void killCli()
    {
        const qint64 pid = cliPid();
        if (pid > 0)
            ::kill(pid_t(pid), SIGKILL);
    }

    // Waits for the run to end, at most `ms`; then kills it and marks it timed out.
    ProbeResult wait(int ms)
    {
        QList<CliProbe *> one { this };
        waitAll(one, ms);
        return m_result;
    }

    static void waitAll(const QList<CliProbe *> &probes, int ms)
    {
        QDeadlineTimer deadline(ms);
        auto anyRunning = [&] {
            for (CliProbe *p : probes) {
                p->collect();
                if (p->running())
                    return true;
            }
            return false;
        };
        while (anyRunning() && !deadline.hasExpired())
            QTest::qWait(20);
        for (CliProbe *p : probes)
            p->finish();
    }

    ProbeResult result() const { return m_result; }

    // One line for the closing note's table.
    static void print(const ProbeResult &r, const QString &key)
    {
        QByteArray msg = r.firstErrorLine();
        if (!key.isEmpty())
            msg.replace(key.toUtf8(), "<THE-KEY>");
        qInfo("PROBE %s exit=%s rss_kb=%lld ms=%lld msg=%s", qPrintable(r.name),
            r.timedOut ? "timeout" : qPrintable(QString::number(r.exitCode)), r.rssKb, r.ms,
            qPrintable(ProbeChecks::printable(msg)));
    }

private:
    qint64 cliPid() const
    {
        const qint64 pid = m_process.processId();
        if (pid <= 0 || !m_timed)
            return pid;
        QFile children(QStringLiteral("/proc/%1/task/%1/children").arg(pid));
        if (!children.open(QIODevice::ReadOnly))
            return -1;
        return children.readAll().trimmed().split(' ').value(0).toLongLong();
    }

    static qint64 hwmOf(qint64 pid)
    {
        QFile f(QStringLiteral("/proc/%1/status").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            return -1;
        for (const QByteArray &line : f.readAll().split('\n')) {
            if (line.startsWith("VmHWM:"))
                return line.mid(6).trimmed().split(' ').value(0).toLongLong();
        }
        return -1;
    }

    void finish()
    {
        if (m_finished)
            return;
        m_finished = true;
        if (running()) {
            m_result.timedOut = true;
            killCli();
            if (!m_process.waitForFinished(3000)) {
                m_process.kill();
                m_process.waitForFinished(3000);
            }
        }
        collect();
        m_result.ms = m_endMs >= 0 && !m_result.timedOut ? m_endMs : m_timer.elapsed();
        const bool normal = m_process.exitStatus() == QProcess::NormalExit;
        m_result.exitCode = m_result.timedOut || !normal ? -1 : m_process.exitCode();
        if (m_timed) {
            // GNU time exits 128+N when the command died of signal N.
            if (m_result.exitCode >= 128)
                m_result.exitCode = -1;
            QFile rss(path(QStringLiteral("rss.txt")));
            if (rss.open(QIODevice::ReadOnly)) {
                const QList<QByteArray> lines = ProbeChecks::lines(rss.readAll());
                if (!lines.isEmpty())
                    m_result.rssKb = lines.last().trimmed().toLongLong();
            }
        }
    }

    QTemporaryDir m_root;
    QString m_key;
    QHash<QString, QString> m_env;
    QByteArray m_stdin;
    QProcess m_process;
    QElapsedTimer m_timer;
    bool m_timed = false;
    bool m_finished = false;
    qint64 m_endMs = -1;
    ProbeResult m_result;
};

} // namespace Hostile
