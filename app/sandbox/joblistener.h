#pragma once

#include "sandbox/job.h"

namespace Sandbox {

// Receives what happens to jobs, synchronously on the engine's thread, in order. The dialect
// front ends implement it to turn engine happenings into their document's events (SSE, Pusher,
// webhooks). A listener may append stream events to the job it is handed.
class JobListener
{
public:
    virtual ~JobListener() = default;
    virtual void jobCreated(Job &) { }
    virtual void jobTransitioned(Job &, Phase /*from*/) { }
    virtual void jobProgressed(Job &) { }
    virtual void jobLogged(Job &, const LogLine &) { }
    virtual void jobPreview(Job &, const QByteArray & /*jpeg*/, int /*percent*/) { }
    virtual void jobRemoved(const QString & /*id*/) { }
};

} // namespace Sandbox
