#include "session/keyresolver.h"

#include "core/redactor.h"
#include "secrets/keystore.h"

#include <QPointer>

namespace Session {

KeyResolver::KeyResolver(Secrets::KeyStore *keys, Core::Redactor *redactor, QObject *parent)
    : QObject(parent)
    , m_keys(keys)
    , m_redactor(redactor)
{ }

void KeyResolver::resolve(
    const QString &ref, std::function<void(const QString &, const QString &)> done)
{
    QPointer<KeyResolver> self(this);
    auto found = [self, done](const QString &key, const QString &error) {
        if (self && self->m_redactor)
            self->m_redactor->addSecret(key);
        done(key, error);
    };
    if (ref.startsWith(QLatin1String("env:"))) {
        const QString key = qEnvironmentVariable(ref.mid(4).toUtf8().constData());
        found(key,
            key.isEmpty() ? QStringLiteral("the environment variable %1 is not set").arg(ref.mid(4))
                          : QString());
    } else if (ref.startsWith(QLatin1String("sandbox:"))
        || ref.startsWith(QLatin1String("sandbox-webhook:"))) {
        const bool webhook = ref.startsWith(QLatin1String("sandbox-webhook:"));
        const QJsonObject d = m_sandbox.value(QLatin1String("dialects"))
                                  .toObject()
                                  .value(ref.section(QLatin1Char(':'), 1))
                                  .toObject();
        const QString key
            = d.value(QLatin1String(webhook ? "webhook_secret" : "api_key")).toString();
        found(
            key, key.isEmpty() ? QStringLiteral("the embedded sandbox is not running") : QString());
    } else if (ref.startsWith(QLatin1String("keychain:")) && m_keys) {
        Secrets::KeyOperation *read = m_keys->readKey(ref);
        connect(read, &Core::Operation::result, this, [found, read] {
            const QString key = read->key();
            found(key,
                read->failed()      ? read->errorString()
                    : key.isEmpty() ? QStringLiteral("no key stored under %1").arg(read->ref())
                                    : QString());
        });
    } else {
        done(QString(),
            ref.isEmpty() ? QStringLiteral("the profile names no key")
                          : QStringLiteral("unknown key reference %1").arg(ref));
    }
}

std::function<void(const QString &, std::function<void(const QString &, const QString &)>)>
KeyResolver::lookup()
{
    QPointer<KeyResolver> self(this);
    return [self](const QString &ref, std::function<void(const QString &, const QString &)> done) {
        if (self)
            self->resolve(ref, std::move(done));
        else
            done(QString(), QStringLiteral("shutting down"));
    };
}

} // namespace Session
