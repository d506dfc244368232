#include "traffic/trafficproxymodel.h"

#include "traffic/trafficmodel.h"

namespace Ui {

TrafficProxyModel::TrafficProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(TrafficModel::SortRole);
}

TrafficProxyModel::~TrafficProxyModel() = default;

TrafficProxyModel::Group TrafficProxyModel::groupOf(Net::TrafficLog::Kind kind)
{
    using K = Net::TrafficLog::Kind;
    switch (kind) {
    case K::HttpRequest:
    case K::HttpResponse:
        return Http;
    case K::SseConnect:
    case K::SseEvent:
    case K::SseDisconnect:
        return Sse;
    case K::WsOut:
    case K::WsIn:
    case K::WsState:
        return WebSocket;
    case K::WebhookIn:
        return Webhook;
    }
    return Http;
}

void TrafficProxyModel::setGroups(Groups groups)
{
    if (groups == m_groups)
        return;
    // Qt 6.4 has no beginFilterChange(); invalidateFilter() is the one call there.
    m_groups = groups;
    invalidateFilter();
}

bool TrafficProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const auto kind = Net::TrafficLog::Kind(index.data(TrafficModel::KindRole).toInt());
    return m_groups.testFlag(groupOf(kind));
}

} // namespace Ui
