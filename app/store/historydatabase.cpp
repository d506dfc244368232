#include "store/historydatabase.h"

#include "core/redactor.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>

Q_LOGGING_CATEGORY(lcHistory, "jobscope.store")

namespace Store {

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

QString json(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}
QString json(const QJsonArray &a)
{
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}
QJsonObject object(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}
QJsonArray array(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).array();
}

// QtSql binds a null QString as NULL; the text columns are NOT NULL with '' for "none".
QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

QVariant stateValue(const std::optional<Core::JobState> &s)
{
    return s ? QVariant(Core::stateName(*s)) : QVariant();
}

QString kindName(Tracker::TimelineEntry::Kind kind)
{
    return Tracker::TimelineEntry::kindName(kind);
}

Tracker::TimelineEntry::Kind kindFromName(const QString &name)
{
    using K = Tracker::TimelineEntry::Kind;
    for (K kind : { K::State, K::Output, K::Error, K::Problem, K::Ended }) {
        if (kindName(kind) == name)
            return kind;
    }
    return K::State;
}

// An outputs row from column `c` on: idx, variant, name, url, mime, size, inline_data.
Core::Output outputFrom(const QSqlQuery &q, int c)
{
    Core::Output o;
    o.index = q.value(c).toInt();
    o.variant = q.value(c + 1).toString();
    o.name = q.value(c + 2).toString();
    o.url = q.value(c + 3).toString();
    o.mimeType = q.value(c + 4).toString();
    o.size = q.value(c + 5).toLongLong();
    o.inlineData = q.value(c + 6).toByteArray();
    return o;
}

const char *JobColumns = "j.job_id, j.task, j.input, j.via, j.state, j.raw_status, j.progress, "
                         "j.created_ms, j.updated_ms,"
                         " j.timings, j.credits, j.extra, j.error, j.captions, j.download_dir, "
                         "j.purged_ms, p.settings, j.remote_id";

StoredJob readJob(const QSqlQuery &q, QHash<QString, Core::Profile> *profiles = nullptr)
{
    StoredJob s;
    Tracker::TrackedJob &j = s.job;
    j.id = q.value(0).toString();
    j.task = q.value(1).toString();
    j.input = object(q.value(2));
    s.via = Follow::viaFromName(q.value(3).toString()).value_or(Follow::Via::Auto);
    if (!q.value(4).isNull())
        j.state = Core::stateFromName(q.value(4).toString());
    j.rawStatus = q.value(5).toString();
    if (!q.value(6).isNull()) {
        j.progress = q.value(6).toDouble();
        j.hasProgress = true;
    }
    j.createdMs = q.value(7).toLongLong();
    j.lastUpdateMs = q.value(8).toLongLong();
    j.timings = object(q.value(9));
    j.credits = object(q.value(10));
    j.extra = object(q.value(11));
    j.error = Core::JobError::fromJson(object(q.value(12)));
    j.captions = array(q.value(13));
    s.downloadDir = q.value(14).toString();
    s.purgedMs = q.value(15).toLongLong();
    // Thousands of jobs share a handful of profiles: parse each once.
    const QString settings = q.value(16).toString();
    if (profiles && profiles->contains(settings)) {
        s.profile = profiles->value(settings);
    } else if (const auto p = Core::Profile::fromJson(object(settings))) {
        s.profile = *p;
        if (profiles)
            profiles->insert(settings, *p);
    }
    j.profile = s.profile.name;
    j.dialect = s.profile.dialect;
    j.remoteId = q.value(17).toString();
    if (j.remoteId == j.id)
        j.remoteId.clear();
    return s;
}

// The service a profile talks to: two profiles of the same service share job ids, two services
// never do.
QString serviceOf(const QString &dialect, const QString &baseUrl)
{
    return dialect + QLatin1Char(' ') + baseUrl;
}

} // namespace

HistoryDatabase::HistoryDatabase() = default;
HistoryDatabase::~HistoryDatabase() = default;

