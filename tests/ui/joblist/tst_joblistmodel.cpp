#include "joblist/joblistmodel.h"
#include "joblistfixtures.h"

#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace JobListFixtures;
using Core::Dialect;
using Core::JobState;
using Ui::JobListModel;

namespace {

QByteArray pngOf(const QColor &colour, const QSize &size = QSize(96, 64))
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(colour);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

struct DataChange
{
    int top, bottom, left, right;
    QList<int> roles;
};

QList<DataChange> changesOf(const QSignalSpy &spy)
{
    QList<DataChange> out;
    for (const QList<QVariant> &args : spy) {
        const auto tl = args.at(0).value<QModelIndex>();
        const auto br = args.at(1).value<QModelIndex>();
        out.append(
            { tl.row(), br.row(), tl.column(), br.column(), args.at(2).value<QList<int>>() });
    }
    return out;
}

} // namespace

class tst_JobListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void restoredBeforeTheModelAreRows();
    void newJobsOfABatchAreOneInsert();
    void scatteredUpdatesAreAtMostOneSignalEach();
    void contiguousUpdatesCoalesce();
    void majorityUpdateIsOneWholeRangeSignal();
    void rolesFollowWhatChanged();
    void displayAndSortValues();
    void durationTicksForUnfinishedRowsOnly();
    void thumbnailFromPreviewFollowsThePreview();
    void thumbnailFromFileIsDecodedOffThread();
};

// Jobs the tracker already held (a restored history) are rows as soon as the model exists.
void tst_JobListModel::restoredBeforeTheModelAreRows()
{
    Tracker::JobTracker tracker;
    tracker.restore(
        makeJob(QStringLiteral("a"), Dialect::Peako, JobState::Succeeded, QStringLiteral("done")));
    tracker.restore(
        makeJob(QStringLiteral("b"), Dialect::DeApi, JobState::Failed, QStringLiteral("error")));
    JobListModel model(&tracker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(1, JobListModel::State).data().toString(), QStringLiteral("error"));
    // The batch the restores queued changes nothing more.
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy batches(&model, &JobListModel::batchApplied);
    QTRY_COMPARE(batches.size(), 1);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(model.rowCount(), 2);
}

// 1,000 jobs tracked between two batches arrive as exactly one rowsInserted of 1,000 rows.
void tst_JobListModel::newJobsOfABatchAreOneInsert()
{
    Tracker::JobTracker tracker;
    tracker.setBatchInterval(20);
    JobListModel model(&tracker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy batches(&model, &JobListModel::batchApplied);
    for (int i = 0; i < 1000; ++i) {
        const auto &job = tracker.track(QStringLiteral("job-%1").arg(i), QStringLiteral("p"),
            Dialect::PeelApi, QStringLiteral("portrait"));
        tracker.apply(stateUpdate(job.id, JobState::Queued));
    }
    QCOMPARE(model.rowCount(), 0); // nothing before the batch
    QTRY_COMPARE(batches.size(), 1);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 999);
    QCOMPARE(model.rowCount(), 1000);
    QCOMPARE(model.rowOf(QStringLiteral("job-500")), 500);

    // A second batch with 10 more: one more insert, appended.
    for (int i = 1000; i < 1010; ++i)
        tracker.track(QStringLiteral("job-%1").arg(i), QStringLiteral("p"), Dialect::PeelApi,
            QStringLiteral("portrait"));
    QTRY_COMPARE(batches.size(), 2);
    QCOMPARE(inserted.size(), 2);
    QCOMPARE(inserted.at(1).at(1).toInt(), 1000);
    QCOMPARE(inserted.at(1).at(2).toInt(), 1009);
}

static void fill(Tracker::JobTracker &tracker, JobListModel &model, int n)
{
    QSignalSpy batches(&model, &JobListModel::batchApplied);
    for (int i = 0; i < n; ++i) {
        tracker.track(QStringLiteral("job-%1").arg(i), QStringLiteral("p"), Dialect::PeelApi,
            QStringLiteral("portrait"));
        tracker.apply(stateUpdate(
            QStringLiteral("job-%1").arg(i), JobState::Running, QStringLiteral("processing")));
    }
    QTRY_COMPARE(batches.size(), 1);
    QCOMPARE(model.rowCount(), n);
}

