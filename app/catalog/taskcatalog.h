#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace Catalog {

// One task a dialect accepts: its submit path below the base URL (as the service writes it,
// e.g. "api/video/trim"), the JSON Schema of its body, and what it produces.
struct TaskInfo
{
    QString dialect;
    QString path;
    QString title;
    QString jobType; // Peako's PEAKO_* type, deAPI's job_type; empty where the service has none
    QString output; // "image", "video", "audio", "captions", "api"
    QString modelId; // PeelAPI's model_id
    int defaultDurationMs = 5000;
    QJsonObject inputSchema;
};

// The task catalogs shipped in resources/catalogs (one JSON file per dialect). Immutable after
// construction; cheap to copy around by const reference.
class TaskCatalog final
{
public:
    // Loads every shipped catalog from the Qt resources.
    TaskCatalog();
    // Loads one catalog document (for tests); returns false with `error` set when it is invalid.
    bool loadDocument(const QByteArray &json, QString *error = nullptr);

    QList<TaskInfo> tasks(const QString &dialect) const;
    // The task whose path equals `path` (leading '/' ignored), or nullptr.
    const TaskInfo *find(const QString &dialect, const QString &path) const;
    QStringList dialects() const;

private:
    QList<TaskInfo> m_tasks;
};

} // namespace Catalog
