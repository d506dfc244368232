#include "net/pusherclient.h"

#include "core/redactor.h"
#include "net/pusherframe.h"
#include "net/trafficlog.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QLoggingCategory>
#include <QMetaObject>
#include <QNetworkRequest>
#include <QPointer>
#include <QRandomGenerator>
#include <QUrlQuery>
#include <QWebSocket>
#include <algorithm>
#include <cmath>
#include <utility>

namespace Net {

namespace {

// Info and up by default: one line per connection change. Per-frame detail is debug
// (QT_LOGGING_RULES="jobscope.net.pusher.debug=true"). In this anonymous namespace so the
// accessor cannot clash with the sandbox's lcPusher when both are linked into one binary.
Q_LOGGING_CATEGORY(lcPusher, "jobscope.net.pusher", QtInfoMsg)

constexpr int kProtocol = 7;
const char *const kClientName = "jobscope";
const char *const kClientVersion = "0.1.0";

// Events are small (deAPI previews are 96 px JPEGs); the cap only keeps a broken or hostile
// server from making us buffer without bound.
constexpr qint64 kMaxIncomingMessage = 16 * 1024 * 1024;

// A socket we are closing gets this long to finish the close handshake before it is aborted.
constexpr int kCloseGraceMs = 3000;

// A connection that stayed up this long proves the server is healthy again: the next loss
// starts the backoff from the beginning and a 4200 reconnects at once again.
constexpr qint64 kStableMs = 10000;

constexpr int kCloseNormal = 1000;
constexpr int kCloseProtocolError = 1002;
// RFC 6455's "no close frame was received"; never sent on the wire, only reported.
constexpr int kCloseAbnormal = 1006;

bool needsAuth(const QString &channel)
{
    return channel.startsWith(QLatin1String("private-"))
        || channel.startsWith(QLatin1String("presence-"));
}

// Errors and reasons come from the server: bound what goes into a log line.
QString clip(const QString &text)
{
    return text.size() <= 200 ? text : text.left(200) + QStringLiteral("…");
}

// The URL without its path and query: the path carries the app key, which is not logged.
QString loggable(const QUrl &url)
{
    return url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveUserInfo).toString();
}

} // namespace

PusherClient::PusherClient(const QUrl &wsUrl, const QString &appKey, QObject *parent)
    : QObject(parent)
    , m_url(connectionUrl(wsUrl, appKey))
    , m_appKey(appKey)
{
    for (QTimer *timer : { &m_activityTimer, &m_pongTimer, &m_connectTimer, &m_retryTimer })
        timer->setSingleShot(true);
    connect(&m_activityTimer, &QTimer::timeout, this, &PusherClient::onActivityTimeout);
    connect(&m_pongTimer, &QTimer::timeout, this, &PusherClient::onPongTimeout);
    connect(&m_connectTimer, &QTimer::timeout, this, &PusherClient::onConnectTimeout);
    connect(&m_retryTimer, &QTimer::timeout, this, &PusherClient::onRetryTimer);
}

PusherClient::~PusherClient()
{
    m_retryTimer.stop();
    if (QWebSocket *ws = std::exchange(m_socket, nullptr)) {
        // No slot of ours may run while we are half destroyed.
        ws->disconnect(this);
        // close() writes and flushes the close frame before the TCP close starts, so the
        // server sees a clean 1000 even though the socket is deleted right after.
        if (ws->state() == QAbstractSocket::ConnectedState)
            ws->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("client closed"));
        else
            ws->abort();
        delete ws;
    }
    // Sockets still finishing a close handshake are children and go with QObject's destructor.
}

