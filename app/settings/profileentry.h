#pragma once

#include "core/profile.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Settings {

// One profile as the user keeps it in profiles.json: the connection (Core::Profile, whose keyRef
// is the active key's reference), every key the user added to it (references only, never a key)
// and which one is active. `extra` carries the fields of the record this version does not know, so
// saving never drops what another tool wrote.
struct ProfileEntry
{
    struct Key
    {
        QString label; // unique within the profile
        QString ref; // "keychain:<profile>/<label>" or "env:VAR"
        QDateTime added; // UTC
    };

    Core::Profile profile; // apiKey / webhookSecret are never read from or written to the file
    QList<Key> keys;
    QString activeKey; // a label of `keys`, or empty (then profile.keyRef may still be "env:VAR")
    bool sandbox = false; // a profile that points at jobscope-sandbox
    QJsonObject extra;

    const Key *key(const QString &label) const
    {
        for (const Key &k : keys) {
            if (k.label == label)
                return &k;
        }
        return nullptr;
    }
};

} // namespace Settings
