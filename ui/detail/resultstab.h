#pragma once

#include "core/jobupdate.h"
#include "detail/resultfile.h"

#include <QHash>
#include <QUrl>
#include <QWidget>
#include <functional>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTableWidget;
class QTreeWidgetItem;

namespace Tracker {
struct TrackedJob;
}

namespace Ui {

class ImageViewer;
class ResultList;

// What a job produced. While it runs: the live preview (TrackedJob::preview, scaled to fit,
// replaced once per batch when it changed). Once there are outputs: a list of every output
// (each PeelAPI size variant is its own row; a Peako transcription adds a Captions row) and the
// selected one beside it — an image with zoom, the captions as a start / end / text table, or a
// file's details (video, audio) — with Open, Open folder, Copy path, Copy URL, Download.
// Local files come from whoever downloads results, through setLocalFiles(); an output without one
// shows its remote URL and Download emits downloadRequested(jobId). A downloaded row can be
// dragged out of the window as a file.
class ResultsTab final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResultsTab)

public:
    enum class Mode { Empty, Preview, Results };

    explicit ResultsTab(QWidget *parent = nullptr);

    void showJob(const Tracker::TrackedJob *job);
    // The files already on disk for `jobId` (replaces what was known for that job).
    void setLocalFiles(const QString &jobId, const QList<Ui::ResultFile> &files);
    // How Open / Open folder reach the desktop (default QDesktopServices::openUrl); for tests.
    void setUrlOpener(std::function<bool(const QUrl &)> opener) { m_open = std::move(opener); }

    Mode mode() const { return m_mode; }
    ResultList *list() const { return m_list; }
    ImageViewer *previewViewer() const { return m_preview; }
    ImageViewer *imageViewer() const { return m_image; }
    QTableWidget *captionsTable() const { return m_captions; }
    QString statusText() const;
    // The local file / remote URL of the selected row (empty when it has none).
    QString selectedPath() const;
    QString selectedUrl() const;

Q_SIGNALS:
    void downloadRequested(const QString &jobId);

private:
    struct Row
    {
        Core::Output output;
        ResultFile local; // path empty: not downloaded
        bool captions = false;
    };
    ResultFile localFor(const Core::Output &o) const;
    void rebuild();
    void showSelected();
    void updateActions();

    std::function<bool(const QUrl &)> m_open;
    QString m_jobId;
    bool m_terminal = false;
    bool m_failed = false;
    QList<Core::Output> m_outputs;
    QJsonArray m_captionData;
    QByteArray m_previewBytes;
    QHash<QString, QList<ResultFile>> m_files;
    QList<Row> m_rows;
    QString m_signature; // what the list was built from: rebuilt only when it changes
    Mode m_mode = Mode::Empty;

    QStackedWidget *m_modes;
    QLabel *m_emptyLabel;
    ImageViewer *m_preview;
    QLabel *m_previewCaption;
    ResultList *m_list;
    QStackedWidget *m_pages;
    ImageViewer *m_image;
    QTableWidget *m_captions;
    QLabel *m_fileInfo;
    QLabel *m_status;
    QPushButton *m_openButton;
    QPushButton *m_folderButton;
    QPushButton *m_copyPathButton;
    QPushButton *m_copyUrlButton;
    QPushButton *m_downloadButton;
};

} // namespace Ui
