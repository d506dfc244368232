#include "follow/jobfollower.h"

#include "follow/followcontext.h"
#include "net/httpcall.h"
#include "net/pollschedule.h"
#include "net/sseconnection.h"
#include "tracker/jobtracker.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QNetworkRequest>

Q_LOGGING_CATEGORY(lcFollow, "jobscope.follow")

namespace Follow {

namespace { } // namespace

JobFollower::JobFollower(FollowContext *context, QString profile, Dialects::JobRef job,
    QJsonObject input, Via via, QObject *parent)
    : QObject(parent)
    , m_ctx(context)
    , m_profile(std::move(profile))
    , m_job(std::move(job))
    , m_input(std::move(input))
    , m_via(via)
{
    m_adapter = m_ctx->adapter(m_profile);
    // The tracker's key for this job: the service's id, or "<id>@<profile>" when another
    // profile's job has that id (Tracker::JobTracker::newKey).
    m_key = m_ctx->tracker()->keyOf(m_profile, m_job.id);
    if (m_key.isEmpty())
        m_key = m_job.id;
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, [this] { pollNow(QStringLiteral("poll")); });
    m_streamGrace.setSingleShot(true);
    connect(&m_streamGrace, &QTimer::timeout, this, [this] {
        // Given up on the stream for good: a quiet, keep-alive-only or garbage stream must not
        // start another grace period (that loop kept `watch` from ever exiting).
        m_waitingForStream = false;
        m_streamEnded = true;
        if (m_sse)
            m_sse->close();
        Q_EMIT notice(QStringLiteral("the stream did not reach its end within %1 s of the job "
                                     "ending; finishing with what the status read gave")
                          .arg(m_streamGrace.interval() / 1000.0));
        onTerminal();
    });
    m_watchdog.setInterval(500);
    connect(&m_watchdog, &QTimer::timeout, this, &JobFollower::checkSilence);
}

JobFollower::~JobFollower()
{
    stop();
}

void JobFollower::start()
{
    if (!m_adapter) {
        Core::JobError e;
        e.kind = Core::JobError::Kind::Protocol;
        e.message = QStringLiteral("unknown profile %1").arg(m_profile);
        Q_EMIT fatal(e);
        return;
    }
    connect(m_ctx->tracker(), &Tracker::JobTracker::applied, this,
        [this](const QString &id, Tracker::JobTracker::Changes, const Core::JobUpdate &u) {
            onApplied(id, u);
        });
    connect(m_ctx, &FollowContext::channelReconnected, this, [this](const QString &profile) {
        if (m_usesPusher && profile == m_profile && !m_settledTerminal)
            pollNow(QStringLiteral("reconcile after the Pusher connection came back"));
    });
    connect(m_ctx, &FollowContext::channelFailed, this,
        [this](const QString &profile, const QString &message) {
            if (m_usesPusher && profile == m_profile && !m_settledTerminal)
                startPolling(QStringLiteral("the Pusher channel failed (%1)").arg(message));
        });
    m_sinceNews.start();
    m_watchdog.start();

    const Core::Profile &p = m_adapter->profile();
    Via via = m_via;
    if (via == Via::Auto) {
        if (p.dialect == Core::Dialect::PeelApi && p.stream)
            via = Via::Sse;
        else if (p.dialect == Core::Dialect::DeApi && p.wsUrl.isValid() && !p.pusherKey.isEmpty()
            && !p.clientId.isEmpty())
            via = Via::Pusher;
        else
            via = Via::Poll;
    }
    switch (via) {
    case Via::Sse:
        if (m_adapter->stream(m_job)) {
            startSse();
            return;
        }
        Q_EMIT notice(QStringLiteral("%1 has no SSE stream; polling instead")
                          .arg(Core::dialectName(p.dialect)));
        startPolling(QStringLiteral("no stream"));
        return;
    case Via::Pusher:
        if (p.dialect == Core::Dialect::DeApi) {
            startPusher();
            return;
        }
        Q_EMIT notice(QStringLiteral("%1 has no Pusher channel; polling instead")
                          .arg(Core::dialectName(p.dialect)));
        startPolling(QStringLiteral("no pusher"));
        return;
    case Via::Webhook:
        // Webhooks only report the end: read once now, then the silence watchdog polls alongside.
        m_liveName = QStringLiteral("webhook");
        pollNow(QStringLiteral("initial read"));
        return;
    case Via::Poll:
    case Via::Auto:
        startPolling(QStringLiteral("polling"));
        return;
    }
}

void JobFollower::stop()
{
    m_stopped = true;
    m_pollTimer.stop();
    m_watchdog.stop();
    if (m_sse)
        m_sse->close();
    if (m_inflight)
        m_inflight->kill();
}

