#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace Ui {

// A job's output as it exists on this machine: the remote URL it came from, the file it was
// saved to. Whoever downloads results (the result library) hands these to the detail view.
struct ResultFile
{
    QString url; // the remote URL (matches Core::Output::url or its path before '?')
    QString name; // the output's name (matches Core::Output::name)
    QString variant; // PeelAPI: w256, w512, w1024, full
    QString path; // the local file
    QString mimeType;
    qint64 bytes = -1;
};

} // namespace Ui

Q_DECLARE_METATYPE(Ui::ResultFile)
