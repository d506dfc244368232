#include "sandbox/frontbase.h"

#include "catalog/schemavalidator.h"
#include "catalog/taskcatalog.h"
#include "sandbox/httpcontext.h"
#include "sandbox/jobengine.h"
#include "sandbox/resulturls.h"

#include <QDateTime>

namespace Sandbox {

FrontBase::FrontBase(Dialect dialect, ServiceContext &context)
    : m_dialect(dialect)
    , m_ctx(context)
{ }

bool FrontBase::hasValidKey(const HttpContext &ctx, KeyScheme scheme) const
{
    QByteArray given;
    if (scheme == KeyScheme::Bearer) {
        const QByteArray auth = ctx.header("Authorization");
        if (auth.size() > 7 && auth.left(7).compare("Bearer ", Qt::CaseInsensitive) == 0)
            given = auth.mid(7).trimmed();
    } else {
        given = ctx.header("X-API-Key");
    }
    const QByteArray expected = m_ctx.account(m_dialect).apiKey.toUtf8();
    if (given.size() != expected.size() || expected.isEmpty())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < expected.size(); ++i)
        diff |= uchar(given.at(i) ^ expected.at(i));
    return diff == 0;
}

bool FrontBase::parseSubmission(const HttpContext &ctx, const Catalog::TaskInfo &task,
    const char *callbackField, Submission *out, QString *error) const
{
    const auto body = ctx.jsonBody(error);
    if (!body)
        return false;
    QJsonObject input = *body;
    const QJsonValue sandbox = input.take(QLatin1String("sandbox"));
    if (!sandbox.isUndefined() && !sandbox.isObject()) {
        *error = QStringLiteral("sandbox: must be an object");
        return false;
    }
    QString controlError;
    out->control = JobControl::fromJson(sandbox.toObject(), &controlError);
    if (!controlError.isEmpty()) {
        *error = controlError;
        return false;
    }
    if (!out->control.hold.isEmpty()
        && !DialectTable::phaseFromName(m_dialect, out->control.hold)) {
        *error = QStringLiteral("sandbox.hold: %1 has no state \"%2\"")
                     .arg(DialectTable::name(m_dialect), out->control.hold);
        return false;
    }
    const auto problems = Catalog::SchemaValidator::validate(input, task.inputSchema);
    if (!problems.isEmpty()) {
        *error = Catalog::SchemaValidator::describe(problems);
        return false;
    }
    if (callbackField)
        out->callbackUrl = input.value(QLatin1String(callbackField)).toString();
    out->input = Catalog::SchemaValidator::withDefaults(input, task.inputSchema);
    return true;
}

QString FrontBase::resultUrl(const Job &job, const OutputFile &file) const
{
    const qint64 t = std::max(m_ctx.engine->now(), job.urlsRevokedBeforeMs);
    const qint64 ttl = job.control.expireAfterS >= 0
        ? qint64(job.control.expireAfterS) * 1000
        : qint64(DialectTable::resultUrlTtlMs(m_dialect) / m_ctx.engine->speed());
    return m_ctx.urls->mint(prefix(), job.id, file.name, t, ttl);
}

QString FrontBase::isoTime(qint64 ms)
{
    if (ms <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

Job *FrontBase::ownJob(const QString &id) const
{
    Job *job = m_ctx.engine->find(id);
    return job && job->dialect == m_dialect ? job : nullptr;
}

} // namespace Sandbox
