#include "net/httpresponseparser.h"

#include <algorithm>

namespace Net {

namespace {

// RFC 9110 §5.6.2 token characters (header names).
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Control characters other than HTAB (obs-text, bytes ≥ 0x80, is allowed in values).
bool hasControl(QByteArrayView s)
{
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && u != '\t') || u == 0x7f;
    });
}

QByteArrayView trimmedOws(QByteArrayView s)
{
    while (!s.isEmpty() && (s.front() == ' ' || s.front() == '\t'))
        s = s.sliced(1);
    while (!s.isEmpty() && (s.back() == ' ' || s.back() == '\t'))
        s.chop(1);
    return s;
}

// A complete line without its LF and an optional CR before it.
QByteArrayView withoutEol(QByteArrayView line)
{
    if (line.endsWith('\n'))
        line.chop(1);
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

// 1 to 18 decimal digits (anything longer overflows qint64 or is absurd), else -1.
qint64 parseLength(QByteArrayView s)
{
    s = trimmedOws(s);
    if (s.isEmpty() || s.size() > 18)
        return -1;
    qint64 v = 0;
    for (const char c : s) {
        if (!isDigit(c))
            return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

} // namespace

HttpResponseParser::HttpResponseParser(bool headRequest)
    : m_headRequest(headRequest)
{ }

QByteArray HttpResponseParser::header(QByteArrayView name) const
{
    for (const Header &h : m_headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

void HttpResponseParser::fail(Error error)
{
    m_state = State::Failed;
    m_error = error;
    m_line.clear();
}

void HttpResponseParser::complete()
{
    m_state = State::Complete;
    m_line.clear();
}

qsizetype HttpResponseParser::feed(QByteArrayView data, QByteArray *body)
{
    qsizetype pos = 0;
    while (pos < data.size() && (m_state == State::Head || m_state == State::Body)) {
        const QByteArrayView rest = data.sliced(pos);
        const qsizetype used = m_state == State::Head ? feedHead(rest) : feedBody(rest, body);
        pos += used;
        if (used == 0)
            break;
    }
    return pos;
}

qsizetype HttpResponseParser::feedHead(QByteArrayView data)
{
    const qsizetype nl = data.indexOf('\n');
    const qsizetype take = nl < 0 ? data.size() : nl + 1;
    // The cap counts the bytes of the line so far, so a head without any LF stops at the cap too.
    if (m_headBytes + take > m_maxHead) {
        fail(Error::HeadTooLarge);
        return take;
    }
    m_headBytes += take;
    m_line.append(data.first(take));
    if (nl >= 0) {
        const QByteArray line = withoutEol(m_line).toByteArray();
        m_line.clear();
        headLine(line);
    }
    return take;
}

bool HttpResponseParser::headLine(const QByteArray &line)
{
    if (!m_statusSeen) {
        // RFC 9112 §2.2: empty lines before the status line may be ignored.
        if (line.isEmpty())
            return true;
        return parseStatusLine(line);
    }
    if (line.isEmpty())
        return headComplete();
    return parseHeaderLine(line);
}

bool HttpResponseParser::parseStatusLine(const QByteArray &line)
{
    // HTTP/1.x SP 3DIGIT [SP reason-phrase]
    if (line.size() < 12 || !line.startsWith("HTTP/1.") || !isDigit(line[7]) || line[8] != ' '
        || !isDigit(line[9]) || !isDigit(line[10]) || !isDigit(line[11])
        || (line.size() > 12 && line[12] != ' ') || hasControl(line)) {
        fail(Error::BadStatusLine);
        return false;
    }
    const int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (status < 100 || status > 599) {
        fail(Error::BadStatusLine);
        return false;
    }
    m_status = status;
    m_reason = line.size() > 13 ? line.mid(13) : QByteArray();
    m_statusSeen = true;
    return true;
}

bool HttpResponseParser::parseHeaderLine(const QByteArray &line)
{
    const qsizetype colon = line.indexOf(':');
    // No name, a space before the colon, or obs-fold (a line starting with white space).
    if (colon <= 0 || !std::all_of(line.begin(), line.begin() + colon, [](char c) {
            return isTokenChar(c);
        })) {
        fail(Error::BadHeader);
        return false;
    }
    const QByteArrayView value = trimmedOws(QByteArrayView(line).sliced(colon + 1));
    if (hasControl(value)) {
        fail(Error::BadHeader);
        return false;
    }
    if (m_headers.size() >= m_maxHeaders) {
        fail(Error::TooManyHeaders);
        return false;
    }
    m_headers.append({ line.left(colon), value.toByteArray() });
    return true;
}

bool HttpResponseParser::headComplete()
{
    if (m_status < 200) {
        // 100 Continue, 102, 103 Early Hints: the real answer follows. 101 switches protocols we
        // never asked for.
        if (m_status == 101 || ++m_interim > MaxInterimAnswers) {
            fail(Error::TooManyInterimAnswers);
            return false;
        }
        m_statusSeen = false;
        m_headers.clear();
        m_headBytes = 0;
        return true;
    }
    m_headDone = true;
    if (m_headRequest || m_status == 204 || m_status == 304) {
        m_framing = Framing::None;
        complete();
        return true;
    }
    QByteArray transferEncoding;
    QList<qint64> lengths;
    bool badLength = false;
    for (const Header &h : std::as_const(m_headers)) {
        if (h.first.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0) {
            if (!transferEncoding.isEmpty())
                transferEncoding += ',';
            transferEncoding += h.second;
        } else if (h.first.compare("Content-Length", Qt::CaseInsensitive) == 0) {
            // "Content-Length: 42, 42" is the same length given twice (RFC 9110 §8.6).
            for (const QByteArray &part : h.second.split(',')) {
                const qint64 v = parseLength(part);
                badLength = badLength || v < 0;
                lengths.append(v);
            }
        }
    }
    if (!trimmedOws(transferEncoding).isEmpty()) {
        // Transfer-Encoding overrides Content-Length (RFC 9112 §6.3). Chunked must come last;
        // without it the body runs to the connection's end.
        QList<QByteArray> codings;
        for (const QByteArray &c : transferEncoding.split(',')) {
            const QByteArray coding = trimmedOws(c).toByteArray().toLower();
            if (!coding.isEmpty())
                codings.append(coding);
        }
        const qsizetype chunked = codings.indexOf("chunked");
        if (chunked >= 0 && chunked != codings.size() - 1) {
            fail(Error::BadLength);
            return false;
        }
        m_framing = chunked >= 0 ? Framing::Chunked : Framing::UntilClose;
        m_chunkState = ChunkState::Size;
    } else if (!lengths.isEmpty()) {
        if (badLength || std::any_of(lengths.begin(), lengths.end(), [&](qint64 v) {
                return v != lengths.front();
            })) {
            fail(Error::BadLength);
            return false;
        }
        m_framing = Framing::Length;
        m_contentLength = lengths.front();
        m_remaining = m_contentLength;
    } else {
        m_framing = Framing::UntilClose;
    }
    m_state = State::Body;
    if (m_framing == Framing::Length && m_remaining == 0)
        complete();
    return true;
}

qsizetype HttpResponseParser::feedBody(QByteArrayView data, QByteArray *body)
{
    switch (m_framing) {
    case Framing::Length: {
        const qsizetype take = qsizetype(std::min<qint64>(m_remaining, data.size()));
        body->append(data.first(take));
        m_bodyBytes += take;
        m_remaining -= take;
        if (m_remaining == 0)
            complete();
        return take;
    }
    case Framing::UntilClose:
        body->append(data);
        m_bodyBytes += data.size();
        return data.size();
    case Framing::Chunked:
        return feedChunked(data, body);
    case Framing::None:
        break;
    }
    complete();
    return 0;
}

qsizetype HttpResponseParser::feedChunked(QByteArrayView data, QByteArray *body)
{
    switch (m_chunkState) {
    case ChunkState::Size:
    case ChunkState::Trailer: {
        const bool trailer = m_chunkState == ChunkState::Trailer;
        const qsizetype nl = data.indexOf('\n');
        const qsizetype take = nl < 0 ? data.size() : nl + 1;
        if (trailer) {
            if (m_trailerBytes + take > MaxTrailerBytes) {
                fail(Error::TrailerTooLarge);
                return take;
            }
            m_trailerBytes += take;
        } else if (m_line.size() + take > MaxChunkLine) {
            fail(Error::ChunkLineTooLong);
            return take;
        }
        m_line.append(data.first(take));
        if (nl < 0)
            return take;
        const QByteArray line = withoutEol(m_line).toByteArray();
        m_line.clear();
        if (!trailer) {
            chunkSizeLine(line);
        } else if (line.isEmpty()) {
            complete(); // trailer fields are not used
        } else if (line.indexOf(':') <= 0 || hasControl(line)) {
            fail(Error::BadChunk);
        }
        return take;
    }
    case ChunkState::Data: {
        const qsizetype take = qsizetype(std::min<qint64>(m_remaining, data.size()));
        body->append(data.first(take));
        m_bodyBytes += take;
        m_remaining -= take;
        if (m_remaining == 0)
            m_chunkState = ChunkState::DataEnd;
        return take;
    }
    case ChunkState::DataEnd: {
        // CRLF (or a bare LF) after the chunk's data, nothing else.
        const char c = data.front();
        if (c == '\r' && m_line.isEmpty()) {
            m_line.append(c);
        } else if (c == '\n') {
            m_line.clear();
            m_chunkState = ChunkState::Size;
        } else {
            fail(Error::BadChunk);
        }
        return 1;
    }
    }
    return 0;
}

bool HttpResponseParser::chunkSizeLine(QByteArrayView line)
{
    // chunk-size [ BWS ; chunk-ext ]: 1 to 15 hex digits (a size beyond 2^60 is no answer).
    qsizetype i = 0;
    qint64 size = 0;
    while (i < line.size() && hexValue(line[i]) >= 0) {
        if (i >= 15) {
            fail(Error::BadChunk);
            return false;
        }
        size = size * 16 + hexValue(line[i]);
        ++i;
    }
    if (i == 0) {
        fail(Error::BadChunk);
        return false;
    }
    const QByteArrayView rest = trimmedOws(line.sliced(i));
    if ((!rest.isEmpty() && rest.front() != ';') || hasControl(rest)) {
        fail(Error::BadChunk);
        return false;
    }
    if (size == 0) {
        m_chunkState = ChunkState::Trailer;
        m_trailerBytes = 0;
    } else {
        m_chunkState = ChunkState::Data;
        m_remaining = size;
    }
    return true;
}

void HttpResponseParser::connectionClosed()
{
    if (m_state == State::Body && m_framing == Framing::UntilClose)
        return complete();
    if (m_state == State::Head || m_state == State::Body)
        fail(Error::Truncated);
}

QString HttpResponseParser::errorText() const
{
    switch (m_error) {
    case Error::None:
        return {};
    case Error::BadStatusLine:
        return QStringLiteral("the answer does not start with an HTTP/1.x status line");
    case Error::BadHeader:
        return QStringLiteral("the answer has a malformed header line");
    case Error::HeadTooLarge:
        return QStringLiteral("the answer's headers are larger than %1 bytes").arg(m_maxHead);
    case Error::TooManyHeaders:
        return QStringLiteral("the answer has more than %1 headers").arg(m_maxHeaders);
    case Error::TooManyInterimAnswers:
        return QStringLiteral("the server sent interim (1xx) answers instead of an answer");
    case Error::BadLength:
        return QStringLiteral("the answer's length is unreadable or contradictory");
    case Error::BadChunk:
        return QStringLiteral("the answer's chunked encoding is malformed");
    case Error::ChunkLineTooLong:
        return QStringLiteral("a chunk-size line of the answer is longer than %1 bytes")
            .arg(MaxChunkLine);
    case Error::TrailerTooLarge:
        return QStringLiteral("the answer's trailer is larger than %1 bytes").arg(MaxTrailerBytes);
    case Error::Truncated:
        return QStringLiteral("the connection ended before the answer was complete");
    }
    return {};
}

} // namespace Net
