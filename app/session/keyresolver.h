#pragma once

#include <QJsonObject>
#include <QObject>
#include <functional>

namespace Core {
class Redactor;
}
namespace Secrets {
class KeyStore;
}

namespace Session {

// Turns a profile's key reference into the key, at run time, for JobSession's KeyLookup:
// "env:VAR" from the environment, "keychain:…" through the KeyStore (asynchronous),
// "sandbox:<dialect>" / "sandbox-webhook:<dialect>" from the embedded sandbox's description.
// Every key it hands out is registered with the Redactor first, so no log line, traffic entry
// or export can show it.
class KeyResolver final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyResolver)

public:
    KeyResolver(Secrets::KeyStore *keys, Core::Redactor *redactor, QObject *parent = nullptr);

    void setSandboxInfo(const QJsonObject &info) { m_sandbox = info; }
    void resolve(
        const QString &ref, std::function<void(const QString &key, const QString &error)> done);
    // The lookup JobSession takes.
    std::function<void(const QString &, std::function<void(const QString &, const QString &)>)>
    lookup();

private:
    Secrets::KeyStore *m_keys;
    Core::Redactor *m_redactor;
    QJsonObject m_sandbox;
};

} // namespace Session
