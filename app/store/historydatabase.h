#pragma once

#include "store/database.h"
#include "store/downloadrecord.h"
#include "store/jobsnapshot.h"
#include "store/storedjob.h"

#include <QList>
#include <QString>

namespace Core {
class Redactor;
}

namespace Store {

// The job history, synchronous: every read and write of the schema in one place, with prepared
// statements and one transaction per batch. Lives on one thread — the CLI uses it directly; the
// app reaches it through JobHistory, which runs it on a thread of its own.
// Never receives a key: profiles are stored through Core::Profile::toJson (references only).
class HistoryDatabase final
{
public:
    HistoryDatabase();
    ~HistoryDatabase();
    HistoryDatabase(const HistoryDatabase &) = delete;
    HistoryDatabase &operator=(const HistoryDatabase &) = delete;

    // The default file: $JOBSCOPE_HISTORY, else $XDG_DATA_HOME/jobscope/history.sqlite.
    static QString defaultPath();

    bool open(const QString &path, QString *error);
    Database &database() { return m_db; }
    QString lastError() const { return m_error; }

    // A job just submitted (or first seen): its profile snapshot, task, input, channel and
    // download folder. Inserting an id that exists updates those fields and keeps its history.
    // A job is known by (profile's service, the service's id): when job.id is held by a job of
    // another service (dialect and base URL), that one is moved to "<id>@<its profile>" first,
    // with its timeline, logs, outputs and downloads; it is never overwritten.
    bool recordJob(const StoredJob &job);
    // The key of the job that `profile`'s service calls `remoteId`; empty when the history has
    // none.
    QString findKey(const Core::Profile &profile, const QString &remoteId);
    // The job the service calls `remoteId`, with its details: the one of `profile`'s service when
    // a profile is given; otherwise the job keyed `remoteId`, or the only job of any service with
    // that id (none when several services have one: the caller has to say which).
    std::optional<StoredJob> findJob(const QString &remoteId, const Core::Profile *profile);
    // One tracker batch, in one transaction.
    bool writeSnapshots(const QList<JobSnapshot> &snapshots);
    bool writeDownload(const DownloadRecord &record);

    // Jobs newest first. `unfinishedOnly`: jobs not yet terminal, and terminal jobs with a
    // download folder whose outputs are not all downloaded (what `resume` re-attaches to).
    // `withDetails` loads timeline and log lines too (otherwise left empty).
    QList<StoredJob> jobs(
        bool unfinishedOnly = false, bool withDetails = false, int limit = -1, int offset = 0);
    std::optional<StoredJob> job(const QString &jobId, bool withDetails = true);
    int jobCount();
    QList<DownloadRecord> downloads(const QString &jobId);

    // Retention: marks (never deletes) jobs of `dialect` created before `beforeMs`; returns how
    // many.
    int markPurged(const QString &dialect, qint64 beforeMs, qint64 nowMs);

    // Exports every job (with timeline, logs, outputs, downloads) as JSON or CSV (one row a job),
    // every text passed through `redactor`. False with lastError() set when the file cannot be
    // written.
    bool exportJson(const QString &path, const Core::Redactor &redactor);
    bool exportCsv(const QString &path, const Core::Redactor &redactor);

private:
    qint64 profileId(const Core::Profile &profile);
    bool moveAside(const QString &key, const QString &remoteId, const QString &profileName);
    bool fail(const QString &what, const QString &error);
    void readDetails(StoredJob *job);
    void readOutputs(StoredJob *job);

    Database m_db;
    QHash<QString, qint64> m_profileIds; // settings JSON → row id
    QString m_error;
};

} // namespace Store
