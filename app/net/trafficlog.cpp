#include "net/trafficlog.h"

#include "core/redactor.h"

#include <QDateTime>
#include <QStringDecoder>
#include <algorithm>

namespace Net {

namespace {

// How much of a body without a Content-Type is sniffed for NULs and invalid UTF-8.
constexpr qsizetype SniffBytes = 4096;

} // namespace

TrafficLog::TrafficLog(const Core::Redactor *redactor, QObject *parent)
    : QObject(parent)
    , m_redactor(redactor)
{ }

TrafficLog::~TrafficLog() = default;

void TrafficLog::setMaxEntriesPerJob(int n)
{
    m_maxPerJob = std::max(1, n);
    enforceBounds();
}

void TrafficLog::setMaxEntries(int n)
{
    m_maxTotal = std::max(1, n);
    enforceBounds();
}

void TrafficLog::setMaxBodyBytes(qsizetype bytes)
{
    m_maxBody = std::max<qsizetype>(64, bytes);
}

QString TrafficLog::kindName(Kind kind)
{
    switch (kind) {
    case Kind::HttpRequest:
        return QStringLiteral("HTTP request");
    case Kind::HttpResponse:
        return QStringLiteral("HTTP response");
    case Kind::SseConnect:
        return QStringLiteral("SSE connect");
    case Kind::SseEvent:
        return QStringLiteral("SSE event");
    case Kind::SseDisconnect:
        return QStringLiteral("SSE disconnect");
    case Kind::WsOut:
        return QStringLiteral("WS out");
    case Kind::WsIn:
        return QStringLiteral("WS in");
    case Kind::WsState:
        return QStringLiteral("WS state");
    case Kind::WebhookIn:
        return QStringLiteral("Webhook");
    }
    return {};
}

bool TrafficLog::isTextual(const QByteArray &mime, const QByteArray &body)
{
    const QByteArray m = mime.split(';').first().trimmed().toLower();
    if (!m.isEmpty()) {
        return m.startsWith("text/") || m.contains("json") || m.contains("xml")
            || m.contains("javascript") || m == "application/x-www-form-urlencoded";
    }
    // No type given: text unless it looks like bytes.
    const QByteArray head = body.left(SniffBytes);
    if (head.contains('\0'))
        return false;
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder.decode(head);
    Q_UNUSED(decoded)
    // A multi-byte sequence cut by the sniff window is not an error worth calling binary.
    return !decoder.hasError() || head.size() < body.size();
}

QString TrafficLog::maskCutSecret(QString text) const
{
    // The cap may have cut a secret in two: the redactor cannot recognise the half that is left,
    // so a tail that is the start of a secret is masked as well.
    for (const QString &secret : m_redactor->secrets()) {
        for (qsizetype n = std::min(secret.size() - 1, text.size()); n >= 4; --n) {
            if (text.endsWith(QStringView(secret).left(n))) {
                text.chop(n);
                text += Core::Redactor::Mask;
                break;
            }
        }
    }
    return text;
}

QByteArray TrafficLog::shownBody(const QByteArray &body, const QByteArray &mime) const
{
    if (body.isEmpty())
        return {};
    if (!isTextual(mime, body)) {
        const QByteArray type
            = mime.isEmpty() ? QByteArray("unknown type") : mime.split(';').first().trimmed();
        return "<binary, " + QByteArray::number(body.size()) + " bytes, " + m_redactor->redact(type)
            + '>';
    }
    if (body.size() <= m_maxBody)
        return m_redactor->redact(body);
    // Cut on a UTF-8 boundary, redact only what is kept (a 32 MiB answer is not scanned whole).
    qsizetype cut = m_maxBody;
    while (cut > 0 && (uchar(body.at(cut)) & 0xC0) == 0x80)
        --cut;
    QString kept = maskCutSecret(m_redactor->redact(QString::fromUtf8(body.constData(), cut)));
    kept += QStringLiteral("\n… %1 bytes more").arg(body.size() - cut);
    return kept.toUtf8();
}

quint64 TrafficLog::record(Entry e)
{
    e.seq = m_nextSeq++;
    if (e.timeMs == 0)
        e.timeMs = QDateTime::currentMSecsSinceEpoch();
    e.bodyBytes = e.body.size();
    e.body = shownBody(e.body, e.mime);
    e.mime = m_redactor->redact(e.mime);
    e.method = m_redactor->redact(e.method);
    e.url = m_redactor->redact(e.url);
    e.note = m_redactor->redact(e.note);
    for (auto &h : e.headers)
        h.second = m_redactor->headerValue(h.first, h.second);

    const QString jobId = e.jobId;
    const quint64 seq = e.seq;
    m_jobs[jobId].push_back(std::move(e));
    m_order.emplace_back(seq, jobId);
    ++m_total;
    enforceBounds();
    Q_EMIT recorded(jobId, seq);
    return seq;
}

void TrafficLog::enforceBounds()
{
    for (auto it = m_jobs.begin(); it != m_jobs.end();) {
        std::deque<Entry> &list = it.value();
        while (qsizetype(list.size()) > m_maxPerJob) {
            list.pop_front();
            --m_total;
        }
        it = list.empty() ? m_jobs.erase(it) : std::next(it);
    }
    while (m_total > m_maxTotal && !m_order.empty()) {
        const auto [seq, job] = m_order.front();
        m_order.pop_front();
        const auto it = m_jobs.find(job);
        if (it == m_jobs.end() || it->front().seq != seq)
            continue; // already dropped by the per-job bound
        it->pop_front();
        --m_total;
        if (it->empty())
            m_jobs.erase(it);
    }
    // Per-job drops leave stale references behind; a chatty job must not grow the index forever.
    if (qsizetype(m_order.size()) > 2 * qsizetype(m_total) + 1024) {
        std::deque<QPair<quint64, QString>> live;
        for (const auto &ref : m_order) {
            const auto it = m_jobs.constFind(ref.second);
            if (it != m_jobs.constEnd() && ref.first >= it->front().seq)
                live.push_back(ref);
        }
        m_order.swap(live);
    }
}

quint64 TrafficLog::recordRequest(const QString &jobId, const QByteArray &method,
    const QString &url, const Headers &headers, const QByteArray &body, const QString &note)
{
    Entry e;
    e.jobId = jobId;
    e.kind = Kind::HttpRequest;
    e.method = method;
    e.url = url;
    e.headers = headers;
    e.body = body;
    for (const auto &h : headers) {
        if (h.first.compare("Content-Type", Qt::CaseInsensitive) == 0)
            e.mime = h.second;
    }
    e.note = note;
    return record(std::move(e));
}

quint64 TrafficLog::recordResponse(const QString &jobId, const QByteArray &method,
    const QString &url, int httpStatus, const Headers &headers, const QByteArray &body,
    qint64 elapsedMs, const QString &note)
{
    Entry e;
    e.jobId = jobId;
    e.kind = Kind::HttpResponse;
    e.method = method;
    e.url = url;
    e.httpStatus = httpStatus;
    e.headers = headers;
    e.body = body;
    for (const auto &h : headers) {
        if (h.first.compare("Content-Type", Qt::CaseInsensitive) == 0)
            e.mime = h.second;
    }
    e.elapsedMs = elapsedMs;
    e.note = note;
    return record(std::move(e));
}

QList<TrafficLog::Entry> TrafficLog::entries(const QString &jobId) const
{
    return entriesSince(jobId, 0);
}

QList<TrafficLog::Entry> TrafficLog::entriesSince(const QString &jobId, quint64 afterSeq) const
{
    const auto it = m_jobs.constFind(jobId);
    if (it == m_jobs.constEnd())
        return {};
    const auto from = std::upper_bound(
        it->begin(), it->end(), afterSeq, [](quint64 seq, const Entry &e) { return seq < e.seq; });
    return QList<Entry>(from, it->end());
}

quint64 TrafficLog::firstSeq(const QString &jobId) const
{
    const auto it = m_jobs.constFind(jobId);
    return it == m_jobs.constEnd() ? 0 : it->front().seq;
}

const TrafficLog::Entry *TrafficLog::entry(quint64 seq) const
{
    const auto ref = std::lower_bound(m_order.begin(), m_order.end(), seq,
        [](const QPair<quint64, QString> &r, quint64 s) { return r.first < s; });
    if (ref == m_order.end() || ref->first != seq)
        return nullptr;
    const auto it = m_jobs.constFind(ref->second);
    if (it == m_jobs.constEnd())
        return nullptr;
    const auto e = std::lower_bound(
        it->begin(), it->end(), seq, [](const Entry &x, quint64 s) { return x.seq < s; });
    return e != it->end() && e->seq == seq ? &*e : nullptr;
}

bool TrafficLog::moveToJob(quint64 seq, const QString &jobId)
{
    const auto ref = std::lower_bound(m_order.begin(), m_order.end(), seq,
        [](const QPair<quint64, QString> &r, quint64 s) { return r.first < s; });
    if (ref == m_order.end() || ref->first != seq)
        return false;
    const auto from = m_jobs.find(ref->second);
    if (from == m_jobs.end())
        return false;
    const auto e = std::lower_bound(
        from->begin(), from->end(), seq, [](const Entry &x, quint64 s) { return x.seq < s; });
    if (e == from->end() || e->seq != seq)
        return false;
    if (ref->second == jobId)
        return true;
    Entry moved = std::move(*e);
    from->erase(e);
    if (from->empty())
        m_jobs.erase(from);
    moved.jobId = jobId;
    std::deque<Entry> &to = m_jobs[jobId];
    to.insert(std::upper_bound(
                  to.begin(), to.end(), seq, [](quint64 s, const Entry &x) { return s < x.seq; }),
        std::move(moved));
    ref->second = jobId;
    enforceBounds();
    Q_EMIT recorded(jobId, seq);
    return true;
}

void TrafficLog::clear()
{
    m_jobs.clear();
    m_order.clear();
    m_total = 0;
}

QString TrafficLog::curlFor(quint64 seq) const
{
    const Entry *e = entry(seq);
    if (!e || (e->kind != Kind::HttpRequest && e->kind != Kind::SseConnect))
        return {};
    // The body is already redacted (and a capped one is not what was sent: better none than a lie).
    const QByteArray body
        = e->bodyBytes > m_maxBody || e->body.startsWith("<binary") ? QByteArray() : e->body;
    QString cmd = m_redactor->curl(e->method, e->url, e->headers, body);
    if (e->kind == Kind::SseConnect)
        cmd.replace(0, 4, QStringLiteral("curl -N")); // a stream: print events as they come
    return cmd;
}

} // namespace Net
