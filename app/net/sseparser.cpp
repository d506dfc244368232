#include "net/sseparser.h"

#include <QtAlgorithms>
#include <QtNumeric>
#include <algorithm>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define JOBSCOPE_SSE_AVX2 1
#include <immintrin.h>
#else
#define JOBSCOPE_SSE_AVX2 0
#endif

namespace Net {

namespace {

constexpr unsigned char Bom[3] = { 0xEF, 0xBB, 0xBF };

// Buffers that grew past this are freed rather than kept for reuse, so one huge (or hostile)
// event does not pin megabytes for the rest of the connection.
constexpr qsizetype MaxKeptCapacity = 1024 * 1024;

const QByteArray &messageType()
{
    static const QByteArray type = QByteArrayLiteral("message");
    return type;
}

// Finding the first CR or LF is most of the work (data lines are long), so it is done in one
// vector pass looking for both: two memchr passes, one per byte value, cost about twice as much.
const char *findLineEndScalar(const char *p, const char *end)
{
    for (; p != end; ++p) {
        if (*p == '\n' || *p == '\r')
            return p;
    }
    return end;
}

#if defined(__SSE2__)
const char *findLineEndSse2(const char *p, const char *end)
{
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    const auto hits = [&](const char *at) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(at));
        return _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr));
    };
    while (end - p >= 64) {
        const __m128i a = hits(p);
        const __m128i b = hits(p + 16);
        const __m128i c = hits(p + 32);
        const __m128i d = hits(p + 48);
        if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)))) {
            const quint64 mask = quint64(uint(_mm_movemask_epi8(a)))
                | quint64(uint(_mm_movemask_epi8(b))) << 16
                | quint64(uint(_mm_movemask_epi8(c))) << 32
                | quint64(uint(_mm_movemask_epi8(d))) << 48;
            return p + qCountTrailingZeroBits(mask);
        }
        p += 64;
    }
    while (end - p >= 16) {
        if (const uint mask = uint(_mm_movemask_epi8(hits(p))))
            return p + qCountTrailingZeroBits(mask);
        p += 16;
    }
    return findLineEndScalar(p, end);
}
#endif

#if JOBSCOPE_SSE_AVX2
// Built for AVX2 whatever the target flags (Debian builds for baseline x86-64) and used only
// when the CPU has it.
__attribute__((target("avx2"))) inline __m256i lineEndsAvx2(const char *at)
{
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(at));
    return _mm256_or_si256(
        _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n')), _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\r')));
}

__attribute__((target("avx2"))) const char *findLineEndAvx2(const char *p, const char *end)
{
    while (end - p >= 64) {
        const __m256i a = lineEndsAvx2(p);
        const __m256i b = lineEndsAvx2(p + 32);
        const __m256i any = _mm256_or_si256(a, b);
        if (!_mm256_testz_si256(any, any)) {
            const quint64 mask = quint64(uint(_mm256_movemask_epi8(a)))
                | quint64(uint(_mm256_movemask_epi8(b))) << 32;
            return p + qCountTrailingZeroBits(mask);
        }
        p += 64;
    }
    return findLineEndSse2(p, end);
}

const bool HasAvx2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
}();
#endif

const char *findLineEnd(const char *p, const char *end)
{
#if JOBSCOPE_SSE_AVX2
    if (HasAvx2)
        return findLineEndAvx2(p, end);
#endif
#if defined(__SSE2__)
    return findLineEndSse2(p, end);
#else
    return findLineEndScalar(p, end);
#endif
}

// resize() keeps the capacity of an unshared array, so once warm these never allocate; they
// only allocate when the event handler kept a copy of the previous value.
void setBytes(QByteArray &dst, const char *src, std::size_t size)
{
    dst.resize(qsizetype(size));
    if (size)
        std::memcpy(dst.data(), src, size);
}

void appendBytes(QByteArray &dst, const char *src, qsizetype size)
{
    const qsizetype old = dst.size();
    dst.resize(old + size);
    if (size)
        std::memcpy(dst.data() + old, src, std::size_t(size));
}

bool sameBytes(const QByteArray &a, const std::string &b)
{
    return std::size_t(a.size()) == b.size() && std::memcmp(a.constData(), b.data(), b.size()) == 0;
}

