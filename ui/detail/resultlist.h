#pragma once

#include <QTreeWidget>

namespace Ui {

// The outputs of a job, one row each (name, variant, size, where it is). A row whose output has
// been downloaded can be dragged out of the window: the drag carries the local file as a file URL
// (text/uri-list), so a file manager or another application receives the file itself.
class ResultList final : public QTreeWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResultList)

public:
    enum Role { LocalPathRole = Qt::UserRole + 1, RemoteUrlRole, OutputIndexRole };

    explicit ResultList(QWidget *parent = nullptr);

    // The drag payload for `items` (file URLs of those with a local file; nullptr when none has).
    QMimeData *mimeData(const QList<QTreeWidgetItem *> &items) const override;
    QStringList mimeTypes() const override;
};

} // namespace Ui
