#include "net/httpcall.h"

#include <QDateTime>
#include <QNetworkAccessManager>

namespace Net {

HttpCall::HttpCall(QNetworkAccessManager *nam, const QByteArray &method, QNetworkRequest request, QByteArray body, QObject *parent)
    : Core::Operation(parent)
    , m_nam(nam)
    , m_method(method)
    , m_request(std::move(request))
    , m_requestBody(std::move(body))
{
}

HttpCall::~HttpCall()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

QByteArray HttpCall::header(const QByteArray &name) const
{
    for (const auto &h : m_headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

void HttpCall::doStart()
{
    m_request.setTransferTimeout(m_timeoutMs);
    m_request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    m_request.setMaximumRedirectsAllowed(5);
    m_startedMs = QDateTime::currentMSecsSinceEpoch();
    if (m_traffic) {
        TrafficLog::Headers headers;
        for (const QByteArray &name : m_request.rawHeaderList())
            headers.append({name, m_request.rawHeader(name)});
        m_requestSeq = m_traffic->recordRequest(m_trafficJob, m_method, m_request.url().toString(), headers, m_requestBody);
    }
    m_reply = m_nam->sendCustomRequest(m_request, m_method, m_requestBody);
    connect(m_reply, &QNetworkReply::readyRead, this, [this] {
        if (m_reply->bytesAvailable() + m_body.size() > m_maxBody) {
            m_networkMessage = QStringLiteral("the answer is larger than %1 bytes").arg(m_maxBody);
            m_networkError = QNetworkReply::UnknownContentError;
            m_status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            m_reply->disconnect(this);
            m_reply->abort();
            m_reply->deleteLater();
            m_elapsedMs = QDateTime::currentMSecsSinceEpoch() - m_startedMs;
            if (m_traffic)
                m_responseSeq = m_traffic->recordResponse(m_trafficJob, m_method, m_request.url().toString(), m_status, {}, m_body,
                                          m_elapsedMs, m_networkMessage);
            emitResult(m_networkMessage);
            return;
        }
        m_body += m_reply->readAll();
    });
    connect(m_reply, &QNetworkReply::finished, this, [this] {
        QNetworkReply *reply = m_reply;
        reply->disconnect(this);
        m_body += reply->readAll();
        m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        m_networkError = reply->error();
        m_headers = reply->rawHeaderPairs();
        // An HTTP error status is an answer, not a network failure: the caller reads the body.
        if (m_status == 0 && m_networkError != QNetworkReply::NoError)
            m_networkMessage = reply->errorString();
        reply->deleteLater();
        m_elapsedMs = QDateTime::currentMSecsSinceEpoch() - m_startedMs;
        if (m_traffic)
            m_responseSeq = m_traffic->recordResponse(m_trafficJob, m_method, reply->url().toString(), m_status, m_headers, m_body,
                                      m_elapsedMs, m_networkMessage);
        emitResult(m_status == 0 && m_networkError != QNetworkReply::NoError ? m_networkMessage : QString());
    });
}

void HttpCall::doKill()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

} // namespace Net
