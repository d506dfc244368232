#include "sandbox/httpconnection.h"

#include "sandbox/httpresponse.h"

#include <QJsonObject>
#include <cstring>
#include <sys/socket.h>

namespace Sandbox {

namespace {

// How long a refused request's connection keeps swallowing what the client still sends, so the
// client reads the refusal instead of a reset: until a second passes without a byte.
constexpr int LingerQuietMs = 1000;

bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool isToken(const QByteArray &s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// The comma-separated tokens of a header value, lower case.
QList<QByteArray> tokens(const QByteArray &value)
{
    QList<QByteArray> out;
    for (const QByteArray &t : value.split(','))
        out.append(t.trimmed().toLower());
    return out;
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const HttpLimits &limits, Handlers handlers)
    : QObject(socket)
    , m_socket(socket)
    , m_limits(limits)
    , m_handlers(std::move(handlers))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HttpConnection::timedOut);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::readSome);
    connect(socket, &QTcpSocket::bytesWritten, this, [this] {
        // A refusal is on its way out: once it is, say so with a FIN, and keep reading.
        if (m_state == State::Draining && m_socket->bytesToWrite() == 0
            && m_socket->socketDescriptor() >= 0)
            ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    });
    enter(State::Idle);
    if (socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::readSome, Qt::QueuedConnection);
}

