#include "peel/peelbuildview.h"

#include "peel/peelcallconsole.h"
#include "peel/peelfailurereport.h"
#include "peel/peelpromptform.h"
#include "peel/peelrevisedialog.h"
#include "peelbuilds/buildactions.h"
#include "peelbuilds/buildoperation.h"

#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace Ui {

namespace {

QLatin1String k(const char *key)
{
    return QLatin1String(key);
}

QString pretty(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented)).trimmed();
}

QPlainTextEdit *jsonPane(QWidget *parent, const QString &name)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setObjectName(name);
    edit->setReadOnly(true);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    return edit;
}

QWidget *titled(const QString &title, QWidget *content, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    auto *label = new QLabel(title, box);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    layout->addWidget(label);
    layout->addWidget(content, 1);
    return box;
}

bool sameProfile(const Core::Profile &a, const Core::Profile &b)
{
    return a.name == b.name && a.dialect == b.dialect && a.baseUrl == b.baseUrl
        && a.apiKey == b.apiKey;
}

} // namespace

PeelBuildView::PeelBuildView(QNetworkAccessManager *nam, QWidget *parent)
    : QWidget(parent)
    , m_nam(nam)
{
    qRegisterMetaType<PeelBuilds::BuildResult>();
    m_pages = new QStackedWidget(this);
    auto *empty = new QLabel(tr("Select a Peel API build to see its contract."), m_pages);
    empty->setAlignment(Qt::AlignCenter);
    m_pages->addWidget(empty); // Page::Empty
    m_pages->addWidget(buildBuildingPage()); // Page::Building
    m_pages->addWidget(buildNeedsInputPage()); // Page::NeedsInput
    m_pages->addWidget(buildCompletedPage()); // Page::Completed
    m_pages->addWidget(buildFailedPage()); // Page::Failed

    m_healthBox = new QGroupBox(tr("Health"), this);
    m_healthBox->setObjectName(QStringLiteral("healthBox"));
    m_healthSummary = new QLabel(m_healthBox);
    m_healthSummary->setObjectName(QStringLiteral("healthSummary"));
    m_healthSummary->setWordWrap(true);
    m_health = jsonPane(m_healthBox, QStringLiteral("healthText"));
    auto *hide = new QPushButton(tr("Hide"), m_healthBox);
    auto *healthLayout = new QVBoxLayout(m_healthBox);
    auto *healthTop = new QHBoxLayout;
    healthTop->addWidget(m_healthSummary, 1);
    healthTop->addWidget(hide);
    healthLayout->addLayout(healthTop);
    healthLayout->addWidget(m_health, 1);
    m_healthBox->hide();
    connect(hide, &QPushButton::clicked, m_healthBox, &QWidget::hide);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_pages);
    split->addWidget(m_healthBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(buildHeader());
    layout->addWidget(split, 1);
    refresh(true);
}

PeelBuildView::~PeelBuildView() = default;

QWidget *PeelBuildView::buildHeader()
{
    auto *header = new QWidget(this);
    m_title = new QLabel(header);
    m_title->setObjectName(QStringLiteral("title"));
    QFont f = m_title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.2);
    m_title->setFont(f);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_source = new QLabel(header);
    m_source->setWordWrap(true);
    m_source->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status = new QLabel(header);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_healthButton = new QPushButton(tr("Health"), header);
    m_reviseButton = new QPushButton(tr("Revise…"), header);
    m_rebuildButton = new QPushButton(tr("Rebuild…"), header);
    m_exportOpenApi = new QPushButton(tr("Export OpenAPI…"), header);
    m_exportMcp = new QPushButton(tr("Export MCP…"), header);
    m_healthButton->setObjectName(QStringLiteral("healthButton"));
    m_reviseButton->setObjectName(QStringLiteral("reviseButton"));
    m_rebuildButton->setObjectName(QStringLiteral("rebuildButton"));
    m_exportOpenApi->setObjectName(QStringLiteral("exportOpenApiButton"));
    m_exportMcp->setObjectName(QStringLiteral("exportMcpButton"));
    m_healthButton->setToolTip(
        tr("What the build is doing, or how its published endpoints are doing"));
    m_reviseButton->setToolTip(tr("Start a new build of this API with new instructions"));
    m_rebuildButton->setToolTip(tr("Start a new build of this API with the same instructions"));
    connect(m_healthButton, &QPushButton::clicked, this, &PeelBuildView::checkHealth);
    connect(m_reviseButton, &QPushButton::clicked, this, &PeelBuildView::askRevise);
    connect(m_rebuildButton, &QPushButton::clicked, this, &PeelBuildView::askRebuild);
    connect(m_exportOpenApi, &QPushButton::clicked, this,
        [this] { askExport(QStringLiteral("openapi")); });
    connect(m_exportMcp, &QPushButton::clicked, this, [this] { askExport(QStringLiteral("mcp")); });

    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    for (QPushButton *b :
        { m_healthButton, m_reviseButton, m_rebuildButton, m_exportOpenApi, m_exportMcp })
        buttons->addWidget(b);
    buttons->addStretch(1);

    auto *layout = new QVBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_source);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    return header;
}

