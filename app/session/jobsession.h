#pragma once

#include "core/joberror.h"
#include "core/profile.h"
#include "downloads/downloadqueue.h"
#include "follow/via.h"
#include "store/storedjob.h"
#include "tracker/jobtracker.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace Follow {
class FollowContext;
class JobFollower;
class StatusRead;
} // namespace Follow
namespace Store {
class JobHistory;
}

namespace Session {

class JobOperation;

// Everything a process does with jobs, the one path under the desktop app and every jobscope-cli
// command: submits them, follows each until it settles (JobFollower over the dialect's channel),
// reads, cancels and answers them, writes everything to the history as it happens (JobHistory
// attached to the tracker, job records through recordJob), downloads every succeeded job's
// outputs into its folder (DownloadQueue, expired URLs refreshed by a status read), and on start
// re-attaches to every unfinished job and download in the history, whatever profile each belongs
// to. The tracker changes only through the follow layer (FollowContext::record) and the
// session's restore/reopen: callers read it, they never apply to it.
// Work that takes time reports through an Operation (JobOperation, Follow::StatusRead).
// Keys never pass through here in a form that is stored: a profile's keyRef ("env:VAR",
// "keychain:…") is resolved at run time by the KeyLookup the process hands in.
class JobSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobSession)

public:
    // Resolves a key reference; calls back with the key, or an empty key and a sentence.
    using KeyLookup = std::function<void(
        const QString &ref, std::function<void(const QString &key, const QString &error)>)>;
    // The folder under which a job's outputs go (each job gets "<folder>/<job id>") when nothing
    // else was said — the app's library layout; empty: not downloaded automatically.
    using FolderFor = std::function<QString(const Store::StoredJob &job)>;

    JobSession(QNetworkAccessManager *nam, Tracker::JobTracker *tracker, Store::JobHistory *history,
        KeyLookup keys, QObject *parent = nullptr);
    ~JobSession() override;

    Follow::FollowContext *context() const { return m_context.get(); }
    Downloads::DownloadQueue *downloads() const { return m_downloads; }
    Tracker::JobTracker *tracker() const { return m_tracker; }

    void setFolderFor(FolderFor f) { m_folderFor = std::move(f); }
    void setAutoDownload(bool on) { m_autoDownload = on; }

    // Registers a profile (its key resolved through the KeyLookup), at once: jobs can be submitted
    // to it right away. The operation fails (kind Auth) when its key cannot be had.
    JobOperation *addProfile(const Core::Profile &profile);
    QList<Core::Profile> profiles() const;
    std::optional<Core::Profile> profile(const QString &name) const;

    // Submits `count` jobs; each accepted one is tracked, recorded and (`follow`) followed, and
    // its outputs go to "<downloadDir>/<job id>" once it succeeds. One operation per job, started:
    // its jobId() is the accepted job's key, or its error() the refusal (submitted() and
    // submitFailed() say the same to whoever listens).
    QList<JobOperation *> submit(const QString &profile, const QString &task,
        const QJsonObject &input, Follow::Via via, int count = 1, const QString &downloadDir = {},
        bool follow = true);
    // A job the history knows (Store::JobHistory::findJob): tracked with what the history holds;
    // only what is learnt from now on is written. Returns its key.
    QString open(const Store::StoredJob &job);
    // A job of `profile` the history does not hold (the CLI asked about an id): tracked, not
    // recorded. `idTaken`: the history holds another service's job under that id, so this one is
    // kept apart ("<id>@<profile>"). Returns its key.
    QString openUnrecorded(
        const QString &profile, const QString &remoteId, const QString &task, bool idTaken);
    // Writes an opened job's record to the history (a job first seen here whose files are about
    // to be downloaded: they are remembered with it).
    void recordJob(const QString &jobId);
    // Reads a job's status once and records it (the window's refresh, the CLI's status); started.
    Follow::StatusRead *read(const QString &jobId);
    // Follows a tracked job until it settles (the CLI's watch; a Peel revise or rebuild the
    // service started again). `via`: the channel (default: the one it was submitted with);
    // `downloadDir`: where its outputs go once it succeeds (default: as recorded).
    void follow(
        const QString &jobId, std::optional<Follow::Via> via = {}, const QString &downloadDir = {});
    // A record a Peel build action answered with (respond, revise, rebuild): merged into the job;
    // a finished build the service started again is reopened and followed anew.
    Tracker::JobTracker::Changes applyRecord(const Core::JobUpdate &update);
    // Answers a job waiting for input (the dialect's respond call); the answer is recorded.
    JobOperation *respond(const QString &jobId, const QJsonObject &response);
    // Re-attaches to every unfinished job and download of the history; the operation ends once
    // they are all started (count(): the jobs re-attached).
    JobOperation *resumeUnfinished();
    // Restores the newest `limit` jobs of the history into the tracker (the app's list); details
    // (timeline, logs) of finished jobs load on demand with loadDetails().
    // Pages: the operation ends once the newest `pageSize` are in the tracker (count()); the
    // older pages follow, and historyLoaded(total) comes after the last.
    JobOperation *loadHistory(int limit, int pageSize = 500);
    void loadDetails(const QString &jobId);
    // Downloads a job's outputs now into "<folder>/<job id>" (`folder` empty: the job's recorded
    // folder, or FolderFor's). False when there is nowhere to put them or they are queued already.
    bool download(const QString &jobId, const QString &folder = {});
    // Cancels a job through the dialect's own cancel call (Peako), or — `sandboxControl` set — the
    // sandbox's QA control API; records what the answer says, then reads it again. Started; fails
    // with the refusal's JobError. `sandboxToken`: the sandbox's control token (its startup
    // line's control_token).
    JobOperation *cancel(
        const QString &jobId, const QUrl &sandboxControl = {}, const QByteArray &sandboxToken = {});

    // A profile's live channels in a few words: "2 SSE streams · Pusher connected · 3 polled ·
    // workers 2/8 of 16" (Peako's counts once read with refreshWorkers()); empty when idle.
    QString health(const QString &profile) const;
    // Peako: reads the job list's worker counts (activeWorkers, totalWorkers, maxWorkers).
    void refreshWorkers(const QString &profile);
    // Jobs being followed and files queued or downloading.
    int activeJobs() const { return int(m_followers.size()); }
    int pendingDownloads() const { return m_downloads->pendingCount(); }
    bool isIdle() const
    {
        return m_followers.isEmpty() && m_downloads->pendingCount() == 0 && m_starting == 0;
    }

