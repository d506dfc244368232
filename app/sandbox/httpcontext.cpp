#include "sandbox/httpcontext.h"

#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QUrlQuery>

namespace Sandbox {

HttpContext::HttpContext(const QHttpServerRequest &request, QTcpSocket *socket,
                         std::function<void(const HttpContext &, int)> onAnswered)
    : m_request(request)
    , m_socket(socket)
    , m_path(request.url().path())
    , m_onAnswered(std::move(onAnswered))
{
}

QByteArray HttpContext::method() const
{
    switch (m_request.method()) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    default: return "UNKNOWN";
    }
}

bool HttpContext::isHead() const
{
    return m_request.method() == QHttpServerRequest::Method::Head;
}

QByteArray HttpContext::header(const QByteArray &name) const
{
    for (const auto &h : m_request.headers()) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second.trimmed();
    }
    return {};
}

QString HttpContext::query(const QString &key) const
{
    return m_request.query().queryItemValue(key, QUrl::FullyDecoded);
}

QByteArray HttpContext::body() const
{
    return m_request.body();
}

std::optional<QJsonObject> HttpContext::jsonBody(QString *error, bool emptyOk) const
{
    const QByteArray b = m_request.body();
    if (b.trimmed().isEmpty()) {
        if (emptyOk)
            return QJsonObject();
        *error = QStringLiteral("The request body is empty; a JSON object is required.");
        return std::nullopt;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(b, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = QStringLiteral("The request body is not valid JSON (%1 at offset %2).").arg(pe.errorString()).arg(pe.offset);
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("The request body must be a JSON object.");
        return std::nullopt;
    }
    return doc.object();
}

bool HttpContext::wantsClose() const
{
    return header("Connection").compare("close", Qt::CaseInsensitive) == 0;
}

void HttpContext::reply(const HttpResponse &response)
{
    if (m_answered)
        return;
    m_answered = true;
    m_status = response.status;
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState)
        response.write(m_socket, isHead(), wantsClose());
    if (m_onAnswered)
        m_onAnswered(*this, response.status);
}

QPointer<QTcpSocket> HttpContext::detach(int statusForLog)
{
    m_answered = true;
    m_status = statusForLog;
    if (m_onAnswered)
        m_onAnswered(*this, statusForLog);
    return m_socket;
}

} // namespace Sandbox
