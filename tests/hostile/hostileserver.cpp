#include "hostileserver.h"

#include "hostileconnection.h"

#include <QFile>
#include <QJsonDocument>
#include <QTcpSocket>
#include <unistd.h>

namespace Hostile {

HostileServer::HostileServer(QJsonObject spec, QObject *parent)
    : QObject(parent)
    , m_routes(spec.value(QLatin1String("routes")).toArray())
    , m_otherRoutes(spec.value(QLatin1String("other_routes")).toArray())
{
    connect(&m_main, &QTcpServer::newConnection, this, [this] { accept(&m_main, Listener::Main); });
    connect(
        &m_other, &QTcpServer::newConnection, this, [this] { accept(&m_other, Listener::Other); });
}

HostileServer::~HostileServer() = default;

bool HostileServer::listen(QString *error)
{
    // Loopback only: this server exists to be hostile to the client under test, nobody else.
    if (!m_main.listen(QHostAddress::LocalHost, 0) || !m_other.listen(QHostAddress::LocalHost, 0)) {
        *error = m_main.isListening() ? m_other.errorString() : m_main.errorString();
        return false;
    }
    return true;
}

void HostileServer::accept(QTcpServer *server, Listener listener)
{
    while (QTcpSocket *socket = server->nextPendingConnection())
        new HostileConnection(this, listener, socket);
}

std::optional<HostileServer::Match> HostileServer::match(
    Listener listener, const QByteArray &method, const QString &path)
{
    const QJsonArray &routes = listener == Listener::Main ? m_routes : m_otherRoutes;
    for (qsizetype i = 0; i < routes.size(); ++i) {
        const QJsonObject r = routes.at(i).toObject();
        const QString m = r.value(QLatin1String("method")).toString();
        if (!m.isEmpty() && m.toLatin1() != method)
            continue;
        const QString p = r.value(QLatin1String("path")).toString(QStringLiteral("/"));
        if (r.value(QLatin1String("exact")).toBool() ? path != p : !path.startsWith(p))
            continue;
        const QString key = QStringLiteral("%1:%2")
                                .arg(listener == Listener::Main ? QStringLiteral("main")
                                                                : QStringLiteral("other"))
                                .arg(i);
        const int times = r.value(QLatin1String("times")).toInt(-1);
        if (times >= 0 && m_routeUses.value(key) >= times)
            continue;
        m_routeUses[key] += 1;
        return Match { r.value(QLatin1String("respond")).toObject(), p, key };
    }
    return std::nullopt;
}

QString HostileServer::expand(const QString &text, const QString &id, const QString &auth) const
{
    QString s = text;
    s.replace(QLatin1String("{base}"), QStringLiteral("http://127.0.0.1:%1").arg(port()));
    s.replace(QLatin1String("{other}"), QStringLiteral("http://127.0.0.1:%1").arg(otherPort()));
    s.replace(QLatin1String("{id}"), id);
    s.replace(QLatin1String("{auth}"), auth);
    return s;
}

QJsonValue HostileServer::expand(const QJsonValue &v, const QString &id, const QString &auth) const
{
    if (v.isString())
        return expand(v.toString(), id, auth);
    if (v.isArray()) {
        QJsonArray a;
        for (const QJsonValue &e : v.toArray())
            a.append(expand(e, id, auth));
        return a;
    }
    if (v.isObject()) {
        QJsonObject o;
        const QJsonObject in = v.toObject();
        for (auto it = in.begin(); it != in.end(); ++it)
            o.insert(it.key(), expand(it.value(), id, auth));
        return o;
    }
    return v;
}

QString HostileServer::nextId(const QString &prefix)
{
    return prefix + QString::number(++m_counters[prefix]);
}

int HostileServer::countUse(const QString &key)
{
    return m_uses[key]++;
}

void HostileServer::log(const QJsonObject &line)
{
    // The file descriptor, unbuffered: the test reads each line as it happens.
    const QByteArray bytes = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n
            = ::write(STDOUT_FILENO, bytes.constData() + done, size_t(bytes.size() - done));
        if (n <= 0)
            return;
        done += n;
    }
}

} // namespace Hostile
