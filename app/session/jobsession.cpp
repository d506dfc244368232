#include "session/jobsession.h"

#include "dialects/adapter.h"
#include "follow/followcontext.h"
#include "follow/jobfollower.h"
#include "net/httpcall.h"
#include "net/pusherclient.h"
#include "net/trafficlog.h"
#include "net/webhookinbox.h"
#include "store/jobhistory.h"
#include "tracker/jobtracker.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QNetworkRequest>

namespace Session {

namespace {

QString settingsKey(const Core::Profile &p)
{
    return QString::fromUtf8(QJsonDocument(p.toJson()).toJson(QJsonDocument::Compact));
}

} // namespace

JobSession::JobSession(QNetworkAccessManager *nam, Tracker::JobTracker *tracker,
    Store::JobHistory *history, KeyLookup keys, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_tracker(tracker)
    , m_history(history)
    , m_keys(std::move(keys))
    , m_context(std::make_unique<Follow::FollowContext>(nam, tracker))
    , m_downloads(new Downloads::DownloadQueue(nam, tracker, this))
{
    if (m_history)
        m_history->attach(tracker);
    m_downloads->setRefresher([this](const QString &jobId, std::function<void()> done) {
        refresh(jobId, std::move(done));
    });
    connect(m_downloads, &Downloads::DownloadQueue::fileChanged, this,
        [this](const Downloads::DownloadQueue::File &f) {
            if (!m_history)
                return;
            using S = Downloads::DownloadQueue::File::State;
            Store::DownloadRecord r;
            r.jobId = f.jobId;
            r.outputKey = f.key;
            r.folder = f.folder;
            r.path = f.path;
            r.state = f.state == S::Done ? Store::DownloadRecord::State::Done
                : f.state == S::Failed   ? Store::DownloadRecord::State::Failed
                : f.state == S::Running  ? Store::DownloadRecord::State::Running
                                         : Store::DownloadRecord::State::Pending;
            r.bytes = f.bytes;
            r.total = f.total;
            r.sha256 = f.sha256;
            r.error = f.error;
            m_history->recordDownload(r);
        });
    connect(m_downloads, &Downloads::DownloadQueue::jobFinished, this,
        [this](const QString &jobId, bool ok, const QStringList &errors) {
            Q_EMIT downloadsFinished(jobId, ok, errors);
        });
    connect(m_downloads, &Downloads::DownloadQueue::idle, this, &JobSession::checkIdle);
    connect(m_context.get(), &Follow::FollowContext::notice, this,
        [this](const QString &, const QString &message) { Q_EMIT notice(QString(), message); });
}

JobSession::~JobSession()
{
    for (Follow::JobFollower *f : std::as_const(m_followers)) {
        f->stop();
        delete f;
    }
    m_followers.clear();
    if (m_history)
        m_history->flush();
}

QString JobSession::registerProfile(const Core::Profile &profile)
{
    const QString key = settingsKey(profile);
    if (const auto it = m_profileBySettings.constFind(key); it != m_profileBySettings.constEnd())
        return *it;
    QString name = profile.name.isEmpty() ? Core::dialectName(profile.dialect) : profile.name;
    for (int n = 2; m_profiles.contains(name); ++n)
        name = profile.name + QStringLiteral(" (%1)").arg(n);
    Core::Profile copy = profile;
    copy.name = name;
    m_profiles.insert(name, copy);
    m_profileBySettings.insert(key, name);
    return name;
}

void JobSession::addProfile(
    const Core::Profile &profile, std::function<void(bool, const QString &)> done)
{
    // An edited profile replaces the one of the same name.
    if (m_profiles.contains(profile.name)) {
        m_profileBySettings.remove(settingsKey(m_profiles.value(profile.name)));
        m_profiles.remove(profile.name);
    }
    const QString name = registerProfile(profile);
    auto finish
        = [this, name, done](const QString &key, const QString &secret, const QString &error) {
              Core::Profile p = m_profiles.value(name);
              p.apiKey = key;
              p.webhookSecret = secret;
              m_profiles.insert(name, p);
              m_context->addProfile(p);
              if (done)
                  done(!key.isEmpty(), error);
          };
    if (!profile.apiKey.isEmpty() || !m_keys) {
        finish(profile.apiKey, profile.webhookSecret,
            profile.apiKey.isEmpty() ? QStringLiteral("no key") : QString());
        return;
    }
    m_keys(profile.keyRef, [this, finish, profile](const QString &key, const QString &error) {
        if (profile.webhookSecretRef.isEmpty() || !profile.webhookSecret.isEmpty()) {
            finish(key, profile.webhookSecret, error);
            return;
        }
        m_keys(
            profile.webhookSecretRef, [finish, key, error](const QString &secret, const QString &) {
                finish(key, secret, error);
            });
    });
}

QList<Core::Profile> JobSession::profiles() const
{
    return m_profiles.values();
}

std::optional<Core::Profile> JobSession::profile(const QString &name) const
{
    const auto it = m_profiles.constFind(name);
    return it == m_profiles.constEnd() ? std::nullopt : std::optional<Core::Profile>(*it);
}

void JobSession::submit(const QString &profileName, const QString &task, const QJsonObject &input,
    Follow::Via via, int count, const QString &downloadDir)
{
    Dialects::Adapter *adapter = m_context->adapter(profileName);
    if (!adapter) {
        Core::JobError e;
        e.kind = Core::JobError::Kind::Invalid;
        e.message = QStringLiteral("no profile named %1").arg(profileName);
        Q_EMIT submitFailed(profileName, task, e);
        return;
    }
    QJsonObject body = input;
    if (via == Follow::Via::Webhook && !adapter->callbackField().isEmpty()
        && !body.contains(adapter->callbackField())) {
        QString error;
        if (Net::WebhookInbox *inbox = m_context->inbox(&error))
            body.insert(adapter->callbackField(), inbox->url(profileName).toString());
    }
    for (int i = 0; i < qMax(1, count); ++i) {
        ++m_starting;
        const Dialects::RequestSpec spec = adapter->submit(task, body);
        auto *call = new Net::HttpCall(m_nam, spec.method, spec.networkRequest(), spec.body, this);
        // The submit's traffic is filed under the job once its id is known.
        if (m_context->trafficLog())
            call->setTraffic(m_context->trafficLog(), QString());
        connect(call, &Core::Operation::result, this,
            [this, call, profileName, task, body, via, downloadDir] {
                call->deleteLater();
                --m_starting;
                Dialects::Adapter *adapter = m_context->adapter(profileName);
                const Dialects::SubmitResult r = call->httpStatus() == 0
                    ? Dialects::SubmitResult { {}, {},
                          adapter->errorFrom(
                              0, int(call->networkError()), {}, call->networkMessage()) }
                    : adapter->parseSubmit(task, call->httpStatus(), call->body());
                if (r.error.isError() || r.jobId.isEmpty()) {
                    Q_EMIT submitFailed(profileName, task, r.error);
                    checkIdle();
                    return;
                }
                // Two services may hand out the same id: a job of another profile keeps its own.
                const QString key = m_tracker->newKey(profileName, r.jobId);
                if (Net::TrafficLog *log = m_context->trafficLog()) {
                    log->moveToJob(call->requestSeq(), key);
                    log->moveToJob(call->responseSeq(), key);
                }
                Store::StoredJob stored;
                stored.profile = m_profiles.value(profileName);
                stored.profile.apiKey.clear();
                stored.profile.webhookSecret.clear();
                stored.via = via;
                stored.downloadDir = downloadDir;
                stored.job.id = key;
                stored.job.remoteId = key == r.jobId ? QString() : r.jobId;
                stored.job.profile = profileName;
                stored.job.dialect = stored.profile.dialect;
                stored.job.task = task;
                stored.job.input = body;
                stored.job.createdMs = QDateTime::currentMSecsSinceEpoch();
                Tracker::TrackedJob &tracked
                    = m_tracker->track(key, profileName, stored.profile.dialect, task, r.jobId);
                tracked.input = body;
                tracked.createdMs = stored.job.createdMs;
                if (m_history)
                    m_history->recordJob(stored);
                Core::JobUpdate u = r.update;
                u.jobId = key;
                u.channel = Core::Channel::Submit;
                if (!u.state)
                    u.state = Core::JobState::Queued;
                m_tracker->apply(u);
                Q_EMIT submitted(key, profileName);
                startFollowing(stored);
            });
        call->start();
    }
}

void JobSession::startFollowing(const Store::StoredJob &job)
{
    m_jobs.insert(job.job.id, job);
    if (m_followers.contains(job.job.id))
        return;
    auto *f = new Follow::JobFollower(m_context.get(), job.job.profile,
        Dialects::JobRef { job.job.remote(), job.job.task }, job.job.input, job.via);
    m_followers.insert(job.job.id, f);
    const QString id = job.job.id;
    connect(f, &Follow::JobFollower::settled, this,
        [this, id](Core::JobState state) { onSettled(id, state); });
    connect(f, &Follow::JobFollower::fatal, this, [this, id](const Core::JobError &e) {
        if (Follow::JobFollower *f = m_followers.take(id))
            f->deleteLater();
        Q_EMIT jobFatal(id, e);
        checkIdle();
    });
    connect(f, &Follow::JobFollower::notice, this,
        [this, id](const QString &m) { Q_EMIT notice(id, m); });
    f->start();
}

void JobSession::followAgain(const QString &jobId)
{
    const Tracker::TrackedJob *job = m_tracker->job(jobId);
    if (!job || m_followers.contains(jobId))
        return;
    Store::StoredJob stored = m_jobs.value(jobId);
    if (stored.job.id.isEmpty()) {
        stored.job.id = jobId;
        stored.job.profile = job->profile;
        stored.job.dialect = job->dialect;
        stored.job.task = job->task;
        stored.job.input = job->input;
    }
    startFollowing(stored);
}

void JobSession::onSettled(const QString &jobId, Core::JobState state)
{
    if (state == Core::JobState::NeedsInput) {
        Q_EMIT needsInput(jobId);
        return;
    }
    if (Follow::JobFollower *f = m_followers.take(jobId)) {
        f->stop();
        f->deleteLater();
    }
    Q_EMIT settled(jobId, state);
    if (state == Core::JobState::Succeeded) {
        Store::StoredJob job = m_jobs.value(jobId);
        QString parent = job.downloadDir;
        if (parent.isEmpty() && m_autoDownload && m_folderFor)
            parent = m_folderFor(job);
        if (!parent.isEmpty()) {
            rememberFolder(&job, parent);
            m_downloads->enqueue(jobId, parent);
        }
    }
    checkIdle();
}

bool JobSession::download(const QString &jobId, const QString &folder)
{
    if (!folder.isEmpty())
        return m_downloads->enqueue(jobId, folder, Downloads::DownloadQueue::Placement::Directly);
    Store::StoredJob job = m_jobs.value(jobId);
    if (job.job.id.isEmpty())
        job.job.id = jobId;
    QString parent = !job.downloadDir.isEmpty() ? job.downloadDir
                                                : (m_folderFor ? m_folderFor(job) : QString());
    if (parent.isEmpty())
        return false;
    rememberFolder(&job, parent);
    return m_downloads->enqueue(jobId, parent);
}

void JobSession::rememberFolder(Store::StoredJob *job, const QString &parent)
{
    // Recorded before the first byte, so a process that dies mid-download resumes it next time.
    if (job->downloadDir == parent || job->job.id.isEmpty() || !m_jobs.contains(job->job.id))
        return;
    job->downloadDir = parent;
    m_jobs.insert(job->job.id, *job);
    if (m_history)
        m_history->recordJob(*job);
}

void JobSession::refresh(const QString &jobId, std::function<void()> done)
{
    const Tracker::TrackedJob *job = m_tracker->job(jobId);
    Dialects::Adapter *adapter = job ? m_context->adapter(job->profile) : nullptr;
    if (!adapter) {
        if (done)
            done();
        return;
    }
    const Dialects::JobRef ref { job->remote(), job->task };
    const Dialects::RequestSpec spec = adapter->status(ref);
    auto *call = new Net::HttpCall(m_nam, spec.method, spec.networkRequest(), spec.body, this);
    connect(call, &Core::Operation::result, this,
        [this, call, ref, jobId, profile = job->profile, done] {
            call->deleteLater();
            if (Dialects::Adapter *adapter = m_context->adapter(profile);
                adapter && call->httpStatus() != 0) {
                Core::JobUpdate u = adapter->parseStatus(ref, call->httpStatus(), call->body());
                u.jobId = jobId;
                u.channel = Core::Channel::Poll;
                if (call->httpStatus() >= 200 && call->httpStatus() < 300)
                    m_tracker->apply(u);
            }
            if (done)
                done();
        });
    call->start();
}

void JobSession::cancel(const QString &jobId, const QUrl &sandboxControl,
    const QByteArray &sandboxToken, std::function<void(bool, const QString &)> done)
{
    const Tracker::TrackedJob *job = m_tracker->job(jobId);
    Dialects::Adapter *adapter = job ? m_context->adapter(job->profile) : nullptr;
    if (!adapter) {
        if (done)
            done(false, QStringLiteral("unknown job %1").arg(jobId));
        return;
    }
    const Dialects::JobRef ref { job->remote(), job->task };
    QNetworkRequest req;
    QByteArray method = "POST";
    if (const auto spec = adapter->cancel(ref); spec && sandboxControl.isEmpty()) {
        req = spec->networkRequest();
        method = spec->method;
    } else if (!sandboxControl.isEmpty()) {
        req = QNetworkRequest(QUrl(sandboxControl.toString() + QStringLiteral("/jobs/")
            + QString::fromUtf8(QUrl::toPercentEncoding(ref.id)) + QStringLiteral("/cancel")));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        if (!sandboxToken.isEmpty())
            req.setRawHeader(
                "X-Sandbox-Token", sandboxToken); // the control routes refuse requests without it
    } else {
        if (done)
            done(false,
                QStringLiteral("%1 has no cancel call").arg(Core::dialectName(adapter->dialect())));
        return;
    }
    auto *call = new Net::HttpCall(
        m_nam, method, req, method == "POST" ? QByteArray("{}") : QByteArray(), this);
    connect(call, &Core::Operation::result, this, [this, call, jobId, adapter, done] {
        call->deleteLater();
        const int status = call->httpStatus();
        const bool ok = status >= 200 && status < 300;
        const QString message = ok ? QString()
                                   : adapter
                                         ->errorFrom(status, int(call->networkError()),
                                             call->body(), call->networkMessage())
                                         .message;
        refresh(jobId, [done, ok, message] {
            if (done)
                done(ok, message);
        });
    });
    call->start();
}

void JobSession::resumeUnfinished(std::function<void(int)> done)
{
    if (!m_history) {
        if (done)
            done(0);
        return;
    }
    ++m_starting;
    m_history->loadJobs(true, true, [this, done](const QList<Store::StoredJob> &jobs) {
        auto remaining = std::make_shared<int>(int(jobs.size()));
        auto finishOne = [this, remaining, done, total = int(jobs.size())] {
            if (--*remaining == 0) {
                --m_starting;
                if (done)
                    done(total);
                checkIdle();
            }
        };
        if (jobs.isEmpty()) {
            --m_starting;
            if (done)
                done(0);
            checkIdle();
            return;
        }
        for (Store::StoredJob job : jobs) {
            const QString key = settingsKey(job.profile);
            const bool known = m_profileBySettings.contains(key);
            const QString name
                = known ? m_profileBySettings.value(key) : registerProfile(job.profile);
            job.job.profile = name;
            auto go = [this, job, finishOne](bool, const QString &error) {
                Store::StoredJob j = job;
                if (!m_tracker->job(j.job.id)) {
                    m_tracker->restore(j.job);
                    if (m_history)
                        m_history->markWritten(
                            j.job.id, int(j.job.timeline.size()), int(j.job.logs.size()));
                }
                m_jobs.insert(j.job.id, j);
                if (!error.isEmpty())
                    Q_EMIT notice(j.job.id,
                        QStringLiteral("the key of profile %1 is not available: %2")
                            .arg(j.job.profile, error));
                if (j.job.isTerminal()) {
                    // Finished while we were away or before its files were all on disk. The records
                    // arrive from the history's thread: until they have and the files are queued,
                    // the session is not idle (a resume that exited in that gap left .part files).
                    ++m_starting;
                    m_history->loadDownloads(
                        j.job.id, [this, j](const QList<Store::DownloadRecord> &records) {
                            QSet<QString> skip;
                            for (Store::DownloadRecord r : records) {
                                if (r.state == Store::DownloadRecord::State::Done
                                    && QFileInfo::exists(r.path)) {
                                    skip.insert(r.outputKey);
                                } else if (!r.path.isEmpty() && r.total > 0
                                    && QFileInfo(r.path).size() == r.total
                                    && !QFileInfo::exists(r.path + QStringLiteral(".part"))) {
                                    // Renamed into place just before the process died, not yet
                                    // recorded.
                                    QFile f(r.path);
                                    QCryptographicHash hash(QCryptographicHash::Sha256);
                                    if (f.open(QIODevice::ReadOnly) && hash.addData(&f)) {
                                        r.state = Store::DownloadRecord::State::Done;
                                        r.bytes = r.total;
                                        r.sha256 = QString::fromLatin1(hash.result().toHex());
                                        r.error.clear();
                                        m_history->recordDownload(r);
                                        skip.insert(r.outputKey);
                                    }
                                }
                            }
                            m_downloads->enqueue(j.job.id, j.downloadDir,
                                Downloads::DownloadQueue::Placement::JobFolder, skip);
                            --m_starting;
                            checkIdle();
                        });
                } else {
                    startFollowing(j);
                }
                finishOne();
            };
            if (known || m_context->adapter(name)) {
                go(true, QString());
            } else {
                Core::Profile p = job.profile;
                p.name = name;
                m_profileBySettings.remove(key);
                m_profiles.remove(name);
                addProfile(p, go);
            }
        }
    });
}

void JobSession::loadHistory(int limit, std::function<void(int)> done, int pageSize)
{
    if (!m_history) {
        if (done)
            done(0);
        return;
    }
    // Retention as the documents give it: Peako keeps jobs 7 days. Older ones stay in the history,
    // marked purged, and are never re-attached to.
    m_history->markPurged(Core::dialectName(Core::Dialect::Peako),
        QDateTime::currentMSecsSinceEpoch() - 7LL * 24 * 3600 * 1000);
    loadHistoryPage(0, limit, qMax(1, pageSize), std::move(done));
}

void JobSession::loadHistoryPage(int offset, int limit, int pageSize, std::function<void(int)> done)
{
    const int want = limit < 0 ? pageSize : qMin(pageSize, limit - offset);
    if (want <= 0) {
        Q_EMIT historyLoaded(offset);
        return;
    }
    m_history->loadJobs(
        false, false,
        [this, offset, limit, pageSize, done, want](const QList<Store::StoredJob> &jobs) {
            QHash<QString, QString> names; // profile snapshot → the name it is registered under
            for (const Store::StoredJob &stored : jobs) {
                if (m_tracker->job(stored.job.id))
                    continue;
                Tracker::TrackedJob job = stored.job;
                const QString snapshot = stored.profile.name + QLatin1Char('\n')
                    + stored.profile.baseUrl.toString() + QLatin1Char('\n') + stored.profile.keyRef;
                auto it = names.constFind(snapshot);
                if (it == names.constEnd())
                    it = names.insert(snapshot,
                        m_profileBySettings.value(
                            settingsKey(stored.profile), stored.profile.name));
                job.profile = *it;
                m_tracker->restore(job);
            }
            const int loaded = offset + int(jobs.size());
            // The newest page first, so the list is there at once; older pages follow, one per turn
            // of the event loop.
            if (offset == 0 && done)
                done(loaded);
            if (int(jobs.size()) < want || (limit >= 0 && loaded >= limit))
                Q_EMIT historyLoaded(loaded);
            else
                loadHistoryPage(loaded, limit, qMin(pageSize * 2, 1000), {});
        },
        want, offset);
}

void JobSession::loadDetails(const QString &jobId)
{
    const Tracker::TrackedJob *job = m_tracker->job(jobId);
    if (!m_history || !job || m_followers.contains(jobId) || !job->timeline.isEmpty())
        return;
    m_history->loadJob(jobId, [this, jobId](std::optional<Store::StoredJob> stored) {
        const Tracker::TrackedJob *job = m_tracker->job(jobId);
        if (!stored || !job || m_followers.contains(jobId) || !job->timeline.isEmpty())
            return;
        Tracker::TrackedJob full = stored->job;
        full.profile = job->profile;
        full.preview = job->preview;
        m_tracker->restore(full);
        m_history->markWritten(jobId, int(full.timeline.size()), int(full.logs.size()));
    });
}

QString JobSession::health(const QString &profile) const
{
    int sse = 0, pusherJobs = 0, webhook = 0, polled = 0;
    for (auto it = m_followers.cbegin(); it != m_followers.cend(); ++it) {
        const Tracker::TrackedJob *job = m_tracker->job(it.key());
        if (!job || job->profile != profile)
            continue;
        const QString live = it.value()->liveChannel();
        sse += live == QLatin1String("sse") ? 1 : 0;
        pusherJobs += live == QLatin1String("pusher") ? 1 : 0;
        webhook += live == QLatin1String("webhook") ? 1 : 0;
        polled += it.value()->isPolling() ? 1 : 0;
    }
    QStringList parts;
    if (sse)
        parts << QStringLiteral("%1 SSE stream%2")
                     .arg(sse)
                     .arg(sse == 1 ? QString() : QStringLiteral("s"));
    if (Net::PusherClient *p = m_context->existingPusher(profile))
        parts << QStringLiteral("Pusher %1%2")
                     .arg(Net::PusherClient::stateName(p->state()).toLower(),
                         pusherJobs ? QStringLiteral(" (%1)").arg(pusherJobs) : QString());
    if (webhook)
        parts << QStringLiteral("%1 awaiting webhooks").arg(webhook);
    if (polled)
        parts << QStringLiteral("%1 polled").arg(polled);
    const QJsonObject w = m_workers.value(profile);
    if (!w.isEmpty())
        parts << QStringLiteral("workers %1/%2 of %3")
                     .arg(w.value(QLatin1String("activeWorkers")).toInt())
                     .arg(w.value(QLatin1String("totalWorkers")).toInt())
                     .arg(w.value(QLatin1String("maxWorkers")).toInt());
    return parts.join(QStringLiteral(" · "));
}

void JobSession::refreshWorkers(const QString &profile)
{
    Dialects::Adapter *adapter = m_context->adapter(profile);
    const auto spec = adapter ? adapter->list() : std::nullopt;
    if (!spec)
        return;
    auto *call = new Net::HttpCall(m_nam, spec->method, spec->networkRequest(), spec->body, this);
    connect(call, &Core::Operation::result, this, [this, call, profile] {
        call->deleteLater();
        Dialects::Adapter *adapter = m_context->adapter(profile);
        if (!adapter || call->httpStatus() < 200 || call->httpStatus() >= 300)
            return;
        const Dialects::ListResult r = adapter->parseList(call->httpStatus(), call->body());
        if (!r.workers.isEmpty())
            m_workers.insert(profile, r.workers);
    });
    call->start();
}

void JobSession::checkIdle()
{
    if (isIdle())
        Q_EMIT idle();
}

} // namespace Session
