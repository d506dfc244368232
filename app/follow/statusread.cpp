#include "follow/statusread.h"

#include "dialects/adapter.h"
#include "follow/followcontext.h"
#include "net/httpcall.h"

#include <QDateTime>

namespace Follow {

StatusRead::StatusRead(FollowContext *context, const QString &key, QObject *parent)
    : Core::Operation(parent)
    , m_context(context)
    , m_key(key)
{ }

StatusRead::~StatusRead() = default;

void StatusRead::doStart()
{
    const Tracker::TrackedJob *job = m_context ? m_context->tracker()->job(m_key) : nullptr;
    Dialects::Adapter *adapter = job ? m_context->adapter(job->profile) : nullptr;
    if (!adapter) {
        Core::JobError e;
        e.kind = Core::JobError::Kind::Invalid;
        e.message = job ? QStringLiteral("no profile named %1").arg(job->profile)
                        : QStringLiteral("unknown job %1").arg(m_key);
        return emitResult(e);
    }
    const Dialects::JobRef ref { job->remote(), job->task };
    const Dialects::RequestSpec spec = adapter->status(ref);
    auto *call = new Net::HttpCall(
        m_context->network(), spec.method, spec.networkRequest(), spec.body, this);
    call->setTraffic(m_context->trafficLog(), m_key);
    connect(call, &Core::Operation::result, this, [this, call, ref, profile = job->profile] {
        Dialects::Adapter *adapter = m_context ? m_context->adapter(profile) : nullptr;
        if (call->failed() || !adapter) {
            Core::JobError e = call->error();
            if (adapter)
                e = adapter->errorFrom(0, int(call->networkError()), {}, call->networkMessage());
            return emitResult(e);
        }
        m_update = adapter->parseStatus(ref, call->httpStatus(), call->body());
        m_update.jobId = m_key;
        m_update.channel = Core::Channel::Poll;
        m_update.receivedMs = QDateTime::currentMSecsSinceEpoch();
        if (m_update.error.isError() && m_update.error.kind != Core::JobError::Kind::Job)
            return emitResult(m_update.error);
        m_changes = m_context->record(m_update);
        emitResult();
    });
    call->start();
}

} // namespace Follow
