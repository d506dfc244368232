// Proves that the Settings dialog shows AppSettings, writes every field on OK and Apply (and
// nothing on Cancel), keeps the longest poll interval at or above the first, and applies the theme
// as soon as it is picked, putting it back on Cancel.
#include "common/theme.h"
#include "settings/appsettings.h"
#include "settings/settingsdialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using Settings::AppSettings;
using Ui::SettingsDialog;

class TstSettingsDialog final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void init() { Ui::Theme::apply(qApp, Ui::Theme::Mode::Light); }

    // The fields start from the file; OK writes them all to it.
    void okWritesEverything()
    {
        const QString path = m_dir.filePath(QStringLiteral("ok.ini"));
        {
            AppSettings seed(path);
            seed.setParallelDownloads(2);
            seed.setPollFirstMs(3000);
        }
        AppSettings settings(path);
        SettingsDialog dialog(&settings);
        dialog.show();
        QCOMPARE(dialog.parallelSpin()->value(), 2);
        QCOMPARE(dialog.pollFirstSpin()->value(), 3.0);
        QCOMPARE(dialog.themeCombo()->currentText(), QStringLiteral("System"));

        const QString library = m_dir.filePath(QStringLiteral("library"));
        dialog.libraryEdit()->setText(library);
        dialog.autoDownloadCheck()->setChecked(false);
        dialog.parallelSpin()->setValue(8);
        dialog.pollFirstSpin()->setValue(5);
        dialog.pollMaxSpin()->setValue(120);
        dialog.themeCombo()->setCurrentIndex(2);
        dialog.notificationsCheck()->setChecked(false);
        QTest::mouseClick(dialog.buttons()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));

        AppSettings reread(path);
        QCOMPARE(reread.libraryFolder(), library);
        QCOMPARE(reread.autoDownload(), false);
        QCOMPARE(reread.parallelDownloads(), 8);
        QCOMPARE(reread.pollFirstMs(), 5000);
        QCOMPARE(reread.pollMaxMs(), 120000);
        QCOMPARE(reread.theme(), AppSettings::Theme::Dark);
        QCOMPARE(reread.notifications(), false);
        QVERIFY(Ui::Theme::isDark(qApp->palette()));
    }

    // Apply writes and keeps the dialog open; a later Cancel drops only what came after Apply.
    void applyThenCancel()
    {
        const QString path = m_dir.filePath(QStringLiteral("apply.ini"));
        AppSettings settings(path);
        SettingsDialog dialog(&settings);
        dialog.show();
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        dialog.parallelSpin()->setValue(5);
        dialog.buttons()->button(QDialogButtonBox::Apply)->click();
        QCOMPARE(applied.count(), 1);
        QVERIFY(dialog.isVisible());
        QCOMPARE(AppSettings(path).parallelDownloads(), 5);

        dialog.parallelSpin()->setValue(1);
        dialog.themeCombo()->setCurrentIndex(2);
        QVERIFY(Ui::Theme::isDark(qApp->palette())); // applied at once
        QCoreApplication::processEvents();
        dialog.grab().save(QStringLiteral("/tmp/settingsdialog-dark.png"));
        dialog.buttons()->button(QDialogButtonBox::Cancel)->click();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(!Ui::Theme::isDark(qApp->palette())); // put back
        QCOMPARE(AppSettings(path).parallelDownloads(), 5);
        QCOMPARE(AppSettings(path).theme(), AppSettings::Theme::System);
        QCOMPARE(dialog.parallelSpin()->value(), 5);
    }

    // The longest interval cannot be set below the first; parallel downloads stay within 1–8.
    void limits()
    {
        AppSettings settings(m_dir.filePath(QStringLiteral("limits.ini")));
        SettingsDialog dialog(&settings);
        dialog.pollFirstSpin()->setValue(30);
        dialog.pollMaxSpin()->setValue(10);
        QCOMPARE(dialog.pollMaxSpin()->value(), 30.0);
        dialog.parallelSpin()->setValue(20);
        QCOMPARE(dialog.parallelSpin()->value(), 8);
        dialog.apply();
        QCOMPARE(settings.pollMaxMs(), 30000);
        dialog.grab().save(QStringLiteral("/tmp/settingsdialog.png"));
    }
};

QTEST_MAIN(TstSettingsDialog)
#include "tst_settingsdialog.moc"
