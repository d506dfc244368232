#include "webhookinboxpanel.h"

#include "common/icons.h"
#include "net/webhookinbox.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace Ui {

namespace {

// Enough to read any webhook; a body near the inbox's 1 MiB limit would only slow the editor.
constexpr qsizetype MaxShownBytes = 256 * 1024;

QString prettyPayload(const QByteArray &body)
{
    if (body.isEmpty())
        return QObject::tr("(no body)");
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError && !doc.isNull())
        return QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    QString text = QString::fromUtf8(body.left(MaxShownBytes));
    if (body.size() > MaxShownBytes)
        text += QObject::tr("\n… (%1 more bytes)").arg(body.size() - MaxShownBytes);
    return text;
}

} // namespace

WebhookInboxPanel::WebhookInboxPanel(Net::WebhookInbox *inbox, QWidget *parent)
    : QWidget(parent)
    , m_inbox(inbox)
    , m_model(new WebhookDeliveryModel(this))
{
    auto *root = new QVBoxLayout(this);
    root->setContentsMargins(4, 4, 4, 4);

    auto *top = new QHBoxLayout;
    auto *icon = new QLabel(this);
    icon->setPixmap(Icons::action("webhook").pixmap(16, 16));
    m_url = new QLabel(this);
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_copy = new QToolButton(this);
    m_copy->setIcon(Icons::action("copy"));
    m_copy->setToolTip(tr("Copy the inbox URL"));
    m_copy->setAutoRaise(true);
    m_clear = new QToolButton(this);
    m_clear->setText(tr("Clear"));
    m_clear->setToolTip(tr("Clear the list (the inbox keeps listening)"));
    m_clear->setAutoRaise(true);
    top->addWidget(icon);
    top->addWidget(m_url, 1);
    top->addWidget(m_copy);
    top->addWidget(m_clear);
    root->addLayout(top);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    m_view = new QTableView(splitter);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    // Fixed starting widths from the font (ResizeToContents would measure every row on each
    // delivery); the job id takes what is left, and the user can resize any column.
    QHeaderView *header = m_view->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(WebhookDeliveryModel::JobColumn, QHeaderView::Stretch);
    const QFontMetrics fm = m_view->fontMetrics();
    const auto fit = [&fm](const QString &sample) {
        return fm.horizontalAdvance(sample) + 18;
    };
    header->resizeSection(WebhookDeliveryModel::TimeColumn, fit(QStringLiteral("00:00:00")));
    header->resizeSection(
        WebhookDeliveryModel::ProfileColumn, fit(QStringLiteral("sandbox-imagepipeline")));
    header->resizeSection(
        WebhookDeliveryModel::EventColumn, fit(QStringLiteral("job.completed / succeeded")));
    header->resizeSection(WebhookDeliveryModel::VerdictColumn, fit(QStringLiteral("not checked")));
    header->resizeSection(WebhookDeliveryModel::SizeColumn, fit(QStringLiteral("1023.9 KB")));
    header->setMinimumSectionSize(fit(QStringLiteral("Job")));

    auto *details = new QWidget(splitter);
    auto *detailLayout = new QVBoxLayout(details);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_summary = new QLabel(details);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_payload = new QPlainTextEdit(details);
    m_payload->setReadOnly(true);
    m_payload->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_payload->setPlaceholderText(tr("Select a delivery to see its payload."));
    detailLayout->addWidget(m_summary);
    detailLayout->addWidget(m_payload, 1);
    splitter->addWidget(m_view);
    splitter->addWidget(details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    root->addWidget(splitter, 1);

    connect(m_copy, &QToolButton::clicked, this, [this] {
        if (m_inbox && m_inbox->isListening())
            QGuiApplication::clipboard()->setText(m_inbox->url().toString());
    });
    connect(m_clear, &QToolButton::clicked, this, &WebhookInboxPanel::clear);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this] { showSelected(); });
    // A new row goes on top; keep the shown payload tied to the row the user picked.
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] { showSelected(); });

    if (m_inbox) {
        m_model->setDeliveries(m_inbox->deliveries());
        connect(m_inbox, &Net::WebhookInbox::delivery, this,
            [this](const Net::WebhookInbox::Delivery &d) {
                m_model->add(d);
                refreshState();
            });
        connect(m_inbox, &QObject::destroyed, this, &WebhookInboxPanel::refreshState);
    }
    refreshState();
}

WebhookInboxPanel::~WebhookInboxPanel() = default;

void WebhookInboxPanel::setProfileResolver(WebhookDeliveryModel::ProfileResolver resolver)
{
    m_model->setProfileResolver(std::move(resolver));
    if (m_inbox)
        m_model->setDeliveries(m_inbox->deliveries());
}

QString WebhookInboxPanel::urlText() const
{
    return m_url->text();
}

void WebhookInboxPanel::refreshState()
{
    const bool listening = m_inbox && m_inbox->isListening();
    m_url->setText(listening ? m_inbox->url().toString() : tr("Not listening"));
    m_url->setToolTip(listening
            ? tr("Give this URL as callback_url / webhook_url; only signed deliveries are trusted.")
            : tr("The webhook inbox is off: jobs are followed by polling or their live channel."));
    m_copy->setEnabled(listening);
}

void WebhookInboxPanel::clear()
{
    if (m_inbox)
        m_inbox->clearDeliveries();
    m_model->clear();
    showSelected();
}

void WebhookInboxPanel::showSelected()
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    if (!current.isValid()) {
        m_summary->clear();
        m_payload->clear();
        return;
    }
    const Net::WebhookInbox::Delivery d = m_model->delivery(current.row());
    QString summary = QStringLiteral("<b>%1</b> — %2 %3 → %4. %5")
                          .arg(WebhookDeliveryModel::verdictText(d.verdict).toHtmlEscaped(),
                              QString::fromLatin1(d.method).toHtmlEscaped(), d.path.toHtmlEscaped(),
                              QString::number(d.httpStatus), d.detail.toHtmlEscaped());
    m_summary->setText(summary);
    QString headers;
    for (const auto &h : d.headers)
        headers += QString::fromLatin1(h.first) + QStringLiteral(": ")
            + QString::fromLatin1(h.second) + QLatin1Char('\n');
    m_payload->setPlainText(
        prettyPayload(d.body) + tr("\n\n— headers (secrets redacted) —\n") + headers);
}

} // namespace Ui
