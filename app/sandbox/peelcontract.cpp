#include "sandbox/peelcontract.h"

#include "catalog/schemavalidator.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QUrl>

namespace Sandbox {

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

bool isNumericField(const QString &name)
{
    static const QStringList numeric { QStringLiteral("score"), QStringLiteral("points"),
        QStringLiteral("count"), QStringLiteral("price"), QStringLiteral("rank"),
        QStringLiteral("comments"), QStringLiteral("rating"), QStringLiteral("votes"),
        QStringLiteral("stars") };
    for (const QString &n : numeric) {
        if (name.contains(n))
            return true;
    }
    return false;
}

QStringList fieldsOf(const QString &instructions)
{
    const qsizetype at = instructions.indexOf(QLatin1String(" with "), 0, Qt::CaseInsensitive);
    if (at < 0)
        return { QStringLiteral("title"), QStringLiteral("url") };
    QString list = instructions.mid(at + 6);
    list.replace(
        QRegularExpression(QStringLiteral("\\band\\b"), QRegularExpression::CaseInsensitiveOption),
        QStringLiteral(","));
    QStringList fields;
    for (QString f : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        f = f.trimmed().toLower();
        f.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("_"));
        f.remove(QRegularExpression(QStringLiteral("^_+|_+$")));
        if (!f.isEmpty() && !fields.contains(f) && fields.size() < 12)
            fields.append(f);
    }
    return fields.isEmpty() ? QStringList { QStringLiteral("title"), QStringLiteral("url") }
                            : fields;
}

QString endpointName(const QString &instructions)
{
    QString head = instructions.section(QRegularExpression(QStringLiteral("\\s+with\\s+"),
                                            QRegularExpression::CaseInsensitiveOption),
        0, 0);
    QStringList words = head.toLower().split(
        QRegularExpression(QStringLiteral("[^a-z0-9]+")), Qt::SkipEmptyParts);
    while (words.size() > 5)
        words.removeLast();
    return words.isEmpty() ? QStringLiteral("get_items") : words.join(QLatin1Char('_'));
}

} // namespace

QJsonArray PeelContract::endpointsFor(const QString &sourceUrl, const QString &instructions)
{
    const QStringList fields = fieldsOf(instructions);
    QJsonObject itemProps;
    for (const QString &f : fields)
        itemProps.insert(f,
            QJsonObject { { k("type"),
                isNumericField(f) ? QStringLiteral("integer") : QStringLiteral("string") } });
    const QJsonObject input { { k("type"), QStringLiteral("object") },
        { k("additionalProperties"), false },
        { k("properties"),
            QJsonObject { { k("limit"),
                QJsonObject { { k("type"), QStringLiteral("integer") }, { k("minimum"), 1 },
                    { k("maximum"), 100 }, { k("default"), 10 },
                    { k("description"), QStringLiteral("How many items to return") } } } } } };
    const QJsonObject output { { k("type"), QStringLiteral("object") },
        { k("properties"),
            QJsonObject { { k("items"),
                QJsonObject { { k("type"), QStringLiteral("array") },
                    { k("items"),
                        QJsonObject { { k("type"), QStringLiteral("object") },
                            { k("properties"), itemProps } } } } } } } };
    QJsonArray observed;
    for (const QString &f : fields)
        observed.append(f);
    const QString host = QUrl(sourceUrl).host();
    return QJsonArray { QJsonObject { { k("endpoint_name"), endpointName(instructions) },
        { k("method"), QStringLiteral("GET") }, { k("description"), instructions },
        { k("auth_requirement"), QStringLiteral("public") },
        { k("endpoint_type"), QStringLiteral("data") }, { k("input_schema"), input },
        { k("output_schema"), output },
        { k("runtime_policy"),
            QJsonObject { { k("network"), QJsonArray { host } },
                { k("filesystem"), QStringLiteral("none") },
                { k("environment"), QStringLiteral("none") }, { k("imports"), QJsonArray {} },
                { k("timeout_ms"), 10000 } } },
        { k("runtime_verification"),
            QJsonObject { { k("status"), QStringLiteral("verified") }, { k("field_coverage"), 1.0 },
                { k("item_count"), 10 }, { k("observed_fields"), observed },
                { k("missing_fields"), QJsonArray {} }, { k("reason"), QJsonValue::Null } } },
        { k("credit_cost"), 1 } } };
}

