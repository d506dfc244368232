// libFuzzer target for Net::SseParser (app/net/sseparser.h).
// The input is fed whole, split at a few data-derived points, and (for short inputs) byte by
// byte; every way of feeding must give the same events. Invariants checked:
// - no crash / sanitizer report;
// - an event's data is never larger than the input, nor is its type;
// - lastEventId never contains a NUL byte (an "id" with NUL is ignored);
// - the event count matches the number of handler calls, and feeding in chunks gives the same
//   events, comments, lastEventId and retry as feeding in one piece.
#include "net/sseparser.h"

#include <QByteArray>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

namespace {

struct Run
{
    std::vector<Net::SseEvent> events;
    std::vector<QByteArray> comments;
    QByteArray lastEventId;
    std::optional<qint64> retry;
    qint64 eventCount = 0;
    qint64 discarded = 0;
    int errors = 0;
    bool finishDiscarded = false;
};

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_sseparser: invariant violated: %s\n", what);
    std::abort();
}

Run feedSplit(const QByteArray &input, const std::vector<qsizetype> &cuts, qsizetype maxEventSize)
{
    Run r;
    Net::SseParser p;
    if (maxEventSize > 0)
        p.setMaxEventSize(maxEventSize);
    p.setEventHandler([&](const Net::SseEvent &e) {
        if (e.data.size() > input.size())
            fail("event data larger than the input");
        if (e.type.size() > input.size() && e.type != "message")
            fail("event type larger than the input");
        if (e.lastEventId.contains('\0'))
            fail("event lastEventId contains NUL");
        if (maxEventSize > 0 && e.data.size() > maxEventSize)
            fail("event data larger than maxEventSize");
        r.events.push_back(e);
        r.events.back().type.detach();
        r.events.back().data.detach();
        r.events.back().lastEventId.detach();
    });
    p.setCommentHandler([&](QByteArrayView c) { r.comments.push_back(c.toByteArray()); });
    p.setErrorHandler([&](Net::SseParser::Error) { ++r.errors; });

    qsizetype pos = 0;
    for (qsizetype cut : cuts) {
        if (cut < pos || cut > input.size())
            continue;
        p.feed(QByteArrayView(input.constData() + pos, cut - pos));
        pos = cut;
        if (p.lastEventId().contains('\0'))
            fail("lastEventId contains NUL");
    }
    p.feed(QByteArrayView(input.constData() + pos, input.size() - pos));
    if (p.lastEventId().contains('\0'))
        fail("lastEventId contains NUL");
    (void)p.bufferedBytes();
    r.finishDiscarded = p.finish();
    r.lastEventId = p.lastEventId();
    r.retry = p.retry();
    r.eventCount = p.eventCount();
    r.discarded = p.discardedEventCount();
    if (r.eventCount != qint64(r.events.size()))
        fail("eventCount() differs from the number of dispatched events");
    if (r.lastEventId.contains('\0'))
        fail("lastEventId contains NUL after finish");
    if (r.lastEventId.size() > input.size())
        fail("lastEventId larger than the input");
    return r;
}

void compare(const Run &a, const Run &b, const char *how)
{
    auto bad = [how](const char *what) {
        std::fprintf(stderr, "fuzz_sseparser: %s differs when fed %s\n", what, how);
        std::abort();
    };
    if (a.events.size() != b.events.size())
        bad("event count");
    for (size_t i = 0; i < a.events.size(); ++i) {
        if (a.events[i].type != b.events[i].type)
            bad("event type");
        if (a.events[i].data != b.events[i].data)
            bad("event data");
        if (a.events[i].lastEventId != b.events[i].lastEventId)
            bad("event lastEventId");
    }
    if (a.comments != b.comments)
        bad("comments");
    if (a.lastEventId != b.lastEventId)
        bad("lastEventId");
    if (a.retry != b.retry)
        bad("retry");
    if (a.discarded != b.discarded)
        bad("discardedEventCount");
    if (a.finishDiscarded != b.finishDiscarded)
        bad("finish() result");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input
        = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));

    const Run whole = feedSplit(input, {}, 0);

    // A few data-derived split points (sorted).
    std::vector<qsizetype> cuts;
    if (size > 1) {
        const uint32_t seed
            = data[0] | (uint32_t(data[size - 1]) << 8) | (uint32_t(data[size / 2]) << 16);
        for (int i = 0; i < 4; ++i)
            cuts.push_back(qsizetype((seed >> (i * 5)) % (size + 1)));
        cuts.push_back(qsizetype(size / 2));
        std::sort(cuts.begin(), cuts.end());
        compare(whole, feedSplit(input, cuts, 0), "in a few chunks");
    }

    if (size <= 128) {
        std::vector<qsizetype> every;
        for (size_t i = 1; i < size; ++i)
            every.push_back(qsizetype(i));
        compare(whole, feedSplit(input, every, 0), "byte by byte");
    }

    // A tiny size limit exercises the discard path; its result is only checked for invariants.
    if (size > 0)
        (void)feedSplit(input, cuts, 1 + data[0] % 32);

    // reset() between two halves: lastEventId must survive, never gain a NUL.
    {
        Net::SseParser p(QByteArrayLiteral("seed-id"));
        p.feed(QByteArrayView(input.constData(), input.size() / 2));
        p.reset();
        p.feed(
            QByteArrayView(input.constData() + input.size() / 2, input.size() - input.size() / 2));
        p.finish();
        if (p.lastEventId().contains('\0'))
            fail("lastEventId contains NUL after reset");
    }
    return 0;
}
