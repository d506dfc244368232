#pragma once

#include "net/webhookinbox.h"

#include <QAbstractTableModel>
#include <deque>
#include <functional>

namespace Ui {

// The webhook inbox's deliveries as a table, newest first: time, profile, job id, event / status,
// signature verdict (valid, duplicate, invalid, missing, replay, too large, not checked), size.
// Job id and event/status are read from the JSON body (top level or under "data": job_id,
// request_id, task_id, id; event/type and status). The profile is what the resolver given to
// setProfileResolver() names for the delivery's scheme (the scheme itself by default).
//
// add() inserts one row (one beginInsertRows); beyond maxRows() the oldest row is removed. The
// model copies what it shows; it does not watch the inbox (WebhookInboxPanel feeds it).
// SortRole gives raw values (time as msecs, size as bytes) for a QSortFilterProxyModel.
class WebhookDeliveryModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookDeliveryModel)

public:
    enum Column {
        TimeColumn,
        ProfileColumn,
        JobColumn,
        EventColumn,
        VerdictColumn,
        SizeColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole + 1, VerdictRole };

    using ProfileResolver = std::function<QString(const QString &scheme)>;

    explicit WebhookDeliveryModel(QObject *parent = nullptr);
    ~WebhookDeliveryModel() override;

    void setProfileResolver(ProfileResolver resolver) { m_profileOf = std::move(resolver); }
    void setMaxRows(int n) { m_maxRows = std::max(1, n); }
    int maxRows() const { return m_maxRows; }

    void add(const Net::WebhookInbox::Delivery &delivery);
    void setDeliveries(const QList<Net::WebhookInbox::Delivery> &deliveries); // oldest first
    void clear();
    Net::WebhookInbox::Delivery delivery(int row) const;

    // "valid", "duplicate", "invalid", "missing", "replay", "too large", "not checked".
    static QString verdictText(Net::WebhookInbox::Verdict verdict);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        Net::WebhookInbox::Delivery delivery;
        QString profile;
        QString jobId;
        QString event;
        qint64 size = 0;
    };
    Row makeRow(const Net::WebhookInbox::Delivery &delivery) const;

    std::deque<Row> m_rows; // newest first
    ProfileResolver m_profileOf;
    int m_maxRows = 1000;
};

} // namespace Ui
