#include "net/sseparser.h"

#include <QRandomGenerator>
#include <QTest>
#include <optional>

using Net::SseEvent;
using Net::SseParser;

namespace Net {

bool operator==(const SseEvent &a, const SseEvent &b)
{
    return a.type == b.type && a.data == b.data && a.lastEventId == b.lastEventId;
}

char *toString(const SseEvent &e)
{
    const QByteArray text = "{type=" + e.type.toPercentEncoding(" {}=\"")
        + " data=" + e.data.toPercentEncoding(" {}=\":,[]/")
        + " id=" + e.lastEventId.toPercentEncoding() + "}";
    return qstrdup(text.constData());
}

} // namespace Net

namespace {

const QByteArray PeelApiStream = QByteArrayLiteral(
    "event: status\n"
    "data: {\"status\":\"processing\",\"output\":null}\n"
    "\n"
    "event: log\n"
    "data: {\"level\":\"info\",\"message\":\"Processing input\",\"created_at\":"
    "\"2025-10-21T10:30:05Z\"}\n"
    "\n"
    "event: result\n"
    "data: {\"images\":[{\"w256\":\"https://x/1_w256.png\",\"w512\":\"https://x/1_w512.png\","
    "\"w1024\":\"https://x/1_w1024.png\",\"full\":\"https://x/1.png\"}],\"request_duration_s\":45,"
    "\"model_id\":\"portrait-1-pro\",\"style_id\":123}\n"
    "\n"
    "event: end\n"
    "data: succeeded\n"
    "\n");

// A literal with embedded NULs, kept whole.
template<std::size_t N> QByteArray bytes(const char (&literal)[N])
{
    return QByteArray(literal, N - 1);
}

SseEvent ev(const QByteArray &type, const QByteArray &data, const QByteArray &id = {})
{
    return SseEvent { type, data, id };
}

// Everything observable after parsing a stream.
struct Outcome
{
    QList<SseEvent> events;
    QByteArray lastEventId;
    std::optional<qint64> retry;
    QList<QByteArray> comments;
    qint64 errors = 0;
    bool unfinished = false;
};

struct Options
{
    QByteArray initialId;
    qsizetype maxEventSize = SseParser::DefaultMaxEventSize;
};

Outcome parseChunks(const QList<QByteArrayView> &chunks, const Options &options = {})
{
    Outcome out;
    SseParser parser(options.initialId);
    parser.setMaxEventSize(options.maxEventSize);
    parser.setEventHandler([&](const SseEvent &e) { out.events.append(e); });
    parser.setCommentHandler([&](QByteArrayView c) { out.comments.append(c.toByteArray()); });
    parser.setErrorHandler([&](SseParser::Error) { ++out.errors; });
    for (QByteArrayView chunk : chunks)
        parser.feed(chunk);
    out.lastEventId = parser.lastEventId();
    out.retry = parser.retry();
    out.unfinished = parser.finish();
    return out;
}

Outcome parseWhole(QByteArrayView input, const Options &options = {})
{
    return parseChunks({ input }, options);
}

Outcome parseBytewise(QByteArrayView input, const Options &options = {})
{
    QList<QByteArrayView> chunks;
    for (qsizetype i = 0; i < input.size(); ++i)
        chunks.append(input.sliced(i, 1));
    return parseChunks(chunks, options);
}

// A deliberately naive, spec-literal oracle (whole input, one byte at a time, data + LF then
// strip), sharing no code with the parser.
Outcome referenceParse(QByteArray input)
{
    Outcome out;
    if (input.startsWith("\xEF\xBB\xBF"))
        input.remove(0, 3);
    QList<QByteArray> lines;
    QByteArray current;
    for (qsizetype i = 0; i < input.size(); ++i) {
        const char c = input.at(i);
        if (c == '\r' || c == '\n') {
            lines.append(current);
            current.clear();
            if (c == '\r' && i + 1 < input.size() && input.at(i + 1) == '\n')
                ++i;
        } else {
            current.append(c);
        }
    }
    QByteArray data, type, idBuffer;
    for (const QByteArray &line : lines) {
        if (line.isEmpty()) {
            out.lastEventId = idBuffer;
            if (data.isEmpty()) {
                type.clear();
                continue;
            }
            data.chop(1);
            out.events.append(ev(type.isEmpty() ? QByteArray("message") : type, data, idBuffer));
            data.clear();
            type.clear();
            continue;
        }
        if (line.startsWith(':')) {
            out.comments.append(line.mid(1));
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        QByteArray field = colon < 0 ? line : line.left(colon);
        QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
        if (value.startsWith(' '))
            value.remove(0, 1);
        if (field == "event") {
            type = value;
        } else if (field == "data") {
            data += value + '\n';
        } else if (field == "id") {
            if (!value.contains('\0'))
                idBuffer = value;
        } else if (field == "retry") {
            bool digits = !value.isEmpty();
            for (char c : value)
                digits = digits && c >= '0' && c <= '9';
            if (digits)
                out.retry = value.toLongLong();
        }
    }
    return out;
}

void compareOutcomes(const Outcome &actual, const Outcome &expected)
{
    QCOMPARE(actual.events, expected.events);
    QCOMPARE(actual.lastEventId, expected.lastEventId);
    QCOMPARE(actual.retry, expected.retry);
    QCOMPARE(actual.comments, expected.comments);
    QCOMPARE(actual.errors, expected.errors);
}

} // namespace

class TestSseParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void peelApiTranscript();
    void lineEndStyles_data();
    void lineEndStyles();
    void crLfSplitAcrossChunks();
    void bomSkippedWholeAndSplit();
    void bomOnlyAtStreamStart();
    void comments();
    void fieldWithoutColon();
    void dataWithAndWithoutSpace();
    void multiLineData();
    void eventWithoutDataNotDispatched();
    void idWithNulIgnored();
    void emptyIdResetsLastEventId();
    void retry();
    void unknownAndMiscasedFieldsIgnored();
    void bytesPassThroughUndecoded();
    void unterminatedEventNotDispatchedAtFinish();
    void resetKeepsLastEventIdAndRetry();
    void initialLastEventId();
    void oversizeEventRejected();
    void oversizeLineMemoryBounded();
    void handlerMayResetMidChunk();
    void exhaustiveSplits_data();
    void exhaustiveSplits();
    void randomStreamsMatchReference();
};

