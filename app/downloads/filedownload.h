#pragma once

#include "core/operation.h"
#include "net/originpolicy.h"

#include <QCryptographicHash>
#include <QFile>
#include <QNetworkReply>
#include <QPointer>
#include <QUrl>
#include <optional>

class QNetworkAccessManager;

namespace Downloads {

// Downloads one result into a folder as an Operation: streams into "<final>.part" (progress as
// bytes), then renames to the final name. A partial file never stands at the final path and an
// existing file is never overwritten (FileNames::uniquePath). Inline data (a webhook's
// result_base64) is written the same way without a request. The file name is sanitised and the
// file never lands outside the folder.
//
// Resuming. Beside the part lies "<final>.part.meta" (JSON: the requested name, the final name
// chosen on the first attempt, the server's strong ETag, the total length). A later FileDownload
// into the same folder for the same (sanitised) name finds that sidecar — whatever the URL, since
// signed URLs change — and continues the part (unless another FileDownload of this process is
// writing that part right now; then it takes a fresh name): it sends "Range: bytes=<part size>-"
// and, when a strong ETag is known, "If-Range: <etag>".
//   206 whose Content-Range starts at the part size (and whose total matches a known one): append;
//   200 (Range ignored, or If-Range mismatch): truncate and write from zero;
//   416 with "Content-Range: bytes */N" and N == part size: the part is already complete;
//   any other 206/416: the part is dropped and fetched again from zero (one extra request).
// A transient network error (connection refused/closed/reset, timeout, ...) or a 5xx answer
// (not 501) is retried up to maxRetries() times (default 5) after a short, growing backoff
// (setRetryDelay, doubling), resuming from what is on disk; each request after the first counts
// in resumes().
// Checked at the end: the length equals the total (Content-Length of a 200, the total of a
// Content-Range); sha256() covers the WHOLE final file (an existing part is re-hashed before
// appending); etag() is the server's strong ETag, if it gave one. On success the .part and the
// .meta are removed. On failure (after the retries, HTTP error, disk full) they are KEPT for a
// later resume when the part holds any bytes, and errorString() says so (kill() keeps them too,
// silently) — unless setResume(false), which restores the old behaviour (never pick up an
// earlier part, remove the part on failure; retries still continue in-process).
// A folder that cannot be created/written or a full disk is a clear error. Only http(s) URLs are
// fetched ("file:///x is not an http(s) URL" otherwise, before anything is written); redirects
// follow Net::OriginPolicy (at most 5, never https → http, never to plain http on another host
// unless the URL itself was), and Qt reads at most 1 MiB ahead of the file.
class FileDownload final : public Core::Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileDownload)

public:
    FileDownload(QNetworkAccessManager *nam, QUrl url, QString folder, QString name,
        QObject *parent = nullptr);
    FileDownload(QByteArray inlineData, QString folder, QString name, QObject *parent = nullptr);
    ~FileDownload() override;

    // Settings: call before start().
    void setMaxRetries(int retries) { m_maxRetries = qMax(0, retries); }
    int maxRetries() const { return m_maxRetries; }
    void setRetryDelay(int firstDelayMs)
    {
        m_retryDelayMs = qMax(0, firstDelayMs);
    } // doubles each time, default 250
    void setResume(bool on) { m_resume = on; }
    bool resume() const { return m_resume; }

    QString path() const { return m_finalPath; }
    qint64 bytes() const { return m_written; }
    QByteArray sha256() const { return m_sha256; } // hex, of the whole final file
    int httpStatus() const { return m_status; }
    QByteArray etag() const
    {
        return m_etag;
    } // strong ETag as sent, quotes included; empty if none
    int resumes() const { return m_resumes; } // requests beyond the first one
    qint64 resumedFrom() const
    {
        return m_resumedFrom;
    } // bytes taken over from an earlier attempt's part

protected:
    void doStart() override;
    void doKill() override;

private:
    bool preparePart();
    bool openPartForAttempt();
    void sendRequest();
    void sendHop();
    void onMetaData();
    void onReadyRead();
    void onFinished();
    bool restartFromZero();
    bool truncatePart();
    void retryOrFail(const QString &why);
    bool finishFile();
    void fail(const QString &message);
    bool writeMeta();
    void removeMeta();
    void releasePart();
    // Next to the part; never a bare ".meta" in the working folder before the part is named.
    QString metaPath() const
    {
        return m_part.fileName().isEmpty() ? QString()
                                           : m_part.fileName() + QStringLiteral(".meta");
    }

    QNetworkAccessManager *m_nam = nullptr;
    QUrl m_url;
    QString m_folder;
    QString m_name;
    QByteArray m_inline;
    bool m_isInline = false;
    bool m_resume = true;
    int m_maxRetries = 5;
    int m_retryDelayMs = 250;
    int m_retriesUsed = 0;
    int m_resumes = 0;
    int m_requests = 0;
    bool m_restartedFromZero = false;
    bool m_accepting = false; // the current reply's body belongs to the file
    bool m_partComplete = false; // the current reply is a 416 saying the part is whole
    QPointer<QNetworkReply> m_reply;
    std::optional<Net::OriginPolicy> m_policy; // the current request's redirect chain
    QFile m_part;
    QString m_partKey; // registered as in use while this download writes it
    QCryptographicHash m_hash { QCryptographicHash::Sha256 };
    QString m_finalPath;
    qint64 m_written = 0; // bytes in the part (== hashed)
    qint64 m_offset = 0; // part size when the current request was sent
    qint64 m_total = -1; // the whole file's length, when known
    qint64 m_resumedFrom = 0;
    QByteArray m_etag;
    QByteArray m_sha256;
    int m_status = 0;
};

} // namespace Downloads
