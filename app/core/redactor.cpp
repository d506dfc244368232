#include "core/redactor.h"

#include <QRegularExpression>
#include <algorithm>

namespace Core {

namespace {

const QList<QByteArray> &credentialHeaders()
{
    static const QList<QByteArray> names { "authorization", "x-api-key", "api-key",
        "x-webhook-secret", "cookie", "set-cookie", "proxy-authorization" };
    return names;
}

QString shellQuote(const QString &s)
{
    QString out = s;
    out.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

} // namespace

void Redactor::addSecret(const QString &secret)
{
    const QString s = secret.trimmed();
    if (s.size() < 4 || m_secrets.contains(s))
        return;
    m_secrets.append(s);
    std::sort(m_secrets.begin(), m_secrets.end(),
        [](const QString &a, const QString &b) { return a.size() > b.size(); });
}

void Redactor::removeSecret(const QString &secret)
{
    m_secrets.removeAll(secret.trimmed());
}

bool Redactor::isCredentialHeader(const QByteArray &name)
{
    return credentialHeaders().contains(name.trimmed().toLower());
}

QString Redactor::redact(QString text) const
{
    for (const QString &s : m_secrets)
        text.replace(s, Mask);
    // "Authorization: Bearer x", "X-API-Key: x" — a header line, or a curl -H argument.
    static const QRegularExpression header(
        QStringLiteral("\\b(authorization|proxy-authorization|x-api-key|api-key|x-webhook-secret|"
                       "cookie|set-cookie)"
                       "(\\s*:\\s*)(bearer\\s+|basic\\s+)?([^\\r\\n'\"]*)"),
        QRegularExpression::CaseInsensitiveOption);
    text.replace(header, QStringLiteral("\\1\\2\\3") + Mask);
    static const QRegularExpression query(
        QStringLiteral("([?&](?:api_key|apikey|key|token|access_token|secret)=)[^&#\\s'\"]*"),
        QRegularExpression::CaseInsensitiveOption);
    text.replace(query, QStringLiteral("\\1") + Mask);
    return text;
}

QByteArray Redactor::redact(const QByteArray &bytes) const
{
    return redact(QString::fromUtf8(bytes)).toUtf8();
}

QByteArray Redactor::headerValue(const QByteArray &name, const QByteArray &value) const
{
    if (isCredentialHeader(name)) {
        const QByteArray lower = value.trimmed().toLower();
        if (lower.startsWith("bearer "))
            return "Bearer " + QByteArray(Mask.data(), Mask.size());
        if (lower.startsWith("basic "))
            return "Basic " + QByteArray(Mask.data(), Mask.size());
        return QByteArray(Mask.data(), Mask.size());
    }
    return redact(value);
}

QString Redactor::curl(const QByteArray &method, const QString &url,
    const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body) const
{
    QStringList parts { QStringLiteral("curl") };
    if (method != "GET" || !body.isEmpty())
        parts << QStringLiteral("-X") << QString::fromLatin1(method);
    parts << shellQuote(redact(url));
    for (const auto &h : headers) {
        const QString name = QString::fromLatin1(h.first);
        if (isCredentialHeader(h.first)) {
            const QByteArray lower = h.second.trimmed().toLower();
            const QString scheme
                = lower.startsWith("bearer ") ? QStringLiteral("Bearer ") : QString();
            parts << QStringLiteral("-H")
                  << QStringLiteral("\"%1: %2$JOBSCOPE_KEY\"").arg(name, scheme);
        } else {
            parts << QStringLiteral("-H")
                  << shellQuote(name + QStringLiteral(": ") + redact(QString::fromUtf8(h.second)));
        }
    }
    if (!body.isEmpty())
        parts << QStringLiteral("--data-raw") << shellQuote(redact(QString::fromUtf8(body)));
    return parts.join(QLatin1Char(' '));
}

} // namespace Core
