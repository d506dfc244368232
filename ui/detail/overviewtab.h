#pragma once

#include <QHash>
#include <QSet>
#include <QWidget>

class QFormLayout;
class QGroupBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;

namespace Core {
class Redactor;
}
namespace Tracker {
struct TrackedJob;
}

namespace Ui {

class CopyableField;

// The job at a glance, in forms: identity (id, profile, dialect, task), normalized and raw state,
// progress, every time and duration the job reported (plus when Jobscope saw it start and end),
// credits, dialect details, the error (kind, reason code, message, retryability, suggested action,
// support id) and the submitted input as JSON. Every value is selectable and has a copy button.
// showJob() is called once per tracker batch; unchanged values keep their selection.
class OverviewTab final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OverviewTab)

public:
    explicit OverviewTab(QWidget *parent = nullptr);

    // The redactor the input JSON passes through (not owned; may be null).
    void setRedactor(const Core::Redactor *redactor) { m_redactor = redactor; }
    // Shows `job` (nullptr: clears every value).
    void showJob(const Tracker::TrackedJob *job);

    // The text of a shown row ("id", "state", "raw", "progress", "timing:queue_wait_s",
    // "error:code", …); empty when the row is hidden. For tests and accessibility tools.
    QString value(const QString &key) const;
    QStringList visibleKeys() const;

private:
    void set(QFormLayout *form, const QString &key, const QString &label, const QString &text,
        bool mono = false);
    void finishSection(QFormLayout *form, QGroupBox *box);

    const Core::Redactor *m_redactor = nullptr;
    QFormLayout *m_jobForm;
    QFormLayout *m_timeForm;
    QFormLayout *m_detailForm;
    QFormLayout *m_errorForm;
    QGroupBox *m_timeBox;
    QGroupBox *m_detailBox;
    QGroupBox *m_errorBox;
    QGroupBox *m_inputBox;
    QProgressBar *m_progress;
    QPlainTextEdit *m_input;
    QHash<QString, CopyableField *> m_fields;
    QHash<QString, QFormLayout *> m_formOf;
    QSet<QString> m_shown; // keys set by the current showJob()
};

} // namespace Ui
