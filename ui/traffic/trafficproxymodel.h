#pragma once

#include "net/trafficlog.h"

#include <QSortFilterProxyModel>

namespace Ui {

// Filters a TrafficModel by transport (HTTP / SSE / WebSocket / Webhook) and sorts on its
// SortRole, so numbers and times compare as numbers.
class TrafficProxyModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficProxyModel)

public:
    enum Group { Http = 0x1, Sse = 0x2, WebSocket = 0x4, Webhook = 0x8, All = 0xf };
    Q_DECLARE_FLAGS(Groups, Group)

    explicit TrafficProxyModel(QObject *parent = nullptr);
    ~TrafficProxyModel() override;

    void setGroups(Groups groups);
    Groups groups() const { return m_groups; }
    static Group groupOf(Net::TrafficLog::Kind kind);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    Groups m_groups = All;
};

} // namespace Ui

Q_DECLARE_OPERATORS_FOR_FLAGS(Ui::TrafficProxyModel::Groups)
