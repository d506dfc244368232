#pragma once

#include <QString>
#include <optional>

namespace Core {

// The normalized lifecycle every raw state maps onto. The raw word is always kept beside it.
enum class JobState { Queued, Running, NeedsInput, Succeeded, Failed, Cancelled };

QString stateName(JobState s); // queued, running, needs_input, succeeded, failed, cancelled
std::optional<JobState> stateFromName(QStringView name);
inline bool isTerminal(JobState s)
{
    return s == JobState::Succeeded || s == JobState::Failed || s == JobState::Cancelled;
}
// Order used to refuse regressions: a later stage never goes back to an earlier one, except
// needs_input <-> running, which a build may cross several times.
int stateRank(JobState s);

// Where an update came from.
enum class Channel { Submit, Sse, Pusher, Poll, Webhook };
QString channelName(Channel c); // submit, sse, pusher, poll, webhook
std::optional<Channel> channelFromName(QStringView name);

} // namespace Core
