#include "tracker/jobtracker.h"

#include <QDateTime>
#include <cmath>

namespace Tracker {

QString TimelineEntry::kindName(Kind k)
{
    switch (k) {
    case Kind::State:
        return QStringLiteral("state");
    case Kind::Output:
        return QStringLiteral("output");
    case Kind::Error:
        return QStringLiteral("error");
    case Kind::Problem:
        return QStringLiteral("problem");
    case Kind::Ended:
        return QStringLiteral("ended");
    }
    return {};
}

JobTracker::JobTracker(QObject *parent)
    : QObject(parent)
{
    m_batch.setSingleShot(true);
    m_batch.setInterval(75);
    connect(&m_batch, &QTimer::timeout, this, [this] {
        const QStringList ids = m_pending;
        m_pending.clear();
        m_pendingSet.clear();
        if (!ids.isEmpty())
            Q_EMIT batchReady(ids);
    });
}

JobTracker::~JobTracker() = default;

void JobTracker::flushBatch()
{
    if (!m_batch.isActive())
        return;
    m_batch.stop();
    const QStringList ids = m_pending;
    m_pending.clear();
    m_pendingSet.clear();
    if (!ids.isEmpty())
        Q_EMIT batchReady(ids);
}

const TrackedJob &JobTracker::track(const QString &id, const QString &profile,
    Core::Dialect dialect, const QString &task, const QString &remoteId)
{
    TrackedJob seed;
    seed.id = id;
    seed.remoteId = remoteId;
    seed.profile = profile;
    seed.dialect = dialect;
    seed.task = task;
    return track(seed);
}

const TrackedJob &JobTracker::track(const TrackedJob &seed)
{
    auto it = m_jobs.find(seed.id);
    if (it == m_jobs.end()) {
        auto job = std::make_shared<TrackedJob>();
        job->id = seed.id;
        if (seed.remoteId != seed.id)
            job->remoteId = seed.remoteId;
        job->profile = seed.profile;
        job->dialect = seed.dialect;
        job->task = seed.task;
        job->input = seed.input;
        job->createdMs = seed.createdMs ? seed.createdMs : QDateTime::currentMSecsSinceEpoch();
        indexRemote(*job);
        it = m_jobs.insert(seed.id, job);
        m_order.append(seed.id);
        noteChanged(seed.id);
    }
    return **it;
}

void JobTracker::restore(const TrackedJob &job)
{
    auto copy = std::make_shared<TrackedJob>(job);
    // A restored job's log lines come back from the history: a stream replaying them after a
    // restart must not add them twice.
    if (copy->seenLogs.isEmpty()) {
        for (const Core::LogLine &line : copy->logs)
            copy->seenLogs.insert(QString::number(line.timeMs) + QLatin1Char('|') + line.level
                + QLatin1Char('|') + line.message);
    }
    if (!m_jobs.contains(job.id))
        m_order.append(job.id);
    if (copy->remoteId == copy->id)
        copy->remoteId.clear();
    indexRemote(*copy);
    m_jobs.insert(job.id, copy);
    noteChanged(job.id);
}

bool JobTracker::reopen(const QString &id, const QString &why, Core::Channel channel)
{
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end() || !(*it)->isTerminal())
        return false;
    TrackedJob &job = **it;
    job.state.reset();
    job.progress = 0;
    job.hasProgress = false;
    job.error = Core::JobError();
    job.seenKeys.clear();
    TimelineEntry e;
    e.timeMs = QDateTime::currentMSecsSinceEpoch();
    e.channel = channel;
    e.kind = TimelineEntry::Kind::Problem;
    e.rawStatus = job.rawStatus;
    e.text = why;
    job.timeline.append(e);
    job.lastUpdateMs = e.timeMs;
    noteChanged(id);
    return true;
}

const TrackedJob *JobTracker::job(const QString &id) const
{
    const auto it = m_jobs.constFind(id);
    return it == m_jobs.constEnd() ? nullptr : it->get();
}