void emptyBuffer(QByteArray &buffer)
{
    if (buffer.capacity() > MaxKeptCapacity)
        buffer.clear();
    else
        buffer.resize(0);
}

} // namespace

SseParser::SseParser(const QByteArray &lastEventId)
{
    setLastEventId(lastEventId);
}

void SseParser::setEventHandler(EventHandler handler)
{
    m_eventHandler = std::move(handler);
}

void SseParser::setCommentHandler(CommentHandler handler)
{
    m_commentHandler = std::move(handler);
}

void SseParser::setErrorHandler(ErrorHandler handler)
{
    m_errorHandler = std::move(handler);
}

void SseParser::setMaxEventSize(qsizetype bytes)
{
    m_maxEventSize = std::max<qsizetype>(bytes, 1);
}

void SseParser::setLastEventId(const QByteArray &id)
{
    // A deep copy: sharing the caller's array would cost a reallocation on the first dispatch.
    setBytes(m_event.lastEventId, id.constData(), std::size_t(id.size()));
    m_idBuffer.assign(id.constData(), std::size_t(id.size()));
}

qsizetype SseParser::bufferedBytes() const
{
    return m_line.size() + m_event.data.size() + qsizetype(m_typeBuffer.size())
        + qsizetype(m_idBuffer.size());
}

void SseParser::feed(QByteArrayView chunk)
{
    Q_ASSERT_X(!m_feeding, "SseParser::feed", "must not be called from a handler");
    const char *p = chunk.data();
    const char *const end = p + chunk.size();
    if (p == end)
        return;

    const quint64 generation = m_generation;
    if (m_bomPending) {
        while (p != end && m_bomMatched < 3 && uchar(*p) == Bom[m_bomMatched]) {
            ++p;
            ++m_bomMatched;
        }
        if (m_bomMatched == 3) {
            m_bomPending = false;
        } else if (p != end) {
            // Not a BOM after all: the bytes held back start the first line. They contain no
            // line break, so they simply prefix the partial line.
            m_bomPending = false;
            appendPartialLine(reinterpret_cast<const char *>(Bom),
                reinterpret_cast<const char *>(Bom) + m_bomMatched);
            if (m_generation != generation)
                return; // an error handler reset the parser
        } else {
            return; // still undecided, the rest of the BOM may come with the next chunk
        }
    }

    if (m_skipLf && p != end) {
        m_skipLf = false;
        if (*p == '\n')
            ++p;
    }

    m_feeding = true;
    while (p != end) {
        const char *const eol = findLineEnd(p, end);
        if (eol == end) {
            appendPartialLine(p, end);
            break;
        }

        if (m_discarding) {
            const bool emptyLine = !m_discardLineStarted && p == eol;
            m_discardLineStarted = false;
            if (emptyLine)
                m_discarding = false; // the oversized event ended; parse normally again
        } else if (!m_line.isEmpty()) {
            if (m_line.size() + (eol - p) + m_event.data.size() > m_maxEventSize) {
                discardEvent();
                m_discardLineStarted = false; // that line ends here
            } else {
                appendBytes(m_line, p, eol - p);
                processLine(m_line);
                emptyBuffer(m_line);
            }
        } else if ((eol - p) + m_event.data.size() > m_maxEventSize) {
            discardEvent();
            m_discardLineStarted = false;
        } else {
            processLine(QByteArrayView(p, eol - p));
        }

        if (*eol == '\r') {
            if (eol + 1 == end)
                m_skipLf = true; // an LF opening the next chunk belongs to this CR
            p = (eol + 1 != end && eol[1] == '\n') ? eol + 2 : eol + 1;
        } else {
            p = eol + 1;
        }
        if (m_generation != generation)
            break; // a handler reset the parser: the rest of this chunk is stale
    }
    m_feeding = false;
}

void SseParser::appendPartialLine(const char *begin, const char *end)
{
    if (begin == end)
        return;
    if (m_discarding) {
        m_discardLineStarted = true;
        return;
    }
    if (m_line.size() + (end - begin) + m_event.data.size() > m_maxEventSize) {
        discardEvent();
        m_discardLineStarted = true;
        return;
    }
    appendBytes(m_line, begin, end - begin);
}

