#include "detail/joblogproxymodel.h"

#include "detail/joblogmodel.h"

namespace Ui {

JobLogProxyModel::JobLogProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{ }

void JobLogProxyModel::setLevelShown(const QString &level, bool shown)
{
    if (shown == isLevelShown(level))
        return;
    if (shown)
        m_hidden.remove(level);
    else
        m_hidden.insert(level);
    invalidateFilter();
}

void JobLogProxyModel::setSearchText(const QString &text)
{
    if (text == m_search)
        return;
    m_search = text;
    invalidateFilter();
}

bool JobLogProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, JobLogModel::Message, sourceParent);
    if (m_hidden.contains(index.data(JobLogModel::LevelRole).toString()))
        return false;
    return m_search.isEmpty()
        || index.data(Qt::DisplayRole).toString().contains(m_search, Qt::CaseInsensitive);
}

} // namespace Ui
