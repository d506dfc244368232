#include "hostileconnection.h"

#include "hostilecontent.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QUrl>
#include <sys/socket.h>

namespace Hostile {

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

constexpr qint64 MaxRequestBytes = 16LL * 1024 * 1024;
constexpr qint64 HighWater = 1024 * 1024; // bytes queued in the socket before we wait for it

QByteArray fillerBlock(const QByteArray &filler)
{
    QByteArray block;
    const QByteArray f = filler.isEmpty() ? QByteArray("a") : filler;
    block.reserve(256 * 1024 + f.size());
    while (block.size() < 256 * 1024)
        block += f;
    block.truncate(256 * 1024);
    return block;
}

// The documents of the four dialects a client can download from, as docs/dialects.md gives them.
QJsonObject statusDocument(const QString &dialect, const QString &id, const QString &state,
    const QJsonArray &outputs, const QString &error, const QJsonValue &progressIn,
    const QString &endpoint)
{
    const bool done = state == k("succeeded") || state == k("completed") || state == k("done");
    const QString first = outputs.isEmpty() ? QString() : outputs.first().toString();
    if (dialect == k("peelapi")) {
        QJsonArray results;
        for (const QJsonValue &u : outputs)
            results.append(QJsonObject { { k("url"), u } });
        QJsonObject data { { k("id"), id }, { k("status"), state },
            { k("progress"), progressIn.isUndefined() ? QJsonValue(done ? 1.0 : 0.0) : progressIn },
            { k("outputs"),
                results.isEmpty() ? QJsonValue(QJsonValue::Null)
                                  : QJsonValue(QJsonObject { { k("results"), results } }) },
            { k("error"),
                error.isEmpty() ? QJsonValue(QJsonValue::Null)
                                : QJsonValue(QJsonObject { { k("code"), QStringLiteral("hostile") },
                                    { k("message"), error }, { k("retryable"), false } }) } };
        return QJsonObject { { k("data"), data }, { k("errors"), QJsonValue::Null } };
    }
    if (dialect == k("imagepipeline")) {
        QJsonObject o { { k("job_id"), id }, { k("status"), state }, { k("endpoint"), endpoint },
            { k("progress"), progressIn.isUndefined() ? QJsonValue(done ? 100 : 0) : progressIn } };
        if (!first.isEmpty()) {
            o.insert(k("result_url"), first);
            o.insert(k("result_mime_type"), QStringLiteral("image/png"));
        }
        if (!error.isEmpty()) {
            o.insert(k("error"), error);
            o.insert(k("failure_reason_code"), QStringLiteral("INTERNAL_ERROR"));
            o.insert(k("retryable"), false);
        }
        return o;
    }
    if (dialect == k("peako")) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QJsonObject o { { k("jobId"), id }, { k("status"), state }, { k("createdAt"), now },
            { k("updatedAt"), now } };
        if (state == k("active"))
            o.insert(k("progress"), progressIn.isUndefined() ? QJsonValue(0.5) : progressIn);
        if (!first.isEmpty())
            o.insert(k("outputUrl"), first);
        if (!error.isEmpty())
            o.insert(k("error"), error);
        return o;
    }
    // deapi
    QJsonObject d { { k("request_id"), id }, { k("status"), state },
        { k("job_type"), QStringLiteral("txt2img") },
        { k("progress"), progressIn.isUndefined() ? QJsonValue(done ? 100.0 : 0.0) : progressIn } };
    if (!first.isEmpty())
        d.insert(k("result_url"), first);
    if (!error.isEmpty())
        d.insert(k("error"), error);
    return QJsonObject { { k("data"), d } };
}

QByteArray webSocketAccept(const QByteArray &key)
{
    return QCryptographicHash::hash(
        key.trimmed() + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1)
        .toBase64();
}

QByteArray textFrame(const QByteArray &payload)
{
    QByteArray f;
    f.append(char(0x81));
    if (payload.size() < 126) {
        f.append(char(payload.size()));
    } else {
        f.append(char(126));
        f.append(char((payload.size() >> 8) & 0xff));
        f.append(char(payload.size() & 0xff));
    }
    return f + payload;
}

} // namespace

