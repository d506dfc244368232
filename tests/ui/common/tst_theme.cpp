#include "common/theme.h"

#include <QApplication>
#include <QStyle>
#include <QtTest>

namespace {

double luminance(const QColor &c)
{
    auto channel = [](double v) {
        return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

} // namespace

class tst_Theme : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void applyEachMode();
    void stateColoursAreReadable();
    void modeNamesRoundTrip();
};

// Light and Dark set Fusion and their palettes; System gives the platform palette back.
void tst_Theme::applyEachMode()
{
    auto *app = qobject_cast<QApplication *>(QCoreApplication::instance());
    Ui::Theme::apply(app, Ui::Theme::Mode::Dark);
    QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    QVERIFY(Ui::Theme::isDark(QApplication::palette()));
    QCOMPARE(QApplication::palette().color(QPalette::Base),
        Ui::Theme::darkPalette().color(QPalette::Base));

    Ui::Theme::apply(app, Ui::Theme::Mode::Light);
    QVERIFY(!Ui::Theme::isDark(QApplication::palette()));
    QCOMPARE(QApplication::palette().color(QPalette::Window),
        Ui::Theme::lightPalette().color(QPalette::Window));

    Ui::Theme::apply(app, Ui::Theme::Mode::Dark);
    Ui::Theme::apply(app, Ui::Theme::Mode::System);
    QVERIFY(!Ui::Theme::isDark(QApplication::palette())); // the offscreen platform is light
    QVERIFY(QApplication::palette().color(QPalette::Window)
        != Ui::Theme::darkPalette().color(QPalette::Window));
}

// Each state colour has ≥ 3:1 contrast on its palette's base, and the six are distinct.
void tst_Theme::stateColoursAreReadable()
{
    for (bool dark : { false, true }) {
        const QColor base
            = (dark ? Ui::Theme::darkPalette() : Ui::Theme::lightPalette()).color(QPalette::Base);
        QSet<QRgb> colours;
        for (int s = 0; s < 6; ++s) {
            const QColor c = Ui::Theme::stateColor(Core::JobState(s), dark);
            const double ratio = contrast(c, base);
            QVERIFY2(ratio >= 3.0,
                qPrintable(QStringLiteral("%1 %2: %3")
                               .arg(Core::stateName(Core::JobState(s)))
                               .arg(dark)
                               .arg(ratio)));
            colours.insert(c.rgb());
        }
        QCOMPARE(colours.size(), 6);
    }
}

// Settings store the mode by name; names read back case-insensitively, unknown names are refused.
void tst_Theme::modeNamesRoundTrip()
{
    for (auto m : { Ui::Theme::Mode::System, Ui::Theme::Mode::Light, Ui::Theme::Mode::Dark })
        QCOMPARE(Ui::Theme::modeFromName(Ui::Theme::modeName(m)), m);
    QCOMPARE(Ui::Theme::modeFromName(u"dark"), Ui::Theme::Mode::Dark);
    QVERIFY(!Ui::Theme::modeFromName(u"sepia"));
}

QTEST_MAIN(tst_Theme)
#include "tst_theme.moc"
