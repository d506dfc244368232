#include "detail/lifecyclestepper.h"

#include "qa/lifecyclecontrol.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace Ui {

namespace {
QLatin1String k(const char *s)
{
    return QLatin1String(s);
}
} // namespace

LifecycleStepper::LifecycleStepper(QNetworkAccessManager *nam, QWidget *parent)
    : QWidget(parent)
    , m_control(new Qa::LifecycleControl(nam, QUrl(), this))
    , m_hint(new QLabel(this))
    , m_state(new QLabel)
    , m_status(new QLabel)
    , m_controls(new QWidget(this))
    , m_advanceRow(new QHBoxLayout)
    , m_holdEachStep(new QCheckBox(tr("Hold in each new state")))
    , m_codes(new QComboBox)
    , m_failMessage(new QLineEdit)
    , m_prompt(new QLineEdit)
    , m_askRow(new QWidget)
{
    auto *outer = new QVBoxLayout(this);
    m_hint->setWordWrap(true);
    m_hint->setEnabled(false);
    m_hint->setText(tr("The lifecycle stepper drives jobs of a sandbox profile."));
    outer->addWidget(m_hint);
    outer->addWidget(m_controls);
    outer->addStretch(1);

    auto *form = new QFormLayout(m_controls);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto makeButton = [this](const QString &text, const QString &action, const QString &tip) {
        auto *b = new QPushButton(text);
        b->setObjectName(action);
        b->setToolTip(tip);
        m_buttons.insert(action, b);
        return b;
    };

    auto *stateRow = new QHBoxLayout;
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_state->setTextFormat(Qt::PlainText);
    QFont bold = m_state->font();
    bold.setBold(true);
    m_state->setFont(bold);
    stateRow->addWidget(m_state, 1);
    QPushButton *refreshButton = makeButton(
        tr("Refresh"), QStringLiteral("refresh"), tr("Read the job from the sandbox again"));
    connect(refreshButton, &QPushButton::clicked, this, &LifecycleStepper::refresh);
    stateRow->addWidget(refreshButton);
    form->addRow(tr("Sandbox state"), stateRow);

    m_advanceRow->setSpacing(6);
    auto *advanceBox = new QVBoxLayout;
    advanceBox->setSpacing(2);
    advanceBox->addLayout(m_advanceRow);
    m_holdEachStep->setChecked(true);
    m_holdEachStep->setToolTip(
        tr("Hold the job in the state it was advanced to, so it waits for the next step"));
    advanceBox->addWidget(m_holdEachStep);
    form->addRow(tr("Advance to"), advanceBox);

    auto *holdRow = new QHBoxLayout;
    QPushButton *hold = makeButton(tr("Hold here"), QStringLiteral("hold"),
        tr("Keep the job in its current state until advanced or released"));
    QPushButton *release = makeButton(tr("Release"), QStringLiteral("release"),
        tr("Clear the hold; the job carries on by itself"));
    holdRow->addWidget(hold);
    holdRow->addWidget(release);
    holdRow->addStretch(1);
    form->addRow(tr("Hold"), holdRow);
    connect(hold, &QPushButton::clicked, this, [this] {
        act(QStringLiteral("hold"),
            [this](const auto &cb) { onResult(m_control->hold(m_jobId), cb); });
    });
    connect(release, &QPushButton::clicked, this, [this] {
        act(QStringLiteral("release"),
            [this](const auto &cb) { onResult(m_control->release(m_jobId), cb); });
    });

    auto *failRow = new QHBoxLayout;
    m_codes->setMinimumContentsLength(18);
    m_codes->setToolTip(tr("The reason code the job fails with"));
    m_failMessage->setPlaceholderText(tr("Message (optional)"));
    QPushButton *fail = makeButton(
        tr("Fail"), QStringLiteral("fail"), tr("Fail the job now with this reason code"));
    failRow->addWidget(m_codes);
    failRow->addWidget(m_failMessage, 1);
    failRow->addWidget(fail);
    form->addRow(tr("Fail with"), failRow);
    connect(fail, &QPushButton::clicked, this, [this] {
        const QString code = m_codes->currentText();
        const QString message = m_failMessage->text();
        act(QStringLiteral("fail"), [this, code, message](const auto &cb) {
            onResult(m_control->fail(m_jobId, code, message), cb);
        });
    });

    auto *askLayout = new QHBoxLayout(m_askRow);
    askLayout->setContentsMargins(0, 0, 0, 0);
    m_prompt->setPlaceholderText(tr("Prompt text (empty: the sandbox's default question)"));
    QPushButton *ask = makeButton(tr("Ask for input"), QStringLiteral("ask-input"),
        tr("Pause the running build in needs_input"));
    askLayout->addWidget(m_prompt, 1);
    askLayout->addWidget(ask);
    form->addRow(tr("Input"), m_askRow);
    connect(ask, &QPushButton::clicked, this, [this] {
        const QString prompt = m_prompt->text();
        act(QStringLiteral("ask-input"),
            [this, prompt](const auto &cb) { onResult(m_control->askInput(m_jobId, prompt), cb); });
    });

    auto *otherRow = new QHBoxLayout;
    QPushButton *cancel
        = makeButton(tr("Cancel job"), QStringLiteral("cancel"), tr("Cancel the job now"));
    QPushButton *expire = makeButton(tr("Expire URLs"), QStringLiteral("expire"),
        tr("Every result URL minted so far answers 403; a new status read mints working ones"));
    QPushButton *drop = makeButton(tr("Drop streams"), QStringLiteral("drop"),
        tr("Cut this job's SSE streams (and deAPI's WebSockets)"));
    otherRow->addWidget(cancel);
    otherRow->addWidget(expire);
    otherRow->addWidget(drop);
    otherRow->addStretch(1);
    form->addRow(tr("Other"), otherRow);
    connect(cancel, &QPushButton::clicked, this, [this] {
        act(QStringLiteral("cancel"),
            [this](const auto &cb) { onResult(m_control->cancel(m_jobId), cb); });
    });
    connect(expire, &QPushButton::clicked, this, [this] {
        act(QStringLiteral("expire"),
            [this](const auto &cb) { onResult(m_control->expire(m_jobId), cb); });
    });
    connect(drop, &QPushButton::clicked, this, [this] {
        act(QStringLiteral("drop"),
            [this](const auto &cb) { onResult(m_control->drop(m_jobId), cb); });
    });

    m_status->setFrameShape(QFrame::StyledPanel);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setMinimumHeight(m_status->fontMetrics().height() * 2);
    form->addRow(tr("Last action"), m_status);

    updateEnabled();
}

