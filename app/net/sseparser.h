#pragma once

#include "net/sseevent.h"

#include <QByteArray>
#include <QByteArrayView>
#include <functional>
#include <optional>
#include <string>

namespace Net {

// An incremental, I/O-free parser for a text/event-stream body, following the WHATWG HTML
// "Server-sent events" rules for parsing and interpreting an event stream, on raw bytes.
//
// Contract:
// - feed() takes the body in chunks of any size, split anywhere. Lines end in CRLF, LF or CR; a CR
//   ending one chunk and an LF starting the next are ONE line end. A UTF-8 BOM (EF BB BF) at the
//   very start of a stream is skipped once, even when split across chunks.
// - An empty line dispatches; a line starting with ':' is a comment (counted, and handed to the
//   comment handler for keep-alive tracking); "field:value" loses ONE leading space of the value;
//   a line without ':' is a field named by the whole line with an empty value. Field names are
//   case-sensitive.
// - Fields: "event" sets the event type buffer; "data" appends value + LF to the data buffer; "id"
//   sets the last event ID buffer unless the value contains a NUL byte (then the field is
//   ignored); "retry" sets retry() when the value is one or more ASCII digits (and fits qint64),
//   otherwise it is ignored; every other field is ignored.
// - Dispatch (on an empty line): lastEventId() := the last event ID buffer (which is NOT cleared
//   by a dispatch, so an id persists across events, and an empty "id" clears it); if the data
//   buffer is empty the type and data buffers are cleared and nothing is emitted; otherwise one
//   trailing LF is removed and the event handler gets {type or "message", data, lastEventId}.
// - finish() is the end of the stream: an unfinished event (no terminating empty line) and any
//   partial line are discarded, never dispatched. reset() prepares for a new connection: it drops
//   the partial line and buffers, re-arms BOM skipping, and keeps lastEventId() and retry(); the
//   new stream's last event ID buffer starts from lastEventId(), as browsers do, so an event
//   without "id" after a reconnect does not wipe it.
// - Bytes are never decoded: type, data and ids are the wire bytes (invalid UTF-8 included).
// - Hostile input cannot exhaust memory: when an event's data plus the line being read would
//   exceed maxEventSize() (default 16 MiB), the event is discarded up to and including its
//   terminating empty line (no dispatch; its "id" and "event" lines have no effect), the error
//   handler gets Error::EventTooLarge once and discardedEventCount() grows; parsing then resumes.
//   As no line can exceed the limit either, the parser never holds more than a few times
//   maxEventSize() (pending line + data, type, id buffer, lastEventId()).
// - Handlers run synchronously inside feed(). They may call reset() or finish() (the rest of the
//   chunk being fed is then dropped) but must not call feed(). The event and the comment view
//   are only valid during the call; copy what you keep (copying the QByteArrays is cheap).
class SseParser
{
public:
    enum class Error {
        EventTooLarge,
    };

    using EventHandler = std::function<void(const SseEvent &)>;
    // Receives the comment's bytes after the ':' (a leading space is kept).
    using CommentHandler = std::function<void(QByteArrayView)>;
    using ErrorHandler = std::function<void(Error)>;

    static constexpr qsizetype DefaultMaxEventSize = 16 * 1024 * 1024;

    // `lastEventId` is the id to resume from (e.g. --last-event-id); it becomes lastEventId() and
    // the starting value of the stream's last event ID buffer.
    explicit SseParser(const QByteArray &lastEventId = {});

    void setEventHandler(EventHandler handler);
    void setCommentHandler(CommentHandler handler);
    void setErrorHandler(ErrorHandler handler);

    // Values below 1 are taken as 1.
    void setMaxEventSize(qsizetype bytes);
    qsizetype maxEventSize() const { return m_maxEventSize; }

    void feed(QByteArrayView chunk);
    // End of stream. Returns true when an unfinished event or partial line was discarded.
    bool finish();
    // New connection: see the contract above.
    void reset();

    // What a reconnect sends as Last-Event-ID (empty: send none).
    QByteArray lastEventId() const { return m_event.lastEventId; }
    // Sets lastEventId() and the last event ID buffer; meant for between connections.
    void setLastEventId(const QByteArray &id);
    // The reconnection time in milliseconds the stream last set, if it ever did.
    std::optional<qint64> retry() const { return m_retry; }

    qint64 eventCount() const { return m_eventCount; }
    qint64 commentCount() const { return m_commentCount; }
    qint64 discardedEventCount() const { return m_discardedEventCount; }
    // Bytes currently held for the unfinished line and event.
    qsizetype bufferedBytes() const;

private:
    void appendPartialLine(const char *begin, const char *end);
    void processLine(QByteArrayView line);
    void processField(QByteArrayView field, QByteArrayView value);
    void dispatch();
    void discardEvent();

    EventHandler m_eventHandler;
    CommentHandler m_commentHandler;
    ErrorHandler m_errorHandler;

    // Doubles as the data buffer while an event is being read and as the last event ID string,
    // so that dispatching copies nothing and, once warm, allocates nothing.
    SseEvent m_event;
    QByteArray m_line; // a line split across chunks
    // Never handed out, so plain strings: cheaper to overwrite on every event than QByteArray.
    std::string m_typeBuffer;
    std::string m_idBuffer;
    qsizetype m_dataLines = 0;
    qsizetype m_maxEventSize = DefaultMaxEventSize;
    std::optional<qint64> m_retry;

    qint64 m_eventCount = 0;
    qint64 m_commentCount = 0;
    qint64 m_discardedEventCount = 0;
    quint64 m_generation = 0; // bumped by reset() so feed() notices a handler's reset

    int m_bomMatched = 0;
    bool m_bomPending = true;
    bool m_skipLf = false;
    bool m_eventStarted = false;
    bool m_discarding = false;
    bool m_discardLineStarted = false;
    bool m_feeding = false;
};

} // namespace Net
