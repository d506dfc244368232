#include "sandbox/webhookdispatcher.h"

#include "sandbox/jobengine.h"

#include <QDateTime>
#include <QHostAddress>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>
#include <QNetworkReply>
#include <QTimer>
#include <QUrl>
#include <QUuid>
#include <memory>

Q_LOGGING_CATEGORY(lcWebhook, "jobscope.sandbox.webhook")

namespace Sandbox {

struct WebhookDispatcher::Delivery
{
    QString jobId;
    QUrl url;
    QString event;
    QByteArray body;
    QByteArray id;
    Scheme scheme;
    int attempt = 0;
};

WebhookDispatcher::WebhookDispatcher(JobEngine *engine, bool allowRemote, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_allowRemote(allowRemote)
{ }

QByteArray WebhookDispatcher::sign(
    const QByteArray &secret, const QByteArray &timestamp, const QByteArray &body)
{
    return QMessageAuthenticationCode::hash(
        timestamp + '.' + body, secret, QCryptographicHash::Sha256)
        .toHex();
}

void WebhookDispatcher::deliver(const QString &jobId, const QString &url, const QString &event,
    const QJsonObject &payload, const Scheme &scheme)
{
    auto d = std::make_shared<Delivery>();
    d->jobId = jobId;
    d->url = QUrl(url);
    d->event = event;
    d->body = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    d->id = QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1();
    d->scheme = scheme;
    attempt(d);
}

void WebhookDispatcher::attempt(std::shared_ptr<Delivery> d)
{
    ++d->attempt;
    const qint64 started = QDateTime::currentMSecsSinceEpoch();
    auto record = [this, d, started](int status, const QString &error) {
        Job *job = m_engine->find(d->jobId);
        if (!job)
            return;
        job->webhookAttempts.append({ started, d->attempt, d->url.toString(), d->event, status,
            error, QDateTime::currentMSecsSinceEpoch() - started });
        const bool ok = status >= 200 && status < 300;
        const bool exhausted = d->attempt > d->scheme.maxRetries;
        if (ok || exhausted)
            job->webhookDone = true;
        m_engine->touch(job);
        if (ok || exhausted || !d->url.isValid())
            return;
        const qint64 base = job->control.webhookRetryBaseMs >= 0
            ? job->control.webhookRetryBaseMs
            : qint64(d->scheme.retryBaseMs / m_engine->speed());
        const qint64 delay = base << std::min(d->attempt - 1, 20);
        QTimer::singleShot(std::chrono::milliseconds(delay), this, [this, d] { attempt(d); });
    };

    const QHostAddress host(d->url.host());
    const bool loopback
        = d->url.host() == QLatin1String("localhost") || (!host.isNull() && host.isLoopback());
    if (!d->url.isValid() || d->url.host().isEmpty()
        || (d->url.scheme() != QLatin1String("http")
            && d->url.scheme() != QLatin1String("https"))) {
        // Retrying cannot make a malformed URL deliverable: record once and stop.
        d->attempt = d->scheme.maxRetries + 1;
        record(0, QStringLiteral("invalid callback URL (an absolute http or https URL is needed)"));
        return;
    }
    if (!loopback && !m_allowRemote) {
        record(0,
            QStringLiteral("remote webhook targets are disabled (start the sandbox with "
                           "--allow-remote-webhooks)"));
        if (Job *job = m_engine->find(d->jobId))
            job->webhookDone = true;
        return;
    }

    QNetworkRequest req(d->url);
    const QByteArray ts = QByteArray::number(QDateTime::currentSecsSinceEpoch());
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setRawHeader(d->scheme.timestampHeader, ts);
    req.setRawHeader(d->scheme.signatureHeader, "sha256=" + sign(d->scheme.secret, ts, d->body));
    req.setRawHeader("X-Webhook-Id", d->id);
    req.setRawHeader("X-Webhook-Attempt", QByteArray::number(d->attempt));
    req.setRawHeader("X-Webhook-Event", d->event.toUtf8());
    req.setRawHeader("User-Agent", "jobscope-sandbox-webhooks/1");
    req.setTransferTimeout(10000);
    req.setAttribute(
        QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = m_nam.post(req, d->body);
    ++m_inFlight;
    connect(reply, &QNetworkReply::finished, this, [this, reply, record] {
        --m_inFlight;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString error
            = reply->error() == QNetworkReply::NoError || status ? QString() : reply->errorString();
        reply->deleteLater();
        record(status,
            status && (status < 200 || status >= 300) ? QStringLiteral("HTTP %1").arg(status)
                                                      : error);
    });
}

} // namespace Sandbox
