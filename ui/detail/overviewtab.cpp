#include "detail/overviewtab.h"

#include "core/redactor.h"
#include "detail/copyablefield.h"
#include "tracker/trackedjob.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace Ui {

namespace {

QString timeText(qint64 ms)
{
    if (ms <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

QString secondsText(double s)
{
    if (s < 1.0)
        return QStringLiteral("%1 ms").arg(qRound(s * 1000));
    return QStringLiteral("%1 s").arg(QString::number(s, 'f', s < 10 ? 2 : 1));
}

QString jsonText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    case QJsonValue::Double:
        return QString::number(v.toDouble(), 'g', 12);
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    default:
        return {};
    }
}

// "queue_wait_s" -> "Queue wait s" when no better label is known.
QString humanize(QString key)
{
    key.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!key.isEmpty())
        key[0] = key.at(0).toUpper();
    return key;
}

struct TimingLabel
{
    const char *key;
    const char *label;
};

// The adapters' timing keys (app/dialects) with the words a user expects.
constexpr TimingLabel kTimingLabels[] = {
    { "created_ms", "Created (service)" },
    { "updated_ms", "Updated (service)" },
    { "queue_wait_s", "Queue wait" },
    { "inference_s", "Inference time" },
    { "total_s", "Total time" },
    { "estimated_s", "Estimated time" },
    { "processing_ms", "Processing time" },
    { "request_duration_s", "Request duration" },
};

QString timingLabel(const QString &key)
{
    for (const TimingLabel &t : kTimingLabels) {
        if (key == QLatin1String(t.key))
            return QCoreApplication::translate("Ui::OverviewTab", t.label);
    }
    return humanize(key);
}

// Timestamps end in _ms and name a moment (created/updated/started/finished); other _ms and _s
// keys are durations.
QString timingValue(const QString &key, const QJsonValue &v)
{
    if (!v.isDouble())
        return jsonText(v);
    const double n = v.toDouble();
    static const QStringList moments { QStringLiteral("created_ms"), QStringLiteral("updated_ms"),
        QStringLiteral("started_ms"), QStringLiteral("finished_ms"),
        QStringLiteral("completed_ms") };
    if (moments.contains(key))
        return timeText(qint64(n));
    if (key.endsWith(QLatin1String("_ms")))
        return secondsText(n / 1000.0);
    if (key.endsWith(QLatin1String("_s")))
        return secondsText(n);
    return jsonText(v);
}

QGroupBox *section(const QString &title, QFormLayout **form, QWidget *parent)
{
    auto *box = new QGroupBox(title, parent);
    *form = new QFormLayout(box);
    (*form)->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    (*form)->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    (*form)->setRowWrapPolicy(QFormLayout::DontWrapRows);
    return box;
}

} // namespace

OverviewTab::OverviewTab(QWidget *parent)
    : QWidget(parent)
    , m_progress(
          new QProgressBar(this)) // owned from the start; a layout takes it when a job has progress
    , m_input(new QPlainTextEdit)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll);
    auto *page = new QWidget;
    scroll->setWidget(page);
    auto *column = new QVBoxLayout(page);

    column->addWidget(section(tr("Job"), &m_jobForm, page));
    m_timeBox = section(tr("Times and credits"), &m_timeForm, page);
    column->addWidget(m_timeBox);
    m_errorBox = section(tr("Error"), &m_errorForm, page);
    column->addWidget(m_errorBox);
    m_detailBox = section(tr("Details"), &m_detailForm, page);
    column->addWidget(m_detailBox);

    m_inputBox = new QGroupBox(tr("Input"), page);
    auto *inputLayout = new QVBoxLayout(m_inputBox);
    m_input->setReadOnly(true);
    m_input->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_input->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_input->setMinimumHeight(90);
    m_input->setMaximumHeight(260);
    inputLayout->addWidget(m_input);
    auto *copyInput = new QPushButton(tr("Copy input JSON"), m_inputBox);
    connect(copyInput, &QPushButton::clicked, this,
        [this] { QApplication::clipboard()->setText(m_input->toPlainText()); });
    inputLayout->addWidget(copyInput, 0, Qt::AlignLeft);
    column->addWidget(m_inputBox);
    column->addStretch(1);

    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(8);
    showJob(nullptr);
}

void OverviewTab::set(
    QFormLayout *form, const QString &key, const QString &label, const QString &rawText, bool mono)
{
    // Every value here may come from a server (an error message can echo the key): redacted.
    const QString text = m_redactor ? m_redactor->redact(rawText) : rawText;
    if (text.isEmpty())
        return;
    CopyableField *f = m_fields.value(key);
    if (!f) {
        f = new CopyableField(form->parentWidget());
        f->setMonospace(mono);
        f->setWordWrap(!mono);
        f->setObjectName(key);
        if (key == u"progress") {
            // The bar sits above the value in the same row.
            auto *box = new QWidget(form->parentWidget());
            auto *v = new QVBoxLayout(box);
            v->setContentsMargins(0, 2, 0, 0);
            v->setSpacing(2);
            v->addWidget(m_progress);
            v->addWidget(f);
            form->addRow(label, box);
        } else {
            form->addRow(label, f);
        }
        m_fields.insert(key, f);
        m_formOf.insert(key, form);
    }
    f->setText(text);
    m_shown.insert(key);
}

