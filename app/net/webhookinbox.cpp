#include "net/webhookinbox.h"

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>
#include <QPointer>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTimer>
#include <algorithm>

namespace Net {

namespace {

Q_LOGGING_CATEGORY(lcInbox, "jobscope.net.webhook")

const QString WebhookRoot = QStringLiteral("/webhooks");
// Bytes of an unwanted body (413, 404, ...) read and dropped so the client gets to read the answer
// instead of a connection reset; a larger announced body is not waited for.
constexpr qint64 MaxDrainBytes = 8 * 1024 * 1024;
constexpr qint64 SocketReadBuffer = 64 * 1024;
constexpr qsizetype MaxSeenIds = 10000;
const QByteArray Redacted = QByteArrayLiteral("[redacted]");

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 431:
        return "Request Header Fields Too Large";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    default:
        return "Unknown";
    }
}

// Neither length nor content leaks through timing beyond the (public) length of the digest.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    volatile unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff = diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
    return diff == 0;
}

bool isHexDigest(QByteArrayView v)
{
    return v.size() == 64 && std::all_of(v.begin(), v.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
}

// "sha256=<hex>", possibly several separated by commas (a sender rotating secrets).
bool signatureMatches(const QByteArray &secret, const QByteArray &timestamp, const QByteArray &body,
    const QByteArray &header)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secret);
    mac.addData(timestamp);
    mac.addData(".", 1);
    mac.addData(body);
    const QByteArray expected = mac.result();
    bool match = false;
    for (const QByteArray &part : header.split(',')) {
        const QByteArray candidate = part.trimmed();
        if (!candidate.startsWith("sha256="))
            continue;
        const QByteArrayView hex = QByteArrayView(candidate).sliced(7);
        if (!isHexDigest(hex))
            continue;
        match = constantTimeEquals(QByteArray::fromHex(hex.toByteArray()), expected) || match;
    }
    return match;
}

bool isToken(const QByteArray &name)
{
    static const QRegularExpression token(QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"));
    return token.match(QLatin1String(name)).hasMatch();
}

} // namespace

struct WebhookInbox::Connection
{
    enum class Phase { Head, Body, Draining, Done };

    QPointer<QTcpSocket> socket;
    Phase phase = Phase::Head;
    QByteArray buffer; // the head while reading it, then the body
    QByteArray method;
    QString path;
    QString scheme; // from the path; empty for the generic route
    QList<QPair<QByteArray, QByteArray>> headers;
    qint64 contentLength = -1;
    qint64 drainLeft = 0;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    bool hasHeader(const QByteArray &name) const
    {
        return std::any_of(headers.cbegin(), headers.cend(),
            [&](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
    }
};

WebhookInbox::WebhookInbox(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &WebhookInbox::accept);
}

WebhookInbox::~WebhookInbox()
{
    m_server.close();
    // The sockets are the server's children; cut them loose from this object first so their
    // destruction does not call back into a half-destroyed inbox.
    const QList<QTcpSocket *> sockets = m_server.findChildren<QTcpSocket *>();
    for (QTcpSocket *s : sockets) {
        s->disconnect(this);
        s->abort();
        delete s;
    }
}

bool WebhookInbox::listen(const QHostAddress &address, quint16 port, QString *error)
{
    auto refuse = [error](const QString &why) {
        qCWarning(lcInbox) << why;
        if (error)
            *error = why;
        return false;
    };
    if (m_server.isListening())
        return refuse(
            QStringLiteral("the webhook inbox is already listening on %1").arg(url().toString()));
    if (!address.isLoopback())
        return refuse(QStringLiteral(
            "the webhook inbox only listens on a loopback address (127.0.0.1 or ::1), not %1")
                          .arg(address.toString()));
    if (!m_server.listen(address, port))
        return refuse(QStringLiteral("cannot listen on %1 port %2: %3")
                          .arg(address.toString())
                          .arg(port)
                          .arg(m_server.errorString()));
    qCInfo(lcInbox) << "listening on" << url().toString();
    return true;
}

void WebhookInbox::close()
{
    m_server.close();
}

QUrl WebhookInbox::url(const QString &scheme) const
{
    if (!m_server.isListening())
        return {};
    QUrl u;
    u.setScheme(QStringLiteral("http"));
    u.setHost(m_server.serverAddress().toString());
    u.setPort(m_server.serverPort());
    u.setPath(scheme.isEmpty() ? WebhookRoot : WebhookRoot + QLatin1Char('/') + scheme);
    return u;
}

bool WebhookInbox::addScheme(const QString &name, const QByteArray &signatureHeader,
    const QByteArray &timestampHeader, const QByteArray &secret)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9._-]+$"));
    if (!valid.match(name).hasMatch() || !isToken(signatureHeader) || !isToken(timestampHeader)
        || secret.isEmpty()) {
        qCWarning(lcInbox) << "scheme" << name
                           << "refused: needs a name, two header names and a secret";
        return false;
    }
    m_schemes.insert(name, Scheme { signatureHeader, timestampHeader, secret });
    return true;
}

