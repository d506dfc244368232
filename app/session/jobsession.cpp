#include "session/jobsession.h"

#include "dialects/adapter.h"
#include "follow/followcontext.h"
#include "follow/jobfollower.h"
#include "follow/statusread.h"
#include "net/httpcall.h"
#include "net/pusherclient.h"
#include "net/trafficlog.h"
#include "net/webhookinbox.h"
#include "session/joboperation.h"
#include "store/jobhistory.h"
#include "tracker/jobtracker.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QPointer>

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
        connect(read(jobId), &Core::Operation::result, this, [done] { done(); });
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

JobOperation *JobSession::addProfile(const Core::Profile &profile)
{
    auto *op = new JobOperation({}, this);
    op->start();
    // An edited profile replaces the one of the same name.
    if (m_profiles.contains(profile.name)) {
        m_profileBySettings.remove(settingsKey(m_profiles.value(profile.name)));
        m_profiles.remove(profile.name);
    }
    const QString name = registerProfile(profile);
    QPointer<JobOperation> target(op);
    auto finish
        = [this, name, target](const QString &key, const QString &secret, const QString &error) {
              Core::Profile p = m_profiles.value(name);
              p.apiKey = key;
              p.webhookSecret = secret;
              m_profiles.insert(name, p);
              m_context->addProfile(p);
              if (!target)
                  return;
              Core::JobError e;
              if (key.isEmpty()) {
                  e.kind = Core::JobError::Kind::Auth;
                  e.message = error.isEmpty() ? QStringLiteral("no key") : error;
              }
              target->finish(QString(), e);
          };
    if (!profile.apiKey.isEmpty() || !m_keys) {
        finish(profile.apiKey, profile.webhookSecret, QString());
        return op;
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
    return op;
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

QList<JobOperation *> JobSession::submit(const QString &profileName, const QString &task,
    const QJsonObject &input, Follow::Via via, int count, const QString &downloadDir, bool follow)
{
    QList<JobOperation *> ops;
    for (int i = 0; i < qMax(1, count); ++i) {
        ++m_starting;
        auto *op = new JobOperation(
            [this, profileName, task, input, via, downloadDir, follow](JobOperation *op) {
                submitOne(op, profileName, task, input, via, downloadDir, follow);
            },
            this);
        ops.append(op);
        op->start();
    }
    return ops;
}

void JobSession::submitOne(JobOperation *op, const QString &profileName, const QString &task,
    const QJsonObject &input, Follow::Via via, const QString &downloadDir, bool follow)
{
    Dialects::Adapter *adapter = m_context->adapter(profileName);
    auto refuse = [this, op, profileName, task](const Core::JobError &e) {
        --m_starting;
        op->finish(QString(), e);
        Q_EMIT submitFailed(profileName, task, e);
        checkIdle();
    };
    if (!adapter) {
        Core::JobError e;
        e.kind = Core::JobError::Kind::Invalid;
        e.message = QStringLiteral("no profile named %1").arg(profileName);
        return refuse(e);
    }
    QJsonObject body = input;
    if (via == Follow::Via::Webhook && !adapter->callbackField().isEmpty()
        && !body.contains(adapter->callbackField())) {
        QString error;
        Net::WebhookInbox *inbox = m_context->inbox(&error);
        if (!inbox) {
            Core::JobError e;
            e.kind = Core::JobError::Kind::Network;
            e.message = QStringLiteral("Cannot start the webhook inbox: %1.").arg(error);
            return refuse(e);
        }
        body.insert(adapter->callbackField(), inbox->url(profileName).toString());
    }
    const Dialects::RequestSpec spec = adapter->submit(task, body);
    auto *call = new Net::HttpCall(m_nam, spec.method, spec.networkRequest(), spec.body, this);
    // The submit's traffic is filed under the job once its id is known.
    if (m_context->trafficLog())
        call->setTraffic(m_context->trafficLog(), QString());
    connect(call, &Core::Operation::result, op,
        [this, op, call, refuse, profileName, task, body, via, downloadDir, follow] {
            Dialects::Adapter *adapter = m_context->adapter(profileName);
            if (!adapter)
                return refuse(call->error());
            const Dialects::SubmitResult r = call->failed()
                ? Dialects::SubmitResult { {}, {},
                      adapter->errorFrom(0, int(call->networkError()), {}, call->networkMessage()) }
                : adapter->parseSubmit(task, call->httpStatus(), call->body());
            if (r.error.isError() || r.jobId.isEmpty()) {
                Core::JobError e = r.error;
                if (!e.isError()) {
                    e.kind = Core::JobError::Kind::Protocol;
                    e.message = QStringLiteral("the answer names no job");
                }
                return refuse(e);
            }
            --m_starting;
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
            if (!downloadDir.isEmpty())
                stored.downloadDir = QFileInfo(downloadDir).absoluteFilePath();
            stored.job.id = key;
            stored.job.remoteId = key == r.jobId ? QString() : r.jobId;
            stored.job.profile = profileName;
            stored.job.dialect = stored.profile.dialect;
            stored.job.task = task;
            stored.job.input = body;
            stored.job.createdMs = QDateTime::currentMSecsSinceEpoch();
            m_tracker->track(stored.job);
            m_jobs.insert(key, stored);
            if (m_history)
                m_history->recordJob(stored);
            Core::JobUpdate u = r.update;
            u.jobId = key;
            u.channel = Core::Channel::Submit;
            if (!u.state)
                u.state = Core::JobState::Queued;
            m_context->record(u);
            op->finish(key);
            Q_EMIT submitted(key, profileName);
            if (follow)
                startFollowing(stored);
            else
                checkIdle();
        });
    call->start();
}

QString JobSession::open(const Store::StoredJob &job)
{
    const QString key = job.job.id;
    if (!m_tracker->job(key)) {
        Tracker::TrackedJob restored = job.job;
        if (m_profiles.contains(job.profile.name) || restored.profile.isEmpty())
            restored.profile = job.profile.name;
        m_tracker->restore(restored);
        if (m_history)
            m_history->markWritten(key, int(job.job.timeline.size()), int(job.job.logs.size()));
    }
    m_jobs.insert(key, job);
    return key;
}

QString JobSession::openUnrecorded(
    const QString &profileName, const QString &remoteId, const QString &task, bool idTaken)
{
    QString key = m_tracker->keyOf(profileName, remoteId);
    if (key.isEmpty()) {
        key = m_tracker->newKey(profileName, remoteId);
        if (idTaken && key == remoteId)
            key = remoteId + QLatin1Char('@') + profileName;
    }
    Store::StoredJob stored;
    stored.profile = m_profiles.value(profileName);
    stored.profile.apiKey.clear();
    stored.profile.webhookSecret.clear();
    stored.job.id = key;
    stored.job.remoteId = key == remoteId ? QString() : remoteId;
    stored.job.profile = profileName;
    stored.job.dialect = stored.profile.dialect;
    stored.job.task = task;
    stored.job.createdMs = QDateTime::currentMSecsSinceEpoch();
    m_tracker->track(stored.job);
    if (!m_jobs.contains(key))
        m_jobs.insert(key, stored);
    return key;
}

void JobSession::recordJob(const QString &jobId)
{
    const auto it = m_jobs.constFind(jobId);
    if (it == m_jobs.constEnd() || !m_history)
        return;
    Store::StoredJob stored = *it;
    if (const Tracker::TrackedJob *job = m_tracker->job(jobId)) {
        stored.job.task = job->task;
        stored.job.input = job->input;
    }
    m_history->recordJob(stored);
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
            f->deleteLater(); // it is emitting: deleted once it has returned
        Q_EMIT jobFatal(id, e);
        checkIdle();
    });
    connect(f, &Follow::JobFollower::notice, this,
        [this, id](const QString &m) { Q_EMIT notice(id, m); });
    f->start();
}

