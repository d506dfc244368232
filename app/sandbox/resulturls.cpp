#include "sandbox/resulturls.h"

#include <QMessageAuthenticationCode>
#include <QUrl>

namespace Sandbox {

ResultUrls::ResultUrls(QByteArray secret, QString baseUrl)
    : m_secret(std::move(secret))
    , m_baseUrl(std::move(baseUrl))
{ }

QByteArray ResultUrls::signature(
    const QString &jobId, const QString &fileName, qint64 expires, qint64 issued) const
{
    const QByteArray msg = jobId.toUtf8() + '/' + fileName.toUtf8() + '|'
        + QByteArray::number(expires) + '|' + QByteArray::number(issued);
    return QMessageAuthenticationCode::hash(msg, m_secret, QCryptographicHash::Sha256)
        .toHex()
        .left(40);
}

QString ResultUrls::mint(const QString &prefix, const QString &jobId, const QString &fileName,
    qint64 nowMs, qint64 ttlMs) const
{
    const qint64 expires = nowMs + ttlMs;
    return m_baseUrl + prefix + QStringLiteral("/files/")
        + QString::fromLatin1(QUrl::toPercentEncoding(jobId)) + QLatin1Char('/')
        + QString::fromLatin1(QUrl::toPercentEncoding(fileName)) + QStringLiteral("?expires=")
        + QString::number(expires) + QStringLiteral("&issued=") + QString::number(nowMs)
        + QStringLiteral("&signature=")
        + QString::fromLatin1(signature(jobId, fileName, expires, nowMs));
}

ResultUrls::Verdict ResultUrls::check(const QString &jobId, const QString &fileName,
    const QString &expires, const QString &issued, const QString &sig, qint64 nowMs,
    qint64 revokedBeforeMs) const
{
    bool okE = false;
    bool okI = false;
    const qint64 e = expires.toLongLong(&okE);
    const qint64 i = issued.toLongLong(&okI);
    if (!okE || !okI)
        return Verdict::BadSignature;
    const QByteArray expected = signature(jobId, fileName, e, i);
    const QByteArray given = sig.toLatin1();
    // Constant-time comparison: the length is public, the content is not.
    if (given.size() != expected.size())
        return Verdict::BadSignature;
    unsigned char diff = 0;
    for (qsizetype k = 0; k < expected.size(); ++k)
        diff |= uchar(expected.at(k) ^ given.at(k));
    if (diff != 0)
        return Verdict::BadSignature;
    if (nowMs >= e || i < revokedBeforeMs)
        return Verdict::Expired;
    return Verdict::Valid;
}

} // namespace Sandbox
