#include "net/sseconnection.h"

#include "net/plainhttpexchange.h"
#include "net/transfererror.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <algorithm>
#include <limits>

namespace Net {

namespace {

Q_LOGGING_CATEGORY(lcSse, "jobscope.net.sse")

// Enough of an error body to say what went wrong; the rest is not read.
constexpr qsizetype MaxErrorBody = 4096;
// A server that asks for `retry: 0` is honoured once; repeated failures then back off from here.
constexpr qint64 MinBackoffMs = 100;

// For logs: no query (some APIs take keys there) and no user info.
QString safeUrl(const QUrl &url)
{
    return url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo | QUrl::RemoveFragment);
}

bool isPermanentNetworkError(QNetworkReply::NetworkError e)
{
    switch (e) {
    case QNetworkReply::TooManyRedirectsError:
    case QNetworkReply::InsecureRedirectError:
    case QNetworkReply::ProtocolUnknownError:
    case QNetworkReply::ProtocolInvalidOperationError:
        return true;
    default:
        return false;
    }
}

} // namespace

SseConnection::SseConnection(QNetworkAccessManager *manager, const QNetworkRequest &request,
    const QByteArray &lastEventId, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
    , m_request(request)
    , m_parser(lastEventId)
{
    // Precise: a coarse timer may fire 5 % early, i.e. cut a 45 s idle stream after 42.75 s.
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setTimerType(Qt::PreciseTimer);
    m_reconnectTimer.setSingleShot(true);
    m_reconnectTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_idleTimer, &QTimer::timeout, this, &SseConnection::onIdle);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &SseConnection::connectNow);
    if (manager) {
        connect(manager, &QObject::destroyed, this, [this] {
            if (isActive())
                fail(QStringLiteral("the network access manager was destroyed"), 0);
        });
    }

    m_parser.setEventHandler([this](const SseEvent &e) {
        if (m_state != State::Open)
            return;
        m_failStreak = 0;
        if (m_traffic) {
            TrafficLog::Entry t;
            t.jobId = m_trafficJob;
            t.kind = TrafficLog::Kind::SseEvent;
            t.method = e.type;
            t.url = m_request.url().toString();
            t.body = e.data;
            if (!e.lastEventId.isEmpty())
                t.note = QStringLiteral("id ") + QString::fromUtf8(e.lastEventId.left(200));
            m_traffic->record(std::move(t));
        }
        Q_EMIT event(e);
        // The handler closed or finished the connection: drop the rest of this chunk.
        if (m_state != State::Open)
            m_parser.reset();
    });
    m_parser.setErrorHandler([this](SseParser::Error) {
        qCWarning(lcSse).noquote() << "event larger than" << m_parser.maxEventSize() << "bytes on"
                                   << safeUrl(m_request.url()) << "- dropping the stream";
        // Not fail() from inside feed(): the rest of the chunk is dropped, feed()'s caller fails.
        m_eventTooLarge = true;
        m_parser.reset();
    });
}

SseConnection::~SseConnection()
{
    dropReply();
}

void SseConnection::start()
{
    if (m_state != State::Idle) {
        qCWarning(lcSse).noquote() << "start() ignored: the connection was already started";
        return;
    }
    m_state = State::Waiting;
    m_reconnectTimer.start(0);
}

void SseConnection::close()
{
    if (m_state == State::Finished || m_state == State::Failed || m_state == State::Closed)
        return;
    const bool wasConnected = m_reply;
    dropReply();
    m_reconnectTimer.stop();
    m_state = State::Closed;
    if (wasConnected)
        recordDisconnect(QStringLiteral("closed by the application"));
    qCDebug(lcSse).noquote() << "closed" << safeUrl(m_request.url());
}

void SseConnection::finish()
{
    if (m_state == State::Finished || m_state == State::Failed || m_state == State::Closed)
        return;
    const bool wasConnected = m_reply;
    dropReply();
    m_reconnectTimer.stop();
    m_state = State::Finished;
    if (wasConnected)
        recordDisconnect(QStringLiteral("finished by the application"));
    qCDebug(lcSse).noquote() << "finished by the application" << safeUrl(m_request.url());
    // Queued: finish() is typically called from an event() handler.
    QMetaObject::invokeMethod(this, &SseConnection::finished, Qt::QueuedConnection);
}

