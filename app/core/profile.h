#pragma once

#include "core/dialect.h"

#include <QJsonObject>
#include <QString>
#include <QUrl>
#include <optional>

namespace Core {

// Where a job lives: a dialect, a base URL, where its key comes from, and the live-channel
// settings of the dialect. Never holds the key itself except in `apiKey`, which is filled at
// run time from the keychain or the environment and never written anywhere.
struct Profile
{
    QString name;
    Dialect dialect = Dialect::PeelApi;
    QUrl baseUrl;
    QString keyRef; // "env:VAR" or "keychain:ID"
    QString apiKey; // runtime only
    bool allowInsecure = false; // plain http/ws to a non-loopback host

    // PeelAPI
    bool stream = true;
    // deAPI Pusher
    QUrl wsUrl; // ws(s)://host:port; clients append /app/{key}
    QString pusherKey;
    QString clientId;
    QUrl authUrl;
    QString cluster = QStringLiteral("mt1");
    // Webhooks: the secret the provider signs with (ImagePipeline, deAPI)
    QString webhookSecretRef;
    QString webhookSecret; // runtime only

    // The documented defaults of the real service of `dialect` (resources/profiles.json).
    static Profile defaultsFor(Dialect d);

    // Everything but the runtime secrets (apiKey, webhookSecret), as snake_case JSON; fromJson
    // starts from defaultsFor(dialect) so a record names only what differs. Never holds a key.
    QJsonObject toJson() const;
    static std::optional<Profile> fromJson(const QJsonObject &o);
};

} // namespace Core