// Proves the PeelAPI documentation stream yields its four events, in order, with their types
// and JSON data untouched, whether fed whole or one byte at a time.
void TestSseParser::peelApiTranscript()
{
    const QList<SseEvent> expected {
        ev("status", R"({"status":"processing","output":null})"),
        ev("log",
            R"({"level":"info","message":"Processing input","created_at":"2025-10-21T10:30:05Z"})"),
        ev("result",
            R"({"images":[{"w256":"https://x/1_w256.png","w512":"https://x/1_w512.png",)"
            R"("w1024":"https://x/1_w1024.png","full":"https://x/1.png"}],)"
            R"("request_duration_s":45,"model_id":"portrait-1-pro","style_id":123})"),
        ev("end", "succeeded"),
    };
    const Outcome whole = parseWhole(PeelApiStream);
    QCOMPARE(whole.events, expected);
    QCOMPARE(whole.lastEventId, QByteArray());
    QCOMPARE(whole.retry, std::nullopt);
    QVERIFY(!whole.unfinished);
    QCOMPARE(parseBytewise(PeelApiStream).events, expected);
}

void TestSseParser::lineEndStyles_data()
{
    QTest::addColumn<QByteArray>("lineEnd");
    QTest::newRow("LF") << QByteArray("\n");
    QTest::newRow("CRLF") << QByteArray("\r\n");
    QTest::newRow("CR") << QByteArray("\r");
}