void SseConnection::setTraffic(TrafficLog *log, const QString &jobId)
{
    m_traffic = log;
    m_trafficJob = jobId;
}

void SseConnection::recordDisconnect(const QString &why, int httpStatus)
{
    if (!m_traffic)
        return;
    TrafficLog::Entry t;
    t.jobId = m_trafficJob;
    t.kind = TrafficLog::Kind::SseDisconnect;
    t.method = "GET";
    t.url = m_request.url().toString();
    t.httpStatus = httpStatus;
    if (m_connectStartedMs > 0)
        t.elapsedMs = QDateTime::currentMSecsSinceEpoch() - m_connectStartedMs;
    t.note = why;
    m_traffic->record(std::move(t));
}

void SseConnection::setRetryMs(int ms)
{
    m_retryMs = std::max(0, ms);
}

int SseConnection::retryMs() const
{
    const auto fromStream = m_parser.retry();
    return fromStream ? int(std::min<qint64>(*fromStream, std::numeric_limits<int>::max()))
                      : m_retryMs;
}

void SseConnection::setIdleTimeoutMs(int ms)
{
    m_idleTimeoutMs = std::max(0, ms);
}

void SseConnection::setMaxBackoffMs(int ms)
{
    m_maxBackoffMs = std::max(0, ms);
}

void SseConnection::connectNow()
{
    if (m_state != State::Waiting)
        return;
    if (!m_manager)
        return fail(QStringLiteral("no network access manager"), 0);
    if (m_attempted)
        ++m_reconnects;
    m_attempted = true;

    QNetworkRequest req(m_request);
    req.setRawHeader("Accept", "text/event-stream");
    req.setRawHeader("Cache-Control", "no-cache");
    const QByteArray id = m_parser.lastEventId();
    if (!id.isEmpty())
        req.setRawHeader("Last-Event-ID", id);
    req.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    req.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    req.setTransferTimeout(0); // long-lived: the idle timer stands in for it

    m_parser.reset();
    m_eventTooLarge = false;
    m_state = State::Connecting;
    qCDebug(lcSse).noquote() << "GET" << safeUrl(m_request.url()) << "Last-Event-ID"
                             << (id.isEmpty() ? QByteArray("(none)") : id.left(64)) << "attempt"
                             << m_reconnects + 1;

    if (m_traffic) {
        TrafficLog::Entry t;
        t.jobId = m_trafficJob;
        t.kind = TrafficLog::Kind::SseConnect;
        t.method = "GET";
        t.url = m_request.url().toString();
        for (const QByteArray &name : req.rawHeaderList())
            t.headers.append({ name, req.rawHeader(name) });
        t.note = QStringLiteral("attempt %1").arg(m_reconnects + 1);
        m_traffic->record(std::move(t));
        m_connectStartedMs = QDateTime::currentMSecsSinceEpoch();
    }
    m_policy.emplace(req);
    if (!m_policy->startError().isEmpty())
        return fail(m_policy->startError(), 0);
    sendHop();
}

void SseConnection::sendHop()
{
    m_headChecked = false;
    m_errorStatus = 0;
    m_errorBody.clear();
    const QNetworkRequest request = m_policy->request();
    if (PlainHttpExchange::handles(request.url())) {
        // Plain http: our own exchange, which reads only as fast as the parser takes the bytes
        // (Qt 6.4's HTTP thread would not). No transfer timeout of its own (the manager's, if
        // any, as for Qt's replies): the idle timer stands in for it.
        const int timeout = request.transferTimeout() > 0 ? request.transferTimeout()
                                                          : m_manager->transferTimeout();
        m_reply = new PlainHttpExchange("GET", request, {}, timeout);
    } else {
        m_reply = m_manager->get(request);
    }
    // Qt stops reading the socket once this much waits for the parser.
    m_reply->setReadBufferSize(ReadAheadBytes);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &SseConnection::onMetaData);
    connect(m_reply, &QIODevice::readyRead, this, &SseConnection::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &SseConnection::onFinished);
    if (m_idleTimeoutMs > 0)
        m_idleTimer.start(m_idleTimeoutMs);
}