HostileConnection::HostileConnection(
    HostileServer *server, HostileServer::Listener listener, QTcpSocket *socket)
    : QObject(server)
    , m_server(server)
    , m_listener(listener)
    , m_socket(socket)
{
    socket->setParent(this);
    connect(socket, &QTcpSocket::readyRead, this, &HostileConnection::onReadyRead);
    connect(socket, &QTcpSocket::disconnected, this, [this] {
        if (m_streaming && !m_ended)
            endStream(QStringLiteral("peer closed"));
        deleteLater();
    });
    connect(socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_streaming && !m_ended && m_limit > 0 && m_rate == 0)
            m_filePath.isEmpty() ? pumpFlood() : pumpFile();
    });
    m_pace.setInterval(20);
}

HostileConnection::~HostileConnection() = default;

void HostileConnection::onReadyRead()
{
    m_in += m_socket->readAll();
    if (m_streaming) {
        m_in.clear(); // a streamed answer owns the connection; what the client sends is ignored
        return;
    }
    if (m_in.size() > MaxRequestBytes) {
        m_socket->abort();
        return;
    }
    Request r;
    while (!m_streaming && takeRequest(&r))
        handle(r);
}

bool HostileConnection::takeRequest(Request *out)
{
    const qsizetype end = m_in.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QList<QByteArray> lines = m_in.left(end).split('\n');
    Request r;
    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
    r.method = first.value(0);
    r.target = first.value(1);
    QByteArray path
        = r.target.left(r.target.indexOf('?') < 0 ? r.target.size() : r.target.indexOf('?'));
    // A request to a proxy names the whole URL ("GET http://host/path"): route on its path.
    if (const qsizetype scheme = path.indexOf("://"); scheme > 0 && !path.startsWith('/')) {
        const qsizetype slash = path.indexOf('/', scheme + 3);
        path = slash < 0 ? QByteArray("/") : path.mid(slash);
    }
    r.path = QString::fromUtf8(path);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        r.headers[name] = r.headers.contains(name) ? r.headers[name] + ", " + value : value;
    }
    const qint64 length = r.headers.value("content-length").toLongLong();
    if (m_in.size() < end + 4 + length)
        return false;
    r.body = m_in.mid(end + 4, length);
    m_in.remove(0, end + 4 + length);
    *out = r;
    return true;
}

void HostileConnection::handle(const Request &r)
{
    QJsonObject headers;
    for (auto it = r.headers.begin(); it != r.headers.end(); ++it)
        headers.insert(QString::fromLatin1(it.key()), QString::fromUtf8(it.value()));
    m_target = r.target;
    m_server->log(QJsonObject { { k("event"), QStringLiteral("request") },
        { k("listener"),
            m_listener == HostileServer::Listener::Main ? QStringLiteral("main")
                                                        : QStringLiteral("other") },
        { k("method"), QString::fromLatin1(r.method) },
        { k("target"), QString::fromUtf8(r.target) }, { k("headers"), headers },
        { k("body"), QString::fromUtf8(r.body.left(65536)) } });
    const std::optional<HostileServer::Match> m = m_server->match(m_listener, r.method, r.path);
    if (!m) {
        sendJson(404,
            QJsonObject { { k("error"),
                QStringLiteral("no route for %1 %2")
                    .arg(QString::fromLatin1(r.method), r.path) } });
        return;
    }
    answer(r, *m);
}

QString HostileConnection::pathId(const QString &path, const QString &routePath)
{
    QString tail = path.mid(routePath.size());
    const qsizetype slash = tail.indexOf(QLatin1Char('/'));
    if (slash >= 0)
        tail.truncate(slash);
    return QUrl::fromPercentEncoding(tail.toUtf8());
}

