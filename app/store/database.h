#pragma once

#include <QSqlDatabase>
#include <QString>

namespace Store {

// One named SQLite connection through QtSql, set up the way every writer of the history expects:
// WAL (so the app and several CLI processes share one file), foreign keys on, a busy timeout,
// synchronous=NORMAL, and the schema brought to `CurrentVersion` by forward migrations recorded in
// `PRAGMA user_version`. An empty path opens a private in-memory database (tests).
// Owned by one thread: open, use and destroy it there (QtSql connections are per-thread).
class Database final
{
public:
    static constexpr int CurrentVersion = 4;

    Database();
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Opens (creating the file and its folder) and migrates up to `targetVersion` (tests migrate
    // to older versions to check every step). False with `error` set when it cannot.
    bool open(const QString &path, QString *error, int targetVersion = CurrentVersion);
    void close();
    bool isOpen() const { return m_db.isValid() && m_db.isOpen(); }

    QSqlDatabase &db() { return m_db; }
    QString path() const { return m_path; }
    int version();

    // Migrates an open database forward to `target`; every step runs in its own transaction.
    bool migrateTo(int target, QString *error);

private:
    QSqlDatabase m_db;
    QString m_name;
    QString m_path;
};

} // namespace Store