// Proves LF, CRLF and CR line ends each parse identically to the LF form, whole and byte by
// byte, and that a stream mixing all three does too.
void TestSseParser::lineEndStyles()
{
    QFETCH(QByteArray, lineEnd);
    QByteArray stream = PeelApiStream;
    stream.replace("\n", lineEnd);
    const Outcome expected = parseWhole(PeelApiStream);
    QCOMPARE(expected.events.size(), 4);
    compareOutcomes(parseWhole(stream), expected);
    compareOutcomes(parseBytewise(stream), expected);

    const QByteArray mixed = "id: 1\rdata: a\r\ndata: b\n\r\nevent: e\r\rdata: c\n\r";
    const QList<SseEvent> mixedExpected { ev("message", "a\nb", "1"), ev("message", "c", "1") };
    QCOMPARE(parseWhole(mixed).events, mixedExpected);
    QCOMPARE(parseBytewise(mixed).events, mixedExpected);
}

// Proves a CR ending one chunk and an LF starting the next form a single line end (no extra
// empty line, hence no premature dispatch), even with empty chunks in between, while a CR
// followed by anything else still ends its line at once.
void TestSseParser::crLfSplitAcrossChunks()
{
    QCOMPARE(parseChunks({ "data: a\r", "\ndata: b\r\n\r\n" }).events,
        QList<SseEvent> { ev("message", "a\nb") });
    QCOMPARE(parseChunks({ "data: a\r", "", "", "\ndata: b\r", "\n\r", "\n" }).events,
        QList<SseEvent> { ev("message", "a\nb") });
    // CR then CR: two line ends, the second one empty, so it dispatches.
    QCOMPARE(parseChunks({ "data: a\r", "\rdata: b\r\r" }).events,
        (QList<SseEvent> { ev("message", "a"), ev("message", "b") }));
    // CR LF LF: one line end and then an empty line.
    QCOMPARE(
        parseChunks({ "data: a\r", "\n", "\n" }).events, QList<SseEvent> { ev("message", "a") });
    // A CR ending the chunk dispatches at once; no need to wait for the next byte.
    Outcome out;
    SseParser parser;
    parser.setEventHandler([&](const SseEvent &e) { out.events.append(e); });
    parser.feed("data: now\r\r");
    QCOMPARE(out.events, QList<SseEvent> { ev("message", "now") });
}

// Proves a leading UTF-8 BOM is skipped whether it arrives whole or split 1+2, 2+1 or 1+1+1
// (with empty chunks), and that a lone partial BOM is kept as data of the first line.
void TestSseParser::bomSkippedWholeAndSplit()
{
    const QList<SseEvent> expected { ev("message", "x") };
    QCOMPARE(parseWhole("\xEF\xBB\xBF"
                        "data: x\n\n")
                 .events,
        expected);
    QCOMPARE(parseChunks({ "\xEF",
                             "\xBB\xBF"
                             "data: x\n\n" })
                 .events,
        expected);
    QCOMPARE(parseChunks({ "\xEF\xBB",
                             "\xBF"
                             "data: x\n\n" })
                 .events,
        expected);
    QCOMPARE(parseChunks({ "\xEF", "", "\xBB", "\xBF", "data: x\n\n" }).events, expected);
    QCOMPARE(parseBytewise("\xEF\xBB\xBF"
                           "data: x\n\n")
                 .events,
        expected);
    QCOMPARE(parseChunks({ "\xEF\xBB\xBF", "\n", "data: x\n\n" }).events, expected);
    // "\xEF" + "data" is not the field name "data": the held-back byte was not dropped.
    QVERIFY(parseChunks({ "\xEF", "data: x\n\n" }).events.isEmpty());
    QVERIFY(parseChunks({ "\xEF\xBB", "data: x\n\n" }).events.isEmpty());
    // Likewise "\xEF\xBB:c" is a field, not a comment.
    QVERIFY(parseChunks({ "\xEF", "\xBB:c\n" }).comments.isEmpty());
    QCOMPARE(parseChunks({ "\xEF\xBB\xBF", ":c\n" }).comments, QList<QByteArray> { "c" });
}

