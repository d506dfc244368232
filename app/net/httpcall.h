#pragma once

#include "core/operation.h"
#include "net/trafficlog.h"

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

class QNetworkAccessManager;

namespace Net {

// One HTTP request as an Operation. Owns its QNetworkReply: on finish it disconnects, reads and
// deleteLater()s it; kill() and the destructor abort it. Every call has a transfer timeout
// (default 30 s) and follows at most 5 redirects, never from https to http. The body is capped
// (default 32 MiB): a larger answer fails the call instead of filling memory.
class HttpCall final : public Core::Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpCall)

public:
    HttpCall(QNetworkAccessManager *nam, const QByteArray &method, QNetworkRequest request, QByteArray body = {},
             QObject *parent = nullptr);
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

protected:
    void doStart() override;
    void doKill() override;

private:
    QNetworkAccessManager *m_nam;
    QByteArray m_method;
    QNetworkRequest m_request;
    QByteArray m_requestBody;
    QPointer<QNetworkReply> m_reply;
    int m_timeoutMs = 30000;
    qint64 m_maxBody = 32LL * 1024 * 1024;
    int m_status = 0;
    QNetworkReply::NetworkError m_networkError = QNetworkReply::NoError;
    QString m_networkMessage;
    QByteArray m_body;
    QList<QNetworkReply::RawHeaderPair> m_headers;
    qint64 m_elapsedMs = 0;
    qint64 m_startedMs = 0;
    QPointer<TrafficLog> m_traffic;
    QString m_trafficJob;
    quint64 m_requestSeq = 0;
    quint64 m_responseSeq = 0;
};

} // namespace Net
