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
};

} // namespace Store
