#include "peelbuilds/buildactions.h"

#include "dialects/adapter.h"
#include "net/httpcall.h"

#include <QJsonParseError>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QTimer>

Q_LOGGING_CATEGORY(lcPeelBuilds, "jobscope.peelbuilds")

namespace PeelBuilds {

struct BuildActions::Pending
{
    BuildResult result;
    Callback callback;
    QPointer<Net::HttpCall> call;
};

namespace {

// Respond, revise and rebuild answer with the build's record; the rest with their own documents.
bool answersWithRecord(BuildResult::Action a)
{
    return a == BuildResult::Action::Respond || a == BuildResult::Action::Revise
        || a == BuildResult::Action::Rebuild;
}

} // namespace

BuildActions::BuildActions(
    QNetworkAccessManager *nam, const Core::Profile &profile, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_adapter(Dialects::Adapter::create(profile))
{
    qRegisterMetaType<PeelBuilds::BuildResult>();
}

BuildActions::~BuildActions()
{
    cancelAll();
}

const Core::Profile &BuildActions::profile() const
{
    return m_adapter->profile();
}

int BuildActions::respond(const QString &apiId, const QJsonObject &response, Callback callback)
{
    const QJsonObject body { { QStringLiteral("response"), response } };
    return send(BuildResult::Action::Respond, apiId, {}, m_adapter->respond({ apiId, {} }, body),
        std::move(callback));
}

int BuildActions::revise(const QString &apiId, const QJsonObject &body, Callback callback)
{
    return send(BuildResult::Action::Revise, apiId, {}, m_adapter->revise({ apiId, {} }, body),
        std::move(callback));
}

int BuildActions::rebuild(const QString &apiId, Callback callback)
{
    return send(BuildResult::Action::Rebuild, apiId, {}, m_adapter->rebuild({ apiId, {} }),
        std::move(callback));
}

int BuildActions::health(const QString &apiId, Callback callback)
{
    return send(BuildResult::Action::Health, apiId, {}, m_adapter->health({ apiId, {} }),
        std::move(callback));
}

int BuildActions::exportSpec(const QString &apiId, const QString &format, Callback callback)
{
    return send(BuildResult::Action::Export, apiId, format,
        m_adapter->exportSpec({ apiId, {} }, format), std::move(callback));
}

int BuildActions::call(
    const QString &apiId, const QString &endpoint, const QJsonObject &input, Callback callback)
{
    return send(BuildResult::Action::Call, apiId, endpoint, m_adapter->call(apiId, endpoint, input),
        std::move(callback));
}

void BuildActions::cancelAll()
{
    const auto pending = std::exchange(m_pending, {});
    for (const auto &p : pending) {
        if (p->call) {
            p->call->disconnect(this);
            p->call->kill();
        }
    }
}

int BuildActions::send(BuildResult::Action action, const QString &apiId, const QString &detail,
    const std::optional<Dialects::RequestSpec> &spec, Callback callback)
{
    const int id = m_nextId++;
    auto p = std::make_shared<Pending>();
    p->result.requestId = id;
    p->result.action = action;
    p->result.apiId = apiId;
    p->result.detail = detail;
    p->callback = std::move(callback);
    m_pending.insert(id, p);

    if (!spec || apiId.isEmpty()) {
        // Still answered later, never from inside the call: callers connect and store the id first.
        p->result.error.kind = Core::JobError::Kind::Invalid;
        p->result.error.message = apiId.isEmpty()
            ? QStringLiteral("no API id to %1").arg(BuildResult::actionName(action))
            : action == BuildResult::Action::Export && m_adapter->dialect() == Core::Dialect::Peel
            ? QStringLiteral("unknown export format \"%1\" (openapi or mcp)").arg(detail)
            : QStringLiteral("profile \"%1\" is a %2 profile; %3 is a Peel action")
                  .arg(profile().name, Core::dialectName(m_adapter->dialect()),
                      BuildResult::actionName(action));
        QTimer::singleShot(0, this, [this, id] { complete(id); });
        return id;
    }

    auto *call = new Net::HttpCall(m_nam, spec->method, spec->networkRequest(), spec->body, this);
    call->setTimeoutMs(m_timeoutMs);
    p->call = call;
    connect(call, &Core::Operation::result, this, [this, id, call] {
        const auto it = m_pending.constFind(id);
        if (it == m_pending.constEnd())
            return;
        BuildResult &r = (*it)->result;
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
                r.error.message
                    = QStringLiteral("the %1 answer is not JSON: %2")
                          .arg(BuildResult::actionName(r.action), parseError.errorString());
            } else if (answersWithRecord(r.action)) {
                r.record = m_adapter->parseStatus({ r.apiId, {} }, r.httpStatus, r.body);
            }
        }
        if (r.error.isError())
            qCDebug(lcPeelBuilds) << BuildResult::actionName(r.action) << r.apiId
                                  << "failed:" << r.httpStatus << r.error.message;
        complete(id);
    });
    call->start();
    return id;
}

void BuildActions::complete(int id)
{
    const std::shared_ptr<Pending> p = m_pending.take(id);
    if (!p)
        return;
    deliver(p->result, p->callback);
}

void BuildActions::deliver(BuildResult result, const Callback &callback)
{
    // The callback may delete this object (a view closing on an answer); the signal goes first.
    QPointer<BuildActions> self(this);
    Q_EMIT finished(result);
    if (self && callback)
        callback(result);
}

} // namespace PeelBuilds
