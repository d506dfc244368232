#pragma once

#include "core/operation.h"
#include "qa/controlresult.h"

#include <QPointer>
#include <QStringList>

namespace Net {
class HttpCall;
}

namespace Qa {

// One request to the sandbox's control API (see LifecycleControl), reported like all work that
// takes time (Core::Operation): result() once, later, then it deletes itself. outcome() holds
// the answer; a refusal (409 and the sandbox's reason), another HTTP error or no answer at all
// also fails the operation, with the sandbox's reason as the error's message.
class ControlOperation final : public Core::Operation
{
    Q_OBJECT

public:
    // Takes `call` (not started) as a child: deleting the operation aborts it.
    ControlOperation(
        Net::HttpCall *call, const QString &action, const QString &jobId, QObject *parent);

    const ControlResult &outcome() const { return m_outcome; }
    // GET /_sandbox/failures: the reason codes listed for `dialect`.
    QStringList failureCodes(const QString &dialect) const;

protected:
    void doStart() override;
    void doKill() override;

private:
    QPointer<Net::HttpCall> m_call;
    ControlResult m_outcome;
};

} // namespace Qa
