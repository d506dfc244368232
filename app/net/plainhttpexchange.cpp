#include "net/plainhttpexchange.h"

#include <QPointer>
#include <QTcpSocket>
#include <algorithm>
#include <cstring>

namespace Net {

namespace {

// Set by the exchange itself, or hop-by-hop: never copied from the caller's request.
bool isOwnHeader(const QByteArray &name)
{
    for (const char *own : { "Host", "Connection", "Content-Length", "Transfer-Encoding",
             "Keep-Alive", "TE", "Upgrade", "Proxy-Connection" }) {
        if (name.compare(own, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// No CR, LF or NUL: a header from the caller never splits into two.
bool isSafeHeaderText(const QByteArray &s)
{
    return !s.contains('\r') && !s.contains('\n') && !s.contains('\0');
}

bool isToken(const QByteArray &s)
{
    return !s.isEmpty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
    });
}

QNetworkAccessManager::Operation operationOf(const QByteArray &method)
{
    if (method == "GET")
        return QNetworkAccessManager::GetOperation;
    if (method == "HEAD")
        return QNetworkAccessManager::HeadOperation;
    if (method == "POST")
        return QNetworkAccessManager::PostOperation;
    if (method == "PUT")
        return QNetworkAccessManager::PutOperation;
    if (method == "DELETE")
        return QNetworkAccessManager::DeleteOperation;
    return QNetworkAccessManager::CustomOperation;
}

} // namespace

PlainHttpExchange::PlainHttpExchange(const QByteArray &method, const QNetworkRequest &request,
    const QByteArray &body, int transferTimeoutMs, QObject *parent)
    : QNetworkReply(parent)
    , m_method(method)
    , m_requestBody(body)
    , m_timeoutMs(std::max(0, transferTimeoutMs))
    , m_socket(new QTcpSocket(this))
    , m_parser(method == "HEAD")
{
    setRequest(request);
    setUrl(request.url());
    setOperation(operationOf(method));
    QNetworkReply::setReadBufferSize(m_readAhead);
    // Unbuffered: QIODevice keeps no copy of its own; readData() serves from m_buffer.
    open(QIODevice::ReadOnly | QIODevice::Unbuffered);

    // The kernel holds what the server sends beyond this: the socket stops reading when it is
    // full, and we take from it only while the reader keeps up.
    m_socket->setReadBufferSize(SocketBufferBytes);
    connect(m_socket, &QTcpSocket::connected, this, &PlainHttpExchange::onConnected);
    connect(m_socket, &QIODevice::readyRead, this, &PlainHttpExchange::pump);
    connect(m_socket, &QIODevice::bytesWritten, this, &PlainHttpExchange::touch);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, &PlainHttpExchange::onSocketError);
    connect(m_socket, &QAbstractSocket::disconnected, this, [this] {
        m_peerClosed = true;
        schedulePump();
    });

    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        // What Qt 6.4's transfer timeout reports (TransferError turns it into its sentence).
        endWith(OperationCanceledError, QStringLiteral("Operation canceled"));
    });
    QMetaObject::invokeMethod(this, &PlainHttpExchange::start, Qt::QueuedConnection);
}

PlainHttpExchange::~PlainHttpExchange()
{
    m_socket->disconnect(this);
    m_socket->abort();
}

bool PlainHttpExchange::handles(const QUrl &url)
{
    return url.scheme().compare(QLatin1String("http"), Qt::CaseInsensitive) == 0;
}

void PlainHttpExchange::start()
{
    if (m_done)
        return;
    const QUrl target = url();
    if (!handles(target) || target.host().isEmpty())
        return endWith(ProtocolUnknownError,
            QStringLiteral("Protocol \"%1\" is unknown").arg(target.scheme()));
    if (!isToken(m_method))
        return endWith(ProtocolInvalidOperationError,
            QStringLiteral("Invalid HTTP method \"%1\"").arg(QString::fromLatin1(m_method)));
    touch();
    m_socket->connectToHost(target.host(QUrl::FullyEncoded), quint16(target.port(80)));
}