QUrl PusherClient::connectionUrl(const QUrl &wsUrl, const QString &appKey)
{
    const QString scheme = wsUrl.scheme().toLower();
    if (!wsUrl.isValid() || wsUrl.host().isEmpty() || appKey.isEmpty()
        || (scheme != QLatin1String("ws") && scheme != QLatin1String("wss")))
        return {};
    QUrl url = wsUrl;
    url.setFragment({});
    // A path prefix (a reverse proxy's /ws, the sandbox's /deapi) is kept and /app/{key}
    // appended to it; the key is one percent-encoded segment whatever it contains.
    QString path = url.path(QUrl::FullyEncoded);
    while (path.endsWith(u'/'))
        path.chop(1);
    path += QStringLiteral("/app/") + QString::fromLatin1(QUrl::toPercentEncoding(appKey));
    url.setPath(path, QUrl::TolerantMode);

    QUrlQuery query(url);
    const QList<QPair<QString, QString>> ours {
        { QStringLiteral("protocol"), QString::number(kProtocol) },
        { QStringLiteral("client"), QString::fromLatin1(kClientName) },
        { QStringLiteral("version"), QString::fromLatin1(kClientVersion) },
        { QStringLiteral("flash"), QStringLiteral("false") },
    };
    for (const auto &item : ours)
        query.removeAllQueryItems(item.first);
    for (const auto &item : ours)
        query.addQueryItem(item.first, item.second);
    url.setQuery(query);
    return url;
}

void PusherClient::setAuthorizer(Authorizer authorizer)
{
    m_authorizer = std::move(authorizer);
}

void PusherClient::setActivityTimeout(int seconds)
{
    m_clientActivitySeconds = std::max(1, seconds);
}

void PusherClient::setPongTimeout(int ms)
{
    m_pongTimeoutMs = std::max(1, ms);
}

void PusherClient::setBackoff(int baseMs, int capMs)
{
    m_backoffBaseMs = std::max(1, baseMs);
    m_backoffCapMs = std::max(m_backoffBaseMs, capMs);
}

void PusherClient::setConnectTimeout(int ms)
{
    m_connectTimeoutMs = std::max(1, ms);
}

void PusherClient::setTrafficLog(TrafficLog *log)
{
    m_traffic = log;
}

void PusherClient::recordFrame(
    bool incoming, const QByteArray &bytes, const PusherFrame *frame, const QString &problem)
{
    TrafficLog::Entry t;
    t.kind = incoming ? TrafficLog::Kind::WsIn : TrafficLog::Kind::WsOut;
    t.mime = "application/json";
    t.body = bytes;
    if (!m_appKey.isEmpty())
        t.body.replace(m_appKey.toUtf8(), "<app key>");
    if (frame) {
        t.method = frame->event().toUtf8();
        t.url = frame->channel();
        const QJsonObject data = frame->dataObject().value_or(QJsonObject());
        t.jobId = data.value(QLatin1String("request_id")).toString();
        if (t.jobId.isEmpty())
            t.jobId = data.value(QLatin1String("job_request_id")).toString();
        if (!incoming && data.contains(QLatin1String("auth"))) {
            // The subscription's auth signature proves who we are on this socket: never kept.
            QJsonObject masked = data;
            masked.insert(QLatin1String("auth"), QString(Core::Redactor::Mask));
            t.body = QJsonDocument(QJsonObject { { QLatin1String("event"), frame->event() },
                                       { QLatin1String("data"), masked } })
                         .toJson(QJsonDocument::Compact);
        }
    } else {
        t.note = QStringLiteral("malformed: ") + clip(problem);
    }
    m_traffic->record(std::move(t));
}

QString PusherClient::stateName(State state)
{
    switch (state) {
    case State::Initialized:
        return QStringLiteral("initialized");
    case State::Connecting:
        return QStringLiteral("connecting");
    case State::Connected:
        return QStringLiteral("connected");
    case State::Unavailable:
        return QStringLiteral("unavailable");
    case State::Failed:
        return QStringLiteral("failed");
    case State::Disconnected:
        return QStringLiteral("disconnected");
    }
    return QString();
}

QString PusherClient::redacted(const QString &text) const
{
    QString out = text;
    if (!m_appKey.isEmpty())
        out.replace(m_appKey, QStringLiteral("<app key>"));
    return clip(out);
}

