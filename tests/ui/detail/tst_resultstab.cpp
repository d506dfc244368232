// The Results tab: the live preview while a job runs, then every output — PeelAPI's four size
// variants, images with zoom, Peako captions as a table, a video file — with Open, Open folder,
// Copy path / URL, Download for outputs not on disk, and drag-out of downloaded files as file URLs.
#include "detail/imageviewer.h"
#include "detail/jobdetailview.h"
#include "detail/resultlist.h"
#include "detail/resultstab.h"
#include "tracker/jobtracker.h"

#include <QApplication>
#include <QBuffer>
#include <QClipboard>
#include <QImage>
#include <QMimeData>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Ui;

namespace {
QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

QImage picture(int w, int h, QColor c)
{
    QImage img(w, h, QImage::Format_RGB32);
    img.fill(c);
    QPainter p(&img);
    p.setPen(Qt::white);
    p.drawEllipse(QRect(w / 4, h / 4, w / 2, h / 2));
    p.drawText(img.rect(), Qt::AlignCenter, QStringLiteral("%1×%2").arg(w).arg(h));
    return img;
}

QByteArray png(const QImage &img)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    img.save(&buffer, "PNG");
    return bytes;
}

void shoot(QWidget *w, const char *name)
{
    const QString dir = qEnvironmentVariable("JOBSCOPE_SHOTS_DIR");
    if (!dir.isEmpty())
        w->grab().save(dir + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".png"));
}

Core::Output output(const QString &name, const QString &variant, const QString &mime, qint64 size)
{
    Core::Output o;
    o.name = name;
    o.variant = variant;
    o.mimeType = mime;
    o.size = size;
    o.url = QStringLiteral("http://127.0.0.1:9/peelapi/files/job/%1?exp=1&sig=abc").arg(name);
    return o;
}
} // namespace

class TestResultsTab final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Tracker::JobTracker> m_tracker;

    void apply(const Core::JobUpdate &u)
    {
        QVERIFY(m_tracker->apply(u) != Tracker::JobTracker::None);
    }

