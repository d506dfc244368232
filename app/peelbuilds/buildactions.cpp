#include "peelbuilds/buildactions.h"

#include "dialects/adapter.h"
#include "net/httpcall.h"
#include "peelbuilds/buildoperation.h"

#include <QNetworkRequest>

namespace PeelBuilds {

BuildActions::BuildActions(
    QNetworkAccessManager *nam, const Core::Profile &profile, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_adapter(Dialects::Adapter::create(profile))
{ }

BuildActions::~BuildActions()
{
    cancelAll();
}

const Core::Profile &BuildActions::profile() const
{
    return m_adapter->profile();
}

BuildOperation *BuildActions::respond(const QString &apiId, const QJsonObject &response)
{
    const QJsonObject body { { QStringLiteral("response"), response } };
    return send(BuildResult::Action::Respond, apiId, {}, m_adapter->respond({ apiId, {} }, body));
}

BuildOperation *BuildActions::revise(const QString &apiId, const QJsonObject &body)
{
    return send(BuildResult::Action::Revise, apiId, {}, m_adapter->revise({ apiId, {} }, body));
}

BuildOperation *BuildActions::rebuild(const QString &apiId)
{
    return send(BuildResult::Action::Rebuild, apiId, {}, m_adapter->rebuild({ apiId, {} }));
}

BuildOperation *BuildActions::health(const QString &apiId)
{
    return send(BuildResult::Action::Health, apiId, {}, m_adapter->health({ apiId, {} }));
}

BuildOperation *BuildActions::exportSpec(const QString &apiId, const QString &format)
{
    return send(
        BuildResult::Action::Export, apiId, format, m_adapter->exportSpec({ apiId, {} }, format));
}

BuildOperation *BuildActions::call(
    const QString &apiId, const QString &endpoint, const QJsonObject &input)
{
    return send(
        BuildResult::Action::Call, apiId, endpoint, m_adapter->call(apiId, endpoint, input));
}

int BuildActions::pendingCount() const
{
    return int(findChildren<BuildOperation *>(Qt::FindDirectChildrenOnly).size());
}

void BuildActions::cancelAll()
{
    // Deleted, not killed: nothing in flight reports any more (its call is aborted with it).
    qDeleteAll(findChildren<BuildOperation *>(Qt::FindDirectChildrenOnly));
}

BuildOperation *BuildActions::send(BuildResult::Action action, const QString &apiId,
    const QString &detail, const std::optional<Dialects::RequestSpec> &spec)
{
    BuildResult request;
    request.action = action;
    request.apiId = apiId;
    request.detail = detail;
    Core::JobError refusal;
    Net::HttpCall *call = nullptr;
    if (!spec || apiId.isEmpty()) {
        refusal.kind = Core::JobError::Kind::Invalid;
        refusal.message = apiId.isEmpty()
            ? QStringLiteral("no API id to %1").arg(BuildResult::actionName(action))
            : action == BuildResult::Action::Export && m_adapter->dialect() == Core::Dialect::Peel
            ? QStringLiteral("unknown export format \"%1\" (openapi or mcp)").arg(detail)
            : QStringLiteral("profile \"%1\" is a %2 profile; %3 is a Peel action")
                  .arg(profile().name, Core::dialectName(m_adapter->dialect()),
                      BuildResult::actionName(action));
    } else {
        call = new Net::HttpCall(m_nam, spec->method, spec->networkRequest(), spec->body);
        call->setTimeoutMs(m_timeoutMs);
    }
    auto *op = new BuildOperation(request, call, m_adapter.get(), refusal, this);
    op->start();
    return op;
}

} // namespace PeelBuilds
