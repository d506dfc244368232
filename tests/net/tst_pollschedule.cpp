// Unit tests of Net::PollSchedule: the geometric sequence and its cap, reset, Retry-After in both
// forms (for the next delay only), 429 back-off, and what polling costs per job.
#include "net/pollschedule.h"

#include <QDateTime>
#include <QTest>

using Net::PollSchedule;

namespace {

QList<qint64> take(PollSchedule &s, int n)
{
    QList<qint64> out;
    for (int i = 0; i < n; ++i)
        out.append(s.nextDelayMs());
    return out;
}

// 2015-10-21 07:28:00 UTC, in ms since the epoch.
constexpr qint64 Now = 1445412480000;

} // namespace

class TestPollSchedule final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The delays grow by the factor from the first one and stay at the cap.
    void geometricSequence()
    {
        PollSchedule s(2000, 2.0, 30000);
        QCOMPARE(
            take(s, 8), (QList<qint64> { 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000 }));
        QCOMPARE(s.pollCount(), 8);
        PollSchedule t(3000, 1.5, 10000);
        QCOMPARE(take(t, 5), (QList<qint64> { 3000, 4500, 6750, 10000, 10000 }));
    }

    // Factor 1 is a fixed interval (Peako's 10 s).
    void fixedInterval()
    {
        PollSchedule s(10000, 1.0, 10000);
        QCOMPARE(take(s, 4), (QList<qint64> { 10000, 10000, 10000, 10000 }));
    }

    // peekDelayMs() does not advance; reset() starts the sequence over.
    void peekAndReset()
    {
        PollSchedule s(1000, 2.0, 8000);
        QCOMPARE(s.peekDelayMs(), 1000);
        QCOMPARE(s.peekDelayMs(), 1000);
        take(s, 3);
        QCOMPARE(s.peekDelayMs(), 8000);
        s.reset();
        QCOMPARE(s.pollCount(), 0);
        QCOMPARE(take(s, 2), (QList<qint64> { 1000, 2000 }));
    }

    // Nonsense construction arguments are clamped to a usable schedule.
    void clampsArguments()
    {
        PollSchedule s(0, 0.5, -5);
        QCOMPARE(s.firstMs(), 1);
        QCOMPARE(s.factor(), 1.0);
        QCOMPARE(s.maxMs(), 1);
        PollSchedule t(5000, 2.0, 1000); // max below first
        QCOMPARE(take(t, 2), (QList<qint64> { 5000, 5000 }));
    }

    // Retry-After in delta-seconds replaces the next delay only; the sequence then carries on.
    void retryAfterSeconds()
    {
        PollSchedule s(2000, 2.0, 30000);
        take(s, 2); // 2 s, 4 s
        QVERIFY(s.noteRetryAfter(" 7 ", Now));
        QCOMPARE(s.peekDelayMs(), 7000);
        QCOMPARE(take(s, 3), (QList<qint64> { 7000, 8000, 16000 }));
        // Below the floor: 0 would let a server make us spin.
        QVERIFY(s.noteRetryAfter("0", Now));
        QCOMPARE(s.nextDelayMs(), PollSchedule::MinRetryAfterMs);
        // Absurdly large values are capped at a day.
        QVERIFY(s.noteRetryAfter("99999999999999999999", Now));
        QCOMPARE(s.nextDelayMs(), PollSchedule::MaxRetryAfterMs);
    }

    // Retry-After as an HTTP-date, in all three RFC 9110 forms, relative to "now".
    void retryAfterDate()
    {
        PollSchedule s(2000, 2.0, 30000);
        QVERIFY(s.noteRetryAfter("Wed, 21 Oct 2015 07:28:42 GMT", Now));
        QCOMPARE(s.nextDelayMs(), 42000);
        QVERIFY(s.noteRetryAfter("Wednesday, 21-Oct-15 07:29:00 GMT", Now));
        QCOMPARE(s.nextDelayMs(), 60000);
        QVERIFY(s.noteRetryAfter("Wed Oct 21 07:28:05 2015", Now));
        QCOMPARE(s.nextDelayMs(), 5000);
        QVERIFY(s.noteRetryAfter("Wed Oct  1 07:28:05 2015", Now)); // asctime pads the day
        QCOMPARE(s.nextDelayMs(), PollSchedule::MinRetryAfterMs); // in the past
        // The regular sequence was not touched by the overrides.
        QCOMPARE(s.nextDelayMs(), 2000);

        QCOMPARE(PollSchedule::parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"),
            std::optional<qint64>(784111777000));
        QCOMPARE(PollSchedule::parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"),
            std::optional<qint64>(784111777000));
        QCOMPARE(PollSchedule::parseHttpDate("Sun Nov  6 08:49:37 1994"),
            std::optional<qint64>(784111777000));
    }

    // Headers that are neither form are ignored and leave the schedule as it was.
    void retryAfterMalformed_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("negative") << QByteArray("-5");
        QTest::newRow("fraction") << QByteArray("1.5");
        QTest::newRow("unit") << QByteArray("10s");
        QTest::newRow("bad month") << QByteArray("Wed, 21 Okt 2015 07:28:00 GMT");
        QTest::newRow("bad day") << QByteArray("Wed, 31 Feb 2015 07:28:00 GMT");
        QTest::newRow("bad time") << QByteArray("Wed, 21 Oct 2015 25:28:00 GMT");
        QTest::newRow("not GMT") << QByteArray("Wed, 21 Oct 2015 07:28:00 +0200");
        QTest::newRow("words") << QByteArray("tomorrow");
    }
    void retryAfterMalformed()
    {
        QFETCH(QByteArray, value);
        PollSchedule s(2000, 2.0, 30000);
        QVERIFY(!s.noteRetryAfter(value, Now));
        QCOMPARE(s.nextDelayMs(), 2000);
    }

    // A 429 without Retry-After doubles the upcoming delay, up to 4 x max, and it stays slowed.
    void rateLimited()
    {
        PollSchedule s(2000, 2.0, 30000);
        take(s, 2); // 2 s, 4 s; next 8 s
        s.noteRateLimited();
        QCOMPARE(take(s, 3), (QList<qint64> { 16000, 30000, 30000 }));
        s.noteRateLimited();
        s.noteRateLimited();
        s.noteRateLimited();
        QCOMPARE(take(s, 2), (QList<qint64> { 120000, 120000 })); // capped at rateLimitCapMs()
        QCOMPARE(s.rateLimitCapMs(), 120000);
        s.reset();
        QCOMPARE(s.nextDelayMs(), 2000);

        // A fixed schedule slows down too, and does not bounce back to its interval.
        PollSchedule fixed(10000, 1.0, 10000);
        fixed.noteRateLimited();
        QCOMPARE(take(fixed, 3), (QList<qint64> { 20000, 20000, 20000 }));
    }

    // The figures for the closing note: status reads a job costs with each schedule; a 5-minute
    // job polled from 2 s doubling to a 30 s cap must cost at most 15 requests, submit included.
    void pollCosts()
    {
        const qint64 fiveMinutes = 5 * 60 * 1000;
        const int geometric2 = PollSchedule::pollsWithin(fiveMinutes, 2000, 2.0, 30000);
        QCOMPARE(geometric2, 13); // reads at 2, 6, 14, 30, 60, 90, ..., 300 s
        QVERIFY(geometric2 + 1 <= 15); // + the submit request
        const int geometric3 = PollSchedule::pollsWithin(fiveMinutes, 3000, 2.0, 60000);
        QCOMPARE(geometric3, 9); // 3, 9, 21, 45, 93, 153, 213, 273, 333 s
        PollSchedule peako(10000, 1.0, 10000);
        QCOMPARE(peako.pollsWithin(30 * 1000), 3);
        QCOMPARE(peako.pollsWithin(fiveMinutes), 30);
        // A job that is already done costs the first read.
        QCOMPARE(peako.pollsWithin(0), 1);
        QCOMPARE(PollSchedule::pollsWithin(30 * 1000, 2000, 2.0, 30000), 4); // 2, 6, 14, 30 s
        QCOMPARE(PollSchedule::pollsWithin(30 * 1000, 3000, 2.0, 60000), 4); // 3, 9, 21, 45 s
        qInfo("status reads for a 5-minute job: 2 s x2 cap 30 s -> %d, 3 s x2 cap 60 s -> %d, "
              "fixed 10 s -> %d (30 s job: %d / %d / %d)",
            geometric2, geometric3, peako.pollsWithin(fiveMinutes),
            PollSchedule::pollsWithin(30000, 2000, 2.0, 30000),
            PollSchedule::pollsWithin(30000, 3000, 2.0, 60000), peako.pollsWithin(30000));
    }
};

QTEST_GUILESS_MAIN(TestPollSchedule)
#include "tst_pollschedule.moc"
