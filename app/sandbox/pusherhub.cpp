#include "sandbox/pusherhub.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QUrl>
#include <QUrlQuery>
#include <QWebSocket>
#include <algorithm>
#include <utility>

// Info and up by default: a debug line per connection and subscription would drown a load test.
// QT_LOGGING_RULES="jobscope.sandbox.pusher.debug=true" turns them on.
Q_LOGGING_CATEGORY(lcPusher, "jobscope.sandbox.pusher", QtInfoMsg)

namespace Sandbox {

namespace {

// Pusher protocol error codes (https://pusher.com/docs/channels/library_auth_reference/
// pusher-websockets-protocol). 4000-4099: do not reconnect unchanged; 4100-4199: reconnect after
// a back-off; 4200-4299: reconnect at once; 4300-4399: anything else.
constexpr int kAppKeyNotFound = 4001;
constexpr int kUnsupportedProtocol = 4007;
constexpr int kNoProtocol = 4008;
constexpr int kPongNotReceived = 4201;
// A frame we cannot understand. It is answered with pusher:error but the connection stays open, so
// the code must not come from 4000-4299: pusher-js maps those ranges to "refused / back off /
// reconnect" actions whenever they arrive as a close code, and a client that logs the code should
// not be told to reconnect over a typo. 4300 is the generic "other error" of the last range.
constexpr int kMalformedFrame = 4300;
// The protocol document names 4301 for rejected client events.
constexpr int kClientEventRejected = 4301;

// Protocol 7 is what every current client speaks; 5 and 6 differ from it only in details the hub
// does not use (6 added close codes, 7 dropped the old flash transport), so they are accepted too.
constexpr int kMinProtocol = 5;
constexpr int kMaxProtocol = 7;

// Pusher caps client messages at 10 KB; 256 KiB leaves room while keeping a hostile client from
// making the sandbox buffer a gigabyte before it gets to say no.
constexpr qint64 kMaxIncomingMessage = 256 * 1024;

// A closing socket whose peer never finishes the TCP close is aborted after this long.
constexpr qint64 kCloseGraceMs = 5000;

// The WebSocket close reason must fit a 125-byte control frame along with the 2-byte code.
QString closeReason(const QString &message)
{
    QByteArray utf8 = message.toUtf8();
    if (utf8.size() <= 123)
        return message;
    utf8.truncate(123);
    // Never cut a UTF-8 sequence in half: drop continuation bytes and the lead byte they follow.
    while (!utf8.isEmpty() && (static_cast<uchar>(utf8.back()) & 0xC0) == 0x80)
        utf8.chop(1);
    if (!utf8.isEmpty() && static_cast<uchar>(utf8.back()) >= 0xC0)
        utf8.chop(1);
    return QString::fromUtf8(utf8);
}

// Appends `s` as a JSON string literal (quotes included) to a UTF-8 buffer. Working on UTF-8
// bytes is safe: no byte of a multi-byte sequence is below 0x80, so only ASCII needs escaping.
void appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    qsizetype runStart = 0;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const auto ch = static_cast<uchar>(utf8[i]);
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        // Copy the clean run in one go; escapes are rare except for the quotes of nested JSON.
        out.append(utf8.data() + runStart, i - runStart);
        runStart = i + 1;
        switch (ch) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default: {
            const char esc[] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 0xF] };
            out.append(esc, sizeof esc);
            break;
        }
        }
    }
    out.append(utf8.data() + runStart, utf8.size() - runStart);
    out += '"';
}

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Constant time in the length of `expected`, so a client cannot learn a valid signature byte by
// byte from how long the rejection takes. The length itself is public (key + ':' + 64 hex).
bool constantTimeEquals(const QByteArray &expected, const QByteArray &given)
{
    if (expected.size() != given.size())
        return false;
    uchar diff = 0;
    for (qsizetype i = 0; i < expected.size(); ++i)
        diff |= static_cast<uchar>(expected[i]) ^ static_cast<uchar>(given[i]);
    return diff == 0;
}

