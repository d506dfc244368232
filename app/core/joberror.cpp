#include "core/joberror.h"

namespace Core {

QString JobError::kindName(Kind k)
{
    switch (k) {
    case Kind::None:
        return QStringLiteral("none");
    case Kind::Network:
        return QStringLiteral("network");
    case Kind::Timeout:
        return QStringLiteral("timeout");
    case Kind::Http:
        return QStringLiteral("http");
    case Kind::Auth:
        return QStringLiteral("auth");
    case Kind::NotFound:
        return QStringLiteral("not_found");
    case Kind::Conflict:
        return QStringLiteral("conflict");
    case Kind::Invalid:
        return QStringLiteral("invalid");
    case Kind::RateLimit:
        return QStringLiteral("rate_limit");
    case Kind::Protocol:
        return QStringLiteral("protocol");
    case Kind::Job:
        return QStringLiteral("job");
    case Kind::Storage:
        return QStringLiteral("storage");
    case Kind::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

QJsonObject JobError::toJson() const
{
    QJsonObject o { { QLatin1String("kind"), kindName(kind) },
        { QLatin1String("message"), message }, { QLatin1String("retryable"), retryable } };
    if (httpStatus)
        o.insert(QLatin1String("http_status"), httpStatus);
    if (!providerCode.isEmpty())
        o.insert(QLatin1String("code"), providerCode);
    if (!supportId.isEmpty())
        o.insert(QLatin1String("support_id"), supportId);
    if (!suggestedAction.isEmpty())
        o.insert(QLatin1String("suggested_action"), suggestedAction);
    if (!details.isEmpty())
        o.insert(QLatin1String("details"), details);
    return o;
}

JobError JobError::fromJson(const QJsonObject &o)
{
    JobError e;
    const QString kind = o.value(QLatin1String("kind")).toString();
    for (int k = int(Kind::None); k <= int(Kind::Cancelled); ++k) {
        if (kindName(Kind(k)) == kind)
            e.kind = Kind(k);
    }
    e.httpStatus = o.value(QLatin1String("http_status")).toInt();
    e.providerCode = o.value(QLatin1String("code")).toString();
    e.message = o.value(QLatin1String("message")).toString();
    e.retryable = o.value(QLatin1String("retryable")).toBool();
    e.supportId = o.value(QLatin1String("support_id")).toString();
    e.suggestedAction = o.value(QLatin1String("suggested_action")).toString();
    e.details = o.value(QLatin1String("details")).toObject();
    return e;
}

} // namespace Core