void HostileConnection::answer(const Request &r, const HostileServer::Match &m)
{
    const QJsonObject &spec = m.respond;
    const QString kind = spec.value(k("kind")).toString();
    const QString auth
        = QString::fromUtf8(r.headers.contains("authorization") ? r.headers.value("authorization")
                                                                : r.headers.value("x-api-key"));
    QString id = spec.contains(k("id"))
        ? m_server->expand(spec.value(k("id")).toString(), QString(), auth)
        : pathId(r.path, m.routePath);
    if (kind == k("json")) {
        const QJsonValue body = m_server->expand(spec.value(k("body")), id, auth);
        QList<QPair<QByteArray, QByteArray>> headers;
        const QJsonObject h = spec.value(k("headers")).toObject();
        for (auto it = h.begin(); it != h.end(); ++it)
            headers.append({ it.key().toLatin1(),
                m_server->expand(it.value().toString(), id, auth).toUtf8() });
        QByteArray bytes = body.isString() ? body.toString().toUtf8()
            : body.isObject() ? QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact)
                              : QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);
        if (!h.contains(k("Content-Type")))
            headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
        send(spec.value(k("status")).toInt(200), headers, bytes, spec.value(k("chunked")).toBool());
    } else if (kind == k("submit")) {
        if (!spec.contains(k("id")))
            id = m_server->nextId(spec.value(k("id_prefix")).toString(QStringLiteral("job-")));
        answerSubmit(r, spec, id);
    } else if (kind == k("status")) {
        answerStatus(r, spec, id, m.routeKey, auth);
    } else if (kind == k("redirect")) {
        send(spec.value(k("status")).toInt(302),
            { { "Location",
                m_server->expand(spec.value(k("location")).toString(), id, auth).toUtf8() } },
            QByteArray("{\"redirect\":true}"));
    } else if (kind == k("flood")) {
        startFlood(spec, id, auth);
    } else if (kind == k("sse")) {
        startSse(spec, id, auth);
    } else if (kind == k("file")) {
        startFile(r, spec);
    } else if (kind == k("reset")) {
        m_streaming = true;
        const QByteArray partial
            = m_server->expand(spec.value(k("partial")).toString(), id, auth).toUtf8();
        QTimer::singleShot(
            spec.value(k("delay_ms")).toInt(0), this, [this, partial] { reset(partial); });
    } else if (kind == k("hang")) {
        m_streaming = true;
        QTimer::singleShot(spec.value(k("max_ms")).toInt(120000), this,
            [this] { endStream(QStringLiteral("max time")); });
    } else if (kind == k("echo")) {
        sendJson(
            spec.value(k("status")).toInt(401), m_server->expand(spec.value(k("body")), id, auth));
    } else if (kind == k("ws_flood") || kind == k("ws_quiet")) {
        if (!upgradeWebSocket(r))
            return;
        if (kind == k("ws_quiet")) {
            m_streaming = true;
            if (spec.value(k("established")).toBool())
                m_socket->write(textFrame(
                    R"({"event":"pusher:connection_established","data":"{\"socket_id\":\"1234.5678\",\"activity_timeout\":120}"})"));
            QTimer::singleShot(spec.value(k("max_ms")).toInt(90000), this,
                [this] { endStream(QStringLiteral("max time")); });
            return;
        }
        // One text frame announcing `frame_bytes` of payload (64-bit length), then the payload.
        const qint64 size = qint64(spec.value(k("frame_bytes")).toDouble(1024.0 * 1024 * 1024));
        QByteArray header;
        header.append(char(0x81));
        header.append(char(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            header.append(char((size >> shift) & 0xff));
        m_streaming = true;
        m_framing = Framing::Raw;
        m_filler = fillerBlock("x");
        m_socket->write(header);
        m_limit = size;
        pumpFlood();
    } else {
        sendJson(500, QJsonObject { { k("error"), QStringLiteral("unknown kind %1").arg(kind) } });
    }
}

void HostileConnection::send(int status, const QList<QPair<QByteArray, QByteArray>> &headers,
    const QByteArray &body, bool chunked)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status) + "\r\n";
    for (const auto &h : headers)
        out += h.first + ": " + h.second + "\r\n";
    if (chunked)
        out += "Transfer-Encoding: chunked\r\n\r\n" + QByteArray::number(body.size(), 16) + "\r\n"
            + body + "\r\n0\r\n\r\n";
    else
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    m_socket->write(out);
}

