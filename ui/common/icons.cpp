#include "common/icons.h"

#include <QFile>

namespace Ui {

QString Icons::path(const QString &name)
{
    return QStringLiteral(":/jobscope/icons/") + name + QStringLiteral(".svg");
}

QIcon Icons::stateIcon(Core::JobState state)
{
    return QIcon(path(Core::stateName(state)));
}

QIcon Icons::action(const char *name)
{
    const QString file = path(QString::fromLatin1(name));
    // QIcon(path) of a missing file is not null until painted; say "no icon" up front instead.
    if (!QFile::exists(file))
        return {};
    return QIcon(file);
}

QStringList Icons::actionNames()
{
    return { QStringLiteral("submit"), QStringLiteral("cancel"), QStringLiteral("download"),
        QStringLiteral("resubmit"), QStringLiteral("refresh"), QStringLiteral("copy"),
        QStringLiteral("settings"), QStringLiteral("profiles"), QStringLiteral("webhook"),
        QStringLiteral("sandbox"), QStringLiteral("open-folder"), QStringLiteral("search") };
}

} // namespace Ui