// Proves the BOM is skipped once per stream only: a second BOM, or one after the first line,
// is data; and reset() (a new connection) re-arms the skip.
void TestSseParser::bomOnlyAtStreamStart()
{
    QVERIFY(parseWhole("\xEF\xBB\xBF\xEF\xBB\xBF"
                       "data: x\n\n")
                .events.isEmpty());
    QCOMPARE(parseWhole("data: a\n\xEF\xBB\xBF"
                        "data: b\n\n")
                 .events,
        QList<SseEvent> { ev("message", "a") });
    QCOMPARE(parseWhole("data: \xEF\xBB\xBF\n\n").events,
        QList<SseEvent> { ev("message", "\xEF\xBB\xBF") });

    QList<SseEvent> events;
    SseParser parser;
    parser.setEventHandler([&](const SseEvent &e) { events.append(e); });
    parser.feed("\xEF\xBB\xBF"
                "data: 1\n\n");
    parser.reset();
    parser.feed("\xEF\xBB");
    parser.feed("\xBF"
                "data: 2\n\n");
    QCOMPARE(events, (QList<SseEvent> { ev("message", "1"), ev("message", "2") }));
}

// Proves comment lines are counted and reported (bytes after ':'), never dispatch or touch the
// event being built, and that a ':' later in a line does not make it a comment.
void TestSseParser::comments()
{
    const Outcome out = parseWhole(":keep-alive\n\n: ping\ndata: a\n:\ndata: b\n\nx:y\n\n");
    QCOMPARE(out.events, QList<SseEvent> { ev("message", "a\nb") });
    QCOMPARE(out.comments, (QList<QByteArray> { "keep-alive", " ping", "" }));

    SseParser parser;
    parser.feed(": a\r\n:b\r:c\n");
    QCOMPARE(parser.commentCount(), 3);
    QCOMPARE(parser.eventCount(), 0);
}

// Proves a line without a colon is a field named by the whole line with an empty value: "data"
// adds an empty line of data, "event" resets the type to message, "id" clears the id.
void TestSseParser::fieldWithoutColon()
{
    QCOMPARE(parseWhole("data\n\n").events, QList<SseEvent> { ev("message", "") });
    QCOMPARE(parseWhole("data\ndata\n\n").events, QList<SseEvent> { ev("message", "\n") });
    QCOMPARE(
        parseWhole("event: x\nevent\ndata: d\n\n").events, QList<SseEvent> { ev("message", "d") });
    const Outcome out = parseWhole("id: 5\ndata: a\n\nid\ndata: b\n\n");
    QCOMPARE(out.events, (QList<SseEvent> { ev("message", "a", "5"), ev("message", "b", "") }));
    QCOMPARE(out.lastEventId, QByteArray());
}

// Proves exactly one space after the colon is removed: "data:x", "data: x" and "data:  x" give
// "x", "x" and " x"; the same holds for the other fields.
void TestSseParser::dataWithAndWithoutSpace()
{
    const Outcome out = parseWhole("data:x\n\ndata: x\n\ndata:  x\n\ndata:\n\ndata: \n\n"
                                   "event:  t\nid:  7\ndata:x \n\n");
    QCOMPARE(out.events,
        (QList<SseEvent> { ev("message", "x"), ev("message", "x"), ev("message", " x"),
            ev("message", ""), ev("message", ""), ev(" t", "x ", " 7") }));
}

// Proves several data lines join with LF (empty ones included) and only one trailing LF is
// stripped at dispatch.
void TestSseParser::multiLineData()
{
    QCOMPARE(parseWhole("data: a\ndata:\ndata: b\n\n").events,
        QList<SseEvent> { ev("message", "a\n\nb") });
    QCOMPARE(parseWhole("data: a\ndata:\n\n").events, QList<SseEvent> { ev("message", "a\n") });
    QCOMPARE(parseWhole("data: {\ndata:   \"k\": 1\ndata: }\n\n").events,
        QList<SseEvent> { ev("message", "{\n  \"k\": 1\n}") });
}

