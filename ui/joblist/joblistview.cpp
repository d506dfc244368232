#include "joblist/joblistview.h"

#include "common/icons.h"
#include "joblist/joblistdelegate.h"
#include "joblist/joblistmodel.h"

#include <QAction>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QDataStream>
#include <QGuiApplication>
#include <QHeaderView>
#include <QIODevice>
#include <QMenu>
#include <algorithm>

namespace Ui {

namespace {
constexpr quint32 StateMagic = 0x4a4c5631; // "JLV1"
constexpr quint32 StateVersion = 1;
} // namespace

JobListView::JobListView(QWidget *parent)
    : QTreeView(parent)
    , m_delegate(new JobListDelegate(this))
{
    setRootIsDecorated(false);
    setItemsExpandable(false);
    setUniformRowHeights(true);
    setSortingEnabled(true);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setAllColumnsShowFocus(true);
    setAlternatingRowColors(true);
    setTextElideMode(Qt::ElideRight);
    setItemDelegate(m_delegate);
    setIconSize(QSize(16, 16));
    header()->setStretchLastSection(true);
    header()->setSectionsMovable(true);
    header()->setDefaultSectionSize(110);
    header()->setMinimumSectionSize(36);

    auto makeAction = [this](const QString &text, const char *icon, const QKeySequence &shortcut) {
        auto *action = new QAction(Icons::action(icon), text, this);
        action->setShortcut(shortcut);
        // Only while the list has focus: Delete in a search field must not cancel jobs.
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
        return action;
    };
    m_cancel = makeAction(tr("Cancel"), "cancel", QKeySequence::Delete);
    m_download = makeAction(tr("Download"), "download", QKeySequence());
    m_resubmit = makeAction(tr("Resubmit"), "resubmit", QKeySequence());
    m_copyIds = makeAction(tr("Copy ids"), "copy", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    m_cancel->setToolTip(tr("Cancel the selected jobs (Delete)"));
    m_copyIds->setToolTip(tr("Copy the selected job ids (Ctrl+Shift+C)"));

    connect(m_cancel, &QAction::triggered, this, [this] {
        const QStringList ids = selectedJobIds();
        if (!ids.isEmpty())
            Q_EMIT cancelRequested(ids);
    });
    connect(m_download, &QAction::triggered, this, [this] {
        const QStringList ids = selectedJobIds();
        if (!ids.isEmpty())
            Q_EMIT downloadRequested(ids);
    });
    connect(m_resubmit, &QAction::triggered, this, [this] {
        const QStringList ids = selectedJobIds();
        if (!ids.isEmpty())
            Q_EMIT resubmitRequested(ids);
    });
    connect(m_copyIds, &QAction::triggered, this, &JobListView::copyIds);
    updateActions();
}

JobListView::~JobListView() = default;

void JobListView::setModel(QAbstractItemModel *model)
{
    QTreeView::setModel(model);
    if (selectionModel())
        connect(selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &JobListView::updateActions);
    if (model) {
        header()->resizeSection(JobListModel::State, 130);
        header()->resizeSection(JobListModel::Input, 260);
        header()->resizeSection(JobListModel::Progress, 120);
        header()->resizeSection(JobListModel::Result, 64);
        header()->resizeSection(JobListModel::Id, 200);
        // Newest first until the user chooses otherwise.
        sortByColumn(JobListModel::Created, Qt::DescendingOrder);
    }
    updateActions();
}

QStringList JobListView::selectedJobIds() const
{
    if (!selectionModel())
        return {};
    QModelIndexList rows = selectionModel()->selectedRows(0);
    std::sort(rows.begin(), rows.end(),
        [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList ids;
    ids.reserve(rows.size());
    for (const QModelIndex &index : std::as_const(rows))
        ids << index.data(JobListModel::JobIdRole).toString();
    return ids;
}

QString JobListView::currentJobId() const
{
    return currentIndex().data(JobListModel::JobIdRole).toString();
}

void JobListView::updateActions()
{
    const bool any = selectionModel() && selectionModel()->hasSelection();
    for (QAction *action : { m_cancel, m_download, m_resubmit, m_copyIds })
        action->setEnabled(any);
}

void JobListView::copyIds()
{
    const QStringList ids = selectedJobIds();
    if (!ids.isEmpty())
        QGuiApplication::clipboard()->setText(ids.join(QLatin1Char('\n')));
}

void JobListView::currentChanged(const QModelIndex &current, const QModelIndex &previous)
{
    QTreeView::currentChanged(current, previous);
    // A re-sort moves the current index without changing the job: only a new job is news.
    const QString id = current.data(JobListModel::JobIdRole).toString();
    if (id != m_currentId) {
        m_currentId = id;
        Q_EMIT currentJobChanged(id);
    }
}

void JobListView::contextMenuEvent(QContextMenuEvent *event)
{
    const QModelIndex at = indexAt(viewport()->mapFrom(this, event->pos()));
    if (at.isValid() && selectionModel() && !selectionModel()->isRowSelected(at.row(), at.parent()))
        selectionModel()->select(
            at, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (!selectionModel() || !selectionModel()->hasSelection())
        return;
    QMenu menu(this);
    menu.addAction(m_download);
    menu.addAction(m_resubmit);
    menu.addAction(m_copyIds);
    menu.addSeparator();
    menu.addAction(m_cancel);
    menu.exec(event->globalPos());
}

QByteArray JobListView::saveState() const
{
    QByteArray out;
    QDataStream stream(&out, QIODevice::WriteOnly);
    stream << StateMagic << StateVersion << header()->saveState();
    return out;
}

bool JobListView::restoreState(const QByteArray &state)
{
    QDataStream stream(state);
    quint32 magic = 0;
    quint32 version = 0;
    QByteArray headerState;
    stream >> magic >> version >> headerState;
    if (stream.status() != QDataStream::Ok || magic != StateMagic || version != StateVersion)
        return false;
    if (!header()->restoreState(headerState))
        return false;
    // The header restores the sort indicator; make the model follow it.
    sortByColumn(header()->sortIndicatorSection(), header()->sortIndicatorOrder());
    return true;
}

} // namespace Ui
