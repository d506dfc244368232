#pragma once

#include "core/profile.h"
#include "follow/via.h"
#include "tracker/trackedjob.h"

namespace Store {

// A job as the history keeps it: what the tracker knew (timeline and logs only when loaded with
// details), the profile it belongs to (a snapshot with the key's reference, never the key), the
// channel it was followed over, and where its outputs go (empty: not downloaded automatically).
struct StoredJob
{
    Tracker::TrackedJob job;
    Core::Profile profile;
    Follow::Via via = Follow::Via::Auto;
    QString downloadDir;
    qint64 purgedMs = 0; // the service's retention ended; the record is kept, marked
};

} // namespace Store
