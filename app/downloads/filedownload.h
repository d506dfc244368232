#pragma once

#include "core/operation.h"

#include <QCryptographicHash>
#include <QFile>
#include <QNetworkReply>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;

namespace Downloads {

// Downloads one result into a folder as an Operation: streams into "<name>.part" (progress as
// bytes), checks the length against Content-Length, then renames to a final name that does not
// overwrite anything. A partial file never stands at the final path. Inline data (a webhook's
// result_base64) is written the same way without a request. The file name is sanitised and the
// file never lands outside the folder. On failure the .part is removed and errorString() says why
// (HTTP status, network error, disk full, unwritable folder).
class FileDownload final : public Core::Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileDownload)

public:
    FileDownload(QNetworkAccessManager *nam, QUrl url, QString folder, QString name, QObject *parent = nullptr);
    FileDownload(QByteArray inlineData, QString folder, QString name, QObject *parent = nullptr);
    ~FileDownload() override;

    QString path() const { return m_finalPath; }
    qint64 bytes() const { return m_written; }
    QByteArray sha256() const { return m_sha256; } // hex
    int httpStatus() const { return m_status; }

protected:
    void doStart() override;
    void doKill() override;

private:
    bool openPart();
    bool finishFile();
    void fail(const QString &message);

    QNetworkAccessManager *m_nam = nullptr;
    QUrl m_url;
    QString m_folder;
    QString m_name;
    QByteArray m_inline;
    bool m_isInline = false;
    QPointer<QNetworkReply> m_reply;
    QFile m_part;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
    QString m_finalPath;
    qint64 m_written = 0;
    qint64 m_expected = -1;
    QByteArray m_sha256;
    int m_status = 0;
};

} // namespace Downloads
