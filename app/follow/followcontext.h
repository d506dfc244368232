#pragma once

#include "core/profile.h"
#include "net/trafficlog.h"
#include "tracker/jobtracker.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <memory>

class QNetworkAccessManager;

namespace Dialects {
class Adapter;
}
namespace Net {
class PusherClient;
class WebhookInbox;
} // namespace Net

namespace Follow {

// What every followed job shares: the network manager, the tracker, one adapter per profile, one
// Pusher connection per profile (shared by all its jobs; its events go to the tracker), and the
// loopback webhook inbox, started on first use. Handed to JobFollowers; owns what it creates.
//
// record() is the one door into the tracker: the followers' streams and polls, the Pusher and
// webhook dispatch here, and the session's one-off reads (StatusRead) all pass through it; the
// tracker handed out by tracker() is a read-only view.
class FollowContext final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FollowContext)

public:
    FollowContext(
        QNetworkAccessManager *nam, Tracker::JobTracker *tracker, QObject *parent = nullptr);
    ~FollowContext() override;

    void addProfile(const Core::Profile &profile);
    const Core::Profile *profile(const QString &name) const;
    Dialects::Adapter *adapter(const QString &profile) const;

    QNetworkAccessManager *network() const { return m_nam; }
    const Tracker::JobTracker *tracker() const { return m_tracker; }
    // Merges one observation into the tracker; returns what changed.
    Tracker::JobTracker::Changes record(const Core::JobUpdate &update);

    // The profile's Pusher connection, connected and subscribed to its channel on first use.
    Net::PusherClient *pusher(const QString &profile);
    // The profile's Pusher connection if one was made, without creating it.
    Net::PusherClient *existingPusher(const QString &profile) const;
    // The webhook inbox (loopback), listening after the first call; nullptr with `error` set if it
    // cannot listen. Schemes are registered for every profile with a webhook secret.
    Net::WebhookInbox *inbox(QString *error);

    // Optional traffic capture (not owned; null: none, the default). Set before following jobs:
    // Pusher connections and the inbox made afterwards record into it, and every JobFollower hands
    // it to the calls and streams it makes for its job.
    void setTrafficLog(Net::TrafficLog *log) { m_traffic = log; }
    Net::TrafficLog *trafficLog() const { return m_traffic; }

    // How long a live channel may stay silent about a running job before polling joins in.
    int silenceMs() const { return m_silenceMs; }
    void setSilenceMs(int ms) { m_silenceMs = ms; }
    // How long a follower that knows the job is over (from a status read) waits for an SSE stream
    // to reach `end` before it settles with what it has (default 15 s: a stream cut just before
    // the end needs its reconnect delay plus the replay). It is waited once, never again.
    int streamGraceMs() const { return m_streamGraceMs; }
    void setStreamGraceMs(int ms) { m_streamGraceMs = ms; }
    // Consecutive status reads a follower tries before it gives up with the last error: answers it
    // cannot read (malformed, unknown state, 5xx; default 5) and no answer at all (refused, reset,
    // timed out; default 30, enough to ride out a server restart).
    int maxUnreadableReads() const { return m_maxUnreadableReads; }
    int maxUnreachableReads() const { return m_maxUnreachableReads; }
    void setMaxFailedReads(int unreadable, int unreachable)
    {
        m_maxUnreadableReads = unreadable;
        m_maxUnreachableReads = unreachable;
    }

    // The user's polling limits (Settings): the first delay and the cap of the services that back
    // off (doubling); 0 keeps each document's own. Peako's table by content length is kept.
    void setPollLimits(int firstMs, int maxMs)
    {
        m_pollFirstMs = firstMs;
        m_pollMaxMs = maxMs;
    }
    int pollFirstMs() const { return m_pollFirstMs; }
    int pollMaxMs() const { return m_pollMaxMs; }

Q_SIGNALS:
    // A live channel reconnected: its jobs should poll once to reconcile what they missed.
    void channelReconnected(const QString &profile);
    // A live channel gave up (auth refused, 4000-class close): its jobs fall back to polling.
    void channelFailed(const QString &profile, const QString &message);
    // Something a user should see that concerns no single job.
    void notice(const QString &profile, const QString &message);

private:
    struct ProfileEntry;
    QNetworkAccessManager *m_nam;
    Tracker::JobTracker *m_tracker;
    QHash<QString, std::shared_ptr<ProfileEntry>> m_profiles;
    Net::WebhookInbox *m_inbox = nullptr;
    int m_silenceMs = 10000;
    int m_streamGraceMs = 15000;
    int m_maxUnreadableReads = 5;
    int m_maxUnreachableReads = 30;
    int m_pollFirstMs = 0;
    int m_pollMaxMs = 0;
    QPointer<Net::TrafficLog> m_traffic;
};

} // namespace Follow