void JobFollower::startSse()
{
    m_liveName = QStringLiteral("sse");
    const Dialects::RequestSpec spec = *m_adapter->stream(m_job);
    m_sse = std::make_unique<Net::SseConnection>(m_ctx->network(), spec.networkRequest());
    m_sse->setTraffic(m_ctx->trafficLog(), m_key);
    connect(m_sse.get(), &Net::SseConnection::event, this, [this](const Net::SseEvent &e) {
        Core::JobUpdate u = m_adapter->parseSseEvent(m_job.id, e.type, e.data, e.lastEventId);
        u.jobId = m_key;
        u.channel = Core::Channel::Sse;
        u.receivedMs = QDateTime::currentMSecsSinceEpoch();
        m_sinceNews.restart();
        m_ctx->record(u);
        if (e.type == "end") {
            m_sse->finish(); // the job is over: no reconnect
            m_streamEnded = true;
            if (m_waitingForStream) {
                m_waitingForStream = false;
                m_streamGrace.stop();
                onTerminal();
            }
        }
    });
    connect(m_sse.get(), &Net::SseConnection::connected, this, [this] {
        if (++m_sseConnects > 1 && !m_settledTerminal) {
            Q_EMIT notice(QStringLiteral("stream reconnected (Last-Event-ID %1)")
                              .arg(QString::fromUtf8(m_sse->lastEventId())));
            pollNow(QStringLiteral("reconcile after the stream came back"));
        }
    });
    connect(m_sse.get(), &Net::SseConnection::reconnecting, this, [this](int delayMs) {
        Q_EMIT notice(QStringLiteral("stream dropped; reconnecting in %1 ms").arg(delayMs));
    });
    connect(m_sse.get(), &Net::SseConnection::failed, this,
        [this](const QString &message, int httpStatus) {
            m_streamEnded = true; // nothing more will come from it
            if (m_waitingForStream) {
                m_waitingForStream = false;
                m_streamGrace.stop();
                onTerminal();
                return;
            }
            if (httpStatus == 401 || httpStatus == 403 || httpStatus == 404) {
                // The first status read tells auth from unknown id (fatal either way); a job it
                // can read is polled from then on.
                startPolling(QStringLiteral("the stream was refused (%1)").arg(message));
                return;
            }
            startPolling(QStringLiteral("the stream failed (%1)").arg(message));
        });
    connect(m_sse.get(), &Net::SseConnection::finished, this, [this] {
        // After an `end` that left only the final details to read, that read settles the job.
        if (!m_settledTerminal && !m_finalReadPending)
            startPolling(QStringLiteral("the stream ended without news"));
    });
    m_sse->start();
}

void JobFollower::startPusher()
{
    m_liveName = QStringLiteral("pusher");
    m_usesPusher = true;
    m_ctx->pusher(m_profile);
    // Pusher only tells what happens from now on: read the job once to know where it stands.
    pollNow(QStringLiteral("initial read"));
}

void JobFollower::startPolling(const QString &why)
{
    if (m_polling || m_stopped || m_settledTerminal)
        return;
    m_polling = true;
    Dialects::PollPolicy policy = m_adapter->pollPolicy(m_job, m_input);
    if (policy.factor > 1.0) {
        if (m_ctx->pollFirstMs() > 0)
            policy.firstMs = m_ctx->pollFirstMs();
        if (m_ctx->pollMaxMs() > 0)
            policy.maxMs = qMax(policy.firstMs, m_ctx->pollMaxMs());
    }
    m_schedule = std::make_unique<Net::PollSchedule>(policy.firstMs, policy.factor, policy.maxMs);
    if (!m_liveName.isEmpty() && m_liveName != QLatin1String("poll"))
        Q_EMIT notice(QStringLiteral("polling alongside %1: %2").arg(m_liveName, why));
    pollNow(why);
}

void JobFollower::scheduleNextPoll()
{
    if (!m_polling || m_stopped || m_settledTerminal)
        return;
    m_pollTimer.start(int(m_schedule->nextDelayMs()));
}