QString HistoryDatabase::defaultPath()
{
    const QString env = qEnvironmentVariable("JOBSCOPE_HISTORY");
    if (!env.isEmpty())
        return env;
    QString base = qEnvironmentVariable("XDG_DATA_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/share");
    return base + QStringLiteral("/jobscope/history.sqlite");
}

bool HistoryDatabase::open(const QString &path, QString *error)
{
    m_profileIds.clear();
    if (!m_db.open(path, &m_error)) {
        if (error)
            *error = m_error;
        return false;
    }
    return true;
}

bool HistoryDatabase::fail(const QString &what, const QString &error)
{
    m_error = what + QStringLiteral(": ") + error;
    qCWarning(lcHistory).noquote() << m_error;
    return false;
}

qint64 HistoryDatabase::profileId(const Core::Profile &profile)
{
    QJsonObject settings = profile.toJson();
    const QString key = json(settings);
    if (const auto it = m_profileIds.constFind(key); it != m_profileIds.constEnd())
        return *it;
    QSqlQuery q(m_db.db());
    q.prepare(QStringLiteral(
        "INSERT INTO profiles (name, dialect, base_url, key_ref, settings) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (settings) DO UPDATE SET name = excluded.name RETURNING id"));
    q.addBindValue(text(profile.name));
    q.addBindValue(Core::dialectName(profile.dialect));
    q.addBindValue(profile.baseUrl.toString());
    q.addBindValue(text(profile.keyRef));
    q.addBindValue(key);
    if (!q.exec() || !q.next()) {
        fail(QStringLiteral("cannot record the profile"), q.lastError().text());
        return -1;
    }
    const qint64 id = q.value(0).toLongLong();
    m_profileIds.insert(key, id);
    return id;
}

QString HistoryDatabase::findKey(const Core::Profile &profile, const QString &remoteId)
{
    const QString service
        = serviceOf(Core::dialectName(profile.dialect), profile.baseUrl.toString());
    QSqlQuery q(m_db.db());
    q.prepare(QStringLiteral(
        "SELECT j.job_id, p.dialect, p.base_url FROM jobs j JOIN profiles p ON p.id = j.profile_id"
        " WHERE j.job_id = ? OR j.remote_id = ?"));
    q.addBindValue(remoteId);
    q.addBindValue(remoteId);
    if (!q.exec())
        return {};
    while (q.next()) {
        if (serviceOf(q.value(1).toString(), q.value(2).toString()) == service)
            return q.value(0).toString();
    }
    return {};
}

std::optional<StoredJob> HistoryDatabase::findJob(
    const QString &remoteId, const Core::Profile *profile)
{
    if (profile) {
        const QString key = findKey(*profile, remoteId);
        return key.isEmpty() ? std::nullopt : job(key, true);
    }
    if (auto keyed = job(remoteId, true))
        return keyed;
    QSqlQuery q(m_db.db());
    q.prepare(QStringLiteral("SELECT job_id FROM jobs WHERE remote_id = ?"));
    q.addBindValue(remoteId);
    if (!q.exec() || !q.next())
        return std::nullopt;
    const QString key = q.value(0).toString();
    if (q.next())
        return std::nullopt; // several services' jobs
    return job(key, true);
}

