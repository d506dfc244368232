#include "detail/resultstab.h"

#include "detail/imageviewer.h"
#include "detail/resultlist.h"
#include "tracker/trackedjob.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImageReader>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace Ui {

namespace {

enum Page { ImagePage, CaptionsPage, FilePage };

QString withoutQuery(const QString &url)
{
    return url.section(QLatin1Char('?'), 0, 0);
}

bool isImage(const QString &mime, const QString &name)
{
    if (mime.startsWith(QLatin1String("image/")))
        return true;
    const QString suffix = QFileInfo(withoutQuery(name)).suffix().toLower();
    return suffix == u"png" || suffix == u"jpg" || suffix == u"jpeg" || suffix == u"webp"
        || suffix == u"gif" || suffix == u"bmp";
}

QString sizeText(qint64 bytes)
{
    return bytes >= 0 ? QLocale().formattedDataSize(bytes) : QString();
}

// Cue times are milliseconds (Peako's from/to); "start"/"end" in seconds are read too.
QString cueTime(const QJsonObject &cue, const char *msKey, const char *sKey)
{
    double ms = -1;
    if (cue.value(QLatin1String(msKey)).isDouble())
        ms = cue.value(QLatin1String(msKey)).toDouble();
    else if (cue.value(QLatin1String(sKey)).isDouble())
        ms = cue.value(QLatin1String(sKey)).toDouble() * 1000;
    if (ms < 0)
        return {};
    const qint64 t = qint64(ms);
    return QStringLiteral("%1:%2.%3")
        .arg(t / 60000, 2, 10, QLatin1Char('0'))
        .arg((t / 1000) % 60, 2, 10, QLatin1Char('0'))
        .arg(t % 1000, 3, 10, QLatin1Char('0'));
}

} // namespace

ResultsTab::ResultsTab(QWidget *parent)
    : QWidget(parent)
    , m_open([](const QUrl &url) { return QDesktopServices::openUrl(url); })
    , m_modes(new QStackedWidget(this))
    , m_emptyLabel(new QLabel)
    , m_preview(new ImageViewer)
    , m_previewCaption(new QLabel)
    , m_list(new ResultList)
    , m_pages(new QStackedWidget)
    , m_image(new ImageViewer)
    , m_captions(new QTableWidget)
    , m_fileInfo(new QLabel)
    , m_status(new QLabel)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_modes);

    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setEnabled(false);
    m_emptyLabel->setWordWrap(true);
    m_modes->addWidget(m_emptyLabel);

    auto *previewPage = new QWidget;
    auto *pv = new QVBoxLayout(previewPage);
    m_previewCaption->setEnabled(false);
    pv->addWidget(m_previewCaption);
    m_preview->setToolsVisible(false);
    pv->addWidget(m_preview, 1);
    m_modes->addWidget(previewPage);

    auto *results = new QSplitter(Qt::Horizontal);
    results->setChildrenCollapsible(false);
    m_list->setMinimumWidth(260);
    results->addWidget(m_list);

    auto *right = new QWidget;
    auto *rv = new QVBoxLayout(right);
    rv->setContentsMargins(4, 0, 0, 0);
    m_image->setPlaceholder(tr("Not downloaded yet"));
    m_pages->addWidget(m_image);
    m_captions->setColumnCount(3);
    m_captions->setHorizontalHeaderLabels({ tr("Start"), tr("End"), tr("Text") });
    m_captions->horizontalHeader()->setStretchLastSection(true);
    m_captions->verticalHeader()->setVisible(false);
    m_captions->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_captions->setWordWrap(true);
    m_captions->setAlternatingRowColors(true);
    m_pages->addWidget(m_captions);
    m_fileInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fileInfo->setAlignment(Qt::AlignCenter);
    m_fileInfo->setWordWrap(true);
    m_fileInfo->setTextFormat(Qt::PlainText);
    m_pages->addWidget(m_fileInfo);
    rv->addWidget(m_pages, 1);

    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    rv->addWidget(m_status);
    auto *actions = new QHBoxLayout;
    auto button = [&](const QString &text, const char *name) {
        auto *b = new QPushButton(text);
        b->setObjectName(QLatin1String(name));
        actions->addWidget(b);
        return b;
    };
    m_openButton = button(tr("Open"), "open");
    m_folderButton = button(tr("Open folder"), "openFolder");
    m_copyPathButton = button(tr("Copy path"), "copyPath");
    m_copyUrlButton = button(tr("Copy URL"), "copyUrl");
    m_downloadButton = button(tr("Download"), "download");
    actions->addStretch(1);
    rv->addLayout(actions);
    results->addWidget(right);
    results->setStretchFactor(1, 1);
    results->setSizes({ 340, 560 });
    m_modes->addWidget(results);

    connect(m_list, &QTreeWidget::currentItemChanged, this, &ResultsTab::showSelected);
    connect(m_list, &QTreeWidget::itemActivated, this, [this] { m_openButton->click(); });
    connect(m_openButton, &QPushButton::clicked, this, [this] {
        if (!selectedPath().isEmpty())
            m_open(QUrl::fromLocalFile(selectedPath()));
    });
    connect(m_folderButton, &QPushButton::clicked, this, [this] {
        if (!selectedPath().isEmpty())
            m_open(QUrl::fromLocalFile(QFileInfo(selectedPath()).absolutePath()));
    });
    connect(m_copyPathButton, &QPushButton::clicked, this,
        [this] { QApplication::clipboard()->setText(selectedPath()); });
    connect(m_copyUrlButton, &QPushButton::clicked, this,
        [this] { QApplication::clipboard()->setText(selectedUrl()); });
    connect(m_downloadButton, &QPushButton::clicked, this, [this] {
        if (!m_jobId.isEmpty())
            Q_EMIT downloadRequested(m_jobId);
    });
    showJob(nullptr);
}

