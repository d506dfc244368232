#pragma once

#include "core/jobstate.h"

#include <QPointer>
#include <QSortFilterProxyModel>
#include <array>
#include <functional>
#include <optional>

namespace Ui {

class JobListModel;

// Sorting and filtering of the job list. Sorts by JobListModel::SortRole (raw values, never the
// displayed text); filters by a saved view, a profile and a search text, all three at once.
// Search is a case-insensitive substring match over JobListModel::SearchTextRole (id, task,
// input, error, recent log text). With a JobListModel as source it reads the rows directly (no
// QVariant per row): 10,000 rows are filtered per keystroke in a few milliseconds.
// counts() gives, per saved view, how many jobs of the current profile filter it holds (search
// and view ignored), recomputed once per source batch; countsChanged() fires when they change.
class JobListProxyModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobListProxyModel)

public:
    enum class View { All, Active, NeedsInput, Failed, Succeeded, Cancelled, Today };
    Q_ENUM(View)
    static constexpr int ViewCount = 7;
    using Counts = std::array<int, ViewCount>; // indexed by int(View)

    explicit JobListProxyModel(QObject *parent = nullptr);
    ~JobListProxyModel() override;

    void setSourceModel(QAbstractItemModel *model) override;

    void setView(View view);
    View view() const { return m_view; }
    void setProfileFilter(const QString &profile); // empty: every profile
    QString profileFilter() const { return m_profile; }
    void setSearchText(const QString &text);
    QString searchText() const { return m_search; }

    Counts counts() const { return m_counts; }
    int count(View view) const { return m_counts[size_t(view)]; }

    static QString viewName(View view); // for the sidebar: "All", "Active", "Needs input", …
    // Whether a job with this state and creation time belongs to a view (todayStartMs: local
    // midnight of today, in ms since epoch).
    static bool inView(
        View view, std::optional<Core::JobState> state, qint64 createdMs, qint64 todayStartMs);

    // The clock Today reads (tests pin it); defaults to the system clock.
    void setClock(std::function<qint64()> nowMs);

Q_SIGNALS:
    void countsChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    void refilter();
    void recount();
    qint64 todayStart() const;
    bool refreshToday();
    std::optional<Core::JobState> stateAt(int row) const;
    qint64 createdAt(int row) const;
    QString profileAt(int row) const;

    QPointer<JobListModel> m_jobs; // the source when it is a JobListModel (fast path)
    View m_view = View::All;
    QString m_profile;
    QString m_search; // trimmed, lower case
    Counts m_counts {};
    std::function<qint64()> m_now;
    qint64 m_todayStartMs = 0;
    QList<QMetaObject::Connection> m_sourceConnections;
};

} // namespace Ui
