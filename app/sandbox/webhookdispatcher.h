#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QString>

namespace Sandbox {

class JobEngine;

// Delivers signed webhooks and retries them with exponential backoff, recording every attempt on
// the job. The signature is HMAC-SHA256 over "<timestamp>.<body>" with the account's webhook
// secret, sent as "<sigHeader>: sha256=<hex>" next to "<tsHeader>: <unix seconds>"; one delivery
// keeps its X-Webhook-Id across retries so receivers can drop duplicates. Only loopback targets
// are called unless remote targets are allowed.
class WebhookDispatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookDispatcher)

public:
    struct Scheme
    {
        QByteArray secret;
        QByteArray signatureHeader;
        QByteArray timestampHeader;
        int maxRetries = 10;
        qint64 retryBaseMs = 84000; // 10 doublings from 84 s span ~24 h, as deAPI documents
    };

    WebhookDispatcher(JobEngine *engine, bool allowRemote, QObject *parent = nullptr);

    // Starts delivering `payload` for job `jobId` to its callback URL.
    void deliver(const QString &jobId, const QString &url, const QString &event,
        const QJsonObject &payload, const Scheme &scheme);
    int inFlight() const { return m_inFlight; }

    static QByteArray sign(
        const QByteArray &secret, const QByteArray &timestamp, const QByteArray &body);

private:
    struct Delivery;
    void attempt(std::shared_ptr<Delivery> d);

    JobEngine *m_engine;
    QNetworkAccessManager m_nam;
    bool m_allowRemote;
    int m_inFlight = 0;
};

} // namespace Sandbox