bool HistoryDatabase::moveAside(
    const QString &key, const QString &remoteId, const QString &profileName)
{
    // Another service's job holds this key: it keeps every row, under "<id>@<its profile>".
    QSqlDatabase &db = m_db.db();
    const QString base = remoteId + QLatin1Char('@') + profileName;
    QString aside = base;
    for (int n = 2;; ++n) {
        QSqlQuery taken(db);
        taken.prepare(QStringLiteral("SELECT 1 FROM jobs WHERE job_id = ?"));
        taken.addBindValue(aside);
        if (!taken.exec())
            return fail(QStringLiteral("cannot read the history"), taken.lastError().text());
        if (!taken.next())
            break;
        aside = base + QStringLiteral("~%1").arg(n);
    }
    if (!db.transaction())
        return fail(QStringLiteral("cannot start a transaction"), db.lastError().text());
    QSqlQuery defer(db);
    defer.exec(QStringLiteral("PRAGMA defer_foreign_keys = ON"));
    const QStringList statements {
        QStringLiteral("UPDATE jobs SET job_id = ?, remote_id = ? WHERE job_id = ?"),
        QStringLiteral("UPDATE timeline SET job_id = ? WHERE job_id = ?"),
        QStringLiteral("UPDATE logs SET job_id = ? WHERE job_id = ?"),
        QStringLiteral("UPDATE outputs SET job_id = ? WHERE job_id = ?"),
        QStringLiteral("UPDATE downloads SET job_id = ? WHERE job_id = ?"),
    };
    for (const QString &sql : statements) {
        QSqlQuery u(db);
        u.prepare(sql);
        u.addBindValue(aside);
        if (sql.startsWith(QLatin1String("UPDATE jobs")))
            u.addBindValue(remoteId);
        u.addBindValue(key);
        if (!u.exec()) {
            const QString error = u.lastError().text();
            db.rollback();
            return fail(QStringLiteral("cannot keep job %1 apart").arg(key), error);
        }
    }
    if (!db.commit()) {
        const QString error = db.lastError().text();
        db.rollback();
        return fail(QStringLiteral("cannot keep job %1 apart").arg(key), error);
    }
    return true;
}