PeelContract::CallResult PeelContract::call(
    const QJsonObject &endpoint, const QString &sourceUrl, const QJsonObject &input)
{
    QElapsedTimer timer;
    timer.start();
    CallResult r;
    const auto problems
        = Catalog::SchemaValidator::validate(input, endpoint.value(k("input_schema")).toObject());
    if (!problems.isEmpty()) {
        r.httpStatus = 400;
        r.envelope = QJsonObject { { k("status"), QStringLiteral("error") },
            { k("status_code"), 400 }, { k("data"), QJsonValue::Null },
            { k("error"), Catalog::SchemaValidator::describe(problems) },
            { k("error_code"), QStringLiteral("INVALID_INPUT") }, { k("execution_time"), 0 } };
        return r;
    }
    const int limit = input.value(k("limit")).toInt(10);
    const QJsonObject props = endpoint.value(k("output_schema"))
                                  .toObject()
                                  .value(k("properties"))
                                  .toObject()
                                  .value(k("items"))
                                  .toObject()
                                  .value(k("items"))
                                  .toObject()
                                  .value(k("properties"))
                                  .toObject();
    const QString host = QUrl(sourceUrl).host();
    const QByteArray seed = QCryptographicHash::hash(sourceUrl.toUtf8(), QCryptographicHash::Md5);
    QJsonArray items;
    for (int i = 0; i < limit; ++i) {
        QJsonObject item;
        for (auto it = props.begin(); it != props.end(); ++it) {
            const int n = (quint8(seed.at(i % seed.size())) * 7 + i * 13) % 500;
            if (it.value().toObject().value(k("type")).toString() == QLatin1String("integer"))
                item.insert(it.key(), n + (limit - i) * 3);
            else if (it.key().contains(QLatin1String("url"))
                || it.key().contains(QLatin1String("link")))
                item.insert(it.key(), QStringLiteral("https://%1/item/%2").arg(host).arg(1000 + n));
            else if (it.key().contains(QLatin1String("author"))
                || it.key().contains(QLatin1String("user")))
                item.insert(it.key(), QStringLiteral("user%1").arg(n));
            else
                item.insert(it.key(),
                    QStringLiteral("%1 %2 from %3")
                        .arg(it.key().left(1).toUpper() + it.key().mid(1))
                        .arg(i + 1)
                        .arg(host));
        }
        items.append(item);
    }
    r.envelope = QJsonObject { { k("status"), QStringLiteral("success") },
        { k("status_code"), 200 }, { k("data"), QJsonObject { { k("items"), items } } },
        { k("error"), QJsonValue::Null }, { k("error_code"), QJsonValue::Null },
        { k("execution_time"), double(timer.nsecsElapsed()) / 1e6 } };
    return r;
}

QJsonObject PeelContract::openApi(const QString &apiId, const QString &baseUrl,
    const QString &sourceUrl, const QString &instructions, const QJsonArray &endpoints, int build)
{
    QJsonObject paths;
    for (const QJsonValue &v : endpoints) {
        const QJsonObject e = v.toObject();
        const QString name = e.value(k("endpoint_name")).toString();
        const QJsonObject envelope { { k("type"), QStringLiteral("object") },
            { k("required"),
                QJsonArray { QStringLiteral("status"), QStringLiteral("status_code"),
                    QStringLiteral("data") } },
            { k("properties"),
                QJsonObject {
                    { k("status"), QJsonObject { { k("type"), QStringLiteral("string") } } },
                    { k("status_code"), QJsonObject { { k("type"), QStringLiteral("integer") } } },
                    { k("data"), e.value(k("output_schema")) },
                    { k("error"),
                        QJsonObject { { k("type"),
                            QJsonArray { QStringLiteral("string"), QStringLiteral("null") } } } },
                    { k("error_code"),
                        QJsonObject { { k("type"),
                            QJsonArray { QStringLiteral("string"), QStringLiteral("null") } } } },
                    { k("execution_time"),
                        QJsonObject { { k("type"), QStringLiteral("number") } } } } } };
        paths.insert(QStringLiteral("/v1/apis/%1/endpoints/%2:call").arg(apiId, name),
            QJsonObject { { k("post"),
                QJsonObject { { k("operationId"), name },
                    { k("summary"), e.value(k("description")) },
                    { k("security"),
                        QJsonArray { QJsonObject { { k("apiKey"), QJsonArray {} } } } },
                    { k("requestBody"),
                        QJsonObject { { k("required"), true },
                            { k("content"),
                                QJsonObject { { k("application/json"),
                                    QJsonObject {
                                        { k("schema"), e.value(k("input_schema")) } } } } } } },
                    { k("responses"),
                        QJsonObject { { k("200"),
                            QJsonObject { { k("description"), QStringLiteral("Runtime envelope") },
                                { k("content"),
                                    QJsonObject { { k("application/json"),
                                        QJsonObject {
                                            { k("schema"), envelope } } } } } } } } } } } });
    }
    return QJsonObject { { k("openapi"), QStringLiteral("3.1.0") },
        { k("info"),
            QJsonObject { { k("title"), QStringLiteral("Peel API %1").arg(apiId) },
                { k("description"),
                    QStringLiteral("%1 (built from %2)").arg(instructions, sourceUrl) },
                { k("version"), QStringLiteral("build-%1").arg(build) } } },
        { k("servers"), QJsonArray { QJsonObject { { k("url"), baseUrl } } } },
        { k("components"),
            QJsonObject { { k("securitySchemes"),
                QJsonObject { { k("apiKey"),
                    QJsonObject { { k("type"), QStringLiteral("apiKey") },
                        { k("in"), QStringLiteral("header") },
                        { k("name"), QStringLiteral("X-API-Key") } } } } } } },
        { k("paths"), paths } };
}

QJsonObject PeelContract::mcpManifest(const QString &apiId, const QString &sourceUrl,
    const QString &instructions, const QJsonArray &endpoints)
{
    QJsonArray tools;
    for (const QJsonValue &v : endpoints) {
        const QJsonObject e = v.toObject();
        tools.append(QJsonObject { { k("name"), e.value(k("endpoint_name")) },
            { k("description"), e.value(k("description")) },
            { k("inputSchema"), e.value(k("input_schema")) },
            { k("outputSchema"), e.value(k("output_schema")) } });
    }
    return QJsonObject { { k("name"), QStringLiteral("peel-") + apiId },
        { k("description"), QStringLiteral("%1 (built from %2)").arg(instructions, sourceUrl) },
        { k("api_id"), apiId }, { k("call_tool"), QStringLiteral("call_endpoint") },
        { k("tools"), tools } };
}

} // namespace Sandbox
