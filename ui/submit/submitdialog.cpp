#include "submit/submitdialog.h"

#include "catalog/taskpresets.h"
#include "submit/schemaform.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

using Follow::Via;

namespace Ui {

namespace {

QString dialectTitle(Core::Dialect d)
{
    switch (d) {
    case Core::Dialect::PeelApi:
        return QStringLiteral("PeelAPI");
    case Core::Dialect::ImagePipeline:
        return QStringLiteral("ImagePipeline");
    case Core::Dialect::Peel:
        return QStringLiteral("Peel");
    case Core::Dialect::Peako:
        return QStringLiteral("Peako");
    case Core::Dialect::DeApi:
        return QStringLiteral("deAPI");
    }
    return {};
}

// docs/cli.md, "Following a job": the channels each dialect can be followed over.
QList<Via> channelsOf(Core::Dialect d)
{
    switch (d) {
    case Core::Dialect::PeelApi:
        return { Via::Auto, Via::Sse, Via::Poll };
    case Core::Dialect::DeApi:
        return { Via::Auto, Via::Pusher, Via::Poll, Via::Webhook };
    case Core::Dialect::ImagePipeline:
        return { Via::Auto, Via::Poll, Via::Webhook };
    case Core::Dialect::Peel:
    case Core::Dialect::Peako:
        return { Via::Auto, Via::Poll };
    }
    return { Via::Auto };
}

QString channelTitle(Via via, Core::Dialect d)
{
    switch (via) {
    case Via::Auto:
        return d == Core::Dialect::PeelApi ? QObject::tr("Auto (SSE stream)")
            : d == Core::Dialect::DeApi    ? QObject::tr("Auto (Pusher channel)")
                                           : QObject::tr("Auto (polling)");
    case Via::Sse:
        return QObject::tr("SSE stream");
    case Via::Pusher:
        return QObject::tr("Pusher channel");
    case Via::Poll:
        return QObject::tr("Polling");
    case Via::Webhook:
        return QObject::tr("Webhook");
    }
    return {};
}

constexpr int RawTab = 1;

QString normalizedTask(const QString &task)
{
    return task.startsWith(QLatin1Char('/')) ? task.mid(1) : task;
}

} // namespace

SubmitDialog::SubmitDialog(
    const Catalog::TaskCatalog &catalog, Catalog::TaskPresets *presets, QWidget *parent)
    : QDialog(parent)
    , m_catalog(catalog)
    , m_presets(presets)
    , m_profile(new QComboBox(this))
    , m_task(new QComboBox(this))
    , m_taskInfo(new QLabel(this))
    , m_preset(new QComboBox(this))
    , m_savePreset(new QPushButton(tr("Save preset…"), this))
    , m_deletePreset(new QPushButton(tr("Delete"), this))
    , m_tabs(new QTabWidget(this))
    , m_formScroll(new QScrollArea)
    , m_form(new SchemaForm)
    , m_formLocked(new QLabel)
    , m_raw(new QPlainTextEdit)
    , m_rawStatus(new QLabel)
    , m_count(new QSpinBox(this))
    , m_via(new QComboBox(this))
    , m_reason(new QLabel(this))
    , m_submit(new QPushButton(tr("Submit"), this))
{
    setWindowTitle(tr("Submit a job"));
    resize(720, 680);

    auto *top = new QFormLayout;
    top->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    top->addRow(tr("&Profile"), m_profile);
    top->addRow(tr("&Task"), m_task);
    m_taskInfo->setStyleSheet(QStringLiteral("QLabel { color: palette(placeholder-text); }"));
    m_taskInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    top->addRow(QString(), m_taskInfo);
    auto *presetRow = new QHBoxLayout;
    presetRow->addWidget(m_preset, 1);
    presetRow->addWidget(m_savePreset);
    presetRow->addWidget(m_deletePreset);
    auto *presetLabel = new QLabel(tr("P&reset"), this);
    presetLabel->setBuddy(m_preset);
    top->addRow(presetLabel, presetRow);
    if (!m_presets)
        top->setRowVisible(presetRow, false);

    auto *formPage = new QWidget;
    auto *formLayout = new QVBoxLayout(formPage);
    m_formLocked->setWordWrap(true);
    m_formLocked->setText(
        tr("The raw JSON is not a valid object; fix it there to edit the form again."));
    m_formLocked->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
    m_formLocked->setVisible(false);
    m_formScroll->setWidgetResizable(true);
    m_formScroll->setFrameShape(QFrame::NoFrame);
    m_formScroll->setWidget(m_form);
    // setWidget() makes the form paint its own background; let the tab page's show through.
    m_form->setAutoFillBackground(false);
    m_formScroll->viewport()->setAutoFillBackground(false);
    m_form->setSummaryVisible(false); // the reason beside Submit says the same
    formLayout->addWidget(m_formLocked);
    formLayout->addWidget(m_formScroll, 1);
    m_tabs->addTab(formPage, tr("&Form"));

    auto *rawPage = new QWidget;
    auto *rawLayout = new QVBoxLayout(rawPage);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_raw->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_rawStatus->setWordWrap(true);
    m_rawStatus->setTextFormat(Qt::PlainText);
    rawLayout->addWidget(m_raw, 1);
    rawLayout->addWidget(m_rawStatus);
    m_tabs->addTab(rawPage, tr("Raw &JSON"));

    m_count->setRange(1, 500);
    m_count->setToolTip(tr("Submit this input as a batch of jobs (1–500)."));
    m_via->setToolTip(tr("How each job is followed once submitted."));
    m_reason->setWordWrap(true);
    m_reason->setTextFormat(Qt::PlainText);
    m_reason->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));

    auto *cancel = new QPushButton(tr("Cancel"), this);
    for (QPushButton *b : { m_savePreset, m_deletePreset, cancel, m_submit }) {
        // Return in a line edit must not submit a job; Ctrl+Return does.
        b->setAutoDefault(false);
        b->setDefault(false);
    }
    m_submit->setToolTip(tr("Submit (Ctrl+Return)"));

    auto *bottom = new QHBoxLayout;
    auto *countLabel = new QLabel(tr("&Count"), this);
    countLabel->setBuddy(m_count);
    auto *viaLabel = new QLabel(tr("Follow &via"), this);
    viaLabel->setBuddy(m_via);
    bottom->addWidget(countLabel);
    bottom->addWidget(m_count);
    bottom->addSpacing(12);
    bottom->addWidget(viaLabel);
    bottom->addWidget(m_via);
    bottom->addStretch(1);
    bottom->addWidget(cancel);
    bottom->addWidget(m_submit);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_reason);
    layout->addLayout(bottom);

    for (const QKeySequence &keys :
        { QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter) }) {
        auto *shortcut = new QShortcut(keys, this);
        connect(shortcut, &QShortcut::activated, this, &SubmitDialog::submit);
    }
    connect(m_submit, &QPushButton::clicked, this, &SubmitDialog::submit);
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_profile, &QComboBox::currentIndexChanged, this, &SubmitDialog::profileChosen);
    connect(m_task, &QComboBox::currentIndexChanged, this, &SubmitDialog::taskChosen);
    connect(m_preset, &QComboBox::currentIndexChanged, this, &SubmitDialog::presetChosen);
    connect(m_savePreset, &QPushButton::clicked, this, &SubmitDialog::askPresetName);
    connect(m_deletePreset, &QPushButton::clicked, this, &SubmitDialog::deleteCurrentPreset);
    connect(m_form, &SchemaForm::changed, this, &SubmitDialog::formChanged);
    connect(m_raw, &QPlainTextEdit::textChanged, this, &SubmitDialog::rawChanged);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        // Entering the raw tab shows exactly what would be sent (defaults included), unless the
        // text there is invalid and must be kept as typed.
        if (index == RawTab && m_rawError.isEmpty())
            writeRaw();
    });
    updateState();
}

