#pragma once

#include "core/operation.h"
#include "peelbuilds/buildresult.h"

#include <QPointer>

namespace Dialects {
class Adapter;
}
namespace Net {
class HttpCall;
}

namespace PeelBuilds {

// One Peel build action in flight (see BuildActions), reported like all work that takes time
// (Core::Operation): result() once, later, then it deletes itself. outcome() is what came back;
// the operation fails exactly when outcome().error is an error, with that error.
class BuildOperation final : public Core::Operation
{
    Q_OBJECT

public:
    // `call` (not started, may be null when the request cannot be made: `refusal` says why) is
    // taken as a child; `adapter` reads the answer and must outlive the operation.
    BuildOperation(BuildResult request, Net::HttpCall *call, const Dialects::Adapter *adapter,
        const Core::JobError &refusal, QObject *parent);

    const BuildResult &outcome() const { return m_outcome; }

protected:
    void doStart() override;
    void doKill() override;

private:
    void read();

    BuildResult m_outcome;
    QPointer<Net::HttpCall> m_call;
    const Dialects::Adapter *m_adapter;
};

} // namespace PeelBuilds