void ResultsTab::setLocalFiles(const QString &jobId, const QList<ResultFile> &files)
{
    m_files.insert(jobId, files);
    if (jobId == m_jobId)
        rebuild();
}

ResultFile ResultsTab::localFor(const Core::Output &o) const
{
    for (const ResultFile &f : m_files.value(m_jobId)) {
        const bool sameName = !o.name.isEmpty() && f.name == o.name
            && (o.variant.isEmpty() || f.variant.isEmpty() || f.variant == o.variant);
        const bool sameUrl
            = !o.url.isEmpty() && !f.url.isEmpty() && withoutQuery(f.url) == withoutQuery(o.url);
        if (sameName || sameUrl)
            return f;
    }
    return {};
}

void ResultsTab::showJob(const Tracker::TrackedJob *job)
{
    const bool otherJob = (job ? job->id : QString()) != m_jobId;
    m_jobId = job ? job->id : QString();
    m_terminal = job && job->isTerminal();
    m_failed = job && job->state && *job->state == Core::JobState::Failed;
    m_outputs = job ? job->outputs : QList<Core::Output>();
    m_captionData = job ? job->captions : QJsonArray();
    if (otherJob)
        m_signature.clear();

    // The live preview, replaced only when new bytes came.
    const QByteArray preview = job ? job->preview : QByteArray();
    if (otherJob || preview != m_previewBytes) {
        m_previewBytes = preview;
        m_preview->setImage(QImage::fromData(preview));
    }
    rebuild();
}

void ResultsTab::rebuild()
{
    if (m_outputs.isEmpty() && m_captionData.isEmpty()) {
        m_rows.clear();
        m_signature.clear();
        m_list->clear();
        if (m_jobId.isEmpty()) {
            m_mode = Mode::Empty;
            m_emptyLabel->setText(tr("No job selected"));
        } else if (!m_terminal) {
            m_mode = Mode::Preview;
            m_previewCaption->setText(m_previewBytes.isEmpty()
                    ? tr("Running — results appear here when the job is done")
                    : tr("Live preview — the result appears here when the job is done"));
            m_preview->setPlaceholder(tr("No preview yet"));
        } else {
            m_mode = Mode::Empty;
            m_emptyLabel->setText(m_failed ? tr("The job failed and produced no outputs")
                                           : tr("This job produced no outputs"));
        }
        m_modes->setCurrentIndex(m_mode == Mode::Preview ? 1 : 0);
        return;
    }

    QList<Row> rows;
    QString signature;
    for (const Core::Output &o : m_outputs) {
        Row r { o, localFor(o), false };
        signature += o.name + QLatin1Char('|') + o.variant + QLatin1Char('|') + o.url
            + QLatin1Char('|') + r.local.path + QLatin1Char('|')
            + QString::number(o.inlineData.size()) + QLatin1Char('\n');
        rows.append(r);
    }
    if (!m_captionData.isEmpty()) {
        Row r;
        r.captions = true;
        rows.append(r);
        signature += QStringLiteral("captions:%1").arg(m_captionData.size());
    }
    m_mode = Mode::Results;
    m_modes->setCurrentIndex(2);
    if (signature == m_signature)
        return;
    m_signature = signature;

    const int current
        = m_list->currentItem() ? m_list->indexOfTopLevelItem(m_list->currentItem()) : 0;
    m_rows = rows;
    m_list->clear();
    for (int i = 0; i < m_rows.size(); ++i) {
        const Row &r = m_rows.at(i);
        auto *item = new QTreeWidgetItem(m_list);
        item->setData(0, ResultList::OutputIndexRole, i);
        if (r.captions) {
            item->setText(0, tr("Captions"));
            item->setText(2, tr("%n cue(s)", nullptr, int(m_captionData.size())));
            item->setFlags(item->flags() & ~Qt::ItemIsDragEnabled);
            continue;
        }
        const QString name = !r.output.name.isEmpty()
            ? r.output.name
            : QFileInfo(withoutQuery(r.output.url)).fileName();
        item->setText(0, name.isEmpty() ? tr("Output %1").arg(r.output.index + 1) : name);
        item->setText(1, r.output.variant);
        const qint64 bytes
            = !r.local.path.isEmpty() ? QFileInfo(r.local.path).size() : r.output.size;
        item->setText(2, sizeText(bytes));
        item->setText(3,
            !r.local.path.isEmpty()              ? tr("local")
                : !r.output.inlineData.isEmpty() ? tr("inline")
                                                 : tr("remote"));
        item->setToolTip(0, !r.local.path.isEmpty() ? r.local.path : withoutQuery(r.output.url));
        item->setData(0, ResultList::LocalPathRole, r.local.path);
        item->setData(0, ResultList::RemoteUrlRole, r.output.url);
        if (r.local.path.isEmpty())
            item->setFlags(item->flags() & ~Qt::ItemIsDragEnabled);
    }
    m_list->setCurrentItem(m_list->topLevelItem(std::clamp(current, 0, int(m_rows.size()) - 1)));
    showSelected();
}

