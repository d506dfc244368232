#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <memory>

class QWebSocket;

namespace Sandbox {

// The server side of the Pusher Channels protocol (version 7) for the sandbox's deAPI front end.
//
// It owns every WebSocket handed to it. On a new connection it sends pusher:connection_established
// (socket_id "N.M", activity_timeout); it answers pusher:ping with pusher:pong, sends pusher:ping
// to a connection silent for activity_timeout and closes it with 4201 when no pong comes within the
// pong timeout; it handles pusher:subscribe / pusher:unsubscribe, verifying private-* channel auth
// ("key:hex(HMAC-SHA256(secret, socket_id:channel_name))") and answering
// pusher_internal:subscription_succeeded or pusher:subscription_error; it answers malformed frames
// (not JSON, not an object, no event, bad subscribe data, binary) with pusher:error code 4300 and
// client-* events with 4301, without closing the connection; and it rejects a wrong
// app key (4001) or a missing/unsupported protocol version (4007/4008) with pusher:error followed
// by a close frame carrying that code.
class PusherHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PusherHub)

public:
    PusherHub(QString appKey, QString appSecret, QObject *parent = nullptr);
    ~PusherHub() override;

    QString appKey() const { return m_appKey; }

    // Seconds announced in connection_established (default 120) and how long to wait for a pong
    // (default 30). Tests set them low.
    void setActivityTimeout(int seconds);
    void setPongTimeout(int seconds);

    // Takes ownership of a socket upgraded from GET /app/{key}?protocol=7&... (the key and the
    // query are read from socket->requestUrl()).
    void addConnection(std::unique_ptr<QWebSocket> socket);

    // Sends {"event":event,"channel":channel,"data":"<data as a JSON string>"} to every socket
    // subscribed to `channel`; returns how many sockets it was sent to.
    int publish(const QString &channel, const QString &event, const QJsonObject &data);

    // Closes every connection: with a close frame carrying `closeCode` (e.g. 4200, 4100, 4001), or,
    // when closeCode is 0, by aborting the TCP connection with no close frame at all.
    // Returns how many connections were dropped.
    int dropAll(int closeCode, const QString &reason = {});
    // The same, for the connections subscribed to `channel` only.
    int dropChannel(const QString &channel, int closeCode, const QString &reason = {});

    // Open connections: ones being closed (dropped, rejected, pong overdue) no longer count.
    int connectionCount() const;
    int subscriberCount(const QString &channel) const;

    // "app_key:hex signature" for a private channel, as the auth endpoint returns it.
    QString authSignature(const QString &socketId, const QString &channelName) const;
    // hex(HMAC-SHA256(secret, "socket_id:channel_name")).
    static QByteArray sign(
        const QByteArray &secret, const QString &socketId, const QString &channelName);

Q_SIGNALS:
    // subscribed: once per (socket, channel), re-subscribing does not repeat it. unsubscribed: on
    // pusher:unsubscribe and for every channel of a connection that is dropped or goes away.
    void subscribed(const QString &socketId, const QString &channel);
    void unsubscribed(const QString &socketId, const QString &channel);

private:
    struct Connection;
    void onTextMessage(Connection *c, const QString &message);
    void subscribe(Connection *c, const QString &channel, const QJsonObject &data);
    void unsubscribe(Connection *c, const QString &channel);
    void sendError(Connection *c, int code, const QString &message);
    void sendChannelEvent(
        Connection *c, QStringView event, const QString &channel, const QJsonObject &data);
    // pusher:error, then a close frame with the same code; used before connection_established.
    void reject(Connection *c, int code, const QString &message);
    // Takes c out of every channel at once and starts the close handshake; the Connection stays
    // owned until the socket reports disconnected() (or a grace period runs out).
    void closeConnection(Connection *c, int code, const QString &reason);
    int drop(const QList<Connection *> &targets, int closeCode, const QString &reason);
    void removeConnection(Connection *c);
    void detachFromChannel(Connection *c, const QString &channel);
    QStringList detachFromAllChannels(Connection *c);
    void checkActivity();
    void updateTimerInterval();
    QString channelFrame(QByteArrayView event, QByteArrayView channel, QByteArrayView dataJson);

    QString m_appKey;
    QString m_appSecret;
    int m_activityTimeout = 120;
    int m_pongTimeout = 30;
    quint32 m_socketPrefix = 0; // random per hub: the "N" of socket ids "N.M"
    quint64 m_nextSocket = 1;
    // Owner of every Connection. Values are shared so a caller can keep one alive across a call
    // that may remove it (abort() emits disconnected() synchronously).
    QHash<Connection *, std::shared_ptr<Connection>> m_connections;
    // Live subscribers only: closing and closed connections are removed at once.
    QHash<QString, QSet<Connection *>> m_channels;
    QTimer m_activityTimer; // one for all connections: pings, pong timeouts, close grace
    QByteArray m_frameBuffer; // reused by channelFrame(), so publish() allocates only its frame
};

} // namespace Sandbox