void WebhookInbox::setMaxRecorded(int n)
{
    m_maxRecorded = std::max(0, n);
    while (qsizetype(m_deliveries.size()) > m_maxRecorded)
        m_deliveries.pop_front();
}

QList<WebhookInbox::Delivery> WebhookInbox::deliveries() const
{
    return QList<Delivery>(m_deliveries.cbegin(), m_deliveries.cend());
}

void WebhookInbox::setTrafficLog(TrafficLog *log, JobIdReader jobIdOf)
{
    m_traffic = log;
    m_jobIdOf = std::move(jobIdOf);
}

QString WebhookInbox::verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Verified:
        return QStringLiteral("verified");
    case Verdict::Duplicate:
        return QStringLiteral("duplicate");
    case Verdict::BadSignature:
        return QStringLiteral("bad_signature");
    case Verdict::NoSignature:
        return QStringLiteral("no_signature");
    case Verdict::StaleTimestamp:
        return QStringLiteral("stale_timestamp");
    case Verdict::TooLarge:
        return QStringLiteral("too_large");
    case Verdict::NotFound:
        return QStringLiteral("not_found");
    case Verdict::BadRequest:
        return QStringLiteral("bad_request");
    case Verdict::Refused:
        return QStringLiteral("refused");
    }
    return {};
}

bool WebhookInbox::isSensitiveHeader(const QByteArray &name) const
{
    const QByteArray n = name.toLower();
    static const char *const fragments[]
        = { "auth", "cookie", "secret", "token", "signature", "password", "api-key", "apikey" };
    for (const char *f : fragments) {
        if (n.contains(f))
            return true;
    }
    for (const Scheme &s : m_schemes) {
        if (n == s.signatureHeader.toLower())
            return true;
    }
    return false;
}

void WebhookInbox::accept()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        if (m_open >= m_maxConnections) {
            qCWarning(lcInbox) << "too many open connections; one refused";
            socket->abort();
            socket->deleteLater();
            continue;
        }
        ++m_open;
        auto c = std::make_shared<Connection>();
        c->socket = socket;
        socket->setReadBufferSize(SocketReadBuffer);
        // One deadline for the whole request, not per byte: a client trickling a byte at a time
        // cannot keep the socket either.
        auto *deadline = new QTimer(socket);
        deadline->setSingleShot(true);
        connect(deadline, &QTimer::timeout, socket, [this, socket] {
            qCInfo(lcInbox) << "connection still open after" << m_readTimeoutMs << "ms; cut";
            socket->abort();
            socket->deleteLater();
        });
        deadline->start(m_readTimeoutMs);
        connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QObject::destroyed, this, [this] { --m_open; });
        connect(socket, &QIODevice::readyRead, this, [this, c] { readMore(c); });
        if (socket->bytesAvailable() > 0)
            readMore(c);
    }
}

