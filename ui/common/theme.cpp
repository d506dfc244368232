#include "common/theme.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

namespace Ui {

void Theme::apply(QApplication *app, Mode mode)
{
    if (!app)
        return;
    if (QApplication::style()->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive) != 0)
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    switch (mode) {
    case Mode::System:
        // An empty palette (no resolved roles) hands the colours back to the platform theme.
        QApplication::setPalette(QPalette());
        break;
    case Mode::Light:
        QApplication::setPalette(lightPalette());
        break;
    case Mode::Dark:
        QApplication::setPalette(darkPalette());
        break;
    }
}

QPalette Theme::lightPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0xf3, 0xf4, 0xf6));
    p.setColor(QPalette::WindowText, QColor(0x1f, 0x23, 0x29));
    p.setColor(QPalette::Base, QColor(0xff, 0xff, 0xff));
    p.setColor(QPalette::AlternateBase, QColor(0xf6, 0xf7, 0xf9));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xf0));
    p.setColor(QPalette::ToolTipText, QColor(0x1f, 0x23, 0x29));
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x92, 0x9c));
    p.setColor(QPalette::Text, QColor(0x1f, 0x23, 0x29));
    p.setColor(QPalette::Button, QColor(0xe9, 0xeb, 0xee));
    p.setColor(QPalette::ButtonText, QColor(0x1f, 0x23, 0x29));
    p.setColor(QPalette::BrightText, QColor(0xc6, 0x28, 0x28));
    p.setColor(QPalette::Light, QColor(0xff, 0xff, 0xff));
    p.setColor(QPalette::Midlight, QColor(0xe3, 0xe5, 0xe8));
    p.setColor(QPalette::Mid, QColor(0xb8, 0xbd, 0xc4));
    p.setColor(QPalette::Dark, QColor(0x9a, 0xa0, 0xa8));
    p.setColor(QPalette::Shadow, QColor(0x60, 0x64, 0x6a));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xd0));
    p.setColor(QPalette::HighlightedText, QColor(0xff, 0xff, 0xff));
    p.setColor(QPalette::Link, QColor(0x1f, 0x5f, 0xbf));
    p.setColor(QPalette::LinkVisited, QColor(0x6a, 0x3f, 0xb5));
    for (auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        p.setColor(QPalette::Disabled, role, QColor(0x9a, 0xa0, 0xa8));
    return p;
}

QPalette Theme::darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
    p.setColor(QPalette::WindowText, QColor(0xe4, 0xe6, 0xea));
    p.setColor(QPalette::Base, QColor(0x1f, 0x21, 0x24));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2c));
    p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3d, 0x42));
    p.setColor(QPalette::ToolTipText, QColor(0xe4, 0xe6, 0xea));
    p.setColor(QPalette::PlaceholderText, QColor(0x86, 0x8b, 0x93));
    p.setColor(QPalette::Text, QColor(0xe4, 0xe6, 0xea));
    p.setColor(QPalette::Button, QColor(0x35, 0x38, 0x3d));
    p.setColor(QPalette::ButtonText, QColor(0xe4, 0xe6, 0xea));
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4e, 0x54));
    p.setColor(QPalette::Midlight, QColor(0x3e, 0x41, 0x46));
    p.setColor(QPalette::Mid, QColor(0x2a, 0x2c, 0x30));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, QColor(0x0c, 0x0c, 0x0d));
    p.setColor(QPalette::Highlight, QColor(0x3a, 0x7f, 0xe0));
    p.setColor(QPalette::HighlightedText, QColor(0xff, 0xff, 0xff));
    p.setColor(QPalette::Link, QColor(0x6c, 0xa8, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb4, 0x9b, 0xe0));
    for (auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        p.setColor(QPalette::Disabled, role, QColor(0x6e, 0x73, 0x7a));
    return p;
}

bool Theme::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightnessF()
        < palette.color(QPalette::WindowText).lightnessF();
}

QColor Theme::stateColor(Core::JobState state, bool dark)
{
    switch (state) {
    case Core::JobState::Queued:
        return dark ? QColor(0x9f, 0xad, 0xc2) : QColor(0x5b, 0x69, 0x80);
    case Core::JobState::Running:
        return dark ? QColor(0x6c, 0xa8, 0xff) : QColor(0x1f, 0x64, 0xc8);
    case Core::JobState::NeedsInput:
        return dark ? QColor(0xf2, 0xb0, 0x4a) : QColor(0x9a, 0x5b, 0x00);
    case Core::JobState::Succeeded:
        return dark ? QColor(0x5c, 0xc9, 0x7c) : QColor(0x1b, 0x7d, 0x3a);
    case Core::JobState::Failed:
        return dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xc0, 0x2a, 0x22);
    case Core::JobState::Cancelled:
        return dark ? QColor(0xb9, 0xa6, 0xe0) : QColor(0x6e, 0x58, 0x96);
    }
    return {};
}

QString Theme::modeName(Mode mode)
{
    switch (mode) {
    case Mode::System:
        return QStringLiteral("System");
    case Mode::Light:
        return QStringLiteral("Light");
    case Mode::Dark:
        return QStringLiteral("Dark");
    }
    return {};
}

std::optional<Theme::Mode> Theme::modeFromName(QStringView name)
{
    for (Mode m : { Mode::System, Mode::Light, Mode::Dark }) {
        if (name.compare(modeName(m), Qt::CaseInsensitive) == 0)
            return m;
    }
    return std::nullopt;
}

} // namespace Ui