// Progress on 3 scattered rows gives at most 3 dataChanged, each only on the Progress column.
void tst_JobListModel::scatteredUpdatesAreAtMostOneSignalEach()
{
    Tracker::JobTracker tracker;
    tracker.setBatchInterval(20);
    JobListModel model(&tracker);
    model.setTickInterval(3600 * 1000);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    fill(tracker, model, 100);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy batches(&model, &JobListModel::batchApplied);
    for (int row : { 3, 50, 90 })
        tracker.apply(progressUpdate(QStringLiteral("job-%1").arg(row), 0.5));
    QTRY_COMPARE(batches.size(), 1);
    QVERIFY2(
        changed.size() >= 1 && changed.size() <= 3, qPrintable(QString::number(changed.size())));
    QSet<int> rows;
    for (const DataChange &c : changesOf(changed)) {
        QCOMPARE(c.left, int(JobListModel::Progress));
        QCOMPARE(c.right, int(JobListModel::Progress));
        QVERIFY(c.roles.contains(JobListModel::ProgressRole));
        QVERIFY(c.roles.contains(Qt::DisplayRole));
        QVERIFY(!c.roles.contains(Qt::DecorationRole));
        for (int r = c.top; r <= c.bottom; ++r)
            rows.insert(r);
    }
    QCOMPARE(rows, (QSet<int> { 3, 50, 90 }));
    QCOMPARE(
        model.index(50, JobListModel::Progress).data(JobListModel::ProgressRole).toDouble(), 0.5);
}

// Updates to ten consecutive rows are one dataChanged over exactly those rows.
void tst_JobListModel::contiguousUpdatesCoalesce()
{
    Tracker::JobTracker tracker;
    tracker.setBatchInterval(20);
    JobListModel model(&tracker);
    model.setTickInterval(3600 * 1000);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    fill(tracker, model, 100);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy batches(&model, &JobListModel::batchApplied);
    for (int row = 19; row >= 10; --row) // out of order on purpose
        tracker.apply(progressUpdate(QStringLiteral("job-%1").arg(row), 0.25));
    QTRY_COMPARE(batches.size(), 1);
    QCOMPARE(changed.size(), 1);
    const DataChange c = changesOf(changed).at(0);
    QCOMPARE(c.top, 10);
    QCOMPARE(c.bottom, 19);
}

// When more than half of the rows change, one dataChanged covers the whole table.
void tst_JobListModel::majorityUpdateIsOneWholeRangeSignal()
{
    Tracker::JobTracker tracker;
    tracker.setBatchInterval(20);
    JobListModel model(&tracker);
    model.setTickInterval(3600 * 1000);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    fill(tracker, model, 100);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy batches(&model, &JobListModel::batchApplied);
    for (int row = 0; row < 100;
         row += 2) // 50 scattered rows: exactly half is not "more than half"
        tracker.apply(progressUpdate(QStringLiteral("job-%1").arg(row), 0.3));
    tracker.apply(stateUpdate(QStringLiteral("job-1"), JobState::Failed)); // the 51st, another kind
    QTRY_COMPARE(batches.size(), 1);
    QCOMPARE(changed.size(), 1);
    const DataChange c = changesOf(changed).at(0);
    QCOMPARE(c.top, 0);
    QCOMPARE(c.bottom, 99);
    QCOMPARE(c.left, 0);
    QCOMPARE(c.right, JobListModel::ColumnCount - 1);
    QVERIFY(c.roles.contains(JobListModel::ProgressRole));
    QVERIFY(c.roles.contains(JobListModel::StateRole));

    // Exactly half (50 of 100) stays per range.
    changed.clear();
    for (int row = 0; row < 100; row += 2)
        tracker.apply(progressUpdate(QStringLiteral("job-%1").arg(row), 0.6));
    QTRY_COMPARE(batches.size(), 2);
    QCOMPARE(changed.size(), 50);
}

