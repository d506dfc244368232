#include "settings/profileregistry.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace Settings {

namespace {

QLatin1String k(const char *key)
{
    return QLatin1String(key);
}

const QLatin1String EnvPrefix("env:");

// Fields this version reads into ProfileEntry; everything else in a record is kept in `extra`.
const char *const KnownFields[] = { "name", "dialect", "base_url", "key_ref", "key_env", "keys",
    "active_key", "webhook_secret_ref", "webhook_secret_env", "sandbox", "allow_insecure", "stream",
    "ws_url", "pusher_key", "client_id", "auth_url", "cluster" };
// A key typed into the file by hand is never carried over into a file we write.
const char *const SecretFields[]
    = { "api_key", "apiKey", "key", "secret", "webhook_secret", "token" };

} // namespace

QString ProfileRegistry::defaultPath()
{
    const QString explicitPath = qEnvironmentVariable("JOBSCOPE_PROFILES");
    if (!explicitPath.isEmpty())
        return explicitPath;
    QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.config");
    return base + QStringLiteral("/jobscope/profiles.json");
}

ProfileRegistry::ProfileRegistry(const QString &path, QObject *parent)
    : QObject(parent)
    , m_path(path)
{ }

ProfileRegistry::~ProfileRegistry() = default;

QJsonObject ProfileRegistry::toJson(const ProfileEntry &entry)
{
    const Core::Profile &p = entry.profile;
    QJsonObject o = entry.extra;
    for (const char *field : SecretFields)
        o.remove(k(field));
    auto putUrl = [&o](const char *key, const QUrl &url) {
        if (url.isEmpty())
            o.remove(k(key));
        else
            o.insert(k(key), url.toString());
    };
    auto putText = [&o](const char *key, const QString &text) {
        if (text.isEmpty())
            o.remove(k(key));
        else
            o.insert(k(key), text);
    };
    o.insert(k("name"), p.name);
    o.insert(k("dialect"), Core::dialectName(p.dialect));
    putUrl("base_url", p.baseUrl);
    putText("key_ref", p.keyRef);
    putText("key_env", p.keyRef.startsWith(EnvPrefix) ? p.keyRef.mid(EnvPrefix.size()) : QString());
    QJsonArray keys;
    for (const ProfileEntry::Key &key : entry.keys) {
        keys.append(QJsonObject { { k("label"), key.label }, { k("ref"), key.ref },
            { k("added"),
                key.added.isValid() ? key.added.toUTC().toString(Qt::ISODate) : QString() } });
    }
    o.insert(k("keys"), keys);
    putText("active_key", entry.activeKey);
    putText("webhook_secret_ref", p.webhookSecretRef);
    putText("webhook_secret_env",
        p.webhookSecretRef.startsWith(EnvPrefix) ? p.webhookSecretRef.mid(EnvPrefix.size())
                                                 : QString());
    o.insert(k("sandbox"), entry.sandbox);
    o.insert(k("allow_insecure"), p.allowInsecure);
    o.insert(k("stream"), p.stream);
    putUrl("ws_url", p.wsUrl);
    putText("pusher_key", p.pusherKey);
    putText("client_id", p.clientId);
    putUrl("auth_url", p.authUrl);
    putText("cluster", p.cluster);
    return o;
}

std::optional<ProfileEntry> ProfileRegistry::fromJson(const QJsonObject &record)
{
    const QString name = record.value(k("name")).toString().trimmed();
    const auto dialect = Core::dialectFromName(record.value(k("dialect")).toString());
    if (name.isEmpty() || !dialect)
        return std::nullopt;
    ProfileEntry entry;
    Core::Profile &p = entry.profile;
    p = Core::Profile::defaultsFor(*dialect);
    p.name = name;
    auto text = [&record](const char *key, QString *target) {
        const QJsonValue v = record.value(k(key));
        if (v.isString())
            *target = v.toString();
    };
    auto url = [&record](const char *key, QUrl *target) {
        const QJsonValue v = record.value(k(key));
        if (v.isString() && !v.toString().isEmpty())
            *target = QUrl(v.toString());
    };
    url("base_url", &p.baseUrl);
    url("ws_url", &p.wsUrl);
    url("auth_url", &p.authUrl);
    text("pusher_key", &p.pusherKey);
    text("client_id", &p.clientId);
    text("cluster", &p.cluster);
    p.allowInsecure = record.value(k("allow_insecure")).toBool(false);
    p.stream = record.value(k("stream")).toBool(p.stream);
    entry.sandbox = record.value(k("sandbox")).toBool(false);

    for (const QJsonValue &v : record.value(k("keys")).toArray()) {
        const QJsonObject o = v.toObject();
        ProfileEntry::Key key { o.value(k("label")).toString(), o.value(k("ref")).toString(),
            QDateTime::fromString(o.value(k("added")).toString(), Qt::ISODate) };
        if (key.label.isEmpty() || key.ref.isEmpty() || entry.key(key.label))
            continue;
        entry.keys.append(key);
    }
    text("active_key", &entry.activeKey);
    if (!entry.activeKey.isEmpty() && !entry.key(entry.activeKey))
        entry.activeKey.clear();

    // The active key decides keyRef; an older file may only name an environment variable.
    if (const ProfileEntry::Key *active = entry.key(entry.activeKey))
        p.keyRef = active->ref;
    else
        text("key_ref", &p.keyRef);
    if (p.keyRef.isEmpty() && !record.value(k("key_env")).toString().isEmpty())
        p.keyRef = EnvPrefix + record.value(k("key_env")).toString();
    text("webhook_secret_ref", &p.webhookSecretRef);
    if (p.webhookSecretRef.isEmpty() && !record.value(k("webhook_secret_env")).toString().isEmpty())
        p.webhookSecretRef = EnvPrefix + record.value(k("webhook_secret_env")).toString();

    entry.extra = record;
    for (const char *field : KnownFields)
        entry.extra.remove(k(field));
    for (const char *field : SecretFields)
        entry.extra.remove(k(field));
    return entry;
}

