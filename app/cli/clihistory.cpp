#include "cli/clihistory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStandardPaths>

namespace Cli {

CliHistory::CliHistory()
{
    const QString env = qEnvironmentVariable("JOBSCOPE_HISTORY");
    if (!env.isEmpty()) {
        m_path = env;
    } else {
        QString base = qEnvironmentVariable("XDG_DATA_HOME");
        if (base.isEmpty())
            base = QDir::homePath() + QStringLiteral("/.local/share");
        m_path = base + QStringLiteral("/jobscope/cli-history.jsonl");
    }
}

CliHistory::CliHistory(QString path)
    : m_path(std::move(path))
{
}

bool CliHistory::append(const QJsonObject &record, QString *error) const
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QFile f(m_path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Append)) {
        if (error)
            *error = f.errorString();
        return false;
    }
    // One write() of a whole line: O_APPEND keeps concurrent writers' lines apart.
    const QByteArray line = QJsonDocument(record).toJson(QJsonDocument::Compact) + '\n';
    return f.write(line) == line.size();
}

QList<QJsonObject> CliHistory::readAll() const
{
    QList<QJsonObject> out;
    QFile f(m_path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    while (!f.atEnd()) {
        const QJsonDocument doc = QJsonDocument::fromJson(f.readLine());
        if (doc.isObject())
            out.append(doc.object());
    }
    return out;
}

QJsonObject CliHistory::find(const QString &jobId) const
{
    const QList<QJsonObject> all = readAll();
    for (qsizetype i = all.size() - 1; i >= 0; --i) {
        if (all.at(i).value(QLatin1String("id")).toString() == jobId)
            return all.at(i);
    }
    return {};
}

QList<QJsonObject> CliHistory::forBaseUrl(const QString &baseUrl) const
{
    QList<QJsonObject> out;
    QStringList seen;
    const QList<QJsonObject> all = readAll();
    for (qsizetype i = all.size() - 1; i >= 0; --i) {
        const QString id = all.at(i).value(QLatin1String("id")).toString();
        if (all.at(i).value(QLatin1String("base_url")).toString() == baseUrl && !seen.contains(id)) {
            seen.append(id);
            out.prepend(all.at(i));
        }
    }
    return out;
}

} // namespace Cli
