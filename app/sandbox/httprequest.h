#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

namespace Sandbox {

// One HTTP/1.1 request as HttpConnection parsed it: the head, and the whole body (chunked bodies
// decoded), never more than HttpLimits allow.
struct HttpRequest
{
    QByteArray method; // as sent, e.g. "GET"
    QByteArray target; // the request-target, e.g. "/peako/api/jobs?x=1"
    QByteArray version; // "HTTP/1.1" or "HTTP/1.0"
    QUrl url; // the target as a (relative) URL
    QList<QPair<QByteArray, QByteArray>> headers; // in order, values trimmed
    QByteArray body;
    bool keepAlive = true; // false: the connection closes after the answer

    QString path() const { return url.path(); }
    QUrlQuery query() const { return QUrlQuery(url); }
    // The first header of that name (case-insensitive), or empty.
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    bool hasHeader(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        }
        return false;
    }
};

} // namespace Sandbox