private Q_SLOTS:
    void init()
    {
        m_tracker = std::make_unique<Tracker::JobTracker>();
        m_tracker->setBatchInterval(10);
    }
    void cleanup() { m_tracker.reset(); }

    // While running: the preview, replaced per batch; no outputs yet means Preview mode.
    void livePreview()
    {
        const QString id = QStringLiteral("d1");
        m_tracker->track(id, QStringLiteral("p"), Core::Dialect::DeApi, QStringLiteral("txt2img"));
        JobDetailView view(m_tracker.get());
        view.resize(800, 560);
        view.setJob(id);
        view.tabs()->setCurrentWidget(view.results());
        ResultsTab *tab = view.results();
        QCOMPARE(tab->mode(), ResultsTab::Mode::Preview);
        QVERIFY(tab->previewViewer()->image().isNull());

        Core::JobUpdate u;
        u.jobId = id;
        u.state = Core::JobState::Running;
        u.progress = 0.2;
        u.preview = png(picture(320, 200, QColor(60, 90, 140)));
        apply(u);
        QTRY_COMPARE(tab->previewViewer()->image().size(), QSize(320, 200));
        QVERIFY(tab->previewViewer()->isFit());

        u.progress = 0.4;
        u.preview = png(picture(640, 400, QColor(60, 120, 90)));
        apply(u);
        QTRY_COMPARE(tab->previewViewer()->image().size(), QSize(640, 400));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        shoot(tab, "detail-results-preview");

        // Failed without outputs: a calm message.
        u = {};
        u.jobId = id;
        u.state = Core::JobState::Failed;
        u.error.kind = Core::JobError::Kind::Job;
        u.error.message = QStringLiteral("boom");
        apply(u);
        QTRY_COMPARE(tab->mode(), ResultsTab::Mode::Empty);
    }

    // PeelAPI's four variants are four rows; without files each is remote and Download asks for
    // them; with files they are images with zoom, Open / Open folder reach the opener, Copy path
    // and Copy URL fill the clipboard, and the drag payload is the file's URL.
    void variantsAndLocalFiles()
    {
        const QString id = QStringLiteral("p1");
        m_tracker->track(
            id, QStringLiteral("p"), Core::Dialect::PeelApi, QStringLiteral("portrait"));
        JobDetailView view(m_tracker.get());
        view.resize(900, 600);
        view.setJob(id);
        ResultsTab *tab = view.results();
        QList<QUrl> opened;
        tab->setUrlOpener([&](const QUrl &url) {
            opened.append(url);
            return true;
        });

        Core::JobUpdate u;
        u.jobId = id;
        u.state = Core::JobState::Succeeded;
        u.rawStatus = QStringLiteral("succeeded");
        const QList<QPair<QString, int>> sizes { { QStringLiteral("w256"), 256 },
            { QStringLiteral("w512"), 512 }, { QStringLiteral("w1024"), 1024 },
            { QStringLiteral("full"), 1536 } };
        for (const auto &[variant, width] : sizes)
            u.outputs.append(output(QStringLiteral("result-0-%1.png").arg(variant), variant,
                QStringLiteral("image/png"), width * 100));
        apply(u);
        QTRY_COMPARE(tab->mode(), ResultsTab::Mode::Results);
        ResultList *list = tab->list();
        QCOMPARE(list->topLevelItemCount(), 4);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(list->topLevelItem(i)->text(1), sizes.at(i).first);
            QCOMPARE(list->topLevelItem(i)->text(3), QStringLiteral("remote"));
        }
        auto *download = tab->findChild<QPushButton *>(QStringLiteral("download"));
        auto *open = tab->findChild<QPushButton *>(QStringLiteral("open"));
        QVERIFY(download->isEnabled());
        QVERIFY(!open->isEnabled());
        QVERIFY(!list->mimeData({ list->topLevelItem(0) })); // nothing on disk: nothing to drag
        QSignalSpy asked(&view, &JobDetailView::downloadRequested);
        download->click();
        QCOMPARE(asked.count(), 1);
        QCOMPARE(asked.first().first().toString(), id);
        tab->findChild<QPushButton *>(QStringLiteral("copyUrl"))->click();
        QVERIFY(
            QApplication::clipboard()->text().contains(QStringLiteral("result-0-w256.png?exp=1")));

        QTemporaryDir dir;
        QList<ResultFile> files;
        for (const auto &[variant, width] : sizes) {
            const QString name = QStringLiteral("result-0-%1.png").arg(variant);
            const QString path = dir.filePath(name);
            QVERIFY(picture(width, width * 2 / 3, QColor(40 + width / 16, 80, 120)).save(path));
            files.append(ResultFile { QString(), name, variant, path, QStringLiteral("image/png"),
                QFileInfo(path).size() });
        }
        view.setLocalFiles(id, files);
        QCOMPARE(list->topLevelItem(0)->text(3), QStringLiteral("local"));
        QVERIFY(!download->isEnabled());

        list->setCurrentItem(list->topLevelItem(3));
        QCOMPARE(tab->imageViewer()->image().size(), QSize(1536, 1024));
        view.tabs()->setCurrentWidget(tab);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(tab->imageViewer()->isFit());
        QVERIFY(tab->imageViewer()->zoom() < 1.0);
        tab->imageViewer()->actualSize();
        QCOMPARE(tab->imageViewer()->zoom(), 1.0);
        tab->imageViewer()->zoomIn();
        QCOMPARE(tab->imageViewer()->zoom(), 1.25);
        tab->imageViewer()->zoomOut();
        tab->imageViewer()->zoomOut();
        QCOMPARE(tab->imageViewer()->zoom(), 0.8);
        tab->imageViewer()->fit();
        QVERIFY(tab->imageViewer()->isFit());

        list->setCurrentItem(list->topLevelItem(1));
        QCOMPARE(tab->imageViewer()->image().size(), QSize(512, 341));
        shoot(tab, "detail-results-image");
        open->click();
        tab->findChild<QPushButton *>(QStringLiteral("openFolder"))->click();
        QCOMPARE(opened.size(), 2);
        QCOMPARE(
            opened.at(0), QUrl::fromLocalFile(dir.filePath(QStringLiteral("result-0-w512.png"))));
        QCOMPARE(opened.at(1).toLocalFile(), QFileInfo(dir.path()).absoluteFilePath());
        tab->findChild<QPushButton *>(QStringLiteral("copyPath"))->click();
        QCOMPARE(
            QApplication::clipboard()->text(), dir.filePath(QStringLiteral("result-0-w512.png")));

        std::unique_ptr<QMimeData> mime(list->mimeData({ list->topLevelItem(1) }));
        QVERIFY(mime);
        QCOMPARE(mime->urls(),
            QList<QUrl> { QUrl::fromLocalFile(dir.filePath(QStringLiteral("result-0-w512.png"))) });
        QVERIFY(list->topLevelItem(1)->flags() & Qt::ItemIsDragEnabled);

        // A fresh signed URL from a later status read keeps the rows and the selection.
        u.outputs[1].url += QStringLiteral("&renewed=1");
        apply(u);
        QTest::qWait(40);
        QCOMPARE(list->currentItem(), list->topLevelItem(1));
    }

    // A Peako transcription: a Captions row with start, end and text per cue; a video output is
    // shown as a file that opens with the desktop's player.
    void captionsAndVideo()
    {
        const QString id = QStringLiteral("k1");
        m_tracker->track(
            id, QStringLiteral("p"), Core::Dialect::Peako, QStringLiteral("api/transcribe"));
        JobDetailView view(m_tracker.get());
        view.resize(800, 500);
        view.setJob(id);
        ResultsTab *tab = view.results();
        QList<QUrl> opened;
        tab->setUrlOpener([&](const QUrl &url) {
            opened.append(url);
            return true;
        });
        Core::JobUpdate u;
        u.jobId = id;
        u.state = Core::JobState::Succeeded;
        u.outputs = { output(
            QStringLiteral("render.avi"), {}, QStringLiteral("video/x-msvideo"), 123456) };
        u.captions = QJsonArray { QJsonObject { { k("id"), QStringLiteral("1") }, { k("from"), 0 },
                                      { k("to"), 1500 },
                                      { k("text"), QStringLiteral("Hello and welcome") } },
            QJsonObject { { k("id"), QStringLiteral("2") }, { k("from"), 1500 }, { k("to"), 62250 },
                { k("text"), QStringLiteral("to the launch") } } };
        apply(u);
        QTRY_COMPARE(tab->list()->topLevelItemCount(), 2);
        tab->list()->setCurrentItem(tab->list()->topLevelItem(1));
        QTableWidget *table = tab->captionsTable();
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("00:00.000"));
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("00:01.500"));
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("01:02.250"));
        QCOMPARE(table->item(1, 2)->text(), QStringLiteral("to the launch"));
        view.tabs()->setCurrentWidget(tab);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        shoot(tab, "detail-results-captions");

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("render.avi"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(1000, 'x'));
        f.close();
        view.setLocalFiles(id,
            { ResultFile { output(QStringLiteral("render.avi"), {}, {}, 0).url,
                QStringLiteral("other-name.avi"), {}, path, QStringLiteral("video/x-msvideo"),
                1000 } });
        tab->list()->setCurrentItem(tab->list()->topLevelItem(0));
        QCOMPARE(tab->selectedPath(), path); // matched by URL
        tab->findChild<QPushButton *>(QStringLiteral("open"))->click();
        QCOMPARE(opened, QList<QUrl> { QUrl::fromLocalFile(path) });
    }
};

QTEST_MAIN(TestResultsTab)
#include "tst_resultstab.moc"
