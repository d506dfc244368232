#pragma once

#include "secrets/keyoperation.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

namespace Secrets {

// API keys in the system keychain (QtKeychain; the Secret Service on Linux), never in a file:
// the insecure plain-text fallback of QtKeychain is always off.
//
// A key is named by a reference: "keychain:<profile>/<label>" (the keychain account is
// "<profile>/<label>" under the service given to the constructor), or "env:VAR" (read-only: the
// environment variable VAR). keychainRef() builds the first form.
//
// Everything is asynchronous; the GUI thread never blocks. readKey, writeKey and removeKey
// return a started KeyOperation (a Core::Operation): connect to its result() right away; it
// reports exactly once, always later from the event loop (never inside the call), and deletes
// itself afterwards. Calls are answered in the order they were made.
//
// Availability is probed once, on the first call or probe(): a read of an entry that does not
// exist. "Not found" means the keychain works; no backend, access denied, another error or no
// answer within probeTimeoutMs means it is unreachable, and from then on keys are kept in this
// object's memory for the session only (isMemoryOnly(), availabilityMessage()). Calls made while
// the probe runs wait for it. availabilityKnown() fires once when the probe ends.
class KeyStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyStore)

public:
    explicit KeyStore(
        const QString &service = QStringLiteral("jobscope"), QObject *parent = nullptr);
    ~KeyStore() override;

    static QString keychainRef(const QString &profile, const QString &label);
    // The keychain account of a "keychain:" reference, or empty for any other reference.
    static QString accountOf(const QString &ref);

    QString service() const { return m_service; }
    void setProbeTimeoutMs(int ms) { m_probeTimeoutMs = ms; }

    // Starts the availability probe if it has not run yet.
    void probe();
    bool isProbed() const { return m_state == State::Keychain || m_state == State::MemoryOnly; }
    bool isMemoryOnly() const { return m_state == State::MemoryOnly; }
    // Empty while the keychain works (or before the probe ends); otherwise the sentence to show:
    // "No system keychain is reachable (<reason>); keys are kept in memory for this session only
    // and will be asked for again."
    QString availabilityMessage() const;

    KeyOperation *readKey(const QString &ref);
    // Overwrites an existing entry. Refuses "env:" references and empty keys.
    KeyOperation *writeKey(const QString &ref, const QString &key);
    KeyOperation *removeKey(const QString &ref);

Q_SIGNALS:
    void availabilityKnown(bool memoryOnly);
    // A key was written or removed through this store.
    void keyChanged(const QString &ref);

private:
    enum class State { NotProbed, Probing, Keychain, MemoryOnly };
    using Pending = QPointer<KeyOperation>;

    KeyOperation *make(KeyOperation::Action action, const QString &ref, const QString &key);
    void enqueue(KeyOperation *op);
    void run(const Pending &p);
    void runInMemory(const Pending &p);
    void runInKeychain(const Pending &p);
    void finishProbe(bool works, const QString &reason);

    QString m_service;
    State m_state = State::NotProbed;
    QString m_unreachableReason;
    int m_probeTimeoutMs = 30000;
    QTimer m_probeTimer;
    QList<Pending> m_waiting;
    QHash<QString, QString> m_memory; // account → key, memory-only mode
};

} // namespace Secrets