qint64 monotonicMs()
{
    // QElapsedTimer::msecsSinceReference() is the monotonic clock QElapsedTimer itself uses.
    QElapsedTimer t;
    t.start();
    return t.msecsSinceReference();
}

} // namespace

struct PusherHub::Connection
{
    QWebSocket *socket = nullptr; // owned: deleted by removeConnection() or ~PusherHub()
    QString socketId;
    QSet<QString> channels;
    qint64 lastActivityMs = 0;
    qint64 pingSentMs = -1; // when the hub's pusher:ping went out; -1: none outstanding
    qint64 closingSinceMs = -1; // when close()/rejection started; -1: live
    bool isClosing() const { return closingSinceMs >= 0; }
};

PusherHub::PusherHub(QString appKey, QString appSecret, QObject *parent)
    : QObject(parent)
    , m_appKey(std::move(appKey))
    , m_appSecret(std::move(appSecret))
    , m_socketPrefix(QRandomGenerator::global()->bounded(100000000u, 999999999u))
{
    m_activityTimer.setTimerType(Qt::CoarseTimer);
    connect(&m_activityTimer, &QTimer::timeout, this, &PusherHub::checkActivity);
    updateTimerInterval();
}

PusherHub::~PusherHub()
{
    m_activityTimer.stop();
    // No signals from here on: slots connected to subscribed/unsubscribed may live in objects
    // that are already half destroyed.
    const auto connections = std::exchange(m_connections, {});
    m_channels.clear();
    for (const auto &c : connections) {
        if (!c->socket)
            continue;
        c->socket->disconnect(this);
        // Deleted now, not later: an event loop may never run again to honour deleteLater().
        delete c->socket;
        c->socket = nullptr;
    }
}

void PusherHub::setActivityTimeout(int seconds)
{
    m_activityTimeout = std::max(1, seconds);
    updateTimerInterval();
}

void PusherHub::setPongTimeout(int seconds)
{
    m_pongTimeout = std::max(1, seconds);
    updateTimerInterval();
}

void PusherHub::updateTimerInterval()
{
    // One timer for every connection: it ticks a few times per shortest timeout, so a ping or a
    // 4201 goes out at most a quarter late, and scans are cheap even for thousands of sockets.
    const int shortestMs = std::min(m_activityTimeout, m_pongTimeout) * 1000;
    m_activityTimer.setInterval(std::clamp(shortestMs / 4, 50, 1000));
}

