#include "settingsdialog.h"

#include "common/icons.h"
#include "common/theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace Ui {

namespace {

Theme::Mode modeOf(Settings::AppSettings::Theme theme)
{
    switch (theme) {
    case Settings::AppSettings::Theme::Light:
        return Theme::Mode::Light;
    case Settings::AppSettings::Theme::Dark:
        return Theme::Mode::Dark;
    case Settings::AppSettings::Theme::System:
        break;
    }
    return Theme::Mode::System;
}

QDoubleSpinBox *secondsSpin(double min, double max, QWidget *parent)
{
    auto *spin = new QDoubleSpinBox(parent);
    spin->setRange(min, max);
    spin->setDecimals(1);
    spin->setSingleStep(0.5);
    spin->setSuffix(QObject::tr(" s"));
    return spin;
}

} // namespace

SettingsDialog::SettingsDialog(Settings::AppSettings *settings, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_appliedTheme(settings->theme())
{
    setWindowTitle(tr("Settings"));
    setWindowIcon(Icons::action("settings"));
    auto *root = new QVBoxLayout(this);

    auto *downloads = new QGroupBox(tr("Results"), this);
    auto *dl = new QFormLayout(downloads);
    auto *folderRow = new QHBoxLayout;
    m_library = new QLineEdit(downloads);
    m_browse = new QPushButton(tr("&Browse…"), downloads);
    m_browse->setIcon(Icons::action("open-folder"));
    folderRow->addWidget(m_library, 1);
    folderRow->addWidget(m_browse);
    auto *folderLabel = new QLabel(tr("&Library folder:"), downloads);
    folderLabel->setBuddy(m_library);
    dl->addRow(folderLabel, folderRow);
    m_autoDownload = new QCheckBox(tr("&Download results when a job finishes"), downloads);
    dl->addRow(QString(), m_autoDownload);
    m_parallel = new QSpinBox(downloads);
    m_parallel->setRange(1, 8);
    dl->addRow(tr("&Parallel downloads:"), m_parallel);
    root->addWidget(downloads);

    auto *polling = new QGroupBox(tr("Polling (when no live channel is open)"), this);
    auto *pl = new QFormLayout(polling);
    m_pollFirst = secondsSpin(0.5, 60, polling);
    m_pollMax = secondsSpin(1, 600, polling);
    pl->addRow(tr("&First interval:"), m_pollFirst);
    pl->addRow(tr("&Longest interval:"), m_pollMax);
    root->addWidget(polling);

    auto *look = new QGroupBox(tr("Appearance and notifications"), this);
    auto *lf = new QFormLayout(look);
    m_theme = new QComboBox(look);
    m_theme->addItem(tr("System"), int(Settings::AppSettings::Theme::System));
    m_theme->addItem(tr("Light"), int(Settings::AppSettings::Theme::Light));
    m_theme->addItem(tr("Dark"), int(Settings::AppSettings::Theme::Dark));
    lf->addRow(tr("&Theme:"), m_theme);
    m_notifications
        = new QCheckBox(tr("Desktop &notifications when a job finishes or needs input"), look);
    lf->addRow(QString(), m_notifications);
    root->addWidget(look);
    root->addStretch(1);

    m_buttons = new QDialogButtonBox(
        QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::Apply, this);
    root->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this,
        &SettingsDialog::apply);
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString folder
            = QFileDialog::getExistingDirectory(this, tr("Library folder"), m_library->text());
        if (!folder.isEmpty())
            m_library->setText(QDir::toNativeSeparators(folder));
    });
    // The longest interval can never be shorter than the first one (AppSettings clamps it too).
    connect(m_pollFirst, &QDoubleSpinBox::valueChanged, this,
        [this](double first) { m_pollMax->setMinimum(std::max(1.0, first)); });
    connect(
        m_theme, &QComboBox::currentIndexChanged, this, [this] { previewTheme(selectedTheme()); });

    load();
    resize(560, sizeHint().height());
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::load()
{
    m_library->setText(QDir::toNativeSeparators(m_settings->libraryFolder()));
    m_autoDownload->setChecked(m_settings->autoDownload());
    m_parallel->setValue(std::clamp(m_settings->parallelDownloads(), 1, 8));
    m_pollFirst->setValue(m_settings->pollFirstMs() / 1000.0);
    m_pollMax->setValue(m_settings->pollMaxMs() / 1000.0);
    {
        // Loading is not picking: the theme in use stays as it is.
        const QSignalBlocker block(m_theme);
        m_theme->setCurrentIndex(m_theme->findData(int(m_settings->theme())));
    }
    m_appliedTheme = m_settings->theme();
    m_notifications->setChecked(m_settings->notifications());
}

void SettingsDialog::apply()
{
    m_settings->setLibraryFolder(QDir::fromNativeSeparators(m_library->text().trimmed()));
    m_settings->setAutoDownload(m_autoDownload->isChecked());
    m_settings->setParallelDownloads(m_parallel->value());
    m_settings->setPollFirstMs(int(m_pollFirst->value() * 1000));
    m_settings->setPollMaxMs(int(m_pollMax->value() * 1000));
    m_settings->setTheme(selectedTheme());
    m_settings->setNotifications(m_notifications->isChecked());
    m_settings->sync();
    m_appliedTheme = selectedTheme();
    Q_EMIT applied();
}

void SettingsDialog::accept()
{
    apply();
    QDialog::accept();
}

void SettingsDialog::reject()
{
    if (selectedTheme() != m_appliedTheme)
        previewTheme(m_appliedTheme);
    load();
    QDialog::reject();
}

Settings::AppSettings::Theme SettingsDialog::selectedTheme() const
{
    return Settings::AppSettings::Theme(m_theme->currentData().toInt());
}

void SettingsDialog::previewTheme(Settings::AppSettings::Theme theme)
{
    if (auto *app = qobject_cast<QApplication *>(QCoreApplication::instance()))
        Theme::apply(app, modeOf(theme));
}

} // namespace Ui