void HttpConnection::responseFinished(QTcpSocket *socket)
{
    if (!socket)
        return;
    auto *c = socket->findChild<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
    if (c && c->m_dispatching) {
        c->m_finishedInDispatch = true; // the handler answered and finished at once
        return;
    }
    if (!c || c->m_state != State::Detached)
        return;
    c->enter(State::Idle);
    // A request the client sent meanwhile: read it from the event loop, not inside the caller.
    if (socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(c, &HttpConnection::readSome, Qt::QueuedConnection);
}

void HttpConnection::enter(State state)
{
    m_state = state;
    switch (state) {
    case State::Idle:
        m_timer.start(m_limits.idleTimeoutMs);
        break;
    case State::Head:
    case State::Body:
    case State::ChunkSize:
    case State::ChunkData:
    case State::ChunkEnd:
    case State::Trailers:
        m_timer.start(m_limits.requestTimeoutMs);
        break;
    case State::Draining:
        m_timer.start(LingerQuietMs);
        break;
    case State::Detached:
    case State::Gone:
        m_timer.stop();
        break;
    }
}

void HttpConnection::readSome()
{
    while (m_state != State::Gone && m_socket->state() == QAbstractSocket::ConnectedState
        && step()) { }
}

bool HttpConnection::step()
{
    switch (m_state) {
    case State::Idle:
    case State::Detached:
    case State::Head:
        return readHead();
    case State::Body:
    case State::ChunkData: {
        const qint64 n = std::min(m_remaining, m_socket->bytesAvailable());
        if (n <= 0)
            return false;
        m_request.body += m_socket->read(n);
        m_remaining -= n;
        if (m_remaining > 0) {
            enter(m_state); // progress: the clock starts again
            return true;
        }
        if (m_state == State::ChunkData)
            enter(State::ChunkEnd);
        else
            dispatch();
        return true;
    }
    case State::ChunkEnd:
        if (m_socket->bytesAvailable() < 2)
            return false;
        if (m_socket->read(2) != "\r\n") {
            refuse(400,
                QStringLiteral("The chunked request body is malformed: a chunk is longer than its "
                               "size line says."));
            return false;
        }
        enter(State::ChunkSize);
        return true;
    case State::ChunkSize:
        return readChunkSize();
    case State::Trailers:
        return readTrailers();
    case State::Draining:
        if (m_socket->bytesAvailable() > 0) {
            m_socket->skip(m_socket->bytesAvailable());
            if (m_lingering.elapsed() < m_limits.idleTimeoutMs)
                m_timer.start(LingerQuietMs);
        }
        return false;
    case State::Gone:
        return false;
    }
    return false;
}

bool HttpConnection::readHead()
{
    // Empty lines before a request line are allowed (RFC 9112, 2.2).
    while (m_socket->bytesAvailable() >= 2 && m_socket->peek(2) == "\r\n")
        m_socket->skip(2);
    if (m_socket->bytesAvailable() == 0
        || (m_socket->bytesAvailable() == 1 && m_socket->peek(1) == "\r"))
        return false;
    if (m_state != State::Head) {
        m_request = HttpRequest();
        m_headerLines = 0;
        enter(State::Head); // the clock for the whole head starts at its first byte
    }
    const QByteArray peeked = m_socket->peek(qint64(m_limits.maxHeaderBytes) + 4);
    const qsizetype end = peeked.indexOf("\r\n\r\n");
    const QByteArray head = end < 0 ? peeked : peeked.left(end);
    const QList<QByteArray> lines = head.split('\n');
    for (const QByteArray &line : lines) {
        if (line.size() > m_limits.maxHeaderLineBytes + 1) {
            refuse(431,
                QStringLiteral(
                    "A header line of the request is longer than the sandbox accepts (%1 bytes).")
                    .arg(m_limits.maxHeaderLineBytes));
            return false;
        }
    }
    if (lines.size() - 1 > m_limits.maxHeaderCount) {
        refuse(431,
            QStringLiteral("The request has more header lines than the sandbox accepts (%1).")
                .arg(m_limits.maxHeaderCount));
        return false;
    }
    if (end < 0) {
        if (peeked.size() > m_limits.maxHeaderBytes) {
            refuse(431,
                QStringLiteral(
                    "The request's headers are larger than the sandbox accepts (%1 bytes).")
                    .arg(m_limits.maxHeaderBytes));
            return false;
        }
        return false; // the rest of the head is still on its way
    }

    // The request line: METHOD SP request-target SP HTTP-version.
    const QList<QByteArray> parts
        = lines.first().chopped(lines.first().endsWith('\r') ? 1 : 0).split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)) || parts.at(1).isEmpty()) {
        refuse(400, QStringLiteral("The request line is not \"METHOD /path HTTP/1.1\"."));
        return false;
    }
    m_request.method = parts.at(0);
    m_request.target = parts.at(1);
    m_request.version = parts.at(2);
    if (m_request.version != "HTTP/1.1" && m_request.version != "HTTP/1.0") {
        if (m_request.version.startsWith("HTTP/"))
            refuse(505,
                QStringLiteral("The sandbox speaks HTTP/1.1 (and 1.0), not %1.")
                    .arg(QString::fromLatin1(m_request.version.left(16))));
        else
            refuse(400, QStringLiteral("The request line is not \"METHOD /path HTTP/1.1\"."));
        return false;
    }
    if (m_request.target.startsWith('/')) {
        m_request.url = QUrl::fromEncoded(m_request.target);
    } else if (m_request.target.startsWith("http://") || m_request.target.startsWith("https://")) {
        const QUrl absolute = QUrl::fromEncoded(m_request.target);
        QByteArray originForm = absolute.path(QUrl::FullyEncoded).toLatin1();
        if (originForm.isEmpty())
            originForm = "/";
        if (absolute.hasQuery())
            originForm += '?' + absolute.query(QUrl::FullyEncoded).toLatin1();
        m_request.url = QUrl::fromEncoded(originForm);
    } else if (m_request.target == "*" && m_request.method == "OPTIONS") {
        m_request.url = QUrl(QStringLiteral("*"));
    }
    if (!m_request.url.isValid() || m_request.url.isEmpty()) {
        refuse(400,
            QStringLiteral("The request target %1 is not a path.")
                .arg(QString::fromLatin1(m_request.target.left(200))));
        return false;
    }

    for (qsizetype i = 1; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.startsWith(' ') || line.startsWith('\t')) {
            refuse(400,
                QStringLiteral("The request continues a header on a second line, which HTTP/1.1 no "
                               "longer allows."));
            return false;
        }
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = colon > 0 ? line.left(colon) : QByteArray();
        if (!isToken(name)) {
            refuse(400, QStringLiteral("A header line of the request is not \"Name: value\"."));
            return false;
        }
        m_request.headers.append({ name, line.mid(colon + 1).trimmed() });
    }
    m_headerLines = int(lines.size()) - 1;

    const QList<QByteArray> connection = tokens(m_request.header("Connection"));
    m_request.keepAlive = m_request.version == "HTTP/1.1" ? !connection.contains("close")
                                                          : connection.contains("keep-alive");

    if (m_request.method == "GET" && tokens(m_request.header("Upgrade")).contains("websocket")) {
        // The handshake stays in the socket for QWebSocketServer; this connection is done.
        enter(State::Gone);
        disconnect(m_socket, nullptr, this, nullptr);
        if (m_handlers.upgrade)
            m_handlers.upgrade(m_request, m_socket);
        deleteLater();
        return false;
    }
    m_socket->skip(end + 4);

    QList<QByteArray> lengths;
    for (const auto &h : std::as_const(m_request.headers)) {
        if (h.first.compare("Content-Length", Qt::CaseInsensitive) == 0)
            lengths.append(h.second.split(',')); // "5, 5" is two equal values
    }
    const bool chunked = m_request.hasHeader("Transfer-Encoding");
    if (chunked && !lengths.isEmpty()) {
        refuse(400,
            QStringLiteral("The request has both Transfer-Encoding and Content-Length; send one."));
        return false;
    }
    if (chunked) {
        const QByteArray coding = m_request.header("Transfer-Encoding").trimmed().toLower();
        if (coding != "chunked") {
            refuse(501,
                QStringLiteral("The sandbox accepts only the chunked transfer coding, not \"%1\".")
                    .arg(QString::fromLatin1(coding.left(100))));
            return false;
        }
    }
    qint64 length = 0;
    for (qsizetype i = 0; i < lengths.size(); ++i) {
        const QByteArray v = lengths.at(i).trimmed();
        bool digits = !v.isEmpty() && v.size() <= 18;
        for (char c : v)
            digits = digits && c >= '0' && c <= '9';
        if (!digits || (i > 0 && v.toLongLong() != length)) {
            refuse(400, QStringLiteral("The Content-Length header is not a number."));
            return false;
        }
        length = v.toLongLong();
    }
    if (length > m_limits.maxBodyBytes) {
        refuse(413,
            QStringLiteral("The request body is larger than the sandbox accepts (%1 bytes).")
                .arg(m_limits.maxBodyBytes));
        return false;
    }
    if ((chunked || length > 0) && m_request.version == "HTTP/1.1"
        && m_request.header("Expect").compare("100-continue", Qt::CaseInsensitive) == 0)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    if (chunked) {
        // Address space for the largest body allowed, taken once: pages are only resident when
        // written, and the body never has to move (a growing buffer would need twice its size).
        m_request.body.reserve(m_limits.maxBodyBytes);
        enter(State::ChunkSize);
    } else if (length > 0) {
        m_request.body.reserve(length);
        m_remaining = length;
        enter(State::Body);
    } else {
        dispatch();
    }
    return true;
}