void PusherHub::addConnection(std::unique_ptr<QWebSocket> socket)
{
    if (!socket)
        return;
    // The hub is the owner from now on, whatever parent the socket was created with (a
    // QWebSocketServer may have parented it to itself and would otherwise delete it twice).
    socket->setParent(nullptr);

    auto conn = std::make_shared<Connection>();
    Connection *c = conn.get();
    c->socket = socket.release();
    c->socketId = QString::number(m_socketPrefix) + u'.' + QString::number(m_nextSocket++);
    c->lastActivityMs = monotonicMs();
    m_connections.insert(c, conn);
    if (!m_activityTimer.isActive())
        m_activityTimer.start();

    QWebSocket *ws = c->socket;
    ws->setMaxAllowedIncomingMessageSize(kMaxIncomingMessage);
    connect(ws, &QWebSocket::disconnected, this, [this, c] { removeConnection(c); });
    connect(ws, &QWebSocket::textMessageReceived, this,
        [this, c](const QString &message) { onTextMessage(c, message); });
    connect(ws, &QWebSocket::binaryMessageReceived, this, [this, c](const QByteArray &) {
        if (c->isClosing())
            return;
        c->lastActivityMs = monotonicMs();
        c->pingSentMs = -1;
        sendError(c, kMalformedFrame,
            QStringLiteral("Binary frames are not supported; send JSON "
                           "text frames"));
    });

    if (ws->state() != QAbstractSocket::ConnectedState) {
        // The client went away between the upgrade and now; disconnected() may never come again.
        removeConnection(c);
        return;
    }

    const QUrl url = ws->requestUrl();
    // The sandbox may mount the endpoint under a prefix (/deapi/app/KEY): only the tail counts.
    const QStringList segments = url.path(QUrl::FullyDecoded).split(u'/', Qt::SkipEmptyParts);
    const QString key = segments.size() >= 2 && segments.at(segments.size() - 2) == u"app"
        ? segments.last()
        : QString();
    if (key != m_appKey) {
        // Only its length: a mistyped value may be somebody's secret.
        qCInfo(lcPusher) << "rejecting connection" << c->socketId << "with an unknown app key of"
                         << key.size() << "characters (4001)";
        reject(c, kAppKeyNotFound,
            QStringLiteral("App key %1 not in this cluster. Did you forget to specify the "
                           "cluster?")
                .arg(key.left(64)));
        return;
    }

    const QUrlQuery query(url);
    if (!query.hasQueryItem(QStringLiteral("protocol"))) {
        qCInfo(lcPusher) << "rejecting connection" << c->socketId << "without protocol (4008)";
        reject(c, kNoProtocol, QStringLiteral("No protocol version supplied"));
        return;
    }
    const QString protocolText = query.queryItemValue(QStringLiteral("protocol"));
    bool ok = false;
    const int protocol = protocolText.toInt(&ok);
    if (!ok || protocol < kMinProtocol || protocol > kMaxProtocol) {
        qCInfo(lcPusher) << "rejecting connection" << c->socketId << "with protocol"
                         << protocolText.left(16) << "(4007)";
        reject(c, kUnsupportedProtocol,
            QStringLiteral("Unsupported protocol version %1; this server speaks %2 to %3")
                .arg(protocolText.left(16))
                .arg(kMinProtocol)
                .arg(kMaxProtocol));
        return;
    }

    qCDebug(lcPusher) << "connection established" << c->socketId << "protocol" << protocol << "from"
                      << ws->peerAddress().toString();
    QByteArray frame = R"({"event":"pusher:connection_established","data":)";
    appendJsonString(frame,
        compactJson(QJsonObject { { QStringLiteral("socket_id"), c->socketId },
            { QStringLiteral("activity_timeout"), m_activityTimeout } }));
    frame += '}';
    ws->sendTextMessage(QString::fromUtf8(frame));
}

void PusherHub::reject(Connection *c, int code, const QString &message)
{
    sendError(c, code, message);
    closeConnection(c, code, message);
}

void PusherHub::sendError(Connection *c, int code, const QString &message)
{
    // pusher:error is the one server event whose data is an object, not a JSON-encoded string:
    // pusher-js reads data.code directly from it during the handshake.
    const QJsonObject frame { { QStringLiteral("event"), QStringLiteral("pusher:error") },
        { QStringLiteral("data"),
            QJsonObject {
                { QStringLiteral("code"), code }, { QStringLiteral("message"), message } } } };
    c->socket->sendTextMessage(QString::fromUtf8(compactJson(frame)));
}

void PusherHub::sendChannelEvent(
    Connection *c, QStringView event, const QString &channel, const QJsonObject &data)
{
    c->socket->sendTextMessage(channelFrame(event.toUtf8(), channel.toUtf8(), compactJson(data)));
}

QString PusherHub::channelFrame(
    QByteArrayView event, QByteArrayView channel, QByteArrayView dataJson)
{
    // Built in a buffer that keeps its capacity between calls, so the frame costs one allocation
    // (the QString) however often publish() runs.
    QByteArray &frame = m_frameBuffer;
    frame.resize(0);
    frame.reserve(dataJson.size() + dataJson.size() / 4 + event.size() + channel.size() + 48);
    frame += R"({"event":)";
    appendJsonString(frame, event);
    frame += R"(,"channel":)";
    appendJsonString(frame, channel);
    frame += R"(,"data":)";
    appendJsonString(frame, dataJson);
    frame += '}';
    QString text = QString::fromUtf8(frame);
    if (frame.capacity() > 1024 * 1024)
        frame = QByteArray(); // one huge event should not pin a megabyte for the hub's lifetime
    return text;
}