void WebhookInbox::readMore(const std::shared_ptr<Connection> &c)
{
    QTcpSocket *socket = c->socket;
    if (!socket)
        return;
    switch (c->phase) {
    case Connection::Phase::Head: {
        c->buffer += socket->readAll();
        qsizetype end = c->buffer.indexOf("\r\n\r\n");
        qsizetype sep = 4;
        const qsizetype lfEnd = c->buffer.indexOf("\n\n");
        if (lfEnd >= 0 && (end < 0 || lfEnd < end)) {
            end = lfEnd;
            sep = 2;
        }
        if (end < 0 && c->buffer.size() <= m_maxHeaderBytes)
            return; // the rest of the head is still to come
        if (end < 0 || end > m_maxHeaderBytes) {
            Delivery d;
            d.verdict = Verdict::BadRequest;
            d.httpStatus = 431;
            d.detail = QStringLiteral("request head larger than %1 bytes").arg(m_maxHeaderBytes);
            return answer(c, std::move(d), false);
        }
        const QByteArray head = c->buffer.left(end);
        c->buffer.remove(0, end + sep); // what follows the head is the start of the body
        if (!parseHead(c, head))
            return; // answered already
        c->phase = Connection::Phase::Body;
        c->buffer.truncate(c->contentLength);
        if (c->buffer.size() >= c->contentLength)
            complete(c);
        return;
    }
    case Connection::Phase::Body:
        c->buffer += socket->read(c->contentLength - c->buffer.size());
        if (c->buffer.size() >= c->contentLength)
            complete(c);
        return;
    case Connection::Phase::Draining:
        c->drainLeft -= socket->readAll().size();
        if (c->drainLeft <= 0) {
            c->phase = Connection::Phase::Done;
            socket->disconnectFromHost();
        }
        return;
    case Connection::Phase::Done:
        socket->readAll();
        return;
    }
}

bool WebhookInbox::parseHead(const std::shared_ptr<Connection> &c, const QByteArray &head)
{
    Delivery d;
    d.verdict = Verdict::BadRequest;
    d.httpStatus = 400;
    QList<QByteArray> lines = head.split('\n');
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }
    const QList<QByteArray> requestLine = lines.value(0).split(' ');
    if (requestLine.size() != 3 || !isToken(requestLine[0]) || !requestLine[1].startsWith('/')
        || !requestLine[2].startsWith("HTTP/1.")) {
        d.detail = QStringLiteral("malformed request line");
        answer(c, std::move(d), false);
        return false;
    }
    c->method = requestLine[0];
    const QByteArray target = requestLine[1];
    const qsizetype query = target.indexOf('?');
    c->path = QString::fromLatin1(query < 0 ? target : target.left(query));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        const qsizetype colon = line.indexOf(':');
        // Folded lines and names with spaces are refused, as RFC 9112 asks of a server.
        if (line.startsWith(' ') || line.startsWith('\t') || colon <= 0
            || !isToken(line.left(colon))) {
            d.detail = QStringLiteral("malformed header line");
            answer(c, std::move(d), false);
            return false;
        }
        c->headers.append({ line.left(colon), line.mid(colon + 1).trimmed() });
    }

    // Route first: an unknown path is 404 whatever else is wrong with the request.
    if (c->path != WebhookRoot) {
        const QString name = c->path.startsWith(WebhookRoot + QLatin1Char('/'))
            ? c->path.mid(WebhookRoot.size() + 1)
            : QString();
        if (name.isEmpty() || !m_schemes.contains(name)) {
            d.verdict = Verdict::NotFound;
            d.httpStatus = 404;
            d.detail = QStringLiteral("no webhook route %1").arg(c->path);
            answer(c, std::move(d), false);
            return false;
        }
        c->scheme = name;
    }
    if (c->method != "POST") {
        d.httpStatus = 405;
        d.detail = QStringLiteral("method %1 not allowed").arg(QString::fromLatin1(c->method));
    } else if (c->hasHeader("Transfer-Encoding")) {
        d.httpStatus = 501;
        d.detail = QStringLiteral("Transfer-Encoding is not supported; send Content-Length");
    } else {
        qint64 length = -1;
        bool consistent = true;
        for (const auto &h : std::as_const(c->headers)) {
            if (h.first.compare("Content-Length", Qt::CaseInsensitive) != 0)
                continue;
            bool ok = h.second.size() <= 18 && !h.second.isEmpty()
                && std::all_of(h.second.begin(), h.second.end(),
                    [](char ch) { return ch >= '0' && ch <= '9'; });
            const qint64 value = ok ? h.second.toLongLong(&ok) : -1;
            if (!ok || (length >= 0 && value != length))
                consistent = false;
            length = value;
        }
        if (!consistent) {
            d.detail = QStringLiteral("invalid Content-Length");
        } else if (length < 0) {
            d.httpStatus = 411;
            d.detail = QStringLiteral("Content-Length is required");
        } else if (length > m_maxBodyBytes) {
            c->contentLength = length;
            d.verdict = Verdict::TooLarge;
            d.httpStatus = 413;
            d.detail = QStringLiteral("body of %1 bytes is over the %2-byte limit")
                           .arg(length)
                           .arg(m_maxBodyBytes);
        } else {
            c->contentLength = length;
            if (c->header("Expect").compare("100-continue", Qt::CaseInsensitive) == 0 && c->socket)
                c->socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            return true;
        }
    }
    answer(c, std::move(d), false);
    return false;
}