QWidget *PeelBuildView::buildBuildingPage()
{
    auto *page = new QWidget(this);
    m_buildingText = new QLabel(page);
    m_buildingText->setObjectName(QStringLiteral("buildingText"));
    m_buildingText->setWordWrap(true);
    m_buildingText->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_buildingText);
    layout->addStretch(1);
    return page;
}

QWidget *PeelBuildView::buildNeedsInputPage()
{
    auto *page = new QWidget(this);
    auto *question = new QLabel(tr("The build is paused and asks:"), page);
    m_promptMessage = new QLabel(page);
    m_promptMessage->setObjectName(QStringLiteral("promptMessage"));
    m_promptMessage->setWordWrap(true);
    m_promptMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont f = m_promptMessage->font();
    f.setPointSizeF(f.pointSizeF() * 1.15);
    m_promptMessage->setFont(f);
    m_promptMessage->setFrameShape(QFrame::StyledPanel);
    m_promptMessage->setMargin(8);

    auto *answer = new QGroupBox(tr("Your answer"), page);
    m_promptForm = new PeelPromptForm(answer);
    m_promptForm->setObjectName(QStringLiteral("promptForm"));
    auto *answerLayout = new QVBoxLayout(answer);
    answerLayout->addWidget(m_promptForm);

    m_respondButton = new QPushButton(tr("Respond"), page);
    m_respondButton->setObjectName(QStringLiteral("respondButton"));
    m_respondButton->setDefault(true);
    m_respondResult = new QLabel(page);
    m_respondResult->setObjectName(QStringLiteral("respondResult"));
    m_respondResult->setWordWrap(true);
    m_respondResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connect(m_respondButton, &QPushButton::clicked, this, &PeelBuildView::respond);
    connect(m_promptForm, &PeelPromptForm::edited, m_respondResult, &QLabel::clear);

    auto *row = new QHBoxLayout;
    row->addWidget(m_respondResult, 1);
    row->addWidget(m_respondButton, 0, Qt::AlignTop);

    auto *layout = new QVBoxLayout(page);
    layout->addWidget(question);
    layout->addWidget(m_promptMessage);
    layout->addWidget(answer);
    layout->addLayout(row);
    layout->addStretch(1);
    return page;
}

QWidget *PeelBuildView::buildCompletedPage()
{
    auto *page = new QWidget(this);
    m_endpoints = new QListWidget(page);
    m_endpoints->setObjectName(QStringLiteral("endpointList"));
    m_endpoints->setSelectionMode(QAbstractItemView::SingleSelection);
    m_endpointAbout = new QLabel(page);
    m_endpointAbout->setObjectName(QStringLiteral("endpointAbout"));
    m_endpointAbout->setWordWrap(true);
    m_endpointAbout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_inputSchema = jsonPane(page, QStringLiteral("inputSchema"));
    m_outputSchema = jsonPane(page, QStringLiteral("outputSchema"));
    connect(m_endpoints, &QListWidget::currentRowChanged, this, &PeelBuildView::endpointSelected);

    auto *schemas = new QSplitter(Qt::Horizontal, page);
    schemas->addWidget(titled(tr("Input schema"), m_inputSchema, schemas));
    schemas->addWidget(titled(tr("Output schema"), m_outputSchema, schemas));
    schemas->setChildrenCollapsible(false);

    auto *detail = new QWidget(page);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_endpointAbout);
    detailLayout->addWidget(schemas, 1);

    auto *top = new QSplitter(Qt::Horizontal, page);
    top->addWidget(titled(tr("Endpoints"), m_endpoints, top));
    top->addWidget(detail);
    top->setStretchFactor(0, 1);
    top->setStretchFactor(1, 4);
    top->setChildrenCollapsible(false);

    m_console = new PeelCallConsole(page);
    m_console->setObjectName(QStringLiteral("callConsole"));
    connect(m_console, &PeelCallConsole::callRequested, this, &PeelBuildView::callEndpoint);
    auto *consoleBox = new QGroupBox(tr("Call console"), page);
    auto *consoleLayout = new QVBoxLayout(consoleBox);
    consoleLayout->setContentsMargins(4, 4, 4, 4);
    consoleLayout->addWidget(m_console);

    auto *split = new QSplitter(Qt::Vertical, page);
    split->addWidget(top);
    split->addWidget(consoleBox);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
    return page;
}