void PusherHub::onTextMessage(Connection *c, const QString &message)
{
    if (c->isClosing())
        return;
    // Anything the client says proves it is alive, not only pusher:pong.
    c->lastActivityMs = monotonicMs();
    c->pingSentMs = -1;

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(message.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        sendError(c, kMalformedFrame,
            QStringLiteral("Frame is not valid JSON: %1").arg(parseError.errorString()));
        return;
    }
    if (!doc.isObject()) {
        sendError(c, kMalformedFrame, QStringLiteral("Frame must be a JSON object"));
        return;
    }
    const QJsonObject frame = doc.object();
    const QJsonValue eventValue = frame.value(u"event");
    if (!eventValue.isString() || eventValue.toString().isEmpty()) {
        sendError(c, kMalformedFrame, QStringLiteral("Frame has no \"event\" string"));
        return;
    }
    const QString event = eventValue.toString();

    if (event == u"pusher:ping") {
        c->socket->sendTextMessage(QStringLiteral(R"({"event":"pusher:pong","data":"{}"})"));
        return;
    }
    if (event == u"pusher:pong")
        return; // the activity stamp above is all a pong is for

    if (event == u"pusher:subscribe" || event == u"pusher:unsubscribe") {
        // Clients send data as an object; some older ones send it JSON-encoded as a string.
        QJsonValue dataValue = frame.value(u"data");
        if (dataValue.isString()) {
            const QJsonDocument inner = QJsonDocument::fromJson(dataValue.toString().toUtf8());
            dataValue = inner.isObject() ? QJsonValue(inner.object()) : QJsonValue();
        }
        const QJsonValue channelValue = dataValue.toObject().value(u"channel");
        if (!dataValue.isObject() || !channelValue.isString()
            || channelValue.toString().isEmpty()) {
            sendError(c, kMalformedFrame,
                QStringLiteral("%1 needs \"data\": {\"channel\": \"name\", ...}").arg(event));
            return;
        }
        if (event == u"pusher:subscribe")
            subscribe(c, channelValue.toString(), dataValue.toObject());
        else
            unsubscribe(c, channelValue.toString());
        return;
    }

    if (event.startsWith(u"client-")) {
        sendError(
            c, kClientEventRejected, QStringLiteral("Client events are not enabled for this app"));
        return;
    }

    // Unknown pusher:* events (pusher:signin, cache-channel extensions, ...) and anything else
    // are ignored, as the protocol asks of both sides, so newer clients keep working.
    qCDebug(lcPusher) << "ignoring event" << event.left(64) << "from" << c->socketId;
}

void PusherHub::subscribe(Connection *c, const QString &channel, const QJsonObject &data)
{
    auto fail = [&](const QString &type, const QString &error, int status) {
        qCInfo(lcPusher) << "subscription of" << c->socketId << "to" << channel
                         << "refused:" << type;
        sendChannelEvent(c, u"pusher:subscription_error", channel,
            QJsonObject { { QStringLiteral("type"), type }, { QStringLiteral("error"), error },
                { QStringLiteral("status"), status } });
    };

    if (channel.startsWith(u"presence-")) {
        fail(QStringLiteral("UnsupportedFeature"),
            QStringLiteral("Presence channels are not supported by this sandbox"), 501);
        return;
    }
    if (channel.startsWith(u"private-")) {
        const QByteArray expected = authSignature(c->socketId, channel).toUtf8();
        const QByteArray given = data.value(u"auth").toString().toUtf8();
        if (!constantTimeEquals(expected, given)) {
            // Neither signature goes to the log: the expected one would let anyone subscribe.
            fail(QStringLiteral("AuthError"),
                given.isEmpty() ? QStringLiteral("Private channel needs an \"auth\" signature")
                                : QStringLiteral("Invalid signature for %1 on socket %2")
                                      .arg(channel, c->socketId),
                401);
            return;
        }
    }

    const bool isNew = !c->channels.contains(channel);
    if (isNew) {
        c->channels.insert(channel);
        m_channels[channel].insert(c);
    }
    // Re-subscribing is answered again, as Pusher does, so a client that lost the first answer
    // is not left pending.
    sendChannelEvent(c, u"pusher_internal:subscription_succeeded", channel, QJsonObject {});
    if (isNew) {
        qCDebug(lcPusher) << c->socketId << "subscribed to" << channel;
        Q_EMIT subscribed(c->socketId, channel);
    }
}

