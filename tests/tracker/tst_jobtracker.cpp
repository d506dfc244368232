// Tests of Tracker::JobTracker: one de-duplicated timeline per job out of every channel.
#include "tracker/jobtracker.h"

#include <QSignalSpy>
#include <QTest>

using namespace Core;
using Tracker::JobTracker;

namespace {

JobUpdate update(Channel channel, std::optional<JobState> state, const QString &raw = {},
    std::optional<double> progress = {}, const QString &key = {})
{
    JobUpdate u;
    u.jobId = QStringLiteral("job_1");
    u.channel = channel;
    u.state = state;
    u.rawStatus = raw;
    u.progress = progress;
    u.eventKey = key;
    return u;
}

int stateEntries(const Tracker::TrackedJob &job)
{
    int n = 0;
    for (const auto &e : job.timeline)
        n += e.kind == Tracker::TimelineEntry::Kind::State ? 1 : 0;
    return n;
}

} // namespace

class TestJobTracker final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Issue 9, item 7: the same id from two profiles gives two jobs; an event a profile sends
    // about an id resolves only to that profile's job.
    void sameIdTwoProfilesStaysApart()
    {
        Tracker::JobTracker t;
        QCOMPARE(t.newKey(QStringLiteral("a"), QStringLiteral("x")), QStringLiteral("x"));
        t.track(QStringLiteral("x"), QStringLiteral("a"), Core::Dialect::DeApi, {});
        QCOMPARE(t.newKey(QStringLiteral("a"), QStringLiteral("x")), QStringLiteral("x"));
        const QString keyB = t.newKey(QStringLiteral("b"), QStringLiteral("x"));
        QCOMPARE(keyB, QStringLiteral("x@b"));
        t.track(keyB, QStringLiteral("b"), Core::Dialect::DeApi, {}, QStringLiteral("x"));
        QCOMPARE(t.size(), 2);
        QCOMPARE(t.job(keyB)->remote(), QStringLiteral("x"));
        QCOMPARE(t.job(QStringLiteral("x"))->remote(), QStringLiteral("x"));
        QCOMPARE(t.keyOf(QStringLiteral("a"), QStringLiteral("x")), QStringLiteral("x"));
        QCOMPARE(t.keyOf(QStringLiteral("b"), QStringLiteral("x")), keyB);
        QVERIFY(t.keyOf(QStringLiteral("c"), QStringLiteral("x")).isEmpty());
        QCOMPARE(t.newKey(QStringLiteral("c"), QStringLiteral("x")), QStringLiteral("x@c"));
        // A job restored with its remote id is found the same way.
        Tracker::TrackedJob restored;
        restored.id = QStringLiteral("y@old");
        restored.remoteId = QStringLiteral("y");
        restored.profile = QStringLiteral("old");
        t.restore(restored);
        QCOMPARE(t.keyOf(QStringLiteral("old"), QStringLiteral("y")), QStringLiteral("y@old"));
        QVERIFY(t.keyOf(QStringLiteral("a"), QStringLiteral("y")).isEmpty());
    }

    // A finished job reopened (a Peel API revised) takes a new queued/running/completed run;
    // an unfinished one cannot be reopened.
    void reopenAfterRevise()
    {
        Tracker::JobTracker t;
        t.track(QStringLiteral("api"), QStringLiteral("p"), Core::Dialect::Peel,
            QStringLiteral("v1/apis"));
        Core::JobUpdate u;
        u.jobId = QStringLiteral("api");
        u.state = Core::JobState::Succeeded;
        u.rawStatus = QStringLiteral("completed");
        t.apply(u);
        QVERIFY(!t.reopen(QStringLiteral("unknown"), QStringLiteral("x")));
        u.state = Core::JobState::Queued;
        u.rawStatus = QStringLiteral("queued");
        QCOMPARE(t.apply(u), Tracker::JobTracker::None); // terminal never regresses…
        QVERIFY(t.reopen(QStringLiteral("api"), QStringLiteral("revised")));
        QVERIFY(t.apply(u) & Tracker::JobTracker::State); // …unless reopened
        QCOMPARE(*t.job(QStringLiteral("api"))->state, Core::JobState::Queued);
        QVERIFY(!t.reopen(QStringLiteral("api"), QStringLiteral("again"))); // not finished now
        u.state = Core::JobState::Succeeded;
        u.rawStatus = QStringLiteral("completed");
        QVERIFY(t.apply(u) & Tracker::JobTracker::State);
    }

    // The same "done" arriving through Pusher, a poll and a webhook is recorded once, credited to
    // the channel that brought it first.
    void sameUpdateThroughThreeChannelsIsRecordedOnce()
    {
        JobTracker t;
        t.track(QStringLiteral("job_1"), QStringLiteral("sandbox-deapi"), Dialect::DeApi,
            QStringLiteral("api/v1/client/txt2img"));
        QVERIFY(
            t.apply(update(Channel::Pusher, JobState::Running, QStringLiteral("processing"), 0.5))
            & JobTracker::State);
        QVERIFY(t.apply(update(Channel::Pusher, JobState::Succeeded, QStringLiteral("done"), 1.0))
            & JobTracker::State);
        QCOMPARE(t.apply(update(Channel::Poll, JobState::Succeeded, QStringLiteral("done"), 1.0)),
            JobTracker::Changes(JobTracker::None));
        QCOMPARE(t.apply(update(Channel::Webhook, JobState::Succeeded, QStringLiteral("done"))),
            JobTracker::Changes(JobTracker::None));
        const auto *job = t.job(QStringLiteral("job_1"));
        QCOMPARE(stateEntries(*job), 2);
        QCOMPARE(job->timeline.last().channel, Channel::Pusher);
        QCOMPARE(*job->state, JobState::Succeeded);
    }

    // An observation with an event key already seen (an SSE replay after a reconnect) is dropped
    // entirely, even for logs.
    void replayedEventsAreDropped()
    {
        JobTracker t;
        t.track(QStringLiteral("job_1"), {}, Dialect::PeelApi, {});
        JobUpdate log = update(Channel::Sse, std::nullopt, {}, {}, QStringLiteral("sse:2"));
        log.logs.append({ 1000, QStringLiteral("info"), QStringLiteral("Processing input") });
        QVERIFY(t.apply(log) & JobTracker::Log);
        QCOMPARE(t.apply(log), JobTracker::Changes(JobTracker::None));
        log.eventKey = QStringLiteral("poll:x"); // same line through another channel: same content
        QCOMPARE(t.apply(log), JobTracker::Changes(JobTracker::None));
        QCOMPARE(t.job(QStringLiteral("job_1"))->logs.size(), 1);
    }

    // A terminal state never regresses, and a late "queued" after "running" is ignored as stale.
    void statesNeverRegress()
    {
        JobTracker t;
        t.track(QStringLiteral("job_1"), {}, Dialect::Peako, {});
        t.apply(update(Channel::Poll, JobState::Running, QStringLiteral("active"), 0.3));
        QCOMPARE(t.apply(update(Channel::Poll, JobState::Queued, QStringLiteral("queued"))),
            JobTracker::Changes(JobTracker::None));
        t.apply(update(Channel::Poll, JobState::Failed, QStringLiteral("failed")));
        QCOMPARE(t.apply(update(Channel::Poll, JobState::Running, QStringLiteral("active"), 0.9)),
            JobTracker::Changes(JobTracker::None));
        QCOMPARE(t.apply(update(Channel::Poll, JobState::Succeeded, QStringLiteral("done"))),
            JobTracker::Changes(JobTracker::None));
        const auto *job = t.job(QStringLiteral("job_1"));
        QCOMPARE(*job->state, JobState::Failed);
        QCOMPARE(job->progress, 0.3);
    }

    // needs_input and running may alternate (a Peel build asks, gets an answer, runs on).
    void needsInputAndRunningAlternate()
    {
        JobTracker t;
        t.track(QStringLiteral("job_1"), {}, Dialect::Peel, {});
        t.apply(update(Channel::Poll, JobState::Running, QStringLiteral("running")));
        QVERIFY(t.apply(update(Channel::Poll, JobState::NeedsInput, QStringLiteral("needs_input")))
            & JobTracker::State);
        QVERIFY(t.apply(update(Channel::Poll, JobState::Running, QStringLiteral("running")))
            & JobTracker::State);
        QCOMPARE(stateEntries(*t.job(QStringLiteral("job_1"))), 3);
    }

    // Raw states that map to one normalized state are still transitions: ImagePipeline's queued
    // then pending is two timeline entries.
    void rawStateChangesAreTransitions()
    {
        JobTracker t;
        t.track(QStringLiteral("job_1"), {}, Dialect::ImagePipeline, {});
        t.apply(update(Channel::Poll, JobState::Queued, QStringLiteral("queued")));
        QVERIFY(t.apply(update(Channel::Poll, JobState::Queued, QStringLiteral("pending")))
            & JobTracker::State);
        QCOMPARE(t.job(QStringLiteral("job_1"))->rawStatus, QStringLiteral("pending"));
        QCOMPARE(stateEntries(*t.job(QStringLiteral("job_1"))), 2);
    }

    // Progress only moves forward; out-of-range values are ignored; success means 1.0.
    void progressIsMonotonic()
    {
        JobTracker t;
        t.track(QStringLiteral("job_1"), {}, Dialect::DeApi, {});
        t.apply(update(Channel::Pusher, JobState::Running, {}, 0.6));
        QCOMPARE(t.apply(update(Channel::Poll, JobState::Running, {}, 0.4)),
            JobTracker::Changes(JobTracker::None));
        QCOMPARE(t.apply(update(Channel::Poll, JobState::Running, {}, 2.5)),
            JobTracker::Changes(JobTracker::None));
        QCOMPARE(t.job(QStringLiteral("job_1"))->progress, 0.6);
        t.apply(update(Channel::Poll, JobState::Succeeded, QStringLiteral("done")));
        QCOMPARE(t.job(QStringLiteral("job_1"))->progress, 1.0);
    }

    // A fresh signed URL for a known output replaces the old one without adding an output.
    void freshUrlsReplaceExpiredOnes()
    {
        JobTracker t;
        t.track(QStringLiteral("job_1"), {}, Dialect::Peako, {});
        JobUpdate a = update(Channel::Poll, JobState::Succeeded, QStringLiteral("done"));
        a.outputs.append(
            { QStringLiteral("http://x/a.avi?sig=1"), QStringLiteral("a.avi"), {}, 0, {}, -1, {} });
        t.apply(a);
        JobUpdate b = update(Channel::Poll, JobState::Succeeded, QStringLiteral("done"));
        b.outputs.append(
            { QStringLiteral("http://x/a.avi?sig=2"), QStringLiteral("a.avi"), {}, 0, {}, -1, {} });
        QVERIFY(t.apply(b) & JobTracker::Outputs);
        QCOMPARE(t.job(QStringLiteral("job_1"))->outputs.size(), 1);
        QCOMPARE(t.job(QStringLiteral("job_1"))->outputs.first().url,
            QStringLiteral("http://x/a.avi?sig=2"));
    }

    // PeelAPI reports the same image through the stream (index 0 in every result event) and the
    // status read (index 0..n): by name they are one output each.
    void outputsMatchByName()
    {
        JobTracker t;
        t.track(QStringLiteral("job_1"), {}, Dialect::PeelApi, {});
        JobUpdate sse = update(Channel::Sse, std::nullopt);
        sse.outputs.append({ QStringLiteral("http://x/output_2.png?a"),
            QStringLiteral("output_2.png"), QStringLiteral("full"), 0, {}, -1, {} });
        sse.outputs.append({ QStringLiteral("http://x/output_1.png?a"),
            QStringLiteral("output_1.png"), QStringLiteral("full"), 0, {}, -1, {} });
        t.apply(sse);
        JobUpdate poll = update(Channel::Poll, JobState::Succeeded, QStringLiteral("succeeded"));
        poll.outputs.append({ QStringLiteral("http://x/output_1.png?b"),
            QStringLiteral("output_1.png"), QStringLiteral("full"), 0, {}, -1, {} });
        poll.outputs.append({ QStringLiteral("http://x/output_2.png?b"),
            QStringLiteral("output_2.png"), QStringLiteral("full"), 1, {}, -1, {} });
        t.apply(poll);
        QCOMPARE(t.job(QStringLiteral("job_1"))->outputs.size(), 2);
    }

    // A failure reported twice keeps the fuller report (reason code and support id from the
    // status read, message from the stream), with one error entry in the timeline.
    void failureDetailsAreMerged()
    {
        JobTracker t;
        t.track(QStringLiteral("job_1"), {}, Dialect::Peel, {});
        JobUpdate fromStream = update(Channel::Sse, JobState::Failed, QStringLiteral("failed"));
        fromStream.error.kind = JobError::Kind::Job;
        fromStream.error.message = QStringLiteral("No stable surface");
        t.apply(fromStream);
        JobUpdate fromPoll = update(Channel::Poll, JobState::Failed, QStringLiteral("failed"));
        fromPoll.error.kind = JobError::Kind::Job;
        fromPoll.error.providerCode = QStringLiteral("NO_STABLE_SURFACE");
        fromPoll.error.supportId = QStringLiteral("dbg_1");
        QVERIFY(t.apply(fromPoll) & JobTracker::Error);
        const auto *job = t.job(QStringLiteral("job_1"));
        QCOMPARE(job->error.providerCode, QStringLiteral("NO_STABLE_SURFACE"));
        QCOMPARE(job->error.message, QStringLiteral("No stable surface"));
        QCOMPARE(job->error.supportId, QStringLiteral("dbg_1"));
        int errors = 0;
        for (const auto &e : job->timeline)
            errors += e.kind == Tracker::TimelineEntry::Kind::Error ? 1 : 0;
        QCOMPARE(errors, 1);
    }

    // Updates for unknown jobs change nothing; an unreadable value is recorded as a problem once.
    void unknownJobsAndProblems()
    {
        JobTracker t;
        JobUpdate u = update(Channel::Poll, JobState::Running);
        u.jobId = QStringLiteral("nope");
        QCOMPARE(t.apply(u), JobTracker::Changes(JobTracker::None));
        t.track(QStringLiteral("job_1"), {}, Dialect::Peako, {});
        JobUpdate bad = update(Channel::Poll, std::nullopt, QStringLiteral("exploded"));
        bad.problem = QStringLiteral("unknown status \"exploded\"");
        QVERIFY(t.apply(bad) & JobTracker::Problem);
        QCOMPARE(t.apply(bad), JobTracker::Changes(JobTracker::None));
    }

    // Many updates within one batch interval produce one batchReady with each changed id once;
    // applied() fires for every update that changed something.
    void batchesCoalesce()
    {
        JobTracker t;
        t.setBatchInterval(60);
        QSignalSpy batches(&t, &JobTracker::batchReady);
        QSignalSpy applied(&t, &JobTracker::applied);
        for (int j = 0; j < 50; ++j)
            t.track(QStringLiteral("job_%1").arg(j), {}, Dialect::DeApi, {});
        for (int step = 1; step <= 10; ++step) {
            for (int j = 0; j < 50; ++j) {
                JobUpdate u = update(
                    Channel::Pusher, JobState::Running, QStringLiteral("processing"), step / 10.0);
                u.jobId = QStringLiteral("job_%1").arg(j);
                t.apply(u);
            }
        }
        QCOMPARE(applied.size(), 500);
        QTRY_COMPARE(batches.size(), 1);
        QCOMPARE(batches.first().first().toStringList().size(), 50);
        QTest::qWait(150);
        QCOMPARE(batches.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestJobTracker)
#include "tst_jobtracker.moc"
