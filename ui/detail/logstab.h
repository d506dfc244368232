#pragma once

#include <QHash>
#include <QWidget>

class QLineEdit;
class QToolButton;
class QTreeView;

namespace Core {
class Redactor;
}
namespace Tracker {
struct TrackedJob;
}

namespace Ui {

class JobLogModel;
class JobLogProxyModel;

// The job's log: a level filter (debug / info / warn / error, each checkable), a search box
// (Ctrl+F focuses it), auto-scroll (on by default; scrolling up turns it off, scrolling back to
// the end turns it on), Copy (the selected lines, or every shown line) and Save… (the shown lines
// as plain text). Lines pass through the Redactor before they are shown, copied or saved.
class LogsTab final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogsTab)

public:
    explicit LogsTab(QWidget *parent = nullptr);

    void setRedactor(const Core::Redactor *redactor);
    void showJob(const Tracker::TrackedJob *job);

    bool autoScroll() const { return m_autoScroll; }
    void setAutoScroll(bool on);
    // The selected lines when `selectedOnly` and something is selected, else every shown line.
    QString linesText(bool selectedOnly) const;
    bool saveTo(const QString &path) const;

    JobLogModel *model() const { return m_model; }
    JobLogProxyModel *proxy() const { return m_proxy; }
    QTreeView *view() const { return m_view; }
    QLineEdit *searchBox() const { return m_search; }
    QToolButton *levelButton(const QString &level) const { return m_levels.value(level); }
    QToolButton *followButton() const { return m_follow; }

Q_SIGNALS:
    void autoScrollChanged(bool on);

private:
    void copy();
    void save();

    JobLogModel *m_model;
    JobLogProxyModel *m_proxy;
    QTreeView *m_view;
    QLineEdit *m_search;
    QToolButton *m_follow;
    QHash<QString, QToolButton *> m_levels;
    bool m_autoScroll = true;
    bool m_scrolling = false; // our own scrolling, not the user's
};

} // namespace Ui
