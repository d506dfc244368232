#pragma once

#include "net/trafficlog.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <functional>

class QWebSocket;

namespace Net {

class PusherFrame;

// A Pusher Channels protocol 7 client over one QWebSocket, with the connection life cycle of
// pusher-js: states, activity pings, close-code classes, backoff, and re-subscription.
//
// Ownership: the client owns every QWebSocket it opens (at most one live, plus ones still
// finishing their close handshake); the destructor closes the live one with 1000 and deletes all.
// It never owns the authorizer: the Authorizer function is copied and called on this thread.
//
// States (named as in pusher-js):
//   Initialized  — constructed, connectToServer() not called yet.
//   Connecting   — a socket is opening, or is open and waiting for pusher:connection_established.
//   Connected    — connection_established received: socketId() is valid, subscriptions run.
//   Unavailable  — the connection was lost (network error, close outside 4000–4099/4200–4299,
//                  4100–4199, no connection_established in time) and a retry is scheduled;
//                  connectingIn(ms) announced the delay. Then Connecting again.
//   Failed       — the server refused us (close code or pusher:error 4000–4099, e.g. 4001 wrong
//                  key) or the URL is unusable. No retry until connectToServer() is called.
//   Disconnected — disconnectFromServer() was called. No retry.
// Close codes 4200–4299 (and a pong that does not come: the server's 4201) go from Connected
// straight to Connecting: the reconnect starts at once. When that fails, or the connection it
// made is lost again within 10 s, the next attempt backs off like the others.
// Backoff: base·2^n for the n-th loss in a row (n resets once a connection stayed up 10 s),
// capped, ±20 % jitter; defaults 1 s and 30 s, setBackoff() for tests.
//
// Signals:
//   stateChanged(state)          — on every change of state(), never twice with the same value.
//   connectingIn(ms)             — a retry was scheduled ms from now (state Unavailable).
//   subscribed(channel)          — pusher_internal:subscription_succeeded; again after every
//                                  reconnect, when the channel was re-subscribed.
//   subscriptionError(ch, msg)   — the authorizer failed (its message, verbatim) or the server
//                                  sent pusher:subscription_error. The channel stays wanted and
//                                  is tried again after the next reconnect, as in pusher-js.
//   event(ch, name, data)        — an event on a wanted channel; data is the payload as sent
//                                  (the decoded bytes of the JSON-encoded data string, or compact
//                                  JSON when a server sent an object).
//   reconnected()                — after every connection but the client's first one, once each
//                                  wanted channel has been re-subscribed (or has failed): the
//                                  moment to poll once and reconcile what the gap hid.
//   error(code, message)         — every pusher:error frame and every close code 4000–4399 from
//                                  the server (code 0: none given, or a client-side problem).
//
// Malformed frames (see PusherFrame::parse) are logged on "jobscope.net.pusher", counted in
// malformedFrames() and otherwise ignored; like unknown events they still prove the connection
// is alive. Neither the app key, the auth signature nor the auth headers are ever logged.
class PusherClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PusherClient)

public:
    enum class State {
        Initialized,
        Connecting,
        Connected,
        Unavailable,
        Failed,
        Disconnected,
    };
    Q_ENUM(State)

    // done(auth, error): exactly one of them non-empty. It must be called on this client's
    // thread, may be called synchronously or later, and calls for a stale socket id (the
    // connection changed meanwhile) or beyond the first are ignored.
    using AuthDone = std::function<void(QString auth, QString error)>;
    using Authorizer
        = std::function<void(const QString &socketId, const QString &channel, AuthDone done)>;

    static constexpr int DefaultActivityTimeoutSeconds = 120;
    static constexpr int DefaultPongTimeoutMs = 30000;
    static constexpr int DefaultBackoffBaseMs = 1000;
    static constexpr int DefaultBackoffCapMs = 30000;
    static constexpr int DefaultConnectTimeoutMs = 15000;

    // wsUrl: ws://host:port or wss://host:port, optionally with a path prefix that /app/{key}
    // is appended to.
    PusherClient(const QUrl &wsUrl, const QString &appKey, QObject *parent = nullptr);
    ~PusherClient() override;

    // {wsUrl}/app/{key}?protocol=7&client=jobscope&version=0.1.0&flash=false; invalid when the
    // scheme is not ws/wss or the key is empty.
    static QUrl connectionUrl(const QUrl &wsUrl, const QString &appKey);

    void setAuthorizer(Authorizer authorizer);
    // The client's own activity timeout; the one used is min(this, server's). At least 1 s.
    void setActivityTimeout(int seconds);
    void setPongTimeout(int ms);
    void setBackoff(int baseMs, int capMs);
    // How long Connecting may last before pusher:connection_established (then Unavailable).
    void setConnectTimeout(int ms);
    // Optional capture: every frame in (WsIn) and out (WsOut) and every state change (WsState) is
    // recorded in `log`; a frame whose data carries a request_id is filed under that job, others
    // under "". The app key is shown as "<app key>" and subscription auth signatures as
    // "[redacted]". Null (the default) records nothing.
    void setTrafficLog(TrafficLog *log);

    // From Initialized, Unavailable (retry now), Failed or Disconnected; no-op otherwise.
    void connectToServer();
    // Closes with 1000, cancels any retry; state Disconnected. Wanted channels are kept for a
    // later connectToServer().
    void disconnectFromServer();

    // Wanted channels survive reconnects. private-* and presence-* channels are authorized
    // through the Authorizer with the current socket id, afresh on every connection.
    void subscribe(const QString &channel);
    void unsubscribe(const QString &channel);

    State state() const { return m_state; }
    static QString stateName(State state);
    QString socketId() const { return m_socketId; }
    QUrl url() const { return m_url; }
    int activityTimeoutSeconds() const { return m_activitySeconds; }
    QStringList channels() const { return m_channels.keys(); }
    bool isSubscribed(const QString &channel) const;
    qint64 malformedFrames() const { return m_malformedFrames; }
    qint64 pingsSent() const { return m_pingsSent; }

