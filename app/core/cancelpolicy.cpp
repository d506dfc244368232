#include "core/cancelpolicy.h"

namespace Core {

QString CancelPolicy::serviceName(Dialect dialect)
{
    switch (dialect) {
    case Dialect::PeelApi:
        return QStringLiteral("PeelAPI");
    case Dialect::ImagePipeline:
        return QStringLiteral("ImagePipeline");
    case Dialect::Peel:
        return QStringLiteral("Peel");
    case Dialect::Peako:
        return QStringLiteral("Peako");
    case Dialect::DeApi:
        return QStringLiteral("deAPI");
    }
    return {};
}

CancelPolicy::Verdict CancelPolicy::check(
    Dialect dialect, std::optional<JobState> state, const QString &rawStatus, bool sandbox)
{
    // A job seen only through a submit answer may have a raw word but no mapped state yet; the
    // raw word "queued" is the one case where that still allows Peako's DELETE.
    if (!state && rawStatus == QLatin1String("queued"))
        state = JobState::Queued;

    if (state && isTerminal(*state))
        return { false, Route::None, QStringLiteral("already %1").arg(stateName(*state)) };

    const QString shown = rawStatus.isEmpty() && state ? stateName(*state) : rawStatus;
    const bool hasCancelledState = dialect == Dialect::ImagePipeline || dialect == Dialect::Peako;

    if (dialect == Dialect::Peako && state == JobState::Queued)
        return { true, Route::ServiceCall, {} };
    // The control API can reach `cancelled` at any stage, but only in documents that have it.
    if (sandbox && hasCancelledState && state)
        return { true, Route::SandboxControl, {} };
    if (!state)
        return { false, Route::None, QStringLiteral("its state is not known yet") };
    if (dialect == Dialect::Peako)
        return { false, Route::None,
            QStringLiteral("Peako cancels only queued jobs (this one is %1)").arg(shown) };
    return { false, Route::None,
        QStringLiteral("%1 has no cancel call").arg(serviceName(dialect)) };
}

} // namespace Core
