#include "soakcheck.h"

#include "sandboxprocess.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

namespace Soak {

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

struct FileFacts
{
    bool exists = false;
    qint64 size = -1;
    QString sha256;
};

FileFacts factsOf(const QString &path)
{
    FileFacts f;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return f;
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (!h.addData(&file))
        return f;
    f.exists = true;
    f.size = file.size();
    f.sha256 = QString::fromLatin1(h.result().toHex());
    return f;
}

QString sha256Of(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

struct HistoryJob
{
    QString state;
    QString rawStatus;
    QStringList timelineKeys;
    QHash<QString, int> logs; // "level|message" → count
    struct Download
    {
        QString key, path, state, sha256;
        qint64 bytes = 0;
    };
    QList<Download> downloads;
};

// A timeline row that must appear once per job: a state transition (state, raw status), an output
// (its name), the first error, the end of the stream. Problems (stream cuts …) may repeat.
QString uniqueKey(
    const QString &kind, const QString &state, const QString &raw, const QString &text)
{
    if (kind == QLatin1String("state"))
        return kind + QLatin1Char('|') + state + QLatin1Char('|') + raw;
    if (kind == QLatin1String("output"))
        return kind + QLatin1Char('|') + text;
    if (kind == QLatin1String("error") || kind == QLatin1String("ended"))
        return kind;
    return {};
}

} // namespace

SoakCheck::SoakCheck(const SoakFigures &figures, QString historyPath, QString libraryDir,
    QString sandboxFiles, SandboxProcess *sandbox, ControlClient *control)
    : m_figures(figures)
    , m_historyPath(std::move(historyPath))
    , m_libraryDir(std::move(libraryDir))
    , m_sandboxFiles(std::move(sandboxFiles))
    , m_sandbox(sandbox)
    , m_control(control)
{ }

void SoakCheck::sample(SoakCounts *c, const QString &s)
{
    if (c->samples.size() < 30)
        c->samples.append(s);
}

bool SoakCheck::run(SoakCounts *c, QString *error)
{
    QHash<QString, HistoryJob> history;
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("soak-check"));
        db.setDatabaseName(m_historyPath);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            *error = QStringLiteral("the history %1 cannot be opened: %2")
                         .arg(m_historyPath, db.lastError().text());
            return false;
        }
        QSqlQuery q(db);
        auto exec = [&](const QString &sql) {
            if (q.exec(sql))
                return true;
            *error = QStringLiteral("the history cannot be read (%1): %2")
                         .arg(sql, q.lastError().text());
            return false;
        };
        if (!exec(QStringLiteral("SELECT job_id, COALESCE(state, ''), raw_status FROM jobs")))
            return false;
        while (q.next()) {
            HistoryJob &j = history[q.value(0).toString()];
            j.state = q.value(1).toString();
            j.rawStatus = q.value(2).toString();
        }
        if (!exec(QStringLiteral("SELECT job_id, kind, COALESCE(state, ''), raw_status, text FROM "
                                 "timeline ORDER BY job_id, seq")))
            return false;
        while (q.next())
            history[q.value(0).toString()].timelineKeys.append(uniqueKey(q.value(1).toString(),
                q.value(2).toString(), q.value(3).toString(), q.value(4).toString()));
        if (!exec(QStringLiteral("SELECT job_id, level, message FROM logs")))
            return false;
        while (q.next())
            ++history[q.value(0).toString()]
                  .logs[q.value(1).toString() + QLatin1Char('|') + q.value(2).toString()];
        if (!exec(QStringLiteral(
                "SELECT job_id, output_key, path, state, bytes, sha256 FROM downloads")))
            return false;
        while (q.next())
            history[q.value(0).toString()].downloads.append(
                { q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                    q.value(5).toString(), q.value(4).toLongLong() });
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("soak-check"));

    c->jobs = int(m_figures.dialectOf.size());
    c->fatal = int(m_figures.fatal.size());
    auto losses = [c] {
        return c->wrongState + c->sandboxLost + c->dupTimeline + c->lostLogLines + c->dupLogLines
            + c->mismatched + c->missing + c->fetchMismatched + c->viewsDisagree;
    };
    auto checkJob = [&](const QString &id, const QString &dialect) {
        const QString enc = QString::fromLatin1(QUrl::toPercentEncoding(id));
        const ControlClient::Answer rec = m_control->getNow(QStringLiteral("/jobs/") + enc);
        if (rec.status == 404) {
            // The sandbox answered the submit, then forgot the job: a restart lost what it had not
            // yet written to its --data. A loss, but the service's, not the session's.
            ++c->sandboxLost;
            sample(c,
                QStringLiteral("%1 %2: accepted by the sandbox, unknown to it after a restart (the "
                               "session: %3)")
                    .arg(dialect, id, m_figures.fatal.value(id, QStringLiteral("not given up"))));
            return;
        }
        if (rec.status != 200) {
            ++c->wrongState;
            sample(c,
                QStringLiteral("%1 %2: the sandbox has no record (HTTP %3 %4)")
                    .arg(dialect, id)
                    .arg(rec.status)
                    .arg(rec.error));
            return;
        }
        const QString truthState = rec.json.value(k("state")).toString();
        const QString truthRaw = rec.json.value(k("status")).toString();
        const bool terminal = truthState == QLatin1String("succeeded")
            || truthState == QLatin1String("failed") || truthState == QLatin1String("cancelled");
        if (truthState == QLatin1String("succeeded"))
            ++c->succeeded;
        else if (truthState == QLatin1String("failed"))
            ++c->failed;

        // The dialect's own status route: the view a client of the real service gets.
        const QJsonObject info = m_sandbox->dialect(dialect);
        const QString base = info.value(k("base_url")).toString();
        const QByteArray key = info.value(k("api_key")).toString().toUtf8();
        QString url;
        QList<QPair<QByteArray, QByteArray>> auth;
        const QString task = m_figures.taskOf.value(id);
        if (dialect == QLatin1String("peelapi")) {
            url = base + QStringLiteral("/v1/jobs/") + enc;
            auth = { { "Authorization", "Bearer " + key } };
        } else if (dialect == QLatin1String("imagepipeline")) {
            url = base + QLatin1Char('/') + task + QStringLiteral("/status/") + enc;
            auth = { { "X-API-Key", key } };
        } else if (dialect == QLatin1String("peel")) {
            url = base + QStringLiteral("/v1/apis/") + enc;
            auth = { { "X-API-Key", key } };
        } else if (dialect == QLatin1String("peako")) {
            url = base + QStringLiteral("/api/jobs/") + enc;
            auth = { { "X-API-Key", key } };
        } else {
            url = base + QStringLiteral("/api/v1/client/request-status/") + enc;
            auth = { { "Authorization", "Bearer " + key } };
        }
        const ControlClient::Answer status = m_control->fetchNow(url, auth);
        QJsonObject s = status.json;
        if (s.value(k("data")).isObject())
            s = s.value(k("data")).toObject();
        const QString dialectRaw = s.value(k("status")).toString();
        if (status.status != 200 || dialectRaw != truthRaw) {
            ++c->viewsDisagree;
            sample(c,
                QStringLiteral(
                    "%1 %2: the status route says \"%3\" (HTTP %4), the control route \"%5\"")
                    .arg(dialect, id, dialectRaw)
                    .arg(status.status)
                    .arg(truthRaw));
        }

        const auto h = history.constFind(id);
        if (h == history.constEnd()) {
            ++c->wrongState;
            sample(c,
                QStringLiteral("%1 %2: not in the history (sandbox: %3/%4)")
                    .arg(dialect, id, truthState, truthRaw));
            return;
        }
        if (terminal && h->state == truthState && h->rawStatus == truthRaw) {
            ++c->finalOk;
        } else {
            ++c->wrongState;
            sample(c,
                QStringLiteral("%1 %2: history %3/%4, sandbox %5/%6%7")
                    .arg(dialect, id, h->state, h->rawStatus, truthState, truthRaw,
                        m_figures.fatal.contains(id)
                            ? QStringLiteral(" (given up: %1)").arg(m_figures.fatal.value(id))
                            : QString()));
        }

        // Timeline: every transition, output, error and end once.
        QHash<QString, int> seen;
        c->timelineRows += int(h->timelineKeys.size());
        for (const QString &key : h->timelineKeys) {
            if (key.isEmpty())
                continue;
            if (++seen[key] == 2)
                sample(c, QStringLiteral("%1 %2: timeline entry twice: %3").arg(dialect, id, key));
            if (seen[key] >= 2)
                ++c->dupTimeline;
        }

        // PeelAPI log lines: every `log` event the sandbox streamed, once, against what was
        // recorded.
        if (dialect == QLatin1String("peelapi")) {
            QHash<QString, int> streamed;
            for (const QJsonValue &v : rec.json.value(k("events")).toArray()) {
                const QJsonObject e = v.toObject();
                if (e.value(k("type")).toString() != QLatin1String("log"))
                    continue;
                const QJsonObject d
                    = QJsonDocument::fromJson(e.value(k("data")).toString().toUtf8()).object();
                ++streamed[d.value(k("level")).toString() + QLatin1Char('|')
                    + d.value(k("message")).toString()];
            }
            int lost = 0, doubled = 0;
            for (auto l = streamed.cbegin(); l != streamed.cend(); ++l)
                c->logLines += l.value();
            for (auto l = streamed.cbegin(); l != streamed.cend(); ++l)
                lost += qMax(0, l.value() - h->logs.value(l.key()));
            for (auto l = h->logs.cbegin(); l != h->logs.cend(); ++l)
                doubled += qMax(0, l.value() - streamed.value(l.key()));
            if (lost || doubled)
                sample(c,
                    QStringLiteral(
                        "%1 %2: %3 log lines lost, %4 doubled (sandbox streamed %5 kinds)")
                        .arg(dialect, id)
                        .arg(lost)
                        .arg(doubled)
                        .arg(streamed.size()));
            c->lostLogLines += lost;
            c->dupLogLines += doubled;
        }

        if (truthState != QLatin1String("succeeded"))
            return;
        // Files: each output of the sandbox's record, read fresh from its folder, against the
        // files the session downloaded (read fresh from the library).
        QList<FileFacts> expected;
        for (const QJsonValue &v : rec.json.value(k("outputs")).toArray()) {
            const QJsonObject o = v.toObject();
            const FileFacts served
                = factsOf(QDir(m_sandboxFiles)
                              .filePath(id + QLatin1Char('/') + o.value(k("name")).toString()));
            if (!served.exists || served.sha256 != o.value(k("sha256")).toString()
                || served.size != qint64(o.value(k("size")).toDouble())) {
                ++c->viewsDisagree;
                sample(c,
                    QStringLiteral("%1 %2: the sandbox's file %3 differs from its own record")
                        .arg(dialect, id, o.value(k("name")).toString()));
            }
            expected.append(served.exists ? served
                                          : FileFacts { true, qint64(o.value(k("size")).toDouble()),
                                              o.value(k("sha256")).toString() });
        }
        // Captions (Peako transcriptions) come inline in the status and are written by the app as
        // captions.json (checked against the sandbox's captions) and captions.srt (derived from
        // it).
        const QJsonArray captions = rec.json.value(k("captions")).toArray();
        if (!captions.isEmpty())
            ++c->filesExpected;
        c->filesExpected += int(expected.size());
        bool captionsFound = false;
        QList<FileFacts> downloaded;
        for (const HistoryJob::Download &d : h->downloads) {
            if (d.state != QLatin1String("done"))
                continue;
            const QString name = QFileInfo(d.path).fileName();
            if (!captions.isEmpty() && name.startsWith(QLatin1String("captions."))) {
                QFile file(d.path);
                const QByteArray bytes
                    = file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
                if (name == QLatin1String("captions.json")) {
                    captionsFound = true;
                    if (QJsonDocument::fromJson(bytes).array() == captions) {
                        ++c->filesOk;
                    } else {
                        ++c->mismatched;
                        sample(c,
                            QStringLiteral(
                                "%1 %2: captions.json differs from the sandbox's captions")
                                .arg(dialect, id));
                    }
                } else if (bytes.isEmpty()) {
                    ++c->mismatched;
                    sample(c, QStringLiteral("%1 %2: %3 is empty").arg(dialect, id, name));
                }
                continue;
            }
            const FileFacts f = factsOf(d.path);
            if (!f.exists
                || !QFileInfo(d.path).absoluteFilePath().startsWith(
                    QDir(m_libraryDir).absolutePath() + QLatin1Char('/'))) {
                sample(c,
                    QStringLiteral("%1 %2: download %3 recorded done but %4 is not in the library")
                        .arg(dialect, id, d.key, d.path));
                continue;
            }
            if (f.sha256 != d.sha256 || f.size != d.bytes) {
                ++c->mismatched;
                sample(c,
                    QStringLiteral("%1 %2: %3 on disk differs from its own record")
                        .arg(dialect, id, d.path));
                continue;
            }
            downloaded.append(f);
        }
        if (!captions.isEmpty() && !captionsFound) {
            ++c->missing;
            sample(c, QStringLiteral("%1 %2: its captions were never written").arg(dialect, id));
        }
        QList<bool> used(downloaded.size(), false);
        for (const FileFacts &e : std::as_const(expected)) {
            bool found = false;
            for (int i = 0; i < downloaded.size() && !found; ++i) {
                if (!used[i] && downloaded[i].sha256 == e.sha256 && downloaded[i].size == e.size) {
                    used[i] = true;
                    found = true;
                }
            }
            if (found) {
                ++c->filesOk;
            } else {
                ++c->missing;
                sample(c,
                    QStringLiteral("%1 %2: output %3 (%4 bytes) not downloaded intact")
                        .arg(dialect, id, e.sha256.left(12))
                        .arg(e.size));
            }
        }
        for (int i = 0; i < downloaded.size(); ++i) {
            if (!used[i]) {
                ++c->mismatched;
                sample(c,
                    QStringLiteral("%1 %2: a downloaded file (%3 bytes) matches no output")
                        .arg(dialect, id)
                        .arg(downloaded[i].size));
            }
        }

        // The result URLs a fresh status read mints, fetched again: the same bytes.
        QStringList urls;
        if (dialect == QLatin1String("peelapi")) {
            for (const QJsonValue &r :
                s.value(k("outputs")).toObject().value(k("results")).toArray())
                urls.append(r.toObject().value(k("url")).toString());
        } else {
            for (const char *field : { "result_url", "outputUrl" }) {
                if (s.value(QLatin1String(field)).isString())
                    urls.append(s.value(QLatin1String(field)).toString());
            }
        }
        for (const QString &u : std::as_const(urls)) {
            const ControlClient::Answer file = m_control->fetchNow(u, {});
            ++c->fetched;
            const QString sha = sha256Of(file.body);
            bool known = false;
            for (const FileFacts &e : std::as_const(expected))
                known = known || (e.sha256 == sha && e.size == file.body.size());
            if (file.status != 200 || !known) {
                ++c->fetchMismatched;
                sample(c,
                    QStringLiteral("%1 %2: a fresh fetch of its result answered HTTP %3 with %4 "
                                   "bytes matching no output")
                        .arg(dialect, id)
                        .arg(file.status)
                        .arg(file.body.size()));
            }
        }
    };
    for (auto it = m_figures.dialectOf.cbegin(); it != m_figures.dialectOf.cend(); ++it) {
        const int before = losses();
        const int samplesBefore = int(c->samples.size());
        checkJob(it.key(), it.value());
        if (losses() == before)
            continue;
        ++c->lossJobs;
        const bool rolledBack = m_figures.rolledBack.contains(it.key());
        if (!rolledBack)
            ++c->lossJobsNotRolledBack;
        for (int n = samplesBefore; n < c->samples.size(); ++n)
            c->samples[n] += rolledBack
                ? QStringLiteral(" [the sandbox's restart rolled this job back]")
                : QString();
    }

    QDirIterator parts(m_libraryDir, QDir::Files, QDirIterator::Subdirectories);
    while (parts.hasNext()) {
        const QString p = parts.next();
        if (p.endsWith(QLatin1String(".part"))) {
            ++c->partsLeft;
            sample(c, QStringLiteral("left behind: %1").arg(p));
        }
    }

    const ControlClient::Answer all = m_control->getNow(QStringLiteral("/jobs"));
    for (const QJsonValue &v : all.json.value(k("jobs")).toArray()) {
        if (!m_figures.dialectOf.contains(v.toObject().value(k("id")).toString()))
            ++c->orphans;
    }
    return true;
}

} // namespace Soak
