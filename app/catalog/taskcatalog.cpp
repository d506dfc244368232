#include "catalog/taskcatalog.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace Catalog {

TaskCatalog::TaskCatalog()
{
    for (const char *name : { "peelapi", "imagepipeline", "peel", "peako", "deapi" }) {
        QFile file(QStringLiteral(":/jobscope/catalogs/%1.json").arg(QLatin1String(name)));
        if (file.open(QIODevice::ReadOnly))
            loadDocument(file.readAll());
    }
}

bool TaskCatalog::loadDocument(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject()) {
        if (error)
            *error = parseError.errorString();
        return false;
    }
    const QJsonObject root = doc.object();
    const QString dialect = root.value(QLatin1String("dialect")).toString();
    if (dialect.isEmpty()) {
        if (error)
            *error = QStringLiteral("catalog has no dialect");
        return false;
    }
    for (const QJsonValue &v : root.value(QLatin1String("tasks")).toArray()) {
        const QJsonObject t = v.toObject();
        TaskInfo info;
        info.dialect = dialect;
        info.path = t.value(QLatin1String("path")).toString();
        info.title = t.value(QLatin1String("title")).toString();
        info.jobType = t.value(QLatin1String("job_type")).toString();
        info.output = t.value(QLatin1String("output")).toString();
        info.modelId = t.value(QLatin1String("model_id")).toString();
        info.defaultDurationMs = t.value(QLatin1String("default_duration_ms")).toInt(5000);
        info.inputSchema = t.value(QLatin1String("input_schema")).toObject();
        if (!info.path.isEmpty())
            m_tasks.append(info);
    }
    return true;
}

QList<TaskInfo> TaskCatalog::tasks(const QString &dialect) const
{
    QList<TaskInfo> out;
    for (const TaskInfo &t : m_tasks) {
        if (t.dialect == dialect)
            out.append(t);
    }
    return out;
}

const TaskInfo *TaskCatalog::find(const QString &dialect, const QString &path) const
{
    QStringView p(path);
    while (p.startsWith(QLatin1Char('/')))
        p = p.mid(1);
    for (const TaskInfo &t : m_tasks) {
        if (t.dialect == dialect && t.path == p)
            return &t;
    }
    return nullptr;
}

QStringList TaskCatalog::dialects() const
{
    QStringList out;
    for (const TaskInfo &t : m_tasks) {
        if (!out.contains(t.dialect))
            out.append(t.dialect);
    }
    return out;
}

} // namespace Catalog
