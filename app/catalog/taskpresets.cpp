#include "catalog/taskpresets.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <algorithm>
#include <utility>

namespace Catalog {

namespace {

// The same names the Redactor treats as credential query parameters, plus the obvious others.
bool isCredentialName(const QString &key)
{
    static const char *const names[] = { "api_key", "apikey", "api-key", "key", "token",
        "access_token", "secret", "password", "authorization" };
    for (const char *n : names) {
        if (key.compare(QLatin1String(n), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QJsonValue scrub(const QJsonValue &v)
{
    if (v.isObject()) {
        QJsonObject out;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!isCredentialName(it.key()))
                out.insert(it.key(), scrub(it.value()));
        }
        return out;
    }
    if (v.isArray()) {
        QJsonArray out;
        for (const QJsonValue &e : v.toArray())
            out.append(scrub(e));
        return out;
    }
    return v;
}

} // namespace

TaskPresets::TaskPresets(QString path)
    : m_path(std::move(path))
{
    QFile file(m_path);
    if (!file.exists())
        return;
    if (!file.open(QIODevice::ReadOnly)) {
        m_lastError = QStringLiteral("Cannot read %1: %2").arg(m_path, file.errorString());
        return;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        m_lastError
            = QStringLiteral("%1 is not a presets file (%2)")
                  .arg(m_path,
                      error.error != QJsonParseError::NoError ? error.errorString()
                                                              : QStringLiteral("not an object"));
        return;
    }
    m_presets = doc.object().value(QLatin1String("presets")).toObject();
}

QStringList TaskPresets::names(const QString &dialect, const QString &task) const
{
    QStringList out = m_presets.value(dialect).toObject().value(task).toObject().keys();
    std::sort(out.begin(), out.end(),
        [](const QString &a, const QString &b) { return a.compare(b, Qt::CaseInsensitive) < 0; });
    return out;
}

std::optional<QJsonObject> TaskPresets::input(
    const QString &dialect, const QString &task, const QString &name) const
{
    const QJsonValue v = m_presets.value(dialect).toObject().value(task).toObject().value(name);
    if (!v.isObject())
        return std::nullopt;
    return v.toObject();
}

bool TaskPresets::save(
    const QString &dialect, const QString &task, const QString &name, const QJsonObject &input)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty()) {
        m_lastError = QStringLiteral("A preset needs a name.");
        return false;
    }
    // QJsonObject has no deep update: copy each level out, change it, put it back.
    QJsonObject presets = m_presets;
    QJsonObject byTask = presets.value(dialect).toObject();
    QJsonObject byName = byTask.value(task).toObject();
    byName.insert(trimmed, withoutCredentials(input));
    byTask.insert(task, byName);
    presets.insert(dialect, byTask);
    return write(presets);
}

bool TaskPresets::remove(const QString &dialect, const QString &task, const QString &name)
{
    QJsonObject presets = m_presets;
    QJsonObject byTask = presets.value(dialect).toObject();
    QJsonObject byName = byTask.value(task).toObject();
    if (!byName.contains(name)) {
        m_lastError = QStringLiteral("There is no preset named \"%1\".").arg(name);
        return false;
    }
    byName.remove(name);
    if (byName.isEmpty())
        byTask.remove(task);
    else
        byTask.insert(task, byName);
    if (byTask.isEmpty())
        presets.remove(dialect);
    else
        presets.insert(dialect, byTask);
    return write(presets);
}

QJsonObject TaskPresets::withoutCredentials(const QJsonObject &input)
{
    return scrub(input).toObject();
}

bool TaskPresets::write(const QJsonObject &presets)
{
    const QFileInfo info(m_path);
    if (!QDir().mkpath(info.absolutePath())) {
        m_lastError = QStringLiteral("Cannot create the folder %1").arg(info.absolutePath());
        return false;
    }
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)) {
        m_lastError = QStringLiteral("Cannot write %1: %2").arg(m_path, file.errorString());
        return false;
    }
    const QJsonObject doc { { QLatin1String("version"), 1 },
        { QLatin1String("presets"), presets } };
    file.write(QJsonDocument(doc).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        m_lastError = QStringLiteral("Cannot write %1: %2").arg(m_path, file.errorString());
        return false;
    }
    m_presets = presets;
    m_lastError.clear();
    return true;
}

} // namespace Catalog
