#pragma once

#include <QString>
#include <optional>

namespace Follow {

// Which channel to follow a job over; Auto picks the dialect's live channel (PeelAPI SSE,
// deAPI Pusher) or polling.
enum class Via { Auto, Sse, Pusher, Poll, Webhook };

inline std::optional<Via> viaFromName(QStringView s)
{
    if (s == QLatin1String("auto"))
        return Via::Auto;
    if (s == QLatin1String("sse"))
        return Via::Sse;
    if (s == QLatin1String("pusher"))
        return Via::Pusher;
    if (s == QLatin1String("poll"))
        return Via::Poll;
    if (s == QLatin1String("webhook"))
        return Via::Webhook;
    return std::nullopt;
}

inline QString viaName(Via v)
{
    switch (v) {
    case Via::Auto:
        return QStringLiteral("auto");
    case Via::Sse:
        return QStringLiteral("sse");
    case Via::Pusher:
        return QStringLiteral("pusher");
    case Via::Poll:
        return QStringLiteral("poll");
    case Via::Webhook:
        return QStringLiteral("webhook");
    }
    return QStringLiteral("auto");
}

} // namespace Follow