void LifecycleStepper::setSandbox(const QUrl &controlBase, const QByteArray &token)
{
    m_active = controlBase.isValid() && !controlBase.isEmpty();
    m_control->setControlBase(controlBase);
    m_control->setToken(token);
    m_failureCodes.clear();
    m_codesFor.clear();
    m_record = {};
    applyRecord({});
    if (m_active && !m_jobId.isEmpty())
        refresh();
}

QUrl LifecycleStepper::sandbox() const
{
    return m_control->controlBase();
}

void LifecycleStepper::setJob(const QString &id)
{
    if (id == m_jobId)
        return;
    m_jobId = id;
    m_expect.clear();
    m_status->clear();
    m_busy = false;
    applyRecord({});
    if (m_active && !id.isEmpty())
        refresh();
}

void LifecycleStepper::refresh()
{
    if (!m_active || m_jobId.isEmpty())
        return;
    const QString id = m_jobId;
    onResult(m_control->job(id), [this, id](const Qa::ControlResult &r) {
        if (id != m_jobId)
            return; // an answer about the job shown before
        if (!r.ok()) {
            m_busy = false;
            m_status->setText(
                tr("Reading the job failed: %1 %2")
                    .arg(r.httpStatus ? QString::number(r.httpStatus) : QString(), r.reason)
                    .simplified());
            applyRecord({});
            return;
        }
        m_busy = false;
        applyRecord(r.body);
        // Completing a job renders its outputs first: the sandbox reaches the asked-for state a
        // moment after it accepted the advance, so re-read until it is there (at most ~10 s).
        const QString now = phase();
        if (!m_expect.isEmpty() && now != m_expect && !Qa::LifecycleControl::isTerminalPhase(now)
            && ++m_expectReads < 40) {
            m_state->setText(
                m_state->text() + QStringLiteral("  ·  ") + tr("on its way to %1").arg(m_expect));
            QTimer::singleShot(250, this, [this, id] {
                if (id == m_jobId)
                    refresh();
            });
            return;
        }
        m_expect.clear();
    });
}