void JobSession::follow(
    const QString &jobId, std::optional<Follow::Via> via, const QString &downloadDir)
{
    const Tracker::TrackedJob *job = m_tracker->job(jobId);
    if (!job || m_followers.contains(jobId))
        return;
    Store::StoredJob stored = m_jobs.value(jobId);
    if (stored.job.id.isEmpty()) {
        stored.job.id = jobId;
        stored.profile = m_profiles.value(job->profile);
        stored.job.profile = job->profile;
        stored.job.dialect = job->dialect;
        stored.job.task = job->task;
        stored.job.input = job->input;
    }
    stored.job.remoteId = job->remoteId;
    if (via)
        stored.via = *via;
    if (!downloadDir.isEmpty())
        stored.downloadDir = QFileInfo(downloadDir).absoluteFilePath();
    startFollowing(stored);
}

Tracker::JobTracker::Changes JobSession::applyRecord(const Core::JobUpdate &update)
{
    const Tracker::TrackedJob *job = m_tracker->job(update.jobId);
    if (!job)
        return Tracker::JobTracker::None;
    // A revise or rebuild starts a finished build again: reopened and followed anew.
    if (job->isTerminal() && update.state && !Core::isTerminal(*update.state)) {
        m_tracker->reopen(update.jobId, tr("started again (revise or rebuild)"));
        const Tracker::JobTracker::Changes changes = m_context->record(update);
        follow(update.jobId);
        return changes;
    }
    return m_context->record(update);
}

