#pragma once

#include <QString>

namespace Qa {

// One state a sandbox job could be advanced to, as the sandbox would judge it right now:
// `phase` is the sandbox's phase name (queued, pending, running, needs_input, succeeded, failed,
// cancelled), `rawWord` the dialect's own word for it ("processing", "done", "active" …).
// When `legal` is false, `whyNot` says why the sandbox would refuse (the same words as its 409).
struct LifecycleStep
{
    QString phase;
    QString rawWord;
    bool legal = false;
    QString whyNot;
};

} // namespace Qa