bool HttpConnection::readChunkSize()
{
    const QByteArray peeked = m_socket->peek(qint64(m_limits.maxHeaderLineBytes) + 2);
    const qsizetype nl = peeked.indexOf("\r\n");
    if (nl < 0) {
        if (peeked.size() > m_limits.maxHeaderLineBytes)
            refuse(431,
                QStringLiteral("A chunk-size line of the request body is longer than the sandbox "
                               "accepts (%1 bytes).")
                    .arg(m_limits.maxHeaderLineBytes));
        return false;
    }
    QByteArray size = peeked.left(nl);
    if (const qsizetype semi = size.indexOf(';'); semi >= 0)
        size.truncate(semi); // chunk extensions are ignored
    size = size.trimmed();
    bool ok = !size.isEmpty() && size.size() <= 15;
    for (char c : size)
        ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
    if (!ok) {
        refuse(400,
            QStringLiteral("The chunked request body is malformed: a chunk size is not a "
                           "hexadecimal number."));
        return false;
    }
    const qint64 n = size.toLongLong(nullptr, 16);
    m_socket->skip(nl + 2);
    if (m_request.body.size() + n > m_limits.maxBodyBytes) {
        refuse(413,
            QStringLiteral("The request body is larger than the sandbox accepts (%1 bytes).")
                .arg(m_limits.maxBodyBytes));
        return false;
    }
    if (n == 0) {
        enter(State::Trailers);
    } else {
        m_remaining = n;
        enter(State::ChunkData);
    }
    return true;
}