JobOperation *JobSession::respond(const QString &jobId, const QJsonObject &response)
{
    auto *op = new JobOperation(
        [this, jobId, response](JobOperation *op) {
            const Tracker::TrackedJob *job = m_tracker->job(jobId);
            Dialects::Adapter *adapter = job ? m_context->adapter(job->profile) : nullptr;
            const auto spec = adapter
                ? adapter->respond(Dialects::JobRef { job->remote(), job->task }, response)
                : std::nullopt;
            if (!spec) {
                Core::JobError e;
                e.kind = Core::JobError::Kind::Invalid;
                e.message = !adapter ? QStringLiteral("unknown job %1").arg(jobId)
                                     : QStringLiteral("%1 has no respond call")
                                           .arg(Core::dialectName(adapter->dialect()));
                return op->finish(jobId, e);
            }
            const Dialects::JobRef ref { job->remote(), job->task };
            const QString profile = job->profile;
            auto *call
                = new Net::HttpCall(m_nam, spec->method, spec->networkRequest(), spec->body, this);
            call->setTraffic(m_context->trafficLog(), jobId);
            connect(call, &Core::Operation::result, op, [this, op, call, jobId, ref, profile] {
                Dialects::Adapter *adapter = m_context->adapter(profile);
                if (!adapter)
                    return op->finish(jobId, call->error());
                const int status = call->httpStatus();
                if (call->failed() || status < 200 || status >= 300)
                    return op->finish(jobId,
                        adapter->errorFrom(status, int(call->networkError()), call->body(),
                            call->networkMessage()));
                Core::JobUpdate u = adapter->parseStatus(ref, status, call->body());
                u.jobId = jobId;
                u.channel = Core::Channel::Poll;
                u.receivedMs = QDateTime::currentMSecsSinceEpoch();
                op->finish(jobId, {}, applyRecord(u));
            });
            call->start();
        },
        this);
    op->start();
    return op;
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
    Store::StoredJob job = m_jobs.value(jobId);
    if (job.job.id.isEmpty())
        job.job.id = jobId;
    QString parent = !folder.isEmpty() ? QFileInfo(folder).absoluteFilePath()
        : !job.downloadDir.isEmpty()   ? job.downloadDir
        : m_folderFor                  ? m_folderFor(job)
                                       : QString();
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

Follow::StatusRead *JobSession::read(const QString &jobId)
{
    auto *read = new Follow::StatusRead(m_context.get(), jobId, this);
    read->start();
    return read;
}

JobOperation *JobSession::cancel(
    const QString &jobId, const QUrl &sandboxControl, const QByteArray &sandboxToken)
{
    auto *op = new JobOperation(
        [this, jobId, sandboxControl, sandboxToken](JobOperation *op) {
            const Tracker::TrackedJob *job = m_tracker->job(jobId);
            Dialects::Adapter *adapter = job ? m_context->adapter(job->profile) : nullptr;
            Core::JobError refused;
            refused.kind = Core::JobError::Kind::Invalid;
            if (!adapter) {
                refused.message = QStringLiteral("unknown job %1").arg(jobId);
                return op->finish(jobId, refused);
            }
            const Dialects::JobRef ref { job->remote(), job->task };
            QNetworkRequest req;
            QByteArray method = "POST";
            if (const auto spec = adapter->cancel(ref); spec && sandboxControl.isEmpty()) {
                req = spec->networkRequest();
                method = spec->method;
            } else if (!sandboxControl.isEmpty()) {
                req = QNetworkRequest(QUrl(sandboxControl.toString() + QStringLiteral("/jobs/")
                    + QString::fromUtf8(QUrl::toPercentEncoding(ref.id))
                    + QStringLiteral("/cancel")));
                req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
                if (!sandboxToken.isEmpty()) // the control routes refuse requests without it
                    req.setRawHeader("X-Sandbox-Token", sandboxToken);
            } else {
                refused.message = QStringLiteral("%1 has no cancel call")
                                      .arg(Core::dialectName(adapter->dialect()));
                return op->finish(jobId, refused);
            }
            auto *call = new Net::HttpCall(
                m_nam, method, req, method == "POST" ? QByteArray("{}") : QByteArray(), this);
            call->setTraffic(m_context->trafficLog(), jobId);
            const bool viaService = sandboxControl.isEmpty();
            connect(call, &Core::Operation::result, op,
                [this, op, call, jobId, ref, viaService, profile = job->profile] {
                    Dialects::Adapter *adapter = m_context->adapter(profile);
                    const int status = call->httpStatus();
                    if (!adapter || call->failed() || status < 200 || status >= 300) {
                        const Core::JobError e = adapter
                            ? adapter->errorFrom(status, int(call->networkError()), call->body(),
                                call->networkMessage())
                            : call->error();
                        return op->finish(jobId, e);
                    }
                    if (viaService) {
                        // The service's cancel answer is the job as it now stands.
                        Core::JobUpdate u = adapter->parseStatus(ref, status, call->body());
                        if (u.state && !u.error.isError()) {
                            u.jobId = jobId;
                            u.channel = Core::Channel::Poll;
                            u.receivedMs = QDateTime::currentMSecsSinceEpoch();
                            m_context->record(u);
                        }
                    }
                    Follow::StatusRead *again = read(jobId);
                    connect(
                        again, &Core::Operation::result, op, [op, jobId] { op->finish(jobId); });
                });
            call->start();
        },
        this);
    op->start();
    return op;
}

JobOperation *JobSession::resumeUnfinished()
{
    auto *op = new JobOperation({}, this);
    op->start();
    if (!m_history) {
        op->finish(QString());
        return op;
    }
    QPointer<JobOperation> target(op);
    auto done = [target](int count) {
        if (!target)
            return;
        target->setCount(count);
        target->finish(QString());
    };
    ++m_starting;
    Store::HistoryOperation *unfinished = m_history->loadJobs(true, true);
    connect(unfinished, &Core::Operation::result, this, [this, unfinished, done] {
        const QList<Store::StoredJob> jobs = unfinished->jobs();
        auto remaining = std::make_shared<int>(int(jobs.size()));
        auto finishOne = [this, remaining, done, total = int(jobs.size())] {
            if (--*remaining == 0) {
                --m_starting;
                done(total);
                checkIdle();
            }
        };
        if (jobs.isEmpty()) {
            --m_starting;
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
                    Store::HistoryOperation *read = m_history->loadDownloads(j.job.id);
                    connect(read, &Core::Operation::result, this, [this, j, read] {
                        const QList<Store::DownloadRecord> records = read->value().downloads;
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
                JobOperation *added = addProfile(p);
                connect(added, &Core::Operation::result, this,
                    [go, added] { go(!added->failed(), added->errorString()); });
            }
        }
    });
    return op;
}

JobOperation *JobSession::loadHistory(int limit, int pageSize)
{
    auto *op = new JobOperation({}, this);
    op->start();
    if (!m_history) {
        op->finish(QString());
        return op;
    }
    // Retention as the documents give it: Peako keeps jobs 7 days. Older ones stay in the history,
    // marked purged, and are never re-attached to.
    m_history->markPurged(Core::dialectName(Core::Dialect::Peako),
        QDateTime::currentMSecsSinceEpoch() - 7LL * 24 * 3600 * 1000);
    loadHistoryPage(0, limit, qMax(1, pageSize), op);
    return op;
}

void JobSession::loadHistoryPage(int offset, int limit, int pageSize, JobOperation *first)
{
    const int want = limit < 0 ? pageSize : qMin(pageSize, limit - offset);
    QPointer<JobOperation> target(first);
    if (want <= 0) {
        if (target) {
            target->setCount(offset);
            target->finish(QString());
        }
        Q_EMIT historyLoaded(offset);
        return;
    }
    Store::HistoryOperation *page = m_history->loadJobs(false, false, want, offset);
    connect(
        page, &Core::Operation::result, this, [this, page, offset, limit, pageSize, target, want] {
            const QList<Store::StoredJob> jobs = page->jobs();
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
            if (target) {
                target->setCount(loaded);
                target->finish(QString());
            }
            if (int(jobs.size()) < want || (limit >= 0 && loaded >= limit))
                Q_EMIT historyLoaded(loaded);
            else
                loadHistoryPage(loaded, limit, qMin(pageSize * 2, 1000), nullptr);
        });
}

void JobSession::loadDetails(const QString &jobId)
{
    const Tracker::TrackedJob *job = m_tracker->job(jobId);
    if (!m_history || !job || m_followers.contains(jobId) || !job->timeline.isEmpty())
        return;
    Store::HistoryOperation *read = m_history->loadJob(jobId);
    connect(read, &Core::Operation::result, this, [this, read, jobId] {
        const std::optional<Store::StoredJob> stored = read->job();
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
