#pragma once

#include "sandbox/frontbase.h"

#include <QHash>

namespace Sandbox {

// deAPI (document 004): POST /api/v1/client/{task} answers {"data":{"request_id"}}, GET
// /api/v1/client/request-status/{id} the status (progress in percent), a signed webhook goes to
// webhook_url when the job is done or errors, and every change is published on the Pusher channel
// private-client.{client_id} as request.status.updated (with live JPEG previews as data URIs).
// POST /broadcasting/auth signs private-channel subscriptions for the key's own client id only.
class DeApiFront final : public FrontBase
{
public:
    explicit DeApiFront(ServiceContext &context);
    void registerRoutes(Router &router) override;

    void jobTransitioned(Job &job, Phase from) override;
    void jobProgressed(Job &job) override;
    void jobPreview(Job &job, const QByteArray &jpeg, int percent) override;
    void jobRemoved(const QString &id) override;

    QString channel() const;

private:
    void submit(HttpContext &ctx, const QString &task);
    void status(HttpContext &ctx);
    void auth(HttpContext &ctx);
    void error(
        HttpContext &ctx, int status, const QString &message, const QJsonObject &errors = {}) const;
    QJsonObject statusBody(const Job &job, bool withPreview) const;
    void publish(Job &job, const QString &preview);

    QHash<QString, QString> m_previews; // latest preview per running job (not persisted)
    QHash<QString, int> m_published; // events per job, for drop_after_events
};

} // namespace Sandbox
