// The job history: migrations from every schema version, batched snapshot writes, the
// "unfinished" filter, downloads, retention, redacted exports, two processes on one file, and
// the asynchronous JobHistory over a tracker (including a disk that refuses writes).

#include "core/redactor.h"
#include "store/database.h"
#include "store/historydatabase.h"
#include "store/jobhistory.h"
#include "tracker/jobtracker.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>
#include <csignal>
#include <sys/resource.h>
#include <thread>

using namespace Store;

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

Core::Profile profileFor(Core::Dialect d, const QString &name,
    const QString &baseUrl = QStringLiteral("http://127.0.0.1:9/x"))
{
    Core::Profile p = Core::Profile::defaultsFor(d);
    p.name = name;
    p.baseUrl = QUrl(baseUrl);
    p.keyRef = QStringLiteral("env:TEST_KEY");
    return p;
}

StoredJob stored(const QString &id, const Core::Profile &profile, qint64 createdMs = 0,
    const QString &downloadDir = {})
{
    StoredJob s;
    s.profile = profile;
    s.job.id = id;
    s.job.profile = profile.name;
    s.job.dialect = profile.dialect;
    s.job.task = QStringLiteral("v1/portrait");
    s.job.input = QJsonObject { { k("prompt"), QStringLiteral("fox %1").arg(id) } };
    s.job.createdMs = createdMs;
    s.via = Follow::Via::Sse;
    s.downloadDir = downloadDir;
    return s;
}

JobSnapshot snapshot(const QString &id, std::optional<Core::JobState> state, int firstTimeline,
    int timelineCount, int firstLog, int logCount)
{
    JobSnapshot s;
    s.job.id = id;
    s.job.state = state;
    s.job.rawStatus = state ? Core::stateName(*state) : QString();
    s.firstTimelineSeq = firstTimeline;
    s.firstLogSeq = firstLog;
    for (int i = 0; i < timelineCount; ++i) {
        Tracker::TimelineEntry e;
        e.timeMs = 1000 + firstTimeline + i;
        e.channel = Core::Channel::Sse;
        e.kind = Tracker::TimelineEntry::Kind::State;
        e.state = state;
        e.rawStatus = QStringLiteral("raw-%1").arg(firstTimeline + i);
        e.text = QStringLiteral("entry %1").arg(firstTimeline + i);
        s.job.timeline.append(e);
    }
    for (int i = 0; i < logCount; ++i)
        s.job.logs.append(Core::LogLine { 2000 + firstLog + i, QStringLiteral("info"),
            QStringLiteral("line %1").arg(firstLog + i) });
    return s;
}

QSet<QString> ids(const QList<StoredJob> &jobs)
{
    QSet<QString> out;
    for (const StoredJob &s : jobs)
        out.insert(s.job.id);
    return out;
}

QString scalar(Database &db, const QString &sql)
{
    QSqlQuery q(db.db());
    return q.exec(sql) && q.next() ? q.value(0).toString() : QString();
}

bool exec(Database &db, const QString &sql, const QVariantList &binds = {})
{
    QSqlQuery q(db.db());
    q.prepare(sql);
    for (const QVariant &v : binds)
        q.addBindValue(v);
    if (!q.exec()) {
        qWarning() << "SQL failed:" << sql << q.lastError().text();
        return false;
    }
    return true;
}

// True when the statement is refused (expected failures, without a warning).
bool refused(Database &db, const QString &sql)
{
    QSqlQuery q(db.db());
    return !q.exec(sql);
}

// RFC 4180 reader: quoted cells may hold commas, quotes ("") and line breaks.
QList<QStringList> parseCsv(const QString &text, bool *ok)
{
    QList<QStringList> rows;
    QStringList row;
    QString cell;
    bool quoted = false, inQuotes = false;
    *ok = true;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (inQuotes) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                    cell += c;
                    ++i;
                } else {
                    inQuotes = false;
                }
            } else {
                cell += c;
            }
        } else if (c == QLatin1Char('"')) {
            if (!cell.isEmpty() || quoted)
                *ok = false; // a quote in the middle of an unquoted cell
            inQuotes = quoted = true;
        } else if (c == QLatin1Char(',')) {
            row.append(cell);
            cell.clear();
            quoted = false;
        } else if (c == QLatin1Char('\r') && i + 1 < text.size()
            && text.at(i + 1) == QLatin1Char('\n')) {
            row.append(cell);
            rows.append(row);
            row.clear();
            cell.clear();
            quoted = false;
            ++i;
        } else {
            cell += c;
        }
    }
    if (inQuotes)
        *ok = false;
    if (!cell.isEmpty() || !row.isEmpty()) {
        row.append(cell);
        rows.append(row);
    }
    return rows;
}

// Every string anywhere in a JSON value.
void collectStrings(const QJsonValue &v, QStringList *out)
{
    if (v.isString()) {
        out->append(v.toString());
    } else if (v.isArray()) {
        for (const QJsonValue &x : v.toArray())
            collectStrings(x, out);
    } else if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            out->append(it.key());
            collectStrings(it.value(), out);
        }
    }
}

} // namespace

