#include "store/database.h"

#include <QAtomicInt>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

namespace Store {

namespace {

QAtomicInt g_connectionSerial; // connection names only; no state is shared through it

// Each entry moves the schema from version i to i + 1. Never edit a released step: add one.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps {
        // 0 → 1: profiles (never keys), jobs, their timeline and log lines.
        { QStringLiteral("CREATE TABLE profiles ("
                         " id INTEGER PRIMARY KEY,"
                         " name TEXT NOT NULL,"
                         " dialect TEXT NOT NULL,"
                         " base_url TEXT NOT NULL,"
                         " key_ref TEXT NOT NULL DEFAULT '',"
                         " settings TEXT NOT NULL DEFAULT '{}',"
                         " UNIQUE (settings))"),
            QStringLiteral("CREATE TABLE jobs ("
                           " job_id TEXT PRIMARY KEY,"
                           " profile_id INTEGER NOT NULL REFERENCES profiles(id),"
                           " task TEXT NOT NULL DEFAULT '',"
                           " input TEXT NOT NULL DEFAULT '{}',"
                           " via TEXT NOT NULL DEFAULT 'auto',"
                           " state TEXT,"
                           " raw_status TEXT NOT NULL DEFAULT '',"
                           " progress REAL,"
                           " created_ms INTEGER NOT NULL,"
                           " updated_ms INTEGER NOT NULL,"
                           " timings TEXT NOT NULL DEFAULT '{}',"
                           " credits TEXT NOT NULL DEFAULT '{}',"
                           " extra TEXT NOT NULL DEFAULT '{}',"
                           " error TEXT NOT NULL DEFAULT '{}',"
                           " captions TEXT NOT NULL DEFAULT '[]')"),
            QStringLiteral("CREATE TABLE timeline ("
                           " job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,"
                           " seq INTEGER NOT NULL,"
                           " time_ms INTEGER NOT NULL,"
                           " channel TEXT NOT NULL,"
                           " kind TEXT NOT NULL,"
                           " state TEXT,"
                           " raw_status TEXT NOT NULL DEFAULT '',"
                           " text TEXT NOT NULL DEFAULT '',"
                           " PRIMARY KEY (job_id, seq))"),
            QStringLiteral("CREATE TABLE logs ("
                           " job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,"
                           " seq INTEGER NOT NULL,"
                           " time_ms INTEGER NOT NULL,"
                           " level TEXT NOT NULL,"
                           " message TEXT NOT NULL,"
                           " PRIMARY KEY (job_id, seq))") },
        // 1 → 2: outputs and where each was downloaded to.
        { QStringLiteral("CREATE TABLE outputs ("
                         " job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,"
                         " seq INTEGER NOT NULL,"
                         " idx INTEGER NOT NULL DEFAULT 0,"
                         " variant TEXT NOT NULL DEFAULT '',"
                         " name TEXT NOT NULL DEFAULT '',"
                         " url TEXT NOT NULL DEFAULT '',"
                         " mime TEXT NOT NULL DEFAULT '',"
                         " size INTEGER NOT NULL DEFAULT -1,"
                         " inline_data BLOB,"
                         " PRIMARY KEY (job_id, seq))"),
            QStringLiteral("CREATE TABLE downloads ("
                           " job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,"
                           " output_key TEXT NOT NULL,"
                           " folder TEXT NOT NULL,"
                           " path TEXT NOT NULL DEFAULT '',"
                           " state TEXT NOT NULL DEFAULT 'pending',"
                           " bytes INTEGER NOT NULL DEFAULT 0,"
                           " total INTEGER NOT NULL DEFAULT -1,"
                           " sha256 TEXT NOT NULL DEFAULT '',"
                           " error TEXT NOT NULL DEFAULT '',"
                           " updated_ms INTEGER NOT NULL DEFAULT 0,"
                           " PRIMARY KEY (job_id, output_key))"),
            QStringLiteral("ALTER TABLE jobs ADD COLUMN download_dir TEXT NOT NULL DEFAULT ''") },
        // 2 → 3: retention (a purged job stays in the history, marked) and the list's order.
        { QStringLiteral("ALTER TABLE jobs ADD COLUMN purged_ms INTEGER"),
            QStringLiteral("CREATE INDEX jobs_created ON jobs(created_ms)"),
            QStringLiteral("CREATE INDEX jobs_unfinished ON jobs(state) WHERE state IS NULL OR "
                           "state NOT IN ('succeeded','failed','cancelled')") },
        // 3 → 4: a job is known by (profile, the service's id). job_id stays the key; remote_id
        // holds the service's id where the key had to differ ("<id>@<profile>"), because another
        // service had handed out the same id.
        { QStringLiteral("ALTER TABLE jobs ADD COLUMN remote_id TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("CREATE INDEX jobs_remote ON jobs(remote_id) WHERE remote_id != ''") },
    };
    return steps;
}

bool exec(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return true;
    if (error)
        *error = q.lastError().text() + QStringLiteral(" (") + sql.left(80) + QLatin1Char(')');
    return false;
}

} // namespace

Database::Database() = default;

Database::~Database()
{
    close();
}

bool Database::open(const QString &path, QString *error, int targetVersion)
{
    close();
    m_path = path;
    m_name = QStringLiteral("jobscope-history-%1").arg(g_connectionSerial.fetchAndAddRelaxed(1));
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
    if (path.isEmpty()) {
        m_db.setDatabaseName(QStringLiteral(":memory:"));
    } else {
        const QFileInfo info(path);
        if (!QDir().mkpath(info.absolutePath())) {
            if (error)
                *error = QStringLiteral("cannot create the folder %1").arg(info.absolutePath());
            return false;
        }
        m_db.setDatabaseName(path);
        m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    }
    if (!m_db.open()) {
        if (error)
            *error = QStringLiteral("cannot open the history %1: %2")
                         .arg(path, m_db.lastError().text());
        return false;
    }
    QString e;
    const bool ok = (path.isEmpty() || exec(m_db, QStringLiteral("PRAGMA journal_mode=WAL"), &e))
        && exec(m_db, QStringLiteral("PRAGMA foreign_keys=ON"), &e)
        && exec(m_db, QStringLiteral("PRAGMA synchronous=NORMAL"), &e)
        && exec(m_db, QStringLiteral("PRAGMA busy_timeout=10000"), &e)
        && migrateTo(targetVersion, &e);
    if (!ok) {
        if (error)
            *error = QStringLiteral("cannot prepare the history %1: %2").arg(path, e);
        close();
        return false;
    }
    return true;
}

void Database::close()
{
    if (m_name.isEmpty())
        return;
    if (m_db.isValid())
        m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
    m_name.clear();
}

int Database::version()
{
    QSqlQuery q(m_db);
    return q.exec(QStringLiteral("PRAGMA user_version")) && q.next() ? q.value(0).toInt() : -1;
}

bool Database::migrateTo(int target, QString *error)
{
    const auto &steps = migrations();
    target = qMin(target, int(steps.size()));
    // Two processes may open a fresh file at once: an IMMEDIATE transaction per step makes the
    // second wait for the first and then see the version it wrote.
    for (;;) {
        if (!exec(m_db, QStringLiteral("BEGIN IMMEDIATE"), error))
            return false;
        const int v = version();
        if (v < 0 || v >= target) {
            exec(m_db, QStringLiteral("COMMIT"), nullptr);
            if (v > int(steps.size()) && error)
                *error = QStringLiteral(
                    "the history is from a newer Jobscope (schema %1, this one knows %2)")
                             .arg(v)
                             .arg(steps.size());
            return v >= 0 && v <= int(steps.size());
        }
        for (const QString &sql : steps.at(v)) {
            if (!exec(m_db, sql, error)) {
                exec(m_db, QStringLiteral("ROLLBACK"), nullptr);
                return false;
            }
        }
        if (!exec(m_db, QStringLiteral("PRAGMA user_version=%1").arg(v + 1), error)
            || !exec(m_db, QStringLiteral("COMMIT"), error)) {
            exec(m_db, QStringLiteral("ROLLBACK"), nullptr);
            return false;
        }
    }
}

} // namespace Store
