#pragma once

#include "sandbox/httplimits.h"
#include "sandbox/httprequest.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <functional>

namespace Sandbox {

// One client connection of the sandbox's HTTP server: parses HTTP/1.1 requests off the socket
// within HttpLimits and hands each complete one to the server. It reads only what the current
// request needs, so a WebSocket upgrade still finds its handshake in the socket, and a body over
// the cap is refused (413) as soon as it is, without being kept. It times out a connection that
// sits idle between requests and a request that stops half-way (408).
//
// The connection is a child of its socket and dies with it. While a handler answers later or
// streams (HttpContext::detach), the connection waits without a clock; responseFinished() tells it
// the detached answer is complete, and the keep-alive idle clock starts again. SSE streams never
// call it, so they are never idle.
class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    // What the server did with a request: answered it (the connection waits for the next one),
    // or detached it (a handler answers later or streams).
    enum class Outcome { Answered, Detached };
    struct Handlers
    {
        std::function<Outcome(const HttpRequest &, QTcpSocket *)> request;
        // A WebSocket upgrade: the socket, its handshake still unread, is the callee's from now on.
        std::function<void(const HttpRequest &, QTcpSocket *)> upgrade;
        // A request this connection refused itself (413, 431, 400, 408…), for the request log.
        std::function<void(const QByteArray &method, const QString &path, int status)> refused;
    };

    HttpConnection(QTcpSocket *socket, const HttpLimits &limits, Handlers handlers);

    // The detached answer on `socket` is complete (a deferred reply or a file was sent).
    static void responseFinished(QTcpSocket *socket);

private:
    enum class State {
        Idle,
        Head,
        Body,
        ChunkSize,
        ChunkData,
        ChunkEnd,
        Trailers,
        Detached,
        Draining,
        Gone
    };

    void readSome();
    bool step(); // one parsing step; false when it needs more bytes or the connection is done
    bool readHead();
    bool readChunkSize();
    bool readTrailers();
    void dispatch();
    void refuse(int status, const QString &message);
    void timedOut();
    void enter(State state);

    QTcpSocket *m_socket;
    HttpLimits m_limits;
    Handlers m_handlers;
    State m_state = State::Idle;
    HttpRequest m_request;
    qint64 m_remaining = 0; // body or chunk bytes still to read
    int m_headerLines = 0; // of the current request, trailers included
    bool m_dispatching = false;
    bool m_finishedInDispatch = false;
    QTimer m_timer;
    QElapsedTimer m_lingering; // since a refusal: discard what the client still sends, then close
};

} // namespace Sandbox