// Each kind of change names its own columns and roles: state, log text, result.
void tst_JobListModel::rolesFollowWhatChanged()
{
    Tracker::JobTracker tracker;
    tracker.setBatchInterval(20);
    JobListModel model(&tracker);
    model.setTickInterval(3600 * 1000);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    fill(tracker, model, 10);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy batches(&model, &JobListModel::batchApplied);

    tracker.apply(
        stateUpdate(QStringLiteral("job-2"), JobState::Succeeded, QStringLiteral("succeeded")));
    QTRY_COMPARE(batches.size(), 1);
    // Succeeding also moves progress to 1.0: two kinds of change on one row, one signal.
    QCOMPARE(changed.size(), 1);
    DataChange c = changesOf(changed).at(0);
    QCOMPARE(c.top, 2);
    QCOMPARE(c.left, int(JobListModel::State));
    QCOMPARE(c.right, int(JobListModel::Progress));
    for (int role : { int(Qt::DisplayRole), int(Qt::DecorationRole), int(JobListModel::StateRole),
             int(JobListModel::ProgressRole) })
        QVERIFY(c.roles.contains(role));

    changed.clear();
    tracker.apply(logUpdate(QStringLiteral("job-3"), QStringLiteral("Loading MODEL weights")));
    QTRY_COMPARE(batches.size(), 2);
    QCOMPARE(changed.size(), 1);
    c = changesOf(changed).at(0);
    QCOMPARE(c.roles, QList<int> { JobListModel::SearchTextRole });
    QVERIFY(model.index(3, 0)
                .data(JobListModel::SearchTextRole)
                .toString()
                .contains(QStringLiteral("loading model weights")));

    changed.clear();
    Core::JobUpdate out;
    out.jobId = QStringLiteral("job-4");
    out.outputs.append({ QStringLiteral("http://127.0.0.1/files/a.webp?sig=1"),
        QStringLiteral("a.webp"), {}, 0, {}, -1, {} });
    tracker.apply(out);
    QTRY_COMPARE(batches.size(), 3);
    QCOMPARE(changed.size(), 1);
    c = changesOf(changed).at(0);
    QCOMPARE(c.left, int(JobListModel::Result));
    QCOMPARE(c.right, int(JobListModel::Result));
    QCOMPARE(model.index(4, JobListModel::Result).data(Qt::ToolTipRole).toString(),
        QStringLiteral("a.webp"));
    QCOMPARE(model.index(4, JobListModel::Result).data().toString(), QStringLiteral("1 file"));
}