Q_SIGNALS:
    void submitted(const QString &jobId, const QString &profile);
    void submitFailed(const QString &profile, const QString &task, const Core::JobError &error);
    void settled(const QString &jobId, Core::JobState state);
    void needsInput(const QString &jobId);
    void jobFatal(const QString &jobId, const Core::JobError &error);
    void downloadsFinished(const QString &jobId, bool ok, const QStringList &errors);
    void notice(const QString &jobId, const QString &message);
    void idle();
    void historyLoaded(int jobs);

private:
    void startFollowing(const Store::StoredJob &job);
    void submitOne(JobOperation *op, const QString &profile, const QString &task,
        const QJsonObject &body, Follow::Via via, const QString &downloadDir, bool follow);
    void onSettled(const QString &jobId, Core::JobState state);
    void checkIdle();
    void loadHistoryPage(int offset, int limit, int pageSize, JobOperation *first);
    void rememberFolder(Store::StoredJob *job, const QString &parent);
    QString registerProfile(const Core::Profile &profile);

    QNetworkAccessManager *m_nam;
    Tracker::JobTracker *m_tracker;
    Store::JobHistory *m_history;
    KeyLookup m_keys;
    FolderFor m_folderFor;
    bool m_autoDownload = true;
    std::unique_ptr<Follow::FollowContext> m_context;
    Downloads::DownloadQueue *m_downloads = nullptr;
    QHash<QString, Follow::JobFollower *> m_followers;
    QHash<QString, Store::StoredJob> m_jobs; // what the history knows of each job (no timeline)
    QHash<QString, Core::Profile> m_profiles; // by the name the context knows it under
    QHash<QString, QString> m_profileBySettings; // settings JSON → name
    int m_starting = 0;
    QHash<QString, QJsonObject> m_workers; // Peako profile → its worker counts
};

} // namespace Session
