#include "cli/clihistory.h"

#include "store/historydatabase.h"
#include "tracker/jobtracker.h"

#include <QDateTime>

namespace Cli {

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

QString envName(const QString &ref)
{
    return ref.startsWith(QLatin1String("env:")) ? ref.mid(4) : QString();
}

QJsonObject toRecord(const Store::StoredJob &s)
{
    const Core::Profile &p = s.profile;
    QJsonObject rec { { k("id"), s.job.remote() }, { k("profile"), p.name },
        { k("dialect"), Core::dialectName(p.dialect) }, { k("base_url"), p.baseUrl.toString() },
        { k("key_env"), envName(p.keyRef) }, { k("key_ref"), p.keyRef }, { k("task"), s.job.task },
        { k("input"), s.job.input }, { k("via"), Follow::viaName(s.via) },
        { k("download_dir"), s.downloadDir }, { k("created_ms"), s.job.createdMs } };
    if (p.dialect == Core::Dialect::DeApi && p.wsUrl.isValid()) {
        rec.insert(k("ws_url"), p.wsUrl.toString());
        rec.insert(k("pusher_key"), p.pusherKey);
        rec.insert(k("client_id"), p.clientId);
        rec.insert(k("auth_url"), p.authUrl.toString());
    }
    if (!envName(p.webhookSecretRef).isEmpty())
        rec.insert(k("webhook_secret_env"), envName(p.webhookSecretRef));
    return rec;
}

} // namespace

CliHistory::CliHistory()
    : m_path(Store::HistoryDatabase::defaultPath())
{ }

CliHistory::CliHistory(QString path)
    : m_path(std::move(path))
{ }

CliHistory::~CliHistory() = default;
CliHistory::CliHistory(CliHistory &&) noexcept = default;
CliHistory &CliHistory::operator=(CliHistory &&) noexcept = default;

Store::HistoryDatabase *CliHistory::db(QString *error)
{
    if (m_db)
        return m_db.get();
    auto db = std::make_unique<Store::HistoryDatabase>();
    QString e;
    if (!db->open(m_path, &e)) {
        if (error)
            *error = e;
        return nullptr;
    }
    m_db = std::move(db);
    return m_db.get();
}

void CliHistory::setProfile(const Core::Profile &profile)
{
    m_profile = profile;
    m_keys.clear();
}

QString CliHistory::keyFor(const QString &remoteId)
{
    if (const auto it = m_keys.constFind(remoteId); it != m_keys.constEnd())
        return *it;
    Store::HistoryDatabase *d = db();
    if (!d)
        return {};
    QString key;
    if (m_profile) {
        key = d->findKey(*m_profile, remoteId);
    } else if (const auto s = d->job(remoteId, false)) {
        key = s->job.id;
    }
    if (!key.isEmpty())
        m_keys.insert(remoteId, key);
    return key;
}

bool CliHistory::append(const QJsonObject &record, QString *error)
{
    Store::HistoryDatabase *d = db(error);
    if (!d)
        return false;
    QJsonObject profileJson = record;
    if (!record.value(k("key_env")).toString().isEmpty())
        profileJson.insert(
            k("key_ref"), QStringLiteral("env:") + record.value(k("key_env")).toString());
    if (!record.value(k("webhook_secret_env")).toString().isEmpty())
        profileJson.insert(k("webhook_secret_ref"),
            QStringLiteral("env:") + record.value(k("webhook_secret_env")).toString());
    if (!record.contains(k("name")))
        profileJson.insert(
            k("name"), record.value(k("profile")).toString(record.value(k("dialect")).toString()));
    const auto profile = Core::Profile::fromJson(profileJson);
    if (!profile) {
        if (error)
            *error = QStringLiteral("unknown dialect in the record");
        return false;
    }
    Store::StoredJob s;
    s.profile = *profile;
    s.job.id = record.value(k("id")).toString();
    s.job.task = record.value(k("task")).toString();
    s.job.input = record.value(k("input")).toObject();
    s.job.createdMs = qint64(
        record.value(k("created_ms")).toDouble(double(QDateTime::currentMSecsSinceEpoch())));
    s.via = Follow::viaFromName(record.value(k("via")).toString()).value_or(Follow::Via::Auto);
    s.downloadDir = record.value(k("download_dir")).toString();
    if (!d->recordJob(s)) {
        if (error)
            *error = d->lastError();
        return false;
    }
    m_written.insert(s.job.id, { 0, 0 });
    m_counted.insert(s.job.id);
    m_keys.insert(
        s.job.id, s.job.id); // this run's job now holds the key (another service's moved aside)
    return true;
}