// Proves an event without data is not dispatched, its type does not leak into the next event,
// but its id still becomes the last event ID.
void TestSseParser::eventWithoutDataNotDispatched()
{
    const Outcome out = parseWhole("event: orphan\nid: 7\n\ndata: next\n\n\n\n");
    QCOMPARE(out.events, QList<SseEvent> { ev("message", "next", "7") });
    QCOMPARE(out.lastEventId, QByteArray("7"));

    SseParser parser;
    parser.feed("id: 9\n\n");
    QCOMPARE(parser.lastEventId(), QByteArray("9"));
    QCOMPARE(parser.eventCount(), 0);
}

// Proves an id containing NUL is ignored entirely (the previous id stays), while NUL is fine in
// data and in the event type.
void TestSseParser::idWithNulIgnored()
{
    const QByteArray stream = bytes("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\nid:\0\ndata: c\0d\n\n");
    const Outcome out = parseWhole(stream);
    QCOMPARE(out.events,
        (QList<SseEvent> {
            ev("message", "a", "1"), ev("message", "b", "1"), ev("message", bytes("c\0d"), "1") }));
    QCOMPARE(out.lastEventId, QByteArray("1"));
}

// Proves "id:" with an empty value resets the last event ID to empty (what a reconnect then
// sends: no Last-Event-ID), and that an id persists over events that do not set one.
void TestSseParser::emptyIdResetsLastEventId()
{
    const Outcome out = parseWhole("id: 1\ndata: a\n\ndata: b\n\nid:\ndata: c\n\n");
    QCOMPARE(out.events,
        (QList<SseEvent> {
            ev("message", "a", "1"), ev("message", "b", "1"), ev("message", "c", "") }));
    QCOMPARE(out.lastEventId, QByteArray());
    QCOMPARE(parseWhole("id: 1\n\nid: \n\n").lastEventId, QByteArray());
}

// Proves retry takes ASCII-digit values only (leading zeros allowed) and ignores anything else:
// "10a", "-1", " 5" (two spaces), "", "1.5", "+3" and values beyond qint64.
void TestSseParser::retry()
{
    QCOMPARE(parseWhole("retry: 3000\n").retry, std::optional<qint64>(3000));
    QCOMPARE(parseWhole("retry:0042\n").retry, std::optional<qint64>(42));
    QCOMPARE(parseWhole("retry: 0\n").retry, std::optional<qint64>(0));
    QCOMPARE(parseWhole("retry: 9223372036854775807\n").retry,
        std::optional<qint64>(std::numeric_limits<qint64>::max()));
    for (const char *bad :
        { "retry: 10a\n", "retry: -1\n", "retry:  5\n", "retry:\n", "retry\n", "retry: 1.5\n",
            "retry: +3\n", "retry: 9223372036854775808\n", "retry: 5 \n", "Retry: 5\n" }) {
        QCOMPARE(parseWhole(bad).retry, std::nullopt);
        // A bad value leaves the previous good one in place.
        QCOMPARE(
            parseWhole(QByteArray(QByteArray("retry: 7\n") + bad)).retry, std::optional<qint64>(7));
    }
    // retry takes effect immediately, with no dispatch and within an unfinished event.
    QCOMPARE(parseWhole("data: x\nretry: 12").retry, std::nullopt);
    QCOMPARE(parseWhole("data: x\nretry: 12\n").retry, std::optional<qint64>(12));
}

// Proves field names are case-sensitive and exact: unknown, miscased or space-prefixed fields
// are ignored without disturbing the event.
void TestSseParser::unknownAndMiscasedFieldsIgnored()
{
    QCOMPARE(parseWhole("Data: x\n DATA: y\n data: z\nfoo: bar\ndatas: w\nevents: q\nid2: 3\n"
                        "data: ok\n\n")
                 .events,
        QList<SseEvent> { ev("message", "ok") });
}

