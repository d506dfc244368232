#pragma once

#include <QStyledItemDelegate>

namespace Ui {

// Paints the job list's cells: the state icon with the raw status in the state's colour, a
// QStyle progress bar with its percentage in the Progress column, and the result thumbnail
// scaled into the row. Every row has the same height (the view sets uniformRowHeights), so
// sizeHint() does not depend on the cell's content.
class JobListDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobListDelegate)

public:
    explicit JobListDelegate(QObject *parent = nullptr);
    ~JobListDelegate() override;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
        const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    static int rowHeight(const QFontMetrics &metrics);

private:
    void paintProgress(
        QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const;
    void paintThumbnail(
        QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const;
};

} // namespace Ui
