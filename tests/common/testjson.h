#pragma once

// Test-only JSON helpers shared by the sandbox tests: short keys, sorted key lists for comparing
// the exact field set of an answer, string arrays, and whole-number checks.

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1String>
#include <QStringList>
#include <cmath>

namespace TestSupport {

// A JSON key from a literal: k("status").
inline QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

inline QStringList sorted(QStringList l)
{
    l.sort();
    return l;
}

// The object's keys in sorted order, to compare with sorted({...}).
inline QStringList sortedKeys(const QJsonObject &o)
{
    return sorted(o.keys());
}

// The array's elements as strings (non-strings become empty strings).
inline QStringList strings(const QJsonArray &a)
{
    QStringList out;
    for (const QJsonValue &v : a)
        out.append(v.toString());
    return out;
}

// A JSON number without a fractional part.
inline bool isWholeNumber(const QJsonValue &v)
{
    return v.isDouble() && std::floor(v.toDouble()) == v.toDouble();
}

} // namespace TestSupport
