#pragma once

#include "core/operation.h"
#include "tracker/jobtracker.h"

#include <functional>

namespace Session {

// What JobSession hands back for work that takes time (a submit, a cancel, a respond, a profile's
// keys, a resume): an Operation whose result names the job (its tracker key; empty when a submit
// was refused or the work is about no one job), carries the JobError when it failed, and says what
// it changed or how many jobs it concerned. The result always comes later from the event loop,
// never inside the call that made the operation: a finish() before the operation has started is
// delivered when it starts.
class JobOperation final : public Core::Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobOperation)

public:
    using Work = std::function<void(JobOperation *)>;
    // `work` runs when the operation starts (may be empty: the session does the work itself).
    explicit JobOperation(Work work = {}, QObject *parent = nullptr);
    ~JobOperation() override;

    QString jobId() const { return m_jobId; }
    // What the service's answer changed in the job (None when it said nothing new).
    Tracker::JobTracker::Changes changes() const { return m_changes; }
    // How many jobs it concerned (resume: re-attached; history: restored).
    int count() const { return m_count; }
    void setCount(int count) { m_count = count; }
    // Ends the operation (once; later calls have no effect).
    void finish(const QString &jobId, const Core::JobError &error = {},
        Tracker::JobTracker::Changes changes = Tracker::JobTracker::None);

protected:
    void doStart() override;

private:
    Work m_work;
    QString m_jobId;
    Tracker::JobTracker::Changes m_changes;
    Core::JobError m_error;
    int m_count = 0;
    bool m_started = false;
    bool m_finishing = false;
};

} // namespace Session
