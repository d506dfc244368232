#include "traffic/trafficview.h"

#include "net/trafficlog.h"
#include "traffic/trafficmodel.h"
#include "traffic/trafficproxymodel.h"

#include <QClipboard>
#include <QDateTime>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace Ui {

using Net::TrafficLog;

TrafficView::TrafficView(TrafficLog *log, QWidget *parent)
    : QWidget(parent)
    , m_log(log)
    , m_model(new TrafficModel(this))
    , m_proxy(new TrafficProxyModel(this))
    , m_table(new QTableView(this))
    , m_detail(new QPlainTextEdit(this))
    , m_copyCurl(new QPushButton(tr("Copy as curl"), this))
    , m_count(new QLabel(this))
{
    m_proxy->setSourceModel(m_model);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(new QLabel(tr("Show:"), this));
    const QList<QPair<QString, TrafficProxyModel::Group>> groups { { tr("HTTP"),
                                                                       TrafficProxyModel::Http },
        { tr("SSE"), TrafficProxyModel::Sse }, { tr("WebSocket"), TrafficProxyModel::WebSocket },
        { tr("Webhook"), TrafficProxyModel::Webhook } };
    for (const auto &g : groups) {
        auto *b = new QToolButton(this);
        b->setText(g.first);
        b->setCheckable(true);
        b->setChecked(true);
        b->setProperty("group", int(g.second));
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        connect(b, &QToolButton::toggled, this, &TrafficView::applyFilter);
        m_filters.append(b);
        bar->addWidget(b);
    }
    bar->addSpacing(12);
    bar->addWidget(m_count);
    bar->addStretch(1);
    m_copyCurl->setToolTip(
        tr("A curl command for this request; the API key is written as $JOBSCOPE_KEY"));
    m_copyCurl->setEnabled(false);
    m_copyCurl->setMinimumWidth(m_copyCurl->sizeHint().width()
        + m_copyCurl->fontMetrics().horizontalAdvance(QLatin1Char('0')) * 2);
    connect(m_copyCurl, &QPushButton::clicked, this, &TrafficView::copyAsCurl);
    bar->addWidget(m_copyCurl);

    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(TrafficModel::Time, Qt::AscendingOrder);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    QHeaderView *header = m_table->horizontalHeader();
    header->setHighlightSections(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(TrafficModel::Url, QHeaderView::Stretch);
    const int w = m_table->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    m_table->setColumnWidth(TrafficModel::Time, w * 14);
    m_table->setColumnWidth(TrafficModel::Kind, w * 15);
    m_table->setColumnWidth(TrafficModel::Method, w * 24);
    m_table->setColumnWidth(TrafficModel::Status, w * 7);
    m_table->setColumnWidth(TrafficModel::Size, w * 10);
    m_table->setColumnWidth(TrafficModel::Elapsed, w * 9);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &TrafficView::updateDetail);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &TrafficView::updateDetail);

    m_detail->setReadOnly(true);
    m_detail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_detail->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_detail->setPlaceholderText(tr("Select an entry to see its headers and body."));

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(CoalesceMs);
    connect(&m_coalesce, &QTimer::timeout, this, &TrafficView::flush);
    if (m_log)
        connect(m_log, &TrafficLog::recorded, this, &TrafficView::onRecorded);
    m_count->setText(tr("No job selected"));
}

TrafficView::~TrafficView() = default;

void TrafficView::setJob(const QString &jobId)
{
    m_job = jobId;
    m_coalesce.stop();
    reload();
}

