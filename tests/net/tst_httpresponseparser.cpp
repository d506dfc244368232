// Net::HttpResponseParser, the plain-http client's answer reader: status line, headers and the
// three body framings (Content-Length, chunked with extensions and trailers, until close) come
// out right whatever the bytes' split, and every malformed or oversized part a hostile server can
// send (status line garbage, bad headers, too many or too large headers, bad chunk sizes, long
// chunk lines, huge trailers, endless 1xx, an early close) fails with its own error.
#include "net/httpresponseparser.h"

#include <QTest>

using Net::HttpResponseParser;
using Error = HttpResponseParser::Error;

namespace {

// Feeds `bytes` in pieces of `step` bytes (0: all at once); returns the body.
QByteArray feedAll(HttpResponseParser &p, const QByteArray &bytes, qsizetype step = 0)
{
    QByteArray body;
    if (step <= 0)
        step = bytes.size() > 0 ? bytes.size() : 1;
    for (qsizetype i = 0; i < bytes.size(); i += step) {
        p.feed(QByteArrayView(bytes).sliced(i, std::min(step, bytes.size() - i)), &body);
        if (p.isComplete() || p.hasFailed())
            break;
    }
    return body;
}

} // namespace

class TestHttpResponseParser final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Proves each framing yields the same head and body when fed whole, byte by byte or in
    // 7-byte pieces.
    void framings_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("closeAtEnd");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("content-length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") << false
            << QByteArray("hello");
        QTest::newRow("content-length twice, same value") << QByteArray(
            "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\n"
            "helloEXTRA") << false << QByteArray("hello");
        QTest::newRow("chunked with extensions and trailer")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5;name=value\r\nhello\r\n1 ; x\r\n \r\nA\r\n0123456789\r\n"
                          "0;last\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n")
            << false << QByteArray("hello 0123456789");
        QTest::newRow("chunked bare LF")
            << QByteArray("HTTP/1.1 200 OK\nTransfer-Encoding: gzip, chunked\n\n3\nabc\n0\n\n")
            << false << QByteArray("abc");
        QTest::newRow("chunked over content-length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: "
                          "Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")
            << false << QByteArray("ok");
        QTest::newRow("until close")
            << QByteArray("HTTP/1.0 200 OK\r\n\r\nto the end") << true << QByteArray("to the end");
        QTest::newRow("transfer-encoding without chunked: until close")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nraw") << true
            << QByteArray("raw");
        QTest::newRow("100 Continue first")
            << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: x\r\n\r\n"
                          "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
            << false << QByteArray("ok");
        QTest::newRow("204 ignores its length")
            << QByteArray("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n") << false
            << QByteArray();
        QTest::newRow("304") << QByteArray("HTTP/1.1 304 Not Modified\r\n\r\n") << false
                             << QByteArray();
        QTest::newRow("empty lines before the status line")
            << QByteArray("\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") << false
            << QByteArray();
    }
    void framings()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, closeAtEnd);
        QFETCH(QByteArray, body);
        for (const qsizetype step : { qsizetype(0), qsizetype(1), qsizetype(7) }) {
            HttpResponseParser p;
            const QByteArray got = feedAll(p, bytes, step);
            if (closeAtEnd) {
                QCOMPARE(p.state(), HttpResponseParser::State::Body);
                p.connectionClosed();
            }
            QVERIFY2(p.isComplete(), qPrintable(p.errorText()));
            QCOMPARE(got, body);
            QCOMPARE(p.bodyBytes(), body.size());
            QVERIFY(p.status() >= 200);
        }
    }

    // Proves the head is read as sent: status, reason, headers in order with their names.
    void headFields()
    {
        HttpResponseParser p;
        feedAll(p,
            "HTTP/1.1 404 Not Found Here\r\nContent-Type: application/json\r\nX-A:  1 \r\n"
            "x-a:2\r\nEmpty:\r\nContent-Length: 0\r\n\r\n");
        QVERIFY(p.isComplete());
        QCOMPARE(p.status(), 404);
        QCOMPARE(p.reasonPhrase(), QByteArray("Not Found Here"));
        QCOMPARE(p.headers().size(), 5);
        QCOMPARE(p.headers().at(1), HttpResponseParser::Header("X-A", "1"));
        QCOMPARE(p.headers().at(2), HttpResponseParser::Header("x-a", "2"));
        QCOMPARE(p.header("x-A"), QByteArray("1"));
        QCOMPARE(p.header("empty"), QByteArray());
        QCOMPARE(p.contentLength(), 0);
        HttpResponseParser noReason;
        feedAll(noReason, "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n");
        QVERIFY(noReason.isComplete());
        QCOMPARE(noReason.reasonPhrase(), QByteArray());
    }

    // Proves an answer to HEAD has no body whatever its Content-Length says.
    void headRequestHasNoBody()
    {
        HttpResponseParser p(true);
        QByteArray body;
        const QByteArray bytes = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nnot a body";
        QCOMPARE(p.feed(bytes, &body), bytes.indexOf("not"));
        QVERIFY(p.isComplete());
        QVERIFY(body.isEmpty());
    }

    // Proves every malformed or oversized part fails with its error, and nothing after it is
    // taken.
    void malformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("error");
        const auto e = [](Error x) {
            return int(x);
        };
        QTest::newRow("garbage status line")
            << QByteArray("SSH-2.0-OpenSSH\r\n\r\n") << e(Error::BadStatusLine);
        QTest::newRow("HTTP/2 status line")
            << QByteArray("HTTP/2 200\r\n\r\n") << e(Error::BadStatusLine);
        QTest::newRow("two-digit status")
            << QByteArray("HTTP/1.1 20 OK\r\n\r\n") << e(Error::BadStatusLine);
        QTest::newRow("status 999")
            << QByteArray("HTTP/1.1 999 What\r\n\r\n") << e(Error::BadStatusLine);
        QTest::newRow("status glued to reason")
            << QByteArray("HTTP/1.1 200OK\r\n\r\n") << e(Error::BadStatusLine);
        QTest::newRow("escape in reason")
            << QByteArray("HTTP/1.1 200 \x1b[31mOK\r\n\r\n") << e(Error::BadStatusLine);
        QTest::newRow("header without colon")
            << QByteArray("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n") << e(Error::BadHeader);
        QTest::newRow("space before colon")
            << QByteArray("HTTP/1.1 200 OK\r\nName : v\r\n\r\n") << e(Error::BadHeader);
        QTest::newRow("obs-fold") << QByteArray("HTTP/1.1 200 OK\r\nA: b\r\n  c\r\n\r\n")
                                  << e(Error::BadHeader);
        QTest::newRow("NUL in value") << QByteArray("HTTP/1.1 200 OK\r\nA: b") + '\0' + "c\r\n\r\n"
                                      << e(Error::BadHeader);
        QTest::newRow("101 not asked for")
            << QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n")
            << e(Error::TooManyInterimAnswers);
        QTest::newRow("endless 100 Continue")
            << QByteArray("HTTP/1.1 100 Continue\r\n\r\n").repeated(20)
            << e(Error::TooManyInterimAnswers);
        QTest::newRow("bad content-length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n")
            << e(Error::BadLength);
        QTest::newRow("negative content-length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") << e(Error::BadLength);
        QTest::newRow("contradictory content-lengths")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")
            << e(Error::BadLength);
        QTest::newRow("19-digit content-length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 9999999999999999999\r\n\r\n")
            << e(Error::BadLength);
        QTest::newRow("chunked not last")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")
            << e(Error::BadLength);
        const QByteArray chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        QTest::newRow("chunk size not hex") << chunked + "zz\r\n" << e(Error::BadChunk);
        QTest::newRow("chunk size empty") << chunked + "\r\n" << e(Error::BadChunk);
        QTest::newRow("chunk size negative") << chunked + "-5\r\nhello\r\n" << e(Error::BadChunk);
        QTest::newRow("chunk size with junk") << chunked + "5 x\r\nhello\r\n" << e(Error::BadChunk);
        QTest::newRow("chunk size overflows") << chunked + "1000000000000000\r\n"
                                              << e(Error::BadChunk);
        QTest::newRow("chunk data not followed by CRLF") << chunked + "2\r\nabc\r\n"
                                                         << e(Error::BadChunk);
        QTest::newRow("chunk line too long") << chunked + "1;" + QByteArray(5000, 'e') + "\r\n"
                                             << e(Error::ChunkLineTooLong);
        QTest::newRow("chunk line without end")
            << chunked + "1" + QByteArray(5000, '0') << e(Error::ChunkLineTooLong);
        QTest::newRow("trailer too large") << chunked + "0\r\n"
                + QByteArray("X-T: 0123456789012345678901234567890\r\n").repeated(2000)
                                           << e(Error::TrailerTooLarge);
        QTest::newRow("trailer line without colon") << chunked + "0\r\nnot a field\r\n\r\n"
                                                    << e(Error::BadChunk);
        QTest::newRow("head over 64 KiB") << QByteArray("HTTP/1.1 200 OK\r\n")
                + ("X-Filler: " + QByteArray(4000, 'f') + "\r\n").repeated(20)
                                          << e(Error::HeadTooLarge);
        QTest::newRow("status line without end")
            << QByteArray("HTTP/1.1 200 ") + QByteArray(70000, 'x') << e(Error::HeadTooLarge);
        QTest::newRow("101 headers")
            << QByteArray("HTTP/1.1 200 OK\r\n") + QByteArray("A: 1\r\n").repeated(101) + "\r\n"
            << e(Error::TooManyHeaders);
    }
    void malformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, error);
        for (const qsizetype step : { qsizetype(0), qsizetype(1), qsizetype(4096) }) {
            HttpResponseParser p;
            QByteArray body;
            feedAll(p, bytes + "MORE BYTES", step);
            QVERIFY2(p.hasFailed(), qPrintable(QStringLiteral("step %1").arg(step)));
            QCOMPARE(int(p.error()), error);
            QVERIFY(!p.errorText().isEmpty());
            // A failed parser takes nothing more.
            QCOMPARE(p.feed("HTTP/1.1 200 OK\r\n\r\n", &body), 0);
            QVERIFY(body.isEmpty());
        }
    }

    // Proves exactly 100 headers and a head of exactly 64 KiB are accepted (the caps are not
    // off by one), and the caps can be set.
    void capsAreExact()
    {
        HttpResponseParser hundred;
        feedAll(hundred,
            QByteArray("HTTP/1.1 200 OK\r\n") + QByteArray("A: 1\r\n").repeated(99)
                + "Content-Length: 0\r\n\r\n");
        QVERIFY2(hundred.isComplete(), qPrintable(hundred.errorText()));
        const QByteArray start = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX: ";
        const QByteArray end = "\r\n\r\n";
        const QByteArray exact = start
            + QByteArray(HttpResponseParser::DefaultMaxHeadBytes - start.size() - end.size(), 'v')
            + end;
        HttpResponseParser full;
        feedAll(full, exact);
        QVERIFY2(full.isComplete(), qPrintable(full.errorText()));
        HttpResponseParser over;
        feedAll(over, start + 'v' + exact.mid(start.size()));
        QCOMPARE(over.error(), Error::HeadTooLarge);
        HttpResponseParser small;
        small.setMaxHeaderCount(2);
        feedAll(small, "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n");
        QCOMPARE(small.error(), Error::TooManyHeaders);
    }

    // Proves the connection's end completes only a close-delimited body: an early close before
    // or within the head, within a Content-Length body or within a chunk is Truncated, with the
    // head known or not.
    void earlyClose_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("headComplete");
        QTest::newRow("nothing") << QByteArray() << false;
        QTest::newRow("half a status line") << QByteArray("HTTP/1.1 2") << false;
        QTest::newRow("half the headers") << QByteArray("HTTP/1.1 200 OK\r\nContent-") << false;
        QTest::newRow("half a body")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345") << true;
        QTest::newRow("half a chunk")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc") << true;
        QTest::newRow("no last chunk")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
            << true;
        QTest::newRow("in the trailer")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n")
            << true;
    }
    void earlyClose()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, headComplete);
        HttpResponseParser p;
        feedAll(p, bytes);
        p.connectionClosed();
        QVERIFY(p.hasFailed());
        QCOMPARE(p.error(), Error::Truncated);
        QCOMPARE(p.isHeadComplete(), headComplete);
    }

    // Proves a 1 GiB announced chunk is handed out as it arrives (the parser keeps no copy):
    // 64 MiB fed in 64 KiB slices leave the body buffer empty after each drain.
    void largeChunkIsStreamed()
    {
        HttpResponseParser p;
        QByteArray body;
        p.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40000000\r\n", &body);
        QCOMPARE(p.state(), HttpResponseParser::State::Body);
        const QByteArray slice(64 * 1024, 'x');
        for (int i = 0; i < 1024; ++i) {
            QCOMPARE(p.feed(slice, &body), slice.size());
            QCOMPARE(body.size(), slice.size());
            body.clear();
        }
        QCOMPARE(p.bodyBytes(), 64LL * 1024 * 1024);
        QVERIFY(!p.isComplete());
    }
};

QTEST_GUILESS_MAIN(TestHttpResponseParser)
#include "tst_httpresponseparser.moc"