void HostileConnection::sendJson(int status, const QJsonValue &body)
{
    const QByteArray bytes = body.isString() ? body.toString().toUtf8()
        : body.isArray() ? QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact)
                         : QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
    send(status, { { "Content-Type", "application/json" } }, bytes);
}

void HostileConnection::answerSubmit(const Request &r, const QJsonObject &spec, const QString &id)
{
    const QString dialect = spec.value(k("dialect")).toString();
    const QString endpoint = r.path.mid(1);
    if (dialect == k("peelapi")) {
        sendJson(202,
            statusDocument(dialect, id, spec.value(k("state")).toString(QStringLiteral("queued")),
                {}, {}, 0.0, endpoint));
    } else if (dialect == k("imagepipeline")) {
        sendJson(202,
            QJsonObject { { k("job_id"), id },
                { k("status"), spec.value(k("state")).toString(QStringLiteral("queued")) },
                { k("endpoint"), endpoint }, { k("estimated_time_seconds"), 5 } });
    } else if (dialect == k("peako")) {
        sendJson(202,
            QJsonObject { { k("jobId"), id },
                { k("status"), spec.value(k("state")).toString(QStringLiteral("queued")) },
                { k("type"), QStringLiteral("PEAKO_RENDER") } });
    } else {
        sendJson(200, QJsonObject { { k("data"), QJsonObject { { k("request_id"), id } } } });
    }
}

void HostileConnection::answerStatus(const Request &r, const QJsonObject &spec, const QString &id,
    const QString &routeKey, const QString &auth)
{
    QString state = spec.value(k("state")).toString();
    const QJsonArray states = spec.value(k("states")).toArray();
    if (!states.isEmpty()) {
        const int n = m_server->countUse(routeKey + QLatin1Char('/') + id);
        state = states.at(qMin<qsizetype>(n, states.size() - 1)).toString();
    }
    const bool done = state == k("succeeded") || state == k("completed") || state == k("done");
    // Outputs are shown once the job is done, as every document does.
    const QJsonArray outputs
        = done ? m_server->expand(spec.value(k("outputs")), id, QString()).toArray() : QJsonArray();
    QString endpoint = r.path.mid(1);
    const qsizetype statusAt = endpoint.indexOf(QLatin1String("/status/"));
    if (statusAt >= 0)
        endpoint.truncate(statusAt);
    sendJson(spec.value(k("http_status")).toInt(200),
        statusDocument(spec.value(k("dialect")).toString(), id, state, outputs,
            m_server->expand(spec.value(k("error")).toString(), id, auth),
            spec.value(k("progress")), endpoint));
}

void HostileConnection::startFlood(const QJsonObject &spec, const QString &id, const QString &auth)
{
    const QString mode = spec.value(k("mode")).toString(QStringLiteral("chunked"));
    m_limit = qint64(spec.value(k("limit")).toDouble(1.5 * 1024 * 1024 * 1024));
    m_chunk = spec.value(k("chunk")).toInt(65536);
    m_filler = fillerBlock(spec.value(k("filler")).toString(QStringLiteral("a")).toUtf8());
    QByteArray head = "HTTP/1.1 " + QByteArray::number(spec.value(k("status")).toInt(200)) + ' '
        + reason(spec.value(k("status")).toInt(200)) + "\r\nContent-Type: "
        + spec.value(k("content_type")).toString(QStringLiteral("application/json")).toUtf8()
        + "\r\n";
    m_framing = mode == k("chunked") ? Framing::Chunked : Framing::Raw;
    if (mode == k("chunked")) {
        head += "Transfer-Encoding: chunked\r\n\r\n";
    } else if (mode == k("one_chunk")) {
        // One chunk whose size line announces the whole limit, then its bytes as they come.
        head += "Transfer-Encoding: chunked\r\n\r\n" + QByteArray::number(m_limit, 16) + "\r\n";
        m_endChunked = true;
    } else if (mode == k("length")) {
        head += "Content-Length: " + QByteArray::number(m_limit) + "\r\n\r\n";
    } else {
        head += "Cache-Control: no-cache\r\nConnection: close\r\n\r\n";
    }
    m_streaming = true;
    m_socket->write(head);
    const QByteArray prefix
        = m_server->expand(spec.value(k("prefix")).toString(), id, auth).toUtf8();
    if (!prefix.isEmpty()) {
        m_socket->write(m_framing == Framing::Chunked
                ? QByteArray::number(prefix.size(), 16) + "\r\n" + prefix + "\r\n"
                : prefix);
        m_sent += prefix.size();
    }
    pumpFlood();
}

