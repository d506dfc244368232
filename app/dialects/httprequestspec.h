#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QUrl>

namespace Dialects {

// A request to send, as plain data: adapters build these, the transport layer sends them.
// Headers include the authentication header, so a RequestSpec must never be logged as is
// (Core's redaction applies to anything shown or exported).
struct RequestSpec
{
    QByteArray method; // GET, POST, DELETE
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body; // JSON, or empty

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
};

} // namespace Dialects
