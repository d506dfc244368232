#include "net/httpcall.h"

#include "net/plainhttpexchange.h"
#include "net/transfererror.h"

#include <QDateTime>
#include <QNetworkAccessManager>

namespace Net {

HttpCall::HttpCall(QNetworkAccessManager *nam, const QByteArray &method, QNetworkRequest request,
    QByteArray body, QObject *parent)
    : Core::Operation(parent)
    , m_nam(nam)
    , m_method(method)
    , m_request(std::move(request))
    , m_requestBody(std::move(body))
{ }

HttpCall::~HttpCall()
{
    dropReply();
}

QByteArray HttpCall::header(const QByteArray &name) const
{
    for (const auto &h : m_headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

void HttpCall::dropReply()
{
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
}

void HttpCall::doStart()
{
    m_startedMs = QDateTime::currentMSecsSinceEpoch();
    m_policy.emplace(m_request, m_method, m_requestBody);
    if (!m_policy->startError().isEmpty())
        return fail(TransferError::codeFor(m_policy->refusal()), m_policy->startError());
    send();
}

void HttpCall::send()
{
    QNetworkRequest request = m_policy->request();
    request.setTransferTimeout(m_timeoutMs);
    m_status = 0;
    m_headSeen = false;
    m_body.clear();
    m_parts.clear();
    m_received = 0;
    m_headers.clear();
    if (m_traffic) {
        TrafficLog::Headers headers;
        for (const QByteArray &name : request.rawHeaderList())
            headers.append({ name, request.rawHeader(name) });
        m_requestSeq = m_traffic->recordRequest(
            m_trafficJob, m_policy->method(), request.url().toString(), headers, m_policy->body());
    }
    if (PlainHttpExchange::handles(request.url())) {
        // Plain http: Qt 6.4's HTTP thread would read the socket past any read buffer size, so
        // our own exchange does, paced by us (see PlainHttpExchange). Not parented: it is
        // deleteLater()ed like a QNetworkReply, never deleted while it emits.
        const int timeout = m_timeoutMs > 0 ? m_timeoutMs : (m_nam ? m_nam->transferTimeout() : 0);
        m_reply = new PlainHttpExchange(m_policy->method(), request, m_policy->body(), timeout);
    } else {
        m_reply = m_nam->sendCustomRequest(request, m_policy->method(), m_policy->body());
    }
    // Qt stops reading the socket once this much is waiting for us: memory stays bounded however
    // fast the server sends.
    m_reply->setReadBufferSize(ReadAheadBytes);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &HttpCall::onMetaData);
    connect(m_reply, &QNetworkReply::readyRead, this, &HttpCall::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &HttpCall::onFinished);
}

void HttpCall::onMetaData()
{
    if (!m_reply || m_headSeen)
        return;
    const QVariant status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid())
        return;
    m_headSeen = true;
    m_status = status.toInt();
    m_headers = m_reply->rawHeaderPairs();
    switch (m_policy->onAnswer(m_status, m_reply->rawHeader("Location"))) {
    case OriginPolicy::Verdict::Follow:
        if (m_traffic)
            m_traffic->recordResponse(m_trafficJob, m_method, m_reply->url().toString(), m_status,
                m_headers, {}, QDateTime::currentMSecsSinceEpoch() - m_startedMs,
                QStringLiteral("redirect to %1").arg(OriginPolicy::display(m_policy->url())));
        // The redirect's own body is of no interest.
        dropReply();
        send();
        return;
    case OriginPolicy::Verdict::Refuse:
        return fail(TransferError::codeFor(m_policy->refusal()), m_policy->error());
    case OriginPolicy::Verdict::Final:
        break;
    }
    const QVariant length = m_reply->header(QNetworkRequest::ContentLengthHeader);
    if (length.isValid() && length.toLongLong() > m_maxBody)
        return fail(QNetworkReply::UnknownContentError, TransferError::tooLarge(m_maxBody));
}

bool HttpCall::readBody()
{
    while (m_reply && m_reply->bytesAvailable() > 0) {
        // One byte beyond the cap is enough to know it is exceeded.
        const qint64 room = m_maxBody - m_received + 1;
        QByteArray chunk = m_reply->read(qMin(room, ReadAheadBytes));
        if (chunk.isEmpty())
            break;
        m_received += chunk.size();
        m_parts.append(std::move(chunk));
        if (m_received > m_maxBody) {
            fail(QNetworkReply::UnknownContentError, TransferError::tooLarge(m_maxBody));
            return false;
        }
    }
    return true;
}

void HttpCall::onReadyRead()
{
    if (!m_reply)
        return;
    if (!m_headSeen) {
        QNetworkReply *reply = m_reply;
        onMetaData();
        if (m_reply != reply || isFinished())
            return; // a redirect was followed, or the call ended
    }
    readBody();
}

void HttpCall::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    if (!m_headSeen) {
        onMetaData();
        if (m_reply != reply || isFinished())
            return;
    }
    // The reply may end with bytes no readyRead() announced: the cap holds for those too.
    if (reply->isOpen() && !readBody())
        return;
    const QNetworkReply::NetworkError error = reply->error();
    const QString qtText = reply->errorString();
    m_reply = nullptr;
    reply->disconnect(this);
    reply->deleteLater();
    m_body.reserve(m_received);
    for (const QByteArray &part : std::as_const(m_parts))
        m_body += part;
    m_parts.clear();
    if (TransferError::isTransport(error) || (m_status == 0 && error != QNetworkReply::NoError)) {
        // No complete answer: a status line followed by half a body is not something to parse.
        m_status = 0;
        m_networkError = error;
        m_networkMessage = TransferError::describe(error, qtText, m_headSeen, m_timeoutMs);
        return finish(m_networkMessage);
    }
    // An HTTP error status is an answer, not a network failure: the caller reads the body.
    m_networkError = error;
    finish({});
}

void HttpCall::fail(QNetworkReply::NetworkError error, const QString &message)
{
    dropReply();
    m_status = 0;
    m_networkError = error;
    m_networkMessage = message;
    // A part of a body is no answer; do not keep up to the cap in memory for nothing.
    m_body.clear();
    m_parts.clear();
    finish(message);
}

void HttpCall::finish(const QString &error)
{
    m_elapsedMs = QDateTime::currentMSecsSinceEpoch() - m_startedMs;
    if (m_traffic)
        m_responseSeq
            = m_traffic->recordResponse(m_trafficJob, m_policy ? m_policy->method() : m_method,
                m_policy ? m_policy->url().toString() : m_request.url().toString(), m_status,
                m_headers, m_body, m_elapsedMs, m_networkMessage);
    emitResult(error);
}

void HttpCall::doKill()
{
    dropReply();
}

} // namespace Net