// Cells show the raw word, the prompt, the percentage; SortRole gives raw comparable values.
void tst_JobListModel::displayAndSortValues()
{
    Tracker::JobTracker tracker;
    tracker.setBatchInterval(10);
    const qint64 created = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    auto job = makeJob(QStringLiteral("ip-1"), Dialect::ImagePipeline, JobState::Queued,
        QStringLiteral("pending"), QStringLiteral("sandbox-imagepipeline"),
        QStringLiteral("generate/image/v1"), QStringLiteral("A red fox\nin the snow"), created);
    job.progress = 0.42;
    job.hasProgress = true;
    tracker.restore(job);
    auto failed
        = makeJob(QStringLiteral("d-1"), Dialect::DeApi, JobState::Failed, QStringLiteral("error"));
    failed.error.kind = Core::JobError::Kind::Job;
    failed.error.providerCode = QStringLiteral("NSFW_DETECTED");
    failed.error.message = QStringLiteral("The image was flagged");
    failed.input.insert(QStringLiteral("text"), QStringLiteral("a song"));
    tracker.restore(failed);
    JobListModel model(&tracker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

    QCOMPARE(model.index(0, JobListModel::State).data().toString(), QStringLiteral("pending"));
    QVERIFY(model.index(0, JobListModel::State)
                .data(Qt::DecorationRole)
                .value<QIcon>()
                .availableSizes()
                .size()
        >= 0);
    QVERIFY(!model.index(0, JobListModel::State).data(Qt::DecorationRole).value<QIcon>().isNull());
    QCOMPARE(model.index(0, JobListModel::Input).data().toString(),
        QStringLiteral("A red fox in the snow"));
    QCOMPARE(model.index(0, JobListModel::Progress).data().toString(), QStringLiteral("42 %"));
    QCOMPARE(model.index(0, JobListModel::Profile).data().toString(),
        QStringLiteral("sandbox-imagepipeline"));
    QCOMPARE(
        model.index(0, JobListModel::Task).data().toString(), QStringLiteral("generate/image/v1"));
    QCOMPARE(model.index(0, JobListModel::Id).data().toString(), QStringLiteral("ip-1"));
    QCOMPARE(
        model.index(0, JobListModel::Created).data(JobListModel::SortRole).toLongLong(), created);
    QCOMPARE(model.index(0, JobListModel::Progress).data(JobListModel::SortRole).toDouble(), 0.42);
    QCOMPARE(model.index(0, 0).data(JobListModel::StateRole).toInt(), int(JobState::Queued));
    QCOMPARE(
        model.index(0, 0).data(JobListModel::RawStatusRole).toString(), QStringLiteral("pending"));
    QCOMPARE(
        model.index(0, 0).data(JobListModel::DialectRole).toInt(), int(Dialect::ImagePipeline));
    QCOMPARE(model.index(0, 0).data(JobListModel::JobIdRole).toString(), QStringLiteral("ip-1"));
    QVERIFY(
        model.index(0, JobListModel::Duration).data().toString().startsWith(QStringLiteral("1 h")));

    QCOMPARE(model.index(1, JobListModel::Input).data().toString(), QStringLiteral("a song"));
    QCOMPARE(
        model.index(1, JobListModel::Progress).data(JobListModel::ProgressRole).toDouble(), -1.0);
    QVERIFY(!model.index(1, JobListModel::Progress).data().isValid());
    const QString tip = model.index(1, JobListModel::State).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("failed (error)"))
            && tip.contains(QStringLiteral("NSFW_DETECTED: The image was flagged")),
        qPrintable(tip));
    const QString search = model.index(1, 0).data(JobListModel::SearchTextRole).toString();
    QVERIFY(search.contains(QStringLiteral("nsfw_detected")));
    QVERIFY(search.contains(QStringLiteral("a song")));
    // Queued sorts before failed; pending after a plain queued.
    QVERIFY(model.index(0, 0).data(JobListModel::SortRole).toString()
        < model.index(1, 0).data(JobListModel::SortRole).toString());
}

