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
    const QJsonObject o
        = QJsonDocument::fromJson(file.readAll()).object().value(dialectName(d)).toObject();
    p.baseUrl = QUrl(o.value(QLatin1String("base_url")).toString());
    p.stream = o.value(QLatin1String("stream")).toBool(d == Dialect::PeelApi);
    p.wsUrl = QUrl(o.value(QLatin1String("ws_url")).toString());
    p.pusherKey = o.value(QLatin1String("pusher_key")).toString();
    p.authUrl = QUrl(o.value(QLatin1String("auth_url")).toString());
    p.cluster = o.value(QLatin1String("cluster")).toString(QStringLiteral("mt1"));
    return p;
}

QJsonObject Profile::toJson() const
{
    auto url = [](const QUrl &u) {
        return u.isEmpty() ? QJsonValue() : QJsonValue(u.toString());
    };
    QJsonObject o { { QLatin1String("name"), name },
        { QLatin1String("dialect"), dialectName(dialect) },
        { QLatin1String("base_url"), baseUrl.toString() }, { QLatin1String("key_ref"), keyRef },
        { QLatin1String("allow_insecure"), allowInsecure }, { QLatin1String("stream"), stream },
        { QLatin1String("ws_url"), url(wsUrl) }, { QLatin1String("pusher_key"), pusherKey },
        { QLatin1String("client_id"), clientId }, { QLatin1String("auth_url"), url(authUrl) },
        { QLatin1String("cluster"), cluster },
        { QLatin1String("webhook_secret_ref"), webhookSecretRef } };
    return o;
}

std::optional<Profile> Profile::fromJson(const QJsonObject &o)
{
    const auto d = dialectFromName(o.value(QLatin1String("dialect")).toString());
    if (!d)
        return std::nullopt;
    Profile p = defaultsFor(*d);
    auto str = [&](const char *key, QString *target) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isString())
            *target = v.toString();
    };
    auto url = [&](const char *key, QUrl *target) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isString() && !v.toString().isEmpty())
            *target = QUrl(v.toString());
    };
    str("name", &p.name);
    url("base_url", &p.baseUrl);
    str("key_ref", &p.keyRef);
    if (p.keyRef.isEmpty() && o.value(QLatin1String("key_env")).isString())
        p.keyRef = QStringLiteral("env:") + o.value(QLatin1String("key_env")).toString();
    p.allowInsecure = o.value(QLatin1String("allow_insecure")).toBool(p.allowInsecure);
    p.stream = o.value(QLatin1String("stream")).toBool(p.stream);
    url("ws_url", &p.wsUrl);
    str("pusher_key", &p.pusherKey);
    str("client_id", &p.clientId);
    url("auth_url", &p.authUrl);
    str("cluster", &p.cluster);
    str("webhook_secret_ref", &p.webhookSecretRef);
    return p;
}

} // namespace Core
