#include "sandbox/httpserver.h"

#include "sandbox/httpcontext.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkInterface>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcHttp, "jobscope.sandbox.http")

namespace Sandbox {

namespace {

QString hostName(const QHostAddress &a)
{
    return a.toString().toLower(); // IPv6 without brackets, like QUrl::host()
}

} // namespace

HttpServer::HttpServer(HttpLimits limits, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
    , m_ws(QCoreApplication::applicationName(), QWebSocketServer::NonSecureMode)
{
    connect(&m_ws, &QWebSocketServer::newConnection, this, &HttpServer::newWebSocketConnection);
}

HttpServer::~HttpServer() = default;

quint16 HttpServer::listenOn(const QHostAddress &address, quint16 port, QString *error)
{
    auto *tcp = new QTcpServer(this);
    if (!tcp->listen(address, port)) {
        *error = tcp->errorString();
        delete tcp;
        return 0;
    }
    m_tcp = tcp;
    m_port = tcp->serverPort();
    m_hosts.insert(QStringLiteral("127.0.0.1"));
    m_hosts.insert(QStringLiteral("localhost"));
    m_hosts.insert(QStringLiteral("::1"));
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4
        || address == QHostAddress::AnyIPv6) {
        for (const QHostAddress &a : QNetworkInterface::allAddresses())
            m_hosts.insert(hostName(QHostAddress(a.toString().section(QLatin1Char('%'), 0, 0))));
    } else {
        m_hosts.insert(hostName(address));
    }
    connect(tcp, &QTcpServer::newConnection, this, &HttpServer::accept);
    return m_port;
}

void HttpServer::allowHosts(const QStringList &names)
{
    for (QString n : names) {
        n = n.trimmed().toLower();
        if (n.startsWith(QLatin1Char('[')) && n.endsWith(QLatin1Char(']')))
            n = n.mid(1, n.size() - 2);
        if (!n.isEmpty())
            m_hosts.insert(n);
    }
}

bool HttpServer::isOwnOrigin(const QByteArray &origin) const
{
    const QUrl u = QUrl::fromEncoded(origin, QUrl::StrictMode);
    return u.isValid() && u.scheme() == u"http" && u.path().isEmpty()
        && m_hosts.contains(u.host().toLower()) && u.port() == int(m_port);
}

void HttpServer::addFilter(const QString &prefix, Filter filter)
{
    m_filters.append({ prefix, std::move(filter) });
}

bool HttpServer::hasPendingWebSocketConnections() const
{
    return m_ws.hasPendingConnections();
}

std::unique_ptr<QWebSocket> HttpServer::nextPendingWebSocketConnection()
{
    return std::unique_ptr<QWebSocket>(m_ws.nextPendingConnection());
}

void HttpServer::accept()
{
    while (QTcpSocket *socket = m_tcp->nextPendingConnection()) {
        // Bounded: Qt stops reading from the kernel when this much is buffered and unread, so a
        // client that sends faster than a request is parsed is slowed by TCP, not by our memory.
        socket->setReadBufferSize(qMax<qint64>(
            256 * 1024, qint64(m_limits.maxHeaderBytes) + m_limits.maxHeaderLineBytes + 4));
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        HttpConnection::Handlers h;
        h.request = [this](const HttpRequest &r, QTcpSocket *s) {
            return handle(r, s);
        };
        h.upgrade = [this](const HttpRequest &r, QTcpSocket *s) {
            upgrade(r, s);
        };
        h.refused = [this](const QByteArray &method, const QString &path, int status) {
            m_log.record({ QDateTime::currentMSecsSinceEpoch(), method, path, status });
        };
        new HttpConnection(socket, m_limits, std::move(h));
    }
}

QString HttpServer::hostRefusal(const HttpRequest &request) const
{
    const QByteArray host = request.header("Host").trimmed().toLower();
    const QString ours = QStringLiteral("127.0.0.1:%1, localhost:%1 or [::1]:%1").arg(m_port);
    if (host.isEmpty())
        return QStringLiteral(
            "The request has no Host header; the sandbox answers only requests addressed to %1.")
            .arg(ours);
    QByteArray name = host;
    QByteArray port;
    if (host.startsWith('[')) {
        const qsizetype close = host.indexOf(']');
        name = close > 0 ? host.mid(1, close - 1) : QByteArray();
        port
            = close > 0 && host.mid(close + 1).startsWith(':') ? host.mid(close + 2) : QByteArray();
        if (close < 0 || (close + 1 < host.size() && host.at(close + 1) != ':'))
            name.clear();
    } else if (const qsizetype colon = host.lastIndexOf(':'); colon >= 0) {
        name = host.left(colon);
        port = host.mid(colon + 1);
    }
    // The name decides: a rebound page always sends its own name, whatever port it uses. The port
    // only has to be a port: a proxy or port-forward on this machine (a test's cutting proxy, an
    // ssh -L) reaches the sandbox under another one.
    bool portOk = true;
    if (!port.isEmpty())
        portOk = port == QByteArray::number(port.toUInt()) && port.toUInt() > 0
            && port.toUInt() < 65536;
    if (portOk && m_hosts.contains(QString::fromLatin1(name)))
        return {};
    return QStringLiteral("The sandbox answers only requests addressed to %1, not to %2.")
        .arg(ours, QString::fromLatin1(host.left(200)));
}

void HttpServer::upgrade(const HttpRequest &request, QTcpSocket *socket)
{
    if (const QString refusal = hostRefusal(request); !refusal.isEmpty()) {
        m_log.record({ QDateTime::currentMSecsSinceEpoch(), request.method, request.path(), 421 });
        HttpResponse::json(421, QJsonObject { { QLatin1String("error"), refusal } })
            .write(socket, false, true);
        return;
    }
    m_log.record({ QDateTime::currentMSecsSinceEpoch(), request.method, request.path(), 101 });
    socket->setReadBufferSize(0); // QWebSocket bounds its own frames
    m_ws.handleConnection(socket);
    Q_EMIT socket->readyRead(); // the handshake is already in the socket's buffer
}

HttpConnection::Outcome HttpServer::handle(const HttpRequest &request, QTcpSocket *socket)
{
    HttpContext ctx(request, socket, [this](const HttpContext &c, int status) {
        m_log.record({ QDateTime::currentMSecsSinceEpoch(), c.method(), c.path(), status });
    });
    const auto outcome = [&ctx] {
        return ctx.detached() ? HttpConnection::Outcome::Detached
                              : HttpConnection::Outcome::Answered;
    };
    if (const QString refusal = hostRefusal(request); !refusal.isEmpty()) {
        ctx.reply(HttpResponse::json(421, QJsonObject { { QLatin1String("error"), refusal } }));
        return outcome();
    }
    const QString path = ctx.path();
    for (const auto &f : std::as_const(m_filters)) {
        if ((path == f.first || path.startsWith(f.first + QLatin1Char('/'))) && !f.second(ctx))
            return outcome();
    }
    if (!m_router.dispatch(ctx) && m_fallback)
        m_fallback(ctx);
    if (!ctx.answered()) {
        qCWarning(lcHttp) << "no answer for" << ctx.method() << ctx.path();
        ctx.reply(HttpResponse::json(
            404, QJsonObject { { QLatin1String("error"), QStringLiteral("Not found") } }));
    }
    return outcome();
}

} // namespace Sandbox
