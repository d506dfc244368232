#include "mainwindow/sidebar.h"

#include "common/icons.h"

#include <QHeaderView>

namespace Ui {

namespace {
constexpr int ProfileRole = Qt::UserRole + 1;
constexpr int ViewRole = Qt::UserRole + 2;

struct ViewName
{
    JobListProxyModel::View view;
    const char *name;
    const char *icon;
};
const ViewName kViews[] = {
    { JobListProxyModel::View::All, "All", nullptr },
    { JobListProxyModel::View::Active, "Active", "running" },
    { JobListProxyModel::View::NeedsInput, "Needs input", "needs_input" },
    { JobListProxyModel::View::Failed, "Failed", "failed" },
    { JobListProxyModel::View::Succeeded, "Succeeded", "succeeded" },
    { JobListProxyModel::View::Cancelled, "Cancelled", "cancelled" },
    { JobListProxyModel::View::Today, "Today", nullptr },
};
} // namespace

Sidebar::Sidebar(QWidget *parent)
    : QTreeWidget(parent)
{
    setHeaderHidden(true);
    setRootIsDecorated(false);
    setIndentation(12);
    setUniformRowHeights(false); // a profile's health is a second line
    setAccessibleName(tr("Profiles and views"));
    m_profiles = new QTreeWidgetItem(this, { tr("PROFILES") });
    m_profiles->setFlags(Qt::ItemIsEnabled);
    auto *all = new QTreeWidgetItem(m_profiles, { tr("All profiles") });
    all->setData(0, ProfileRole, QString());
    m_views = new QTreeWidgetItem(this, { tr("VIEWS") });
    m_views->setFlags(Qt::ItemIsEnabled);
    for (const ViewName &v : kViews) {
        auto *item = new QTreeWidgetItem(m_views, { tr(v.name) });
        item->setData(0, ViewRole, int(v.view));
        if (v.icon)
            item->setIcon(0, Icons::action(v.icon));
    }
    QFont bold = font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 0.85);
    m_profiles->setFont(0, bold);
    m_views->setFont(0, bold);
    expandAll();
    connect(this, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem *item) {
        if (item->parent() == m_profiles)
            Q_EMIT profileSelected(item->data(0, ProfileRole).toString());
        else if (item->parent() == m_views)
            Q_EMIT viewSelected(JobListProxyModel::View(item->data(0, ViewRole).toInt()));
    });
    connect(this, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item && item->parent() == m_profiles)
            Q_EMIT profileSelected(item->data(0, ProfileRole).toString());
        else if (item && item->parent() == m_views)
            Q_EMIT viewSelected(JobListProxyModel::View(item->data(0, ViewRole).toInt()));
    });
}

void Sidebar::setProfiles(const QStringList &names)
{
    while (m_profiles->childCount() > 1)
        delete m_profiles->takeChild(1);
    for (const QString &n : names) {
        auto *item = new QTreeWidgetItem(m_profiles, { n });
        item->setData(0, ProfileRole, n);
        if (m_health.contains(n))
            item->setToolTip(0, m_health.value(n));
    }
}

void Sidebar::setProfileHealth(const QString &name, const QString &health)
{
    m_health.insert(name, health);
    for (int i = 1; i < m_profiles->childCount(); ++i) {
        QTreeWidgetItem *item = m_profiles->child(i);
        if (item->data(0, ProfileRole).toString() == name) {
            item->setText(0, health.isEmpty() ? name : name + QStringLiteral("\n    ") + health);
            item->setToolTip(0, health);
        }
    }
}

void Sidebar::setCounts(const JobListProxyModel::Counts &counts)
{
    for (int i = 0; i < m_views->childCount(); ++i) {
        QTreeWidgetItem *item = m_views->child(i);
        const auto view = JobListProxyModel::View(item->data(0, ViewRole).toInt());
        item->setText(
            0, QStringLiteral("%1  (%2)").arg(tr(kViews[i].name)).arg(counts[size_t(view)]));
    }
}

} // namespace Ui
