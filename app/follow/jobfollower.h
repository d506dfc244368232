#pragma once

#include "core/jobupdate.h"
#include "dialects/adapter.h"
#include "follow/via.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <memory>

namespace Net {
class HttpCall;
class PollSchedule;
class SseConnection;
} // namespace Net

namespace Follow {

class FollowContext;

// Follows one job until it settles, over whatever its service offers, feeding every observation
// to the context's tracker:
// - PeelAPI: the SSE stream (reconnecting with Last-Event-ID); deAPI: the profile's shared Pusher
//   channel; webhooks through the loopback inbox; otherwise polling with the adapter's policy
//   (doubling, capped; Retry-After and 429 honoured).
// - A live channel that brings nothing for silenceMs while the job runs gets polling alongside;
//   a channel that fails falls back to polling; after every reconnect the job is read once to
//   reconcile what was missed.
// - When the job is terminal, a failure without a reason code or message (or a success without
//   outputs) is completed by one status read before settled() fires; when an SSE stream is in use,
//   settling waits (FollowContext::streamGraceMs, 15 s, once) for it to reach `end`, since it
//   replays every event (all result sizes, every log line) that a status read does not carry.
// settled() fires once for a terminal state, and each time the job enters needs_input.
// fatal() fires when the job cannot be followed at all (unknown id, key refused), or when status
// reads failed too many times in a row (FollowContext::maxUnreadableReads / maxUnreachableReads).
class JobFollower final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobFollower)

public:
    JobFollower(FollowContext *context, QString profile, Dialects::JobRef job, QJsonObject input,
        Via via, QObject *parent = nullptr);
    ~JobFollower() override;

    void start();
    void stop();
    Dialects::JobRef job() const { return m_job; }
    int statusReads() const { return m_statusReads; }
    // The live channel in use ("sse", "pusher", "webhook"; empty when only polled) and whether
    // polling runs (alone or alongside it).
    QString liveChannel() const { return m_liveName; }
    bool isPolling() const { return m_polling; }

Q_SIGNALS:
    void settled(Core::JobState state);
    void fatal(const Core::JobError &error);
    // A channel-level event worth telling the user (stream cut, fallback to polling …).
    void notice(const QString &message);

private:
    void startSse();
    void startPusher();
    void startPolling(const QString &why);
    void pollNow(const QString &why);
    void scheduleNextPoll();
    void onApplied(const QString &id, const Core::JobUpdate &update);
    void checkSilence();
    void onTerminal();
    void settle(Core::JobState state);
    void giveUp(const QString &message, Core::JobError::Kind kind);

    FollowContext *m_ctx;
    QString m_profile;
    Dialects::JobRef m_job; // the service's id (what requests carry)
    QString m_key; // the tracker's key for the job
    QJsonObject m_input;
    Via m_via;
    Dialects::Adapter *m_adapter = nullptr;
    std::unique_ptr<Net::SseConnection> m_sse;
    std::unique_ptr<Net::PollSchedule> m_schedule;
    QPointer<Net::HttpCall> m_inflight;
    QTimer m_pollTimer;
    QTimer m_watchdog;
    QElapsedTimer m_sinceNews;
    bool m_usesPusher = false;
    bool m_polling = false;
    bool m_stopped = false;
    bool m_settledTerminal = false;
    bool m_finalReadPending = false;
    bool m_pollAgain = false;
    bool m_streamEnded = false;
    bool m_waitingForStream = false;
    QTimer m_streamGrace;
    int m_sseConnects = 0;
    int m_statusReads = 0;
    int m_unreadableReads = 0; // in a row
    int m_unreachableReads = 0; // in a row
    QString m_liveName;
};

} // namespace Follow
