#include "sandbox/httpcontext.h"

#include <QJsonDocument>

namespace Sandbox {

HttpContext::HttpContext(const HttpRequest &request, QTcpSocket *socket,
    std::function<void(const HttpContext &, int)> onAnswered)
    : m_request(request)
    , m_socket(socket)
    , m_path(request.path())
    , m_onAnswered(std::move(onAnswered))
{ }

QByteArray HttpContext::method() const
{
    return m_request.method;
}

bool HttpContext::isHead() const
{
    return m_request.method == "HEAD";
}

QByteArray HttpContext::header(const QByteArray &name) const
{
    return m_request.header(name);
}

QString HttpContext::query(const QString &key) const
{
    return m_request.query().queryItemValue(key, QUrl::FullyDecoded);
}

QByteArray HttpContext::body() const
{
    return m_request.body;
}

std::optional<QJsonObject> HttpContext::jsonBody(QString *error, bool emptyOk) const
{
    const QByteArray &b = m_request.body;
    if (b.trimmed().isEmpty()) {
        if (emptyOk)
            return QJsonObject();
        *error = QStringLiteral("The request body is empty; a JSON object is required.");
        return std::nullopt;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(b, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = QStringLiteral("The request body is not valid JSON (%1 at offset %2).")
                     .arg(pe.errorString())
                     .arg(pe.offset);
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
    return !m_request.keepAlive;
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
    m_detached = true;
    m_status = statusForLog;
    if (m_onAnswered)
        m_onAnswered(*this, statusForLog);
    return m_socket;
}

} // namespace Sandbox