void SseConnection::onMetaData()
{
    if (!m_reply)
        return;
    if (m_idleTimeoutMs > 0)
        m_idleTimer.start(m_idleTimeoutMs);
    if (!m_headChecked)
        checkHead();
}

bool SseConnection::checkHead()
{
    const QVariant statusValue = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!statusValue.isValid())
        return true; // no response head yet
    const int status = statusValue.toInt();
    switch (m_policy->onAnswer(status, m_reply->rawHeader("Location"))) {
    case OriginPolicy::Verdict::Follow:
        if (m_traffic)
            m_traffic->recordResponse(m_trafficJob, "GET", m_reply->url().toString(), status,
                m_reply->rawHeaderPairs(), {},
                QDateTime::currentMSecsSinceEpoch() - m_connectStartedMs,
                QStringLiteral("redirect to %1").arg(OriginPolicy::display(m_policy->url())));
        qCDebug(lcSse).noquote() << "redirect" << status << "to" << safeUrl(m_policy->url());
        dropReply();
        sendHop();
        return false;
    case OriginPolicy::Verdict::Refuse:
        fail(m_policy->error(), 0);
        return false;
    case OriginPolicy::Verdict::Final:
        break;
    }
    m_headChecked = true;
    if (m_traffic) {
        const QByteArray type = m_reply->rawHeader("Content-Type");
        m_traffic->recordResponse(m_trafficJob, "GET", m_reply->url().toString(), status,
            m_reply->rawHeaderPairs(), {}, QDateTime::currentMSecsSinceEpoch() - m_connectStartedMs,
            status == 204 ? QStringLiteral("no content: the stream is over")
                : status >= 200 && status < 300 && type.startsWith("text/event-stream")
                ? QStringLiteral("stream open")
                : QString());
    }

    if (status == 204) {
        // "HTTP 204 No Content ... must prevent the user agent from reconnecting" (WHATWG).
        dropReply();
        m_reconnectTimer.stop();
        m_state = State::Finished;
        recordDisconnect(QStringLiteral("HTTP 204: the stream is over"), 204);
        qCInfo(lcSse).noquote() << "204 from" << safeUrl(m_request.url()) << "- the stream is over";
        Q_EMIT finished();
        return false;
    }
    if (status < 200 || status >= 300) {
        m_errorStatus = status; // the body says why; failWithBody() once it is read
        return true;
    }
    const QByteArray contentType = m_reply->rawHeader("Content-Type");
    const QByteArray mime = contentType.split(';').first().trimmed().toLower();
    if (mime != "text/event-stream") {
        fail(QStringLiteral("expected a text/event-stream response, got %1")
                 .arg(contentType.isEmpty() ? QStringLiteral("no Content-Type")
                                            : QString::fromLatin1(contentType)),
            status);
        return false;
    }
    m_state = State::Open;
    qCDebug(lcSse).noquote() << "open" << safeUrl(m_request.url()) << "status" << status;
    Q_EMIT connected();
    return m_state == State::Open;
}

void SseConnection::onReadyRead()
{
    if (!m_reply)
        return;
    if (m_idleTimeoutMs > 0)
        m_idleTimer.start(m_idleTimeoutMs);
    if (!m_headChecked && !checkHead())
        return;
    if (m_errorStatus) {
        m_errorBody += m_reply->read(MaxErrorBody - m_errorBody.size());
        if (m_errorBody.size() >= MaxErrorBody)
            failWithBody();
        return;
    }
    if (m_state != State::Open)
        return;
    // In slices, so that one read never holds more than the read-ahead.
    while (m_reply && m_state == State::Open && m_reply->bytesAvailable() > 0) {
        m_parser.feed(m_reply->read(ReadAheadBytes));
        if (m_eventTooLarge)
            return failTooLarge();
    }
}

