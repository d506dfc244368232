#include "peelbuilds/buildoperation.h"

#include "dialects/adapter.h"
#include "net/httpcall.h"

#include <QJsonParseError>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcPeelBuilds, "jobscope.peelbuilds")

namespace PeelBuilds {

namespace {

// Respond, revise and rebuild answer with the build's record; the rest with their own documents.
bool answersWithRecord(BuildResult::Action a)
{
    return a == BuildResult::Action::Respond || a == BuildResult::Action::Revise
        || a == BuildResult::Action::Rebuild;
}

} // namespace

BuildOperation::BuildOperation(BuildResult request, Net::HttpCall *call,
    const Dialects::Adapter *adapter, const Core::JobError &refusal, QObject *parent)
    : Core::Operation(parent)
    , m_outcome(std::move(request))
    , m_call(call)
    , m_adapter(adapter)
{
    m_outcome.error = refusal;
    if (call)
        call->setParent(this);
}

void BuildOperation::doStart()
{
    if (!m_call) {
        emitResult(m_outcome.error); // the refusal, still reported later than the call
        return;
    }
    connect(m_call, &Core::Operation::result, this, &BuildOperation::read);
    m_call->start();
}

void BuildOperation::doKill()
{
    if (m_call) {
        m_call->disconnect(this);
        m_call->kill();
    }
}

void BuildOperation::read()
{
    const Net::HttpCall *call = m_call;
    BuildResult &r = m_outcome;
    r.httpStatus = call->httpStatus();
    r.body = call->body();
    r.elapsedMs = call->elapsedMs();
    QJsonParseError parseError {};
    r.json = QJsonDocument::fromJson(r.body, &parseError);
    r.error = m_adapter->errorFrom(
        r.httpStatus, int(call->networkError()), r.body, call->networkMessage());
    if (!r.error.isError()) {
        // An export may legitimately be YAML; everything else the service answers is JSON.
        if (r.json.isNull() && r.action != BuildResult::Action::Export) {
            r.error.kind = Core::JobError::Kind::Protocol;
            r.error.httpStatus = r.httpStatus;
            r.error.message = QStringLiteral("the %1 answer is not JSON: %2")
                                  .arg(BuildResult::actionName(r.action), parseError.errorString());
        } else if (answersWithRecord(r.action)) {
            r.record = m_adapter->parseStatus({ r.apiId, {} }, r.httpStatus, r.body);
        }
    }
    if (r.error.isError())
        qCDebug(lcPeelBuilds) << BuildResult::actionName(r.action) << r.apiId
                              << "failed:" << r.httpStatus << r.error.message;
    emitResult(r.error);
}

} // namespace PeelBuilds
