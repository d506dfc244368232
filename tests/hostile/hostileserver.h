#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QTcpServer>
#include <optional>

namespace Hostile {

// A small HTTP/1.1 server on 127.0.0.1 that lies on purpose, for the hostile-server suite
// (tests/hostile). It speaks raw sockets (HostileConnection), so it can send what no real server
// library would: bodies that never end, SSE lines without a newline, 1 GiB WebSocket frames,
// resets mid-answer, redirects to anywhere, keys echoed back.
//
// Two listeners: the service ("main") and a second one on another port ("other") that stands for
// "some other origin" — a redirect target that records every header it receives, so a test can
// see whether a key followed a redirect.
//
// What each listener answers is data, the spec given to the constructor:
//   {"routes": [route...], "other_routes": [route...]}
//   route: {"method": "GET" (optional), "path": "/v1/jobs/" (a prefix; "exact": true for equality),
//           "times": N (optional: used at most N times, then the next matching route answers),
//           "respond": {"kind": ..., ...}}
// The kinds and their fields are listed in hostileconnection.h. Strings in answers may contain
// {base} (http://127.0.0.1:<main port>), {other} (the other listener), {id} (the job id of the
// route, see pathId()) and {auth} (the Authorization or X-API-Key header the request carried).
//
// Everything that happens is printed by log() as one JSON line on stdout: every request with its
// headers and body ({"event":"request","listener":"main"|"other",...}), and how each streamed
// answer ended ({"event":"stream_end","sent":bytes,"why":...}).
class HostileServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HostileServer)

public:
    enum class Listener { Main, Other };

    explicit HostileServer(QJsonObject spec, QObject *parent = nullptr);
    ~HostileServer() override;

    bool listen(QString *error);
    quint16 port() const { return m_main.serverPort(); }
    quint16 otherPort() const { return m_other.serverPort(); }

    struct Match
    {
        QJsonObject respond;
        QString routePath;
        QString routeKey; // identifies the route, for per-route counters
    };
    // The first route of `listener` that matches and is not used up (counting this use).
    std::optional<Match> match(Listener listener, const QByteArray &method, const QString &path);

    // Replaces {base}, {other}, {id} and {auth} in every string of `v`.
    QJsonValue expand(const QJsonValue &v, const QString &id, const QString &auth) const;
    QString expand(const QString &text, const QString &id, const QString &auth) const;

    // The next id "<prefix><n>" (n counts from 1 per prefix).
    QString nextId(const QString &prefix);
    // How many times `key` was asked for so far, this time included (0 the first time).
    int countUse(const QString &key);

    void log(const QJsonObject &line);

private:
    void accept(QTcpServer *server, Listener listener);

    QJsonArray m_routes;
    QJsonArray m_otherRoutes;
    QTcpServer m_main;
    QTcpServer m_other;
    QHash<QString, int> m_routeUses;
    QHash<QString, int> m_counters;
    QHash<QString, int> m_uses;
};

} // namespace Hostile
