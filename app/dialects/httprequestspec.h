#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkRequest>
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

    // The QNetworkRequest to send it with (URL and headers; method and body go to the call).
    QNetworkRequest networkRequest() const
    {
        QNetworkRequest req(url);
        for (const auto &h : headers)
            req.setRawHeader(h.first, h.second);
        return req;
    }
};

} // namespace Dialects
