#pragma once

#include "core/operation.h"
#include "net/originpolicy.h"
#include "net/trafficlog.h"

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <optional>

class QNetworkAccessManager;

namespace Net {

// One HTTP request as an Operation. Owns its QNetworkReply: on finish it disconnects, reads and
// deleteLater()s it; kill() and the destructor abort it. Every call has a transfer timeout
// (default 30 s). Redirects are followed here, not by Qt, under OriginPolicy's rules (at most 5,
// credentials never to another origin, never https → http, no body to another origin); only
// http(s) URLs are requested at all. The body is capped (default 32 MiB) whether it is announced
// by Content-Length, chunked or delimited by the connection's end, and at most 1 MiB is read ahead
// of us, so a larger answer fails the call without filling memory. https goes through the
// manager; plain http through a PlainHttpExchange of our own on this thread (Qt 6.4's HTTP thread
// reads a plain socket past any read buffer size), one connection per request.
//
// The result: httpStatus() is the status of a COMPLETE answer (an HTTP error status is an answer:
// the caller reads the body). When no complete answer arrived — no connection, a timeout, the
// connection reset mid-body, the body over the cap, a refused redirect or URL — httpStatus() is 0,
// the operation failed, and networkMessage() (== errorString()) says what happened in one
// sentence (see TransferError).
class HttpCall final : public Core::Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpCall)

public:
    HttpCall(QNetworkAccessManager *nam, const QByteArray &method, QNetworkRequest request,
        QByteArray body = {}, QObject *parent = nullptr);
    ~HttpCall() override;

    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    void setMaxBodyBytes(qint64 bytes) { m_maxBody = bytes; }
    // Optional capture: the request and its answer are recorded in `log` under `jobId` (redacted
    // there). Null (the default) records nothing. Set before start().
    void setTraffic(TrafficLog *log, const QString &jobId)
    {
        m_traffic = log;
        m_trafficJob = jobId;
    }

    // Valid once result() fired.
    int httpStatus() const { return m_status; }
    QNetworkReply::NetworkError networkError() const { return m_networkError; }
    QString networkMessage() const { return m_networkMessage; }
    QByteArray body() const { return m_body; }
    QByteArray header(const QByteArray &name) const;
    qint64 elapsedMs() const { return m_elapsedMs; }
    // The traffic entries of this call (0: none recorded), e.g. for TrafficLog::moveToJob() once
    // a submit answer names the job.
    quint64 requestSeq() const { return m_requestSeq; }
    quint64 responseSeq() const { return m_responseSeq; }

    static constexpr qint64 ReadAheadBytes = 1024 * 1024;

protected:
    void doStart() override;
    void doKill() override;

private:
    void send();
    void onMetaData();
    void onReadyRead();
    void onFinished();
    bool readBody(); // false when the cap was hit (and the call ended)
    void fail(QNetworkReply::NetworkError error, const QString &message);
    void finish(const QString &error);
    void dropReply();

    QNetworkAccessManager *m_nam;
    QByteArray m_method;
    QNetworkRequest m_request;
    QByteArray m_requestBody;
    QPointer<QNetworkReply> m_reply;
    std::optional<OriginPolicy> m_policy;
    bool m_headSeen = false; // the current reply's status line and headers arrived
    int m_timeoutMs = 30000;
    qint64 m_maxBody = 32LL * 1024 * 1024;
    int m_status = 0;
    QNetworkReply::NetworkError m_networkError = QNetworkReply::NoError;
    QString m_networkMessage;
    QByteArray m_body;
    // The body as it arrives, joined once at the end: appending to one array would hold up to
    // twice the cap while it grows.
    QList<QByteArray> m_parts;
    qint64 m_received = 0;
    QList<QNetworkReply::RawHeaderPair> m_headers;
    qint64 m_elapsedMs = 0;
    qint64 m_startedMs = 0;
    QPointer<TrafficLog> m_traffic;
    QString m_trafficJob;
    quint64 m_requestSeq = 0;
    quint64 m_responseSeq = 0;
};

} // namespace Net
