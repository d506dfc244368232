#include "catalog/schemavalidator.h"

#include <QJsonArray>
#include <QUrl>
#include <cmath>

namespace Catalog {

namespace {

bool isInteger(const QJsonValue &v)
{
    if (!v.isDouble())
        return false;
    const double d = v.toDouble();
    return std::isfinite(d) && std::floor(d) == d;
}

QString typeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    default:
        return QStringLiteral("undefined");
    }
}

bool matchesType(const QJsonValue &v, const QString &type)
{
    if (type == QLatin1String("string"))
        return v.isString();
    if (type == QLatin1String("integer"))
        return isInteger(v);
    if (type == QLatin1String("number"))
        return v.isDouble() && std::isfinite(v.toDouble());
    if (type == QLatin1String("boolean"))
        return v.isBool();
    if (type == QLatin1String("object"))
        return v.isObject();
    if (type == QLatin1String("array"))
        return v.isArray();
    if (type == QLatin1String("null"))
        return v.isNull();
    return true;
}

QString formatNumber(double d)
{
    return QString::number(d, 'g', 12);
}

} // namespace

QList<SchemaValidator::Problem> SchemaValidator::validate(
    const QJsonValue &value, const QJsonObject &schema)
{
    QList<Problem> problems;
    check(value, schema, QString(), problems);
    return problems;
}

QString SchemaValidator::describe(const QList<Problem> &problems)
{
    QStringList parts;
    for (const Problem &p : problems) {
        const QString where = p.path.isEmpty() ? QStringLiteral("body") : p.path.mid(1);
        parts.append(where + QLatin1String(": ") + p.message);
    }
    return parts.join(QLatin1String("; "));
}

QJsonObject SchemaValidator::withDefaults(const QJsonObject &object, const QJsonObject &schema)
{
    QJsonObject out = object;
    const QJsonObject props = schema.value(QLatin1String("properties")).toObject();
    for (auto it = props.begin(); it != props.end(); ++it) {
        const QJsonObject prop = it.value().toObject();
        if (!out.contains(it.key()) && prop.contains(QLatin1String("default")))
            out.insert(it.key(), prop.value(QLatin1String("default")));
    }
    return out;
}

void SchemaValidator::check(const QJsonValue &value, const QJsonObject &schema, const QString &path,
    QList<Problem> &problems)
{
    const QString type = schema.value(QLatin1String("type")).toString();
    if (!type.isEmpty() && !matchesType(value, type)) {
        QString expected = type == QLatin1String("integer") ? QStringLiteral("an integer")
            : type == QLatin1String("object")               ? QStringLiteral("an object")
            : type == QLatin1String("array")                ? QStringLiteral("an array")
                                                            : QStringLiteral("a ") + type;
        problems.append(
            { path, QStringLiteral("must be %1, not %2").arg(expected, typeName(value)) });
        return;
    }

    const QJsonArray allowed = schema.value(QLatin1String("enum")).toArray();
    if (!allowed.isEmpty() && !allowed.contains(value)) {
        QStringList names;
        for (const QJsonValue &a : allowed)
            names.append(a.isString() ? a.toString() : formatNumber(a.toDouble()));
        problems.append(
            { path, QStringLiteral("must be one of %1").arg(names.join(QLatin1String(", "))) });
    }

    if (value.isDouble()) {
        const double d = value.toDouble();
        if (schema.contains(QLatin1String("minimum"))
            && d < schema.value(QLatin1String("minimum")).toDouble())
            problems.append({ path,
                QStringLiteral("must be at least %1")
                    .arg(formatNumber(schema.value(QLatin1String("minimum")).toDouble())) });
        if (schema.contains(QLatin1String("maximum"))
            && d > schema.value(QLatin1String("maximum")).toDouble())
            problems.append({ path,
                QStringLiteral("must be at most %1")
                    .arg(formatNumber(schema.value(QLatin1String("maximum")).toDouble())) });
    }

    if (value.isString()
        && schema.value(QLatin1String("format")).toString() == QLatin1String("uri")) {
        const QUrl url(value.toString(), QUrl::StrictMode);
        if (!url.isValid() || url.isRelative() || url.scheme().isEmpty()
            || (url.host().isEmpty() && url.scheme() != QLatin1String("data")))
            problems.append({ path, QStringLiteral("must be an absolute URL") });
    }

    if (value.isString()) {
        const qsizetype len = value.toString().size();
        if (schema.contains(QLatin1String("minLength"))
            && len < schema.value(QLatin1String("minLength")).toInt())
            problems.append({ path,
                len == 0 ? QStringLiteral("must not be empty")
                         : QStringLiteral("must be at least %1 characters")
                               .arg(schema.value(QLatin1String("minLength")).toInt()) });
        if (schema.contains(QLatin1String("maxLength"))
            && len > schema.value(QLatin1String("maxLength")).toInt())
            problems.append({ path,
                QStringLiteral("must be at most %1 characters")
                    .arg(schema.value(QLatin1String("maxLength")).toInt()) });
    }

    if (value.isArray()) {
        const QJsonArray arr = value.toArray();
        if (schema.contains(QLatin1String("minItems"))
            && arr.size() < schema.value(QLatin1String("minItems")).toInt())
            problems.append({ path,
                QStringLiteral("needs at least %1 items")
                    .arg(schema.value(QLatin1String("minItems")).toInt()) });
        if (schema.contains(QLatin1String("maxItems"))
            && arr.size() > schema.value(QLatin1String("maxItems")).toInt())
            problems.append({ path,
                QStringLiteral("takes at most %1 items")
                    .arg(schema.value(QLatin1String("maxItems")).toInt()) });
        const QJsonObject items = schema.value(QLatin1String("items")).toObject();
        if (!items.isEmpty()) {
            for (qsizetype i = 0; i < arr.size(); ++i)
                check(arr.at(i), items, path + QLatin1Char('/') + QString::number(i), problems);
        }
    }

    if (value.isObject()) {
        const QJsonObject obj = value.toObject();
        for (const QJsonValue &r : schema.value(QLatin1String("required")).toArray()) {
            const QString key = r.toString();
            if (!obj.contains(key) || obj.value(key).isNull())
                problems.append({ path + QLatin1Char('/') + key, QStringLiteral("is required") });
        }
        const QJsonObject props = schema.value(QLatin1String("properties")).toObject();
        const bool closed
            = schema.value(QLatin1String("additionalProperties")) == QJsonValue(false);
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            if (props.contains(it.key()))
                check(it.value(), props.value(it.key()).toObject(),
                    path + QLatin1Char('/') + it.key(), problems);
            else if (closed)
                problems.append(
                    { path + QLatin1Char('/') + it.key(), QStringLiteral("is not a known field") });
        }
    }
}

} // namespace Catalog