SubmitDialog::~SubmitDialog() = default;

void SubmitDialog::setProfiles(const QList<Core::Profile> &profiles)
{
    const QString keep = currentProfile() ? currentProfile()->name : m_lastProfile;
    m_profiles = profiles;
    m_filling = true;
    m_profile->clear();
    int select = 0;
    for (qsizetype i = 0; i < m_profiles.size(); ++i) {
        const Core::Profile &p = m_profiles.at(i);
        m_profile->addItem(QStringLiteral("%1  (%2)").arg(p.name, dialectTitle(p.dialect)), p.name);
        if (p.name == keep)
            select = int(i);
    }
    m_profile->setCurrentIndex(m_profiles.isEmpty() ? -1 : select);
    m_filling = false;
    profileChosen();
}

bool SubmitDialog::preset(const QString &profile, const QString &task, const QJsonObject &input)
{
    const int p = m_profile->findData(profile);
    if (p < 0)
        return false;
    m_profile->setCurrentIndex(p);
    const int t = m_task->findData(normalizedTask(task));
    if (t < 0)
        return false;
    m_task->setCurrentIndex(t);
    m_rawError.clear(); // the caller asked for this input: invalid raw text gives way
    m_form->setValue(input);
    m_count->setValue(1);
    m_via->setCurrentIndex(0);
    m_tabs->setCurrentIndex(0);
    updateState();
    return true;
}