QJsonObject CliHistory::find(const QString &jobId)
{
    Store::HistoryDatabase *d = db();
    if (!d)
        return {};
    const QString key = keyFor(jobId);
    auto s = key.isEmpty() ? std::nullopt : d->job(key, false);
    if (!s && !m_profile) {
        // Not a key: the id of a job kept apart under "<id>@<profile>", if only one has it.
        const QList<Store::StoredJob> all = d->jobs();
        for (const Store::StoredJob &j : all) {
            if (j.job.remoteId == jobId) {
                if (s)
                    return {}; // several services' jobs: the user has to say which
                               // (--dialect/--profile)
                s = j;
            }
        }
    }
    if (!s)
        return {};
    return toRecord(*s);
}

QList<QJsonObject> CliHistory::forBaseUrl(const QString &baseUrl)
{
    QList<QJsonObject> out;
    Store::HistoryDatabase *d = db();
    if (!d)
        return out;
    const QList<Store::StoredJob> all = d->jobs();
    for (auto it = all.crbegin(); it != all.crend(); ++it) {
        if (it->profile.baseUrl.toString() == baseUrl)
            out.append(toRecord(*it));
    }
    return out;
}

void CliHistory::write(const Tracker::JobTracker &tracker, const QStringList &ids)
{
    if (ids.isEmpty())
        return;
    Store::HistoryDatabase *d = db();
    if (!d)
        return;
    QList<Store::JobSnapshot> snapshots;
    for (const QString &id : ids) {
        const Tracker::TrackedJob *job = tracker.job(id);
        if (!job)
            continue;
        const QString key = keyFor(id);
        if (key.isEmpty())
            continue; // not a job of the history (the CLI reading someone else's id)
        auto &w = m_written[id];
        if (!m_counted.contains(id)) {
            // A job of an earlier run (status, watch, download of a recorded id): its timeline
            // and logs in the history stay; only what this run adds is appended after them.
            if (const auto stored = d->job(key, true)) {
                w.first = int(stored->job.timeline.size());
                w.second = int(stored->job.logs.size());
            }
            m_counted.insert(id);
        }
        Store::JobSnapshot s = Store::JobSnapshot::of(*job, &w.first, &w.second);
        s.job.id = key;
        snapshots.append(s);
    }
    d->writeSnapshots(snapshots);
}

void CliHistory::recordDownload(const QString &jobId, const QString &key, const QString &folder,
    const QString &path, bool done, qint64 bytes, qint64 total, const QString &sha256,
    const QString &error)
{
    Store::HistoryDatabase *d = db();
    if (!d)
        return;
    Store::DownloadRecord r;
    r.jobId = keyFor(jobId);
    if (r.jobId.isEmpty())
        return; // a job the history does not hold: nothing to attach the file to
    r.outputKey = key;
    r.folder = folder;
    r.path = path;
    r.state = done ? Store::DownloadRecord::State::Done
                   : (error.isEmpty() ? Store::DownloadRecord::State::Running
                                      : Store::DownloadRecord::State::Failed);
    r.bytes = bytes;
    r.total = total;
    r.sha256 = sha256;
    r.error = error;
    d->writeDownload(r);
}

} // namespace Cli