// Proves bytes are never decoded: invalid UTF-8 and multi-byte UTF-8 reach the event verbatim.
void TestSseParser::bytesPassThroughUndecoded()
{
    const QByteArray stream = "event: \xFF\xFE\nid: \xC3\xA9\ndata: \xC3\x28 \xE2\x82\xAC \x80\n\n";
    QCOMPARE(parseWhole(stream).events,
        QList<SseEvent> { ev("\xFF\xFE", "\xC3\x28 \xE2\x82\xAC \x80", "\xC3\xA9") });
}

// Proves finish() drops an event missing its terminating empty line (and its id), reports it,
// and that a stream ending cleanly reports nothing unfinished.
void TestSseParser::unterminatedEventNotDispatchedAtFinish()
{
    for (const QByteArray &stream : { QByteArray("data: a\n\nid: 2\ndata: b\n"),
             QByteArray("data: a\n\nid: 2\ndata: b"), QByteArray("data: a\n\nid: 2\ndata: b\r") }) {
        const Outcome out = parseWhole(stream);
        QCOMPARE(out.events, QList<SseEvent> { ev("message", "a") });
        QCOMPARE(out.lastEventId, QByteArray());
        QVERIFY(out.unfinished);
    }
    QVERIFY(!parseWhole("data: a\n\n").unfinished);
    QVERIFY(!parseWhole(":ping\n").unfinished);
    QVERIFY(parseWhole("data: a\n\n:pi").unfinished);
}

// Proves reset() (new connection) drops the partial line and event, keeps lastEventId and
// retry, and seeds the new stream's id buffer so an id-less event keeps the old id.
void TestSseParser::resetKeepsLastEventIdAndRetry()
{
    QList<SseEvent> events;
    SseParser parser;
    parser.setEventHandler([&](const SseEvent &e) { events.append(e); });
    parser.feed("retry: 500\nid: 41\ndata: a\n\nevent: x\nid: 42\ndata: half");
    parser.reset();
    QCOMPARE(parser.lastEventId(), QByteArray("41"));
    QCOMPARE(parser.retry(), std::optional<qint64>(500));
    QCOMPARE(parser.bufferedBytes(), parser.lastEventId().size());
    parser.feed("\r\n\r\ndata: b\n\n");
    QCOMPARE(events, (QList<SseEvent> { ev("message", "a", "41"), ev("message", "b", "41") }));

    // A pending CR must not swallow the first LF of the next connection.
    parser.feed("data: c\r");
    parser.reset();
    parser.feed("\ndata: d\n\n");
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.last(), ev("message", "d", "41"));
}

// Proves an initial id (e.g. --last-event-id) is reported before any event and carried by
// events without id, via the constructor and via setLastEventId().
void TestSseParser::initialLastEventId()
{
    const Outcome out
        = parseWhole("data: a\n\nid: 8\ndata: b\n\n", { "7", SseParser::DefaultMaxEventSize });
    QCOMPARE(out.events, (QList<SseEvent> { ev("message", "a", "7"), ev("message", "b", "8") }));

    SseParser parser(QByteArray("abc"));
    QCOMPARE(parser.lastEventId(), QByteArray("abc"));
    parser.setLastEventId("xyz");
    QList<SseEvent> events;
    parser.setEventHandler([&](const SseEvent &e) { events.append(e); });
    parser.feed("data: q\n\n");
    QCOMPARE(events, QList<SseEvent> { ev("message", "q", "xyz") });
}

