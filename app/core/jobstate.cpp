#include "core/jobstate.h"

namespace Core {

QString stateName(JobState s)
{
    switch (s) {
    case JobState::Queued:
        return QStringLiteral("queued");
    case JobState::Running:
        return QStringLiteral("running");
    case JobState::NeedsInput:
        return QStringLiteral("needs_input");
    case JobState::Succeeded:
        return QStringLiteral("succeeded");
    case JobState::Failed:
        return QStringLiteral("failed");
    case JobState::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

std::optional<JobState> stateFromName(QStringView name)
{
    for (JobState s : { JobState::Queued, JobState::Running, JobState::NeedsInput,
             JobState::Succeeded, JobState::Failed, JobState::Cancelled }) {
        if (name == stateName(s))
            return s;
    }
    return std::nullopt;
}

int stateRank(JobState s)
{
    switch (s) {
    case JobState::Queued:
        return 0;
    case JobState::Running:
    case JobState::NeedsInput:
        return 1;
    default:
        return 2;
    }
}

QString channelName(Channel c)
{
    switch (c) {
    case Channel::Submit:
        return QStringLiteral("submit");
    case Channel::Sse:
        return QStringLiteral("sse");
    case Channel::Pusher:
        return QStringLiteral("pusher");
    case Channel::Poll:
        return QStringLiteral("poll");
    case Channel::Webhook:
        return QStringLiteral("webhook");
    }
    return {};
}

std::optional<Channel> channelFromName(QStringView name)
{
    for (Channel c :
        { Channel::Submit, Channel::Sse, Channel::Pusher, Channel::Poll, Channel::Webhook }) {
        if (name == channelName(c))
            return c;
    }
    return std::nullopt;
}

} // namespace Core
