#pragma once

#include "core/jobstate.h"

#include <QColor>
#include <QPalette>
#include <QString>
#include <optional>

class QApplication;

namespace Ui {

// The application's look: the Fusion style everywhere (the same metrics on every desktop), with
// the platform's palette (System) or one of ours (Light, Dark). Stateless: apply() changes the
// QApplication it is given, nothing is remembered here.
class Theme
{
public:
    enum class Mode { System, Light, Dark };

    static void apply(QApplication *app, Mode mode);

    static QPalette lightPalette();
    static QPalette darkPalette();
    // True when the palette's window colour is darker than its text.
    static bool isDark(const QPalette &palette);

    // The colour a state is written in; mid-tones with enough contrast on the matching background
    // (≥ 3:1 against the light or dark palette's base colour).
    static QColor stateColor(Core::JobState state, bool dark);

    static QString modeName(Mode mode); // "System", "Light", "Dark" (how settings store it)
    static std::optional<Mode> modeFromName(QStringView name);
};

} // namespace Ui
