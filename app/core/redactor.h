#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Core {

// The one redaction function. Every log line, the traffic view, exports and copy-as-curl pass
// their text through a Redactor before it reaches a screen, a file or a clipboard.
//
// It removes:
// - every registered secret (API keys, webhook secrets) wherever it appears, as "[redacted]";
// - the value of credential headers whatever the value is (Authorization, X-API-Key, Api-Key,
//   X-Webhook-Secret, Cookie, Set-Cookie), in "Name: value" lines and in curl's -H arguments;
// - credential query parameters (api_key, apikey, key, token, access_token, secret).
// Secrets shorter than 4 characters are ignored (they would erase ordinary words).
// Cheap to copy; not thread-safe for writes (add secrets from one thread, read from any after).
class Redactor
{
public:
    static constexpr QLatin1StringView Mask { "[redacted]" };

    void addSecret(const QString &secret);
    void removeSecret(const QString &secret);
    QStringList secrets() const { return m_secrets; }

    QString redact(QString text) const;
    QByteArray redact(const QByteArray &bytes) const;

    // A header value as it may be shown: credential headers masked, others redacted of secrets.
    QByteArray headerValue(const QByteArray &name, const QByteArray &value) const;
    static bool isCredentialHeader(const QByteArray &name);

    // A curl command line for a request, safe to paste: the credential headers carry
    // "$JOBSCOPE_KEY" (in double quotes, so a shell expands it) instead of the key; every other
    // argument is single-quoted and redacted.
    QString curl(const QByteArray &method, const QString &url,
        const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body) const;

private:
    QStringList m_secrets; // longest first, so a key containing another is masked whole
};

} // namespace Core