void TrafficView::onRecorded(const QString &jobId, quint64 seq)
{
    if (jobId != m_job)
        return;
    // An entry filed under this job after newer ones were shown (a submit call moved to it):
    // the rows are rebuilt rather than inserted out of order.
    if (seq <= m_model->lastSeq())
        m_needsReload = true;
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void TrafficView::reload()
{
    m_needsReload = false;
    m_model->setEntries(
        m_log && !m_job.isNull() ? m_log->entries(m_job) : QList<TrafficLog::Entry>());
    m_count->setText(
        m_job.isNull() ? tr("No job selected") : tr("%n entries", nullptr, m_model->rowCount()));
}

void TrafficView::flush()
{
    m_coalesce.stop();
    if (!m_log || m_job.isNull())
        return;
    if (m_needsReload)
        return reload();
    QScrollBar *bar = m_table->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 2;
    m_model->dropFront(m_log->firstSeq(m_job));
    m_model->append(m_log->entriesSince(m_job, m_model->lastSeq()));
    m_count->setText(tr("%n entries", nullptr, m_model->rowCount()));
    // Follow the tail like a log viewer unless the user scrolled up to read something.
    if (atEnd)
        m_table->scrollToBottom();
}

void TrafficView::applyFilter()
{
    TrafficProxyModel::Groups groups;
    for (const QToolButton *b : std::as_const(m_filters)) {
        if (b->isChecked())
            groups |= TrafficProxyModel::Group(b->property("group").toInt());
    }
    m_proxy->setGroups(groups);
}

QString TrafficView::prettyBody(const QByteArray &body)
{
    QJsonParseError error {};
    QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || doc.isNull())
        return QString::fromUtf8(body);
    // A Pusher frame carries its data as a JSON string: shown decoded, it is readable.
    if (doc.isObject()) {
        QJsonObject o = doc.object();
        const QJsonValue data = o.value(QLatin1String("data"));
        if (data.isString()) {
            const QJsonDocument inner = QJsonDocument::fromJson(data.toString().toUtf8());
            if (inner.isObject())
                o.insert(QLatin1String("data"), inner.object());
            else if (inner.isArray())
                o.insert(QLatin1String("data"), inner.array());
            doc.setObject(o);
        }
    }
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}

void TrafficView::updateDetail()
{
    const QModelIndex current = m_proxy->mapToSource(m_table->currentIndex());
    const TrafficLog::Entry *e = current.isValid() ? m_model->entryAt(current.row()) : nullptr;
    m_copyCurl->setEnabled(
        e && (e->kind == TrafficLog::Kind::HttpRequest || e->kind == TrafficLog::Kind::SseConnect));
    if (!e) {
        m_detail->clear();
        return;
    }
    QStringList lines;
    lines << QStringLiteral("%1  ·  %2")
                 .arg(TrafficLog::kindName(e->kind),
                     QDateTime::fromMSecsSinceEpoch(e->timeMs).toString(
                         QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
    QString first = QString::fromUtf8(e->method);
    if (!e->url.isEmpty())
        first += (first.isEmpty() ? QString() : QStringLiteral(" ")) + e->url;
    if (!first.isEmpty())
        lines << first;
    QStringList facts;
    if (e->httpStatus > 0)
        facts << tr("status %1").arg(e->httpStatus);
    if (e->elapsedMs >= 0)
        facts << tr("%1 ms").arg(e->elapsedMs);
    if (e->bodyBytes > 0)
        facts << tr("%1 bytes").arg(e->bodyBytes);
    if (!e->mime.isEmpty())
        facts << QString::fromUtf8(e->mime);
    if (!facts.isEmpty())
        lines << facts.join(QStringLiteral("  ·  "));
    if (!e->note.isEmpty())
        lines << e->note;
    if (!e->headers.isEmpty()) {
        lines << QString() << tr("Headers");
        for (const auto &h : e->headers)
            lines << QStringLiteral("  ") + QString::fromLatin1(h.first) + QStringLiteral(": ")
                    + QString::fromUtf8(h.second);
    }
    if (!e->body.isEmpty())
        lines << QString() << tr("Body") << prettyBody(e->body);
    m_detail->setPlainText(lines.join(QLatin1Char('\n')));
}

QString TrafficView::detailText() const
{
    return m_detail->toPlainText();
}

QString TrafficView::selectedCurl() const
{
    const QModelIndex current = m_proxy->mapToSource(m_table->currentIndex());
    const TrafficLog::Entry *e = current.isValid() ? m_model->entryAt(current.row()) : nullptr;
    return e && m_log ? m_log->curlFor(e->seq) : QString();
}

void TrafficView::copyAsCurl()
{
    const QString curl = selectedCurl();
    if (!curl.isEmpty())
        QGuiApplication::clipboard()->setText(curl);
}

} // namespace Ui
