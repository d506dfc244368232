#include "sandbox/dialect.h"

namespace Sandbox {

QString DialectTable::name(Dialect d)
{
    switch (d) {
    case Dialect::PeelApi:
        return QStringLiteral("peelapi");
    case Dialect::ImagePipeline:
        return QStringLiteral("imagepipeline");
    case Dialect::Peel:
        return QStringLiteral("peel");
    case Dialect::Peako:
        return QStringLiteral("peako");
    case Dialect::DeApi:
        return QStringLiteral("deapi");
    }
    return {};
}

std::optional<Dialect> DialectTable::fromName(QStringView n)
{
    for (Dialect d : { Dialect::PeelApi, Dialect::ImagePipeline, Dialect::Peel, Dialect::Peako,
             Dialect::DeApi }) {
        if (n == name(d))
            return d;
    }
    return std::nullopt;
}

QString DialectTable::rawState(Dialect d, Phase p)
{
    switch (d) {
    case Dialect::PeelApi: // 000: queued, processing, succeeded, failed
        switch (p) {
        case Phase::Queued:
            return QStringLiteral("queued");
        case Phase::Running:
            return QStringLiteral("processing");
        case Phase::Succeeded:
            return QStringLiteral("succeeded");
        case Phase::Failed:
            return QStringLiteral("failed");
        default:
            return {};
        }
    case Dialect::ImagePipeline: // 001: queued, pending, processing, completed, failed, cancelled
        switch (p) {
        case Phase::Queued:
            return QStringLiteral("queued");
        case Phase::Pending:
            return QStringLiteral("pending");
        case Phase::Running:
            return QStringLiteral("processing");
        case Phase::Succeeded:
            return QStringLiteral("completed");
        case Phase::Failed:
            return QStringLiteral("failed");
        case Phase::Cancelled:
            return QStringLiteral("cancelled");
        default:
            return {};
        }
    case Dialect::Peel: // 002: queued, running, needs_input, completed, failed
        switch (p) {
        case Phase::Queued:
            return QStringLiteral("queued");
        case Phase::Running:
            return QStringLiteral("running");
        case Phase::NeedsInput:
            return QStringLiteral("needs_input");
        case Phase::Succeeded:
            return QStringLiteral("completed");
        case Phase::Failed:
            return QStringLiteral("failed");
        default:
            return {};
        }
    case Dialect::Peako: // 003: queued, active, done, failed (+ cancelled from the cancel route)
        switch (p) {
        case Phase::Queued:
            return QStringLiteral("queued");
        case Phase::Running:
            return QStringLiteral("active");
        case Phase::Succeeded:
            return QStringLiteral("done");
        case Phase::Failed:
            return QStringLiteral("failed");
        case Phase::Cancelled:
            return QStringLiteral("cancelled");
        default:
            return {};
        }
    case Dialect::DeApi: // 004: pending, processing, done, error
        switch (p) {
        case Phase::Queued:
            return QStringLiteral("pending");
        case Phase::Running:
            return QStringLiteral("processing");
        case Phase::Succeeded:
            return QStringLiteral("done");
        case Phase::Failed:
            return QStringLiteral("error");
        default:
            return {};
        }
    }
    return {};
}

std::optional<Phase> DialectTable::phaseFromName(Dialect d, QStringView word)
{
    const Phase all[] = { Phase::Queued, Phase::Pending, Phase::Running, Phase::NeedsInput,
        Phase::Succeeded, Phase::Failed, Phase::Cancelled };
    for (Phase p : all) {
        if (!hasPhase(d, p))
            continue;
        if (word == rawState(d, p) || word == phaseName(p) || word == normalizedName(p))
            return p;
    }
    return std::nullopt;
}

QString DialectTable::normalizedName(Phase p)
{
    switch (p) {
    case Phase::Queued:
    case Phase::Pending:
        return QStringLiteral("queued");
    case Phase::Running:
        return QStringLiteral("running");
    case Phase::NeedsInput:
        return QStringLiteral("needs_input");
    case Phase::Succeeded:
        return QStringLiteral("succeeded");
    case Phase::Failed:
        return QStringLiteral("failed");
    case Phase::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

QString DialectTable::phaseName(Phase p)
{
    return p == Phase::Pending ? QStringLiteral("pending") : normalizedName(p);
}

qint64 DialectTable::retentionMs(Dialect d)
{
    constexpr qint64 day = 24LL * 3600 * 1000;
    return d == Dialect::Peako ? 7 * day : 0;
}

qint64 DialectTable::resultUrlTtlMs(Dialect d)
{
    constexpr qint64 hour = 3600LL * 1000;
    switch (d) {
    case Dialect::ImagePipeline:
        return 24 * hour; // "expire within 24 hours"
    case Dialect::Peako:
        return 7 * 24 * hour; // "accessible for 7 days after the job completes"
    default:
        return 24 * hour; // silent documents: see docs/dialects.md
    }
}

} // namespace Sandbox
