#include "common/icons.h"

#include <QImage>
#include <QPixmap>
#include <QtTest>

class tst_Icons : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void stateIcons();
    void actionIcons_data();
    void actionIcons();
    void unknownActionIsNull();
};

void tst_Icons::initTestCase()
{
    // A malformed SVG only warns at render time; make that a failure here.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("qt\\.svg|Cannot read|Could not")));
}

static int opaquePixels(const QImage &image)
{
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            n += qAlpha(image.pixel(x, y)) > 128 ? 1 : 0;
    return n;
}

// Every state has its own icon, which renders crisply at 16 px and at 64 px (and 2× DPR).
void tst_Icons::stateIcons()
{
    QSet<QByteArray> seen;
    for (int s = 0; s < 6; ++s) {
        const QIcon icon = Ui::Icons::stateIcon(Core::JobState(s));
        QVERIFY(!icon.isNull());
        for (int size : { 16, 64 }) {
            const QImage image = icon.pixmap(QSize(size, size), 2.0).toImage();
            QCOMPARE(image.size(), QSize(size * 2, size * 2));
            QVERIFY2(
                opaquePixels(image) > size * size, qPrintable(Core::stateName(Core::JobState(s))));
        }
        const QImage small = icon.pixmap(24).toImage();
        seen.insert(QByteArray(
            reinterpret_cast<const char *>(small.constBits()), int(small.sizeInBytes())));
    }
    QCOMPARE(seen.size(), 6);
}

void tst_Icons::actionIcons_data()
{
    QTest::addColumn<QString>("name");
    for (const QString &name : Ui::Icons::actionNames())
        QTest::newRow(qPrintable(name)) << name;
}

// Each named action icon exists in the resources and draws something.
void tst_Icons::actionIcons()
{
    QFETCH(QString, name);
    const QIcon icon = Ui::Icons::action(name.toLatin1().constData());
    QVERIFY(!icon.isNull());
    const QImage image = icon.pixmap(QSize(32, 32)).toImage();
    QVERIFY(opaquePixels(image) > 40);
    QVERIFY(QFile::exists(Ui::Icons::path(name)));
}

// A name that has no file gives a null icon rather than an empty square.
void tst_Icons::unknownActionIsNull()
{
    QVERIFY(Ui::Icons::action("no-such-icon").isNull());
}

QTEST_MAIN(tst_Icons)
#include "tst_icons.moc"
