#pragma once

// Test-only: runs a test binary against a REAL Secret Service that belongs to the test alone, and
// once more with no session bus at all (see docs/keys.md, "Tests").
//
// main() calls runKeyringModes(); in the parent process (JOBSCOPE_TEST_KEYRING unset) it starts the
// same binary twice and returns the combined result:
//  - "private": inside `dbus-run-session`, after a fresh gnome-keyring-daemon was started and its
//    login keyring created and unlocked with a throw-away password, in a temporary XDG_DATA_HOME /
//    XDG_RUNTIME_DIR (so the user's own keyring is never touched, nor any running daemon);
//  - "nobus": DBUS_SESSION_BUS_ADDRESS pointing to a socket that does not exist, HOME and the XDG
//    folders in a temporary directory (so a stray plain-text fallback file would be found).
// Each child runs the whole test class; the functions for the other mode QSKIP. When the tools are
// missing the "private" child runs with mode "missing: <reason>" and its keychain tests QSKIP.
// JOBSCOPE_TEST_KEYRING_HOME names the child's temporary directory (to grep for leaked keys).

#include <QCoreApplication>
#include <QDir>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <cstdio>

namespace TestSupport {

inline QString keyringMode()
{
    return qEnvironmentVariable("JOBSCOPE_TEST_KEYRING");
}

inline QString keyringHome()
{
    return qEnvironmentVariable("JOBSCOPE_TEST_KEYRING_HOME");
}

#define JOBSCOPE_REQUIRE_KEYRING_MODE(mode)                                                        \
    do {                                                                                           \
        if (TestSupport::keyringMode() != QLatin1String(mode))                                     \
            QSKIP(qPrintable(QStringLiteral("runs in the \"%1\" pass (this is \"%2\")")            \
                                 .arg(QLatin1String(mode), TestSupport::keyringMode())));          \
    } while (false)

inline QProcessEnvironment cleanDesktopEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // QtKeychain picks KWallet on a KDE desktop: make it use the Secret Service under test.
    for (const char *var : { "XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "KDE_SESSION_VERSION",
             "KDE_FULL_SESSION", "GNOME_DESKTOP_SESSION_ID", "GNOME_KEYRING_CONTROL",
             "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY" })
        env.remove(QLatin1String(var));
    return env;
}

inline int runChild(
    const QString &program, const QStringList &arguments, const QProcessEnvironment &env)
{
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    child.setProcessEnvironment(env);
    child.start(program, arguments);
    if (!child.waitForStarted(10000)) {
        std::fprintf(
            stderr, "cannot start %s: %s\n", qPrintable(program), qPrintable(child.errorString()));
        return 1;
    }
    child.waitForFinished(-1);
    return child.exitStatus() == QProcess::NormalExit ? child.exitCode() : 1;
}

// Returns -1 in a child (run the tests), otherwise the exit code for main().
inline int runKeyringModes(const QStringList &testArguments)
{
    if (!keyringMode().isEmpty())
        return -1;
    const QString self = QCoreApplication::applicationFilePath();
    int result = 0;

    {
        QTemporaryDir dir;
        QDir(dir.path()).mkpath(QStringLiteral("data"));
        QDir(dir.path()).mkpath(QStringLiteral("run"));
        QFile::setPermissions(dir.filePath(QStringLiteral("run")),
            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QProcessEnvironment env = cleanDesktopEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), dir.filePath(QStringLiteral("run")));
        env.insert(QStringLiteral("JOBSCOPE_TEST_KEYRING_HOME"), dir.path());
        const QString dbusRun = QStandardPaths::findExecutable(QStringLiteral("dbus-run-session"));
        const QString daemon
            = QStandardPaths::findExecutable(QStringLiteral("gnome-keyring-daemon"));
        if (dbusRun.isEmpty() || daemon.isEmpty()) {
            env.insert(QStringLiteral("JOBSCOPE_TEST_KEYRING"),
                QStringLiteral("missing: %1 is not installed (packaging/bootstrap.sh installs it)")
                    .arg(dbusRun.isEmpty() ? QStringLiteral("dbus-run-session")
                                           : QStringLiteral("gnome-keyring-daemon")));
            result = runChild(self, testArguments, env);
        } else {
            env.insert(QStringLiteral("JOBSCOPE_TEST_KEYRING"), QStringLiteral("private"));
            // A random throw-away password for the private keyring, in the child's environment
            // only.
            env.insert(QStringLiteral("JOBSCOPE_TEST_KEYRING_PASSWORD"),
                QString::fromLatin1(QUuid::createUuid().toByteArray(QUuid::WithoutBraces)));
            // The daemon creates the login keyring with the password read from stdin, unlocks it,
            // daemonises, and prints its environment; it leaves when the private bus goes away.
            const QString script
                = QStringLiteral("out=$(printf %s \"$JOBSCOPE_TEST_KEYRING_PASSWORD\" | "
                                 "gnome-keyring-daemon --unlock --components=secrets) "
                                 "|| { echo 'gnome-keyring-daemon did not start' >&2; exit 90; }; "
                                 "eval \"$out\"; exec \"$0\" \"$@\"");
            result = runChild(dbusRun,
                QStringList {
                    QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"), script, self }
                    + testArguments,
                env);
        }
    }
    {
        QTemporaryDir dir;
        QDir(dir.path()).mkpath(QStringLiteral("run"));
        QFile::setPermissions(dir.filePath(QStringLiteral("run")),
            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QProcessEnvironment env = cleanDesktopEnvironment();
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
            QStringLiteral("unix:path=") + dir.filePath(QStringLiteral("no-bus")));
        env.insert(QStringLiteral("HOME"), dir.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), dir.filePath(QStringLiteral("run")));
        env.insert(QStringLiteral("JOBSCOPE_TEST_KEYRING_HOME"), dir.path());
        env.insert(QStringLiteral("JOBSCOPE_TEST_KEYRING"), QStringLiteral("nobus"));
        const int code = runChild(self, testArguments, env);
        if (result == 0)
            result = code;
    }
    return result;
}

// Every file under `folder` (recursively) whose bytes contain `needle`.
inline QStringList filesContaining(const QString &folder, const QByteArray &needle)
{
    QStringList hits;
    const QFileInfoList entries = QDir(folder).entryInfoList(
        QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
    for (const QFileInfo &info : entries) {
        if (info.isDir() && !info.isSymLink()) {
            hits += filesContaining(info.filePath(), needle);
        } else if (info.isFile()) {
            QFile f(info.filePath());
            if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
                hits.append(info.filePath());
        }
    }
    return hits;
}

} // namespace TestSupport

// A QTest main that runs the test class in both keyring modes.
#define JOBSCOPE_KEYRING_TEST_MAIN(TestClass)                                                      \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        QCoreApplication app(argc, argv);                                                          \
        QStringList arguments = app.arguments();                                                   \
        arguments.removeFirst();                                                                   \
        const int parent = TestSupport::runKeyringModes(arguments);                                \
        if (parent >= 0)                                                                           \
            return parent;                                                                         \
        TestClass test;                                                                            \
        return QTest::qExec(&test, argc, argv);                                                    \
    }
