#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace Cli {

// What jobscope-cli remembers about the jobs it submitted, so `status`, `watch`, `list` and
// `download` of a known id need no connection options: the job's dialect, base URL, the name of the
// environment variable holding its key (never the key), its task (ImagePipeline's status route hangs
// off it) and live-channel settings. One JSON object per line in
// $JOBSCOPE_HISTORY or $XDG_DATA_HOME/jobscope/cli-history.jsonl; appends are single writes, so
// several CLI processes can share it.
class CliHistory final
{
public:
    CliHistory();
    explicit CliHistory(QString path);

    QString path() const { return m_path; }
    bool append(const QJsonObject &record, QString *error = nullptr) const;
    // The latest record for `jobId`, or an empty object.
    QJsonObject find(const QString &jobId) const;
    // Every record of a base URL, oldest first (the latest record per job).
    QList<QJsonObject> forBaseUrl(const QString &baseUrl) const;

private:
    QList<QJsonObject> readAll() const;
    QString m_path;
};

} // namespace Cli
