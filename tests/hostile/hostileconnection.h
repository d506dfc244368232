#pragma once

#include "hostileserver.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace Hostile {

// One client connection of HostileServer: reads HTTP/1.1 requests (keep-alive for plain answers),
// logs each, and answers with what the matching route's "respond" says. Deletes itself when the
// socket closes.
//
// Answer kinds ("kind" of a route's "respond"), strings expanded by HostileServer::expand():
//   json      {status=200, body (JSON value, or a string sent as is), headers {}, chunked=false}
//   submit    {dialect, id | id_prefix="job-", state} — the dialect's submit answer
//   status    {dialect, id, state | states [...] (one per read of that id, the last repeats),
//              outputs [url...], error, progress} — the dialect's status document
//   redirect  {status=302, location}
//   flood     {status=200, content_type, mode=chunked|one_chunk|raw|length, prefix, filler="a",
//              limit (bytes), chunk=65536} — a body that goes on until `limit` or the peer leaves
//   sse       {prelude="retry: 1000\n\n", events [{event, data, id}], then=close|quiet|keepalive|
//              garbage, interval_ms=500, max_ms=90000}
//   file      {size (base, see HostileContent), rate (bytes/s, 0: as fast as possible)} — Range
//              and If-Range honoured (ETag), content from HostileContent
//   reset     {partial (raw bytes sent first), delay_ms=0} — then a TCP reset
//   hang      {max_ms=120000} — reads the request and never answers
//   echo      {status=401, body} — body expanded with {auth}: the key the client sent
//   ws_flood  {frame_bytes=1 GiB} — WebSocket upgrade, then one text frame of that announced size
//   ws_quiet  {established=false} — WebSocket upgrade, then (optionally a Pusher
//              connection_established) nothing
// No matching route: 404 {"error":"no route"}.
class HostileConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HostileConnection)

public:
    HostileConnection(HostileServer *server, HostileServer::Listener listener, QTcpSocket *socket);
    ~HostileConnection() override;

private:
    struct Request
    {
        QByteArray method;
        QByteArray target;
        QString path; // without the query
        QHash<QByteArray, QByteArray> headers; // lower-case names
        QByteArray body;
    };

    void onReadyRead();
    bool takeRequest(Request *out);
    void handle(const Request &r);
    void answer(const Request &r, const HostileServer::Match &m);

    void send(int status, const QList<QPair<QByteArray, QByteArray>> &headers,
        const QByteArray &body, bool chunked = false);
    void sendJson(int status, const QJsonValue &body);
    void answerSubmit(const Request &r, const QJsonObject &spec, const QString &id);
    void answerStatus(const Request &r, const QJsonObject &spec, const QString &id,
        const QString &routeKey, const QString &auth);
    void startFlood(const QJsonObject &spec, const QString &id, const QString &auth);
    void pumpFlood();
    void startSse(const QJsonObject &spec, const QString &id, const QString &auth);
    void startFile(const Request &r, const QJsonObject &spec);
    void pumpFile();
    void reset(const QByteArray &partial);
    bool upgradeWebSocket(const Request &r);
    void endStream(const QString &why);

    static QString pathId(const QString &path, const QString &routePath);
    static QByteArray reason(int status);

    HostileServer *m_server;
    HostileServer::Listener m_listener;
    QTcpSocket *m_socket;
    QByteArray m_in;
    bool m_streaming = false; // a streamed answer owns the connection: no more requests
    QByteArray m_target;

    // flood / ws_flood / file
    qint64 m_sent = 0;
    qint64 m_limit = 0;
    QByteArray m_filler;
    int m_chunk = 65536;
    enum class Framing { Chunked, Raw } m_framing = Framing::Raw;
    bool m_endChunked = false; // one_chunk: close the chunk when the limit is reached
    QString m_filePath;
    qint64 m_fileEnd = 0;
    qint64 m_rate = 0;
    QTimer m_pace;
    QElapsedTimer m_since;
    qint64 m_maxMs = 0;
    bool m_ended = false;
};

} // namespace Hostile