void OverviewTab::finishSection(QFormLayout *form, QGroupBox *box)
{
    bool any = false;
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
        if (m_formOf.value(it.key()) != form)
            continue;
        const bool on = m_shown.contains(it.key());
        QWidget *rowWidget = it.key() == u"progress" ? it.value()->parentWidget() : it.value();
        form->setRowVisible(rowWidget, on);
        any = any || on;
    }
    if (box)
        box->setVisible(any);
}

void OverviewTab::showJob(const Tracker::TrackedJob *job)
{
    m_shown.clear();
    if (job) {
        set(m_jobForm, QStringLiteral("id"), tr("Job ID"), job->remote(), true);
        set(m_jobForm, QStringLiteral("profile"), tr("Profile"), job->profile);
        set(m_jobForm, QStringLiteral("dialect"), tr("Dialect"), Core::dialectName(job->dialect));
        set(m_jobForm, QStringLiteral("task"), tr("Task"), job->task, true);
        set(m_jobForm, QStringLiteral("state"), tr("State"),
            job->state ? Core::stateName(*job->state) : tr("unknown"));
        set(m_jobForm, QStringLiteral("raw"), tr("Raw state"), job->rawStatus, true);
        if (job->hasProgress) {
            m_progress->setValue(qRound(job->progress * 1000));
            set(m_jobForm, QStringLiteral("progress"), tr("Progress"),
                QStringLiteral("%1 %").arg(QString::number(job->progress * 100, 'f', 1)));
        }
        set(m_jobForm, QStringLiteral("problem"), tr("Last problem"), job->lastProblem);

        // Moments Jobscope saw itself, then what the service reported.
        set(m_timeForm, QStringLiteral("tracked"), tr("Tracked since"), timeText(job->createdMs));
        qint64 started = 0;
        qint64 finished = 0;
        for (const Tracker::TimelineEntry &e : job->timeline) {
            if (e.kind != Tracker::TimelineEntry::Kind::State || !e.state)
                continue;
            if (!started
                && (*e.state == Core::JobState::Running || *e.state == Core::JobState::NeedsInput))
                started = e.timeMs;
            if (!finished && Core::isTerminal(*e.state))
                finished = e.timeMs;
        }
        set(m_timeForm, QStringLiteral("started"), tr("Started (seen)"), timeText(started));
        set(m_timeForm, QStringLiteral("finished"), tr("Finished (seen)"), timeText(finished));
        set(m_timeForm, QStringLiteral("updated"), tr("Last update"), timeText(job->lastUpdateMs));
        for (auto it = job->timings.begin(); it != job->timings.end(); ++it)
            set(m_timeForm, QStringLiteral("timing:") + it.key(), timingLabel(it.key()),
                timingValue(it.key(), it.value()));
        for (auto it = job->credits.begin(); it != job->credits.end(); ++it) {
            const QString label = it.key() == u"charged" ? tr("Credits charged")
                : it.key() == u"amount"                  ? tr("Credits")
                                                         : humanize(it.key());
            set(m_timeForm, QStringLiteral("credit:") + it.key(), label, jsonText(it.value()));
        }

        const Core::JobError &e = job->error;
        if (e.isError()) {
            set(m_errorForm, QStringLiteral("error:kind"), tr("Kind"),
                Core::JobError::kindName(e.kind));
            set(m_errorForm, QStringLiteral("error:code"), tr("Reason code"), e.providerCode, true);
            set(m_errorForm, QStringLiteral("error:message"), tr("Message"), e.message);
            if (e.httpStatus)
                set(m_errorForm, QStringLiteral("error:http"), tr("HTTP status"),
                    QString::number(e.httpStatus));
            set(m_errorForm, QStringLiteral("error:retryable"), tr("Retryable"),
                e.retryable ? tr("yes") : tr("no"));
            set(m_errorForm, QStringLiteral("error:action"), tr("Suggested action"),
                e.suggestedAction);
            set(m_errorForm, QStringLiteral("error:support"), tr("Support ID"), e.supportId, true);
        }

        for (auto it = job->extra.begin(); it != job->extra.end(); ++it)
            set(m_detailForm, QStringLiteral("extra:") + it.key(), humanize(it.key()),
                jsonText(it.value()), it.value().isObject() || it.value().isArray());
        if (!job->captions.isEmpty())
            set(m_detailForm, QStringLiteral("captions"), tr("Captions"),
                tr("%n cue(s), see Results", nullptr, int(job->captions.size())));
    }
    finishSection(m_jobForm, nullptr);
    finishSection(m_timeForm, m_timeBox);
    finishSection(m_errorForm, m_errorBox);
    finishSection(m_detailForm, m_detailBox);

    QString input;
    if (job && !job->input.isEmpty()) {
        input = QString::fromUtf8(QJsonDocument(job->input).toJson(QJsonDocument::Indented))
                    .trimmed();
        if (m_redactor)
            input = m_redactor->redact(input);
    }
    if (input != m_input->toPlainText())
        m_input->setPlainText(input);
    m_inputBox->setVisible(!input.isEmpty());
}

QString OverviewTab::value(const QString &key) const
{
    return m_shown.contains(key) ? m_fields.value(key)->text() : QString();
}

QStringList OverviewTab::visibleKeys() const
{
    QStringList keys(m_shown.cbegin(), m_shown.cend());
    keys.sort();
    return keys;
}

} // namespace Ui