QWidget *PeelBuildView::buildFailedPage()
{
    auto *page = new QWidget(this);
    auto *intro
        = new QLabel(tr("The build failed and published no endpoint. Its failure artifact:"), page);
    intro->setWordWrap(true);
    m_failure = jsonPane(page, QStringLiteral("failureText"));
    m_failure->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    auto *copy = new QPushButton(tr("Copy"), page);
    copy->setObjectName(QStringLiteral("copyFailureButton"));
    connect(copy, &QPushButton::clicked, this, [this] {
        if (QClipboard *clipboard = QGuiApplication::clipboard())
            clipboard->setText(m_failure->toPlainText()); // already redacted when shown
        setStatus(tr("Failure details copied."), false);
    });
    auto *row = new QHBoxLayout;
    row->addWidget(intro, 1);
    row->addWidget(copy);
    auto *layout = new QVBoxLayout(page);
    layout->addLayout(row);
    layout->addWidget(m_failure, 1);
    return page;
}

void PeelBuildView::clear()
{
    setJob(m_profile, Tracker::TrackedJob {});
}

void PeelBuildView::setJob(const Core::Profile &profile, const Tracker::TrackedJob &job)
{
    if (!m_actions || !sameProfile(profile, m_profile)) {
        // A new profile means a new adapter (base URL, key); what the old one had in flight is
        // dropped (its operations are deleted and never report). deleteLater: setJob() may be
        // called from a slot of one of the old one's operations.
        if (m_actions) {
            m_actions->cancelAll();
            m_actions->deleteLater();
        }
        m_actions = new PeelBuilds::BuildActions(m_nam, profile, this);
        m_respondPending = m_callPending = 0;
        m_redactor = Core::Redactor {};
        m_redactor.addSecret(profile.apiKey);
    }
    m_profile = profile;
    const bool newJob = job.id != m_job.id;
    m_job = job;
    refresh(newJob);
}

void PeelBuildView::refresh(bool newJob)
{
    m_contract = PeelBuilds::BuildContract::fromExtra(m_job.remote(), m_job.extra);
    if (newJob) {
        m_status->clear();
        m_respondResult->clear();
        m_healthBox->hide();
        m_health->clear();
    }
    const bool known = !m_job.id.isEmpty();
    const std::optional<Core::JobState> state = m_job.state;
    Page page = Page::Empty;
    if (known) {
        if (state == Core::JobState::NeedsInput || (!state && m_contract.hasPrompt()))
            page = Page::NeedsInput;
        else if (state == Core::JobState::Succeeded)
            page = Page::Completed;
        else if (state == Core::JobState::Failed || state == Core::JobState::Cancelled)
            page = Page::Failed;
        else
            page = Page::Building;
    }

    const QString raw = m_job.rawStatus.isEmpty()
        ? (state ? Core::stateName(*state) : tr("unknown"))
        : m_job.rawStatus;
    if (known) {
        QString title = tr("API %1 — %2").arg(m_job.remote(), raw);
        if (m_contract.buildNumber() > 0)
            title += tr(" (build %1)").arg(m_contract.buildNumber());
        m_title->setText(m_redactor.redact(title));
        QStringList source;
        if (!m_contract.sourceUrl().isEmpty())
            source.append(tr("Source: %1").arg(m_contract.sourceUrl()));
        if (!m_contract.instructions().isEmpty())
            source.append(tr("Instructions: %1").arg(m_contract.instructions()));
        m_source->setText(m_redactor.redact(source.join(QLatin1Char('\n'))));
    } else {
        m_title->setText(tr("No Peel build selected"));
        m_source->clear();
    }
    m_source->setVisible(!m_source->text().isEmpty());

    const bool settled = page == Page::Completed || page == Page::Failed;
    m_healthButton->setEnabled(known);
    m_reviseButton->setEnabled(settled);
    m_rebuildButton->setEnabled(settled);
    m_exportOpenApi->setEnabled(page == Page::Completed);
    m_exportMcp->setEnabled(page == Page::Completed);

    switch (page) {
    case Page::Empty:
        break;
    case Page::Building:
        m_buildingText->setText(
            tr("The build is %1. Its endpoints are published when it completes; "
               "Health shows its stage and recent events.")
                .arg(raw));
        break;
    case Page::NeedsInput: {
        const QString message = m_contract.promptMessage().isEmpty()
            ? tr("(the service sent no message)")
            : m_contract.promptMessage();
        const bool samePrompt = !newJob && m_promptForm->schema() == m_contract.promptSchema()
            && m_promptMessage->text() == message;
        m_promptMessage->setText(m_redactor.redact(message));
        // A refresh of the same question keeps what the user has typed.
        if (!samePrompt)
            m_promptForm->setSchema(m_contract.promptSchema());
        m_respondButton->setEnabled(m_respondPending == 0);
        break;
    }
    case Page::Completed:
        showEndpoints();
        break;
    case Page::Failed:
        m_failure->setPlainText(m_redactor.redact(PeelFailureReport::text(m_job.id, m_job.error)));
        break;
    }
    // A message about the previous state ("answer sent") would mislead once the build moved on.
    if (m_pages->currentIndex() != int(page))
        m_status->clear();
    m_pages->setCurrentIndex(int(page));
}

