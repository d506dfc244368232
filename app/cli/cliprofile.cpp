#include "cli/cliprofile.h"

#include "net/originpolicy.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Cli {

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

bool isLoopback(const QUrl &url)
{
    const QString host = url.host();
    if (host == QLatin1String("localhost"))
        return true;
    const QHostAddress a(host);
    return !a.isNull() && a.isLoopback();
}

CliProfile::Resolved refuse(int code, const QString &sentence)
{
    CliProfile::Resolved r;
    r.exitCode = code;
    r.error = sentence;
    return r;
}

} // namespace

bool CliProfile::fromHistory(const CliOptions &options)
{
    return options.dialect.isEmpty() && options.profile.isEmpty();
}

CliProfile::Resolved CliProfile::resolve(const CliOptions &options,
    const std::optional<Store::StoredJob> &recorded, const QString &jobId)
{
    QJsonObject rec;
    if (recorded && fromHistory(options))
        rec = recorded->profile.toJson();
    auto pick = [&](const QString &option, const char *key) {
        return !option.isEmpty() ? option : rec.value(QLatin1String(key)).toString();
    };
    if (!options.profile.isEmpty()) {
        // Profiles file: {"profiles": [{name, dialect, base_url, key_env, ws_url, pusher_key,
        // client_id, auth_url, key_ref, webhook_secret_env, allow_insecure}]}.
        QString path = qEnvironmentVariable("JOBSCOPE_PROFILES");
        if (path.isEmpty()) {
            QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
            if (base.isEmpty())
                base = QDir::homePath() + QStringLiteral("/.config");
            path = base + QStringLiteral("/jobscope/profiles.json");
        }
        QFile f(path);
        const QJsonArray profiles = f.open(QIODevice::ReadOnly)
            ? QJsonDocument::fromJson(f.read(16 * 1024 * 1024))
                  .object()
                  .value(k("profiles"))
                  .toArray()
            : QJsonArray();
        for (const QJsonValue &v : profiles) {
            if (v.toObject().value(k("name")).toString() == options.profile)
                rec = v.toObject();
        }
        if (rec.isEmpty())
            return refuse(
                2, QStringLiteral("No profile named \"%1\" in %2.").arg(options.profile, path));
    }
    const QString dialectName = pick(options.dialect, "dialect");
    const auto dialect = Core::dialectFromName(dialectName);
    if (!dialect)
        return refuse(2,
            dialectName.isEmpty()
                ? QStringLiteral(
                    "Say which service: --dialect D --base-url URL, or --profile NAME%1.")
                      .arg(jobId.isEmpty()
                              ? QString()
                              : QStringLiteral(" (job %1 is not in the history)").arg(jobId))
                : QStringLiteral("Unknown dialect \"%1\"; use one of %2.")
                      .arg(dialectName, Core::dialectNames().join(QLatin1String(", "))));
    // A recorded profile (the file's entry, the history's snapshot) as the window reads it; then
    // what the options say on top.
    Core::Profile p = Core::Profile::defaultsFor(*dialect);
    if (!rec.isEmpty()) {
        QJsonObject fields = rec;
        fields.insert(k("dialect"), dialectName);
        if (const auto recordedProfile = Core::Profile::fromJson(fields))
            p = *recordedProfile;
    }
    p.name = !options.profile.isEmpty() ? options.profile
        : !rec.value(k("name")).toString().isEmpty() && options.dialect.isEmpty()
        ? rec.value(k("name")).toString()
        : Core::dialectName(*dialect);
    if (!options.baseUrl.isEmpty())
        p.baseUrl = QUrl(options.baseUrl);
    // ftp:, file: … would otherwise reach the ws:// derivation below ("Refusing plain ws to :").
    if (const QString notHttp = Net::OriginPolicy::checkUrl(p.baseUrl); !notHttp.isEmpty())
        return refuse(2, QStringLiteral("The base URL %1.").arg(notHttp));
    const bool fromOptions = rec.isEmpty() || !options.baseUrl.isEmpty();
    if (fromOptions && p.baseUrl != Core::Profile::defaultsFor(*dialect).baseUrl) {
        // Not the real service: its shipped live-channel defaults would point elsewhere. The auth
        // route hangs off the base URL; the WebSocket is the base's host and port.
        QUrl ws;
        ws.setScheme(p.baseUrl.scheme() == QLatin1String("https") ? QStringLiteral("wss")
                                                                  : QStringLiteral("ws"));
        ws.setHost(p.baseUrl.host());
        ws.setPort(p.baseUrl.port());
        p.wsUrl = ws;
        p.authUrl = QUrl(p.baseUrl.toString() + QStringLiteral("/broadcasting/auth"));
        p.pusherKey.clear();
    }
    if (!pick(options.wsUrl, "ws_url").isEmpty())
        p.wsUrl = QUrl(pick(options.wsUrl, "ws_url"));
    if (!pick(options.pusherKey, "pusher_key").isEmpty())
        p.pusherKey = pick(options.pusherKey, "pusher_key");
    if (!options.clientId.isEmpty())
        p.clientId = options.clientId;
    if (!pick(options.authUrl, "auth_url").isEmpty())
        p.authUrl = QUrl(pick(options.authUrl, "auth_url"));
    p.allowInsecure = p.allowInsecure || options.allowInsecure;

    const QString keyRef = rec.value(k("key_ref")).toString();
    QString keyEnv = pick(options.apiKeyEnv, "key_env");
    if (keyEnv.isEmpty() && keyRef.startsWith(QLatin1String("env:")))
        keyEnv = keyRef.mid(4);
    if (keyEnv.isEmpty() && keyRef.startsWith(QLatin1String("keychain:"))) {
        p.keyRef = keyRef; // a key set with `jobscope-cli keys set`, read by the session
    } else {
        if (keyEnv.isEmpty())
            return refuse(2,
                QStringLiteral(
                    "Name the environment variable that holds the API key: --api-key-env VAR."));
        if (qEnvironmentVariable(keyEnv.toUtf8().constData()).isEmpty())
            return refuse(2,
                QStringLiteral(
                    "The environment variable %1 is empty or not set; put the API key there.")
                    .arg(keyEnv));
        p.keyRef = QStringLiteral("env:") + keyEnv;
    }
    if (const QString secretEnv = pick(options.webhookSecretEnv, "webhook_secret_env");
        !secretEnv.isEmpty())
        p.webhookSecretRef = QStringLiteral("env:") + secretEnv;

    Resolved r;
    // Plain http / ws to anything but this machine sends the key in clear: only when asked.
    for (const QUrl &u : { p.baseUrl, p.wsUrl, p.authUrl }) {
        const bool plain = u.scheme() == QLatin1String("http") || u.scheme() == QLatin1String("ws");
        if (!u.isValid() || !plain || isLoopback(u))
            continue;
        if (!p.allowInsecure)
            return refuse(2,
                QStringLiteral("Refusing plain %1 to %2: the key would travel unencrypted. Use "
                               "https/wss, or --allow-insecure.")
                    .arg(u.scheme(), u.host()));
        r.warnings << QStringLiteral("warning: plain %1 to %2 (allowed by --allow-insecure).")
                          .arg(u.scheme(), u.host());
    }
    r.profile = p;
    return r;
}

} // namespace Cli
