#include "common/theme.h"
#include "joblist/joblistdelegate.h"
#include "joblist/joblistmodel.h"
#include "joblist/joblistproxymodel.h"
#include "joblist/joblistview.h"
#include "joblistfixtures.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QBuffer>
#include <QClipboard>
#include <QHeaderView>
#include <QPainter>
#include <QSignalSpy>
#include <QtTest>

using namespace JobListFixtures;
using Core::Dialect;
using Core::JobState;
using Ui::JobListModel;
using Ui::JobListProxyModel;
using Ui::JobListView;

namespace {

QByteArray previewOf(int seed)
{
    QImage image(96, 64, QImage::Format_RGB32);
    QPainter p(&image);
    QLinearGradient g(0, 0, 96, 64);
    g.setColorAt(0, QColor::fromHsv((seed * 47) % 360, 160, 230));
    g.setColorAt(1, QColor::fromHsv((seed * 47 + 120) % 360, 200, 120));
    p.fillRect(image.rect(), g);
    p.setBrush(QColor(255, 255, 255, 140));
    p.setPen(Qt::NoPen);
    p.drawEllipse(QPoint(30 + seed % 40, 32), 16, 16);
    p.end();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "JPEG", 85);
    return bytes;
}

// Fifty jobs across the five dialects and every state, as a day of work would leave them.
void fillFifty(Tracker::JobTracker &tracker, qint64 now)
{
    struct Kind
    {
        Dialect dialect;
        const char *profile;
        const char *task;
        std::optional<JobState> state;
        const char *raw;
    };
    const QList<Kind> kinds {
        { Dialect::ImagePipeline, "sandbox-imagepipeline", "generate/image/v1", JobState::Running,
            "processing" },
        { Dialect::PeelApi, "sandbox-peelapi", "portrait", JobState::Succeeded, "succeeded" },
        { Dialect::ImagePipeline, "sandbox-imagepipeline", "generate/image/v1", JobState::Queued,
            "pending" },
        { Dialect::Peako, "sandbox-peako", "render", JobState::Running, "active" },
        { Dialect::DeApi, "sandbox-deapi", "txt2img", JobState::Failed, "error" },
        { Dialect::Peel, "sandbox-peel", "apis", JobState::NeedsInput, "needs_input" },
        { Dialect::Peako, "sandbox-peako", "transcribe", JobState::Cancelled, "cancelled" },
        { Dialect::ImagePipeline, "sandbox-imagepipeline", "upscale/image/v1", JobState::Queued,
            "queued" },
        { Dialect::DeApi, "sandbox-deapi", "txt2img", JobState::Running, "processing" },
        { Dialect::Peako, "sandbox-peako", "render", JobState::Succeeded, "done" },
    };
    const QStringList prompts { QStringLiteral("A lighthouse on a cliff at dusk, oil painting"),
        QStringLiteral("Studio portrait, soft light"),
        QStringLiteral("Isometric city block with trams"),
        QStringLiteral("Intro: {{title}} over a slow zoom"), QStringLiteral("A fox in the snow"),
        QStringLiteral("https://news.ycombinator.com"),
        QStringLiteral("Meeting recording, 42 minutes"), QStringLiteral("Upscale the cover art 4x"),
        QStringLiteral("Neon koi pond, top view"), QStringLiteral("Product teaser, 12 s") };
    for (int i = 0; i < 50; ++i) {
        const Kind &k = kinds.at(i % kinds.size());
        auto job = makeJob(QStringLiteral("%1-%2")
                               .arg(QString::fromLatin1(k.task).section(QLatin1Char('/'), 0, 0))
                               .arg(0x3a7f10 + i * 7919, 0, 16),
            k.dialect, k.state, QLatin1String(k.raw), QLatin1String(k.profile),
            QLatin1String(k.task), {}, now - qint64(i) * 97'000 - 4000);
        job.input.insert(
            k.dialect == Dialect::Peel ? QStringLiteral("url") : QStringLiteral("prompt"),
            prompts.at(i % prompts.size()));
        if (k.dialect != Dialect::Peel) {
            job.hasProgress = true;
            job.progress = k.state == JobState::Succeeded ? 1.0
                : k.state == JobState::Queued             ? 0.0
                                                          : ((i * 37) % 100) / 100.0;
        }
        if (k.state == JobState::Failed) {
            job.error.kind = Core::JobError::Kind::Job;
            job.error.providerCode = QStringLiteral("WORKER_TIMEOUT");
            job.error.message = QStringLiteral("The worker did not answer in time");
        }
        if (k.dialect == Dialect::DeApi || k.dialect == Dialect::ImagePipeline
            || k.dialect == Dialect::PeelApi) {
            if (k.state != JobState::Queued)
                job.preview = previewOf(i);
        }
        if (k.state == JobState::Succeeded && k.dialect == Dialect::Peako)
            job.outputs.append({ QStringLiteral("http://127.0.0.1/files/a.avi"),
                QStringLiteral("render.avi"), {}, 0, QStringLiteral("video/x-msvideo"), 1000, {} });
        if (k.state && Core::isTerminal(*k.state))
            job.lastUpdateMs = job.createdMs + 20'000 + i * 1500;
        tracker.restore(job);
    }
}

struct Fixture
{
    Tracker::JobTracker tracker;
    JobListModel model { &tracker };
    JobListProxyModel proxy;
    JobListView view;
    QAbstractItemModelTester modelTester { &model,
        QAbstractItemModelTester::FailureReportingMode::QtTest };
    QAbstractItemModelTester proxyTester { &proxy,
        QAbstractItemModelTester::FailureReportingMode::QtTest };

    Fixture()
    {
        proxy.setSourceModel(&model);
        view.setModel(&proxy);
    }
};

int colourDistance(const QColor &a, const QColor &b)
{
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green())
        + std::abs(a.blue() - b.blue());
}

} // namespace

