#include "sandbox/jobstore.h"

#include <QHash>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

Q_LOGGING_CATEGORY(lcStore, "jobscope.sandbox.store")

namespace Sandbox {

namespace {
constexpr int SchemaVersion = 2;
}

JobStore::JobStore(const QString &path)
    : m_connection(
        QStringLiteral("jobscope-sandbox-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(path.isEmpty() ? QStringLiteral(":memory:") : path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        m_error = db.lastError().text();
        return;
    }
    QSqlQuery q(db);
    for (const char *sql :
        { "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON" })
        q.exec(QLatin1String(sql));
    q.exec(QStringLiteral("PRAGMA user_version"));
    const int version = q.next() ? q.value(0).toInt() : 0;
    if (version > SchemaVersion) {
        m_error = QStringLiteral("database schema %1 is newer than this sandbox (%2)")
                      .arg(version)
                      .arg(SchemaVersion);
        return;
    }
    if (version < 1) {
        const bool ok
            = q.exec(QStringLiteral(
                  "CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, dialect TEXT NOT NULL, "
                  "updated_ms INTEGER NOT NULL, doc BLOB NOT NULL)"))
            && q.exec(QStringLiteral(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"))
            && q.exec(QStringLiteral("PRAGMA user_version = 1"));
        if (!ok) {
            m_error = q.lastError().text();
            return;
        }
    }
    if (version < 2) {
        // v2: SSE events move out of the job document into an append-only table. Documents written
        // by v1 still carry theirs; loadAll() reads both.
        const bool ok
            = q.exec(QStringLiteral(
                  "CREATE TABLE IF NOT EXISTS events (job_id TEXT NOT NULL, id INTEGER NOT NULL, "
                  "type TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (job_id, id)) WITHOUT "
                  "ROWID"))
            && q.exec(QStringLiteral("PRAGMA user_version = 2"));
        if (!ok) {
            m_error = q.lastError().text();
            return;
        }
    }
    m_open = true;
}

JobStore::~JobStore()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QList<Job> JobStore::loadAll()
{
    QList<Job> out;
    if (!m_open)
        return out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.exec(QStringLiteral("SELECT doc FROM jobs ORDER BY rowid"));
    QHash<QString, qsizetype> index;
    while (q.next()) {
        Job job;
        if (Job::fromJson(QJsonDocument::fromJson(q.value(0).toByteArray()).object(), &job)) {
            index.insert(job.id, out.size());
            out.append(std::move(job));
        } else {
            qCWarning(lcStore) << "skipping an unreadable job record";
        }
    }
    QSqlQuery e(QSqlDatabase::database(m_connection));
    e.setForwardOnly(true);
    e.exec(QStringLiteral("SELECT job_id, id, type, data FROM events ORDER BY job_id, id"));
    QSet<QString> fromTable;
    while (e.next()) {
        const auto it = index.constFind(e.value(0).toString());
        if (it == index.constEnd())
            continue;
        Job &job = out[*it];
        if (!fromTable.contains(job.id)) {
            fromTable.insert(job.id);
            job.events.clear(); // the table is authoritative once it has rows for a job
        }
        job.events.append(
            { e.value(1).toLongLong(), e.value(2).toByteArray(), e.value(3).toByteArray() });
    }
    for (Job &job : out) {
        job.persistedEvents = fromTable.contains(job.id) ? job.events.size() : 0;
        if (!job.events.isEmpty())
            job.nextEventId = std::max(job.nextEventId, job.events.last().id + 1);
        // Events sent after the last save were lost with the process that sent them; their ids
        // must never be handed out again with other content (a client resuming with
        // Last-Event-ID would skip the new ones), so the numbering jumps past them.
        job.nextEventId += 10000;
    }
    return out;
}

bool JobStore::save(const QList<Job *> &jobs)
{
    if (!m_open || jobs.isEmpty())
        return m_open;
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    db.transaction();
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO jobs (id, dialect, updated_ms, doc) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET updated_ms = excluded.updated_ms, doc = excluded.doc"));
    QSqlQuery ev(db);
    ev.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO events (job_id, id, type, data) VALUES (?, ?, ?, ?)"));
    for (const Job *job : jobs) {
        q.bindValue(0, job->id);
        q.bindValue(1, DialectTable::name(job->dialect));
        q.bindValue(2, job->updatedMs);
        q.bindValue(3, QJsonDocument(job->toJson(false)).toJson(QJsonDocument::Compact));
        bool ok = q.exec();
        for (qsizetype i = job->persistedEvents; ok && i < job->events.size(); ++i) {
            const StreamEvent &e = job->events.at(i);
            ev.bindValue(0, job->id);
            ev.bindValue(1, e.id);
            ev.bindValue(2, QString::fromUtf8(e.type));
            ev.bindValue(3, e.data);
            ok = ev.exec();
        }
        if (!ok) {
            m_error = q.lastError().isValid() ? q.lastError().text() : ev.lastError().text();
            db.rollback();
            qCWarning(lcStore) << "saving jobs failed:" << m_error;
            return false;
        }
    }
    if (!db.commit())
        return false;
    for (Job *job : jobs)
        job->persistedEvents = job->events.size();
    return true;
}

bool JobStore::remove(const QStringList &ids)
{
    if (!m_open || ids.isEmpty())
        return m_open;
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    db.transaction();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("DELETE FROM jobs WHERE id = ?"));
    QSqlQuery e(db);
    e.prepare(QStringLiteral("DELETE FROM events WHERE job_id = ?"));
    for (const QString &id : ids) {
        q.bindValue(0, id);
        q.exec();
        e.bindValue(0, id);
        e.exec();
    }
    return db.commit();
}

QString JobStore::meta(const QString &key) const
{
    if (!m_open)
        return {};
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
    q.bindValue(0, key);
    return q.exec() && q.next() ? q.value(0).toString() : QString();
}

bool JobStore::setMeta(const QString &key, const QString &value)
{
    if (!m_open)
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO "
                             "UPDATE SET value = excluded.value"));
    q.bindValue(0, key);
    q.bindValue(1, value);
    return q.exec();
}

} // namespace Sandbox
