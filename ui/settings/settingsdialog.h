#pragma once

#include "settings/appsettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace Ui {

// The Settings dialog over Settings::AppSettings: library folder (with Browse…), auto-download,
// parallel downloads (1–8), polling first and longest interval (seconds; the longest never below
// the first), theme and notifications. OK and Apply write every field and sync() the file; Cancel
// writes nothing. The theme is applied to the running QApplication (Ui::Theme) as soon as it is
// picked, and put back on Cancel. `settings` is borrowed and must outlive the dialog.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    explicit SettingsDialog(Settings::AppSettings *settings, QWidget *parent = nullptr);
    ~SettingsDialog() override;

    // Fills the fields from the settings, dropping unapplied edits.
    void load();
    // Writes the fields to the settings (what OK and Apply do).
    void apply();

    // The parts, for tests.
    QLineEdit *libraryEdit() const { return m_library; }
    QPushButton *browseButton() const { return m_browse; }
    QCheckBox *autoDownloadCheck() const { return m_autoDownload; }
    QSpinBox *parallelSpin() const { return m_parallel; }
    QDoubleSpinBox *pollFirstSpin() const { return m_pollFirst; }
    QDoubleSpinBox *pollMaxSpin() const { return m_pollMax; }
    QComboBox *themeCombo() const { return m_theme; }
    QCheckBox *notificationsCheck() const { return m_notifications; }
    QDialogButtonBox *buttons() const { return m_buttons; }

Q_SIGNALS:
    // After apply() wrote the settings.
    void applied();

public Q_SLOTS:
    void accept() override;
    void reject() override;

private:
    Settings::AppSettings::Theme selectedTheme() const;
    void previewTheme(Settings::AppSettings::Theme theme);

    Settings::AppSettings *m_settings;
    Settings::AppSettings::Theme m_appliedTheme; // what Cancel goes back to
    QLineEdit *m_library = nullptr;
    QPushButton *m_browse = nullptr;
    QCheckBox *m_autoDownload = nullptr;
    QSpinBox *m_parallel = nullptr;
    QDoubleSpinBox *m_pollFirst = nullptr;
    QDoubleSpinBox *m_pollMax = nullptr;
    QComboBox *m_theme = nullptr;
    QCheckBox *m_notifications = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace Ui
