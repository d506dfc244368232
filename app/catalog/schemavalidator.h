#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace Catalog {

// Checks a JSON value against the subset of JSON Schema the task catalogs use: type (string,
// integer, number, boolean, object, array), required, properties, additionalProperties (false),
// enum, minimum/maximum, minLength/maxLength, minItems/maxItems, items, format "uri" (absolute).
// Pure; every problem is reported, each with the JSON Pointer-like path of the offending value.
class SchemaValidator final
{
public:
    struct Problem
    {
        QString path; // e.g. "/width"
        QString message; // e.g. "must be at most 2048"
    };

    static QList<Problem> validate(const QJsonValue &value, const QJsonObject &schema);
    // Problems joined into one readable sentence ("width: must be at most 2048; prompt: is
    // required").
    static QString describe(const QList<Problem> &problems);
    // A copy of `object` with the schema's defaults filled in for absent properties.
    static QJsonObject withDefaults(const QJsonObject &object, const QJsonObject &schema);

private:
    static void check(const QJsonValue &value, const QJsonObject &schema, const QString &path,
        QList<Problem> &problems);
};

} // namespace Catalog
