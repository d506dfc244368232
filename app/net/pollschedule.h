#pragma once

#include <QByteArrayView>
#include <QtGlobal>
#include <optional>

namespace Net {

// When to read a job's status next, for dialects without a push channel (or as the fallback when
// one drops). Pure arithmetic: no timers, no clock of its own; the caller owns the QTimer and
// passes "now" where a wall-clock time matters.
//
// Contract:
// - The regular sequence is firstMs, firstMs*factor, firstMs*factor^2, ... capped at maxMs
//   (factor 1 gives a fixed interval). nextDelayMs() returns the delay to wait before the next
//   status read and advances; reset() starts over (e.g. after the job left the queue, or a new
//   job).
// - noteRetryAfter() honours an HTTP Retry-After header (delta-seconds, or an HTTP-date in any of
//   the three RFC 9110 forms) for the NEXT delay only: that delay becomes exactly what the server
//   asked for (at least MinRetryAfterMs, at most MaxRetryAfterMs); the regular sequence then
//   carries on where it was. A value that cannot be parsed is ignored (returns false).
// - noteRateLimited() is for a 429 without Retry-After: the upcoming delay doubles (capped at
//   rateLimitCapMs() = 4 x maxMs), and the schedule never drops back below it until reset(), so
//   a fixed-interval schedule slows down too.
// - pollsWithin(d) is the number of status reads a job finishing d ms after submission costs with
//   a fresh schedule (the first read happens firstMs after submission; the read that sees the
//   terminal state is counted). It does not include the submit request itself.
class PollSchedule
{
public:
    // A Retry-After of 0 (or a date in the past) is taken as this, so a server repeating it
    // cannot make the client spin.
    static constexpr qint64 MinRetryAfterMs = 1000;
    // A day: anything longer is a broken or hostile header.
    static constexpr qint64 MaxRetryAfterMs = 24 * 3600 * 1000;

    // Out-of-range arguments are clamped: firstMs >= 1, factor >= 1, maxMs >= firstMs.
    PollSchedule(qint64 firstMs, double factor, qint64 maxMs);

    qint64 nextDelayMs();
    // What nextDelayMs() would return, without advancing.
    qint64 peekDelayMs() const;
    void reset();

    // `nowMs`: milliseconds since the Unix epoch (QDateTime::currentMSecsSinceEpoch()), used for
    // the HTTP-date form. Returns true when the header was understood.
    bool noteRetryAfter(QByteArrayView headerValue, qint64 nowMs);
    void noteRateLimited();

    // How many delays nextDelayMs() has handed out since construction or reset().
    int pollCount() const { return m_polls; }

    qint64 firstMs() const { return m_firstMs; }
    double factor() const { return m_factor; }
    qint64 maxMs() const { return m_maxMs; }
    qint64 rateLimitCapMs() const { return m_maxMs * 4; }

    int pollsWithin(qint64 durationMs) const;
    static int pollsWithin(qint64 durationMs, qint64 firstMs, double factor, qint64 maxMs);

    // The Retry-After value as a delay from nowMs (not clamped); nullopt when malformed.
    static std::optional<qint64> parseRetryAfter(QByteArrayView value, qint64 nowMs);
    // An HTTP-date (IMF-fixdate, RFC 850 or asctime) as milliseconds since the epoch.
    static std::optional<qint64> parseHttpDate(QByteArrayView value);

private:
    qint64 advanced(qint64 delay) const;

    qint64 m_firstMs;
    double m_factor;
    qint64 m_maxMs;
    qint64 m_next;
    std::optional<qint64> m_override; // a Retry-After for the next delay only
    int m_polls = 0;
};

} // namespace Net
