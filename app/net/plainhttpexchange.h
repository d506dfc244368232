#pragma once

#include "net/httpresponseparser.h"

#include <QByteArray>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>

class QTcpSocket;

namespace Net {

// One plain-http (http://) request and its answer on a QTcpSocket of its own, on the thread that
// creates it, presented as a QNetworkReply so HttpCall and SseConnection drive it exactly like
// the replies of a QNetworkAccessManager (metaDataChanged(), readyRead(), finished(), attribute(),
// rawHeader(), error()).
//
// Why not QNetworkAccessManager for http: Qt 6.4 reads a plain socket in its HTTP thread for as
// long as the kernel has bytes, whatever setReadBufferSize() says, so a hostile server can make it
// buffer gigabytes before an abort reaches that thread. Here the socket's own buffer is 64 KiB,
// bytes are taken from it one slice at a time and only while less than readBufferSize() (default
// 1 MiB) waits for the reader, so memory stays bounded however fast the server sends, and abort()
// stops at once.
//
// One request per connection (Connection: close), no redirects followed (the caller's
// OriginPolicy loop does that), no proxy, no compression (no Accept-Encoding is sent; a
// Content-Encoding the server sends anyway is left as is). The answer is read by
// HttpResponseParser (head capped at 64 KiB and 100 headers). The request is sent from the event
// loop, so signals connected right after construction see everything.
//
// Errors use QNetworkReply's codes the way Qt's own HTTP backend does: ConnectionRefusedError,
// HostNotFoundError, RemoteHostClosedError (the connection ended before the answer was complete),
// ProtocolFailure (an answer that is not HTTP or breaks a cap), OperationCanceledError (abort(),
// or no byte moved within the transfer timeout — Qt 6.4's behaviour, which TransferError knows).
class PlainHttpExchange final : public QNetworkReply
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlainHttpExchange)

public:
    static constexpr qint64 SocketBufferBytes = 64 * 1024;

    // `transferTimeoutMs`: 0 for none. The request's raw headers are sent as given, plus Host,
    // Content-Length (when there is a body, or for POST/PUT/PATCH), Connection: close and, when
    // the request has none, the User-Agent Qt sends.
    PlainHttpExchange(const QByteArray &method, const QNetworkRequest &request,
        const QByteArray &body, int transferTimeoutMs, QObject *parent = nullptr);
    ~PlainHttpExchange() override;

    // What this class serves: http:// URLs (https stays with QNetworkAccessManager).
    static bool handles(const QUrl &url);

    void abort() override;
    void close() override;
    qint64 bytesAvailable() const override;
    void setReadBufferSize(qint64 size) override;

protected:
    qint64 readData(char *data, qint64 maxSize) override;

private:
    void start();
    void onConnected();
    void onSocketError();
    void pump();
    void schedulePump();
    void takeHead();
    void endWith(NetworkError error, const QString &text);
    void endComplete();
    void touch();
    QByteArray requestBytes() const;

    QByteArray m_method;
    QByteArray m_requestBody;
    int m_timeoutMs;
    QTcpSocket *m_socket;
    HttpResponseParser m_parser;
    QTimer m_timeout;
    QByteArray m_buffer; // body bytes not yet read; valid from m_bufferPos
    qsizetype m_bufferPos = 0;
    qint64 m_readAhead = 1024 * 1024;
    bool m_headEmitted = false;
    bool m_peerClosed = false;
    bool m_done = false; // finished() was emitted (or is about to be)
    bool m_pumpQueued = false;
    bool m_inPump = false;
};

} // namespace Net