void SubmitDialog::restoreLastChoice(const QString &profile, const QString &task)
{
    m_lastProfile = profile;
    m_lastTask = normalizedTask(task);
    const int p = m_profile->findData(profile);
    if (p >= 0 && p != m_profile->currentIndex())
        m_profile->setCurrentIndex(p);
    const int t = m_task->findData(m_lastTask);
    if (t >= 0)
        m_task->setCurrentIndex(t);
}

SubmitRequest SubmitDialog::request() const
{
    SubmitRequest r;
    if (const Core::Profile *p = currentProfile())
        r.profile = p->name;
    r.task = currentTask();
    r.input = m_form->value();
    r.count = m_count->value();
    r.via = m_via->currentIndex() < 0 ? Via::Auto : static_cast<Via>(m_via->currentData().toInt());
    return r;
}

void SubmitDialog::submit()
{
    updateState();
    if (!m_blocked.isEmpty())
        return;
    const SubmitRequest r = request();
    m_lastProfile = r.profile;
    m_lastTask = r.task;
    m_inputs.insert(inputKey(), r.input);
    Q_EMIT submitRequested(r);
    accept();
}

bool SubmitDialog::savePreset(const QString &name, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (!m_presets)
        return fail(tr("Presets are not available."));
    if (currentTask().isEmpty())
        return fail(tr("Choose a task first."));
    if (!m_rawError.isEmpty())
        return fail(m_rawError);
    if (!m_presets->save(currentDialect(), currentTask(), name, m_form->value()))
        return fail(m_presets->lastError());
    fillPresets(name.trimmed());
    return true;
}

bool SubmitDialog::loadPreset(const QString &name)
{
    if (!m_presets)
        return false;
    const auto input = m_presets->input(currentDialect(), currentTask(), name);
    if (!input)
        return false;
    m_form->setValue(*input);
    const int i = m_preset->findData(name);
    if (i >= 0 && i != m_preset->currentIndex()) {
        m_filling = true;
        m_preset->setCurrentIndex(i);
        m_filling = false;
    }
    updateState();
    return true;
}

bool SubmitDialog::deletePreset(const QString &name, QString *error)
{
    if (!m_presets || !m_presets->remove(currentDialect(), currentTask(), name)) {
        if (error)
            *error = m_presets ? m_presets->lastError() : tr("Presets are not available.");
        return false;
    }
    fillPresets();
    return true;
}

const Core::Profile *SubmitDialog::currentProfile() const
{
    const int i = m_profile->currentIndex();
    return i >= 0 && i < m_profiles.size() ? &m_profiles.at(i) : nullptr;
}

QString SubmitDialog::currentDialect() const
{
    const Core::Profile *p = currentProfile();
    return p ? Core::dialectName(p->dialect) : QString();
}

QString SubmitDialog::currentTask() const
{
    return m_task->currentData().toString();
}

QString SubmitDialog::inputKey() const
{
    return currentDialect() + QLatin1Char('\n') + currentTask();
}

void SubmitDialog::profileChosen()
{
    if (m_filling)
        return;
    const Core::Profile *p = currentProfile();
    const QString keepTask = currentTask().isEmpty() ? m_lastTask : currentTask();
    const Via keepVia = request().via;

    m_filling = true;
    m_task->clear();
    m_via->clear();
    if (p) {
        m_lastProfile = p->name;
        for (const Catalog::TaskInfo &t : m_catalog.tasks(Core::dialectName(p->dialect)))
            m_task->addItem(t.title.isEmpty() ? t.path : t.title, t.path);
        const int t = m_task->findData(keepTask);
        m_task->setCurrentIndex(t >= 0 ? t : (m_task->count() > 0 ? 0 : -1));
        for (Via via : channelsOf(p->dialect))
            m_via->addItem(channelTitle(via, p->dialect), int(via));
        const int v = m_via->findData(int(keepVia));
        m_via->setCurrentIndex(v >= 0 ? v : 0);
    }
    m_filling = false;
    taskChosen();
}

void SubmitDialog::taskChosen()
{
    if (m_filling)
        return;
    // The form's input stays with the task it was typed for.
    if (!m_formKey.isEmpty() && m_rawError.isEmpty())
        m_inputs.insert(m_formKey, m_form->value());

    const Catalog::TaskInfo *task = m_catalog.find(currentDialect(), currentTask());
    m_rawError.clear();
    if (task) {
        m_lastTask = task->path;
        m_taskInfo->setText(tr("POST %1  ·  produces %2").arg(task->path, task->output));
        m_form->setSchema(task->inputSchema);
        const auto remembered = m_inputs.constFind(inputKey());
        if (remembered != m_inputs.constEnd())
            m_form->setValue(*remembered);
        m_formKey = inputKey();
    } else {
        m_taskInfo->setText(
            currentProfile() ? tr("This profile's dialect has no tasks.") : QString());
        m_form->setSchema(QJsonObject());
        m_formKey.clear();
    }
    fillPresets();
    formChanged();
}

