#include "net/pollschedule.h"

#include <QDate>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace Net {

namespace {

// Every bound stays far from qint64 overflow: 4 x a day is the largest value ever computed.
constexpr qint64 MaxIntervalMs = 24 * 3600 * 1000;

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && isOws(v.front()))
        v = v.sliced(1);
    while (!v.isEmpty() && isOws(v.back()))
        v.chop(1);
    return v;
}

bool allDigits(QByteArrayView v)
{
    return !v.isEmpty()
        && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Non-negative decimal without sign or spaces; nullopt when not digits or beyond `limit`.
std::optional<qint64> number(QByteArrayView v, qint64 limit)
{
    if (!allDigits(v))
        return std::nullopt;
    qint64 n = 0;
    for (char c : v) {
        n = n * 10 + (c - '0');
        if (n > limit)
            return std::nullopt;
    }
    return n;
}

// Splits on spaces, dropping empty pieces (asctime pads single-digit days with a space).
QList<QByteArrayView> words(QByteArrayView v)
{
    QList<QByteArrayView> out;
    qsizetype start = -1;
    for (qsizetype i = 0; i <= v.size(); ++i) {
        const bool sep = i == v.size() || v[i] == ' ';
        if (sep && start >= 0) {
            out.append(v.sliced(start, i - start));
            start = -1;
        } else if (!sep && start < 0) {
            start = i;
        }
    }
    return out;
}

int monthNumber(QByteArrayView name)
{
    static constexpr std::array<const char *, 12> Months
        = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    for (int i = 0; i < 12; ++i) {
        if (name == QByteArrayView(Months[size_t(i)]))
            return i + 1;
    }
    return 0;
}

// "hh:mm:ss" as seconds of the day.
std::optional<int> timeOfDay(QByteArrayView v)
{
    if (v.size() != 8 || v[2] != ':' || v[5] != ':')
        return std::nullopt;
    const auto h = number(v.sliced(0, 2), 23);
    const auto m = number(v.sliced(3, 2), 59);
    const auto s = number(v.sliced(6, 2), 60); // a leap second is legal in an HTTP-date
    if (!h || !m || !s)
        return std::nullopt;
    return int(*h * 3600 + *m * 60 + std::min<qint64>(*s, 59));
}

std::optional<qint64> epochMs(
    qint64 year, QByteArrayView month, QByteArrayView day, QByteArrayView time)
{
    const int mon = monthNumber(month);
    const auto d = number(day, 31);
    const auto secs = timeOfDay(time);
    if (!mon || !d || !secs)
        return std::nullopt;
    const QDate date(int(year), mon, int(*d));
    if (!date.isValid())
        return std::nullopt;
    const qint64 days = date.toJulianDay() - QDate(1970, 1, 1).toJulianDay();
    return (days * 86400 + *secs) * 1000;
}

} // namespace

PollSchedule::PollSchedule(qint64 firstMs, double factor, qint64 maxMs)
    : m_firstMs(std::clamp<qint64>(firstMs, 1, MaxIntervalMs))
    , m_factor(std::isfinite(factor) ? std::max(1.0, factor) : 1.0)
    , m_maxMs(std::clamp<qint64>(maxMs, m_firstMs, MaxIntervalMs))
    , m_next(m_firstMs)
{ }

qint64 PollSchedule::advanced(qint64 delay) const
{
    // Never below the current delay: after noteRateLimited() pushed it past maxMs it stays there.
    const qint64 ceiling = std::max(m_maxMs, delay);
    const double grown = double(delay) * m_factor;
    return grown >= double(ceiling) ? ceiling : std::max(delay, qint64(std::llround(grown)));
}

qint64 PollSchedule::nextDelayMs()
{
    ++m_polls;
    if (m_override) {
        const qint64 d = *m_override;
        m_override.reset();
        return d;
    }
    const qint64 d = m_next;
    m_next = advanced(m_next);
    return d;
}

qint64 PollSchedule::peekDelayMs() const
{
    return m_override ? *m_override : m_next;
}

void PollSchedule::reset()
{
    m_next = m_firstMs;
    m_override.reset();
    m_polls = 0;
}

bool PollSchedule::noteRetryAfter(QByteArrayView headerValue, qint64 nowMs)
{
    const auto delay = parseRetryAfter(headerValue, nowMs);
    if (!delay)
        return false;
    m_override = std::clamp(*delay, MinRetryAfterMs, MaxRetryAfterMs);
    return true;
}

void PollSchedule::noteRateLimited()
{
    m_next = std::min(m_next * 2, rateLimitCapMs());
}

int PollSchedule::pollsWithin(qint64 durationMs) const
{
    return pollsWithin(durationMs, m_firstMs, m_factor, m_maxMs);
}

int PollSchedule::pollsWithin(qint64 durationMs, qint64 firstMs, double factor, qint64 maxMs)
{
    PollSchedule s(firstMs, factor, maxMs);
    qint64 t = 0;
    int polls = 0;
    do {
        t += s.nextDelayMs();
        ++polls;
    } while (t < durationMs && polls < std::numeric_limits<int>::max());
    return polls;
}

std::optional<qint64> PollSchedule::parseRetryAfter(QByteArrayView value, qint64 nowMs)
{
    const QByteArrayView v = trimmed(value);
    if (allDigits(v)) {
        // Retry-After = HTTP-date / delay-seconds, and delay-seconds = 1*DIGIT.
        const auto secs = number(v, MaxIntervalMs / 1000);
        return secs ? *secs * 1000 : MaxIntervalMs;
    }
    const auto at = parseHttpDate(v);
    if (!at)
        return std::nullopt;
    return std::max<qint64>(0, *at - nowMs);
}

std::optional<qint64> PollSchedule::parseHttpDate(QByteArrayView value)
{
    const QByteArrayView v = trimmed(value);
    const qsizetype comma = v.indexOf(',');
    if (comma < 0) {
        // asctime-date: "Sun Nov  6 08:49:37 1994"
        const QList<QByteArrayView> w = words(v);
        if (w.size() != 5 || w[4].size() != 4)
            return std::nullopt;
        const auto year = number(w[4], 9999);
        if (!year)
            return std::nullopt;
        return epochMs(*year, w[1], w[2], w[3]);
    }
    const QList<QByteArrayView> w = words(v.sliced(comma + 1));
    if (w.size() == 3 && w[0].size() == 9 && w[0][2] == '-' && w[0][6] == '-') {
        // rfc850-date: "Sunday, 06-Nov-94 08:49:37 GMT"; two-digit years below 70 are 20xx.
        if (w[2] != "GMT")
            return std::nullopt;
        const auto yy = number(w[0].sliced(7, 2), 99);
        if (!yy)
            return std::nullopt;
        return epochMs(
            *yy < 70 ? 2000 + *yy : 1900 + *yy, w[0].sliced(3, 3), w[0].sliced(0, 2), w[1]);
    }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (w.size() != 5 || w[4] != "GMT" || w[2].size() != 4)
        return std::nullopt;
    const auto year = number(w[2], 9999);
    if (!year)
        return std::nullopt;
    return epochMs(*year, w[1], w[0], w[3]);
}

} // namespace Net
