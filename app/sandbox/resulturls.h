#pragma once

#include <QByteArray>
#include <QString>

namespace Sandbox {

// Signs and checks the sandbox's expiring result URLs:
//   {base}{prefix}/files/{job}/{name}?expires={ms}&issued={ms}&signature={hex}
// The signature is HMAC-SHA256 over "job/name|expires|issued" with the server's secret, so a URL
// cannot be extended or moved to another file. `issued` lets QA revoke every URL minted before a
// moment (expire) while a fresh status read still mints a working one.
class ResultUrls final
{
public:
    enum class Verdict { Valid, BadSignature, Expired };

    ResultUrls(QByteArray secret, QString baseUrl);

    QString mint(const QString &prefix, const QString &jobId, const QString &fileName, qint64 nowMs,
        qint64 ttlMs) const;
    Verdict check(const QString &jobId, const QString &fileName, const QString &expires,
        const QString &issued, const QString &signature, qint64 nowMs,
        qint64 revokedBeforeMs) const;

private:
    QByteArray signature(
        const QString &jobId, const QString &fileName, qint64 expires, qint64 issued) const;

    QByteArray m_secret;
    QString m_baseUrl;
};

} // namespace Sandbox