class TestHistoryDatabase final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_serial = 0;

    QString freshPath()
    {
        return m_dir.filePath(QStringLiteral("h%1/history.sqlite").arg(++m_serial));
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // A new file is created at the current schema with every table, WAL and foreign keys on.
    void freshFileIsCurrent()
    {
        const QString path = freshPath();
        HistoryDatabase h;
        QString error;
        QVERIFY2(h.open(path, &error), qPrintable(error));
        QVERIFY(QFileInfo::exists(path));
        QCOMPARE(h.database().version(), Database::CurrentVersion);
        for (const char *table : { "profiles", "jobs", "timeline", "logs", "outputs", "downloads" })
            QVERIFY2(scalar(h.database(),
                         QStringLiteral(
                             "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='%1'")
                             .arg(QLatin1String(table)))
                    == QLatin1String("1"),
                table);
        QCOMPARE(
            scalar(h.database(), QStringLiteral("PRAGMA journal_mode")), QStringLiteral("wal"));
        QCOMPARE(scalar(h.database(), QStringLiteral("PRAGMA foreign_keys")), QStringLiteral("1"));
        // Foreign keys are enforced, not just declared: a job of no profile is refused.
        QVERIFY(refused(h.database(),
            QStringLiteral("INSERT INTO jobs (job_id, profile_id, created_ms, updated_ms) VALUES "
                           "('x', 999, 1, 1)")));
    }

    // From every earlier version: rows written under that schema survive the migration and read
    // back through HistoryDatabase with their details.
    void migratesFromEveryVersion_data()
    {
        QTest::addColumn<int>("from");
        for (int v = 1; v < Database::CurrentVersion; ++v)
            QTest::addRow("v%d", v) << v;
    }
    void migratesFromEveryVersion()
    {
        QFETCH(int, from);
        const QString path = freshPath();
        const Core::Profile profile = profileFor(Core::Dialect::Peako, QStringLiteral("old peako"));
        {
            Database db;
            QString error;
            QVERIFY2(db.open(path, &error, from), qPrintable(error));
            QCOMPARE(db.version(), from);
            QVERIFY(exec(db,
                QStringLiteral("INSERT INTO profiles (id, name, dialect, base_url, key_ref, "
                               "settings) VALUES (7, ?, 'peako', ?, ?, ?)"),
                { profile.name, profile.baseUrl.toString(), profile.keyRef,
                    QString::fromUtf8(
                        QJsonDocument(profile.toJson()).toJson(QJsonDocument::Compact)) }));
            QVERIFY(exec(db,
                QStringLiteral("INSERT INTO jobs (job_id, profile_id, task, input, via, state, "
                               "raw_status, progress, created_ms,"
                               " updated_ms, error) VALUES ('old-1', 7, 'api/render', "
                               "'{\"template\":\"promo\"}', 'poll',"
                               " 'running', 'active', 0.25, 1000, 2000, '{}')")));
            QVERIFY(exec(db,
                QStringLiteral(
                    "INSERT INTO jobs (job_id, profile_id, task, created_ms, updated_ms, state)"
                    " VALUES ('old-2', 7, 'api/transcribe', 900, 950, 'succeeded')")));
            for (int i = 0; i < 3; ++i) {
                QVERIFY(exec(db,
                    QStringLiteral(
                        "INSERT INTO timeline (job_id, seq, time_ms, channel, kind, state, "
                        "raw_status, text)"
                        " VALUES ('old-1', ?, ?, 'poll', 'state', 'running', 'active', ?)"),
                    { i, 1000 + i, QStringLiteral("t%1").arg(i) }));
                QVERIFY(exec(db,
                    QStringLiteral("INSERT INTO logs (job_id, seq, time_ms, level, message) VALUES "
                                   "('old-1', ?, ?, 'info', ?)"),
                    { i, 1000 + i, QStringLiteral("log %1").arg(i) }));
            }
            if (from >= 2) {
                QVERIFY(exec(db,
                    QStringLiteral(
                        "INSERT INTO outputs (job_id, seq, idx, variant, name, url, mime, size)"
                        " VALUES ('old-2', 0, 0, '', 'captions.json', 'http://x/c.json', "
                        "'application/json', 12)")));
                QVERIFY(exec(db,
                    QStringLiteral("INSERT INTO downloads (job_id, output_key, folder, path, "
                                   "state, bytes, total, sha256)"
                                   " VALUES ('old-2', '0//captions.json', '/tmp/f', "
                                   "'/tmp/f/captions.json', 'done', 12, 12, 'ab')")));
                QVERIFY(exec(db,
                    QStringLiteral(
                        "UPDATE jobs SET download_dir = '/tmp/f' WHERE job_id = 'old-2'")));
            }
            // The later schema is not there yet.
            if (from < 3)
                QVERIFY(refused(db, QStringLiteral("UPDATE jobs SET purged_ms = 1")));
            QVERIFY(refused(db, QStringLiteral("UPDATE jobs SET remote_id = 'x'")));
        }
        HistoryDatabase h;
        QString error;
        QVERIFY2(h.open(path, &error), qPrintable(error));
        QCOMPARE(h.database().version(), Database::CurrentVersion);
        const QList<StoredJob> all = h.jobs(false, true);
        QCOMPARE(all.size(), 2);
        QCOMPARE(all.first().job.id, QStringLiteral("old-1")); // newest first
        QCOMPARE(all.first().job.timeline.size(), 3);
        QCOMPARE(all.first().job.logs.size(), 3);
        const std::optional<StoredJob> job = h.job(QStringLiteral("old-1"), true);
        QVERIFY(job);
        QCOMPARE(job->profile.name, profile.name);
        QCOMPARE(job->profile.dialect, Core::Dialect::Peako);
        QCOMPARE(job->profile.baseUrl, profile.baseUrl);
        QCOMPARE(job->job.task, QStringLiteral("api/render"));
        QCOMPARE(job->job.input.value(k("template")).toString(), QStringLiteral("promo"));
        QCOMPARE(job->via, Follow::Via::Poll);
        QCOMPARE(job->job.state, std::optional<Core::JobState>(Core::JobState::Running));
        QCOMPARE(job->job.rawStatus, QStringLiteral("active"));
        QVERIFY(job->job.hasProgress);
        QCOMPARE(job->job.progress, 0.25);
        QCOMPARE(job->job.createdMs, qint64(1000));
        QCOMPARE(job->job.timeline.at(2).text, QStringLiteral("t2"));
        QCOMPARE(job->job.timeline.at(2).channel, Core::Channel::Poll);
        QCOMPARE(job->job.logs.at(1).message, QStringLiteral("log 1"));
        QVERIFY(!job->job.error.isError());
        QCOMPARE(job->purgedMs, qint64(0));
        const std::optional<StoredJob> old2 = h.job(QStringLiteral("old-2"), true);
        QVERIFY(old2);
        if (from >= 2) {
            QCOMPARE(old2->downloadDir, QStringLiteral("/tmp/f"));
            QCOMPARE(old2->job.outputs.size(), 1);
            QCOMPARE(old2->job.outputs.first().name, QStringLiteral("captions.json"));
            QCOMPARE(h.downloads(QStringLiteral("old-2")).size(), 1);
            QCOMPARE(
                h.downloads(QStringLiteral("old-2")).first().state, DownloadRecord::State::Done);
        } else {
            QVERIFY(old2->downloadDir.isEmpty());
        }
        // The unfinished filter works on the migrated rows (old-2 has all its files, or no folder).
        QCOMPARE(ids(h.jobs(true)), QSet<QString> { QStringLiteral("old-1") });
        // And the migrated file takes new writes.
        QVERIFY(h.writeSnapshots(
            { snapshot(QStringLiteral("old-1"), Core::JobState::Succeeded, 3, 1, 3, 1) }));
        QCOMPARE(h.job(QStringLiteral("old-1"))->job.timeline.size(), 4);
        QCOMPARE(h.markPurged(QStringLiteral("peako"), 950, 5000), 1);
    }

    // A file from a newer Jobscope is refused with a sentence saying so, and left untouched.
    void refusesNewerSchema()
    {
        const QString path = freshPath();
        {
            Database db;
            QVERIFY(db.open(path, nullptr));
            QVERIFY(exec(
                db, QStringLiteral("PRAGMA user_version=%1").arg(Database::CurrentVersion + 1)));
        }
        HistoryDatabase h;
        QString error;
        QVERIFY(!h.open(path, &error));
        QVERIFY2(error.contains(QLatin1String("newer")), qPrintable(error));
        QVERIFY2(error.contains(QString::number(Database::CurrentVersion + 1)), qPrintable(error));
        QVERIFY(!h.database().isOpen());
        Database check;
        QVERIFY(!check.open(path, nullptr)); // still refused: nothing was rewritten
    }

    // An empty path is a private in-memory history that works like a file.
    void emptyPathIsInMemory()
    {
        HistoryDatabase a, b;
        QString error;
        QVERIFY2(a.open(QString(), &error), qPrintable(error));
        QVERIFY(b.open(QString(), &error));
        QCOMPARE(a.database().version(), Database::CurrentVersion);
        QVERIFY(a.recordJob(
            stored(QStringLiteral("m1"), profileFor(Core::Dialect::PeelApi, QStringLiteral("p")))));
        QCOMPARE(a.jobCount(), 1);
        QCOMPARE(b.jobCount(), 0); // private to its connection
        QCOMPARE(scalar(a.database(), QStringLiteral("PRAGMA foreign_keys")), QStringLiteral("1"));
    }

    // Snapshots: sequences continue across batches, a repeated batch is ignored, outputs are
    // replaced, the error, state, raw status and progress round-trip; recordJob again keeps
    // history.
    void snapshotsRoundTrip()
    {
        HistoryDatabase h;
        QVERIFY(h.open(freshPath(), nullptr));
        const Core::Profile p = profileFor(Core::Dialect::PeelApi, QStringLiteral("api"));
        QVERIFY(h.recordJob(stored(QStringLiteral("j1"), p, 5000)));
        QVERIFY(h.writeSnapshots(
            { snapshot(QStringLiteral("j1"), Core::JobState::Queued, 0, 2, 0, 3) }));
        QVERIFY(h.writeSnapshots(
            { snapshot(QStringLiteral("j1"), Core::JobState::Running, 2, 1, 3, 2) }));
        // The same batch again (a retried write): nothing doubles, no error.
        QVERIFY(h.writeSnapshots(
            { snapshot(QStringLiteral("j1"), Core::JobState::Running, 2, 1, 3, 2) }));
        std::optional<StoredJob> s = h.job(QStringLiteral("j1"));
        QVERIFY(s);
        QCOMPARE(s->job.timeline.size(), 3);
        QCOMPARE(s->job.logs.size(), 5);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(s->job.timeline.at(i).text, QStringLiteral("entry %1").arg(i));
        for (int i = 0; i < 5; ++i)
            QCOMPARE(s->job.logs.at(i).message, QStringLiteral("line %1").arg(i));
        QCOMPARE(s->job.timeline.at(2).channel, Core::Channel::Sse);
        QCOMPARE(
            s->job.timeline.at(2).state, std::optional<Core::JobState>(Core::JobState::Running));
        QCOMPARE(s->job.timeline.at(2).rawStatus, QStringLiteral("raw-2"));
        QCOMPARE(s->job.timeline.at(2).timeMs, qint64(1002));
        QCOMPARE(s->job.logs.at(4).timeMs, qint64(2004));
        QCOMPARE(s->job.logs.at(4).level, QStringLiteral("info"));
        QCOMPARE(s->job.state, std::optional<Core::JobState>(Core::JobState::Running));
        QVERIFY(!s->job.hasProgress);
        // Without details: timeline and logs stay empty.
        QVERIFY(h.job(QStringLiteral("j1"), false)->job.timeline.isEmpty());
        QVERIFY(h.jobs(false, false).first().job.logs.isEmpty());

        // Outputs, progress, details.
        JobSnapshot out = snapshot(QStringLiteral("j1"), Core::JobState::Running, 3, 0, 5, 0);
        out.job.rawStatus = QStringLiteral("processing");
        out.job.progress = 0.5;
        out.job.hasProgress = true;
        out.job.timings = QJsonObject { { k("queue_wait_s"), 1.5 } };
        out.job.credits = QJsonObject { { k("charged"), true } };
        out.job.extra = QJsonObject { { k("model_id"), QStringLiteral("m-1") } };
        out.job.captions = QJsonArray { QJsonObject { { k("text"), QStringLiteral("hi") } } };
        for (const char *variant : { "w256", "full" }) {
            Core::Output o;
            o.url = QStringLiteral("http://x/%1.png").arg(QLatin1String(variant));
            o.name = QStringLiteral("%1.png").arg(QLatin1String(variant));
            o.variant = QLatin1String(variant);
            o.mimeType = QStringLiteral("image/png");
            o.size = 42;
            out.job.outputs.append(o);
        }
        out.job.outputs[1].inlineData = QByteArray("\x89PNG\0bytes", 10);
        QVERIFY(h.writeSnapshots({ out }));
        s = h.job(QStringLiteral("j1"));
        QCOMPARE(s->job.rawStatus, QStringLiteral("processing"));
        QVERIFY(s->job.hasProgress);
        QCOMPARE(s->job.progress, 0.5);
        QCOMPARE(s->job.timings, out.job.timings);
        QCOMPARE(s->job.credits, out.job.credits);
        QCOMPARE(s->job.extra, out.job.extra);
        QCOMPARE(s->job.captions, out.job.captions);
        QCOMPARE(s->job.outputs.size(), 2);
        QCOMPARE(s->job.outputs.at(1).variant, QStringLiteral("full"));
        QCOMPARE(s->job.outputs.at(1).inlineData, QByteArray("\x89PNG\0bytes", 10));
        QVERIFY(s->job.outputs.at(0).inlineData.isEmpty());
        QCOMPARE(s->job.outputs.at(0).size, qint64(42));

        // A later batch with fewer outputs replaces them; one without outputs keeps them.
        JobSnapshot replaced = out;
        replaced.job.outputs = { out.job.outputs.at(1) };
        QVERIFY(h.writeSnapshots({ replaced }));
        QCOMPARE(h.job(QStringLiteral("j1"))->job.outputs.size(), 1);
        JobSnapshot none = out;
        none.job.outputs.clear();
        QVERIFY(h.writeSnapshots({ none }));
        QCOMPARE(h.job(QStringLiteral("j1"))->job.outputs.size(), 1);

        // The failure round-trips whole.
        JobSnapshot failed = snapshot(QStringLiteral("j1"), Core::JobState::Failed, 3, 1, 5, 1);
        failed.job.error.kind = Core::JobError::Kind::Job;
        failed.job.error.httpStatus = 500;
        failed.job.error.providerCode = QStringLiteral("RENDER_CRASHED");
        failed.job.error.message = QStringLiteral("the renderer \"crashed\"\nat frame 3");
        failed.job.error.retryable = true;
        failed.job.error.supportId = QStringLiteral("sup-1");
        failed.job.error.suggestedAction = QStringLiteral("retry");
        failed.job.error.details = QJsonObject { { k("frame"), 3 } };
        QVERIFY(h.writeSnapshots({ failed }));
        s = h.job(QStringLiteral("j1"));
        QCOMPARE(s->job.state, std::optional<Core::JobState>(Core::JobState::Failed));
        const Core::JobError &e = s->job.error;
        QCOMPARE(e.kind, Core::JobError::Kind::Job);
        QCOMPARE(e.httpStatus, 500);
        QCOMPARE(e.providerCode, failed.job.error.providerCode);
        QCOMPARE(e.message, failed.job.error.message);
        QCOMPARE(e.retryable, true);
        QCOMPARE(e.supportId, QStringLiteral("sup-1"));
        QCOMPARE(e.suggestedAction, QStringLiteral("retry"));
        QCOMPARE(e.details, failed.job.error.details);
        QVERIFY(!s->job.hasProgress); // the failed batch carried no progress

        // recordJob on an existing id updates its fields and keeps its history and state.
        StoredJob again = stored(QStringLiteral("j1"), p, 5000, QStringLiteral("/dl"));
        again.job.task = QStringLiteral("v1/headshot");
        QVERIFY(h.recordJob(again));
        s = h.job(QStringLiteral("j1"));
        QCOMPARE(s->job.task, QStringLiteral("v1/headshot"));
        QCOMPARE(s->downloadDir, QStringLiteral("/dl"));
        QCOMPARE(s->job.timeline.size(), 4);
        QCOMPARE(s->job.logs.size(), 6);
        QCOMPARE(s->job.state, std::optional<Core::JobState>(Core::JobState::Failed));
        QCOMPARE(h.jobCount(), 1);
        QCOMPARE(scalar(h.database(), QStringLiteral("SELECT count(*) FROM profiles")),
            QStringLiteral("1"));

        // A snapshot of a job the history never recorded is skipped, not an error.
        QVERIFY(h.writeSnapshots(
            { snapshot(QStringLiteral("stranger"), Core::JobState::Running, 0, 1, 0, 1) }));
        QCOMPARE(h.jobCount(), 1);
        QVERIFY(!h.job(QStringLiteral("stranger")));
    }

    // unfinishedOnly: non-terminal jobs, and succeeded jobs with a folder whose files are not all
    // done; never finished ones, failed/cancelled ones, or purged ones.
    void unfinishedFilter()
    {
        HistoryDatabase h;
        QVERIFY(h.open(freshPath(), nullptr));
        const Core::Profile p = profileFor(Core::Dialect::Peako, QStringLiteral("pk"));
        struct Row
        {
            const char *id;
            std::optional<Core::JobState> state;
            const char *dir;
            QList<DownloadRecord::State> files;
            bool unfinished;
        };
        using S = Core::JobState;
        using F = DownloadRecord::State;
        const QList<Row> rows {
            { "never-seen", std::nullopt, "", {}, true },
            { "queued", S::Queued, "", {}, true },
            { "running", S::Running, "/dl", {}, true },
            { "needs-input", S::NeedsInput, "", {}, true },
            { "ok-no-folder", S::Succeeded, "", {}, false },
            { "ok-no-files-yet", S::Succeeded, "/dl", {}, true },
            { "ok-one-pending", S::Succeeded, "/dl", { F::Done, F::Pending }, true },
            { "ok-one-failed", S::Succeeded, "/dl", { F::Done, F::Failed }, true },
            { "ok-one-running", S::Succeeded, "/dl", { F::Running, F::Done }, true },
            { "ok-all-done", S::Succeeded, "/dl", { F::Done, F::Done }, false },
            { "failed", S::Failed, "/dl", { F::Pending }, false },
            { "cancelled", S::Cancelled, "/dl", {}, false },
        };
        qint64 t = 1000;
        for (const Row &r : rows) {
            QVERIFY(h.recordJob(stored(QLatin1String(r.id), p, t++, QLatin1String(r.dir))));
            QVERIFY(h.writeSnapshots({ snapshot(QLatin1String(r.id), r.state, 0, 1, 0, 0) }));
            for (int i = 0; i < r.files.size(); ++i) {
                DownloadRecord d;
                d.jobId = QLatin1String(r.id);
                d.outputKey = DownloadRecord::keyFor(i, QString(), QStringLiteral("f%1").arg(i));
                d.folder = QLatin1String(r.dir);
                d.state = r.files.at(i);
                QVERIFY(h.writeDownload(d));
            }
        }
        // A purged running job is not re-attached (the service forgot it).
        QVERIFY(h.recordJob(stored(QStringLiteral("purged-running"), p, 10)));
        QVERIFY(h.writeSnapshots(
            { snapshot(QStringLiteral("purged-running"), S::Running, 0, 1, 0, 0) }));
        QCOMPARE(h.markPurged(QStringLiteral("peako"), 11, 99), 1);

        QSet<QString> expected;
        for (const Row &r : rows) {
            if (r.unfinished)
                expected.insert(QLatin1String(r.id));
        }
        const QList<StoredJob> unfinished = h.jobs(true);
        QCOMPARE(ids(unfinished), expected);
        QCOMPARE(unfinished.first().job.id, QStringLiteral("ok-one-running")); // newest first
        QCOMPARE(h.jobs(false).size(), rows.size() + 1);
        // limit/offset page through the same order.
        const QList<StoredJob> page = h.jobs(false, false, 3, 2);
        QCOMPARE(page.size(), 3);
        QCOMPARE(page.first().job.id, QStringLiteral("ok-all-done"));
    }

    // writeDownload is an upsert per (job, output): the last state wins, other outputs are kept.
    void writeDownloadUpserts()
    {
        HistoryDatabase h;
        QVERIFY(h.open(freshPath(), nullptr));
        QVERIFY(h.recordJob(
            stored(QStringLiteral("d1"), profileFor(Core::Dialect::PeelApi, QStringLiteral("p")))));
        DownloadRecord r;
        r.jobId = QStringLiteral("d1");
        r.outputKey = DownloadRecord::keyFor(0, QStringLiteral("full"), QStringLiteral("a.png"));
        r.folder = QStringLiteral("/dl");
        r.state = DownloadRecord::State::Running;
        r.bytes = 10;
        r.total = 100;
        QVERIFY(h.writeDownload(r));
        r.state = DownloadRecord::State::Done;
        r.bytes = 100;
        r.path = QStringLiteral("/dl/a.png");
        r.sha256 = QStringLiteral("beef");
        r.updatedMs = 777;
        QVERIFY(h.writeDownload(r));
        DownloadRecord other = r;
        other.outputKey
            = DownloadRecord::keyFor(0, QStringLiteral("w256"), QStringLiteral("a.png"));
        other.state = DownloadRecord::State::Failed;
        other.error = QStringLiteral("HTTP 403");
        QVERIFY(h.writeDownload(other));
        const QList<DownloadRecord> all = h.downloads(QStringLiteral("d1"));
        QCOMPARE(all.size(), 2);
        const DownloadRecord &done = all.at(0).outputKey == r.outputKey ? all.at(0) : all.at(1);
        const DownloadRecord &bad = all.at(0).outputKey == r.outputKey ? all.at(1) : all.at(0);
        QCOMPARE(done.state, DownloadRecord::State::Done);
        QCOMPARE(done.bytes, qint64(100));
        QCOMPARE(done.total, qint64(100));
        QCOMPARE(done.path, QStringLiteral("/dl/a.png"));
        QCOMPARE(done.sha256, QStringLiteral("beef"));
        QCOMPARE(done.updatedMs, qint64(777));
        QCOMPARE(done.jobId, QStringLiteral("d1"));
        QCOMPARE(bad.state, DownloadRecord::State::Failed);
        QCOMPARE(bad.error, QStringLiteral("HTTP 403"));
        // A download of a job the history does not know is refused by the foreign key.
        DownloadRecord orphan = r;
        orphan.jobId = QStringLiteral("nobody");
        QTest::ignoreMessage(
            QtWarningMsg, QRegularExpression(QStringLiteral("cannot record a download of nobody")));
        QVERIFY(!h.writeDownload(orphan));
        QVERIFY(!h.lastError().isEmpty());
    }

    // Issue 9, item 7: two services hand out the same job id. The second never overwrites the
    // first's profile, task, input or timeline; the first is kept apart as "<id>@<its profile>"
    // with everything it had (and resume still finds it, remote id intact), and each service's
    // job is found again by (profile, id).
    void sameIdFromTwoServicesStaysApart()
    {
        HistoryDatabase h;
        QVERIFY(h.open(freshPath(), nullptr));
        const Core::Profile a = profileFor(Core::Dialect::DeApi, QStringLiteral("deapi"),
            QStringLiteral("http://127.0.0.1:9001/deapi"));
        const Core::Profile b = profileFor(Core::Dialect::DeApi, QStringLiteral("deapi"),
            QStringLiteral("http://127.0.0.1:9002/deapi"));
        StoredJob first = stored(QStringLiteral("same"), a, 1000, QStringLiteral("/dl/a"));
        first.job.input = QJsonObject { { k("prompt"), QStringLiteral("first") } };
        QVERIFY(h.recordJob(first));
        QVERIFY(h.writeSnapshots(
            { snapshot(QStringLiteral("same"), Core::JobState::Running, 0, 2, 0, 1) }));
        DownloadRecord r;
        r.jobId = QStringLiteral("same");
        r.outputKey = QStringLiteral("0//a.png");
        r.folder = QStringLiteral("/dl/a/same");
        QVERIFY(h.writeDownload(r));

        StoredJob second = stored(QStringLiteral("same"), b, 2000);
        second.job.input = QJsonObject { { k("prompt"), QStringLiteral("second") } };
        second.job.task = QStringLiteral("other/task");
        QVERIFY(h.recordJob(second));

        QCOMPARE(h.jobCount(), 2);
        const QString keyA = h.findKey(a, QStringLiteral("same"));
        const QString keyB = h.findKey(b, QStringLiteral("same"));
        QCOMPARE(keyB, QStringLiteral("same"));
        QCOMPARE(keyA, QStringLiteral("same@deapi"));
        const auto gotA = h.job(keyA, true);
        QVERIFY(gotA);
        QCOMPARE(gotA->job.remote(), QStringLiteral("same"));
        QCOMPARE(gotA->profile.baseUrl, a.baseUrl);
        QCOMPARE(gotA->job.input.value(k("prompt")).toString(), QStringLiteral("first"));
        QCOMPARE(gotA->job.timeline.size(), 2);
        QCOMPARE(gotA->job.logs.size(), 1);
        QCOMPARE(gotA->downloadDir, QStringLiteral("/dl/a"));
        QCOMPARE(h.downloads(keyA).size(), 1);
        const auto gotB = h.job(keyB, true);
        QVERIFY(gotB);
        QCOMPARE(gotB->job.remote(), QStringLiteral("same"));
        QVERIFY(gotB->job.remoteId.isEmpty());
        QCOMPARE(gotB->profile.baseUrl, b.baseUrl);
        QCOMPARE(gotB->job.input.value(k("prompt")).toString(), QStringLiteral("second"));
        QCOMPARE(gotB->job.timeline.size(), 0);
        QCOMPARE(h.downloads(keyB).size(), 0);
        // Both are unfinished, so `resume` re-attaches to both.
        QCOMPARE(h.jobs(true).size(), 2);
        // Recording the same service's job again updates it in place; nothing moves.
        QVERIFY(h.recordJob(second));
        QCOMPARE(h.jobCount(), 2);
        QCOMPARE(h.findKey(b, QStringLiteral("same")), QStringLiteral("same"));
        // A third service with the same id: the second is kept apart too, under its own name.
        const Core::Profile c = profileFor(Core::Dialect::DeApi, QStringLiteral("deapi"),
            QStringLiteral("http://127.0.0.1:9003/deapi"));
        QVERIFY(h.recordJob(stored(QStringLiteral("same"), c, 3000)));
        QCOMPARE(h.jobCount(), 3);
        QCOMPARE(h.findKey(b, QStringLiteral("same")), QStringLiteral("same@deapi~2"));
        QCOMPARE(h.findKey(a, QStringLiteral("same")), QStringLiteral("same@deapi"));
        QCOMPARE(h.findKey(c, QStringLiteral("same")), QStringLiteral("same"));
    }

    // markPurged marks jobs of one dialect older than the cut; nothing is deleted.
    void markPurgedNeverDeletes()
    {
        HistoryDatabase h;
        QVERIFY(h.open(freshPath(), nullptr));
        const Core::Profile peako = profileFor(Core::Dialect::Peako, QStringLiteral("pk"));
        const Core::Profile api = profileFor(Core::Dialect::PeelApi, QStringLiteral("api"));
        QVERIFY(h.recordJob(stored(QStringLiteral("old-peako"), peako, 100)));
        QVERIFY(h.recordJob(stored(QStringLiteral("new-peako"), peako, 5000)));
        QVERIFY(h.recordJob(stored(QStringLiteral("old-api"), api, 100)));
        QVERIFY(h.writeSnapshots(
            { snapshot(QStringLiteral("old-peako"), Core::JobState::Succeeded, 0, 2, 0, 2) }));
        QCOMPARE(h.markPurged(QStringLiteral("peako"), 1000, 4242), 1);
        QCOMPARE(h.markPurged(QStringLiteral("peako"), 1000, 9999),
            0); // already marked: the first time stays
        QCOMPARE(h.jobCount(), 3);
        const std::optional<StoredJob> s = h.job(QStringLiteral("old-peako"));
        QVERIFY(s);
        QCOMPARE(s->purgedMs, qint64(4242));
        QCOMPARE(s->job.timeline.size(), 2);
        QCOMPARE(s->job.logs.size(), 2);
        QCOMPARE(h.job(QStringLiteral("new-peako"))->purgedMs, qint64(0));
        QCOMPARE(h.job(QStringLiteral("old-api"))->purgedMs, qint64(0));
    }

    // Exports: valid JSON and CSV with one entry/row per job, and a registered secret never
    // appears, not even when it was written into a log line, the input and an error message.
    void exportsAreValidAndRedacted()
    {
        HistoryDatabase h;
        QVERIFY(h.open(freshPath(), nullptr));
        // Base64-like: '/', '+' and '=' must not make it slip past the redactor in JSON.
        const QString secret = QStringLiteral("sk-live/Zx9+q7Wm2vT4=");
        const Core::Profile p
            = profileFor(Core::Dialect::PeelApi, QStringLiteral("api, \"quoted\""));
        for (int i = 0; i < 3; ++i) {
            StoredJob s = stored(QStringLiteral("e%1").arg(i), p, 1000 + i);
            if (i == 1)
                s.job.input.insert(
                    k("prompt"), QStringLiteral("use key ") + secret + QStringLiteral(" please"));
            QVERIFY(h.recordJob(s));
            JobSnapshot snap = snapshot(s.job.id, Core::JobState::Succeeded, 0, 1, 0, 1);
            snap.job.progress = 1;
            snap.job.hasProgress = true;
            if (i == 1) {
                snap.job.logs.append(Core::LogLine {
                    5, QStringLiteral("warn"), QStringLiteral("Authorization: Bearer ") + secret });
                snap.job.logs.append(Core::LogLine {
                    6, QStringLiteral("info"), QStringLiteral("the key is ") + secret });
            }
            if (i == 2) {
                snap.job.state = Core::JobState::Failed;
                snap.job.error.kind = Core::JobError::Kind::Job;
                snap.job.error.providerCode = QStringLiteral("BAD");
                snap.job.error.message = QStringLiteral("line one, \"two\"\r\nleaked ") + secret;
            }
            QVERIFY(h.writeSnapshots({ snap }));
            DownloadRecord d;
            d.jobId = s.job.id;
            d.outputKey = QStringLiteral("0/full/a.png");
            d.folder = QStringLiteral("/dl");
            d.path = QStringLiteral("/dl/a,%1.png").arg(i);
            d.state = DownloadRecord::State::Done;
            QVERIFY(h.writeDownload(d));
        }
        Core::Redactor redactor;
        redactor.addSecret(secret);

        const QString jsonPath = m_dir.filePath(QStringLiteral("export.json"));
        QVERIFY2(h.exportJson(jsonPath, redactor), qPrintable(h.lastError()));
        QFile jf(jsonPath);
        QVERIFY(jf.open(QIODevice::ReadOnly));
        const QByteArray jsonBytes = jf.readAll();
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(jsonBytes, &pe);
        QVERIFY2(pe.error == QJsonParseError::NoError, qPrintable(pe.errorString()));
        const QJsonArray jobs = doc.object().value(k("jobs")).toArray();
        QCOMPARE(jobs.size(), 3);
        QVERIFY(!jsonBytes.contains(secret.toUtf8()));
        QStringList strings;
        collectStrings(doc.object(), &strings);
        for (const QString &s : std::as_const(strings))
            QVERIFY2(!s.contains(secret), qPrintable(s));
        QVERIFY(jsonBytes.contains(
            QByteArray(Core::Redactor::Mask.data(), Core::Redactor::Mask.size())));
        const QJsonObject e1 = jobs.at(1).toObject();
        QCOMPARE(e1.value(k("id")).toString(), QStringLiteral("e1"));
        QCOMPARE(e1.value(k("logs")).toArray().size(), 3);
        QCOMPARE(e1.value(k("files")).toArray().size(), 1);
        QCOMPARE(e1.value(k("state")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(jobs.at(0).toObject().value(k("error")).toObject().value(k("code")).toString(),
            QStringLiteral("BAD"));

        const QString csvPath = m_dir.filePath(QStringLiteral("export.csv"));
        QVERIFY2(h.exportCsv(csvPath, redactor), qPrintable(h.lastError()));
        QFile cf(csvPath);
        QVERIFY(cf.open(QIODevice::ReadOnly));
        const QString csv = QString::fromUtf8(cf.readAll());
        QVERIFY(!csv.contains(secret));
        bool ok = false;
        const QList<QStringList> rows = parseCsv(csv, &ok);
        QVERIFY(ok);
        QCOMPARE(
            rows.size(), 4); // the header and one row a job, although a message has a line break
        for (const QStringList &row : rows)
            QCOMPARE(row.size(), rows.first().size());
        QCOMPARE(rows.first().first(), QStringLiteral("id"));
        const int errorColumn = int(rows.first().indexOf(QStringLiteral("error_message")));
        const int profileColumn = int(rows.first().indexOf(QStringLiteral("profile")));
        const int filesColumn = int(rows.first().indexOf(QStringLiteral("files")));
        QVERIFY(errorColumn > 0 && profileColumn > 0 && filesColumn > 0);
        QCOMPARE(rows.at(1).first(), QStringLiteral("e2"));
        QVERIFY(
            rows.at(1).at(errorColumn).startsWith(QLatin1String("line one, \"two\"\r\nleaked ")));
        QCOMPARE(rows.at(1).at(profileColumn), p.name);
        QCOMPARE(rows.at(3).at(filesColumn), QStringLiteral("/dl/a,0.png"));

        // A file that cannot be written is an error with a sentence, not a crash.
        const QString blocker = m_dir.filePath(QStringLiteral("not-a-folder"));
        QFile b(blocker);
        QVERIFY(b.open(QIODevice::WriteOnly));
        b.close();
        QTest::ignoreMessage(
            QtWarningMsg, QRegularExpression(QStringLiteral("cannot write .*x\\.json")));
        QTest::ignoreMessage(
            QtWarningMsg, QRegularExpression(QStringLiteral("cannot write .*x\\.csv")));
        QVERIFY(!h.exportJson(blocker + QStringLiteral("/x.json"), redactor));
        QVERIFY(h.lastError().contains(QLatin1String("cannot write")));
        QVERIFY(!h.exportCsv(blocker + QStringLiteral("/x.csv"), redactor));
    }

    // Two connections to one file (the app and a CLI) writing alternately both succeed, and a
    // writer that finds the file locked waits for the other's transaction instead of failing.
    void twoConnectionsShareOneFile()
    {
        const QString path = freshPath();
        HistoryDatabase app, cli;
        QVERIFY(app.open(path, nullptr));
        QVERIFY(cli.open(path, nullptr));
        const Core::Profile p = profileFor(Core::Dialect::PeelApi, QStringLiteral("shared"));
        for (int i = 0; i < 20; ++i) {
            HistoryDatabase &w = i % 2 ? cli : app;
            const QString id = QStringLiteral("s%1").arg(i);
            QVERIFY2(w.recordJob(stored(id, p, 1000 + i)), qPrintable(w.lastError()));
            QVERIFY2(w.writeSnapshots({ snapshot(id, Core::JobState::Running, 0, 1, 0, 1) }),
                qPrintable(w.lastError()));
            // The other connection updates the job the first one recorded.
            HistoryDatabase &other = i % 2 ? app : cli;
            QVERIFY2(other.writeSnapshots({ snapshot(id, Core::JobState::Succeeded, 1, 1, 1, 1) }),
                qPrintable(other.lastError()));
        }
        QCOMPARE(app.jobCount(), 20);
        QCOMPARE(cli.jobCount(), 20);
        const std::optional<StoredJob> s = app.job(QStringLiteral("s7"));
        QCOMPARE(s->job.state, std::optional<Core::JobState>(Core::JobState::Succeeded));
        QCOMPARE(s->job.timeline.size(), 2);

        // Contention: a writer in another thread (its own connection) while this one holds the
        // lock.
        std::atomic<int> phase { 0 };
        std::atomic<bool> wrote { false };
        QString threadError;
        std::thread other([&] {
            HistoryDatabase h;
            if (!h.open(path, &threadError)) {
                phase = -1;
                return;
            }
            phase = 1;
            while (phase.load() == 1)
                std::this_thread::yield();
            phase = 3; // about to write into a locked file
            wrote = h.recordJob(stored(QStringLiteral("contended"), p, 9000));
            if (!wrote)
                threadError = h.lastError();
            phase = 4;
        });
        QTRY_VERIFY(phase.load() != 0);
        QCOMPARE(phase.load(), 1);
        QSqlDatabase &db = app.database().db();
        QVERIFY(exec(app.database(), QStringLiteral("BEGIN IMMEDIATE")));
        QVERIFY(app.recordJob(stored(QStringLiteral("holder"), p, 8000)));
        phase = 2;
        QTRY_COMPARE(phase.load(), 3);
        // Hold the write lock a little while the other writer is blocked on it (deliberate).
        QThread::msleep(300);
        QCOMPARE(phase.load(), 3);
        QVERIFY(db.commit());
        other.join();
        QVERIFY2(wrote, qPrintable(threadError));
        QCOMPARE(cli.jobCount(), 22);
    }

    // JobHistory writes each tracker batch off-thread; after flush() a fresh connection sees every
    // field, timeline entry and log line exactly once, and later batches continue the sequences.
    void jobHistoryWritesTrackerBatches()
    {
        const QString path = freshPath();
        Tracker::JobTracker tracker;
        JobHistory history(path);
        bool opened = false;
        QObject::connect(history.open(), &Core::Operation::result, [&](Core::Operation *op) {
            const bool ok = !op->failed();
            const QString error = op->errorString();
            QVERIFY2(ok, qPrintable(error));
            opened = true;
        });
        QTRY_VERIFY(opened);
        history.attach(&tracker);
        const Core::Profile p = profileFor(Core::Dialect::PeelApi, QStringLiteral("api"));
        StoredJob s = stored(QStringLiteral("t1"), p, 1234, QStringLiteral("/dl"));
        history.recordJob(s);
        tracker.track(s.job.id, p.name, p.dialect, s.job.task);

        Core::JobUpdate u;
        u.jobId = s.job.id;
        u.channel = Core::Channel::Submit;
        u.state = Core::JobState::Queued;
        u.rawStatus = QStringLiteral("queued");
        tracker.apply(u);
        u = {};
        u.jobId = s.job.id;
        u.channel = Core::Channel::Sse;
        u.state = Core::JobState::Running;
        u.rawStatus = QStringLiteral("processing");
        u.progress = 0.4;
        u.logs = { Core::LogLine { 10, QStringLiteral("info"), QStringLiteral("warming up") },
            Core::LogLine { 11, QStringLiteral("info"), QStringLiteral("painting") } };
        tracker.apply(u);
        history.flush();
        {
            HistoryDatabase fresh;
            QVERIFY(fresh.open(path, nullptr));
            const std::optional<StoredJob> r = fresh.job(s.job.id);
            QVERIFY(r);
            QCOMPARE(r->job.state, std::optional<Core::JobState>(Core::JobState::Running));
            QCOMPARE(r->job.rawStatus, QStringLiteral("processing"));
            QCOMPARE(r->job.progress, 0.4);
            QCOMPARE(r->job.logs.size(), 2);
            QCOMPARE(r->job.timeline.size(), tracker.job(s.job.id)->timeline.size());
            QCOMPARE(r->downloadDir, QStringLiteral("/dl"));
            QCOMPARE(r->via, Follow::Via::Sse);
        }
        u = {};
        u.jobId = s.job.id;
        u.channel = Core::Channel::Sse;
        u.state = Core::JobState::Succeeded;
        u.rawStatus = QStringLiteral("succeeded");
        u.logs = { Core::LogLine { 12, QStringLiteral("info"), QStringLiteral("done") } };
        Core::Output o;
        o.url = QStringLiteral("http://x/full.png");
        o.name = QStringLiteral("full.png");
        o.variant = QStringLiteral("full");
        u.outputs = { o };
        tracker.apply(u);
        tracker.apply(u); // a replay changes nothing
        history.flush();
        HistoryDatabase fresh;
        QVERIFY(fresh.open(path, nullptr));
        const std::optional<StoredJob> r = fresh.job(s.job.id);
        const Tracker::TrackedJob *t = tracker.job(s.job.id);
        QCOMPARE(r->job.state, std::optional<Core::JobState>(Core::JobState::Succeeded));
        QCOMPARE(r->job.logs.size(), 3);
        QCOMPARE(r->job.logs.last().message, QStringLiteral("done"));
        QCOMPARE(r->job.timeline.size(), t->timeline.size());
        for (int i = 0; i < t->timeline.size(); ++i) {
            QCOMPARE(r->job.timeline.at(i).kind, t->timeline.at(i).kind);
            QCOMPARE(r->job.timeline.at(i).text, t->timeline.at(i).text);
            QCOMPARE(r->job.timeline.at(i).channel, t->timeline.at(i).channel);
        }
        QCOMPARE(r->job.outputs.size(), 1);
        QCOMPARE(r->job.outputs.first().url, o.url);
        QVERIFY(fresh.jobs(true).size() == 1); // succeeded with a folder and no file yet
    }

    // Reads answer on the caller's thread, and a callback is dropped once the history is gone.
    void callbacksArriveOnCallerThread()
    {
        const QString path = freshPath();
        {
            HistoryDatabase seed;
            QVERIFY(seed.open(path, nullptr));
            QVERIFY(seed.recordJob(stored(
                QStringLiteral("c1"), profileFor(Core::Dialect::Peako, QStringLiteral("pk")), 10)));
            QVERIFY(seed.writeSnapshots(
                { snapshot(QStringLiteral("c1"), Core::JobState::Running, 0, 2, 0, 2) }));
        }
        JobHistory history(path);
        history.open();
        QThread *const caller = QThread::currentThread();
        QThread *jobsThread = nullptr, *jobThread = nullptr, *downloadsThread = nullptr,
                *exportThread = nullptr, *purgeThread = nullptr;
        QList<StoredJob> loaded;
        std::optional<StoredJob> one;
        bool exported = false;
        int purged = -1;
        auto on = [](HistoryOperation *op, auto f) {
            QObject::connect(op, &Core::Operation::result, [op, f] { f(op); });
        };
        on(history.loadJobs(true, true), [&](HistoryOperation *op) {
            jobsThread = QThread::currentThread();
            loaded = op->jobs();
        });
        on(history.loadJob(QStringLiteral("c1")), [&](HistoryOperation *op) {
            jobThread = QThread::currentThread();
            one = op->job();
        });
        on(history.loadDownloads(QStringLiteral("c1")),
            [&](HistoryOperation *) { downloadsThread = QThread::currentThread(); });
        on(history.exportTo(m_dir.filePath(QStringLiteral("async.csv")), true, Core::Redactor()),
            [&](HistoryOperation *op) {
                exportThread = QThread::currentThread();
                exported = !op->failed();
            });
        on(history.markPurged(QStringLiteral("peako"), 11), [&](HistoryOperation *op) {
            purgeThread = QThread::currentThread();
            purged = op->value().count;
        });
        QTRY_VERIFY(purgeThread);
        QCOMPARE(jobsThread, caller);
        QCOMPARE(jobThread, caller);
        QCOMPARE(downloadsThread, caller);
        QCOMPARE(exportThread, caller);
        QCOMPARE(purgeThread, caller);
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(loaded.first().job.timeline.size(), 2);
        QVERIFY(one);
        QCOMPARE(one->job.logs.size(), 2);
        QVERIFY(exported);
        QCOMPARE(purged, 1);

        bool late = false;
        {
            JobHistory gone(path);
            gone.open();
            QObject::connect(
                gone.loadJobs(false, false), &Core::Operation::result, [&] { late = true; });
        }
        QTest::qWait(200); // nothing may arrive: the object is gone
        QVERIFY(!late);
    }

    // A disk that refuses writes (a file size limit makes every write fail with EFBIG, as on a
    // full disk) is reported through writeFailed() once per kind, not once per batch; the history
    // works again once space is back, and a new failure after that is reported again.
    void writeFailedWhenDiskRefuses()
    {
        const QString path = freshPath();
        Tracker::JobTracker tracker;
        JobHistory history(path);
        QSignalSpy failed(&history, &JobHistory::writeFailed);
        bool opened = false;
        QObject::connect(history.open(), &Core::Operation::result, [&](Core::Operation *op) {
            const bool ok = !op->failed();
            opened = ok;
        });
        QTRY_VERIFY(opened);
        history.attach(&tracker);
        const Core::Profile p = profileFor(Core::Dialect::PeelApi, QStringLiteral("api"));
        history.recordJob(stored(QStringLiteral("w1"), p, 1));
        tracker.track(QStringLiteral("w1"), p.name, p.dialect, QStringLiteral("v1/portrait"));
        history.flush();
        QCOMPARE(failed.count(), 0);

        // chmod cannot do this here: SQLite keeps its descriptors open, and root ignores modes.
        rlimit saved {};
        QVERIFY(getrlimit(RLIMIT_FSIZE, &saved) == 0);
        const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        auto diskFull = [&](bool full) {
            rlimit l = saved;
            if (full)
                l.rlim_cur = 0;
            return setrlimit(RLIMIT_FSIZE, &l) == 0;
        };
        int serial = 0;
        auto logLine = [&] {
            Core::JobUpdate u;
            u.jobId = QStringLiteral("w1");
            u.channel = Core::Channel::Poll;
            u.state = Core::JobState::Running;
            u.logs = { Core::LogLine { ++serial, QStringLiteral("info"),
                QString(4096, QLatin1Char('x')) + QString::number(serial) } };
            tracker.apply(u);
            history.flush();
        };
        for (const char *m : { "cannot commit a batch", "cannot commit a batch",
                 "cannot commit a batch", "cannot record job w2" })
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QLatin1String(m)));
        QVERIFY(diskFull(true));
        for (int i = 0; i < 3; ++i)
            logLine();
        history.recordJob(stored(QStringLiteral("w2"), p, 2));
        history.flush();
        const bool restored = diskFull(false);
        QVERIFY(restored);
        QTRY_COMPARE(failed.count(), 2); // three failed batches and one failed record: two kinds
        QTest::qWait(100);
        QCOMPARE(failed.count(), 2);
        QVERIFY2(failed.at(0).at(0).toString().contains(QLatin1String("cannot")),
            qPrintable(failed.at(0).at(0).toString()));
        QVERIFY(failed.at(1).at(0).toString().contains(QLatin1String("w2")));

        // Space is back: later writes land.
        logLine();
        QTest::ignoreMessage(QtWarningMsg,
            QRegularExpression(QStringLiteral("cannot commit a batch of the history")));
        QVERIFY(diskFull(true));
        logLine(); // fails again after a success: reported again
        QVERIFY(diskFull(false));
        std::signal(SIGXFSZ, oldHandler);
        QTRY_COMPARE(failed.count(), 3);
        Core::JobUpdate u;
        u.jobId = QStringLiteral("w1");
        u.channel = Core::Channel::Poll;
        u.state = Core::JobState::Succeeded;
        tracker.apply(u);
        history.flush();
        HistoryDatabase fresh;
        QVERIFY(fresh.open(path, nullptr));
        const std::optional<StoredJob> w1 = fresh.job(QStringLiteral("w1"));
        QCOMPARE(w1->job.state, std::optional<Core::JobState>(Core::JobState::Succeeded));
        QVERIFY(w1->job.logs.size() >= 1);
        QVERIFY(w1->job.logs.last().message.endsWith(QLatin1String("x4")));
    }
};

QTEST_GUILESS_MAIN(TestHistoryDatabase)
#include "tst_historydatabase.moc"