void WebhookInbox::complete(const std::shared_ptr<Connection> &c)
{
    Delivery d;
    d.body = c->buffer;
    d.webhookId = c->header("X-Webhook-Id");
    c->buffer.clear();
    verify(*c, &d);
    answer(c, std::move(d), true);
}

void WebhookInbox::verify(const Connection &c, Delivery *d)
{
    auto verdict = [d](Verdict v, int status, const QString &detail) {
        d->verdict = v;
        d->httpStatus = status;
        d->detail = detail;
    };
    if (m_failNext > 0) {
        --m_failNext;
        return verdict(Verdict::Refused, 503, QStringLiteral("refused on purpose (setFailNext)"));
    }
    QString name = c.scheme;
    if (name.isEmpty()) {
        for (auto it = m_schemes.cbegin(); it != m_schemes.cend() && name.isEmpty(); ++it) {
            if (c.hasHeader(it->signatureHeader))
                name = it.key();
        }
        if (name.isEmpty())
            return verdict(Verdict::NoSignature, 401,
                QStringLiteral("no signature header of a registered scheme"));
    }
    d->scheme = name;
    const Scheme &scheme = m_schemes[name];
    const QByteArray signature = c.header(scheme.signatureHeader);
    if (signature.isEmpty())
        return verdict(Verdict::NoSignature, 401,
            QStringLiteral("no %1 header").arg(QLatin1String(scheme.signatureHeader)));
    const QByteArray timestamp = c.header(scheme.timestampHeader);
    // The signature is checked before the timestamp: an unauthenticated sender learns nothing
    // about the clock window.
    if (!signatureMatches(scheme.secret, timestamp, d->body, signature))
        return verdict(Verdict::BadSignature, 401, QStringLiteral("signature does not match"));
    bool ok = false;
    const qint64 ts = timestamp.toLongLong(&ok);
    if (!ok)
        return verdict(Verdict::StaleTimestamp, 400,
            QStringLiteral("no usable %1").arg(QLatin1String(scheme.timestampHeader)));
    const qint64 skew = QDateTime::currentSecsSinceEpoch() - ts;
    if (skew > m_windowSecs || skew < -qint64(m_windowSecs))
        return verdict(Verdict::StaleTimestamp, 400,
            skew > 0 ? QStringLiteral("timestamp is %1 s old (window %2 s): a replay?")
                           .arg(skew)
                           .arg(m_windowSecs)
                     : QStringLiteral("timestamp is %1 s in the future (window %2 s)")
                           .arg(-skew)
                           .arg(m_windowSecs));
    if (!d->webhookId.isEmpty()) {
        const QByteArray key = name.toUtf8() + '\n' + d->webhookId;
        if (m_seenIds.contains(key))
            return verdict(
                Verdict::Duplicate, 200, QStringLiteral("X-Webhook-Id already received"));
        m_seenIds.insert(key);
        m_seenOrder.push_back(key);
        while (qsizetype(m_seenOrder.size()) > MaxSeenIds) {
            m_seenIds.remove(m_seenOrder.front());
            m_seenOrder.pop_front();
        }
    }
    verdict(Verdict::Verified, 200, QStringLiteral("signature verified"));
}

