#include "follow/followcontext.h"

#include "dialects/adapter.h"
#include "net/pusherclient.h"
#include "net/pusherhttpauthorizer.h"
#include "net/webhookinbox.h"
#include "tracker/jobtracker.h"

#include <QDateTime>
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcFollow)

namespace Follow {

struct FollowContext::ProfileEntry
{
    Core::Profile profile;
    std::unique_ptr<Dialects::Adapter> adapter;
    Net::PusherClient *pusher = nullptr;
    Net::PusherHttpAuthorizer *authorizer = nullptr;
};

FollowContext::FollowContext(
    QNetworkAccessManager *nam, Tracker::JobTracker *tracker, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_tracker(tracker)
{ }

FollowContext::~FollowContext()
{
    for (const auto &e : std::as_const(m_profiles)) {
        if (e->pusher)
            e->pusher->disconnectFromServer();
    }
}

void FollowContext::addProfile(const Core::Profile &profile)
{
    auto entry = std::make_shared<ProfileEntry>();
    entry->profile = profile;
    entry->adapter = Dialects::Adapter::create(profile);
    m_profiles.insert(profile.name, entry);
}

const Core::Profile *FollowContext::profile(const QString &name) const
{
    const auto it = m_profiles.constFind(name);
    return it == m_profiles.constEnd() ? nullptr : &(*it)->profile;
}

Dialects::Adapter *FollowContext::adapter(const QString &profile) const
{
    const auto it = m_profiles.constFind(profile);
    return it == m_profiles.constEnd() ? nullptr : (*it)->adapter.get();
}

Net::PusherClient *FollowContext::existingPusher(const QString &name) const
{
    const auto it = m_profiles.constFind(name);
    return it == m_profiles.constEnd() ? nullptr : (*it)->pusher;
}

Net::PusherClient *FollowContext::pusher(const QString &name)
{
    const auto it = m_profiles.constFind(name);
    if (it == m_profiles.constEnd())
        return nullptr;
    ProfileEntry &e = **it;
    if (e.pusher)
        return e.pusher;
    const Dialects::Adapter *adapter = e.adapter.get();
    const std::optional<Dialects::RequestSpec> auth
        = adapter->pusherAuth(QStringLiteral("0.0"), adapter->pusherChannel());
    e.pusher = new Net::PusherClient(e.profile.wsUrl, e.profile.pusherKey, this);
    e.pusher->setTrafficLog(m_traffic);
    if (auth) {
        Net::PusherHttpAuthorizer::Headers headers;
        for (const auto &h : auth->headers) {
            if (h.first.compare("Content-Type", Qt::CaseInsensitive) != 0)
                headers.append(h);
        }
        e.authorizer = new Net::PusherHttpAuthorizer(auth->url, headers, this);
        e.authorizer->setNetworkAccessManager(m_nam);
        e.pusher->setAuthorizer(e.authorizer->authorizer());
    }
    const QString channel = adapter->pusherChannel();
    connect(e.pusher, &Net::PusherClient::event, this,
        [this, adapter, name](const QString &, const QString &eventName, const QByteArray &data) {
            if (eventName.startsWith(QLatin1String("pusher")))
                return;
            Core::JobUpdate u = adapter->parsePusherEvent(eventName, data);
            // Only this profile's jobs: a service naming another service's job id touches nothing.
            u.jobId = m_tracker->keyOf(name, u.jobId);
            if (u.jobId.isEmpty())
                return; // an event for no job of this profile: nothing to apply
            u.channel = Core::Channel::Pusher;
            u.receivedMs = QDateTime::currentMSecsSinceEpoch();
            record(u);
        });
    connect(e.pusher, &Net::PusherClient::reconnected, this,
        [this, name] { Q_EMIT channelReconnected(name); });
    connect(e.pusher, &Net::PusherClient::subscriptionError, this,
        [this, name](const QString &ch, const QString &message) {
            Q_EMIT notice(name, QStringLiteral("subscription to %1 refused: %2").arg(ch, message));
            Q_EMIT channelFailed(name, message);
        });
    connect(
        e.pusher, &Net::PusherClient::error, this, [this, name](int code, const QString &message) {
            Q_EMIT notice(name, QStringLiteral("Pusher error %1: %2").arg(code).arg(message));
            if (code >= 4000 && code < 4100)
                Q_EMIT channelFailed(name, message);
        });
    connect(
        e.pusher, &Net::PusherClient::stateChanged, this, [this, name](Net::PusherClient::State s) {
            if (s == Net::PusherClient::State::Failed)
                Q_EMIT channelFailed(name, QStringLiteral("connection failed"));
        });
    e.pusher->subscribe(channel);
    e.pusher->connectToServer();
    return e.pusher;
}

Tracker::JobTracker::Changes FollowContext::record(const Core::JobUpdate &update)
{
    return m_tracker->apply(update);
}

Net::WebhookInbox *FollowContext::inbox(QString *error)
{
    if (!m_inbox) {
        m_inbox = new Net::WebhookInbox(this);
        if (!m_inbox->listen(QHostAddress::LocalHost, 0, error)) {
            delete m_inbox;
            m_inbox = nullptr;
            return nullptr;
        }
        m_inbox->setTrafficLog(m_traffic, [this](const QString &scheme, const QByteArray &body) {
            const Dialects::Adapter *a = adapter(scheme);
            return a ? m_tracker->keyOf(scheme, a->parseWebhook(body).jobId) : QString();
        });
        connect(m_inbox, &Net::WebhookInbox::received, this,
            [this](const QString &scheme, const QByteArray &body) {
                const Dialects::Adapter *a = adapter(scheme);
                if (!a)
                    return;
                Core::JobUpdate u = a->parseWebhook(body);
                u.jobId = m_tracker->keyOf(
                    scheme, u.jobId); // only the jobs of the profile it was signed for
                if (u.jobId.isEmpty())
                    return;
                u.channel = Core::Channel::Webhook;
                u.receivedMs = QDateTime::currentMSecsSinceEpoch();
                record(u);
            });
    }
    for (const auto &e : std::as_const(m_profiles)) {
        if (e->profile.webhookSecret.isEmpty() || m_inbox->schemes().contains(e->profile.name))
            continue;
        const QByteArray sig = e->profile.dialect == Core::Dialect::DeApi
            ? QByteArrayLiteral("X-DeAPI-Signature")
            : QByteArrayLiteral("X-ImagePipeline-Signature");
        const QByteArray ts = e->profile.dialect == Core::Dialect::DeApi
            ? QByteArrayLiteral("X-DeAPI-Timestamp")
            : QByteArrayLiteral("X-ImagePipeline-Timestamp");
        m_inbox->addScheme(e->profile.name, sig, ts, e->profile.webhookSecret.toUtf8());
    }
    return m_inbox;
}

} // namespace Follow