void HostileConnection::pumpFlood()
{
    if (m_ended)
        return;
    while (m_socket->bytesToWrite() < HighWater && m_sent < m_limit) {
        const qint64 n = qMin<qint64>(m_filler.size(), m_limit - m_sent);
        if (m_framing == Framing::Chunked) {
            QByteArray framed;
            for (qint64 at = 0; at < n; at += m_chunk) {
                const qint64 len = qMin<qint64>(m_chunk, n - at);
                framed += QByteArray::number(len, 16) + "\r\n"
                    + QByteArray::fromRawData(m_filler.constData() + at, len) + "\r\n";
            }
            m_socket->write(framed);
        } else {
            m_socket->write(m_filler.constData(), n);
        }
        m_sent += n;
    }
    if (m_sent >= m_limit) {
        if (m_framing == Framing::Chunked)
            m_socket->write("0\r\n\r\n");
        else if (m_endChunked)
            m_socket->write("\r\n0\r\n\r\n");
        endStream(QStringLiteral("limit"));
    }
}

void HostileConnection::startSse(const QJsonObject &spec, const QString &id, const QString &auth)
{
    m_streaming = true;
    QByteArray out = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: "
                     "no-cache\r\nConnection: close\r\n\r\n";
    out += m_server
               ->expand(
                   spec.value(k("prelude")).toString(QStringLiteral("retry: 1000\n\n")), id, auth)
               .toUtf8();
    for (const QJsonValue &v : spec.value(k("events")).toArray()) {
        const QJsonObject e = v.toObject();
        if (e.contains(k("id")))
            out += "id: " + e.value(k("id")).toVariant().toString().toUtf8() + '\n';
        if (e.contains(k("event")))
            out += "event: " + e.value(k("event")).toString().toUtf8() + '\n';
        const QJsonValue data = m_server->expand(e.value(k("data")), id, auth);
        const QByteArray bytes = data.isObject()
            ? QJsonDocument(data.toObject()).toJson(QJsonDocument::Compact)
            : data.toString().toUtf8();
        for (const QByteArray &line : bytes.split('\n'))
            out += "data: " + line + '\n';
        out += '\n';
    }
    m_socket->write(out);
    const QString then = spec.value(k("then")).toString(QStringLiteral("close"));
    if (then == k("close")) {
        endStream(QStringLiteral("events sent"));
        return;
    }
    m_maxMs = spec.value(k("max_ms")).toInt(90000);
    m_since.start();
    m_pace.setInterval(spec.value(k("interval_ms")).toInt(500));
    connect(&m_pace, &QTimer::timeout, this, [this, then] {
        if (m_since.elapsed() > m_maxMs)
            return endStream(QStringLiteral("max time"));
        if (then == k("keepalive")) {
            m_socket->write(": keep-alive\n\n");
        } else if (then == k("garbage")) {
            static const char *const junk[] = { "zzz garbage without a colon\n",
                "\xff\xfe\x01\x02 binary junk\n", "data: {not json\n\n",
                "event: nonsense\ndata: 1\n\n", "retry: soon\n", ":\n", "id\n\n" };
            m_socket->write(junk[m_sent++ % (sizeof junk / sizeof *junk)]);
        }
    });
    m_pace.start();
}