bool PusherClient::isSubscribed(const QString &channel) const
{
    const auto it = m_channels.constFind(channel);
    return it != m_channels.cend() && it->status == ChannelStatus::Subscribed;
}

void PusherClient::setState(State state)
{
    if (m_state == state)
        return;
    qCDebug(lcPusher).noquote() << "state" << stateName(m_state) << "->" << stateName(state);
    m_state = state;
    if (m_traffic) {
        TrafficLog::Entry t;
        t.kind = TrafficLog::Kind::WsState;
        t.method = stateName(state).toUtf8();
        t.url = m_url.toString();
        if (!m_appKey.isEmpty())
            t.url.replace(QString::fromLatin1(QUrl::toPercentEncoding(m_appKey)),
                QStringLiteral("<app key>"));
        if (!m_socketId.isEmpty())
            t.note = QStringLiteral("socket id ") + m_socketId;
        m_traffic->record(std::move(t));
    }
    Q_EMIT stateChanged(state);
}

void PusherClient::connectToServer()
{
    if (m_state == State::Connected || m_state == State::Connecting)
        return;
    m_retryTimer.stop();
    if (!m_url.isValid()) {
        setState(State::Failed);
        Q_EMIT error(0,
            QStringLiteral("the WebSocket URL must be ws:// or wss:// with a host, "
                           "and the app key must not be empty"));
        return;
    }
    // A deliberate connect starts the backoff afresh.
    m_failures = 0;
    setState(State::Connecting);
    // A stateChanged() slot may have disconnected us again.
    if (m_state == State::Connecting && !m_socket)
        openSocket();
}

void PusherClient::disconnectFromServer()
{
    m_retryTimer.stop();
    retireSocket(kCloseNormal, QStringLiteral("client disconnect"));
    m_awaitingResubscribe = false;
    setState(State::Disconnected);
}

void PusherClient::openSocket()
{
    Q_ASSERT(!m_socket);
    ++m_socketSerial;
    m_closeFrameSeen = false;
    m_established = false;
    m_socketId.clear();

    auto *ws = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    // Both: the message cap alone is checked only once a whole frame has been buffered (a 1 GB
    // frame was read into memory before the 1009 close); the frame cap refuses it from its header.
    ws->setMaxAllowedIncomingFrameSize(kMaxIncomingMessage);
    ws->setMaxAllowedIncomingMessageSize(kMaxIncomingMessage);
    m_socket = ws;
    // QWebSocket keeps closeCode() at 1000 when the TCP connection simply dies; only a close
    // handshake (from either side) passes through aboutToClose(), so this tells the two apart.
    connect(ws, &QWebSocket::aboutToClose, this, [this] { m_closeFrameSeen = true; });
    connect(ws, &QWebSocket::textMessageReceived, this,
        [this](const QString &message) { onMessage(message.toUtf8()); });
    // Pusher servers send text frames only, but a binary frame holding the same JSON costs
    // nothing to accept; anything else in one is counted as malformed like any bad frame.
    connect(ws, &QWebSocket::binaryMessageReceived, this, &PusherClient::onMessage);
    connect(ws, &QWebSocket::disconnected, this, &PusherClient::onSocketDisconnected);
    connect(ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
        [this, ws](QAbstractSocket::SocketError code) {
            qCDebug(lcPusher).noquote() << "socket error" << code << redacted(ws->errorString());
            // A connection that never got up does not always report disconnected(); the
            // socket's state says whether this error ended it.
            if (ws == m_socket && ws->state() == QAbstractSocket::UnconnectedState)
                onSocketDisconnected();
        });

    qCInfo(lcPusher).noquote() << "connecting to" << loggable(m_url);
    m_connectTimer.start(m_connectTimeoutMs);
    ws->open(QNetworkRequest(m_url));
}