void PusherHub::unsubscribe(Connection *c, const QString &channel)
{
    if (!c->channels.remove(channel))
        return;
    detachFromChannel(c, channel);
    qCDebug(lcPusher) << c->socketId << "unsubscribed from" << channel;
    Q_EMIT unsubscribed(c->socketId, channel);
}

void PusherHub::detachFromChannel(Connection *c, const QString &channel)
{
    const auto it = m_channels.find(channel);
    if (it == m_channels.end())
        return;
    it->remove(c);
    if (it->isEmpty())
        m_channels.erase(it);
}

QStringList PusherHub::detachFromAllChannels(Connection *c)
{
    const QStringList channels(c->channels.cbegin(), c->channels.cend());
    for (const QString &channel : channels)
        detachFromChannel(c, channel);
    c->channels.clear();
    return channels;
}

int PusherHub::publish(const QString &channel, const QString &event, const QJsonObject &data)
{
    const auto it = m_channels.constFind(channel);
    if (it == m_channels.cend() || it->isEmpty())
        return 0;
    // Serialised once for every subscriber. QWebSocket takes a QString and re-encodes it per
    // send; that copy is inside Qt and cannot be shared.
    const QString frame = channelFrame(event.toUtf8(), channel.toUtf8(), compactJson(data));
    int sent = 0;
    for (Connection *c : *it) {
        // Closing connections were removed from every channel, so each one here is live.
        c->socket->sendTextMessage(frame);
        ++sent;
    }
    return sent;
}

int PusherHub::dropAll(int closeCode, const QString &reason)
{
    QList<Connection *> targets;
    targets.reserve(m_connections.size());
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it) {
        if (!it.key()->isClosing())
            targets.append(it.key());
    }
    return drop(targets, closeCode, reason);
}

int PusherHub::dropChannel(const QString &channel, int closeCode, const QString &reason)
{
    const auto it = m_channels.constFind(channel);
    if (it == m_channels.cend())
        return 0;
    const QList<Connection *> targets(it->cbegin(), it->cend());
    return drop(targets, closeCode, reason);
}

int PusherHub::drop(const QList<Connection *> &targets, int closeCode, const QString &reason)
{
    int dropped = 0;
    for (Connection *c : targets) {
        // A slot of an earlier unsubscribed() may have dropped this one already.
        const auto it = m_connections.constFind(c);
        if (it == m_connections.cend() || c->isClosing())
            continue;
        const std::shared_ptr<Connection> keepAlive = it.value();
        ++dropped;
        if (closeCode > 0) {
            qCDebug(lcPusher) << "closing" << c->socketId << "with" << closeCode;
            closeConnection(c, closeCode, reason);
        } else {
            // abort() emits disconnected() synchronously, which runs removeConnection().
            qCDebug(lcPusher) << "aborting" << c->socketId;
            c->closingSinceMs = monotonicMs();
            const QStringList channels = detachFromAllChannels(c);
            c->socket->abort();
            removeConnection(c); // no-op when disconnected() already did it
            for (const QString &channel : channels)
                Q_EMIT unsubscribed(c->socketId, channel);
        }
    }
    qCInfo(lcPusher).nospace().noquote()
        << "dropped " << dropped << " connection(s) "
        << (closeCode > 0 ? "with close code " + QString::number(closeCode)
                          : QStringLiteral("by aborting TCP"));
    return dropped;
}