void HostileConnection::startFile(const Request &r, const QJsonObject &spec)
{
    m_filePath = r.path;
    const qint64 size
        = HostileContent::sizeFor(r.path, qint64(spec.value(k("size")).toDouble(65536)));
    const QByteArray etag = HostileContent::etag(r.path);
    qint64 from = 0;
    const QByteArray range = r.headers.value("range");
    const QByteArray ifRange = r.headers.value("if-range");
    if (range.startsWith("bytes=") && (ifRange.isEmpty() || ifRange == etag)) {
        from = range.mid(6, range.indexOf('-') - 6).toLongLong();
        if (from >= size)
            from = 0;
    }
    QByteArray head = from > 0 ? QByteArray("HTTP/1.1 206 Partial Content\r\n")
                               : QByteArray("HTTP/1.1 200 OK\r\n");
    head += "Content-Type: application/octet-stream\r\nAccept-Ranges: bytes\r\nETag: " + etag
        + "\r\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\nConnection: "
          "close\r\nContent-Length: "
        + QByteArray::number(size - from) + "\r\n";
    if (from > 0)
        head += "Content-Range: bytes " + QByteArray::number(from) + '-'
            + QByteArray::number(size - 1) + '/' + QByteArray::number(size) + "\r\n";
    head += "\r\n";
    m_streaming = true;
    m_socket->write(head);
    m_sent = from;
    m_fileEnd = size;
    m_limit = size;
    m_rate = qint64(spec.value(k("rate")).toDouble(0));
    if (m_rate > 0) {
        connect(&m_pace, &QTimer::timeout, this, &HostileConnection::pumpFile);
        m_pace.start();
    }
    pumpFile();
}

void HostileConnection::pumpFile()
{
    if (m_ended)
        return;
    const qint64 budget
        = m_rate > 0 ? qMax<qint64>(1, m_rate * m_pace.interval() / 1000) : HighWater;
    if (m_socket->bytesToWrite() < HighWater && m_sent < m_fileEnd) {
        const qint64 n = qMin(budget, m_fileEnd - m_sent);
        m_socket->write(HostileContent::bytes(m_filePath, m_sent, n));
        m_sent += n;
    }
    if (m_sent >= m_fileEnd)
        endStream(QStringLiteral("complete"));
}

void HostileConnection::reset(const QByteArray &partial)
{
    if (!partial.isEmpty()) {
        m_socket->write(partial);
        m_socket->flush();
    }
    // SO_LINGER 0: close() sends a RST instead of a FIN — "connection reset by peer".
    const struct linger l
    {
        1, 0
    };
    ::setsockopt(int(m_socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &l, sizeof l);
    m_ended = true;
    m_server->log(QJsonObject { { k("event"), QStringLiteral("stream_end") },
        { k("target"), QString::fromUtf8(m_target) }, { k("sent"), partial.size() },
        { k("why"), QStringLiteral("reset") } });
    m_socket->abort();
}

bool HostileConnection::upgradeWebSocket(const Request &r)
{
    const QByteArray key = r.headers.value("sec-websocket-key");
    if (key.isEmpty() || !r.headers.value("upgrade").toLower().contains("websocket")) {
        sendJson(400, QJsonObject { { k("error"), QStringLiteral("not a WebSocket upgrade") } });
        return false;
    }
    m_socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
                    "Upgrade\r\nSec-WebSocket-Accept: "
        + webSocketAccept(key) + "\r\n\r\n");
    return true;
}

void HostileConnection::endStream(const QString &why)
{
    if (m_ended)
        return;
    m_ended = true;
    m_pace.stop();
    m_server->log(QJsonObject { { k("event"), QStringLiteral("stream_end") },
        { k("target"), QString::fromUtf8(m_target) }, { k("sent"), m_sent }, { k("why"), why } });
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->disconnectFromHost(); // after what is queued has been written
}

QByteArray HostileConnection::reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 202:
        return "Accepted";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 500:
        return "Internal Server Error";
    default:
        return "Status";
    }
}

} // namespace Hostile
