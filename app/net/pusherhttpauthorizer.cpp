#include "net/pusherhttpauthorizer.h"

#include "net/transfererror.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <algorithm>
#include <utility>

namespace Net {

namespace {

// An auth answer is a few hundred bytes; an error page is read only this far.
constexpr qint64 kMaxBodyBytes = 64 * 1024;

// Where the request went, for messages: no query, no user info (either may hold a credential).
QString describe(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveQuery | QUrl::RemoveUserInfo | QUrl::RemoveFragment).toString();
}

// Laravel answers {"message": …}, others {"error": …}; a plain body is shown in part.
QString bodyMessage(const QByteArray &body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    for (const char *key : { "message", "error" }) {
        const QJsonValue value = object.value(QLatin1String(key));
        if (value.isString() && !value.toString().isEmpty())
            return value.toString().left(300);
    }
    const QString text = QString::fromUtf8(body.left(300)).simplified();
    return text.isEmpty() ? QStringLiteral("(empty body)") : text;
}

} // namespace

PusherHttpAuthorizer::PusherHttpAuthorizer(
    const QUrl &endpoint, const Headers &headers, QObject *parent)
    : QObject(parent)
    , m_endpoint(endpoint)
    , m_headers(headers)
{ }

PusherHttpAuthorizer::~PusherHttpAuthorizer()
{
    const auto pending = std::exchange(m_pending, {});
    for (auto it = pending.cbegin(); it != pending.cend(); ++it) {
        QNetworkReply *reply = it.key();
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    // After the replies are detached: a callback may do anything, even start a new request.
    for (const Pending &p : pending)
        p.done(
            {}, QStringLiteral("authorization against %1 was abandoned").arg(describe(m_endpoint)));
}

void PusherHttpAuthorizer::setNetworkAccessManager(QNetworkAccessManager *manager)
{
    m_manager = manager;
}

void PusherHttpAuthorizer::setTransferTimeout(int ms)
{
    m_timeoutMs = std::max(1, ms);
}

QNetworkAccessManager *PusherHttpAuthorizer::manager()
{
    if (!m_manager)
        m_manager = new QNetworkAccessManager(this);
    return m_manager;
}

PusherClient::Authorizer PusherHttpAuthorizer::authorizer()
{
    QPointer<PusherHttpAuthorizer> self(this);
    return [self](const QString &socketId, const QString &channel, PusherClient::AuthDone done) {
        if (!self) {
            done({}, QStringLiteral("the HTTP authorizer is gone"));
            return;
        }
        self->authorize(socketId, channel, std::move(done));
    };
}

void PusherHttpAuthorizer::authorize(
    const QString &socketId, const QString &channel, PusherClient::AuthDone done)
{
    QNetworkRequest request(m_endpoint);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    for (const auto &header : std::as_const(m_headers))
        request.setRawHeader(header.first, header.second);
    // JSON, as deAPI's documented authorizer sends (pusher-js's default would post a form).
    const QByteArray body = QJsonDocument(
        QJsonObject { { QStringLiteral("socket_id"), socketId },
            { QStringLiteral("channel_name"),
                channel } }).toJson(QJsonDocument::Compact);
    Pending pending { std::move(done), OriginPolicy(request, "POST", body) };
    if (!pending.policy.startError().isEmpty()) {
        pending.done({},
            QStringLiteral("the auth request to %1 failed: %2")
                .arg(describe(m_endpoint), pending.policy.startError()));
        return;
    }
    send(std::move(pending));
}

void PusherHttpAuthorizer::send(Pending pending)
{
    // The headers hold a credential: OriginPolicy keeps them from any other origin.
    QNetworkRequest request = pending.policy.request();
    request.setTransferTimeout(m_timeoutMs);
    QNetworkReply *reply
        = manager()->sendCustomRequest(request, pending.policy.method(), pending.policy.body());
    reply->setReadBufferSize(kMaxBodyBytes);
    m_pending.insert(reply, std::move(pending));
    connect(reply, &QNetworkReply::readyRead, this, [this, reply] {
        if (reply->bytesAvailable() >= kMaxBodyBytes
            && reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() / 100 != 3)
            fail(reply,
                QStringLiteral("the auth endpoint %1 sent an answer larger than %2")
                    .arg(describe(m_endpoint), TransferError::size(kMaxBodyBytes)));
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { finished(reply); });
}

void PusherHttpAuthorizer::fail(QNetworkReply *reply, const QString &message)
{
    const auto it = m_pending.find(reply);
    if (it == m_pending.end())
        return;
    const PusherClient::AuthDone done = it->done;
    m_pending.erase(it);
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
    done({}, message);
}

void PusherHttpAuthorizer::finished(QNetworkReply *reply)
{
    const auto it = m_pending.find(reply);
    if (it == m_pending.end())
        return;
    Pending pending = std::move(*it);
    m_pending.erase(it);
    reply->disconnect(this);
    reply->deleteLater();
    const PusherClient::AuthDone done = pending.done;

    const QString where = describe(m_endpoint);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    switch (pending.policy.onAnswer(status, reply->rawHeader("Location"))) {
    case OriginPolicy::Verdict::Follow:
        send(std::move(pending));
        return;
    case OriginPolicy::Verdict::Refuse:
        done({},
            QStringLiteral("the auth request to %1 failed: %2").arg(where, pending.policy.error()));
        return;
    case OriginPolicy::Verdict::Final:
        break;
    }
    // An aborted reply (timeout) is closed: reading it would only make Qt warn.
    const QByteArray body = reply->isOpen() ? reply->read(kMaxBodyBytes) : QByteArray();
    if (status == 0) {
        // No HTTP answer at all. A transfer timeout surfaces as an abort (Qt 6.4) or as
        // TimeoutError (later versions); we never abort a request ourselves except when
        // destroyed, which does not come here.
        const QNetworkReply::NetworkError code = reply->error();
        if (code == QNetworkReply::OperationCanceledError || code == QNetworkReply::TimeoutError) {
            done({},
                QStringLiteral("the auth request to %1 timed out after %2 ms")
                    .arg(where)
                    .arg(m_timeoutMs));
        } else {
            done({},
                QStringLiteral("the auth request to %1 failed: %2")
                    .arg(where,
                        TransferError::describe(code, reply->errorString(), false, m_timeoutMs)));
        }
        return;
    }
    if (status < 200 || status > 299) {
        done({},
            QStringLiteral("the auth endpoint %1 answered HTTP %2: %3")
                .arg(where)
                .arg(status)
                .arg(bodyMessage(body)));
        return;
    }
    const QJsonValue auth = QJsonDocument::fromJson(body).object().value(QLatin1String("auth"));
    if (!auth.isString() || auth.toString().isEmpty()) {
        done({},
            QStringLiteral("the auth endpoint %1 answered HTTP %2 without an \"auth\" string")
                .arg(where)
                .arg(status));
        return;
    }
    done(auth.toString(), {});
}

} // namespace Net
