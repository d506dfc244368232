#pragma once

#include "core/dialect.h"
#include "core/jobstate.h"

#include <QString>
#include <optional>

namespace Core {

// Whether a job can be cancelled, and why not (docs/dialects.md):
// - Peako has DELETE /api/jobs/:id, which succeeds only while the job is queued (409 otherwise);
// - PeelAPI, ImagePipeline, Peel and deAPI have no cancel call;
// - a terminal job is "already <state>";
// - a job of a sandbox profile can also be cancelled through the sandbox's QA control API, for the
//   dialects whose document has a cancelled state (ImagePipeline, Peako), while it is not terminal.
// Pure and stateless: the UI asks it per selected job, the CLI may too.
class CancelPolicy
{
public:
    enum class Route {
        None, // cannot be cancelled
        ServiceCall, // the dialect's own cancel request (Peako DELETE)
        SandboxControl, // the sandbox's QA control API
    };

    struct Verdict
    {
        bool can = false;
        Route route = Route::None;
        QString reason; // why not, when !can; empty otherwise
    };

    // `state` is the normalized state when known; `rawStatus` the provider's word (used when the
    // state is not known yet, and in reasons). `sandbox`: the job's profile points at a sandbox.
    static Verdict check(Dialect dialect, std::optional<JobState> state,
        const QString &rawStatus = {}, bool sandbox = false);

    // The service's name as its documents write it: PeelAPI, ImagePipeline, Peel, Peako, deAPI.
    static QString serviceName(Dialect dialect);
};

} // namespace Core