void SubmitDialog::fillPresets(const QString &select)
{
    m_filling = true;
    m_preset->clear();
    m_preset->addItem(tr("(no preset)"));
    if (m_presets && !currentTask().isEmpty()) {
        for (const QString &name : m_presets->names(currentDialect(), currentTask()))
            m_preset->addItem(name, name);
    }
    const int i = select.isEmpty() ? 0 : m_preset->findData(select);
    m_preset->setCurrentIndex(std::max(i, 0));
    m_filling = false;
    updateState();
}

void SubmitDialog::presetChosen()
{
    if (m_filling)
        return;
    const QString name = m_preset->currentData().toString();
    if (!name.isEmpty())
        loadPreset(name);
    updateState();
}

void SubmitDialog::askPresetName()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save preset"), tr("Name of this input:"),
        QLineEdit::Normal, m_preset->currentData().toString(), &ok);
    if (!ok)
        return;
    QString error;
    if (!savePreset(name, &error))
        QMessageBox::warning(this, tr("Save preset"), error);
}

void SubmitDialog::deleteCurrentPreset()
{
    // No confirmation: the preset's input is still in the form and can be saved again.
    const QString name = m_preset->currentData().toString();
    QString error;
    if (!name.isEmpty() && !deletePreset(name, &error))
        QMessageBox::warning(this, tr("Delete preset"), error);
}

void SubmitDialog::formChanged()
{
    if (m_syncing)
        return;
    m_rawError.clear();
    // The raw text is written when it can be seen: an embedded file makes it megabytes long,
    // too much to rewrite on every keystroke in the form.
    if (m_tabs->currentIndex() == RawTab)
        writeRaw();
    updateState();
}

void SubmitDialog::writeRaw()
{
    m_syncing = true;
    m_raw->setPlainText(
        QString::fromUtf8(QJsonDocument(m_form->value()).toJson(QJsonDocument::Indented)));
    m_syncing = false;
}

void SubmitDialog::rawChanged()
{
    if (m_syncing)
        return;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(m_raw->toPlainText().toUtf8(), &error);
    if (error.error != QJsonParseError::NoError) {
        m_rawError = tr("Raw JSON: %1 at character %2.").arg(error.errorString()).arg(error.offset);
    } else if (!doc.isObject()) {
        m_rawError = tr("Raw JSON: the input must be a JSON object, {…}.");
    } else {
        m_rawError.clear();
        m_syncing = true; // keep the text as typed: the form follows it, not the other way
        m_form->setValue(doc.object());
        m_syncing = false;
    }
    updateState();
}

void SubmitDialog::updateState()
{
    const bool rawOk = m_rawError.isEmpty();
    if (m_profiles.isEmpty())
        m_blocked = tr("Add a profile to submit jobs.");
    else if (currentTask().isEmpty())
        m_blocked = tr("This profile's dialect has no tasks to submit.");
    else if (!rawOk)
        m_blocked = m_rawError;
    else if (!m_form->isValid())
        m_blocked = tr("Fix the input first: %1").arg(m_form->summary());
    else
        m_blocked.clear();

    m_submit->setEnabled(m_blocked.isEmpty());
    m_reason->setText(m_blocked);
    m_reason->setVisible(!m_blocked.isEmpty());

    // While the raw text is invalid it is the only copy of the user's edit: nothing may replace it.
    m_formLocked->setVisible(!rawOk);
    m_formScroll->setEnabled(rawOk);
    m_profile->setEnabled(rawOk);
    m_task->setEnabled(rawOk);
    const bool presets = m_presets && rawOk && !currentTask().isEmpty();
    m_preset->setEnabled(presets);
    m_savePreset->setEnabled(presets);
    m_deletePreset->setEnabled(presets && !m_preset->currentData().toString().isEmpty());
    m_rawStatus->setText(
        rawOk ? tr("Valid JSON object; the form follows every edit.") : m_rawError);
    m_rawStatus->setStyleSheet(rawOk
            ? QStringLiteral("QLabel { color: palette(placeholder-text); }")
            : QStringLiteral("QLabel { color: #b3261e; }"));
}

} // namespace Ui
