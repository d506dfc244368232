// libFuzzer target for Net::HttpResponseParser (app/net/httpresponseparser.h), the plain-http
// client's answer reader. Byte 0: bit 0 = the request was HEAD, bit 1 = small caps (48-byte head,
// 3 headers), the rest picks split points; the remaining bytes are what the server sent. The
// input is fed whole, split at data-derived points, and (inputs up to 256 bytes) byte by byte,
// then the connection is closed. Invariants checked:
// - no crash / sanitizer report;
// - every way of feeding gives the same state, error, status, reason, headers and body;
// - the body is never larger than the input, bodyBytes() equals it, feed() never claims more
//   bytes than it was given, and a finished parser takes no more bytes;
// - at most maxHeaderCount() headers; after connectionClosed() the answer is complete or failed;
// - a complete answer with a Content-Length has exactly that many body bytes; a failed one has
//   an error and a message; an answer to HEAD, a 204 or a 304 has no body.
#include "net/httpresponseparser.h"

#include <QByteArray>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using Net::HttpResponseParser;

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_httpresponseparser: invariant violated: %s\n", what);
    std::abort();
}

struct Outcome
{
    HttpResponseParser::State state;
    HttpResponseParser::Error error;
    int status;
    QByteArray reason;
    QList<HttpResponseParser::Header> headers;
    QByteArray body;
    bool headComplete;
};

Outcome run(const QByteArray &input, bool head, bool smallCaps, const std::vector<qsizetype> &cuts)
{
    HttpResponseParser p(head);
    if (smallCaps) {
        p.setMaxHeadBytes(48);
        p.setMaxHeaderCount(3);
    }
    QByteArray body;
    qsizetype at = 0;
    std::vector<qsizetype> points = cuts;
    points.push_back(input.size());
    for (const qsizetype cut : points) {
        if (cut <= at || cut > input.size())
            continue;
        const QByteArrayView piece = QByteArrayView(input).sliced(at, cut - at);
        const bool finished = p.isComplete() || p.hasFailed();
        const qsizetype used = p.feed(piece, &body);
        if (used < 0 || used > piece.size())
            fail("feed() consumed more than it was given");
        if (finished && used != 0)
            fail("a finished parser took more bytes");
        at = cut;
    }
    p.connectionClosed();
    if (!p.isComplete() && !p.hasFailed())
        fail("not complete nor failed after the connection's end");
    if (body.size() > input.size())
        fail("body larger than the input");
    if (p.bodyBytes() != body.size())
        fail("bodyBytes() differs from the bytes handed out");
    if (p.headers().size() > p.maxHeaderCount())
        fail("more headers than the cap");
    if (p.hasFailed() && (p.error() == HttpResponseParser::Error::None || p.errorText().isEmpty()))
        fail("a failure without an error");
    if (p.isComplete()) {
        if (p.status() < 200 || p.status() > 599)
            fail("complete with a status outside 200..599");
        if ((head || p.status() == 204 || p.status() == 304) && !body.isEmpty())
            fail("a body for HEAD, 204 or 304");
        if (p.contentLength() >= 0 && !p.isChunked() && !head && p.status() != 204
            && p.status() != 304 && body.size() != p.contentLength())
            fail("complete with fewer or more bytes than Content-Length");
    }
    return { p.state(), p.error(), p.status(), p.reasonPhrase(), p.headers(), body,
        p.isHeadComplete() };
}

bool same(const Outcome &a, const Outcome &b)
{
    return a.state == b.state && a.error == b.error && a.status == b.status && a.reason == b.reason
        && a.headers == b.headers && a.body == b.body && a.headComplete == b.headComplete;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t control = data[0];
    const bool head = control & 1;
    const bool smallCaps = control & 2;
    const QByteArray input(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));

    const Outcome whole = run(input, head, smallCaps, {});

    // Split points from the data: every (control >> 2) + 1 bytes, and at the first CR and LF.
    std::vector<qsizetype> cuts;
    const qsizetype step = (control >> 2) + 1;
    for (qsizetype i = step; i < input.size(); i += step)
        cuts.push_back(i);
    if (!same(whole, run(input, head, smallCaps, cuts)))
        fail("split feeding differs from feeding whole");
    std::vector<qsizetype> eol;
    for (const char c : { '\r', '\n' }) {
        const qsizetype i = input.indexOf(c);
        if (i >= 0)
            eol.push_back(i + 1);
    }
    std::sort(eol.begin(), eol.end());
    if (!same(whole, run(input, head, smallCaps, eol)))
        fail("feeding split at the first line end differs");
    if (input.size() <= 256) {
        std::vector<qsizetype> each;
        for (qsizetype i = 1; i < input.size(); ++i)
            each.push_back(i);
        if (!same(whole, run(input, head, smallCaps, each)))
            fail("byte-by-byte feeding differs from feeding whole");
    }
    return 0;
}
