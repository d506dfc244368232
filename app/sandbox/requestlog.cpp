#include "sandbox/requestlog.h"

#include <QJsonObject>

namespace Sandbox {

void RequestLog::record(Entry e)
{
    ++m_total;
    if (m_entries.size() >= m_capacity)
        m_entries.remove(0, m_capacity / 10);
    m_entries.append(std::move(e));
}

QJsonArray RequestLog::toJson(const QString &pathPart, int limit) const
{
    QJsonArray out;
    for (qsizetype i = m_entries.size() - 1; i >= 0 && out.size() < limit; --i) {
        const Entry &e = m_entries.at(i);
        if (!pathPart.isEmpty() && !e.path.contains(pathPart))
            continue;
        out.prepend(QJsonObject { { QLatin1String("t"), e.timeMs },
            { QLatin1String("method"), QString::fromLatin1(e.method) },
            { QLatin1String("path"), e.path }, { QLatin1String("status"), e.status } });
    }
    return out;
}

int RequestLog::count(const QByteArray &method, const QString &pathPart) const
{
    int n = 0;
    for (const Entry &e : m_entries) {
        if ((method.isEmpty() || e.method == method) && e.path.contains(pathPart))
            ++n;
    }
    return n;
}

} // namespace Sandbox
