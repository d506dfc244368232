#pragma once

#include <QByteArray>

namespace Net {

// One event dispatched by SseParser. All three fields are raw UTF-8 bytes exactly as they came
// off the wire (invalid UTF-8 included); decoding is the consumer's business.
struct SseEvent
{
    // The last "event:" value of the event, or "message" when it had none (or an empty one).
    QByteArray type = QByteArrayLiteral("message");
    // The "data:" values joined with LF, without a trailing LF.
    QByteArray data;
    // The stream's last event ID at dispatch time: the most recent "id:" of this or any earlier
    // event on the stream (or the initial one handed to the parser).
    QByteArray lastEventId;
};

} // namespace Net
