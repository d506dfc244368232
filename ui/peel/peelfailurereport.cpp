#include "peel/peelfailurereport.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QStringList>

namespace Ui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Ui::PeelFailureReport", text);
}

QString shown(const QJsonValue &v)
{
    if (v.isBool())
        return v.toBool() ? tr("yes") : tr("no");
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble());
    if (v.isUndefined() || v.isNull())
        return tr("(not given)");
    return QString::fromUtf8(
        QJsonDocument::fromVariant(v.toVariant()).toJson(QJsonDocument::Compact));
}

} // namespace

QString PeelFailureReport::text(const QString &apiId, const Core::JobError &error)
{
    const QJsonObject artifact = error.details.value(QLatin1String("artifact")).toObject();
    QStringList lines;
    lines.append(tr("API: %1").arg(apiId));
    lines.append(tr("Reason code: %1")
                     .arg(error.providerCode.isEmpty() ? tr("(not given)") : error.providerCode));
    lines.append(tr("Message: %1").arg(error.message));
    const QString reason = error.details.value(QLatin1String("non_publishable_reason")).toString();
    if (!reason.isEmpty() && reason != error.message)
        lines.append(tr("Not publishable because: %1").arg(reason));
    lines.append(tr("Class: %1").arg(shown(artifact.value(QLatin1String("class")))));
    // The artifact's own word wins; the adapter's reading is the fallback when there is no
    // artifact.
    lines.append(tr("Retryable: %1")
                     .arg(artifact.contains(QLatin1String("retryable"))
                             ? shown(artifact.value(QLatin1String("retryable")))
                             : shown(error.retryable)));
    lines.append(tr("Billing: %1").arg(shown(artifact.value(QLatin1String("billing")))));
    lines.append(tr("Suggested action: %1")
                     .arg(error.suggestedAction.isEmpty()
                             ? shown(artifact.value(QLatin1String("suggested_action")))
                             : error.suggestedAction));
    lines.append(tr("Support debug id: %1")
                     .arg(error.supportId.isEmpty()
                             ? shown(artifact.value(QLatin1String("support_debug_id")))
                             : error.supportId));
    if (!error.details.isEmpty()) {
        lines.append(QString());
        lines.append(tr("failure as sent:"));
        lines.append(QString::fromUtf8(QJsonDocument(error.details).toJson(QJsonDocument::Indented))
                         .trimmed());
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace Ui