void ResultsTab::showSelected()
{
    QTreeWidgetItem *item = m_list->currentItem();
    const int i = item ? item->data(0, ResultList::OutputIndexRole).toInt() : -1;
    if (i < 0 || i >= m_rows.size()) {
        updateActions();
        return;
    }
    const Row &r = m_rows.at(i);
    if (r.captions) {
        m_captions->setRowCount(int(m_captionData.size()));
        for (int c = 0; c < m_captionData.size(); ++c) {
            const QJsonObject cue = m_captionData.at(c).toObject();
            m_captions->setItem(c, 0, new QTableWidgetItem(cueTime(cue, "from", "start")));
            m_captions->setItem(c, 1, new QTableWidgetItem(cueTime(cue, "to", "end")));
            m_captions->setItem(
                c, 2, new QTableWidgetItem(cue.value(QLatin1String("text")).toString()));
        }
        m_captions->resizeColumnToContents(0);
        m_captions->resizeColumnToContents(1);
        m_pages->setCurrentIndex(CaptionsPage);
    } else if (isImage(r.output.mimeType.isEmpty() ? r.local.mimeType : r.output.mimeType,
                   r.output.name.isEmpty() ? r.output.url : r.output.name)) {
        QImage img;
        if (!r.local.path.isEmpty()) {
            QImageReader reader(r.local.path);
            reader.setAutoTransform(true);
            img = reader.read();
        } else if (!r.output.inlineData.isEmpty()) {
            img = QImage::fromData(r.output.inlineData);
        }
        m_image->setPlaceholder(r.local.path.isEmpty()
                ? tr("Not downloaded yet — Download fetches it")
                : tr("Cannot read this image"));
        m_image->setImage(img);
        m_pages->setCurrentIndex(ImagePage);
    } else {
        QStringList lines;
        lines << item->text(0);
        const QString mime = !r.local.mimeType.isEmpty() ? r.local.mimeType : r.output.mimeType;
        if (!mime.isEmpty())
            lines << mime;
        if (!item->text(2).isEmpty())
            lines << item->text(2);
        lines << (r.local.path.isEmpty() ? tr("Not downloaded yet") : r.local.path);
        m_fileInfo->setText(lines.join(QLatin1Char('\n')));
        m_pages->setCurrentIndex(FilePage);
    }
    updateActions();
}

QString ResultsTab::selectedPath() const
{
    const QTreeWidgetItem *item = m_list->currentItem();
    return item ? item->data(0, ResultList::LocalPathRole).toString() : QString();
}

QString ResultsTab::selectedUrl() const
{
    const QTreeWidgetItem *item = m_list->currentItem();
    return item ? item->data(0, ResultList::RemoteUrlRole).toString() : QString();
}

QString ResultsTab::statusText() const
{
    return m_status->text();
}

void ResultsTab::updateActions()
{
    const bool local = !selectedPath().isEmpty();
    const QString url = selectedUrl();
    m_openButton->setEnabled(local);
    m_folderButton->setEnabled(local);
    m_copyPathButton->setEnabled(local);
    m_copyUrlButton->setEnabled(!url.isEmpty());
    bool missing = false;
    for (const Row &r : m_rows)
        missing = missing || (!r.captions && r.local.path.isEmpty() && !r.output.url.isEmpty());
    m_downloadButton->setEnabled(missing);
    m_downloadButton->setToolTip(
        missing ? tr("Download this job's outputs") : tr("Every output is downloaded"));
    if (local)
        m_status->setText(selectedPath());
    else if (!url.isEmpty())
        m_status->setText(withoutQuery(url));
    else
        m_status->clear();
}

} // namespace Ui