void PusherClient::retireSocket(int code, const QString &reason)
{
    QWebSocket *ws = std::exchange(m_socket, nullptr);
    ++m_socketSerial;
    m_activityTimer.stop();
    m_pongTimer.stop();
    m_connectTimer.stop();
    m_established = false;
    m_socketId.clear();
    resetChannels();
    if (!ws)
        return;
    ws->disconnect(this);
    // Closed and deleted from the event loop, never now: we are usually inside one of this
    // socket's own signals, and QWebSocket keeps reading its buffer after emitting a message
    // (closing it underneath that loop makes Qt warn about reading a closed device).
    if (ws->state() == QAbstractSocket::ConnectedState && code > 0) {
        connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
        QTimer::singleShot(0, ws, [ws, code, reason] {
            ws->close(static_cast<QWebSocketProtocol::CloseCode>(code), reason);
        });
        // A peer that never answers the close frame must not keep the socket alive forever.
        QTimer::singleShot(kCloseGraceMs, ws, [ws] {
            ws->abort();
            ws->deleteLater();
        });
    } else {
        QTimer::singleShot(0, ws, [ws] {
            ws->abort();
            ws->deleteLater();
        });
    }
}

void PusherClient::resetChannels()
{
    // Every subscription belongs to one socket id; a new connection asks again, and an
    // Authorizer answer still on its way is recognised as stale by its token.
    for (Channel &channel : m_channels) {
        channel.status = ChannelStatus::Idle;
        channel.authToken = 0;
    }
}

void PusherClient::onSocketDisconnected()
{
    QWebSocket *ws = m_socket;
    if (!ws)
        return;
    int code = kCloseAbnormal;
    QString reason;
    if (m_closeFrameSeen) {
        code = int(ws->closeCode());
        reason = ws->closeReason();
    } else {
        reason = ws->errorString().isEmpty()
            ? QStringLiteral("connection lost without a close frame")
            : ws->errorString();
    }
    const bool wasConnected = m_established;
    qCInfo(lcPusher).noquote() << (wasConnected ? "connection lost:" : "connection failed:")
                               << "code" << code << redacted(reason);
    retireSocket(0, {});

    const Recovery recovery = recoveryForCode(code, Recovery::Backoff);
    if (code >= 4000 && code <= 4399) {
        const quint64 serial = m_socketSerial;
        const State before = m_state;
        Q_EMIT error(code, reason);
        // A slot may have reconnected or disconnected us; its decision wins.
        if (serial != m_socketSerial || m_state != before)
            return;
    }
    recover(recovery, wasConnected);
}

PusherClient::Recovery PusherClient::recoveryForCode(int code, Recovery otherwise)
{
    // The protocol's three action ranges. pusher-js refuses on 4300–4399 as close codes; we
    // keep trying with backoff there, as for any other unexpected close: a job monitor that
    // gives up silently is worse than one that retries every 30 s.
    if (code >= 4000 && code <= 4099)
        return Recovery::Fail;
    if (code >= 4100 && code <= 4199)
        return Recovery::Backoff;
    if (code >= 4200 && code <= 4299)
        return Recovery::Now;
    return otherwise;
}

void PusherClient::recover(Recovery recovery, bool wasConnected)
{
    if (wasConnected && m_establishedAt.isValid() && m_establishedAt.elapsed() >= kStableMs)
        m_failures = 0;

    switch (recovery) {
    case Recovery::Keep:
        return;
    case Recovery::Fail:
        m_retryTimer.stop();
        setState(State::Failed);
        return;
    case Recovery::Now:
        if (m_failures == 0) {
            ++m_failures;
            // Through the event loop, not recursively: we are inside the old socket's signal.
            m_retryTimer.start(0);
            setState(State::Connecting);
            return;
        }
        // Reconnecting at once already failed: a server that keeps dropping us gets backoff.
        [[fallthrough]];
    case Recovery::Backoff: {
        const int delay = nextBackoffMs();
        qCInfo(lcPusher) << "reconnecting in" << delay << "ms";
        // The timer runs before the signals, so a slot calling disconnectFromServer() stops it.
        m_retryTimer.start(delay);
        setState(State::Unavailable);
        if (m_state == State::Unavailable)
            Q_EMIT connectingIn(delay);
        return;
    }
    }
}

