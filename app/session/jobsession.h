#pragma once

#include "core/joberror.h"
#include "core/profile.h"
#include "downloads/downloadqueue.h"
#include "follow/via.h"
#include "store/storedjob.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace Follow {
class FollowContext;
class JobFollower;
} // namespace Follow
namespace Store {
class JobHistory;
}
namespace Tracker {
class JobTracker;
}

namespace Session {

// Everything a process does with jobs, shared by the desktop app and `jobscope-cli resume`:
// submits them, follows each until it settles (JobFollower over the dialect's channel), writes
// everything to the history as it happens (JobHistory attached to the tracker), downloads every
// succeeded job's outputs into its folder (DownloadQueue, expired URLs refreshed by a status
// read), and on start re-attaches to every unfinished job and download in the history, whatever
// profile each belongs to.
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

    // Registers a profile (its key resolved through the KeyLookup; `done` reports failure).
    void addProfile(
        const Core::Profile &profile, std::function<void(bool ok, const QString &error)> done = {});
    QList<Core::Profile> profiles() const;
    std::optional<Core::Profile> profile(const QString &name) const;

    // Submits `count` jobs; each accepted one is tracked, recorded and followed.
    void submit(const QString &profile, const QString &task, const QJsonObject &input,
        Follow::Via via, int count = 1, const QString &downloadDir = {});
    // Re-attaches to every unfinished job and download of the history. `done(jobs)` once they are
    // all started (the count of jobs re-attached).
    void resumeUnfinished(std::function<void(int)> done = {});
    // Restores the newest `limit` jobs of the history into the tracker (the app's list); details
    // (timeline, logs) of finished jobs load on demand with loadDetails().
    // Pages: `done(n)` once the newest `pageSize` are in the tracker; historyLoaded(total) after
    // the last page.
    void loadHistory(int limit, std::function<void(int)> done = {}, int pageSize = 500);
    void loadDetails(const QString &jobId);
    // Downloads a job's outputs now: into `folder` as given, or "<its folder>/<job id>".
    bool download(const QString &jobId, const QString &folder = {});
    // Cancels a job through the dialect's own cancel call (Peako), or — `sandboxControl` set — the
    // sandbox's QA control API; then reads it again. `done(ok, message)`.
    // `sandboxToken`: the sandbox's control token (its startup line's control_token).
    void cancel(const QString &jobId, const QUrl &sandboxControl,
        const QByteArray &sandboxToken = {}, std::function<void(bool, const QString &)> done = {});
    // Follows a job the service started again (a Peel revise or rebuild) until it settles anew.
    void followAgain(const QString &jobId);
    // Re-reads a job's status once (the UI's refresh).
    void refresh(const QString &jobId, std::function<void()> done = {});

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
    void onSettled(const QString &jobId, Core::JobState state);
    void checkIdle();
    void loadHistoryPage(int offset, int limit, int pageSize, std::function<void(int)> done);
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
