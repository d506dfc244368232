#pragma once

#include "webhooks/webhookdeliverymodel.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTableView;
class QToolButton;

namespace Net {
class WebhookInbox;
}

namespace Ui {

// The webhook inbox as a panel that fits in a dock: the inbox's local URL with a copy button (or
// "Not listening"), a table of its deliveries (WebhookDeliveryModel, newest first, fed from
// WebhookInbox::delivery(), seeded from deliveries()), and below it the selected delivery's
// verdict, headers (secrets already redacted by the inbox) and payload, pretty-printed when it is
// JSON. The inbox is borrowed; the panel goes quiet if it is destroyed. The inbox has no
// "listening changed" signal: call refreshState() after listen()/close().
class WebhookInboxPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookInboxPanel)

public:
    explicit WebhookInboxPanel(Net::WebhookInbox *inbox, QWidget *parent = nullptr);
    ~WebhookInboxPanel() override;

    void setProfileResolver(WebhookDeliveryModel::ProfileResolver resolver);

    // The URL text shown, or "Not listening".
    QString urlText() const;

    WebhookDeliveryModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QPlainTextEdit *payloadView() const { return m_payload; }
    QToolButton *copyButton() const { return m_copy; }

public Q_SLOTS:
    void refreshState();
    void clear();

private:
    void showSelected();

    QPointer<Net::WebhookInbox> m_inbox;
    WebhookDeliveryModel *m_model = nullptr;
    QLabel *m_url = nullptr;
    QToolButton *m_copy = nullptr;
    QToolButton *m_clear = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_summary = nullptr;
    QPlainTextEdit *m_payload = nullptr;
};

} // namespace Ui
