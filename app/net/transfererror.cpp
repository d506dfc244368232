#include "net/transfererror.h"

namespace Net {

bool TransferError::isTransport(QNetworkReply::NetworkError error)
{
    // 1–99: connection, 100–199: proxy, ProtocolFailure: a broken transfer (a cut chunk, say).
    // The 2xx–4xx ranges are HTTP statuses Qt maps to codes: those are answers.
    return (error > QNetworkReply::NoError && error < QNetworkReply::ContentAccessDenied)
        || error == QNetworkReply::ProtocolFailure;
}

QNetworkReply::NetworkError TransferError::codeFor(OriginPolicy::Refusal refusal)
{
    switch (refusal) {
    case OriginPolicy::Refusal::None:
        return QNetworkReply::NoError;
    case OriginPolicy::Refusal::NotHttp:
        return QNetworkReply::ProtocolUnknownError;
    case OriginPolicy::Refusal::TooManyRedirects:
        return QNetworkReply::TooManyRedirectsError;
    case OriginPolicy::Refusal::Downgrade:
    case OriginPolicy::Refusal::InsecureTarget:
    case OriginPolicy::Refusal::BodyToOtherOrigin:
        return QNetworkReply::InsecureRedirectError;
    }
    return QNetworkReply::UnknownNetworkError;
}

QString TransferError::seconds(int ms)
{
    if (ms % 1000 == 0)
        return QStringLiteral("%1 s").arg(ms / 1000);
    return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', ms < 100 ? 2 : 1);
}

QString TransferError::size(qint64 bytes)
{
    constexpr qint64 MiB = 1024 * 1024;
    if (bytes >= MiB && bytes % MiB == 0)
        return QStringLiteral("%1 MiB").arg(bytes / MiB);
    return QStringLiteral("%1 bytes").arg(bytes);
}

QString TransferError::timedOut(int timeoutMs)
{
    if (timeoutMs <= 0)
        return QStringLiteral("the server did not answer in time");
    return QStringLiteral("the server did not answer within %1").arg(seconds(timeoutMs));
}

QString TransferError::tooLarge(qint64 limitBytes)
{
    return QStringLiteral("the answer is larger than %1").arg(size(limitBytes));
}

QString TransferError::describe(
    QNetworkReply::NetworkError error, const QString &qtText, bool headReceived, int timeoutMs)
{
    switch (error) {
    case QNetworkReply::NoError:
        return {};
    case QNetworkReply::OperationCanceledError: // Qt 6.4's transfer timeout
    case QNetworkReply::TimeoutError:
        return timedOut(timeoutMs);
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("the server refused the connection");
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("the server's name was not found");
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::ProtocolFailure:
        return headReceived
            ? QStringLiteral("the connection was reset before the answer was complete")
            : QStringLiteral("the connection was closed before the server answered");
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("the secure connection failed: %1").arg(qtText);
    default:
        return qtText.isEmpty()
            ? QStringLiteral("the request failed (network error %1)").arg(int(error))
            : qtText;
    }
}

} // namespace Net