QByteArray PlainHttpExchange::requestBytes() const
{
    const QUrl target = url();
    QByteArray path
        = target.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    if (!path.startsWith('/'))
        path.prepend('/');
    QByteArray host = target.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    if (target.port() != -1)
        host += ':' + QByteArray::number(target.port());

    QByteArray out = m_method + ' ' + path + " HTTP/1.1\r\nHost: " + host + "\r\n";
    bool userAgent = false;
    const QNetworkRequest req = request();
    for (const QByteArray &name : req.rawHeaderList()) {
        const QByteArray value = req.rawHeader(name);
        if (isOwnHeader(name) || !isToken(name) || !isSafeHeaderText(value))
            continue;
        userAgent = userAgent || name.compare("User-Agent", Qt::CaseInsensitive) == 0;
        out += name + ": " + value + "\r\n";
    }
    if (!userAgent)
        out += "User-Agent: Mozilla/5.0\r\n"; // what Qt's HTTP backend sends
    if (!m_requestBody.isEmpty() || m_method == "POST" || m_method == "PUT" || m_method == "PATCH")
        out += "Content-Length: " + QByteArray::number(m_requestBody.size()) + "\r\n";
    out += "Connection: close\r\n\r\n";
    out += m_requestBody;
    return out;
}

void PlainHttpExchange::onConnected()
{
    touch();
    m_socket->write(requestBytes());
}

void PlainHttpExchange::onSocketError()
{
    if (m_done)
        return;
    switch (m_socket->error()) {
    case QAbstractSocket::RemoteHostClosedError:
        // FIN or RST: what arrived before it is still read; the parser says if it was all.
        m_peerClosed = true;
        return schedulePump();
    case QAbstractSocket::ConnectionRefusedError:
        return endWith(ConnectionRefusedError, m_socket->errorString());
    case QAbstractSocket::HostNotFoundError:
        return endWith(HostNotFoundError, m_socket->errorString());
    case QAbstractSocket::SocketTimeoutError:
        return endWith(TimeoutError, m_socket->errorString());
    default:
        return endWith(UnknownNetworkError, m_socket->errorString());
    }
}

void PlainHttpExchange::touch()
{
    if (!m_done && m_timeoutMs > 0)
        m_timeout.start(m_timeoutMs);
}

void PlainHttpExchange::schedulePump()
{
    if (m_pumpQueued || m_done)
        return;
    m_pumpQueued = true;
    QMetaObject::invokeMethod(this, &PlainHttpExchange::pump, Qt::QueuedConnection);
}

qint64 PlainHttpExchange::bytesAvailable() const
{
    return (m_buffer.size() - m_bufferPos) + QNetworkReply::bytesAvailable();
}

void PlainHttpExchange::setReadBufferSize(qint64 size)
{
    // 0 means "unlimited" to Qt; here it keeps the default: a bound is the point of this class.
    m_readAhead = size > 0 ? std::max(size, SocketBufferBytes) : 1024 * 1024;
    QNetworkReply::setReadBufferSize(size);
    schedulePump();
}

