#include "sandbox/failurecatalog.h"

#include <QList>

namespace Sandbox {

namespace {

using Failure = FailureCatalog::Failure;

QList<Failure> table(Dialect d)
{
    switch (d) {
    case Dialect::ImagePipeline:
        return {
            { QStringLiteral("CONTENT_POLICY_VIOLATION"),
                QStringLiteral("The prompt was rejected by the content policy"), false, {}, {}, {},
                {} },
            { QStringLiteral("INVALID_INPUT"),
                QStringLiteral("The input image could not be decoded"), false, {}, {}, {}, {} },
            { QStringLiteral("MODEL_TIMEOUT"),
                QStringLiteral("The model did not finish within its time limit"), true, {}, {}, {},
                {} },
            { QStringLiteral("OUT_OF_MEMORY"), QStringLiteral("The worker ran out of GPU memory"),
                true, {}, {}, {}, {} },
            { QStringLiteral("WORKER_LOST"),
                QStringLiteral("The worker processing the job went away"), true, {}, {}, {}, {} },
            { QStringLiteral("INSUFFICIENT_CREDITS"),
                QStringLiteral("The account has no credits left"), false, {}, {}, {}, {} },
            { QStringLiteral("INTERNAL_ERROR"), QStringLiteral("An internal error occurred"), true,
                {}, {}, {}, {} },
        };
    case Dialect::Peel:
        return {
            { QStringLiteral("TARGET_UNREACHABLE"),
                QStringLiteral("The source site could not be reached"), true,
                QStringLiteral("target_unavailable"), QStringLiteral("not_billed"),
                QStringLiteral("Check that the URL is publicly reachable, then rebuild."),
                QStringLiteral("source_unreachable") },
            { QStringLiteral("NO_STABLE_SURFACE"),
                QStringLiteral("No stable data surface was found for the instructions"), false,
                QStringLiteral("evidence_insufficient"), QStringLiteral("not_billed"),
                QStringLiteral("Revise the instructions to name data the page actually shows."),
                QStringLiteral("no_stable_surface") },
            { QStringLiteral("VERIFICATION_FAILED"),
                QStringLiteral("Candidate endpoints failed runtime verification"), true,
                QStringLiteral("verification"), QStringLiteral("not_billed"),
                QStringLiteral("Rebuild; if it fails again, revise the instructions."),
                QStringLiteral("verification_failed") },
            { QStringLiteral("SESSION_REQUIRED"),
                QStringLiteral("The data is only available behind a login"), false,
                QStringLiteral("auth_required"), QStringLiteral("not_billed"),
                QStringLiteral("Provide a login flow through respond, or choose a public page."),
                QStringLiteral("session_required") },
            { QStringLiteral("POLICY_BLOCKED"),
                QStringLiteral("The requested flow is gated by policy"), false,
                QStringLiteral("policy"), QStringLiteral("not_billed"),
                QStringLiteral("Use read-only data endpoints instead of guided actions."),
                QStringLiteral("policy_blocked") },
            { QStringLiteral("BUILD_TIMEOUT"), QStringLiteral("The build did not finish in time"),
                true, QStringLiteral("timeout"), QStringLiteral("billed"),
                QStringLiteral("Rebuild with a larger timeout_ms."),
                QStringLiteral("build_timeout") },
        };
    case Dialect::PeelApi:
        return {
            { QStringLiteral("invalid_input"), QStringLiteral("The input could not be processed"),
                false, {}, {}, {}, {} },
            { QStringLiteral("no_face_detected"),
                QStringLiteral("No face was detected in the input image"), false, {}, {}, {}, {} },
            { QStringLiteral("model_error"),
                QStringLiteral("The model failed while processing the request"), true, {}, {}, {},
                {} },
            { QStringLiteral("timeout"), QStringLiteral("Processing took too long"), true, {}, {},
                {}, {} },
        };
    case Dialect::Peako:
        return {
            { QStringLiteral("CODEC_UNSUPPORTED"), QStringLiteral("Video codec not supported"),
                false, {}, {}, {}, {} },
            { QStringLiteral("SOURCE_UNREACHABLE"),
                QStringLiteral("The source media could not be downloaded"), true, {}, {}, {}, {} },
            { QStringLiteral("RENDER_CRASHED"), QStringLiteral("The renderer crashed"), true, {},
                {}, {}, {} },
            { QStringLiteral("TEMPLATE_ERROR"),
                QStringLiteral("The template failed to evaluate its props"), false, {}, {}, {},
                {} },
        };
    case Dialect::DeApi:
        return {
            { QStringLiteral("MODEL_UNAVAILABLE"),
                QStringLiteral("The requested model is not available"), true, {}, {}, {}, {} },
            { QStringLiteral("INVALID_PARAMETERS"),
                QStringLiteral("The parameters are not supported by the model"), false, {}, {}, {},
                {} },
            { QStringLiteral("WORKER_TIMEOUT"), QStringLiteral("The GPU worker timed out"), true,
                {}, {}, {}, {} },
            { QStringLiteral("NSFW_DETECTED"),
                QStringLiteral("The output was blocked by the safety filter"), false, {}, {}, {},
                {} },
        };
    }
    return {};
}

} // namespace

QStringList FailureCatalog::codes(Dialect d)
{
    QStringList out;
    for (const Failure &f : table(d))
        out.append(f.code);
    return out;
}

FailureCatalog::Failure FailureCatalog::lookup(Dialect d, const QString &code)
{
    for (const Failure &f : table(d)) {
        if (f.code.compare(code, Qt::CaseInsensitive) == 0)
            return f;
    }
    Failure f;
    f.code = code.isEmpty() ? defaultCode(d) : code;
    f.message = QStringLiteral("The job failed (%1)").arg(f.code);
    f.failureClass = QStringLiteral("internal");
    f.billing = QStringLiteral("not_billed");
    f.suggestedAction
        = QStringLiteral("Retry later; contact support with the support_debug_id if it persists.");
    f.nonPublishableReason = QStringLiteral("internal_error");
    return f;
}

QString FailureCatalog::defaultCode(Dialect d)
{
    const QList<Failure> t = table(d);
    return t.isEmpty() ? QStringLiteral("INTERNAL_ERROR") : t.last().code;
}

} // namespace Sandbox