bool HttpConnection::readTrailers()
{
    const QByteArray peeked = m_socket->peek(qint64(m_limits.maxHeaderLineBytes) + 2);
    const qsizetype nl = peeked.indexOf("\r\n");
    if (nl < 0) {
        if (peeked.size() > m_limits.maxHeaderLineBytes)
            refuse(431,
                QStringLiteral(
                    "A trailer line of the request is longer than the sandbox accepts (%1 bytes).")
                    .arg(m_limits.maxHeaderLineBytes));
        return false;
    }
    m_socket->skip(nl + 2);
    if (nl == 0) {
        dispatch();
        return true;
    }
    if (++m_headerLines > m_limits.maxHeaderCount) {
        refuse(431,
            QStringLiteral("The request has more header lines than the sandbox accepts (%1).")
                .arg(m_limits.maxHeaderCount));
        return false;
    }
    enter(State::Trailers); // trailers are read and dropped; none is needed
    return true;
}

void HttpConnection::dispatch()
{
    m_timer.stop();
    const HttpRequest request = std::exchange(m_request, HttpRequest());
    m_remaining = 0;
    m_state = State::Detached; // while the handler runs: no clock, no reading
    m_dispatching = true;
    m_finishedInDispatch = false;
    const Outcome outcome
        = m_handlers.request ? m_handlers.request(request, m_socket) : Outcome::Answered;
    m_dispatching = false;
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        enter(State::Gone);
    else
        enter(
            outcome == Outcome::Detached && !m_finishedInDispatch ? State::Detached : State::Idle);
}

void HttpConnection::refuse(int status, const QString &message)
{
    if (m_handlers.refused)
        m_handlers.refused(m_request.method.isEmpty() ? QByteArray("?") : m_request.method,
            m_request.url.path(), status);
    const HttpResponse r
        = HttpResponse::json(status, QJsonObject { { QLatin1String("error"), message } });
    HttpResponse::writeHead(m_socket, r.status, r.headers, r.body.size(), true);
    m_socket->write(r.body);
    m_request = HttpRequest();
    m_lingering.start();
    enter(State::Draining);
    m_socket->skip(m_socket->bytesAvailable());
}

void HttpConnection::timedOut()
{
    switch (m_state) {
    case State::Idle:
        enter(State::Gone);
        m_socket->disconnectFromHost();
        break;
    case State::Head:
    case State::Body:
    case State::ChunkSize:
    case State::ChunkData:
    case State::ChunkEnd:
    case State::Trailers:
        if (m_handlers.refused)
            m_handlers.refused(m_request.method.isEmpty() ? QByteArray("?") : m_request.method,
                m_request.url.path(), 408);
        enter(State::Gone);
        HttpResponse::json(408,
            QJsonObject { { QLatin1String("error"),
                QStringLiteral("The request was not sent completely within %1 ms; the sandbox "
                               "closed the connection.")
                    .arg(m_limits.requestTimeoutMs) } })
            .write(m_socket, false, true);
        break;
    case State::Draining:
        enter(State::Gone);
        m_socket->abort();
        break;
    case State::Detached:
    case State::Gone:
        break;
    }
}

} // namespace Sandbox
