#pragma once

#include "core/cancelpolicy.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <functional>

class QWidget;

namespace Tracker {
class JobTracker;
}

namespace Ui {

// Asks before cancelling the selected jobs. It names exactly the jobs that can be cancelled and,
// for each of the others, why not (Core::CancelPolicy), then returns the ids to cancel — all of
// the cancellable ones when the user agrees, none otherwise. Not a QObject: build one per
// request. The tracker must outlive it; `isSandbox(profile)` says whether a profile points at
// a sandbox (whose control API can cancel more).
class CancelConfirmation
{
public:
    struct Entry
    {
        QString id;
        Core::CancelPolicy::Verdict verdict;
    };

    CancelConfirmation(const Tracker::JobTracker *tracker, const QStringList &ids,
        std::function<bool(const QString &profile)> isSandbox = {});

    QList<Entry> entries() const { return m_entries; }
    QStringList cancellable() const;
    Core::CancelPolicy::Route routeOf(const QString &id) const;

    QString title() const;
    // The question and the list of jobs that will be cancelled (at most 20 named, then "… and N
    // more"), followed by the jobs that will not be, each with its reason.
    QString text() const;

    // Shows a modal QMessageBox over `parent`. Returns the ids to cancel (empty when the user
    // declines or nothing can be cancelled: then the box only explains why, with one OK button).
    QStringList ask(QWidget *parent) const;

    static constexpr int MaxNamed = 20;

private:
    QList<Entry> m_entries;
};

} // namespace Ui
