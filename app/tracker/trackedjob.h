#pragma once

#include "core/dialect.h"
#include "core/jobupdate.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace Tracker {

// One entry of a job's timeline: a transition, a failure, an output, a problem — with the time
// it was seen and the channel that brought it.
struct TimelineEntry
{
    enum class Kind { State, Output, Error, Problem, Ended };
    qint64 timeMs = 0;
    Core::Channel channel = Core::Channel::Poll;
    Kind kind = Kind::State;
    std::optional<Core::JobState> state;
    QString rawStatus;
    QString text;

    static QString kindName(Kind k);
};

// Everything known about one job, merged from every channel.
struct TrackedJob
{
    // The job's key in this process and in the history. It is the service's own id, except when
    // another profile already has a job under that id (two services may hand out the same id):
    // then it is "<id>@<profile>" and remoteId holds the service's id. Requests always use
    // remote().
    QString id;
    QString remoteId; // empty when it equals `id`
    QString profile;
    Core::Dialect dialect = Core::Dialect::PeelApi;
    QString task;
    QJsonObject input; // what was submitted (the list shows its prompt), when known

    std::optional<Core::JobState> state;
    QString rawStatus;
    double progress = 0;
    bool hasProgress = false;
    QList<TimelineEntry> timeline;
    QList<Core::LogLine> logs;
    QList<Core::Output> outputs;
    QJsonArray captions;
    QByteArray preview;
    Core::JobError error;
    QJsonObject timings;
    QJsonObject credits;
    QJsonObject extra;
    QString lastProblem;
    qint64 createdMs = 0;
    qint64 lastUpdateMs = 0;
    QHash<int, qint64> lastByChannel; // Core::Channel → last time it brought anything
    QSet<QString> seenKeys;
    QSet<QString> seenLogs;

    bool isTerminal() const { return state && Core::isTerminal(*state); }
    // The id the service knows the job by (what requests carry and what the user is shown).
    QString remote() const { return remoteId.isEmpty() ? id : remoteId; }
};

} // namespace Tracker