// Proves an event larger than maxEventSize (one long line, or many lines adding up) is
// discarded through its empty line, with its id and type, reported once, and that parsing
// resumes with the next event, whatever the chunking.
void TestSseParser::oversizeEventRejected()
{
    const QByteArray big(100, 'x');
    const QByteArray stream = "id: 1\ndata: ok\n\nid: 2\nevent: t\ndata: " + big
        + "\nid: 3\ndata: more\n\ndata: after\n\n"
        + "data: 01234567890123456789\ndata: 01234567890123456789\n"
        + "data: 01234567890123456789\ndata: 01234567890123456789\n\ndata: end\n\n";
    const Options options { {}, 64 };
    const QList<SseEvent> expected { ev("message", "ok", "1"), ev("message", "after", "1"),
        ev("message", "end", "1") };
    const Outcome whole = parseWhole(stream, options);
    QCOMPARE(whole.events, expected);
    QCOMPARE(whole.errors, 2);
    QCOMPARE(whole.lastEventId, QByteArray("1"));
    compareOutcomes(parseBytewise(stream, options), whole);
    compareOutcomes(parseChunks({ stream.first(40), stream.sliced(40) }, options), whole);

    // Exactly at the limit is accepted.
    const QByteArray fits = "data: " + QByteArray(58, 'y');
    QCOMPARE(fits.size(), 64);
    const Outcome atLimit = parseWhole(QByteArray(fits + "\n\n"), options);
    QCOMPARE(atLimit.errors, 0);
    QCOMPARE(atLimit.events.size(), 1);
    QCOMPARE(parseWhole(QByteArray(fits + "y\n\n"), options).errors, 1);
}

// Proves a hostile endless line never makes the parser hold more than maxEventSize bytes, is
// reported once, and that the stream recovers after the next empty line.
void TestSseParser::oversizeLineMemoryBounded()
{
    SseParser parser;
    parser.setMaxEventSize(1024);
    int errors = 0;
    QList<SseEvent> events;
    parser.setErrorHandler([&](SseParser::Error e) {
        QCOMPARE(e, SseParser::Error::EventTooLarge);
        ++errors;
    });
    parser.setEventHandler([&](const SseEvent &e) { events.append(e); });
    const QByteArray junk(1000, 'z');
    parser.feed("data: ");
    for (int i = 0; i < 2000; ++i) {
        parser.feed(junk);
        QVERIFY(parser.bufferedBytes() <= 1024);
    }
    parser.feed("\ndata: still discarded\n");
    parser.feed("\ndata: fine\n\n");
    QCOMPARE(errors, 1);
    QCOMPARE(parser.discardedEventCount(), 1);
    QCOMPARE(events, QList<SseEvent> { ev("message", "fine") });
}

// Proves a handler may reset() the parser (e.g. on an "end" event) and that the rest of the
// chunk being fed is then dropped rather than parsed into the next connection.
void TestSseParser::handlerMayResetMidChunk()
{
    SseParser parser;
    QList<SseEvent> events;
    parser.setEventHandler([&](const SseEvent &e) {
        events.append(e);
        if (e.type == "end")
            parser.reset();
    });
    parser.feed("id: 1\nevent: end\ndata: done\n\ndata: stale\n\n");
    QCOMPARE(events, QList<SseEvent> { ev("end", "done", "1") });
    QCOMPARE(parser.lastEventId(), QByteArray("1"));
    parser.feed("data: fresh\n\n");
    QCOMPARE(events.last(), ev("message", "fresh", "1"));
}

void TestSseParser::exhaustiveSplits_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<qsizetype>("maxEventSize");
    const QList<QByteArray> inputs {
        "\xEF\xBB\xBF"
        "data: a\r\n\r\nid: 1\rdata:b\r\rdata: c\n\n",
        "data: x\r\ndata\r\n\r\n:c\nevent: e\rdata:  y\n\n",
        "id: 1\n\nid\ndata: q\r\n\r\nretry: 15\r\nretry: x\n\n",
        "data:a\r\r\n\r\ndata:b\n\r\n\rdata:c\r\n\r\n",
        "\xEF\xBB"
        "data: z\n\n\xEF\xBB\xBF:x\r\ndata: w\r\r",
        bytes("id: a\0b\ndata: 1\n\nevent:\ndata\n\ndata: end"),
        "\r\n\r\n\n\r:\r\n:x\rdata: \xFF\n\nid:\n\ndata:\r\n\r\n",
        "event: status\ndata: {\"s\":\"processing\"}\n\nevent: end\ndata: ok\n\n",
    };
    int i = 0;
    for (const QByteArray &input : inputs) {
        QVERIFY(input.size() <= 64);
        QTest::addRow("input%d", i) << input << SseParser::DefaultMaxEventSize;
        QTest::addRow("input%d-max12", i) << input << qsizetype(12);
        ++i;
    }
}

