// Proves that AppSettings round-trips every typed setting through its INI file, stores the theme
// by name, clamps and defaults bad values, keeps window state apart, and never holds a key.
#include "settings/appsettings.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using Settings::AppSettings;

class TstAppSettings : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const char *name) const { return m_dir.filePath(QLatin1String(name)); }
    static QByteArray fileBytes(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    // A fresh file reads the documented defaults.
    void defaults()
    {
        AppSettings s(path("defaults.ini"));
        QVERIFY(s.libraryFolder().endsWith(QLatin1String("/Jobscope")));
        QCOMPARE(s.autoDownload(), true);
        QCOMPARE(s.parallelDownloads(), 3);
        QCOMPARE(s.pollFirstMs(), 2000);
        QCOMPARE(s.pollMaxMs(), 30000);
        QCOMPARE(s.theme(), AppSettings::Theme::System);
        QCOMPARE(s.notifications(), true);
        QCOMPARE(s.value(QStringLiteral("geometry"), 7).toInt(), 7);
    }

    // Every setting survives a new instance on the same file; the theme is stored by name.
    void roundTrip()
    {
        const QString file = path("round.ini");
        {
            AppSettings s(file);
            QSignalSpy changed(&s, &AppSettings::changed);
            s.setLibraryFolder(QStringLiteral("/tmp/jobscope-lib/"));
            s.setAutoDownload(false);
            s.setParallelDownloads(5);
            s.setPollFirstMs(3000);
            s.setPollMaxMs(45000);
            s.setTheme(AppSettings::Theme::Dark);
            s.setNotifications(false);
            s.setValue(QStringLiteral("geometry"), QByteArray("\x01\x02geometry"));
            s.setValue(QStringLiteral("splitter/main"), QVariantList { 100, 200 });
            QCOMPARE(changed.count(), 9);
            s.setTheme(AppSettings::Theme::Dark);
            QCOMPARE(changed.count(), 9); // unchanged values are not signalled
            QVERIFY(s.sync());
        }
        const QByteArray ini = fileBytes(file);
        QVERIFY2(ini.contains("theme=Dark"), ini.constData());
        QVERIFY(ini.contains("[window]"));
        AppSettings s(file);
        QCOMPARE(s.libraryFolder(), QStringLiteral("/tmp/jobscope-lib"));
        QCOMPARE(s.autoDownload(), false);
        QCOMPARE(s.parallelDownloads(), 5);
        QCOMPARE(s.pollFirstMs(), 3000);
        QCOMPARE(s.pollMaxMs(), 45000);
        QCOMPARE(s.theme(), AppSettings::Theme::Dark);
        QCOMPARE(s.notifications(), false);
        QCOMPARE(s.value(QStringLiteral("geometry")).toByteArray(), QByteArray("\x01\x02geometry"));
        QCOMPARE(s.value(QStringLiteral("splitter/main")).toList().size(), 2);
        s.setLibraryFolder(QString());
        QVERIFY(s.libraryFolder().endsWith(QLatin1String("/Jobscope"))); // back to the default
    }

    // Hand-edited junk: unknown enum names and non-numbers give defaults, out-of-range clamps.
    void badValues()
    {
        const QString file = path("bad.ini");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[appearance]\ntheme=Purple\n[downloads]\nparallel=99\nautoDownload=maybe\n["
                "polling]\nfirstMs=5\nmaxMs=abc\n");
        f.close();
        AppSettings s(file);
        QCOMPARE(s.theme(), AppSettings::Theme::System);
        QCOMPARE(s.parallelDownloads(), 16);
        QCOMPARE(s.autoDownload(), true);
        QCOMPARE(s.pollFirstMs(), 500);
        QCOMPARE(s.pollMaxMs(), 30000);
        s.setPollFirstMs(50000);
        s.setPollMaxMs(2000);
        QCOMPARE(s.pollMaxMs(), 50000); // never below the first interval
        s.setParallelDownloads(0);
        QCOMPARE(s.parallelDownloads(), 1);
    }

    // Theme names map both ways; an unknown name is no theme.
    void themeNames()
    {
        QCOMPARE(AppSettings::themeName(AppSettings::Theme::Light), QStringLiteral("Light"));
        QCOMPARE(AppSettings::themeFromName(QStringLiteral("Dark")),
            std::optional(AppSettings::Theme::Dark));
        QVERIFY(!AppSettings::themeFromName(QStringLiteral("dark-ish")));
    }

    // Nothing the settings API offers writes a key: the file after a full session has none.
    void noKeyInFile()
    {
        const QString file = path("nokey.ini");
        const QByteArray key = "sk-settings-never-1357";
        {
            AppSettings s(file);
            s.setTheme(AppSettings::Theme::Light);
            s.setValue(QStringLiteral("header/jobs"), QByteArray("state"));
            s.sync();
        }
        QVERIFY(!fileBytes(file).isEmpty());
        QVERIFY(!fileBytes(file).contains(key));
    }
};

QTEST_GUILESS_MAIN(TstAppSettings)
#include "tst_appsettings.moc"
