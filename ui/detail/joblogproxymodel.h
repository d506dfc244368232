#pragma once

#include <QSet>
#include <QSortFilterProxyModel>

namespace Ui {

// Filters a JobLogModel by level (each of debug / info / warn / error on or off) and by a search
// text (case-insensitive, in the message). Keeps the source order; no sorting.
class JobLogProxyModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobLogProxyModel)

public:
    explicit JobLogProxyModel(QObject *parent = nullptr);

    void setLevelShown(const QString &level, bool shown);
    bool isLevelShown(const QString &level) const { return !m_hidden.contains(level); }
    void setSearchText(const QString &text);
    QString searchText() const { return m_search; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QSet<QString> m_hidden;
    QString m_search;
};

} // namespace Ui
