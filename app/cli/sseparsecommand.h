#pragma once

#include <QByteArray>

class QIODevice;

namespace Cli {

// `jobscope-cli sse-parse`: feeds a captured stream to the app's own SSE parser `chunkSize` bytes
// at a time and writes one JSON object per dispatched event ({"type","data","lastEventId"}), then
// {"end": true, "lastEventId": what a reconnect would send, "retry": ms or null}. Returns the exit
// code (0; 3 when the input cannot be read).
class SseParseCommand final
{
public:
    static int run(QIODevice *in, QIODevice *out, int chunkSize, const QByteArray &lastEventId);
};

} // namespace Cli