class tst_JobListView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void setupIsAFlatSortableTable();
    void actionsEmitTheSelectedIds();
    void currentJobChangedOncePerJob();
    void saveAndRestoreState();
    void rowsHaveUniformHeight();
    void progressBarTakesTheStateColour();
    void renderFiftyJobs();
};

// The view is a flat, sortable, multi-select table, newest first by default.
void tst_JobListView::setupIsAFlatSortableTable()
{
    Fixture f;
    QVERIFY(!f.view.rootIsDecorated());
    QVERIFY(f.view.uniformRowHeights());
    QVERIFY(f.view.isSortingEnabled());
    QCOMPARE(f.view.selectionMode(), QAbstractItemView::ExtendedSelection);
    QCOMPARE(f.view.header()->sortIndicatorSection(), int(JobListModel::Created));
    QCOMPARE(f.view.header()->sortIndicatorOrder(), Qt::DescendingOrder);
    QVERIFY(qobject_cast<Ui::JobListDelegate *>(f.view.itemDelegate()));
    QCOMPARE(f.view.cancelAction()->shortcut(), QKeySequence(QKeySequence::Delete));
    QCOMPARE(f.view.copyIdsAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
}

// Delete, Ctrl+Shift+C and the Download/Resubmit actions act on exactly the selected jobs.
void tst_JobListView::actionsEmitTheSelectedIds()
{
    Fixture f;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < 5; ++i)
        f.tracker.restore(makeJob(QStringLiteral("j%1").arg(i), Dialect::Peako, JobState::Queued,
            {}, QStringLiteral("p"), QStringLiteral("render"), {}, now - i * 1000));
    QSignalSpy batches(&f.model, &JobListModel::batchApplied);
    QTRY_COMPARE(f.proxy.rowCount(), 5);
    f.view.resize(900, 300);
    f.view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    f.view.setFocus();
    QVERIFY(!f.view.cancelAction()->isEnabled()); // nothing selected yet

    QSignalSpy cancel(&f.view, &JobListView::cancelRequested);
    QSignalSpy download(&f.view, &JobListView::downloadRequested);
    QSignalSpy resubmit(&f.view, &JobListView::resubmitRequested);
    auto *sel = f.view.selectionModel();
    sel->select(f.proxy.index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    sel->select(f.proxy.index(3, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QVERIFY(f.view.cancelAction()->isEnabled());
    const QStringList expected { QStringLiteral("j1"),
        QStringLiteral("j3") }; // newest first: row n is j<n>
    QCOMPARE(f.view.selectedJobIds(), expected);

    QTest::keyClick(&f.view, Qt::Key_Delete);
    QCOMPARE(cancel.size(), 1);
    QCOMPARE(cancel.at(0).at(0).toStringList(), expected);

    QApplication::clipboard()->clear();
    QTest::keyClick(&f.view, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("j1\nj3"));

    f.view.downloadAction()->trigger();
    f.view.resubmitAction()->trigger();
    QCOMPARE(download.size(), 1);
    QCOMPARE(download.at(0).at(0).toStringList(), expected);
    QCOMPARE(resubmit.size(), 1);
    QCOMPARE(resubmit.at(0).at(0).toStringList(), expected);
}

// currentJobChanged fires when the current job changes, not when a re-sort moves its row.
void tst_JobListView::currentJobChangedOncePerJob()
{
    Fixture f;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < 4; ++i)
        f.tracker.restore(makeJob(QStringLiteral("j%1").arg(i), Dialect::PeelApi, JobState::Running,
            {}, QStringLiteral("p"), QStringLiteral("t%1").arg(3 - i), {}, now - i * 1000));
    QTRY_COMPARE(f.proxy.rowCount(), 4);
    QSignalSpy current(&f.view, &JobListView::currentJobChanged);
    f.view.setCurrentIndex(f.proxy.index(0, 0));
    QCOMPARE(current.size(), 1);
    QCOMPARE(current.at(0).at(0).toString(), QStringLiteral("j0"));
    f.view.sortByColumn(JobListModel::Task, Qt::AscendingOrder); // j0 moves to the last row
    QCOMPARE(f.view.currentIndex().row(), 3);
    QCOMPARE(current.size(), 1);
    f.view.setCurrentIndex(f.proxy.index(0, 2));
    QCOMPARE(current.size(), 2);
    QCOMPARE(current.at(1).at(0).toString(), QStringLiteral("j3"));
    QCOMPARE(f.view.currentJobId(), QStringLiteral("j3"));
}

// saveState() keeps the sort, the hidden columns and the widths; restoreState() refuses garbage.
void tst_JobListView::saveAndRestoreState()
{
    QByteArray state;
    {
        Fixture f;
        f.view.sortByColumn(JobListModel::Id, Qt::AscendingOrder);
        f.view.header()->hideSection(JobListModel::Profile);
        f.view.header()->resizeSection(JobListModel::Input, 333);
        state = f.view.saveState();
    }
    Fixture g;
    QVERIFY(g.view.restoreState(state));
    QCOMPARE(g.view.header()->sortIndicatorSection(), int(JobListModel::Id));
    QCOMPARE(g.view.header()->sortIndicatorOrder(), Qt::AscendingOrder);
    QCOMPARE(g.proxy.sortColumn(), int(JobListModel::Id));
    QVERIFY(g.view.header()->isSectionHidden(JobListModel::Profile));
    QCOMPARE(g.view.header()->sectionSize(JobListModel::Input), 333);
    QVERIFY(!g.view.restoreState(QByteArray("not a state")));
    QVERIFY(!g.view.restoreState(QByteArray()));
}

// A row with a thumbnail is exactly as tall as one without; the delegate says so for any cell.
void tst_JobListView::rowsHaveUniformHeight()
{
    Fixture f;
    fillFifty(f.tracker, QDateTime::currentMSecsSinceEpoch());
    QTRY_COMPARE(f.proxy.rowCount(), 50);
    f.view.resize(1200, 900);
    f.view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const int expected = Ui::JobListDelegate::rowHeight(f.view.fontMetrics());
    for (int r = 0; r < 20; ++r)
        QCOMPARE(f.view.visualRect(f.proxy.index(r, JobListModel::Result)).height(), expected);
    QStyleOptionViewItem option;
    option.initFrom(&f.view);
    for (int c = 0; c < JobListModel::ColumnCount; ++c)
        QCOMPARE(f.view.itemDelegate()->sizeHint(option, f.proxy.index(0, c)).height(), expected);
}

// The Progress cell is a progress bar in the state's colour (a failed job's bar is red, not blue).
void tst_JobListView::progressBarTakesTheStateColour()
{
    Fixture f;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto running = makeJob(QStringLiteral("run"), Dialect::PeelApi, JobState::Running, {},
        QStringLiteral("p"), {}, {}, now);
    running.hasProgress = true;
    running.progress = 0.9;
    auto failed = makeJob(QStringLiteral("fail"), Dialect::PeelApi, JobState::Failed, {},
        QStringLiteral("p"), {}, {}, now - 1000);
    failed.hasProgress = true;
    failed.progress = 0.9;
    f.tracker.restore(running);
    f.tracker.restore(failed);
    QTRY_COMPARE(f.proxy.rowCount(), 2);
    f.view.resize(1200, 200);
    f.view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const QImage image = f.view.viewport()->grab().toImage();
    const bool dark = Ui::Theme::isDark(f.view.palette());
    auto hasColour = [&](int row, const QColor &want) {
        const QRect cell = f.view.visualRect(f.proxy.index(row, JobListModel::Progress));
        int best = 1000;
        for (int x = cell.left() + 6; x < cell.left() + cell.width() / 3; ++x)
            best = std::min(best,
                colourDistance(image.pixelColor(x * image.devicePixelRatio(),
                                   cell.center().y() * image.devicePixelRatio()),
                    want));
        return best < 60;
    };
    QVERIFY(hasColour(0, Ui::Theme::stateColor(JobState::Running, dark)));
    QVERIFY(hasColour(1, Ui::Theme::stateColor(JobState::Failed, dark)));
    QVERIFY(!hasColour(1, Ui::Theme::stateColor(JobState::Running, dark)));
}

// Renders 50 jobs in every state, light and dark, to /tmp/joblist.png and /tmp/joblist-dark.png.
void tst_JobListView::renderFiftyJobs()
{
    auto *app = qobject_cast<QApplication *>(QCoreApplication::instance());
    for (bool dark : { false, true }) {
        Ui::Theme::apply(app, dark ? Ui::Theme::Mode::Dark : Ui::Theme::Mode::Light);
        Fixture f;
        fillFifty(f.tracker, QDateTime::currentMSecsSinceEpoch());
        QTRY_COMPARE(f.proxy.rowCount(), 50);
        f.view.resize(1280, 760);
        f.view.header()->resizeSection(JobListModel::Profile, 150);
        f.view.header()->resizeSection(JobListModel::Task, 130);
        f.view.header()->resizeSection(JobListModel::Created, 80);
        f.view.header()->resizeSection(JobListModel::Duration, 90);
        f.view.header()->resizeSection(JobListModel::Input, 250);
        f.view.header()->resizeSection(JobListModel::Id, 140);
        f.view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.view));
        f.view.selectionModel()->select(
            f.proxy.index(2, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        const QPixmap shot = f.view.grab();
        QVERIFY(!shot.isNull());
        const QString path
            = dark ? QStringLiteral("/tmp/joblist-dark.png") : QStringLiteral("/tmp/joblist.png");
        QVERIFY(shot.save(path));
        qInfo("wrote %s", qPrintable(path));
    }
    Ui::Theme::apply(app, Ui::Theme::Mode::System);
}

QTEST_MAIN(tst_JobListView)
#include "tst_joblistview.moc"
