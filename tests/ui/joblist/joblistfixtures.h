#pragma once

// Test-only builders of tracked jobs and observations for the job list tests.

#include "tracker/jobtracker.h"

#include <QDateTime>
#include <QJsonObject>
#include <optional>

namespace JobListFixtures {

inline Tracker::TrackedJob makeJob(const QString &id, Core::Dialect dialect,
    std::optional<Core::JobState> state, const QString &raw = {},
    const QString &profile = QStringLiteral("sandbox-peako"),
    const QString &task = QStringLiteral("render"), const QString &prompt = {},
    qint64 createdMs = QDateTime::currentMSecsSinceEpoch())
{
    Tracker::TrackedJob job;
    job.id = id;
    job.dialect = dialect;
    job.state = state;
    job.rawStatus = raw.isEmpty() && state ? Core::stateName(*state) : raw;
    job.profile = profile;
    job.task = task;
    if (!prompt.isEmpty())
        job.input.insert(QStringLiteral("prompt"), prompt);
    job.createdMs = createdMs;
    job.lastUpdateMs = createdMs + 5000;
    return job;
}

inline Core::JobUpdate progressUpdate(const QString &id, double progress)
{
    Core::JobUpdate u;
    u.jobId = id;
    u.channel = Core::Channel::Poll;
    u.progress = progress;
    return u;
}

inline Core::JobUpdate stateUpdate(const QString &id, Core::JobState state, const QString &raw = {})
{
    Core::JobUpdate u;
    u.jobId = id;
    u.channel = Core::Channel::Poll;
    u.state = state;
    u.rawStatus = raw.isEmpty() ? Core::stateName(state) : raw;
    return u;
}

inline Core::JobUpdate logUpdate(const QString &id, const QString &message, qint64 timeMs = 1)
{
    Core::JobUpdate u;
    u.jobId = id;
    u.channel = Core::Channel::Sse;
    u.logs.append({ timeMs, QStringLiteral("info"), message });
    return u;
}

} // namespace JobListFixtures