void PusherHub::closeConnection(Connection *c, int code, const QString &reason)
{
    if (c->isClosing())
        return;
    c->closingSinceMs = monotonicMs();
    // Leave every channel now, not when the TCP close completes: publish() must not write to a
    // socket that is going away, and the counts must say so at once.
    const QStringList channels = detachFromAllChannels(c);
    const QString socketId = c->socketId;
    // Qt's CloseCode enum lists only the RFC codes; the application range 4000-4999 is valid on
    // the wire and QWebSocket passes any value through.
    c->socket->close(static_cast<QWebSocketProtocol::CloseCode>(code), closeReason(reason));
    // c may be gone here if close() disconnected synchronously; only the copies are used.
    for (const QString &channel : channels)
        Q_EMIT unsubscribed(socketId, channel);
}

void PusherHub::removeConnection(Connection *c)
{
    const auto it = m_connections.find(c);
    if (it == m_connections.end())
        return;
    const std::shared_ptr<Connection> conn = it.value();
    m_connections.erase(it);
    if (m_connections.isEmpty())
        m_activityTimer.stop();

    const QStringList channels = detachFromAllChannels(c);
    QWebSocket *socket = std::exchange(c->socket, nullptr);
    socket->disconnect(this);
    // Later, not now: we are usually inside one of this socket's own signals.
    socket->deleteLater();
    qCDebug(lcPusher) << "connection closed" << conn->socketId << "code" << socket->closeCode();

    for (const QString &channel : channels)
        Q_EMIT unsubscribed(conn->socketId, channel);
}

void PusherHub::checkActivity()
{
    const qint64 now = monotonicMs();
    const qint64 activityMs = qint64(m_activityTimeout) * 1000;
    const qint64 pongMs = qint64(m_pongTimeout) * 1000;

    QList<Connection *> pongOverdue;
    QList<Connection *> closeOverdue;
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it) {
        Connection *c = it.key();
        if (c->isClosing()) {
            if (now - c->closingSinceMs >= kCloseGraceMs)
                closeOverdue.append(c);
        } else if (c->pingSentMs >= 0) {
            if (now - c->pingSentMs >= pongMs)
                pongOverdue.append(c);
        } else if (now - c->lastActivityMs >= activityMs) {
            c->pingSentMs = now;
            c->socket->sendTextMessage(QStringLiteral(R"({"event":"pusher:ping","data":"{}"})"));
        }
    }

    // Acted on after the scan: closing and aborting change m_connections.
    for (Connection *c : std::as_const(pongOverdue)) {
        if (!m_connections.contains(c))
            continue;
        qCInfo(lcPusher) << "no pong from" << c->socketId << "- closing with 4201";
        closeConnection(c, kPongNotReceived, QStringLiteral("Pong reply not received"));
    }
    for (Connection *c : std::as_const(closeOverdue)) {
        const auto it = m_connections.constFind(c);
        if (it == m_connections.cend())
            continue;
        const std::shared_ptr<Connection> keepAlive = it.value();
        qCDebug(lcPusher) << "peer of" << c->socketId << "never finished closing; aborting";
        c->socket->abort();
        removeConnection(c);
    }
}

int PusherHub::connectionCount() const
{
    return int(std::count_if(m_connections.cbegin(), m_connections.cend(),
        [](const auto &c) { return !c->isClosing(); }));
}

int PusherHub::subscriberCount(const QString &channel) const
{
    const auto it = m_channels.constFind(channel);
    return it == m_channels.cend() ? 0 : int(it->size());
}

QString PusherHub::authSignature(const QString &socketId, const QString &channelName) const
{
    return m_appKey + u':' + QString::fromLatin1(sign(m_appSecret.toUtf8(), socketId, channelName));
}

QByteArray PusherHub::sign(
    const QByteArray &secret, const QString &socketId, const QString &channelName)
{
    const QByteArray message = socketId.toUtf8() + ':' + channelName.toUtf8();
    return QMessageAuthenticationCode::hash(message, secret, QCryptographicHash::Sha256).toHex();
}

} // namespace Sandbox
