#pragma once

#include "joblist/joblistproxymodel.h"

#include <QTreeWidget>

namespace Ui {

// The left column: profiles (with their live-channel health) and the saved views with counts.
// Selecting an item emits profileSelected (empty: every profile) or viewSelected.
class Sidebar final : public QTreeWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Sidebar)

public:
    explicit Sidebar(QWidget *parent = nullptr);

    void setProfiles(const QStringList &names);
    void setProfileHealth(const QString &name, const QString &health);
    void setCounts(const JobListProxyModel::Counts &counts);

Q_SIGNALS:
    void profileSelected(const QString &name);
    void viewSelected(Ui::JobListProxyModel::View view);

private:
    QTreeWidgetItem *m_profiles;
    QTreeWidgetItem *m_views;
    QHash<QString, QString> m_health;
};

} // namespace Ui
