#pragma once

#include <QtGlobal>

namespace Sandbox {

// The bounds of the sandbox's HTTP server (docs/sandbox.md, "Limits"): how big a request may be
// and how long a connection may sit without making progress. Each one is a jobscope-sandbox option.
struct HttpLimits
{
    qint64 maxBodyBytes = 32 * 1024 * 1024; // a request body, Content-Length or chunked (413)
    int maxHeaderLineBytes = 8 * 1024; // the request line, a header line, a chunk-size line (431)
    int maxHeaderBytes = 64 * 1024; // the request line and every header together (431)
    int maxHeaderCount = 100; // header lines of one request, trailers included (431)
    int idleTimeoutMs = 30000; // a keep-alive connection with no request in progress is closed
    int requestTimeoutMs = 10000; // from a request's first byte to its last header, and at most
                                  // this long between two bytes of its body: else 408 and closed
};

} // namespace Sandbox