int PusherClient::nextBackoffMs()
{
    const int exponent = std::min(m_failures, 30);
    ++m_failures;
    const double raw = std::min<double>(m_backoffCapMs, m_backoffBaseMs * std::pow(2.0, exponent));
    // ±20 % so that many clients dropped at once do not come back in lockstep.
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    return std::clamp(int(std::lround(raw * jitter)), 1, m_backoffCapMs);
}

void PusherClient::onRetryTimer()
{
    if ((m_state != State::Unavailable && m_state != State::Connecting) || m_socket)
        return;
    setState(State::Connecting);
    if (m_state == State::Connecting && !m_socket)
        openSocket();
}

void PusherClient::onConnectTimeout()
{
    if (!m_socket || m_established)
        return;
    qCInfo(lcPusher) << "no pusher:connection_established within" << m_connectTimeoutMs << "ms";
    retireSocket(kCloseNormal, QStringLiteral("connect timeout"));
    recover(Recovery::Backoff, false);
}

void PusherClient::onActivityTimeout()
{
    if (!m_socket || !m_established)
        return;
    qCDebug(lcPusher) << "silent for" << m_activitySeconds << "s; sending pusher:ping";
    send(PusherFrame::ping());
    ++m_pingsSent;
    m_pongTimer.start(m_pongTimeoutMs);
}

void PusherClient::onPongTimeout()
{
    if (!m_socket)
        return;
    // What the server would call 4201: the link is dead, so a fresh connection, at once.
    qCInfo(lcPusher) << "no pong within" << m_pongTimeoutMs << "ms; reconnecting";
    const bool wasConnected = m_established;
    retireSocket(kCloseNormal, QStringLiteral("Pong reply not received"));
    recover(Recovery::Now, wasConnected);
}

void PusherClient::send(const QByteArray &frame)
{
    if (!m_socket)
        return;
    if (m_traffic) {
        const std::optional<PusherFrame> parsed = PusherFrame::parse(frame);
        recordFrame(false, frame, parsed ? &*parsed : nullptr, QString());
    }
    m_socket->sendTextMessage(QString::fromUtf8(frame));
}

void PusherClient::onMessage(const QByteArray &bytes)
{
    if (!m_socket)
        return;
    // Anything the server says proves the link is alive, a bad frame or an unknown event too.
    m_pongTimer.stop();
    if (m_established)
        m_activityTimer.start(m_activitySeconds * 1000);

    QString problem;
    const std::optional<PusherFrame> frame = PusherFrame::parse(bytes, &problem);
    if (m_traffic)
        recordFrame(true, bytes, frame ? &*frame : nullptr, problem);
    if (!frame) {
        ++m_malformedFrames;
        // The frame itself is not logged: it may carry result URLs with signatures.
        qCWarning(lcPusher).noquote()
            << "ignoring malformed frame of" << bytes.size() << "bytes:" << clip(problem);
        return;
    }

    const QString name = frame->event();
    if (name == QLatin1String("pusher:connection_established")) {
        onConnectionEstablished(*frame);
    } else if (name == QLatin1String("pusher:error")) {
        onPusherError(*frame);
    } else if (name == QLatin1String("pusher:ping")) {
        send(PusherFrame::pong());
    } else if (name == QLatin1String("pusher:pong")) {
        // The activity stamp above is all a pong is for.
    } else if (name == QLatin1String("pusher_internal:subscription_succeeded")) {
        onSubscriptionSucceeded(frame->channel());
    } else if (name == QLatin1String("pusher:subscription_error")) {
        onSubscriptionError(*frame);
    } else if (frame->hasChannel() && !name.startsWith(QLatin1String("pusher_internal:"))) {
        if (m_established && m_channels.contains(frame->channel()))
            Q_EMIT event(frame->channel(), name, frame->dataRaw());
        else
            qCDebug(lcPusher).noquote() << "ignoring" << clip(name) << "on a channel not wanted";
    } else {
        // Unknown events are ignored, as the protocol asks, so newer servers keep working.
        qCDebug(lcPusher).noquote() << "ignoring event" << clip(name);
    }
}

