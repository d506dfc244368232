#pragma once

#include "cli/keysrequest.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <functional>

class QIODevice;
class QNetworkAccessManager;

namespace Secrets {
class KeyStore;
class KeyTester;
} // namespace Secrets
namespace Settings {
class ProfileRegistry;
}

namespace Cli {

// `jobscope-cli keys …`: a profile's API keys, kept in the system keychain and named in the
// profiles file (Settings::ProfileRegistry) by reference only.
//   keys set PROFILE [--label L]     reads the key from `in` (one line, trimmed; empty refused),
//                                    stores it as keychain:PROFILE/L (L defaults to "default"),
//                                    adds it to the profile and makes it the active key
//   keys list PROFILE                labels, references, which is active (--json: one object a
//   line) keys remove PROFILE [--label L]  from the keychain and the profile (without --label: the
//                                    profile's only key)
//   keys test PROFILE                the active key against the service (Secrets::KeyTester)
// Exit codes as for the rest of the CLI: 0 done / accepted; 1 the service refused the key; 2 usage
// (unknown profile or label, empty key); 3 keychain unreachable or failing, file not writable,
// or the test could not tell. A key never appears on `out` or `err`.
//
// Where no keychain is reachable, `set` stores nothing and ends with exit 3 and the store's
// availability sentence (a key kept in this process's memory would die with it).
class KeysCommand final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeysCommand)

public:
    // For climain: parses, runs on the default profiles file and the "jobscope" keychain service,
    // spinning a local event loop, and returns the exit code. Needs a QCoreApplication.
    static int exec(const QStringList &arguments, QIODevice *in, QIODevice *out, QIODevice *err);

    // Nothing is owned; everything must outlive the command.
    KeysCommand(KeysRequest request, QIODevice *in, QIODevice *out, QIODevice *err,
        Settings::ProfileRegistry *registry, Secrets::KeyStore *store, QNetworkAccessManager *nam,
        QObject *parent = nullptr);
    ~KeysCommand() override;

    // Schedules the work; finished() follows exactly once, always from the event loop.
    void start();
    int exitCode() const { return m_exitCode; }

Q_SIGNALS:
    void finished(int exitCode);

private:
    void run();
    void set();
    void list();
    void remove();
    void test();
    // Runs `then` once the keychain's availability is known.
    void whenProbed(std::function<void()> then);
    QString readKeyFromInput();

    void print(const QString &line);
    void printJson(const QJsonObject &o);
    void fail(int code, const QString &sentence);
    void done(int code);

    KeysRequest m_request;
    QIODevice *m_in;
    QIODevice *m_out;
    QIODevice *m_err;
    Settings::ProfileRegistry *m_registry;
    Secrets::KeyStore *m_store;
    QNetworkAccessManager *m_nam;
    QPointer<Secrets::KeyTester> m_tester;
    int m_exitCode = -1;
};

} // namespace Cli
