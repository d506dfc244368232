#include "sandbox/httpserver.h"

#include "sandbox/guardedtcpserver.h"
#include "sandbox/httpcontext.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTcpSocket>

Q_LOGGING_CATEGORY(lcHttp, "jobscope.sandbox.http")

namespace Sandbox {

HttpServer::HttpServer(qint64 maxBodyBytes, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_maxBodyBytes(maxBodyBytes)
{
}

quint16 HttpServer::listenOn(const QHostAddress &address, quint16 port, QString *error)
{
    auto *tcp = new GuardedTcpServer(m_maxBodyBytes, this);
    if (!tcp->listen(address, port)) {
        *error = tcp->errorString();
        delete tcp;
        return 0;
    }
    bind(tcp);
    return tcp->serverPort();
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // A WebSocket upgrade is answered by QtWebSockets, to which the base class hands the socket
    // when this returns true without having written anything (PusherHub then checks the path).
    for (const auto &h : request.headers()) {
        if (h.first.compare("Upgrade", Qt::CaseInsensitive) == 0 && h.second.trimmed().compare("websocket", Qt::CaseInsensitive) == 0) {
            GuardedTcpServer::release(socket);
            m_log.record({QDateTime::currentMSecsSinceEpoch(), "GET", request.url().path(), 101});
            return true;
        }
    }
    HttpContext ctx(request, socket, [this](const HttpContext &c, int status) {
        m_log.record({QDateTime::currentMSecsSinceEpoch(), c.method(), c.path(), status});
    });
    if (request.body().size() > m_maxBodyBytes) {
        ctx.reply(HttpResponse::json(413, QJsonObject{{QLatin1String("error"), QStringLiteral("The request body is too large.")}}));
        return true;
    }
    if (!m_router.dispatch(ctx) && m_fallback)
        m_fallback(ctx);
    if (!ctx.answered()) {
        qCWarning(lcHttp) << "no answer for" << ctx.method() << ctx.path();
        ctx.reply(HttpResponse::json(404, QJsonObject{{QLatin1String("error"), QStringLiteral("Not found")}}));
    }
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    HttpContext ctx(request, socket, {});
    ctx.reply(HttpResponse::json(404, QJsonObject{{QLatin1String("error"), QStringLiteral("Not found")}}));
}

} // namespace Sandbox
