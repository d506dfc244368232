#pragma once

#include "qa/controlresult.h"

#include <QHash>
#include <QJsonObject>
#include <QUrl>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QPushButton;

namespace Qa {
class ControlOperation;
class LifecycleControl;
} // namespace Qa

namespace Ui {

// QA control of one sandbox job (docs/sandbox.md, "/_sandbox"): shows the job's sandbox state
// (GET /_sandbox/jobs/{id}) and offers Advance to each next state (one button per state; the
// ones the sandbox would refuse are disabled, with its reason as tooltip), Hold / Release, Fail
// with a reason code (from GET /_sandbox/failures for the job's dialect) and an optional message,
// Ask for input (Peel), Cancel (dialects with a cancelled state), Expire URLs and Drop streams.
// Every action shows its answer in the status line (the sandbox's 409 reason when refused) and
// then re-reads the job. With "Hold in each new state" on, a job advanced to a state that is not
// final is held there, so it does not run on by itself.
// Inactive (everything disabled, a hint shown) until setSandbox() is given a control URL.
class LifecycleStepper final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LifecycleStepper)

public:
    // The QNetworkAccessManager is not owned and must outlive the stepper.
    explicit LifecycleStepper(QNetworkAccessManager *nam, QWidget *parent = nullptr);

    // The control URL (empty: inactive) and the sandbox's control token (X-Sandbox-Token).
    void setSandbox(const QUrl &controlBase, const QByteArray &token = {});
    QUrl sandbox() const;
    bool isActive() const { return m_active; }
    void setJob(const QString &id);
    QString jobId() const { return m_jobId; }
    void refresh();

    QJsonObject record() const { return m_record; }
    QString phase() const; // the record's phase, empty before the first answer
    QString stateText() const;
    QString statusText() const;
    QPushButton *advanceButton(const QString &phase) const { return m_advance.value(phase); }
    QPushButton *button(const QString &action)
        const; // hold, release, fail, ask-input, cancel, expire, drop, refresh
    QComboBox *failureCodes() const { return m_codes; }
    QLineEdit *failureMessage() const { return m_failMessage; }
    QLineEdit *inputPrompt() const { return m_prompt; }
    QCheckBox *holdEachStep() const { return m_holdEachStep; }

Q_SIGNALS:
    void recordChanged(const QJsonObject &record);
    void actionFinished(const Qa::ControlResult &result);

private:
    void act(const QString &action,
        const std::function<void(const std::function<void(const Qa::ControlResult &)> &)> &call);
    // Runs `then` with the operation's answer when it reports (not at all once this is gone).
    void onResult(Qa::ControlOperation *operation,
        const std::function<void(const Qa::ControlResult &)> &then);
    void report(const Qa::ControlResult &r);
    void applyRecord(const QJsonObject &record);
    void loadFailures(const QString &dialect);
    void updateEnabled();

    Qa::LifecycleControl *m_control;
    QString m_jobId;
    bool m_active = false;
    bool m_busy = false;
    QJsonObject m_record;
    QHash<QString, QStringList> m_failureCodes; // per dialect, fetched once
    QString m_codesFor;
    QString m_expect; // the state an advance asked for, while the sandbox is still getting there
    int m_expectReads = 0;

    QLabel *m_hint;
    QLabel *m_state;
    QLabel *m_status;
    QWidget *m_controls;
    QHBoxLayout *m_advanceRow;
    QHash<QString, QPushButton *> m_advance;
    QHash<QString, QPushButton *> m_buttons;
    QCheckBox *m_holdEachStep;
    QComboBox *m_codes;
    QLineEdit *m_failMessage;
    QLineEdit *m_prompt;
    QWidget *m_askRow;
};

} // namespace Ui
