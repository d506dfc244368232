#include "webhookdeliverymodel.h"

#include <QBrush>
#include <QColor>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

namespace Ui {

namespace {

using Verdict = Net::WebhookInbox::Verdict;

QString firstString(const QJsonObject &o, std::initializer_list<const char *> keys)
{
    for (const char *key : keys) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isString() && !v.toString().isEmpty())
            return v.toString();
        if (v.isDouble())
            return QString::number(v.toDouble(), 'g', 15);
    }
    return {};
}

QString sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace

WebhookDeliveryModel::WebhookDeliveryModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

WebhookDeliveryModel::~WebhookDeliveryModel() = default;

QString WebhookDeliveryModel::verdictText(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Verified:
        return tr("valid");
    case Verdict::Duplicate:
        return tr("duplicate");
    case Verdict::BadSignature:
        return tr("invalid");
    case Verdict::NoSignature:
        return tr("missing");
    case Verdict::StaleTimestamp:
        return tr("replay");
    case Verdict::TooLarge:
        return tr("too large");
    case Verdict::NotFound:
    case Verdict::BadRequest:
    case Verdict::Refused:
        break;
    }
    return tr("not checked");
}

WebhookDeliveryModel::Row WebhookDeliveryModel::makeRow(const Net::WebhookInbox::Delivery &d) const
{
    Row row;
    row.delivery = d;
    row.profile = m_profileOf ? m_profileOf(d.scheme) : d.scheme;
    const QJsonObject top = QJsonDocument::fromJson(d.body).object();
    const QJsonObject data = top.value(QLatin1String("data")).toObject();
    row.jobId = firstString(top, { "job_id", "request_id", "task_id", "id" });
    if (row.jobId.isEmpty())
        row.jobId = firstString(data, { "job_id", "request_id", "task_id", "id" });
    const QString event = firstString(top, { "event", "type" });
    QString status = firstString(top, { "status", "state" });
    if (status.isEmpty())
        status = firstString(data, { "status", "state" });
    row.event = event.isEmpty() ? status
        : status.isEmpty()      ? event
                                : event + QStringLiteral(" / ") + status;
    row.size = d.body.size();
    if (d.body.isEmpty()) {
        // A body that was refused unread (too large) still announced its length.
        for (const auto &h : d.headers) {
            if (h.first.compare("Content-Length", Qt::CaseInsensitive) == 0)
                row.size = h.second.trimmed().toLongLong();
        }
    }
    return row;
}

void WebhookDeliveryModel::add(const Net::WebhookInbox::Delivery &delivery)
{
    if (int(m_rows.size()) >= m_maxRows) {
        const int last = int(m_rows.size()) - 1;
        beginRemoveRows({}, m_maxRows - 1, last);
        m_rows.resize(m_maxRows - 1);
        endRemoveRows();
    }
    beginInsertRows({}, 0, 0);
    m_rows.push_front(makeRow(delivery));
    endInsertRows();
}

void WebhookDeliveryModel::setDeliveries(const QList<Net::WebhookInbox::Delivery> &deliveries)
{
    beginResetModel();
    m_rows.clear();
    const qsizetype first = std::max<qsizetype>(0, deliveries.size() - m_maxRows);
    for (qsizetype i = deliveries.size() - 1; i >= first; --i)
        m_rows.push_back(makeRow(deliveries.at(i)));
    endResetModel();
}

void WebhookDeliveryModel::clear()
{
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

Net::WebhookInbox::Delivery WebhookDeliveryModel::delivery(int row) const
{
    if (row < 0 || row >= int(m_rows.size()))
        return {};
    return m_rows[size_t(row)].delivery;
}

int WebhookDeliveryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int WebhookDeliveryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WebhookDeliveryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const Net::WebhookInbox::Delivery &d = row.delivery;
    if (role == VerdictRole)
        return int(d.verdict);
    if (role == Qt::ToolTipRole) {
        return QStringLiteral("%1 %2 → %3 (%4)")
            .arg(QString::fromLatin1(d.method), d.path, QString::number(d.httpStatus), d.detail);
    }
    if (role == Qt::ForegroundRole && index.column() == VerdictColumn) {
        switch (d.verdict) {
        case Verdict::Verified:
            return QBrush(QColor(0x10, 0x7c, 0x10));
        case Verdict::Duplicate:
            return {};
        default:
            return QBrush(QColor(0xc4, 0x2b, 0x1c));
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() == SizeColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == SortRole) {
        switch (index.column()) {
        case TimeColumn:
            return d.receivedAt.toMSecsSinceEpoch();
        case SizeColumn:
            return row.size;
        case VerdictColumn:
            return int(d.verdict);
        default:
            break;
        }
        role = Qt::DisplayRole;
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case TimeColumn:
        return QLocale().toString(d.receivedAt.toLocalTime().time(), QStringLiteral("HH:mm:ss"));
    case ProfileColumn:
        return row.profile;
    case JobColumn:
        return row.jobId;
    case EventColumn:
        return row.event;
    case VerdictColumn:
        return verdictText(d.verdict);
    case SizeColumn:
        return sizeText(row.size);
    default:
        break;
    }
    return {};
}

QVariant WebhookDeliveryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case ProfileColumn:
        return tr("Profile");
    case JobColumn:
        return tr("Job");
    case EventColumn:
        return tr("Event / status");
    case VerdictColumn:
        return tr("Signature");
    case SizeColumn:
        return tr("Size");
    default:
        break;
    }
    return {};
}

} // namespace Ui
