#include "qa/controloperation.h"

#include "net/httpcall.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Qa {

namespace {

Core::JobError errorOf(const ControlResult &r)
{
    Core::JobError e;
    if (r.ok())
        return e;
    e.httpStatus = r.httpStatus;
    e.message = r.reason;
    using Kind = Core::JobError::Kind;
    switch (r.httpStatus) {
    case 0:
        e.kind = Kind::Network;
        break;
    case 400:
    case 422:
        e.kind = Kind::Invalid;
        break;
    case 401:
    case 403:
        e.kind = Kind::Auth;
        break;
    case 404:
        e.kind = Kind::NotFound;
        break;
    case 409:
        e.kind = Kind::Conflict;
        break;
    default:
        e.kind = Kind::Http;
        break;
    }
    return e;
}

} // namespace

ControlOperation::ControlOperation(
    Net::HttpCall *call, const QString &action, const QString &jobId, QObject *parent)
    : Core::Operation(parent)
    , m_call(call)
{
    call->setParent(this);
    m_outcome.action = action;
    m_outcome.jobId = jobId;
}

QStringList ControlOperation::failureCodes(const QString &dialect) const
{
    QStringList codes;
    for (const QJsonValue &v : m_outcome.body.value(dialect).toArray())
        codes.append(v.toString());
    return codes;
}

void ControlOperation::doStart()
{
    connect(m_call, &Core::Operation::result, this, [this] {
        const Net::HttpCall *call = m_call;
        m_outcome.httpStatus = call->httpStatus();
        m_outcome.body = QJsonDocument::fromJson(call->body()).object();
        if (call->failed())
            m_outcome.reason = call->errorString();
        else if (!m_outcome.ok())
            m_outcome.reason = m_outcome.body.value(QLatin1String("error"))
                                   .toString(QString::fromUtf8(call->body().left(300)));
        emitResult(errorOf(m_outcome));
    });
    m_call->start();
}

void ControlOperation::doKill()
{
    if (m_call) {
        m_call->disconnect(this);
        m_call->kill();
    }
}

} // namespace Qa