void PusherClient::onConnectionEstablished(const PusherFrame &frame)
{
    if (m_established) {
        qCWarning(lcPusher) << "ignoring a second pusher:connection_established";
        return;
    }
    const QJsonObject data = frame.dataObject().value_or(QJsonObject());
    const QString socketId = data.value(QLatin1String("socket_id")).toString();
    if (socketId.isEmpty()) {
        // Without a socket id nothing can be authorized: treat it as a failed attempt.
        ++m_malformedFrames;
        qCWarning(lcPusher) << "pusher:connection_established without a socket_id";
        retireSocket(kCloseProtocolError, QStringLiteral("no socket_id"));
        recover(Recovery::Backoff, false);
        return;
    }
    const int serverSeconds = data.value(QLatin1String("activity_timeout")).toInt(0);
    m_activitySeconds = serverSeconds > 0 ? std::min(serverSeconds, m_clientActivitySeconds)
                                          : m_clientActivitySeconds;
    m_socketId = socketId;
    m_established = true;
    m_establishedAt.start();
    m_connectTimer.stop();
    m_activityTimer.start(m_activitySeconds * 1000);
    const bool isReconnect = m_everConnected;
    m_everConnected = true;
    m_awaitingResubscribe = isReconnect;
    qCInfo(lcPusher).noquote() << "connected, socket id" << socketId << "activity timeout"
                               << m_activitySeconds << "s";

    const quint64 serial = m_socketSerial;
    setState(State::Connected);
    for (const QString &channel : m_channels.keys()) {
        if (serial != m_socketSerial)
            return; // a slot dropped this connection meanwhile
        startSubscription(channel);
    }
    if (serial == m_socketSerial)
        checkResubscribed();
}

void PusherClient::onPusherError(const PusherFrame &frame)
{
    const QJsonObject data = frame.dataObject().value_or(QJsonObject());
    const QJsonValue codeValue = data.value(QLatin1String("code"));
    const int code = codeValue.isString() ? codeValue.toString().toInt() : codeValue.toInt(0);
    const QString message = data.value(QLatin1String("message")).toString();
    qCInfo(lcPusher).noquote() << "pusher:error" << code << redacted(message);

    // pusher:error carries the same action ranges as close codes. A server usually closes
    // right after a fatal one; we do not wait for that, so the close is not acted on twice.
    const Recovery recovery = recoveryForCode(code, Recovery::Keep);
    const bool wasConnected = m_established;
    if (recovery != Recovery::Keep)
        retireSocket(kCloseNormal, QStringLiteral("pusher:error %1").arg(code));
    const quint64 serial = m_socketSerial;
    const State before = m_state;
    Q_EMIT error(code, message);
    if (recovery == Recovery::Keep || serial != m_socketSerial || m_state != before)
        return;
    recover(recovery, wasConnected);
}

void PusherClient::subscribe(const QString &channel)
{
    if (channel.isEmpty()) {
        qCWarning(lcPusher) << "subscribe() without a channel name";
        return;
    }
    auto it = m_channels.find(channel);
    if (it != m_channels.end() && it->status != ChannelStatus::Failed)
        return; // wanted already: subscribed, on its way, or waiting for a connection
    if (it == m_channels.end())
        m_channels.insert(channel, Channel {});
    if (m_established)
        startSubscription(channel);
}

void PusherClient::unsubscribe(const QString &channel)
{
    const auto it = m_channels.find(channel);
    if (it == m_channels.end())
        return;
    const ChannelStatus status = it->status;
    // Erasing also makes a pending Authorizer answer stale.
    m_channels.erase(it);
    if (m_established && (status == ChannelStatus::Pending || status == ChannelStatus::Subscribed))
        send(PusherFrame::unsubscribe(channel));
    checkResubscribed();
}