QString JobTracker::keyOf(const QString &profile, const QString &remoteId) const
{
    if (remoteId.isEmpty())
        return {};
    const auto it = m_jobs.constFind(remoteId);
    if (it != m_jobs.constEnd() && (*it)->profile == profile && (*it)->remoteId.isEmpty())
        return remoteId;
    return m_byRemote.value(profile + QLatin1Char('\n') + remoteId);
}

QString JobTracker::newKey(const QString &profile, const QString &remoteId) const
{
    const QString known = keyOf(profile, remoteId);
    if (!known.isEmpty())
        return known;
    if (!m_jobs.contains(remoteId))
        return remoteId;
    const QString base = remoteId + QLatin1Char('@') + profile;
    QString key = base;
    for (int n = 2; m_jobs.contains(key); ++n)
        key = base + QStringLiteral("~%1").arg(n);
    return key;
}

void JobTracker::indexRemote(const TrackedJob &job)
{
    if (!job.remoteId.isEmpty() && job.remoteId != job.id)
        m_byRemote.insert(job.profile + QLatin1Char('\n') + job.remoteId, job.id);
}

void JobTracker::noteChanged(const QString &id)
{
    if (!m_pendingSet.contains(id)) {
        m_pendingSet.insert(id);
        m_pending.append(id);
    }
    if (!m_batch.isActive())
        m_batch.start();
}