// Proves chunking never changes the result: for short inputs every 2-chunk split, every 3-chunk
// split (all pairs of split points, empty chunks included) and byte-by-byte feeding give exactly
// the events, id, retry, comments and errors of feeding it whole, which (without a size limit)
// also match the naive spec-literal reference parser.
void TestSseParser::exhaustiveSplits()
{
    QFETCH(QByteArray, input);
    QFETCH(qsizetype, maxEventSize);
    const Options options { {}, maxEventSize };
    const Outcome whole = parseWhole(input, options);
    if (maxEventSize == SseParser::DefaultMaxEventSize) {
        QVERIFY(!whole.events.isEmpty());
        compareOutcomes(whole, referenceParse(input));
    }
    const QByteArrayView view(input);
    const qsizetype n = view.size();
    for (qsizetype i = 0; i <= n; ++i) {
        compareOutcomes(parseChunks({ view.first(i), view.sliced(i) }, options), whole);
        for (qsizetype j = i; j <= n; ++j) {
            compareOutcomes(
                parseChunks({ view.first(i), view.sliced(i, j - i), view.sliced(j) }, options),
                whole);
            if (QTest::currentTestFailed()) {
                qWarning("split at %lld and %lld", qlonglong(i), qlonglong(j));
                return;
            }
        }
    }
    compareOutcomes(parseBytewise(input, options), whole);
}

// Proves, on a few thousand pseudo-random streams built from tricky fragments (every line end,
// BOM, NUL, colons, spaces, runs long enough to reach the vectorised line-end search at every
// offset) and cut into random chunks, that the parser agrees with the naive reference parser.
// The seed is fixed, so failures reproduce.
void TestSseParser::randomStreamsMatchReference()
{
    const QList<QByteArray> fragments {
        "data",
        "data:",
        "data: ",
        "id",
        "id: ",
        "event",
        "event:",
        "retry:",
        "retry: 12",
        ":",
        " ",
        "x",
        "\xEF\xBB\xBF",
        bytes("\0"),
        "\r",
        "\n",
        "\r\n",
        "\n\n",
        "\r\r",
        "9",
        "message",
        "\xC3\xA9",
        QByteArray(13, 'a'),
        QByteArray(37, 'b'),
        QByteArray(70, 'c'),
    };
    QRandomGenerator rng(20251021);
    for (int round = 0; round < 3000; ++round) {
        QByteArray stream;
        const int pieces = rng.bounded(1, 60);
        for (int k = 0; k < pieces; ++k)
            stream += fragments.at(rng.bounded(int(fragments.size())));
        const Outcome expected = referenceParse(stream);
        QList<QByteArrayView> chunks;
        QByteArrayView rest(stream);
        while (!rest.isEmpty()) {
            // Mostly small chunks, sometimes large ones that hold whole lines.
            const int limit = rng.bounded(4) == 0 ? 300 : 9;
            const qsizetype len = qMin<qsizetype>(rng.bounded(0, limit), rest.size());
            chunks.append(rest.first(len));
            rest = rest.sliced(len);
        }
        compareOutcomes(parseChunks(chunks), expected);
        if (QTest::currentTestFailed()) {
            qWarning("stream: %s", stream.toPercentEncoding().constData());
            return;
        }
    }
}

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sseparser.moc"