void JobFollower::pollNow(const QString &why)
{
    if (m_stopped)
        return;
    if (m_inflight) {
        m_pollAgain = true;
        return;
    }
    qCDebug(lcFollow) << m_key << "status read:" << why;
    m_pollTimer.stop();
    const Dialects::RequestSpec spec = m_adapter->status(m_job);
    auto *call
        = new Net::HttpCall(m_ctx->network(), spec.method, spec.networkRequest(), spec.body, this);
    call->setTraffic(m_ctx->trafficLog(), m_key);
    m_inflight = call;
    ++m_statusReads;
    connect(call, &Core::Operation::result, this, [this, call] {
        m_inflight = nullptr;
        if (m_stopped)
            return;
        const int status = call->httpStatus();
        if (call->failed()) {
            Q_EMIT notice(QStringLiteral("status read failed: %1").arg(call->networkMessage()));
            if (++m_unreachableReads >= m_ctx->maxUnreachableReads())
                return giveUp(QStringLiteral("%1 status reads in a row got no answer; the last: %2")
                                  .arg(m_unreachableReads)
                                  .arg(call->networkMessage()),
                    Core::JobError::Kind::Network);
        } else if (status == 429 || status == 503) {
            m_unreachableReads = 0;
            if (m_schedule
                && !m_schedule->noteRetryAfter(
                    call->header("Retry-After"), QDateTime::currentMSecsSinceEpoch()))
                m_schedule->noteRateLimited();
            Q_EMIT notice(QStringLiteral("rate limited (HTTP %1); slowing down").arg(status));
            if (!m_polling)
                startPolling(QStringLiteral("rate limited"));
        } else {
            Core::JobUpdate u = m_adapter->parseStatus(m_job, status, call->body());
            u.jobId = m_key;
            u.channel = Core::Channel::Poll;
            u.receivedMs = QDateTime::currentMSecsSinceEpoch();
            if (u.error.isError() && u.error.kind != Core::JobError::Kind::Job) {
                if (u.error.kind == Core::JobError::Kind::Auth
                    || u.error.kind == Core::JobError::Kind::NotFound) {
                    stop();
                    Q_EMIT fatal(u.error);
                    return;
                }
                Q_EMIT notice(QStringLiteral("status read: %1").arg(u.error.message));
            }
            m_unreachableReads = 0;
            const bool unreadable = (u.error.isError() && u.error.kind != Core::JobError::Kind::Job)
                || !u.problem.isEmpty();
            m_unreadableReads = unreadable ? m_unreadableReads + 1 : 0;
            if (unreadable && m_unreadableReads >= m_ctx->maxUnreadableReads())
                return giveUp(
                    QStringLiteral("%1 status reads in a row could not be read; the last: %2")
                        .arg(m_unreadableReads)
                        .arg(u.error.isError() ? u.error.message : u.problem),
                    Core::JobError::Kind::Protocol);
            m_sinceNews.restart();
            m_ctx->record(u);
        }
        if (m_finalReadPending) {
            m_finalReadPending = false;
            const Tracker::TrackedJob *job = m_ctx->tracker()->job(m_key);
            if (job && job->state)
                settle(*job->state);
            return;
        }
        if (m_pollAgain) {
            m_pollAgain = false;
            pollNow(QStringLiteral("again"));
            return;
        }
        scheduleNextPoll();
    });
    call->start();
}

void JobFollower::giveUp(const QString &message, Core::JobError::Kind kind)
{
    Core::JobError e;
    e.kind = kind;
    e.message = message;
    e.retryable = true; // the job may well be fine; following it again may work
    stop();
    Q_EMIT fatal(e);
}

void JobFollower::onApplied(const QString &id, const Core::JobUpdate &update)
{
    if (id != m_key || m_stopped)
        return;
    m_sinceNews.restart();
    const Tracker::TrackedJob *job = m_ctx->tracker()->job(id);
    if (!job || !job->state)
        return;
    if (Core::isTerminal(*job->state) && !m_settledTerminal && !m_finalReadPending
        && !m_waitingForStream)
        onTerminal();
    else if (*job->state == Core::JobState::NeedsInput && update.state
        && *update.state == Core::JobState::NeedsInput)
        Q_EMIT settled(Core::JobState::NeedsInput);
}

void JobFollower::checkSilence()
{
    // Waiting for the stream's `end` means the job is known to be over: nothing left to poll for.
    if (m_stopped || m_settledTerminal || m_polling || m_waitingForStream)
        return;
    const Tracker::TrackedJob *job = m_ctx->tracker()->job(m_key);
    if (job && job->state && *job->state == Core::JobState::NeedsInput)
        return; // waiting for the user, not for the service
    if (m_sinceNews.elapsed() >= m_ctx->silenceMs())
        startPolling(QStringLiteral("no news over %1 for %2 s")
                         .arg(m_liveName)
                         .arg(m_ctx->silenceMs() / 1000.0));
}

void JobFollower::onTerminal()
{
    m_pollTimer.stop();
    m_polling = false;
    if (m_sse && !m_streamEnded) {
        // Known to be over (from a status read): let the stream replay the rest before settling.
        if (!m_waitingForStream) {
            m_waitingForStream = true;
            m_streamGrace.start(m_ctx->streamGraceMs());
        }
        return;
    }
    const Tracker::TrackedJob *job = m_ctx->tracker()->job(m_key);
    const bool failedVague = *job->state == Core::JobState::Failed
        && (job->error.providerCode.isEmpty() || job->error.message.isEmpty());
    const bool succeededEmpty = *job->state == Core::JobState::Succeeded && job->outputs.isEmpty()
        && job->captions.isEmpty() && m_adapter->dialect() != Core::Dialect::Peel;
    // The live channel said "over" without the details a status read carries.
    if ((failedVague || succeededEmpty) && m_statusReads < 1000) {
        m_finalReadPending = true;
        if (!m_inflight)
            pollNow(QStringLiteral("final details"));
        return;
    }
    settle(*job->state);
}

void JobFollower::settle(Core::JobState state)
{
    if (Core::isTerminal(state)) {
        if (m_settledTerminal)
            return;
        m_settledTerminal = true;
        m_watchdog.stop();
        m_pollTimer.stop();
        if (m_sse)
            m_sse->close();
    }
    Q_EMIT settled(state);
}

} // namespace Follow
