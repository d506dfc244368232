#pragma once

#include "settings/profileentry.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <optional>

namespace Settings {

// The user's profiles, kept in one JSON file (the one jobscope-cli's --profile reads):
//   {"profiles": [{"name", "dialect", "base_url", "key_ref", "key_env"?, "keys": [{"label", "ref",
//    "added"}], "active_key", "webhook_secret_ref", "webhook_secret_env"?, "sandbox",
//    "allow_insecure", "stream", "ws_url", "pusher_key", "client_id", "auth_url", "cluster", …}]}
// "key_ref" is the active key's reference; for "env:VAR" references "key_env" (and
// "webhook_secret_env") are written too, for readers that only know those. Fields a record does
// not name take the dialect's documented defaults (Core::Profile::defaultsFor); unknown fields
// are kept. Never holds a key: Core::Profile::apiKey and webhookSecret are not serialised.
//
// Changes stay in memory until save(), which replaces the file atomically (QSaveFile). changed()
// fires after every successful change in memory and after load(). Not thread-safe.
class ProfileRegistry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProfileRegistry)

public:
    // $JOBSCOPE_PROFILES, else $XDG_CONFIG_HOME/jobscope/profiles.json (~/.config when unset).
    static QString defaultPath();

    explicit ProfileRegistry(const QString &path = defaultPath(), QObject *parent = nullptr);
    ~ProfileRegistry() override;

    QString path() const { return m_path; }

    // A missing file is an empty registry (true). False with `error` set when the file cannot be
    // read or is not a profiles document; the registry is then left empty.
    bool load(QString *error = nullptr);
    bool save(QString *error = nullptr) const;

    QList<ProfileEntry> profiles() const { return m_entries; }
    QStringList names() const;
    std::optional<ProfileEntry> profile(const QString &name) const;

    // Adds the profile, or replaces the one with the same name (keys and active key as given).
    // The entry's profile.keyRef is set from its active key when it has one. False for an empty
    // name.
    bool upsert(const ProfileEntry &entry);
    bool upsert(const Core::Profile &profile, const QList<ProfileEntry::Key> &keys = {},
        const QString &activeKey = {});
    bool remove(const QString &name);

    // Adds a key reference under `label`, or replaces the reference of that label. Does not change
    // the active key, except that a profile's first key becomes active. False for an unknown
    // profile or an empty label or reference.
    bool addKey(const QString &profile, const QString &label, const QString &ref);
    // Removing the active key leaves the profile without one (keyRef cleared): another key is
    // never made active behind the user's back.
    bool removeKey(const QString &profile, const QString &label);
    bool setActiveKey(const QString &profile, const QString &label);

    // The record as written to the file, and back (exposed for tests and importers).
    static QJsonObject toJson(const ProfileEntry &entry);
    static std::optional<ProfileEntry> fromJson(const QJsonObject &record);

Q_SIGNALS:
    void changed();

private:
    ProfileEntry *find(const QString &name);

    QString m_path;
    QList<ProfileEntry> m_entries;
    QJsonObject m_document; // top-level fields other than "profiles", kept on save
};

} // namespace Settings
