#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>

namespace Net {

// The response side of one HTTP/1.1 exchange, without I/O: fed the bytes a connection delivers,
// it gives the status line, the headers and the body's bytes (de-chunked) as they come, and says
// when the answer is complete. Every part a server controls is capped: the head (status line and
// headers together, per response) at maxHeadBytes(), the number of header fields at
// maxHeaderCount(), a chunk-size line at MaxChunkLine, the trailer at MaxTrailerBytes, the
// number of interim (1xx) answers at MaxInterimAnswers. Anything over a cap or not HTTP is an
// error; the parser then takes no more bytes. The body itself is not capped here: feed() hands
// it out as it arrives, the caller counts it.
//
// Framing (RFC 9112 §6): no body for an answer to HEAD, for 1xx (skipped: the next head
// follows), 204 and 304; chunked when Transfer-Encoding ends in `chunked`; otherwise
// Content-Length; otherwise until the connection's end (connectionClosed()). Bytes after a
// complete answer are ignored (the connection is not reused). Content-Encoding is not undone.
class HttpResponseParser final
{
public:
    enum class State {
        Head, // waiting for the status line and headers
        Body, // head complete, body bytes being handed out
        Complete, // the whole answer arrived
        Failed, // see error()
    };
    enum class Error {
        None,
        BadStatusLine, // not "HTTP/1.x NNN reason"
        BadHeader, // a header line without a name and colon, or with bytes HTTP forbids
        HeadTooLarge, // status line and headers over maxHeadBytes()
        TooManyHeaders, // more than maxHeaderCount() header fields
        TooManyInterimAnswers, // more than MaxInterimAnswers 1xx answers, or a 101 not asked for
        BadLength, // an unreadable or contradictory Content-Length, or a Transfer-Encoding
                   // that is not chunked-last
        BadChunk, // a chunk-size line that is not hex, a chunk not followed by CRLF
        ChunkLineTooLong, // a chunk-size line (with its extensions) over MaxChunkLine
        TrailerTooLarge, // the trailer over MaxTrailerBytes
        Truncated, // the connection ended before the answer was complete
    };
    using Header = QPair<QByteArray, QByteArray>;

    static constexpr qsizetype DefaultMaxHeadBytes = 64 * 1024;
    static constexpr int DefaultMaxHeaderCount = 100;
    static constexpr qsizetype MaxChunkLine = 4096;
    static constexpr qsizetype MaxTrailerBytes = 64 * 1024;
    static constexpr int MaxInterimAnswers = 10;

    // `headRequest`: the request was HEAD, so the answer has no body whatever it announces.
    explicit HttpResponseParser(bool headRequest = false);

    void setMaxHeadBytes(qsizetype bytes) { m_maxHead = bytes; }
    qsizetype maxHeadBytes() const { return m_maxHead; }
    void setMaxHeaderCount(int count) { m_maxHeaders = count; }
    int maxHeaderCount() const { return m_maxHeaders; }

    // Consumes `data` (the next bytes of the connection) and appends the body bytes it contains
    // to `body`. Returns the number of bytes of `data` consumed: all of them, except when the
    // answer completed or failed part-way (the rest is not part of it).
    qsizetype feed(QByteArrayView data, QByteArray *body);
    // The connection ended: completes a body delimited by the end of the connection, otherwise
    // an answer not yet complete fails with Truncated.
    void connectionClosed();

    State state() const { return m_state; }
    bool isHeadComplete() const
    {
        return m_state == State::Body || m_state == State::Complete
            || (m_state == State::Failed && m_headDone);
    }
    bool isComplete() const { return m_state == State::Complete; }
    bool hasFailed() const { return m_state == State::Failed; }
    Error error() const { return m_error; }
    // What went wrong, for logs: "invalid chunk size line", …
    QString errorText() const;

    // Valid once the head is complete.
    int status() const { return m_status; }
    QByteArray reasonPhrase() const { return m_reason; }
    // In the order received, names as sent.
    const QList<Header> &headers() const { return m_headers; }
    QByteArray header(QByteArrayView name) const; // the first of that name, or empty
    // -1: not announced (chunked, or until the connection's end, or no body).
    qint64 contentLength() const { return m_contentLength; }
    bool isChunked() const { return m_framing == Framing::Chunked; }
    // Body bytes handed out so far.
    qint64 bodyBytes() const { return m_bodyBytes; }

private:
    enum class Framing { None, Length, Chunked, UntilClose };
    enum class ChunkState { Size, Data, DataEnd, Trailer };

    qsizetype feedHead(QByteArrayView data);
    qsizetype feedChunked(QByteArrayView data, QByteArray *body);
    qsizetype feedBody(QByteArrayView data, QByteArray *body);
    bool headLine(const QByteArray &line);
    bool parseStatusLine(const QByteArray &line);
    bool parseHeaderLine(const QByteArray &line);
    bool headComplete();
    bool chunkSizeLine(QByteArrayView line);
    void fail(Error error);
    void complete();

    bool m_headRequest;
    qsizetype m_maxHead = DefaultMaxHeadBytes;
    int m_maxHeaders = DefaultMaxHeaderCount;
    State m_state = State::Head;
    Error m_error = Error::None;
    bool m_headDone = false; // the final (non-1xx) head was parsed
    QByteArray m_line; // the line being assembled (head, chunk-size or trailer line)
    qsizetype m_headBytes = 0; // of the current head
    bool m_statusSeen = false; // the current head's status line was parsed
    int m_interim = 0;
    int m_status = 0;
    QByteArray m_reason;
    QList<Header> m_headers;
    Framing m_framing = Framing::None;
    ChunkState m_chunkState = ChunkState::Size;
    qint64 m_contentLength = -1;
    qint64 m_remaining = 0; // of the Content-Length body or of the current chunk
    qsizetype m_trailerBytes = 0;
    qint64 m_bodyBytes = 0;
};

} // namespace Net
