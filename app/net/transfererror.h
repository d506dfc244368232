#pragma once

#include "net/originpolicy.h"

#include <QNetworkReply>
#include <QString>

namespace Net {

// What the user reads when a transfer ended without a complete answer: one sentence in the
// user's words, built in one place for HttpCall, SseConnection, FileDownload and the Pusher
// authorizer (Qt's own texts say "Operation canceled" for a timeout and nothing about where a
// connection broke).
class TransferError
{
public:
    // `headReceived`: the status line and headers had arrived (the body broke off).
    // `timeoutMs`: the transfer timeout the request had (0: none of ours).
    static QString describe(
        QNetworkReply::NetworkError error, const QString &qtText, bool headReceived, int timeoutMs);
    // "the server did not answer within 30 s"
    static QString timedOut(int timeoutMs);
    // "the answer is larger than 32 MiB"
    static QString tooLarge(qint64 limitBytes);
    // The QNetworkReply code that stands for a refused request or hop.
    static QNetworkReply::NetworkError codeFor(OriginPolicy::Refusal refusal);
    // A failure of the connection itself, not an HTTP status Qt maps to an error code.
    static bool isTransport(QNetworkReply::NetworkError error);
    // 30000 → "30 s", 1500 → "1.5 s".
    static QString seconds(int ms);
    // 33554432 → "32 MiB", 1000 → "1000 bytes".
    static QString size(qint64 bytes);
};

} // namespace Net
