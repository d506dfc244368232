#include "joblist/joblistproxymodel.h"

#include "joblist/joblistmodel.h"

#include <QDateTime>

namespace Ui {

JobListProxyModel::JobListProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_now([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    setSortRole(JobListModel::SortRole);
    setDynamicSortFilter(true);
    m_todayStartMs = todayStart();
}

JobListProxyModel::~JobListProxyModel() = default;

void JobListProxyModel::setSourceModel(QAbstractItemModel *model)
{
    for (const auto &c : std::as_const(m_sourceConnections))
        disconnect(c);
    m_sourceConnections.clear();
    QSortFilterProxyModel::setSourceModel(model);
    m_jobs = qobject_cast<JobListModel *>(model);
    if (m_jobs) {
        // Counts follow the model's batches, not each of its signals.
        m_sourceConnections << connect(
            m_jobs, &JobListModel::batchApplied, this, &JobListProxyModel::recount);
    } else if (model) {
        for (auto signal : { &QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved })
            m_sourceConnections << connect(model, signal, this, &JobListProxyModel::recount);
        m_sourceConnections << connect(
            model, &QAbstractItemModel::dataChanged, this, &JobListProxyModel::recount);
    }
    if (model)
        m_sourceConnections << connect(
            model, &QAbstractItemModel::modelReset, this, &JobListProxyModel::recount);
    recount();
}

void JobListProxyModel::setClock(std::function<qint64()> nowMs)
{
    m_now = std::move(nowMs);
    refreshToday();
    invalidateFilter();
    recount();
}

qint64 JobListProxyModel::todayStart() const
{
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(m_now());
    return now.date().startOfDay().toMSecsSinceEpoch();
}

bool JobListProxyModel::refreshToday()
{
    const qint64 start = todayStart();
    if (start == m_todayStartMs)
        return false;
    m_todayStartMs = start;
    return true;
}

void JobListProxyModel::refilter()
{
    // invalidateFilter() would announce every removed run of rows on its own: thousands of
    // rowsRemoved for one keystroke over 10,000 scattered matches, each one relayouting the
    // view. Dropping the mapping is one layoutChanged, and the mapping is rebuilt in one pass.
    invalidate();
}

void JobListProxyModel::setView(View view)
{
    const bool dayChanged = refreshToday();
    if (view == m_view && !dayChanged)
        return;
    m_view = view;
    refilter();
    if (dayChanged)
        recount();
}

void JobListProxyModel::setProfileFilter(const QString &profile)
{
    if (profile == m_profile)
        return;
    m_profile = profile;
    refilter();
    recount();
}

void JobListProxyModel::setSearchText(const QString &text)
{
    const QString needle = text.trimmed().toLower();
    if (needle == m_search)
        return;
    m_search = needle;
    refilter();
}

QString JobListProxyModel::viewName(View view)
{
    switch (view) {
    case View::All:
        return tr("All");
    case View::Active:
        return tr("Active");
    case View::NeedsInput:
        return tr("Needs input");
    case View::Failed:
        return tr("Failed");
    case View::Succeeded:
        return tr("Succeeded");
    case View::Cancelled:
        return tr("Cancelled");
    case View::Today:
        return tr("Today");
    }
    return {};
}

bool JobListProxyModel::inView(
    View view, std::optional<Core::JobState> state, qint64 createdMs, qint64 todayStartMs)
{
    switch (view) {
    case View::All:
        return true;
    case View::Active:
        return !state
            || !Core::isTerminal(*state); // a job with no state yet has just been submitted
    case View::NeedsInput:
        return state == Core::JobState::NeedsInput;
    case View::Failed:
        return state == Core::JobState::Failed;
    case View::Succeeded:
        return state == Core::JobState::Succeeded;
    case View::Cancelled:
        return state == Core::JobState::Cancelled;
    case View::Today:
        return createdMs >= todayStartMs;
    }
    return false;
}

std::optional<Core::JobState> JobListProxyModel::stateAt(int row) const
{
    if (m_jobs)
        return m_jobs->stateAt(row);
    const int s = sourceModel()->index(row, 0).data(JobListModel::StateRole).toInt();
    return s < 0 ? std::nullopt : std::optional<Core::JobState>(Core::JobState(s));
}

qint64 JobListProxyModel::createdAt(int row) const
{
    return m_jobs ? m_jobs->createdAt(row)
                  : sourceModel()->index(row, 0).data(JobListModel::CreatedRole).toLongLong();
}

QString JobListProxyModel::profileAt(int row) const
{
    return m_jobs ? m_jobs->profileAt(row)
                  : sourceModel()->index(row, 0).data(JobListModel::ProfileRole).toString();
}

bool JobListProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid())
        return false;
    if (!m_profile.isEmpty() && profileAt(sourceRow) != m_profile)
        return false;
    if (m_view != View::All
        && !inView(m_view, stateAt(sourceRow), createdAt(sourceRow), m_todayStartMs))
        return false;
    if (m_search.isEmpty())
        return true;
    // The row's text is already lower case: a plain (vectorised) substring search suffices.
    if (m_jobs)
        return m_jobs->searchTextAt(sourceRow).contains(m_search);
    return sourceModel()
        ->index(sourceRow, 0)
        .data(JobListModel::SearchTextRole)
        .toString()
        .contains(m_search, Qt::CaseInsensitive);
}

bool JobListProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    // The default order (newest first) compares plain integers, without two QVariants a step.
    if (m_jobs && left.column() == JobListModel::Created && right.column() == JobListModel::Created)
        return m_jobs->createdAt(left.row()) < m_jobs->createdAt(right.row());
    return QSortFilterProxyModel::lessThan(left, right);
}

void JobListProxyModel::recount()
{
    if (refreshToday() && m_view == View::Today)
        invalidateFilter();
    Counts counts {};
    const QAbstractItemModel *model = sourceModel();
    const int rows = model ? model->rowCount() : 0;
    for (int r = 0; r < rows; ++r) {
        if (!m_profile.isEmpty() && profileAt(r) != m_profile)
            continue;
        const std::optional<Core::JobState> state = stateAt(r);
        const qint64 created = createdAt(r);
        for (int v = 0; v < ViewCount; ++v) {
            if (inView(View(v), state, created, m_todayStartMs))
                ++counts[size_t(v)];
        }
    }
    if (counts != m_counts) {
        m_counts = counts;
        Q_EMIT countsChanged();
    }
}

} // namespace Ui
