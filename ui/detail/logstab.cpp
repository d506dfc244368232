#include "detail/logstab.h"

#include "detail/joblogmodel.h"
#include "detail/joblogproxymodel.h"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QMessageBox>
#include <QScrollBar>
#include <QShortcut>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace Ui {

LogsTab::LogsTab(QWidget *parent)
    : QWidget(parent)
    , m_model(new JobLogModel(this))
    , m_proxy(new JobLogProxyModel(this))
    , m_view(new QTreeView(this))
    , m_search(new QLineEdit(this))
    , m_follow(new QToolButton(this))
{
    m_proxy->setSourceModel(m_model);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(4, 0, 4, 0);
    layout->addLayout(bar);

    const QList<QPair<QString, QString>> levels { { QStringLiteral("debug"), tr("Debug") },
        { QStringLiteral("info"), tr("Info") }, { QStringLiteral("warn"), tr("Warn") },
        { QStringLiteral("error"), tr("Error") } };
    for (const auto &[level, title] : levels) {
        auto *b = new QToolButton(this);
        b->setText(title);
        b->setCheckable(true);
        b->setChecked(true);
        b->setToolTip(tr("Show %1 lines").arg(level));
        b->setObjectName(level);
        connect(b, &QToolButton::toggled, this,
            [this, level](bool on) { m_proxy->setLevelShown(level, on); });
        bar->addWidget(b);
        m_levels.insert(level, b);
    }
    bar->addSpacing(8);
    m_search->setPlaceholderText(tr("Search (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &JobLogProxyModel::setSearchText);
    bar->addWidget(m_search, 1);
    auto *find = new QShortcut(QKeySequence::Find, this);
    find->setContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QShortcut::activated, this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });

    m_follow->setText(tr("Auto-scroll"));
    m_follow->setCheckable(true);
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Follow new lines; scrolling up turns this off"));
    connect(m_follow, &QToolButton::toggled, this, &LogsTab::setAutoScroll);
    bar->addWidget(m_follow);
    auto *copy = new QToolButton(this);
    copy->setText(tr("Copy"));
    copy->setToolTip(tr("Copy the selected lines, or every shown line when none is selected"));
    connect(copy, &QToolButton::clicked, this, &LogsTab::copy);
    bar->addWidget(copy);
    auto *save = new QToolButton(this);
    save->setText(tr("Save…"));
    save->setToolTip(tr("Save the shown lines as a text file"));
    connect(save, &QToolButton::clicked, this, &LogsTab::save);
    bar->addWidget(save);

    m_view->setModel(m_proxy);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setColumnWidth(JobLogModel::Time, 110);
    m_view->setColumnWidth(JobLogModel::Level, 60);
    m_view->header()->setStretchLastSection(true);
    m_view->setFrameShape(QFrame::NoFrame);
    layout->addWidget(m_view, 1);
    auto *copyKey = new QShortcut(QKeySequence::Copy, m_view);
    copyKey->setContext(Qt::WidgetShortcut);
    connect(copyKey, &QShortcut::activated, this, &LogsTab::copy);

    // New rows change the scroll range (after the view's delayed layout): follow them there.
    QScrollBar *vbar = m_view->verticalScrollBar();
    connect(vbar, &QScrollBar::rangeChanged, this, [this, vbar](int, int max) {
        if (!m_autoScroll)
            return;
        m_scrolling = true;
        vbar->setValue(max);
        m_scrolling = false;
    });
    connect(vbar, &QScrollBar::valueChanged, this, [this, vbar](int value) {
        if (m_scrolling)
            return;
        setAutoScroll(value >= vbar->maximum());
    });
}

void LogsTab::setRedactor(const Core::Redactor *redactor)
{
    m_model->setRedactor(redactor);
}

void LogsTab::showJob(const Tracker::TrackedJob *job)
{
    m_model->update(job);
}

void LogsTab::setAutoScroll(bool on)
{
    if (on == m_autoScroll)
        return;
    m_autoScroll = on;
    m_follow->setChecked(on);
    if (on) {
        m_scrolling = true;
        m_view->scrollToBottom();
        m_scrolling = false;
    }
    Q_EMIT autoScrollChanged(on);
}

QString LogsTab::linesText(bool selectedOnly) const
{
    QStringList lines;
    const QModelIndexList selected = selectedOnly
        ? m_view->selectionModel()->selectedRows(JobLogModel::Message)
        : QModelIndexList();
    if (!selected.isEmpty()) {
        QModelIndexList rows = selected;
        std::sort(rows.begin(), rows.end(),
            [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
        for (const QModelIndex &i : rows)
            lines.append(i.data(JobLogModel::LineRole).toString());
    } else {
        for (int r = 0; r < m_proxy->rowCount(); ++r)
            lines.append(m_proxy->index(r, 0).data(JobLogModel::LineRole).toString());
    }
    return lines.isEmpty() ? QString() : lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

bool LogsTab::saveTo(const QString &path) const
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        return false;
    return f.write(linesText(false).toUtf8()) >= 0 && f.flush();
}

void LogsTab::copy()
{
    QApplication::clipboard()->setText(linesText(true));
}

void LogsTab::save()
{
    const QString name = m_model->jobId().isEmpty() ? QStringLiteral("job.log")
                                                    : m_model->jobId() + QStringLiteral(".log");
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save log"), name, tr("Text files (*.log *.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    if (!saveTo(path))
        QMessageBox::warning(this, tr("Save log"), tr("Could not write %1.").arg(path));
}

} // namespace Ui
