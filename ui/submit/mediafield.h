#pragma once

#include <QString>
#include <QWidget>

class QLineEdit;
class QPushButton;
class QToolButton;

namespace Ui {

// The editor of a media input (image_url, video_url, audio_url, …): a URL line edit plus
// "Choose file…". The services take a JSON body and cannot read this machine's disk, so a chosen
// file is embedded as a data: URL (RFC 2397, base64, MIME type from the file's content) when it
// is at most EmbedLimit bytes — the sandbox caps request bodies at 8 MiB and base64 adds a third.
// A larger file becomes a file://localhost/… URL (an absolute URL the schema validator accepts),
// which only a service on this machine could open; the field's tooltip says so.
// An embedded value is shown as a short summary, read-only, with a button that clears it; a
// typed URL is edited as text. `changed()` fires on every user edit and on chooseFile().
class MediaField final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MediaField)

public:
    static constexpr qint64 EmbedLimit = 4 * 1024 * 1024;

    // `kind`: "image", "video", "audio" or empty (any file); picks the file dialog's filter.
    explicit MediaField(const QString &kind, QWidget *parent = nullptr);

    QString value() const;
    // Shows `url` (a data: URL as a summary); does not emit changed().
    void setValue(const QString &url);
    bool isEmbedded() const { return !m_embedded.isEmpty(); }
    // What "Choose file…" does once a file is picked. False (value unchanged) when the file
    // cannot be read; `error` says why.
    bool chooseFile(const QString &path, QString *error = nullptr);
    QLineEdit *lineEdit() const { return m_edit; }

    // The URL a local file is sent as (see the class comment); empty with `error` set when the
    // file cannot be read.
    static QString urlForFile(const QString &path, QString *error = nullptr);

Q_SIGNALS:
    void changed();

private:
    void browse();
    void showEmbedded(const QString &summary);
    void clearEmbedded();

    QString m_kind;
    QString m_embedded; // the data: URL while one is embedded
    QLineEdit *m_edit;
    QToolButton *m_clear;
    QPushButton *m_choose;
};

} // namespace Ui