void PlainHttpExchange::pump()
{
    m_pumpQueued = false;
    if (m_done || m_inPump)
        return;
    m_inPump = true;
    QPointer<PlainHttpExchange> self(this);
    // Every emit may end (abort) this exchange; deletion is always deferred, but be sure.
    const auto ended = [&] {
        return !self || m_done;
    };
    const auto leave = [&] {
        if (self)
            m_inPump = false;
    };
    const auto state = [&] {
        return m_parser.state();
    };
    while (
        state() == HttpResponseParser::State::Head || state() == HttpResponseParser::State::Body) {
        if (m_buffer.size() - m_bufferPos >= m_readAhead)
            break; // the reader has enough; readData() calls us again
        const qint64 waiting = m_socket->bytesAvailable();
        if (waiting <= 0)
            break;
        const QByteArray slice = m_socket->read(std::min(waiting, SocketBufferBytes));
        if (slice.isEmpty())
            break;
        touch();
        if (m_bufferPos > 0) {
            m_buffer.remove(0, m_bufferPos);
            m_bufferPos = 0;
        }
        const qsizetype before = m_buffer.size();
        m_parser.feed(slice, &m_buffer);
        if (!m_headEmitted && m_parser.isHeadComplete()) {
            takeHead();
            Q_EMIT metaDataChanged();
            if (ended())
                return leave();
        }
        if (m_buffer.size() > before) {
            Q_EMIT readyRead();
            if (ended())
                return leave();
        }
    }
    m_inPump = false;
    if (m_parser.hasFailed() || m_parser.isComplete())
        return endComplete();
    if (m_peerClosed && m_socket->bytesAvailable() == 0) {
        m_parser.connectionClosed();
        if (!m_headEmitted && m_parser.isHeadComplete()) {
            takeHead();
            Q_EMIT metaDataChanged();
            if (ended())
                return;
        }
        endComplete();
    }
}

void PlainHttpExchange::takeHead()
{
    m_headEmitted = true;
    setAttribute(QNetworkRequest::HttpStatusCodeAttribute, m_parser.status());
    setAttribute(
        QNetworkRequest::HttpReasonPhraseAttribute, QString::fromLatin1(m_parser.reasonPhrase()));
    // Repeated fields joined as Qt's HTTP backend joins them.
    for (const HttpResponseParser::Header &h : m_parser.headers()) {
        QByteArray value = rawHeader(h.first);
        if (hasRawHeader(h.first))
            value += h.first.compare("Set-Cookie", Qt::CaseInsensitive) == 0 ? "\n" : ", ";
        value += h.second;
        setRawHeader(h.first, value);
    }
}

void PlainHttpExchange::endComplete()
{
    if (m_done)
        return;
    if (m_parser.hasFailed()) {
        if (m_parser.error() == HttpResponseParser::Error::Truncated)
            return endWith(RemoteHostClosedError, QStringLiteral("Connection closed"));
        return endWith(ProtocolFailure, m_parser.errorText());
    }
    if (!m_parser.isComplete())
        return;
    m_done = true;
    m_timeout.stop();
    m_socket->disconnect(this);
    m_socket->abort(); // Connection: close; nothing more is read from it
    setFinished(true);
    Q_EMIT finished();
}

void PlainHttpExchange::endWith(NetworkError error, const QString &text)
{
    if (m_done)
        return;
    m_done = true;
    m_timeout.stop();
    m_socket->disconnect(this);
    m_socket->abort();
    setError(error, text);
    setFinished(true);
    QPointer<PlainHttpExchange> self(this);
    Q_EMIT errorOccurred(error);
    if (self)
        Q_EMIT finished();
}

void PlainHttpExchange::abort()
{
    if (m_done) {
        m_buffer.clear();
        m_bufferPos = 0;
        QNetworkReply::close();
        return;
    }
    m_buffer.clear();
    m_bufferPos = 0;
    QNetworkReply::close();
    endWith(OperationCanceledError, QStringLiteral("Operation canceled"));
}

void PlainHttpExchange::close()
{
    abort();
}

qint64 PlainHttpExchange::readData(char *data, qint64 maxSize)
{
    const qint64 available = m_buffer.size() - m_bufferPos;
    if (available <= 0)
        return m_done ? -1 : 0;
    const qint64 n = std::min(available, maxSize);
    std::memcpy(data, m_buffer.constData() + m_bufferPos, size_t(n));
    m_bufferPos += qsizetype(n);
    if (m_bufferPos == m_buffer.size()) {
        m_buffer.clear();
        m_bufferPos = 0;
    }
    if (!m_done && m_parser.state() != HttpResponseParser::State::Complete)
        schedulePump();
    return n;
}

} // namespace Net