QString LifecycleStepper::phase() const
{
    return m_record.value(k("phase")).toString();
}

QString LifecycleStepper::stateText() const
{
    return m_state->text();
}

QString LifecycleStepper::statusText() const
{
    return m_status->text();
}

QPushButton *LifecycleStepper::button(const QString &action) const
{
    return m_buttons.value(action);
}

void LifecycleStepper::act(const QString &action,
    const std::function<void(const std::function<void(const Qa::ControlResult &)> &)> &call)
{
    if (!m_active || m_jobId.isEmpty())
        return;
    m_busy = true;
    updateEnabled();
    m_status->setText(tr("%1 …").arg(action));
    const QString id = m_jobId;
    call([this, id](const Qa::ControlResult &r) {
        if (id != m_jobId)
            return;
        report(r);
        refresh();
    });
}

void LifecycleStepper::onResult(
    Qa::ControlOperation *operation, const std::function<void(const Qa::ControlResult &)> &then)
{
    connect(operation, &Core::Operation::result, this,
        [operation, then] { then(operation->outcome()); });
}

void LifecycleStepper::report(const Qa::ControlResult &r)
{
    QString what = r.action;
    if (r.action == u"advance" && r.body.contains(k("job")))
        what = tr("advance → %1")
                   .arg(r.body.value(k("job")).toObject().value(k("status")).toString());
    if (r.ok())
        m_status->setText(tr("%1: done (HTTP %2)").arg(what).arg(r.httpStatus));
    else if (r.httpStatus)
        m_status->setText(
            tr("%1: refused (HTTP %2) — %3").arg(what).arg(r.httpStatus).arg(r.reason));
    else
        m_status->setText(tr("%1: no answer — %2").arg(what, r.reason));
    Q_EMIT actionFinished(r);
}

void LifecycleStepper::applyRecord(const QJsonObject &record)
{
    m_record = record;
    const QString dialect = record.value(k("dialect")).toString();
    if (record.isEmpty()) {
        m_state->setText(!m_active  ? tr("No sandbox")
                : m_jobId.isEmpty() ? tr("No job selected")
                                    : tr("…"));
    } else {
        const QString phaseName = record.value(k("phase")).toString();
        const QString raw = record.value(k("status")).toString();
        QString text = raw == phaseName ? phaseName : QStringLiteral("%1 (%2)").arg(phaseName, raw);
        text += QStringLiteral("  ·  %1 %")
                    .arg(qRound(record.value(k("progress")).toDouble() * 100));
        const QString held = record.value(k("control")).toObject().value(k("hold")).toString();
        if (!held.isEmpty())
            text += QStringLiteral("  ·  ") + tr("held in %1").arg(held);
        const QString code = record.value(k("failure_reason_code")).toString();
        if (!code.isEmpty())
            text += QStringLiteral("  ·  ") + code;
        m_state->setText(text);
    }

    // One Advance button per state the dialect has beyond queued, except failed and cancelled
    // (Fail and Cancel have their own controls).
    for (QPushButton *b : std::as_const(m_advance))
        b->deleteLater();
    m_advance.clear();
    while (QLayoutItem *item = m_advanceRow->takeAt(0))
        delete item;
    for (const Qa::LifecycleStep &s : Qa::LifecycleControl::steps(record)) {
        if (s.phase == u"failed" || s.phase == u"cancelled")
            continue;
        auto *b = new QPushButton(
            s.rawWord == s.phase ? s.phase : QStringLiteral("%1 (%2)").arg(s.phase, s.rawWord));
        b->setObjectName(QStringLiteral("advance:") + s.phase);
        b->setToolTip(s.legal ? tr("Advance the job to %1").arg(s.rawWord) : s.whyNot);
        b->setProperty("legal", s.legal);
        const QString to = s.phase;
        connect(b, &QPushButton::clicked, this, [this, to] {
            m_expect = to;
            m_expectReads = 0;
            const bool holdThere
                = m_holdEachStep->isChecked() && !Qa::LifecycleControl::isTerminalPhase(to);
            act(QStringLiteral("advance"), [this, to, holdThere](const auto &cb) {
                onResult(m_control->advance(m_jobId, to),
                    [this, to, holdThere, cb](const Qa::ControlResult &r) {
                        if (!r.ok())
                            m_expect.clear();
                        if (!r.ok() || !holdThere)
                            return cb(r);
                        // Hold it where it now is; the advance's answer is what the user sees.
                        onResult(m_control->hold(m_jobId, to),
                            [r, cb](const Qa::ControlResult &) { cb(r); });
                    });
            });
        });
        m_advanceRow->addWidget(b);
        m_advance.insert(s.phase, b);
    }
    m_advanceRow->addStretch(1);

    const QStringList phases = Qa::LifecycleControl::phases(dialect);
    m_askRow->setVisible(dialect.isEmpty() || phases.contains(QStringLiteral("needs_input")));
    m_buttons.value(QStringLiteral("cancel"))
        ->setVisible(dialect.isEmpty() || phases.contains(QStringLiteral("cancelled")));
    if (!dialect.isEmpty())
        loadFailures(dialect);
    updateEnabled();
    Q_EMIT recordChanged(record);
}