void PeelBuildView::showEndpoints()
{
    const QList<PeelBuilds::BuildEndpoint> endpoints = m_contract.endpoints();
    const QString current = m_endpoints->currentItem()
        ? m_endpoints->currentItem()->data(Qt::UserRole).toString()
        : QString();
    {
        const QSignalBlocker block(m_endpoints);
        m_endpoints->clear();
        for (const PeelBuilds::BuildEndpoint &e : endpoints) {
            auto *item = new QListWidgetItem(e.name, m_endpoints);
            item->setData(Qt::UserRole, e.name);
            item->setToolTip(e.description);
        }
    }
    m_console->setEndpoints(endpoints);
    int row = 0;
    for (int i = 0; i < endpoints.size(); ++i) {
        if (endpoints.at(i).name == current)
            row = i;
    }
    if (endpoints.isEmpty()) {
        m_endpointAbout->setText(tr("The build completed but published no endpoint."));
        m_inputSchema->clear();
        m_outputSchema->clear();
        return;
    }
    m_endpoints->setCurrentRow(row);
    endpointSelected();
}

void PeelBuildView::endpointSelected()
{
    const int row = m_endpoints->currentRow();
    const QList<PeelBuilds::BuildEndpoint> endpoints = m_contract.endpoints();
    if (row < 0 || row >= endpoints.size())
        return;
    const PeelBuilds::BuildEndpoint &e = endpoints.at(row);
    QStringList about;
    about.append(QStringLiteral("<b>%1</b>").arg(e.name.toHtmlEscaped()));
    QStringList facts;
    if (!e.method.isEmpty())
        facts.append(tr("reads with %1").arg(e.method));
    if (!e.type.isEmpty())
        facts.append(tr("%1 endpoint").arg(e.type));
    if (e.creditCost >= 0)
        facts.append(
            e.creditCost == 1 ? tr("1 credit a call") : tr("%1 credits a call").arg(e.creditCost));
    if (!facts.isEmpty())
        about.append(facts.join(QStringLiteral(" · ")).toHtmlEscaped());
    about.append(QStringLiteral("<code>POST %1</code>").arg(e.callPath.toHtmlEscaped()));
    if (!e.description.isEmpty())
        about.append(e.description.toHtmlEscaped());
    m_endpointAbout->setText(about.join(QStringLiteral("<br>")));
    m_inputSchema->setPlainText(pretty(e.inputSchema));
    m_outputSchema->setPlainText(pretty(e.outputSchema));
    m_console->setCurrentEndpoint(e.name);
}

void PeelBuildView::setStatus(const QString &text, bool error)
{
    m_status->setText(m_redactor.redact(text));
    QPalette p = palette();
    if (error)
        p.setColor(QPalette::WindowText, QColor(0xb0, 0x1c, 0x1c));
    m_status->setPalette(p);
}

