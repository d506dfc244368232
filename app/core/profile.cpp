#include "core/profile.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace Core {

Profile Profile::defaultsFor(Dialect d)
{
    Profile p;
    p.dialect = d;
    p.name = dialectName(d);
    QFile file(QStringLiteral(":/jobscope/profiles.json"));
    if (!file.open(QIODevice::ReadOnly))
        return p;
    const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object().value(dialectName(d)).toObject();
    p.baseUrl = QUrl(o.value(QLatin1String("base_url")).toString());
    p.stream = o.value(QLatin1String("stream")).toBool(d == Dialect::PeelApi);
    p.wsUrl = QUrl(o.value(QLatin1String("ws_url")).toString());
    p.pusherKey = o.value(QLatin1String("pusher_key")).toString();
    p.authUrl = QUrl(o.value(QLatin1String("auth_url")).toString());
    p.cluster = o.value(QLatin1String("cluster")).toString(QStringLiteral("mt1"));
    return p;
}

} // namespace Core