bool HistoryDatabase::recordJob(const StoredJob &s)
{
    const qint64 pid = profileId(s.profile);
    if (pid < 0)
        return false;
    const Tracker::TrackedJob &j = s.job;
    {
        // The key is held by a job of another service (the same id from two servers): that job
        // is kept apart, never overwritten with this one's profile, task and input.
        QSqlQuery owner(m_db.db());
        owner.prepare(QStringLiteral("SELECT p.dialect, p.base_url, p.name, j.remote_id FROM jobs "
                                     "j JOIN profiles p ON p.id = j.profile_id"
                                     " WHERE j.job_id = ?"));
        owner.addBindValue(j.id);
        if (owner.exec() && owner.next()
            && serviceOf(owner.value(0).toString(), owner.value(1).toString())
                != serviceOf(Core::dialectName(s.profile.dialect), s.profile.baseUrl.toString())) {
            const QString theirRemote
                = owner.value(3).toString().isEmpty() ? j.id : owner.value(3).toString();
            if (!moveAside(j.id, theirRemote, owner.value(2).toString()))
                return false;
        }
    }
    QSqlQuery q(m_db.db());
    q.prepare(
        QStringLiteral("INSERT INTO jobs (job_id, profile_id, task, input, via, state, raw_status, "
                       "progress, created_ms, updated_ms, download_dir, remote_id)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                       " ON CONFLICT (job_id) DO UPDATE SET profile_id = excluded.profile_id, task "
                       "= excluded.task, input = excluded.input,"
                       " via = excluded.via, download_dir = excluded.download_dir"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    q.addBindValue(text(j.id));
    q.addBindValue(pid);
    q.addBindValue(text(j.task));
    q.addBindValue(json(j.input));
    q.addBindValue(Follow::viaName(s.via));
    q.addBindValue(stateValue(j.state));
    q.addBindValue(text(j.rawStatus));
    q.addBindValue(j.hasProgress ? QVariant(j.progress) : QVariant());
    q.addBindValue(j.createdMs ? j.createdMs : now);
    q.addBindValue(now);
    q.addBindValue(text(s.downloadDir));
    q.addBindValue(text(j.remoteId == j.id ? QString() : j.remoteId));
    if (!q.exec())
        return fail(QStringLiteral("cannot record job %1").arg(j.id), q.lastError().text());
    return true;
}

bool HistoryDatabase::writeSnapshots(const QList<JobSnapshot> &snapshots)
{
    QSqlDatabase &db = m_db.db();
    if (!db.transaction())
        return fail(QStringLiteral("cannot start a transaction"), db.lastError().text());
    QSqlQuery job(db), line(db), log(db), dropOutputs(db), output(db);
    job.prepare(QStringLiteral("UPDATE jobs SET state = ?, raw_status = ?, progress = ?, "
                               "updated_ms = ?, timings = ?, credits = ?,"
                               " extra = ?, error = ?, captions = ? WHERE job_id = ?"));
    line.prepare(QStringLiteral("INSERT OR IGNORE INTO timeline (job_id, seq, time_ms, channel, "
                                "kind, state, raw_status, text)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    log.prepare(QStringLiteral("INSERT OR IGNORE INTO logs (job_id, seq, time_ms, level, message) "
                               "VALUES (?, ?, ?, ?, ?)"));
    dropOutputs.prepare(QStringLiteral("DELETE FROM outputs WHERE job_id = ?"));
    output.prepare(QStringLiteral(
        "INSERT INTO outputs (job_id, seq, idx, variant, name, url, mime, size, inline_data)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    auto failed = [&](QSqlQuery &q) {
        db.rollback();
        return fail(QStringLiteral("cannot write a batch of the history"), q.lastError().text());
    };
    for (const JobSnapshot &snap : snapshots) {
        const Tracker::TrackedJob &j = snap.job;
        job.bindValue(0, stateValue(j.state));
        job.bindValue(1, text(j.rawStatus));
        job.bindValue(2, j.hasProgress ? QVariant(j.progress) : QVariant());
        job.bindValue(3, j.lastUpdateMs ? j.lastUpdateMs : QDateTime::currentMSecsSinceEpoch());
        job.bindValue(4, json(j.timings));
        job.bindValue(5, json(j.credits));
        job.bindValue(6, json(j.extra));
        job.bindValue(7, json(j.error.isError() ? j.error.toJson() : QJsonObject()));
        job.bindValue(8, json(j.captions));
        job.bindValue(9, text(j.id));
        if (!job.exec())
            return failed(job);
        if (job.numRowsAffected() <= 0)
            continue; // not a job of the history (the CLI reading someone else's id)
        int seq = snap.firstTimelineSeq;
        for (const Tracker::TimelineEntry &e : j.timeline) {
            line.bindValue(0, text(j.id));
            line.bindValue(1, seq++);
            line.bindValue(2, e.timeMs);
            line.bindValue(3, Core::channelName(e.channel));
            line.bindValue(4, kindName(e.kind));
            line.bindValue(5, stateValue(e.state));
            line.bindValue(6, text(e.rawStatus));
            line.bindValue(7, text(e.text));
            if (!line.exec())
                return failed(line);
        }
        seq = snap.firstLogSeq;
        for (const Core::LogLine &l : j.logs) {
            log.bindValue(0, text(j.id));
            log.bindValue(1, seq++);
            log.bindValue(2, l.timeMs);
            log.bindValue(3, text(l.level));
            log.bindValue(4, text(l.message));
            if (!log.exec())
                return failed(log);
        }
        if (!j.outputs.isEmpty()) {
            dropOutputs.bindValue(0, text(j.id));
            if (!dropOutputs.exec())
                return failed(dropOutputs);
            int n = 0;
            for (const Core::Output &o : j.outputs) {
                output.bindValue(0, text(j.id));
                output.bindValue(1, n++);
                output.bindValue(2, o.index);
                output.bindValue(3, text(o.variant));
                output.bindValue(4, text(o.name));
                output.bindValue(5, text(o.url));
                output.bindValue(6, text(o.mimeType));
                output.bindValue(7, o.size);
                output.bindValue(8,
                    o.inlineData.isEmpty() ? QVariant(QMetaType(QMetaType::QByteArray))
                                           : QVariant(o.inlineData));
                if (!output.exec())
                    return failed(output);
            }
        }
    }
    if (!db.commit()) {
        const QString error = db.lastError().text();
        db.rollback(); // SQLite's advice after a failed COMMIT: end the transaction explicitly
        return fail(QStringLiteral("cannot commit a batch of the history"), error);
    }
    return true;
}

bool HistoryDatabase::writeDownload(const DownloadRecord &r)
{
    QSqlQuery q(m_db.db());
    q.prepare(QStringLiteral("INSERT INTO downloads (job_id, output_key, folder, path, state, "
                             "bytes, total, sha256, error, updated_ms)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                             " ON CONFLICT (job_id, output_key) DO UPDATE SET folder = "
                             "excluded.folder, path = excluded.path, state = excluded.state,"
                             " bytes = excluded.bytes, total = excluded.total, sha256 = "
                             "excluded.sha256, error = excluded.error,"
                             " updated_ms = excluded.updated_ms"));
    q.addBindValue(text(r.jobId));
    q.addBindValue(text(r.outputKey));
    q.addBindValue(text(r.folder));
    q.addBindValue(text(r.path));
    q.addBindValue(DownloadRecord::stateName(r.state));
    q.addBindValue(r.bytes);
    q.addBindValue(r.total);
    q.addBindValue(text(r.sha256));
    q.addBindValue(text(r.error));
    q.addBindValue(r.updatedMs ? r.updatedMs : QDateTime::currentMSecsSinceEpoch());
    if (!q.exec())
        return fail(
            QStringLiteral("cannot record a download of %1").arg(r.jobId), q.lastError().text());
    return true;
}

QList<StoredJob> HistoryDatabase::jobs(bool unfinishedOnly, bool withDetails, int limit, int offset)
{
    QString where;
    if (unfinishedOnly) {
        where = QStringLiteral(" WHERE j.purged_ms IS NULL AND (j.state IS NULL OR j.state NOT IN "
                               "('succeeded','failed','cancelled')"
                               " OR (j.state = 'succeeded' AND j.download_dir != '' AND (NOT "
                               "EXISTS (SELECT 1 FROM downloads d WHERE d.job_id = j.job_id)"
                               " OR EXISTS (SELECT 1 FROM downloads d WHERE d.job_id = j.job_id "
                               "AND d.state != 'done'))))");
    }
    QString page = QStringLiteral(" ORDER BY j.created_ms DESC, j.rowid DESC");
    if (limit >= 0)
        page += QStringLiteral(" LIMIT %1 OFFSET %2").arg(limit).arg(qMax(0, offset));
    QSqlQuery q(m_db.db());
    q.setForwardOnly(true);
    QList<StoredJob> out;
    if (!q.exec(QStringLiteral("SELECT %1 FROM jobs j JOIN profiles p ON p.id = j.profile_id")
                    .arg(QLatin1String(JobColumns))
            + where + page)) {
        fail(QStringLiteral("cannot read the history"), q.lastError().text());
        return out;
    }
    QHash<QString, Core::Profile> profiles;
    QHash<QString, qsizetype> at;
    while (q.next()) {
        out.append(readJob(q, &profiles));
        at.insert(out.last().job.id, out.size() - 1);
    }
    // The outputs of the whole page in one query, not one per job.
    QSqlQuery o(m_db.db());
    o.setForwardOnly(true);
    if (!out.isEmpty()
        && o.exec(QStringLiteral("SELECT job_id, idx, variant, name, url, mime, size, inline_data "
                                 "FROM outputs WHERE job_id IN"
                                 " (SELECT j.job_id FROM jobs j")
            + where + page + QStringLiteral(") ORDER BY job_id, seq"))) {
        while (o.next()) {
            const auto it = at.constFind(o.value(0).toString());
            if (it == at.constEnd())
                continue;
            out[*it].job.outputs.append(outputFrom(o, 1));
        }
    }
    if (withDetails) {
        for (StoredJob &s : out)
            readDetails(&s);
    }
    return out;
}

std::optional<StoredJob> HistoryDatabase::job(const QString &jobId, bool withDetails)
{
    QSqlQuery q(m_db.db());
    q.prepare(QStringLiteral(
        "SELECT %1 FROM jobs j JOIN profiles p ON p.id = j.profile_id WHERE j.job_id = ?")
                  .arg(QLatin1String(JobColumns)));
    q.addBindValue(jobId);
    if (!q.exec() || !q.next())
        return std::nullopt;
    StoredJob s = readJob(q);
    readOutputs(&s);
    if (withDetails)
        readDetails(&s);
    return s;
}

int HistoryDatabase::jobCount()
{
    QSqlQuery q(m_db.db());
    return q.exec(QStringLiteral("SELECT count(*) FROM jobs")) && q.next() ? q.value(0).toInt() : 0;
}

void HistoryDatabase::readOutputs(StoredJob *s)
{
    QSqlQuery q(m_db.db());
    q.prepare(QStringLiteral("SELECT idx, variant, name, url, mime, size, inline_data FROM outputs "
                             "WHERE job_id = ? ORDER BY seq"));
    q.addBindValue(s->job.id);
    if (!q.exec())
        return;
    while (q.next())
        s->job.outputs.append(outputFrom(q, 0));
}

void HistoryDatabase::readDetails(StoredJob *s)
{
    Tracker::TrackedJob &j = s->job;
    QSqlQuery q(m_db.db());
    q.prepare(QStringLiteral("SELECT time_ms, channel, kind, state, raw_status, text FROM timeline "
                             "WHERE job_id = ? ORDER BY seq"));
    q.addBindValue(text(j.id));
    if (q.exec()) {
        while (q.next()) {
            Tracker::TimelineEntry e;
            e.timeMs = q.value(0).toLongLong();
            e.channel = Core::channelFromName(q.value(1).toString()).value_or(Core::Channel::Poll);
            e.kind = kindFromName(q.value(2).toString());
            if (!q.value(3).isNull())
                e.state = Core::stateFromName(q.value(3).toString());
            e.rawStatus = q.value(4).toString();
            e.text = q.value(5).toString();
            j.timeline.append(e);
        }
    }
    q.prepare(
        QStringLiteral("SELECT time_ms, level, message FROM logs WHERE job_id = ? ORDER BY seq"));
    q.addBindValue(text(j.id));
    if (q.exec()) {
        while (q.next())
            j.logs.append(Core::LogLine {
                q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString() });
    }
}

QList<DownloadRecord> HistoryDatabase::downloads(const QString &jobId)
{
    QList<DownloadRecord> out;
    QSqlQuery q(m_db.db());
    q.prepare(QStringLiteral("SELECT output_key, folder, path, state, bytes, total, sha256, error, "
                             "updated_ms FROM downloads"
                             " WHERE job_id = ? ORDER BY output_key"));
    q.addBindValue(jobId);
    if (!q.exec())
        return out;
    while (q.next()) {
        DownloadRecord r;
        r.jobId = jobId;
        r.outputKey = q.value(0).toString();
        r.folder = q.value(1).toString();
        r.path = q.value(2).toString();
        r.state = DownloadRecord::stateFromName(q.value(3).toString());
        r.bytes = q.value(4).toLongLong();
        r.total = q.value(5).toLongLong();
        r.sha256 = q.value(6).toString();
        r.error = q.value(7).toString();
        r.updatedMs = q.value(8).toLongLong();
        out.append(r);
    }
    return out;
}

int HistoryDatabase::markPurged(const QString &dialect, qint64 beforeMs, qint64 nowMs)
{
    QSqlQuery q(m_db.db());
    q.prepare(
        QStringLiteral("UPDATE jobs SET purged_ms = ? WHERE purged_ms IS NULL AND created_ms < ?"
                       " AND profile_id IN (SELECT id FROM profiles WHERE dialect = ?)"));
    q.addBindValue(nowMs);
    q.addBindValue(beforeMs);
    q.addBindValue(dialect);
    if (!q.exec()) {
        fail(QStringLiteral("cannot apply retention"), q.lastError().text());
        return 0;
    }
    return q.numRowsAffected();
}

bool HistoryDatabase::exportJson(const QString &path, const Core::Redactor &redactor)
{
    QJsonArray all;
    for (const StoredJob &s : jobs(false, true)) {
        const Tracker::TrackedJob &j = s.job;
        QJsonArray timeline, logs, outputs, files;
        for (const auto &e : j.timeline)
            timeline.append(QJsonObject { { k("time_ms"), e.timeMs },
                { k("channel"), Core::channelName(e.channel) }, { k("kind"), kindName(e.kind) },
                { k("state"), e.state ? Core::stateName(*e.state) : QString() },
                { k("status"), e.rawStatus }, { k("text"), e.text } });
        for (const auto &l : j.logs)
            logs.append(QJsonObject {
                { k("time_ms"), l.timeMs }, { k("level"), l.level }, { k("message"), l.message } });
        for (const auto &o : j.outputs)
            outputs.append(QJsonObject { { k("index"), o.index }, { k("variant"), o.variant },
                { k("name"), o.name }, { k("url"), o.url }, { k("mime"), o.mimeType },
                { k("size"), o.size } });
        for (const auto &d : downloads(j.id))
            files.append(QJsonObject { { k("output"), d.outputKey }, { k("path"), d.path },
                { k("state"), DownloadRecord::stateName(d.state) }, { k("bytes"), d.bytes },
                { k("sha256"), d.sha256 }, { k("error"), d.error } });
        QJsonObject profile = s.profile.toJson();
        all.append(QJsonObject { { k("id"), j.id }, { k("profile"), profile },
            { k("task"), j.task }, { k("input"), j.input },
            { k("state"), j.state ? Core::stateName(*j.state) : QString() },
            { k("status"), j.rawStatus },
            { k("progress"), j.hasProgress ? QJsonValue(j.progress) : QJsonValue() },
            { k("created_ms"), j.createdMs }, { k("updated_ms"), j.lastUpdateMs },
            { k("purged_ms"), s.purgedMs ? QJsonValue(s.purgedMs) : QJsonValue() },
            { k("timings"), j.timings }, { k("credits"), j.credits }, { k("extra"), j.extra },
            { k("error"), j.error.isError() ? j.error.toJson() : QJsonObject() },
            { k("timeline"), timeline }, { k("logs"), logs }, { k("outputs"), outputs },
            { k("files"), files } });
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write %1").arg(path), f.errorString());
    f.write(redactor.redact(
        QJsonDocument(QJsonObject { { k("jobs"), all } }).toJson(QJsonDocument::Indented)));
    if (!f.commit())
        return fail(QStringLiteral("cannot write %1").arg(path), f.errorString());
    return true;
}

bool HistoryDatabase::exportCsv(const QString &path, const Core::Redactor &redactor)
{
    auto cell = [&](const QString &text) {
        QString t = redactor.redact(text);
        t.replace(QLatin1Char('"'), QLatin1String("\"\""));
        return QLatin1Char('"') + t + QLatin1Char('"');
    };
    QString out = QStringLiteral("id,profile,dialect,base_url,task,state,status,progress,created,"
                                 "updated,purged,error_code,error_message,support_id,files\r\n");
    for (const StoredJob &s : jobs(false, false)) {
        const Tracker::TrackedJob &j = s.job;
        QStringList files;
        for (const auto &d : downloads(j.id)) {
            if (d.state == DownloadRecord::State::Done)
                files << d.path;
        }
        auto iso = [](qint64 ms) {
            return ms ? QDateTime::fromMSecsSinceEpoch(ms).toUTC().toString(Qt::ISODateWithMs)
                      : QString();
        };
        const QStringList row { cell(j.id), cell(s.profile.name),
            cell(Core::dialectName(s.profile.dialect)), cell(s.profile.baseUrl.toString()),
            cell(j.task), cell(j.state ? Core::stateName(*j.state) : QString()), cell(j.rawStatus),
            j.hasProgress ? QString::number(j.progress, 'f', 3) : QString(), cell(iso(j.createdMs)),
            cell(iso(j.lastUpdateMs)), cell(iso(s.purgedMs)), cell(j.error.providerCode),
            cell(j.error.message), cell(j.error.supportId), cell(files.join(QLatin1Char(';'))) };
        out += row.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write %1").arg(path), f.errorString());
    f.write(out.toUtf8());
    if (!f.commit())
        return fail(QStringLiteral("cannot write %1").arg(path), f.errorString());
    return true;
}

} // namespace Store
