#pragma once

#include "net/originpolicy.h"
#include "net/sseevent.h"
#include "net/sseparser.h"
#include "net/trafficlog.h"

#include <QByteArray>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace Net {

// Follows one Server-Sent Events URL for as long as the caller wants it: one GET at a time on the
// caller's QNetworkAccessManager, bytes fed to SseParser as they arrive, reconnection with
// Last-Event-ID when the stream ends or drops.
//
// Ownership: the manager is the caller's and must outlive the connection's use of it (if it is
// destroyed first the connection fails). The connection owns each QNetworkReply it starts: on
// finish it disconnects, reads and deleteLater()s it; close(), finish() and the destructor abort
// it.
//
// Requests are the caller's template (its headers, auth included) plus Accept: text/event-stream,
// Cache-Control: no-cache, Last-Event-ID (when one is known), and no transfer timeout of their
// own: a stream is long-lived, the idle timer below takes its place. (A transfer timeout set on
// the manager itself still applies; it is handled like any other drop.) Redirects are followed
// here under OriginPolicy's rules: at most 5, the auth headers never to another origin, never
// https → http; only http(s) URLs. Plain http:// streams are read by a PlainHttpExchange of our
// own on this thread (the manager is still required; Qt 6.4's HTTP thread reads a plain socket
// past any read buffer size). At most ReadAheadBytes are read ahead of the parser, and the
// parser holds at most about maxEventSize() (16 MiB) for a line or an event: a larger one ends
// the stream with failed() ("the server sent a stream event larger than 16 MiB, so the stream
// was dropped"), so the caller falls back to polling.
//
// Signals:
// - connected(): each time a response opens with a 2xx status and text/event-stream.
// - event(): each dispatched event, in order. A partial event at the end of a stream (no
//   terminating blank line) is never delivered.
// - reconnecting(delayMs): the stream ended or dropped, or the idle timeout fired, and the next
//   attempt is scheduled. The delay is the stream's `retry:` (or retryMs(), default 3000 ms);
//   when attempts keep failing without an event in between it doubles each time up to
//   maxBackoffMs() (default 30 s, or the stream's retry if larger), and drops back after an event.
// - finished(): once, when the stream is over for good without error: the server answered 204, or
//   the caller called finish(). Queued when finish() is called, so never re-entrant.
// - failed(message, httpStatus): once, when it is over for good with an error: a non-2xx status
//   (httpStatus is it; message carries the start of the body), a 2xx whose Content-Type is not
//   text/event-stream, a refused redirect, a redirect loop, an unusable URL or an event over the
//   cap (httpStatus 0). No reconnect follows.
// - Nothing is emitted after close().
//
// Signal handlers may call close() or finish(); they must not delete the object (deleteLater()).
// The idle timeout (default 45 s) counts bytes of any kind, keep-alive comments included: when
// nothing arrived for that long the response is aborted and a reconnect scheduled.
class SseConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SseConnection)

public:
    enum class State {
        Idle, // not started
        Connecting, // request sent, no response yet
        Open, // 2xx text/event-stream, reading events
        Waiting, // between connections
        Finished, // 204 or finish()
        Failed, // see failed()
        Closed, // close()
    };
    Q_ENUM(State)

    static constexpr int DefaultRetryMs = 3000;
    static constexpr int DefaultIdleTimeoutMs = 45000;
    static constexpr int DefaultMaxBackoffMs = 30000;
    static constexpr int MaxRedirects = OriginPolicy::MaxRedirects;
    static constexpr qint64 ReadAheadBytes = 1024 * 1024;

    SseConnection(QNetworkAccessManager *manager, const QNetworkRequest &request,
        const QByteArray &lastEventId = {}, QObject *parent = nullptr);
    ~SseConnection() override;

    // Schedules the first request (it is sent from the event loop). Only from Idle.
    void start();
    // Stops for good: aborts the response, cancels a pending reconnect, emits nothing more.
    void close();
    // The application has what it wanted (e.g. PeelAPI's `end` event): stops like close(), then
    // emits finished().
    void finish();

    State state() const { return m_state; }
    bool isActive() const
    {
        return m_state == State::Connecting || m_state == State::Open || m_state == State::Waiting;
    }

    // Used until the stream sends `retry:`.
    void setRetryMs(int ms);
    // The reconnection delay in force: the stream's last `retry:`, else the one set above.
    int retryMs() const;
    // 0 disables the idle timeout.
    void setIdleTimeoutMs(int ms);
    int idleTimeoutMs() const { return m_idleTimeoutMs; }
    void setMaxBackoffMs(int ms);
    int maxBackoffMs() const { return m_maxBackoffMs; }
    // Optional capture: each request (SseConnect), response head (HttpResponse), event (SseEvent)
    // and end of a connection (SseDisconnect, with why) is recorded in `log` under `jobId`.
    // Null (the default) records nothing.
    void setTraffic(TrafficLog *log, const QString &jobId);
    // Passed to the parser: a larger event or line ends the stream (see failed()).
    void setMaxEventSize(qsizetype bytes) { m_parser.setMaxEventSize(bytes); }

    // Connections opened after the first one (attempts, whether they succeeded or not).
    int reconnects() const { return m_reconnects; }
    // What the next request sends as Last-Event-ID (empty: none).
    QByteArray lastEventId() const { return m_parser.lastEventId(); }
    QUrl url() const { return m_request.url(); }

Q_SIGNALS:
    void connected();
    void event(const Net::SseEvent &event);
    void reconnecting(int delayMs);
    void finished();
    void failed(const QString &message, int httpStatus);

private:
    void connectNow();
    void sendHop();
    void onMetaData();
    void onReadyRead();
    void onFinished();
    void onIdle();
    bool checkHead(); // false when the response ended the connection (or a redirect replaced it)
    void dropReply();
    void scheduleReconnect(const QString &why);
    void fail(const QString &message, int httpStatus);
    void failWithBody();
    void failTooLarge();
    int nextDelayMs();
    void recordDisconnect(const QString &why, int httpStatus = 0);

    QPointer<QNetworkAccessManager> m_manager;
    QNetworkRequest m_request;
    QPointer<QNetworkReply> m_reply;
    std::optional<OriginPolicy> m_policy; // this attempt's redirect chain
    SseParser m_parser;
    QTimer m_idleTimer;
    QTimer m_reconnectTimer;
    State m_state = State::Idle;
    int m_retryMs = DefaultRetryMs;
    int m_idleTimeoutMs = DefaultIdleTimeoutMs;
    int m_maxBackoffMs = DefaultMaxBackoffMs;
    int m_reconnects = 0;
    int m_failStreak = 0; // reconnects scheduled since the last event
    bool m_headChecked = false;
    int m_errorStatus = 0; // a non-2xx response whose body is being collected
    QByteArray m_errorBody;
    bool m_attempted = false;
    bool m_eventTooLarge = false; // the parser hit its cap; the stream is dropped after feed()
    QPointer<TrafficLog> m_traffic;
    QString m_trafficJob;
    qint64 m_connectStartedMs = 0;
};

} // namespace Net
