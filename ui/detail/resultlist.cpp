#include "detail/resultlist.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QMimeData>
#include <QUrl>

namespace Ui {

ResultList::ResultList(QWidget *parent)
    : QTreeWidget(parent)
{
    setColumnCount(4);
    setHeaderLabels({ tr("Output"), tr("Variant"), tr("Size"), tr("Where") });
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setDragEnabled(true);
    setDragDropMode(QAbstractItemView::DragOnly);
    setDefaultDropAction(Qt::CopyAction);
    setTextElideMode(Qt::ElideMiddle); // "result-0-w512.png" keeps its variant and extension
    header()->setSectionResizeMode(0, QHeaderView::Stretch);
    header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(3, QHeaderView::ResizeToContents);
    header()->setStretchLastSection(false);
}

QStringList ResultList::mimeTypes() const
{
    return { QStringLiteral("text/uri-list") };
}

QMimeData *ResultList::mimeData(const QList<QTreeWidgetItem *> &items) const
{
    QList<QUrl> urls;
    for (const QTreeWidgetItem *item : items) {
        const QString path = item->data(0, LocalPathRole).toString();
        if (!path.isEmpty() && QFileInfo::exists(path))
            urls.append(QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()));
    }
    if (urls.isEmpty())
        return nullptr;
    auto *mime = new QMimeData;
    mime->setUrls(urls);
    return mime;
}

} // namespace Ui
