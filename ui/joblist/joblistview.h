#pragma once

#include <QTreeView>

class QAction;

namespace Ui {

class JobListDelegate;

// The job list's view: a flat, sortable table (uniform row heights, extended selection) with a
// context menu and keyboard actions on the selected jobs — Cancel (Delete), Download, Resubmit,
// Copy ids (Ctrl+Shift+C, to the clipboard, one id per line). The actions only emit signals
// with the selected job ids (read through JobListModel::JobIdRole); the window decides what to
// do. Installs its own JobListDelegate. Works over a JobListProxyModel or a JobListModel.
class JobListView final : public QTreeView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobListView)

public:
    explicit JobListView(QWidget *parent = nullptr);
    ~JobListView() override;

    void setModel(QAbstractItemModel *model) override;

    QStringList selectedJobIds() const; // in view order
    QString currentJobId() const;

    QAction *cancelAction() const { return m_cancel; }
    QAction *downloadAction() const { return m_download; }
    QAction *resubmitAction() const { return m_resubmit; }
    QAction *copyIdsAction() const { return m_copyIds; }

    // Column widths, order, hidden columns and the sort, for the settings.
    QByteArray saveState() const;
    bool restoreState(const QByteArray &state);

Q_SIGNALS:
    void cancelRequested(const QStringList &ids);
    void downloadRequested(const QStringList &ids);
    void resubmitRequested(const QStringList &ids);
    void currentJobChanged(const QString &id);

protected:
    void currentChanged(const QModelIndex &current, const QModelIndex &previous) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void updateActions();
    void copyIds();

    JobListDelegate *m_delegate = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_download = nullptr;
    QAction *m_resubmit = nullptr;
    QAction *m_copyIds = nullptr;
    QString m_currentId;
};

} // namespace Ui