void PusherClient::startSubscription(const QString &channel)
{
    const auto it = m_channels.find(channel);
    if (it == m_channels.end() || !m_established)
        return;
    if (!needsAuth(channel)) {
        it->status = ChannelStatus::Pending;
        send(PusherFrame::subscribe(channel));
        return;
    }
    if (!m_authorizer) {
        it->status = ChannelStatus::Failed;
        Q_EMIT subscriptionError(channel,
            QStringLiteral("%1 needs authorization, and no authorizer is set").arg(channel));
        return;
    }
    const quint64 token = m_nextAuthToken++;
    it->status = ChannelStatus::Authorizing;
    it->authToken = token;
    const QString socketId = m_socketId;
    QPointer<PusherClient> self(this);
    m_authorizer(socketId, channel, [self, token, channel, socketId](QString auth, QString error) {
        if (!self)
            return;
        // Queued: the answer may come synchronously, from inside this loop over channels.
        QMetaObject::invokeMethod(
            self.data(),
            [self, token, channel, socketId, auth = std::move(auth), error = std::move(error)] {
                if (self)
                    self->onAuthorized(token, channel, socketId, auth, error);
            },
            Qt::QueuedConnection);
    });
}

void PusherClient::onAuthorized(quint64 token, const QString &channel, const QString &socketId,
    const QString &auth, const QString &error)
{
    const auto it = m_channels.find(channel);
    if (it == m_channels.end() || it->status != ChannelStatus::Authorizing || it->authToken != token
        || !m_established || socketId != m_socketId)
        return; // unsubscribed, answered twice, or for a connection that is gone
    if (!error.isEmpty() || auth.isEmpty()) {
        it->status = ChannelStatus::Failed;
        const QString message = error.isEmpty()
            ? QStringLiteral("the authorizer returned no auth signature for %1").arg(channel)
            : error;
        qCInfo(lcPusher).noquote()
            << "authorization for" << channel << "failed:" << redacted(message);
        Q_EMIT subscriptionError(channel, message);
        checkResubscribed();
        return;
    }
    it->status = ChannelStatus::Pending;
    // The auth signature goes on the wire only, never into a log line.
    send(PusherFrame::subscribe(channel, auth));
}

void PusherClient::onSubscriptionSucceeded(const QString &channel)
{
    const auto it = m_channels.find(channel);
    if (it == m_channels.end() || !m_established)
        return; // unsubscribed meanwhile; the unsubscribe is already on its way
    it->status = ChannelStatus::Subscribed;
    qCDebug(lcPusher).noquote() << "subscribed to" << channel;
    Q_EMIT subscribed(channel);
    checkResubscribed();
}

void PusherClient::onSubscriptionError(const PusherFrame &frame)
{
    const QString channel = frame.channel();
    const auto it = m_channels.find(channel);
    if (it == m_channels.end() || !m_established)
        return;
    it->status = ChannelStatus::Failed;
    const QJsonObject data = frame.dataObject().value_or(QJsonObject());
    QString message = data.value(QLatin1String("error")).toString();
    if (message.isEmpty())
        message = data.value(QLatin1String("message")).toString();
    if (message.isEmpty())
        message = QStringLiteral("subscription refused");
    const QString type = data.value(QLatin1String("type")).toString();
    const int status = data.value(QLatin1String("status")).toInt(0);
    if (!type.isEmpty() || status != 0) {
        QStringList details;
        if (!type.isEmpty())
            details << type;
        if (status != 0)
            details << QStringLiteral("status %1").arg(status);
        message += QStringLiteral(" (") + details.join(QStringLiteral(", ")) + u')';
    }
    qCInfo(lcPusher).noquote() << "subscription to" << channel << "refused:" << redacted(message);
    Q_EMIT subscriptionError(channel, message);
    checkResubscribed();
}

void PusherClient::checkResubscribed()
{
    if (!m_awaitingResubscribe || !m_established || m_state != State::Connected)
        return;
    for (const Channel &channel : std::as_const(m_channels)) {
        if (channel.status != ChannelStatus::Subscribed && channel.status != ChannelStatus::Failed)
            return;
    }
    m_awaitingResubscribe = false;
    Q_EMIT reconnected();
}

} // namespace Net
