#pragma once

#include "catalog/taskcatalog.h"
#include "core/profile.h"
#include "submit/submitrequest.h"

#include <QDialog>
#include <QHash>
#include <QJsonObject>
#include <QList>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QScrollArea;
class QSpinBox;
class QTabWidget;

namespace Catalog {
class TaskPresets;
}

namespace Ui {

class SchemaForm;

// The Submit dialog: a profile, one of its dialect's tasks (by title), the task's input as a
// generated form and as raw JSON (kept in step both ways; raw text that is not a JSON object is
// kept as typed, reported, and locks the form until fixed; the raw text is refreshed from the
// form whenever the Raw JSON tab is shown or edited in while shown), presets per task, a batch
// count (1–500) and the live channel (only the dialect's own: PeelAPI auto|sse|poll, deAPI
// auto|pusher|poll|webhook, ImagePipeline auto|poll|webhook, Peel and Peako auto|poll).
// Submit (also Ctrl+Return) is disabled while the input is invalid, with the reason shown
// beside it; it emits submitRequested() and accepts the dialog.
// The catalog and the presets are borrowed and must outlive the dialog; `presets` may be null
// (no presets row then). Edits are remembered per task while the dialog lives, and so are the
// last profile and task (lastProfile()/lastTask(); restoreLastChoice() to seed them from
// settings).
class SubmitDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SubmitDialog)

public:
    SubmitDialog(const Catalog::TaskCatalog &catalog, Catalog::TaskPresets *presets,
        QWidget *parent = nullptr);
    ~SubmitDialog() override;

    // Replaces the profile list, keeping the current (or else the last) profile and task.
    void setProfiles(const QList<Core::Profile> &profiles);
    // Pre-fills the dialog (Resubmit): that profile and task, `input` as the form's value, a
    // count of 1. False when there is no such profile or the profile's dialect has no such task.
    bool preset(const QString &profile, const QString &task, const QJsonObject &input);
    void restoreLastChoice(const QString &profile, const QString &task);
    QString lastProfile() const { return m_lastProfile; }
    QString lastTask() const { return m_lastTask; }

    // The request Submit would emit now, and why Submit is disabled (empty when it is not).
    SubmitRequest request() const;
    QString blockedReason() const { return m_blocked; }

    // What the preset buttons do, without their prompts.
    bool savePreset(const QString &name, QString *error = nullptr);
    bool loadPreset(const QString &name);
    bool deletePreset(const QString &name, QString *error = nullptr);

    // The parts, for tests and for the main window's focus handling.
    SchemaForm *form() const { return m_form; }
    QPlainTextEdit *rawEditor() const { return m_raw; }
    QComboBox *profileCombo() const { return m_profile; }
    QComboBox *taskCombo() const { return m_task; }
    QComboBox *presetCombo() const { return m_preset; }
    QComboBox *viaCombo() const { return m_via; }
    QSpinBox *countSpin() const { return m_count; }
    QPushButton *submitButton() const { return m_submit; }
    QTabWidget *tabs() const { return m_tabs; }

Q_SIGNALS:
    void submitRequested(const Ui::SubmitRequest &request);

public Q_SLOTS:
    // Emits submitRequested() and accepts, unless Submit is disabled.
    void submit();

private:
    const Core::Profile *currentProfile() const;
    QString currentDialect() const;
    QString currentTask() const;
    QString inputKey() const;
    void profileChosen();
    void taskChosen();
    void fillPresets(const QString &select = QString());
    void presetChosen();
    void askPresetName();
    void deleteCurrentPreset();
    void formChanged();
    void writeRaw();
    void rawChanged();
    void updateState();

    const Catalog::TaskCatalog &m_catalog;
    Catalog::TaskPresets *m_presets;
    QList<Core::Profile> m_profiles;
    QHash<QString, QJsonObject> m_inputs; // "dialect\ntask" -> the input last edited there
    QString m_formKey; // the key of the task the form now shows
    QString m_lastProfile;
    QString m_lastTask;
    QString m_rawError;
    QString m_blocked;
    bool m_syncing = false;
    bool m_filling = false;

    QComboBox *m_profile;
    QComboBox *m_task;
    QLabel *m_taskInfo;
    QComboBox *m_preset;
    QPushButton *m_savePreset;
    QPushButton *m_deletePreset;
    QTabWidget *m_tabs;
    QScrollArea *m_formScroll;
    SchemaForm *m_form;
    QLabel *m_formLocked;
    QPlainTextEdit *m_raw;
    QLabel *m_rawStatus;
    QSpinBox *m_count;
    QComboBox *m_via;
    QLabel *m_reason;
    QPushButton *m_submit;
};

} // namespace Ui
