#include "joblist/joblistdelegate.h"

#include "common/theme.h"
#include "joblist/joblistmodel.h"

#include <QApplication>
#include <QPainter>
#include <QStyleOptionProgressBar>
#include <algorithm>

namespace Ui {

JobListDelegate::JobListDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{ }

JobListDelegate::~JobListDelegate() = default;

int JobListDelegate::rowHeight(const QFontMetrics &metrics)
{
    // Tall enough for a readable thumbnail (the 48 px cache is crisp at 2× device pixels).
    return std::max(metrics.height() + 12, 28);
}

QSize JobListDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setHeight(rowHeight(option.fontMetrics));
    if (index.column() == JobListModel::Progress)
        size.setWidth(std::max(size.width(), 110));
    else if (index.column() == JobListModel::Result)
        size.setWidth(std::max(size.width(), rowHeight(option.fontMetrics) * 2));
    return size;
}

void JobListDelegate::paint(
    QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    switch (index.column()) {
    case JobListModel::Progress:
        paintProgress(painter, option, index);
        return;
    case JobListModel::Result:
        if (index.data(Qt::DecorationRole).canConvert<QPixmap>()) {
            paintThumbnail(painter, option, index);
            return;
        }
        break;
    case JobListModel::State: {
        const int state = index.data(JobListModel::StateRole).toInt();
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        if (state >= 0 && !(opt.state & QStyle::State_Selected)) {
            const QColor colour
                = Theme::stateColor(Core::JobState(state), Theme::isDark(opt.palette));
            opt.palette.setColor(QPalette::Text, colour);
            opt.palette.setColor(QPalette::HighlightedText, colour);
        }
        const QWidget *widget = option.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
        return;
    }
    default:
        break;
    }
    QStyledItemDelegate::paint(painter, option, index);
}

void JobListDelegate::paintProgress(
    QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget); // selection, hover

    const double progress = index.data(JobListModel::ProgressRole).toDouble();
    if (progress < 0)
        return; // the dialect reports no progress (Peel)

    // The percentage sits beside a slim bar rather than on it: text over a filled bar is
    // unreadable in one palette or the other once the bar takes the state's colour.
    const QString text = QStringLiteral("%1 %").arg(qRound(progress * 100));
    const int textWidth = option.fontMetrics.horizontalAdvance(QStringLiteral("100 %")) + 6;
    const QRect cell = option.rect.adjusted(4, 0, -4, 0);
    const int barHeight = std::clamp(option.fontMetrics.height() / 2 + 2, 8, 14);
    QStyleOptionProgressBar bar;
    if (widget)
        bar.initFrom(widget);
    bar.state = option.state | QStyle::State_Horizontal;
    bar.direction = option.direction;
    bar.palette = option.palette;
    bar.fontMetrics = option.fontMetrics;
    bar.rect = QRect(cell.left(), cell.center().y() - barHeight / 2,
        std::max(10, cell.width() - textWidth), barHeight);
    bar.minimum = 0;
    bar.maximum = 1000;
    bar.progress = qBound(0, qRound(progress * 1000), 1000);
    bar.textVisible = false;
    const int state = index.data(JobListModel::StateRole).toInt();
    if (state >= 0) {
        // The bar takes the state's colour, so a failed job's bar does not look like a live one.
        bar.palette.setColor(QPalette::Highlight,
            Theme::stateColor(Core::JobState(state), Theme::isDark(option.palette)));
    }
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);

    const QRect textRect(
        bar.rect.right() + 1, cell.top(), cell.right() - bar.rect.right(), cell.height());
    painter->save();
    const bool selected = option.state & QStyle::State_Selected;
    painter->setPen(option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
    painter->setFont(option.font);
    painter->drawText(textRect, Qt::AlignRight | Qt::AlignVCenter, text);
    painter->restore();
}

void JobListDelegate::paintThumbnail(
    QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    background.icon = QIcon();
    background.features &= ~QStyleOptionViewItem::HasDecoration;
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

    const QPixmap pixmap = index.data(Qt::DecorationRole).value<QPixmap>();
    if (pixmap.isNull())
        return;
    const QRect area = option.rect.adjusted(3, 2, -3, -2);
    QSize size = pixmap.size() / pixmap.devicePixelRatio();
    size.scale(area.size(), Qt::KeepAspectRatio);
    QRect target(QPoint(0, 0), size);
    target.moveCenter(area.center());
    painter->save();
    painter->setRenderHint(QPainter::SmoothPixmapTransform);
    painter->drawPixmap(target, pixmap);
    painter->restore();
}

} // namespace Ui