Q_SIGNALS:
    void stateChanged(Net::PusherClient::State state);
    void connectingIn(int delayMs);
    void subscribed(const QString &channel);
    void subscriptionError(const QString &channel, const QString &message);
    void event(const QString &channel, const QString &eventName, const QByteArray &data);
    void reconnected();
    void error(int code, const QString &message);

private:
    enum class Recovery {
        Keep, // nothing to do (pusher:error outside the action ranges)
        Fail, // 4000–4099
        Backoff, // 4100–4199, network errors, other closes
        Now, // 4200–4299
    };
    enum class ChannelStatus {
        Idle, // wanted, not asked for on this connection yet
        Authorizing, // waiting for the Authorizer
        Pending, // pusher:subscribe sent
        Subscribed,
        Failed, // refused on this connection; asked again after a reconnect
    };
    struct Channel
    {
        ChannelStatus status = ChannelStatus::Idle;
        quint64 authToken = 0; // identifies the one Authorizer call whose answer counts
    };

    void openSocket();
    // Forgets the live socket: it closes with `code` (aborts when not open) and deletes itself.
    void retireSocket(int code, const QString &reason);
    void onSocketDisconnected();
    void onMessage(const QByteArray &bytes);
    void onConnectionEstablished(const PusherFrame &frame);
    void onPusherError(const PusherFrame &frame);
    void onSubscriptionSucceeded(const QString &channel);
    void onSubscriptionError(const PusherFrame &frame);
    void onActivityTimeout();
    void onPongTimeout();
    void onConnectTimeout();
    void onRetryTimer();
    // The live socket is gone (or is being given up) because of `recovery`.
    void recover(Recovery recovery, bool wasConnected);
    static Recovery recoveryForCode(int code, Recovery otherwise);
    int nextBackoffMs();
    void startSubscription(const QString &channel);
    void onAuthorized(quint64 token, const QString &channel, const QString &socketId,
        const QString &auth, const QString &error);
    void checkResubscribed();
    void resetChannels();
    void send(const QByteArray &frame);
    void setState(State state);
    // Server messages may quote the app key ("App key X not in this cluster"): not in our logs.
    QString redacted(const QString &text) const;
    void recordFrame(
        bool incoming, const QByteArray &bytes, const PusherFrame *frame, const QString &problem);

    QUrl m_url;
    QString m_appKey; // kept only to keep it out of log lines
    Authorizer m_authorizer;
    State m_state = State::Initialized;
    QWebSocket *m_socket = nullptr; // live socket, child of this; null between connections
    quint64 m_socketSerial = 0; // bumped when m_socket changes, to notice re-entrant changes
    bool m_closeFrameSeen = false; // the live socket went through a close handshake
    bool m_established = false; // connection_established seen on the live socket
    QElapsedTimer m_establishedAt;
    QString m_socketId;
    QMap<QString, Channel> m_channels; // ordered, so subscriptions go out in a stable order
    quint64 m_nextAuthToken = 1;
    bool m_everConnected = false;
    bool m_awaitingResubscribe = false;
    int m_failures = 0; // losses in a row without a connection that stayed up

    int m_clientActivitySeconds = DefaultActivityTimeoutSeconds;
    int m_activitySeconds = DefaultActivityTimeoutSeconds;
    int m_pongTimeoutMs = DefaultPongTimeoutMs;
    int m_backoffBaseMs = DefaultBackoffBaseMs;
    int m_backoffCapMs = DefaultBackoffCapMs;
    int m_connectTimeoutMs = DefaultConnectTimeoutMs;
    QTimer m_activityTimer;
    QTimer m_pongTimer;
    QTimer m_connectTimer;
    QTimer m_retryTimer;

    qint64 m_malformedFrames = 0;
    qint64 m_pingsSent = 0;
    QPointer<TrafficLog> m_traffic;
};

} // namespace Net