void WebhookInbox::answer(const std::shared_ptr<Connection> &c, Delivery d, bool bodyRead)
{
    d.receivedAt = QDateTime::currentDateTimeUtc();
    if (d.scheme.isEmpty())
        d.scheme = c->scheme;
    d.method = c->method;
    d.path = c->path;
    d.webhookId = c->header("X-Webhook-Id");
    d.headers.reserve(c->headers.size());
    for (const auto &h : std::as_const(c->headers))
        d.headers.append({ h.first, isSensitiveHeader(h.first) ? Redacted : h.second });

    const QByteArray name = verdictName(d.verdict).toLatin1();
    const QByteArray body = d.httpStatus == 200 ? "{\"ok\":true,\"verdict\":\"" + name + "\"}"
                                                : "{\"ok\":false,\"verdict\":\"" + name + "\"}";
    QByteArray head = "HTTP/1.1 " + QByteArray::number(d.httpStatus) + ' '
        + reasonPhrase(d.httpStatus) + "\r\n";
    head += "Content-Type: application/json\r\n";
    head += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (d.httpStatus == 405)
        head += "Allow: POST\r\n";
    head += "Connection: close\r\n\r\n";

    if (QTcpSocket *socket = c->socket) {
        socket->write(head + body);
        const qint64 unread
            = bodyRead || c->contentLength < 0 ? 0 : c->contentLength - c->buffer.size();
        if (unread > 0 && unread <= MaxDrainBytes) {
            c->phase = Connection::Phase::Draining;
            c->drainLeft = unread;
        } else {
            c->phase = Connection::Phase::Done;
            socket->disconnectFromHost();
        }
    }
    c->buffer.clear();

    QString line = QStringLiteral("%1 %2").arg(d.httpStatus).arg(verdictName(d.verdict));
    if (!d.method.isEmpty())
        line += QLatin1Char(' ') + QString::fromLatin1(d.method) + QLatin1Char(' ') + d.path;
    if (!d.scheme.isEmpty())
        line += QStringLiteral(" scheme=") + d.scheme;
    if (!d.webhookId.isEmpty())
        line += QStringLiteral(" id=") + QString::fromLatin1(d.webhookId.left(100));
    qCInfo(lcInbox).noquote() << line << "-" << d.detail;
    if (m_traffic) {
        TrafficLog::Entry t;
        t.jobId = m_jobIdOf ? m_jobIdOf(d.scheme, d.body) : QString();
        t.kind = TrafficLog::Kind::WebhookIn;
        t.method = d.method;
        t.url = d.path;
        t.httpStatus = d.httpStatus;
        t.headers = d.headers;
        for (const auto &h : std::as_const(d.headers)) {
            if (h.first.compare("Content-Type", Qt::CaseInsensitive) == 0)
                t.mime = h.second;
        }
        t.body = d.body;
        t.note = verdictName(d.verdict) + QStringLiteral(": ") + d.detail;
        m_traffic->record(std::move(t));
    }
    m_deliveries.push_back(d);
    while (qsizetype(m_deliveries.size()) > m_maxRecorded)
        m_deliveries.pop_front();
    Q_EMIT delivery(d);
    if (d.verdict == Verdict::Verified)
        Q_EMIT received(d.scheme, d.body);
}

} // namespace Net