// The 1 s tick repaints only the Duration cells of unfinished rows, coalesced into ranges.
void tst_JobListModel::durationTicksForUnfinishedRowsOnly()
{
    Tracker::JobTracker tracker;
    qint64 now = 1'700'000'000'000;
    const QList<std::optional<JobState>> states { JobState::Succeeded, JobState::Running,
        JobState::Queued, JobState::Failed, JobState::Running };
    for (int i = 0; i < states.size(); ++i)
        tracker.restore(makeJob(QStringLiteral("j%1").arg(i), Dialect::Peako, states.at(i), {},
            QStringLiteral("p"), QStringLiteral("render"), {}, now - 10'000));
    JobListModel model(&tracker);
    model.setClock([&now] { return now; });
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.index(1, JobListModel::Duration).data().toString(), QStringLiteral("10 s"));
    QCOMPARE(model.index(0, JobListModel::Duration).data().toString(),
        QStringLiteral("5 s")); // ended at lastUpdateMs

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    now += 65'000;
    model.setTickInterval(30);
    QTRY_VERIFY(changed.size() >= 2);
    const QList<DataChange> first = changesOf(changed).mid(0, 2);
    QCOMPARE(first.at(0).top, 1);
    QCOMPARE(first.at(0).bottom, 2);
    QCOMPARE(first.at(1).top, 4);
    QCOMPARE(first.at(1).bottom, 4);
    for (const DataChange &c : first) {
        QCOMPARE(c.left, int(JobListModel::Duration));
        QCOMPARE(c.right, int(JobListModel::Duration));
    }
    QCOMPARE(
        model.index(1, JobListModel::Duration).data().toString(), QStringLiteral("1 min 15 s"));
    QCOMPARE(model.index(0, JobListModel::Duration).data().toString(), QStringLiteral("5 s"));
}

// A live preview becomes a ≤48 px thumbnail; a new preview replaces the cached one.
void tst_JobListModel::thumbnailFromPreviewFollowsThePreview()
{
    Tracker::JobTracker tracker;
    tracker.setBatchInterval(10);
    JobListModel model(&tracker);
    model.setTickInterval(3600 * 1000);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy batches(&model, &JobListModel::batchApplied);
    tracker.track(
        QStringLiteral("d1"), QStringLiteral("p"), Dialect::DeApi, QStringLiteral("txt2img"));
    tracker.apply(
        stateUpdate(QStringLiteral("d1"), JobState::Running, QStringLiteral("processing")));
    QTRY_COMPARE(batches.size(), 1);
    QVERIFY(!model.index(0, JobListModel::Result).data(Qt::DecorationRole).isValid());

    Core::JobUpdate u;
    u.jobId = QStringLiteral("d1");
    u.channel = Core::Channel::Pusher;
    u.preview = pngOf(Qt::red);
    tracker.apply(u);
    QTRY_COMPARE(batches.size(), 2);
    QPixmap p = model.index(0, JobListModel::Result).data(Qt::DecorationRole).value<QPixmap>();
    QCOMPARE(p.size(), QSize(48, 32));
    QCOMPARE(p.toImage().pixelColor(10, 10), QColor(Qt::red));

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    u.preview = pngOf(Qt::blue);
    tracker.apply(u);
    QTRY_COMPARE(batches.size(), 3);
    QCOMPARE(changed.size(), 1);
    QVERIFY(changesOf(changed).at(0).roles.contains(Qt::DecorationRole));
    p = model.index(0, JobListModel::Result).data(Qt::DecorationRole).value<QPixmap>();
    QCOMPARE(p.toImage().pixelColor(10, 10), QColor(Qt::blue));
}

// A downloaded result file is decoded (scaled) off the GUI thread and then shown instead.
void tst_JobListModel::thumbnailFromFileIsDecodedOffThread()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("result.png"));
    QImage big(400, 300, QImage::Format_RGB32);
    big.fill(Qt::green);
    QVERIFY(big.save(path));

    Tracker::JobTracker tracker;
    auto job = makeJob(QStringLiteral("ip"), Dialect::ImagePipeline, JobState::Succeeded,
        QStringLiteral("completed"));
    job.preview = pngOf(Qt::red);
    tracker.restore(job);
    JobListModel model(&tracker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.index(0, JobListModel::Result)
                 .data(Qt::DecorationRole)
                 .value<QPixmap>()
                 .toImage()
                 .pixelColor(5, 5),
        QColor(Qt::red));

    QSignalSpy ready(&model, &JobListModel::thumbnailReady);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setThumbnailFile(QStringLiteral("ip"), path);
    QTRY_COMPARE(ready.size(), 1);
    QCOMPARE(changed.size(), 1);
    const QPixmap p
        = model.index(0, JobListModel::Result).data(Qt::DecorationRole).value<QPixmap>();
    QCOMPARE(p.size(), QSize(48, 36));
    QCOMPARE(p.toImage().pixelColor(5, 5), QColor(Qt::green));

    // Not a picture (a Peako AVI): the preview stays.
    const QString avi = dir.filePath(QStringLiteral("clip.avi"));
    QFile f(avi);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("RIFF....AVI LIST");
    f.close();
    auto peako = makeJob(
        QStringLiteral("pk"), Dialect::Peako, JobState::Succeeded, QStringLiteral("done"));
    peako.preview = pngOf(Qt::yellow);
    tracker.restore(peako);
    QSignalSpy batches(&model, &JobListModel::batchApplied);
    QTRY_COMPARE(batches.size(), 1);
    model.setThumbnailFile(QStringLiteral("pk"), avi);
    QTRY_VERIFY(model.index(1, JobListModel::Result)
                    .data(Qt::DecorationRole)
                    .value<QPixmap>()
                    .toImage()
                    .pixelColor(5, 5)
        == QColor(Qt::yellow));
}

QTEST_MAIN(tst_JobListModel)
#include "tst_joblistmodel.moc"