void PeelBuildView::respond()
{
    QString problem;
    const QJsonObject answer = m_promptForm->value(&problem);
    if (!problem.isEmpty()) {
        // Checked here against the prompt's own schema: the service would refuse it with 400.
        m_respondResult->setText(tr("Not sent: %1").arg(problem));
        return;
    }
    respondWith(answer);
}

void PeelBuildView::respondWith(const QJsonObject &response)
{
    if (!m_actions || m_job.id.isEmpty())
        return;
    ++m_respondPending;
    m_respondButton->setEnabled(false);
    m_respondResult->setText(tr("Sending…"));
    watch(m_actions->respond(m_job.remote(), response));
}

void PeelBuildView::callEndpoint(const QString &endpoint, const QJsonObject &input)
{
    if (!m_actions || m_job.id.isEmpty())
        return;
    ++m_callPending;
    m_console->setBusy(true);
    watch(m_actions->call(m_job.remote(), endpoint, input));
}

void PeelBuildView::checkHealth()
{
    if (!m_actions || m_job.id.isEmpty())
        return;
    m_healthButton->setEnabled(false);
    watch(m_actions->health(m_job.remote()));
}

void PeelBuildView::revise(const QString &instructions)
{
    if (!m_actions || m_job.id.isEmpty())
        return;
    setStatus(tr("Asking for a revision…"), false);
    watch(m_actions->revise(m_job.remote(), QJsonObject { { k("instructions"), instructions } }));
}

void PeelBuildView::rebuild()
{
    if (!m_actions || m_job.id.isEmpty())
        return;
    setStatus(tr("Asking for a rebuild…"), false);
    watch(m_actions->rebuild(m_job.remote()));
}

void PeelBuildView::exportTo(const QString &format, const QString &path)
{
    if (!m_actions || m_job.id.isEmpty())
        return;
    setStatus(tr("Fetching the %1 export…").arg(format), false);
    watch(m_actions->exportSpec(m_job.remote(), format), path);
}

void PeelBuildView::askRevise()
{
    QPointer<PeelReviseDialog> dialog = new PeelReviseDialog(m_contract.instructions(), this);
    const int answer = dialog->exec();
    // The dialog's own event loop may have outlived the view's job (another job selected).
    if (dialog && answer == QDialog::Accepted)
        revise(dialog->instructions());
    delete dialog;
}

void PeelBuildView::askRebuild()
{
    const auto answer = QMessageBox::question(this, tr("Rebuild the API"),
        tr("Rebuild API %1 from the same instructions? Its endpoints are replaced when the new "
           "build completes.")
            .arg(m_job.id));
    if (answer == QMessageBox::Yes)
        rebuild();
}

void PeelBuildView::askExport(const QString &format)
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString suggested
        = QDir(dir).filePath(QStringLiteral("%1-%2.json").arg(m_job.id, format));
    const QString path = QFileDialog::getSaveFileName(this,
        format == QLatin1String("mcp") ? tr("Export the MCP manifest")
                                       : tr("Export the OpenAPI document"),
        suggested, tr("JSON (*.json);;All files (*)"));
    if (!path.isEmpty())
        exportTo(format, path);
}

QString PeelBuildView::describeError(const PeelBuilds::BuildResult &result) const
{
    QString text = result.error.message;
    if (result.httpStatus > 0)
        text += tr(" (HTTP %1)").arg(result.httpStatus);
    return m_redactor.redact(text);
}

QString PeelBuildView::shownBody(const PeelBuilds::BuildResult &result) const
{
    if (result.json.isObject())
        return m_redactor.redact(pretty(result.json.object()));
    if (result.json.isArray())
        return m_redactor.redact(QString::fromUtf8(result.json.toJson(QJsonDocument::Indented)));
    return m_redactor.redact(QString::fromUtf8(result.body));
}

void PeelBuildView::applyRecord(const Core::JobUpdate &record)
{
    // The record is the whole picture of the API now: its extras replace the old ones.
    if (record.state)
        m_job.state = record.state;
    if (!record.rawStatus.isEmpty())
        m_job.rawStatus = record.rawStatus;
    m_job.extra = record.extra;
    m_job.error = record.error;
    refresh(false);
}

