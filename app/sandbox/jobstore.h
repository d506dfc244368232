#pragma once

#include "sandbox/job.h"

#include <QList>
#include <QString>

namespace Sandbox {

// The sandbox's state on disk: one SQLite database (WAL, prepared statements, batched writes in
// one transaction) holding every job as a JSON document, its SSE events in their own table
// (appended, never rewritten), and a small key/value table for the accounts. The schema version
// is PRAGMA user_version with forward migrations. An empty path keeps everything in memory.
class JobStore final
{
    Q_DISABLE_COPY_MOVE(JobStore)

public:
    explicit JobStore(const QString &path);
    ~JobStore();

    bool isOpen() const { return m_open; }
    QString errorString() const { return m_error; }

    QList<Job> loadAll();
    // Writes the jobs' documents and the events each gained since its last save.
    bool save(const QList<Job *> &jobs);
    bool remove(const QStringList &ids);
    QString meta(const QString &key) const;
    bool setMeta(const QString &key, const QString &value);

private:
    QString m_connection;
    bool m_open = false;
    QString m_error;
};

} // namespace Sandbox
