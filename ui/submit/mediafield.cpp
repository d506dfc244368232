#include "submit/mediafield.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QMimeDatabase>
#include <QPushButton>
#include <QToolButton>
#include <QUrl>
#include <limits>

namespace Ui {

namespace {

QString dialogFilter(const QString &kind)
{
    if (kind == QLatin1String("image"))
        return QObject::tr("Images (*.png *.jpg *.jpeg *.webp *.gif *.bmp);;All files (*)");
    if (kind == QLatin1String("video"))
        return QObject::tr("Videos (*.mp4 *.mov *.webm *.mkv *.avi);;All files (*)");
    if (kind == QLatin1String("audio"))
        return QObject::tr("Audio (*.mp3 *.wav *.ogg *.m4a *.flac);;All files (*)");
    return QObject::tr("All files (*)");
}

// "data:image/png;base64,…" → "image/png, 12 KB embedded"
QString summaryOf(const QString &dataUrl, const QString &fileName = QString())
{
    const qsizetype comma = dataUrl.indexOf(QLatin1Char(','));
    QString mime = dataUrl.mid(5, comma < 0 ? 0 : comma - 5);
    mime = mime.section(QLatin1Char(';'), 0, 0);
    if (mime.isEmpty())
        mime = QStringLiteral("text/plain");
    const qint64 payload = comma < 0 ? 0 : dataUrl.size() - comma - 1;
    const qint64 bytes = dataUrl.contains(QLatin1String(";base64,")) ? payload * 3 / 4 : payload;
    const QString size = QLocale().formattedDataSize(bytes, 0);
    return fileName.isEmpty() ? QObject::tr("%1, %2 embedded").arg(mime, size)
                              : QObject::tr("%1 (%2, %3 embedded)").arg(fileName, mime, size);
}

} // namespace

MediaField::MediaField(const QString &kind, QWidget *parent)
    : QWidget(parent)
    , m_kind(kind)
    , m_edit(new QLineEdit(this))
    , m_clear(new QToolButton(this))
    , m_choose(new QPushButton(tr("Choose file…"), this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_clear);
    layout->addWidget(m_choose);
    // Data URLs can be megabytes long; QLineEdit would cut them at 32767 characters.
    m_edit->setMaxLength(std::numeric_limits<int>::max());
    m_edit->setPlaceholderText(QStringLiteral("https://…"));
    m_edit->setClearButtonEnabled(true);
    m_clear->setText(QStringLiteral("✕"));
    m_clear->setToolTip(tr("Remove the embedded file"));
    m_clear->setVisible(false);
    m_choose->setAutoDefault(false);
    m_choose->setToolTip(tr("Files up to %1 are embedded as a data: URL; larger ones are sent as a "
                            "file:// URL, which only a service on this machine can read.")
                             .arg(QLocale().formattedDataSize(EmbedLimit, 0)));
    setFocusProxy(m_edit);

    connect(m_edit, &QLineEdit::textEdited, this, &MediaField::changed);
    connect(m_choose, &QPushButton::clicked, this, &MediaField::browse);
    connect(m_clear, &QToolButton::clicked, this, [this] {
        clearEmbedded();
        m_edit->clear();
        m_edit->setFocus();
        Q_EMIT changed();
    });
}

QString MediaField::value() const
{
    return m_embedded.isEmpty() ? m_edit->text().trimmed() : m_embedded;
}

void MediaField::setValue(const QString &url)
{
    if (url.startsWith(QLatin1String("data:"), Qt::CaseInsensitive)) {
        m_embedded = url;
        showEmbedded(summaryOf(url));
        return;
    }
    clearEmbedded();
    m_edit->setText(url);
}

bool MediaField::chooseFile(const QString &path, QString *error)
{
    const QString url = urlForFile(path, error);
    if (url.isEmpty())
        return false;
    if (url.startsWith(QLatin1String("data:"))) {
        m_embedded = url;
        showEmbedded(summaryOf(url, QFileInfo(path).fileName()));
    } else {
        clearEmbedded();
        m_edit->setText(url);
    }
    Q_EMIT changed();
    return true;
}

QString MediaField::urlForFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("Cannot read %1: %2").arg(path, file.errorString());
        return {};
    }
    if (file.size() > EmbedLimit) {
        QUrl url = QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath());
        url.setHost(QStringLiteral("localhost"));
        return url.toString(QUrl::FullyEncoded);
    }
    const QByteArray bytes = file.readAll();
    const QString mime = QMimeDatabase().mimeTypeForFileNameAndData(path, bytes).name();
    return QStringLiteral("data:") + mime + QStringLiteral(";base64,")
        + QString::fromLatin1(bytes.toBase64());
}

void MediaField::browse()
{
    const QString path
        = QFileDialog::getOpenFileName(this, tr("Choose a file"), QString(), dialogFilter(m_kind));
    if (path.isEmpty())
        return;
    QString error;
    if (!chooseFile(path, &error))
        QMessageBox::warning(this, tr("Choose file"), error);
}

void MediaField::showEmbedded(const QString &summary)
{
    m_edit->setText(summary);
    m_edit->setReadOnly(true);
    m_edit->setClearButtonEnabled(false);
    m_edit->setToolTip(summary);
    m_clear->setVisible(true);
}

void MediaField::clearEmbedded()
{
    m_embedded.clear();
    m_edit->setReadOnly(false);
    m_edit->setClearButtonEnabled(true);
    m_edit->setToolTip(QString());
    m_clear->setVisible(false);
}

} // namespace Ui
