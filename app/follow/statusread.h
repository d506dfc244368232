#pragma once

#include "core/operation.h"
#include "tracker/jobtracker.h"

#include <QPointer>

namespace Follow {

class FollowContext;

// One status read of a tracked job, outside its follower (a refresh, the read after a cancel, the
// CLI's `status` and `download`): the request the profile's adapter builds, its answer parsed and
// recorded through FollowContext::record().
//
// Fails (failed(), error()) when there is no answer, or an answer that is not the job's status
// (401, 404, malformed, …: the adapter's JobError). A job that failed is not a failed read: its
// status is recorded. update() and changes() say what was read and what it changed.
class StatusRead final : public Core::Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusRead)

public:
    // `key`: the job's tracker key; its profile and remote id come from the tracker.
    StatusRead(FollowContext *context, const QString &key, QObject *parent = nullptr);
    ~StatusRead() override;

    QString key() const { return m_key; }
    Core::JobUpdate update() const { return m_update; }
    Tracker::JobTracker::Changes changes() const { return m_changes; }

protected:
    void doStart() override;

private:
    QPointer<FollowContext> m_context;
    QString m_key;
    Core::JobUpdate m_update;
    Tracker::JobTracker::Changes m_changes;
};

} // namespace Follow
