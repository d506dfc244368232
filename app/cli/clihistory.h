#pragma once

#include "core/profile.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace Store {
class HistoryDatabase;
}
namespace Tracker {
class JobTracker;
}

namespace Cli {

// What jobscope-cli remembers about the jobs it submitted, so `status`, `watch`, `list`,
// `download` and `resume` of a known id need no connection options: the job's profile (dialect,
// base URL, the name of the environment variable holding its key — never the key — and
// live-channel settings), its task, input, channel and download folder. Kept in the same SQLite
// history as the app's ($JOBSCOPE_HISTORY or $XDG_DATA_HOME/jobscope/history.sqlite; WAL, so
// the app and several CLI processes share it), opened on first use.
// Records are the CLI's flat JSON: {id, dialect, base_url, key_env, task, input, via,
// download_dir, ws_url, pusher_key, client_id, auth_url, webhook_secret_env, created_ms}.
class CliHistory final
{
public:
    CliHistory();
    explicit CliHistory(QString path);
    ~CliHistory();
    CliHistory(CliHistory &&) noexcept;
    CliHistory &operator=(CliHistory &&) noexcept;

    QString path() const { return m_path; }
    // The profile this run talks to: ids given to find(), write() and recordDownload() are the
    // service's ids, resolved to that service's job (two services may use the same id).
    void setProfile(const Core::Profile &profile);
    bool append(const QJsonObject &record, QString *error = nullptr);
    // The record for `jobId`, or an empty object.
    QJsonObject find(const QString &jobId);
    // Every record of a base URL, oldest first.
    QList<QJsonObject> forBaseUrl(const QString &baseUrl);
    // Writes what the tracker knows of `ids` (jobs not in the history are left out).
    void write(const Tracker::JobTracker &tracker, const QStringList &ids);
    void recordDownload(const QString &jobId, const QString &key, const QString &folder,
        const QString &path, bool done, qint64 bytes, qint64 total, const QString &sha256,
        const QString &error);

private:
    Store::HistoryDatabase *db(QString *error = nullptr);
    QString keyFor(const QString &remoteId); // empty: not in the history
    std::optional<Core::Profile> m_profile;
    QHash<QString, QString> m_keys; // remote id → history key, for m_profile
    QString m_path;
    std::unique_ptr<Store::HistoryDatabase> m_db;
    QHash<QString, QPair<int, int>> m_written; // timeline and log entries already written per job
    QSet<QString> m_counted; // jobs whose earlier entries were counted from the history
};

} // namespace Cli