void SseConnection::failTooLarge()
{
    fail(QStringLiteral("the server sent a stream event larger than %1, so the stream was dropped")
             .arg(TransferError::size(m_parser.maxEventSize())),
        0);
}

void SseConnection::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    // A redirect loop or a downgrade to http ends with a 3xx head: the error is what matters.
    if (isPermanentNetworkError(reply->error()))
        return fail(
            TransferError::describe(reply->error(), reply->errorString(), m_headChecked, 0), 0);
    if (!m_headChecked && !checkHead())
        return;
    if (m_errorStatus) {
        m_errorBody += reply->read(MaxErrorBody - m_errorBody.size());
        return failWithBody();
    }
    if (m_state == State::Open) {
        while (reply->isOpen() && reply->bytesAvailable() > 0 && m_state == State::Open) {
            m_parser.feed(reply->read(ReadAheadBytes));
            if (m_eventTooLarge)
                return failTooLarge();
        }
        if (m_state != State::Open)
            return; // a handler closed or finished it
    }
    const QNetworkReply::NetworkError error = reply->error();
    const QString errorText = error == QNetworkReply::NoError
        ? QStringLiteral("the server closed the stream")
        : TransferError::describe(error, reply->errorString(), true, 0);
    dropReply();
    if (m_parser.finish())
        qCDebug(lcSse).noquote() << "an unfinished event at the end of the stream was discarded";
    scheduleReconnect(errorText);
}

void SseConnection::onIdle()
{
    if (!m_reply)
        return;
    if (m_errorStatus)
        return failWithBody();
    qCInfo(lcSse).noquote() << "no bytes for" << m_idleTimeoutMs << "ms from"
                            << safeUrl(m_request.url()) << "- reconnecting";
    dropReply();
    m_parser.finish();
    scheduleReconnect(QStringLiteral("idle timeout"));
}

void SseConnection::dropReply()
{
    m_idleTimer.stop();
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->disconnect(this);
    if (reply->isRunning())
        reply->abort();
    reply->deleteLater();
}

int SseConnection::nextDelayMs()
{
    const qint64 base = retryMs();
    if (m_failStreak <= 1)
        return int(base);
    const qint64 cap = std::max<qint64>(m_maxBackoffMs, base);
    const qint64 start = base > 0 ? base : MinBackoffMs;
    const int doublings = std::min(m_failStreak - 1, 30);
    return int(std::min(cap, start << doublings));
}

void SseConnection::scheduleReconnect(const QString &why)
{
    m_state = State::Waiting;
    ++m_failStreak;
    const int delay = nextDelayMs();
    qCInfo(lcSse).noquote() << safeUrl(m_request.url()) << "-" << why << "- reconnecting in"
                            << delay << (m_failStreak > 1 ? "ms (backing off)" : "ms");
    m_reconnectTimer.start(delay);
    recordDisconnect(QStringLiteral("%1; reconnecting in %2 ms").arg(why).arg(delay));
    Q_EMIT reconnecting(delay);
}

void SseConnection::fail(const QString &message, int httpStatus)
{
    dropReply();
    m_reconnectTimer.stop();
    m_state = State::Failed;
    recordDisconnect(QStringLiteral("failed: ") + message, httpStatus);
    qCWarning(lcSse).noquote() << safeUrl(m_request.url()) << "failed:" << message;
    Q_EMIT failed(message, httpStatus);
}

void SseConnection::failWithBody()
{
    const QString reason = m_reply
        ? m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString()
        : QString();
    QString message = QStringLiteral("HTTP %1").arg(m_errorStatus);
    if (!reason.isEmpty())
        message += QLatin1Char(' ') + reason;
    const QString body = QString::fromUtf8(m_errorBody.left(512)).simplified();
    if (!body.isEmpty())
        message += QStringLiteral(": ") + body;
    fail(message, m_errorStatus);
}

} // namespace Net