void PeelBuildView::watch(PeelBuilds::BuildOperation *operation, const QString &exportPath)
{
    connect(operation, &Core::Operation::result, this,
        [this, operation, exportPath] { handle(operation->outcome(), exportPath); });
}

void PeelBuildView::handle(const PeelBuilds::BuildResult &result, const QString &exportPath)
{
    using Action = PeelBuilds::BuildResult::Action;
    const bool current = result.apiId == m_job.remote();
    if (result.record && result.ok()) {
        // The service names the API by its own id; the tracker knows the job by its key.
        Core::JobUpdate record = *result.record;
        if (current)
            record.jobId = m_job.id;
        Q_EMIT recordReceived(record);
    }
    switch (result.action) {
    case Action::Respond:
        m_respondPending = std::max(0, m_respondPending - 1);
        m_respondButton->setEnabled(m_respondPending == 0);
        if (!current)
            break;
        if (result.ok()) {
            if (result.record)
                applyRecord(*result.record);
            m_respondResult->setText(tr("Answer sent; the build continues."));
            setStatus(tr("Answer sent; the build is %1 again.")
                          .arg(result.record ? result.record->rawStatus : tr("running")),
                false);
        } else {
            m_respondResult->setText(tr("Not accepted: %1").arg(describeError(result)));
        }
        break;
    case Action::Call:
        m_callPending = std::max(0, m_callPending - 1);
        m_console->setBusy(m_callPending > 0);
        if (current)
            m_console->showResult(
                result, shownBody(result), result.ok() ? QString() : describeError(result));
        break;
    case Action::Health: {
        m_healthButton->setEnabled(!m_job.id.isEmpty());
        if (!current)
            break;
        m_healthBox->show();
        if (!result.ok()) {
            m_healthSummary->setText(tr("Health could not be read: %1").arg(describeError(result)));
            m_health->setPlainText(shownBody(result));
            break;
        }
        const QJsonObject h = result.json.object();
        QStringList summary;
        if (h.contains(k("stage")))
            summary.append(tr("stage: %1").arg(h.value(k("stage")).toString()));
        if (h.value(k("quality_score")).isDouble())
            summary.append(
                tr("quality score: %1").arg(h.value(k("quality_score")).toDouble(), 0, 'g', 3));
        summary.append(tr("bindings: %1").arg(h.value(k("bindings")).toArray().size()));
        if (h.contains(k("recommended_action")))
            summary.append(
                tr("recommended action: %1").arg(h.value(k("recommended_action")).toString()));
        m_healthSummary->setText(summary.join(QStringLiteral(" · ")));
        m_health->setPlainText(shownBody(result));
        break;
    }
    case Action::Revise:
    case Action::Rebuild: {
        if (!current)
            break;
        const QString what = result.action == Action::Revise ? tr("Revision") : tr("Rebuild");
        if (!result.ok()) {
            setStatus(tr("%1 refused: %2").arg(what, describeError(result)), true);
            break;
        }
        if (result.record)
            applyRecord(*result.record);
        const int number = result.record
            ? result.record->extra.value(k("build")).toObject().value(k("number")).toInt()
            : 0;
        setStatus(number > 0 ? tr("%1 started: build %2 is %3.")
                                   .arg(what)
                                   .arg(number)
                                   .arg(result.record->rawStatus)
                             : tr("%1 started.").arg(what),
            false);
        break;
    }
    case Action::Export: {
        const QString path = exportPath;
        QString error;
        if (!result.ok()) {
            error = describeError(result);
        } else if (!path.isEmpty()) {
            // Pretty JSON reads better in an editor; a non-JSON export (YAML) is written as sent.
            const QByteArray bytes
                = result.json.isNull() ? result.body : result.json.toJson(QJsonDocument::Indented);
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()
                || !file.commit())
                error = tr("cannot write %1: %2")
                            .arg(QDir::toNativeSeparators(path), file.errorString());
        }
        if (current) {
            const QString name = result.detail == QLatin1String("mcp") ? tr("MCP manifest")
                                                                       : tr("OpenAPI document");
            if (error.isEmpty())
                setStatus(
                    tr("Saved the %1 to %2.").arg(name, QDir::toNativeSeparators(path)), false);
            else
                setStatus(tr("Export of the %1 failed: %2").arg(name, error), true);
        }
        Q_EMIT exportFinished(result.detail, path, error);
        break;
    }
    }
    Q_EMIT actionFinished(result);
}

} // namespace Ui