bool ProfileRegistry::load(QString *error)
{
    m_entries.clear();
    m_document = {};
    QFile file(m_path);
    if (!file.exists()) {
        Q_EMIT changed();
        return true;
    }
    auto fail = [&](const QString &sentence) {
        if (error)
            *error = sentence;
        Q_EMIT changed();
        return false;
    };
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("Cannot read %1: %2.").arg(m_path, file.errorString()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return fail(QStringLiteral("%1 is not a profiles file (%2).")
                        .arg(m_path,
                            parseError.error != QJsonParseError::NoError
                                ? parseError.errorString()
                                : QStringLiteral("not a JSON object")));
    m_document = doc.object();
    const QJsonArray records = m_document.value(k("profiles")).toArray();
    m_document.remove(k("profiles"));
    for (const QJsonValue &v : records) {
        auto entry = fromJson(v.toObject());
        if (entry && !find(entry->profile.name))
            m_entries.append(*entry);
    }
    Q_EMIT changed();
    return true;
}

bool ProfileRegistry::save(QString *error) const
{
    const QFileInfo info(m_path);
    if (!QDir().mkpath(info.absolutePath())) {
        if (error)
            *error = QStringLiteral("Cannot create the folder %1.").arg(info.absolutePath());
        return false;
    }
    QJsonObject doc = m_document;
    QJsonArray records;
    for (const ProfileEntry &entry : m_entries)
        records.append(toJson(entry));
    doc.insert(k("profiles"), records);
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("Cannot write %1: %2.").arg(m_path, file.errorString());
        return false;
    }
    // Only the user reads their profile list (it names key references and hosts).
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(doc).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        if (error)
            *error = QStringLiteral("Cannot write %1: %2.").arg(m_path, file.errorString());
        return false;
    }
    return true;
}

QStringList ProfileRegistry::names() const
{
    QStringList out;
    for (const ProfileEntry &entry : m_entries)
        out.append(entry.profile.name);
    return out;
}

std::optional<ProfileEntry> ProfileRegistry::profile(const QString &name) const
{
    for (const ProfileEntry &entry : m_entries) {
        if (entry.profile.name == name)
            return entry;
    }
    return std::nullopt;
}

ProfileEntry *ProfileRegistry::find(const QString &name)
{
    for (ProfileEntry &entry : m_entries) {
        if (entry.profile.name == name)
            return &entry;
    }
    return nullptr;
}

bool ProfileRegistry::upsert(const ProfileEntry &given)
{
    if (given.profile.name.trimmed().isEmpty())
        return false;
    ProfileEntry entry = given;
    entry.profile.apiKey.clear();
    entry.profile.webhookSecret.clear();
    if (!entry.activeKey.isEmpty() && !entry.key(entry.activeKey))
        entry.activeKey.clear();
    if (const ProfileEntry::Key *active = entry.key(entry.activeKey))
        entry.profile.keyRef = active->ref;
    if (ProfileEntry *existing = find(entry.profile.name))
        *existing = entry;
    else
        m_entries.append(entry);
    Q_EMIT changed();
    return true;
}

bool ProfileRegistry::upsert(
    const Core::Profile &profile, const QList<ProfileEntry::Key> &keys, const QString &activeKey)
{
    ProfileEntry entry;
    if (const ProfileEntry *existing = find(profile.name)) {
        entry.sandbox = existing->sandbox;
        entry.extra = existing->extra;
    }
    entry.profile = profile;
    entry.keys = keys;
    entry.activeKey = activeKey;
    return upsert(entry);
}

bool ProfileRegistry::remove(const QString &name)
{
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).profile.name == name) {
            m_entries.removeAt(i);
            Q_EMIT changed();
            return true;
        }
    }
    return false;
}

bool ProfileRegistry::addKey(const QString &profile, const QString &label, const QString &ref)
{
    ProfileEntry *entry = find(profile);
    if (!entry || label.trimmed().isEmpty() || ref.trimmed().isEmpty())
        return false;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    bool replaced = false;
    for (ProfileEntry::Key &key : entry->keys) {
        if (key.label == label) {
            key.ref = ref;
            key.added = now;
            replaced = true;
        }
    }
    if (!replaced)
        entry->keys.append(ProfileEntry::Key { label, ref, now });
    if (entry->activeKey.isEmpty() && entry->keys.size() == 1)
        entry->activeKey = label;
    if (entry->activeKey == label)
        entry->profile.keyRef = ref;
    Q_EMIT changed();
    return true;
}

bool ProfileRegistry::removeKey(const QString &profile, const QString &label)
{
    ProfileEntry *entry = find(profile);
    if (!entry)
        return false;
    for (qsizetype i = 0; i < entry->keys.size(); ++i) {
        if (entry->keys.at(i).label == label) {
            entry->keys.removeAt(i);
            if (entry->activeKey == label) {
                entry->activeKey.clear();
                entry->profile.keyRef.clear();
            }
            Q_EMIT changed();
            return true;
        }
    }
    return false;
}

bool ProfileRegistry::setActiveKey(const QString &profile, const QString &label)
{
    ProfileEntry *entry = find(profile);
    if (!entry)
        return false;
    const ProfileEntry::Key *key = entry->key(label);
    if (!key)
        return false;
    entry->activeKey = label;
    entry->profile.keyRef = key->ref;
    Q_EMIT changed();
    return true;
}

} // namespace Settings
