#include "peelbuilds/buildcontract.h"

#include <QJsonArray>

namespace PeelBuilds {

namespace {

QLatin1String k(const char *key)
{
    return QLatin1String(key);
}

QJsonValue placeholder(const QJsonObject &property)
{
    const QJsonArray choices = property.value(k("enum")).toArray();
    if (!choices.isEmpty())
        return choices.first();
    QJsonValue type = property.value(k("type"));
    if (type.isArray()) {
        // ["string", "null"]: the first type that is not null.
        const QJsonArray types = type.toArray();
        type = QJsonValue();
        for (const QJsonValue &t : types) {
            if (t.toString() != QLatin1String("null")) {
                type = t;
                break;
            }
        }
    }
    const QString t = type.toString();
    if (t == QLatin1String("integer") || t == QLatin1String("number")) {
        if (property.value(k("minimum")).isDouble())
            return property.value(k("minimum"));
        return 0;
    }
    if (t == QLatin1String("boolean"))
        return false;
    if (t == QLatin1String("array"))
        return QJsonArray {};
    if (t == QLatin1String("object"))
        return BuildContract::exampleInput(property);
    return QString();
}

} // namespace

BuildContract BuildContract::fromRecord(const QJsonObject &record)
{
    return fromExtra(record.value(k("id")).toString(), record);
}

BuildContract BuildContract::fromExtra(const QString &apiId, const QJsonObject &extra)
{
    BuildContract c;
    c.m_apiId = apiId;
    c.m_sourceUrl = extra.value(k("source_url")).toString();
    c.m_instructions = extra.value(k("instructions")).toString();
    c.m_links = extra.value(k("links")).toObject();
    c.m_buildNumber = extra.value(k("build")).toObject().value(k("number")).toInt();

    // The record's own template is the one to follow; the documented path is the fallback.
    QString callTemplate = c.m_links.value(k("endpoint_call_template")).toString();
    if (!callTemplate.contains(QLatin1String("{endpoint_name}")))
        callTemplate = QStringLiteral("/v1/apis/%1/endpoints/{endpoint_name}:call").arg(apiId);

    const QJsonValue endpoints = extra.value(k("endpoints"));
    if (!endpoints.isUndefined() && !endpoints.isNull() && !endpoints.isArray())
        c.m_problems.append(QStringLiteral("endpoints is not an array"));
    const QJsonArray list = endpoints.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (!list.at(i).isObject()) {
            c.m_problems.append(QStringLiteral("endpoints[%1] is not an object").arg(i));
            continue;
        }
        const QJsonObject o = list.at(i).toObject();
        BuildEndpoint e;
        e.name = o.value(k("endpoint_name")).toString();
        if (e.name.isEmpty())
            e.name = o.value(k("name")).toString();
        if (e.name.isEmpty()) {
            c.m_problems.append(QStringLiteral("endpoints[%1] has no endpoint_name").arg(i));
            continue;
        }
        e.method = o.value(k("method")).toString().toUpper();
        e.description = o.value(k("description")).toString();
        e.type = o.value(k("endpoint_type")).toString();
        e.creditCost
            = o.value(k("credit_cost")).isDouble() ? o.value(k("credit_cost")).toInt() : -1;
        e.inputSchema = o.value(k("input_schema")).toObject();
        e.outputSchema = o.value(k("output_schema")).toObject();
        if (!o.value(k("input_schema")).isObject())
            c.m_problems.append(
                QStringLiteral("endpoint %1 has no input_schema object").arg(e.name));
        e.callPath = QString(callTemplate).replace(QLatin1String("{endpoint_name}"), e.name);
        e.raw = o;
        c.m_endpoints.append(e);
    }

    const QJsonValue prompt = extra.value(k("user_input_prompt"));
    if (prompt.isObject()) {
        c.m_hasPrompt = true;
        c.m_prompt = prompt.toObject();
        c.m_promptMessage = c.m_prompt.value(k("message")).toString();
        c.m_promptSchema = c.m_prompt.value(k("input_schema")).toObject();
    } else if (prompt.isString()) {
        // Not the assumed shape, but a question in plain words is still a question.
        c.m_hasPrompt = true;
        c.m_promptMessage = prompt.toString();
        c.m_problems.append(QStringLiteral("user_input_prompt is a string, not an object"));
    } else if (!prompt.isUndefined() && !prompt.isNull()) {
        c.m_problems.append(QStringLiteral("user_input_prompt is not an object"));
    }
    return c;
}

const BuildEndpoint *BuildContract::endpoint(const QString &name) const
{
    for (const BuildEndpoint &e : m_endpoints) {
        if (e.name == name)
            return &e;
    }
    return nullptr;
}

QJsonObject BuildContract::exampleInput(const QJsonObject &schema)
{
    for (const char *key : { "default", "example" }) {
        if (schema.value(k(key)).isObject())
            return schema.value(k(key)).toObject();
    }
    QStringList required;
    for (const QJsonValue &r : schema.value(k("required")).toArray())
        required.append(r.toString());
    QJsonObject out;
    const QJsonObject properties = schema.value(k("properties")).toObject();
    for (auto it = properties.begin(); it != properties.end(); ++it) {
        const QJsonObject property = it.value().toObject();
        if (property.contains(k("default")))
            out.insert(it.key(), property.value(k("default")));
        else if (property.contains(k("example")))
            out.insert(it.key(), property.value(k("example")));
        else if (!property.value(k("examples")).toArray().isEmpty())
            out.insert(it.key(), property.value(k("examples")).toArray().first());
        else if (required.contains(it.key()))
            out.insert(it.key(), placeholder(property));
    }
    return out;
}

} // namespace PeelBuilds
