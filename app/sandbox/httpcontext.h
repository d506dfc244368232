#pragma once

#include "sandbox/httprequest.h"
#include "sandbox/httpresponse.h"

#include <QHash>
#include <QJsonObject>
#include <QPointer>
#include <QString>
#include <QTcpSocket>
#include <functional>

namespace Sandbox {

// One request being handled: the parsed request, the route's captures, and the way to answer.
// A handler either reply()s at once, or detach()es the socket to answer later (deferred replies)
// or to stream (SSE, file bodies); exactly one of the two. A detached answer that completes on a
// keep-alive connection (not a stream) calls HttpConnection::responseFinished(socket).
class HttpContext final
{
    Q_DISABLE_COPY_MOVE(HttpContext)

public:
    HttpContext(const HttpRequest &request, QTcpSocket *socket,
        std::function<void(const HttpContext &, int)> onAnswered);

    const HttpRequest &request() const { return m_request; }
    QString path() const { return m_path; }
    QByteArray method() const;
    bool isHead() const;
    QByteArray header(const QByteArray &name) const; // case-insensitive
    QString query(const QString &key) const;
    QByteArray body() const;
    // The body as a JSON object. Sets `error` and returns nullopt when it is not one. An empty
    // body is an empty object when `emptyOk`.
    std::optional<QJsonObject> jsonBody(QString *error, bool emptyOk = false) const;

    QString param(const QString &name) const { return m_params.value(name); }
    void setParams(QHash<QString, QString> params) { m_params = std::move(params); }

    void reply(const HttpResponse &response);
    // Hands the socket to the caller: the server writes nothing more for this request.
    QPointer<QTcpSocket> detach(int statusForLog);
    bool answered() const { return m_answered; }
    bool detached() const { return m_detached; }
    bool wantsClose() const;
    int status() const { return m_status; }

private:
    const HttpRequest &m_request;
    QPointer<QTcpSocket> m_socket;
    QString m_path;
    QHash<QString, QString> m_params;
    std::function<void(const HttpContext &, int)> m_onAnswered;
    bool m_answered = false;
    bool m_detached = false;
    int m_status = 0;
};

} // namespace Sandbox
