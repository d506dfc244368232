#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QString>

namespace Sandbox {

// The last requests the sandbox answered (method, path, status, time), so tests and benchmarks
// can count what a client really sent — e.g. how many status reads a polled job cost.
class RequestLog final
{
public:
    struct Entry
    {
        qint64 timeMs = 0;
        QByteArray method;
        QString path;
        int status = 0;
    };

    explicit RequestLog(int capacity = 50000)
        : m_capacity(capacity)
    { }
    void record(Entry e);
    // Entries whose path contains `pathPart` (all when empty), oldest first.
    QJsonArray toJson(const QString &pathPart, int limit) const;
    int count(const QByteArray &method, const QString &pathPart) const;
    quint64 total() const { return m_total; }

private:
    QList<Entry> m_entries;
    int m_capacity;
    quint64 m_total = 0;
};

} // namespace Sandbox
