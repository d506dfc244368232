#include "session/joboperation.h"

namespace Session {

JobOperation::JobOperation(Work work, QObject *parent)
    : Core::Operation(parent)
    , m_work(std::move(work))
{ }

JobOperation::~JobOperation() = default;

void JobOperation::doStart()
{
    m_started = true;
    if (m_finishing)
        return emitResult(m_error);
    if (m_work)
        m_work(this);
}

void JobOperation::finish(
    const QString &jobId, const Core::JobError &error, Tracker::JobTracker::Changes changes)
{
    if (isFinished() || m_finishing)
        return;
    m_finishing = true;
    m_jobId = jobId;
    m_changes = changes;
    m_error = error;
    if (m_started)
        emitResult(error);
}

} // namespace Session
