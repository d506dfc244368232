#pragma once

#include "core/jobstate.h"

#include <QIcon>
#include <QStringList>

namespace Ui {

// The application's SVG icons (resources/icons, compiled in under ":/jobscope/icons"). They scale
// to any size and device pixel ratio. Each call builds a new QIcon: a QIcon caches its rendered
// pixmaps per instance, so callers that paint often (models, delegates) keep the icon they got.
class Icons
{
public:
    // One per normalized state: queued, running, needs_input, succeeded, failed, cancelled.
    static QIcon stateIcon(Core::JobState state);
    // An action icon by file name: submit, cancel, download, resubmit, refresh, copy, settings,
    // profiles, webhook, sandbox, open-folder, search. An unknown name gives a null icon.
    static QIcon action(const char *name);
    // The resource path of an icon name (":/jobscope/icons/<name>.svg").
    static QString path(const QString &name);
    static QStringList actionNames();
};

} // namespace Ui