void LifecycleStepper::loadFailures(const QString &dialect)
{
    if (m_codesFor == dialect)
        return;
    m_codesFor = dialect;
    auto fill = [this](const QStringList &codes) {
        const QString keep = m_codes->currentText();
        m_codes->clear();
        m_codes->addItems(codes);
        if (codes.contains(keep))
            m_codes->setCurrentText(keep);
        updateEnabled();
    };
    if (m_failureCodes.contains(dialect))
        return fill(m_failureCodes.value(dialect));
    m_codes->clear();
    Qa::ControlOperation *read = m_control->failures();
    connect(read, &Core::Operation::result, this, [this, read, dialect, fill] {
        if (read->failed())
            return;
        const QStringList codes = read->failureCodes(dialect);
        m_failureCodes.insert(dialect, codes);
        if (m_codesFor == dialect)
            fill(codes);
    });
}

void LifecycleStepper::updateEnabled()
{
    m_hint->setVisible(!m_active);
    const bool have = m_active && !m_record.isEmpty() && !m_busy;
    const QString p = phase();
    const bool terminal = Qa::LifecycleControl::isTerminalPhase(p);
    m_controls->setEnabled(m_active);
    for (QPushButton *b : std::as_const(m_advance))
        b->setEnabled(have && b->property("legal").toBool());
    auto enable = [&](const char *action, bool on, const QString &whyNot = {}) {
        QPushButton *b = m_buttons.value(QLatin1String(action));
        b->setEnabled(on);
        if (!b->property("tip").isValid())
            b->setProperty("tip", b->toolTip());
        b->setToolTip(on || whyNot.isEmpty() ? b->property("tip").toString() : whyNot);
    };
    const QString already = tr("the job is already %1").arg(m_record.value(k("status")).toString());
    enable("refresh", m_active && !m_jobId.isEmpty());
    enable("hold", have && !terminal, already);
    enable("release",
        have && !m_record.value(k("control")).toObject().value(k("hold")).toString().isEmpty(),
        tr("the job is not held"));
    enable("fail", have && !terminal && m_codes->count() > 0, already);
    enable("ask-input", have && p == u"running", tr("only a running build can ask for input"));
    enable("cancel", have && !terminal, already);
    enable("expire", have);
    enable("drop", have);
    m_codes->setEnabled(have && !terminal);
    m_failMessage->setEnabled(have && !terminal);
    m_prompt->setEnabled(have && p == u"running");
}

} // namespace Ui
