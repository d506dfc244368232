#include "dialects/peeladapter.h"

#include "dialects/parsing.h"

namespace Dialects {

using Parsing::addProblem;

namespace {
QLatin1String k(const char *key)
{
    return QLatin1String(key);
}
} // namespace

PeelAdapter::PeelAdapter(Core::Profile profile)
    : Adapter(std::move(profile))
{ }

QString PeelAdapter::apiPath(const JobRef &job) const
{
    return QStringLiteral("v1/apis/") + pathSegment(job.id);
}

RequestSpec PeelAdapter::status(const JobRef &job) const
{
    return request("GET", apiPath(job));
}

std::optional<RequestSpec> PeelAdapter::respond(const JobRef &job, const QJsonObject &body) const
{
    return request("POST", apiPath(job) + QStringLiteral("/respond"), jsonBytes(body));
}

std::optional<RequestSpec> PeelAdapter::revise(const JobRef &job, const QJsonObject &body) const
{
    return request("POST", apiPath(job) + QStringLiteral("/revise"), jsonBytes(body));
}

std::optional<RequestSpec> PeelAdapter::rebuild(const JobRef &job) const
{
    // The document gives no body; an empty JSON object keeps the request a well-formed JSON POST.
    return request("POST", apiPath(job) + QStringLiteral("/rebuild"), jsonBytes(QJsonObject {}));
}

std::optional<RequestSpec> PeelAdapter::health(const JobRef &job) const
{
    return request("GET", apiPath(job) + QStringLiteral("/health"));
}

std::optional<RequestSpec> PeelAdapter::exportSpec(const JobRef &job, const QString &format) const
{
    const QString f = format.toLower();
    if (f != QLatin1String("openapi") && f != QLatin1String("mcp"))
        return std::nullopt;
    return request("GET", apiPath(job) + QStringLiteral("/exports/") + f);
}

std::optional<RequestSpec> PeelAdapter::call(
    const QString &apiId, const QString &endpoint, const QJsonObject &body) const
{
    return request("POST",
        QStringLiteral("v1/apis/") + pathSegment(apiId) + QStringLiteral("/endpoints/")
            + pathSegment(endpoint) + QStringLiteral(":call"),
        jsonBytes(body));
}

PollPolicy PeelAdapter::pollPolicy(const JobRef &, const QJsonObject &) const
{
    // Builds take tens of seconds to minutes and the document has no schedule: start at 3 s,
    // then back off like the others.
    return PollPolicy { 3000, 2.0, 30000 };
}

std::optional<Core::JobState> PeelAdapter::normalizedState(const QString &raw) const
{
    if (raw == QLatin1String("queued"))
        return Core::JobState::Queued;
    if (raw == QLatin1String("running"))
        return Core::JobState::Running;
    if (raw == QLatin1String("needs_input"))
        return Core::JobState::NeedsInput;
    if (raw == QLatin1String("completed"))
        return Core::JobState::Succeeded;
    if (raw == QLatin1String("failed"))
        return Core::JobState::Failed;
    return std::nullopt;
}

void PeelAdapter::readRecord(const QJsonObject &o, Core::JobUpdate *u) const
{
    applyStatus(o.value(k("status")), u);
    Parsing::copyTimeMs(o, k("created_at"), &u->timings, k("created_ms"), &u->problem);
    Parsing::copyTimeMs(o, k("updated_at"), &u->timings, k("updated_ms"), &u->problem);
    if (const auto endpoints = Parsing::arrayField(o, k("endpoints"), &u->problem))
        u->extra.insert(k("endpoints"), *endpoints);
    if (const auto prompt = Parsing::objectField(o, k("user_input_prompt"), &u->problem))
        u->extra.insert(k("user_input_prompt"), *prompt);
    if (const auto matched = Parsing::boolField(o, k("matched"), &u->problem))
        u->extra.insert(k("matched"), *matched);
    if (const auto links = Parsing::objectField(o, k("links"), &u->problem))
        u->extra.insert(k("links"), *links);
    if (const auto build = Parsing::objectField(o, k("build"), &u->problem))
        u->extra.insert(k("build"), *build);
    for (const char *key : { "source_url", "instructions", "auth_mode" }) {
        if (const auto text = Parsing::stringField(o, k(key), &u->problem))
            u->extra.insert(k(key), *text);
    }
    if (const auto session = Parsing::boolField(o, k("requires_session"), &u->problem))
        u->extra.insert(k("requires_session"), *session);
    readFailure(o, u);
}

void PeelAdapter::readFailure(const QJsonObject &o, Core::JobUpdate *u)
{
    const std::optional<QString> code
        = Parsing::stringField(o, k("failure_reason_code"), &u->problem);
    const std::optional<QJsonObject> failure = Parsing::objectField(o, k("failure"), &u->problem);
    if ((!code || code->isEmpty()) && !failure)
        return;
    Core::JobError &e = u->error;
    e.kind = Core::JobError::Kind::Job;
    e.providerCode = code.value_or(QString());
    if (failure) {
        e.details = *failure;
        e.message = Parsing::stringField(*failure, k("message"), &u->problem).value_or(QString());
        const QString reason
            = Parsing::stringField(*failure, k("non_publishable_reason"), &u->problem)
                  .value_or(QString());
        if (e.message.isEmpty())
            e.message = reason;
        if (const auto artifact = Parsing::objectField(*failure, k("artifact"), &u->problem)) {
            e.retryable
                = Parsing::boolField(*artifact, k("retryable"), &u->problem).value_or(false);
            e.supportId = Parsing::stringField(*artifact, k("support_debug_id"), &u->problem)
                              .value_or(QString());
            e.suggestedAction = Parsing::stringField(*artifact, k("suggested_action"), &u->problem)
                                    .value_or(QString());
        }
    }
    if (e.message.isEmpty())
        e.message = e.providerCode.isEmpty() ? QStringLiteral("the build failed") : e.providerCode;
}

SubmitResult PeelAdapter::parseSubmit(const QString &, int httpStatus, const QByteArray &body) const
{
    return submitFrom(httpStatus, body);
}

Core::JobUpdate PeelAdapter::parseStatus(
    const JobRef &job, int httpStatus, const QByteArray &body) const
{
    return statusFrom(job, httpStatus, body);
}

} // namespace Dialects
