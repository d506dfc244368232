#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace Catalog {

// Named task inputs ("presets") per (dialect, task), kept in one JSON file at the path given to
// the constructor:
//   {"version": 1, "presets": {"<dialect>": {"<task path>": {"<name>": {<input>}}}}}
// A preset is only a task body: no profile, no URL, never a key. As a guard against a key typed
// into a form field, credential-named fields (api_key, apikey, key, token, access_token, secret,
// password, authorization; any depth, any case) are dropped before anything is written.
// Every change rewrites the file through QSaveFile, so a crash never leaves half a file. The
// file is read once, in the constructor; an unreadable or invalid file gives no presets (and
// lastError() says why) and is only replaced by the next successful save.
class TaskPresets final
{
public:
    explicit TaskPresets(QString path);

    QString path() const { return m_path; }
    // Preset names of a task, sorted case-insensitively.
    QStringList names(const QString &dialect, const QString &task) const;
    std::optional<QJsonObject> input(
        const QString &dialect, const QString &task, const QString &name) const;
    // Adds or replaces a preset. Returns false (and sets lastError()) when the name is blank or the
    // file cannot be written; the in-memory state is then unchanged.
    bool save(
        const QString &dialect, const QString &task, const QString &name, const QJsonObject &input);
    // Removes a preset; false when there is no such preset or the file cannot be written.
    bool remove(const QString &dialect, const QString &task, const QString &name);
    QString lastError() const { return m_lastError; }

    // `input` without credential-named fields (what save() stores).
    static QJsonObject withoutCredentials(const QJsonObject &input);

private:
    bool write(const QJsonObject &presets);

    QString m_path;
    QJsonObject m_presets; // dialect -> task -> name -> input
    QString m_lastError;
};

} // namespace Catalog
