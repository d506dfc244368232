#pragma once

#include "tracker/trackedjob.h"

namespace Store {

// What one tracker batch changed about one job, copied on the GUI thread and written on the
// history's own thread: the job's current fields, and only the timeline entries and log lines
// added since the last snapshot (both lists only ever grow), with the sequence of the first.
struct JobSnapshot
{
    Tracker::TrackedJob job; // timeline/logs hold only the new entries; preview is left out
    int firstTimelineSeq = 0;
    int firstLogSeq = 0;

    // The snapshot of `job` given how many timeline entries and log lines are written already;
    // advances both counts to what the job holds now.
    static JobSnapshot of(const Tracker::TrackedJob &job, int *timelineWritten, int *logsWritten)
    {
        JobSnapshot s;
        s.job.id = job.id;
        s.job.state = job.state;
        s.job.rawStatus = job.rawStatus;
        s.job.progress = job.progress;
        s.job.hasProgress = job.hasProgress;
        s.job.outputs = job.outputs;
        s.job.captions = job.captions;
        s.job.error = job.error;
        s.job.timings = job.timings;
        s.job.credits = job.credits;
        s.job.extra = job.extra;
        s.job.lastUpdateMs = job.lastUpdateMs;
        s.firstTimelineSeq = qMin(*timelineWritten, int(job.timeline.size()));
        s.firstLogSeq = qMin(*logsWritten, int(job.logs.size()));
        s.job.timeline = job.timeline.mid(s.firstTimelineSeq);
        s.job.logs = job.logs.mid(s.firstLogSeq);
        *timelineWritten = qMax(*timelineWritten, int(job.timeline.size()));
        *logsWritten = qMax(*logsWritten, int(job.logs.size()));
        return s;
    }
};

} // namespace Store