JobTracker::Changes JobTracker::apply(const Core::JobUpdate &u)
{
    const auto it = m_jobs.find(u.jobId);
    if (it == m_jobs.end() || u.jobId.isEmpty())
        return None;
    TrackedJob &job = **it;
    if (!u.eventKey.isEmpty()) {
        if (job.seenKeys.contains(u.eventKey))
            return None; // the same observation again: an SSE replay, a webhook retry …
        job.seenKeys.insert(u.eventKey);
    }
    const qint64 now = u.receivedMs ? u.receivedMs : QDateTime::currentMSecsSinceEpoch();
    Changes changes = None;
    auto entry = [&](TimelineEntry::Kind kind, const QString &text) {
        TimelineEntry e;
        e.timeMs = now;
        e.channel = u.channel;
        e.kind = kind;
        e.state = job.state;
        e.rawStatus = job.rawStatus;
        e.text = text;
        job.timeline.append(e);
    };

    bool stale = false;
    if (u.state) {
        const Core::JobState next = *u.state;
        if (job.isTerminal()) {
            stale = *job.state != next || (!u.rawStatus.isEmpty() && u.rawStatus != job.rawStatus);
        } else if (job.state && Core::stateRank(next) < Core::stateRank(*job.state)) {
            stale = true; // an older observation arriving late
        } else if (!job.state || *job.state != next
            || (!u.rawStatus.isEmpty() && u.rawStatus != job.rawStatus)) {
            job.state = next;
            if (!u.rawStatus.isEmpty())
                job.rawStatus = u.rawStatus;
            changes |= State;
            entry(TimelineEntry::Kind::State, QString());
            if (next == Core::JobState::Succeeded && (!job.hasProgress || job.progress < 1.0)) {
                job.progress = 1.0;
                job.hasProgress = true;
                changes |= Progress;
            }
        }
    } else if (!u.rawStatus.isEmpty() && !job.isTerminal()
        && u.rawStatus.left(200) != job.rawStatus) {
        // A status word we do not know: the state stays where it was, but what the service said
        // is kept (shown, exported), never an empty "status".
        job.rawStatus = u.rawStatus.left(200);
        changes |= State;
    }

    // A failed or cancelled job keeps the progress it reached; a succeeded one is at 1.0.
    const bool frozen = job.isTerminal() && *job.state != Core::JobState::Succeeded;
    if (u.progress && !stale && !frozen) {
        const double p = *u.progress;
        if (std::isfinite(p) && p >= 0.0 && p <= 1.0 && (!job.hasProgress || p > job.progress)) {
            job.progress = p;
            job.hasProgress = true;
            changes |= Progress;
        }
    }

    for (const Core::LogLine &line : u.logs) {
        const QString key = QString::number(line.timeMs) + QLatin1Char('|') + line.level
            + QLatin1Char('|') + line.message;
        if (job.seenLogs.contains(key))
            continue;
        job.seenLogs.insert(key);
        job.logs.append(line);
        changes |= Log;
    }

    for (const Core::Output &o : u.outputs) {
        bool found = false;
        for (Core::Output &mine : job.outputs) {
            // The same file under two channels: by name when both have one (PeelAPI's result
            // events number every image 0, its status read 0..n), else by position and size.
            const bool sameName = !mine.name.isEmpty() && !o.name.isEmpty() && mine.name == o.name;
            const bool samePlace = (mine.name.isEmpty() || o.name.isEmpty())
                && mine.index == o.index && mine.variant == o.variant;
            if (sameName || samePlace) {
                found = true;
                // A fresh status read brings a fresh signed URL: keep the newest.
                if (!o.url.isEmpty() && mine.url != o.url) {
                    mine.url = o.url;
                    changes |= Outputs;
                }
                if (!o.inlineData.isEmpty() && mine.inlineData.isEmpty()) {
                    mine.inlineData = o.inlineData;
                    changes |= Outputs;
                }
                if (!o.mimeType.isEmpty())
                    mine.mimeType = o.mimeType;
                if (o.size >= 0)
                    mine.size = o.size;
                if (mine.name.isEmpty())
                    mine.name = o.name;
                break;
            }
        }
        if (!found) {
            job.outputs.append(o);
            changes |= Outputs;
            entry(TimelineEntry::Kind::Output,
                o.name.isEmpty() ? o.url.section(QLatin1Char('?'), 0, 0) : o.name);
        }
    }

    if (u.error.isError() && u.error.kind == Core::JobError::Kind::Job) {
        const bool better = !job.error.isError()
            || (job.error.providerCode.isEmpty() && !u.error.providerCode.isEmpty())
            || (job.error.supportId.isEmpty() && !u.error.supportId.isEmpty())
            || (job.error.message.isEmpty() && !u.error.message.isEmpty());
        if (better) {
            const bool first = !job.error.isError();
            // Keep what the first report had when a later one is less complete.
            Core::JobError merged = u.error;
            if (merged.providerCode.isEmpty())
                merged.providerCode = job.error.providerCode;
            if (merged.message.isEmpty())
                merged.message = job.error.message;
            if (merged.supportId.isEmpty())
                merged.supportId = job.error.supportId;
            if (merged.suggestedAction.isEmpty())
                merged.suggestedAction = job.error.suggestedAction;
            job.error = merged;
            changes |= Error;
            if (first)
                entry(TimelineEntry::Kind::Error, merged.message);
        }
    }

    if (!u.preview.isEmpty() && u.preview != job.preview && !job.isTerminal()) {
        job.preview = u.preview;
        changes |= Preview;
    }
    if (!u.captions.isEmpty() && u.captions != job.captions) {
        job.captions = u.captions;
        changes |= Details;
    }
    auto mergeInto = [&](QJsonObject &target, const QJsonObject &from) {
        for (auto i = from.begin(); i != from.end(); ++i) {
            if (target.value(i.key()) != i.value()) {
                target.insert(i.key(), i.value());
                changes |= Details;
            }
        }
    };
    mergeInto(job.timings, u.timings);
    mergeInto(job.credits, u.credits);
    mergeInto(job.extra, u.extra);

    if (!u.problem.isEmpty() && u.problem != job.lastProblem) {
        job.lastProblem = u.problem;
        changes |= Problem;
        entry(TimelineEntry::Kind::Problem, u.problem);
    }
    if (u.ended
        && !(job.timeline.size() && job.timeline.last().kind == TimelineEntry::Kind::Ended)) {
        bool already = false;
        for (const TimelineEntry &e : job.timeline)
            already = already || e.kind == TimelineEntry::Kind::Ended;
        if (!already) {
            changes |= Ended;
            entry(TimelineEntry::Kind::Ended, channelName(u.channel));
        }
    }

    if (changes != None) {
        job.lastUpdateMs = now;
        job.lastByChannel.insert(int(u.channel), now);
        noteChanged(job.id);
        Q_EMIT applied(job.id, changes, u);
    } else {
        job.lastByChannel.insert(
            int(u.channel), now); // a channel that repeats itself is still alive
    }
    return changes;
}

} // namespace Tracker
