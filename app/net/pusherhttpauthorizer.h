#pragma once

#include "net/originpolicy.h"
#include "net/pusherclient.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace Net {

// Private-channel authorization over HTTP, the way Laravel-style endpoints (deAPI's
// /broadcasting/auth) expect it: POST {"socket_id", "channel_name"} as JSON with the caller's
// headers (e.g. "Authorization: Bearer KEY"), answer {"auth": "key:signature"}.
//
// Ownership: it owns its requests; it uses the QNetworkAccessManager given to
// setNetworkAccessManager() (not owned, must outlive it) or else one of its own. It knows nothing
// of any API: the URL and headers come from the caller.
//
// authorize() always ends in exactly one done() call: done(auth, {}) on a 2xx answer with a
// non-empty "auth" string, otherwise done({}, message), the message saying what went wrong
// ("… answered HTTP 403: <the body's message>", "… timed out after N ms", the network error, or a
// 2xx without "auth"). Destroying the authorizer ends its pending requests with an error.
// Headers, the request body and the signature are never logged nor put into messages.
// Redirects follow OriginPolicy (at most 5; the headers never go to another origin, never https →
// http); the answer is read at most 64 KiB far.
class PusherHttpAuthorizer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PusherHttpAuthorizer)

public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    static constexpr int DefaultTransferTimeoutMs = 15000;

    PusherHttpAuthorizer(const QUrl &endpoint, const Headers &headers, QObject *parent = nullptr);
    ~PusherHttpAuthorizer() override;

    void setNetworkAccessManager(QNetworkAccessManager *manager);
    // Whole-request timeout (no bytes for this long aborts it). At least 1 ms.
    void setTransferTimeout(int ms);

    void authorize(const QString &socketId, const QString &channel, PusherClient::AuthDone done);

    // A PusherClient::Authorizer that forwards to this object while it lives and answers with
    // an error once it is gone, so the client never waits on a dead authorizer.
    PusherClient::Authorizer authorizer();

    int pendingCount() const { return int(m_pending.size()); }

private:
    struct Pending
    {
        PusherClient::AuthDone done;
        OriginPolicy policy;
    };
    void send(Pending pending);
    void finished(QNetworkReply *reply);
    void fail(QNetworkReply *reply, const QString &message);
    QNetworkAccessManager *manager();

    QUrl m_endpoint;
    Headers m_headers;
    int m_timeoutMs = DefaultTransferTimeoutMs;
    QNetworkAccessManager *m_manager = nullptr; // ours (child) or the caller's
    QHash<QNetworkReply *, Pending> m_pending;
};

} // namespace Net