void SseParser::processLine(QByteArrayView line)
{
    if (line.isEmpty()) {
        dispatch();
        return;
    }
    const char *const s = line.data();
    if (s[0] == ':') {
        ++m_commentCount;
        if (m_commentHandler)
            m_commentHandler(line.sliced(1));
        return;
    }
    m_eventStarted = true;
    qsizetype nameLength;
    // Most lines are "data:", so spare them the search for the colon.
    if (line.size() >= 5 && std::memcmp(s, "data:", 5) == 0) {
        nameLength = 4;
    } else if (const void *colon = std::memchr(s, ':', std::size_t(line.size()))) {
        nameLength = static_cast<const char *>(colon) - s;
    } else {
        processField(line, {});
        return;
    }
    qsizetype valueStart = nameLength + 1;
    if (valueStart < line.size() && s[valueStart] == ' ')
        ++valueStart;
    processField(line.first(nameLength), line.sliced(valueStart));
}

void SseParser::processField(QByteArrayView field, QByteArrayView value)
{
    const char *const name = field.data();
    const std::size_t size = std::size_t(value.size());
    switch (field.size()) {
    case 2:
        if (name[0] == 'i' && name[1] == 'd' && (!size || !std::memchr(value.data(), 0, size)))
            m_idBuffer.assign(value.data(), size);
        break;
    case 4:
        if (std::memcmp(name, "data", 4) == 0) {
            // The spec appends value + LF and strips the final LF at dispatch; putting the LF
            // before every value but the first gives the same bytes without the strip.
            if (m_dataLines++ > 0)
                m_event.data.append('\n');
            appendBytes(m_event.data, value.data(), value.size());
        }
        break;
    case 5:
        if (std::memcmp(name, "event", 5) == 0) {
            m_typeBuffer.assign(value.data(), size);
        } else if (std::memcmp(name, "retry", 5) == 0 && size) {
            qint64 ms = 0;
            for (const char c : value) {
                if (c < '0' || c > '9')
                    return;
                // Digits beyond qint64 are still digits, but no sane delay: ignore like Blink.
                if (qMulOverflow<qint64>(ms, 10, &ms) || qAddOverflow<qint64>(ms, c - '0', &ms))
                    return;
            }
            m_retry = ms;
        }
        break;
    default:
        break;
    }
}

void SseParser::dispatch()
{
    m_eventStarted = false;
    if (!sameBytes(m_event.lastEventId, m_idBuffer))
        setBytes(m_event.lastEventId, m_idBuffer.data(), m_idBuffer.size());
    if (m_dataLines == 0) {
        m_typeBuffer.clear();
        return;
    }
    if (m_typeBuffer.empty()) {
        if (m_event.type.constData() != messageType().constData())
            m_event.type = messageType();
    } else if (!sameBytes(m_event.type, m_typeBuffer)) {
        // Compared first so a stream repeating one type never reallocates it even when the
        // handler keeps copies of the events.
        setBytes(m_event.type, m_typeBuffer.data(), m_typeBuffer.size());
    }
    ++m_eventCount;
    if (m_eventHandler)
        m_eventHandler(m_event);
    // Unless the handler kept a copy, the data buffer's capacity survives for the next event.
    emptyBuffer(m_event.data);
    m_dataLines = 0;
    m_typeBuffer.clear();
}

void SseParser::discardEvent()
{
    m_line.clear();
    m_event.data.clear();
    m_dataLines = 0;
    m_typeBuffer.clear();
    // The event's own "id" never reached a dispatch, so it must not survive either.
    m_idBuffer.assign(m_event.lastEventId.constData(), std::size_t(m_event.lastEventId.size()));
    m_eventStarted = false;
    m_discarding = true;
    ++m_discardedEventCount;
    if (m_errorHandler)
        m_errorHandler(Error::EventTooLarge);
}

bool SseParser::finish()
{
    const bool unfinished
        = !m_line.isEmpty() || m_eventStarted || m_discarding || (m_bomPending && m_bomMatched > 0);
    reset();
    return unfinished;
}

void SseParser::reset()
{
    emptyBuffer(m_line);
    emptyBuffer(m_event.data);
    m_dataLines = 0;
    m_typeBuffer.clear();
    m_idBuffer.assign(m_event.lastEventId.constData(), std::size_t(m_event.lastEventId.size()));
    m_bomMatched = 0;
    m_bomPending = true;
    m_skipLf = false;
    m_eventStarted = false;
    m_discarding = false;
    m_discardLineStarted = false;
    ++m_generation;
}

} // namespace Net
