#include "downloads/filedownload.h"

#include "downloads/filenames.h"

#include <QDir>
#include <QFileInfo>
#include <QNetworkAccessManager>

namespace Downloads {

FileDownload::FileDownload(QNetworkAccessManager *nam, QUrl url, QString folder, QString name, QObject *parent)
    : Core::Operation(parent)
    , m_nam(nam)
    , m_url(std::move(url))
    , m_folder(std::move(folder))
    , m_name(std::move(name))
{
}

FileDownload::FileDownload(QByteArray inlineData, QString folder, QString name, QObject *parent)
    : Core::Operation(parent)
    , m_folder(std::move(folder))
    , m_name(std::move(name))
    , m_inline(std::move(inlineData))
    , m_isInline(true)
{
}

FileDownload::~FileDownload()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    if (m_part.isOpen()) {
        m_part.close();
        m_part.remove();
    }
}

bool FileDownload::openPart()
{
    if (!QDir().mkpath(m_folder)) {
        fail(QStringLiteral("cannot create the folder %1").arg(m_folder));
        return false;
    }
    m_finalPath = FileNames::uniquePath(m_folder, m_name);
    if (!FileNames::isInside(m_folder, m_finalPath)) {
        fail(QStringLiteral("refusing to write outside %1").arg(m_folder));
        return false;
    }
    m_part.setFileName(m_finalPath + QStringLiteral(".part"));
    if (!m_part.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        fail(QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString()));
        return false;
    }
    return true;
}

void FileDownload::fail(const QString &message)
{
    if (m_part.isOpen()) {
        m_part.close();
        m_part.remove();
    }
    emitResult(message);
}

bool FileDownload::finishFile()
{
    if (!m_part.flush()) {
        fail(QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString()));
        return false;
    }
    m_part.close();
    if (m_expected >= 0 && m_written != m_expected) {
        m_part.remove();
        emitResult(QStringLiteral("the download stopped at %1 of %2 bytes").arg(m_written).arg(m_expected));
        return false;
    }
    // The final name was free when we started; take another if someone wrote it meanwhile.
    if (QFileInfo::exists(m_finalPath))
        m_finalPath = FileNames::uniquePath(m_folder, m_name);
    if (!m_part.rename(m_finalPath)) {
        const QString why = m_part.errorString();
        m_part.remove();
        emitResult(QStringLiteral("cannot move the download into place: %1").arg(why));
        return false;
    }
    m_sha256 = m_hash.result().toHex();
    emitResult();
    return true;
}

void FileDownload::doStart()
{
    if (!openPart())
        return;
    if (m_isInline) {
        if (m_part.write(m_inline) != m_inline.size()) {
            fail(QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString()));
            return;
        }
        m_hash.addData(m_inline);
        m_written = m_inline.size();
        Q_EMIT progress(m_written, m_written);
        finishFile();
        return;
    }
    QNetworkRequest req(m_url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    req.setMaximumRedirectsAllowed(5);
    req.setTransferTimeout(60000); // without any byte for a minute: give up
    m_reply = m_nam->get(req);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] {
        m_status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QVariant len = m_reply->header(QNetworkRequest::ContentLengthHeader);
        m_expected = len.isValid() ? len.toLongLong() : -1;
    });
    connect(m_reply, &QNetworkReply::readyRead, this, [this] {
        if (m_status && (m_status < 200 || m_status >= 300))
            return; // an error body: not part of the file
        const QByteArray chunk = m_reply->readAll();
        if (m_part.write(chunk) != chunk.size()) {
            const QString why = m_part.errorString();
            m_reply->disconnect(this);
            m_reply->abort();
            fail(QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), why));
            return;
        }
        m_hash.addData(chunk);
        m_written += chunk.size();
        Q_EMIT progress(m_written, m_expected);
    });
    connect(m_reply, &QNetworkReply::finished, this, [this] {
        QNetworkReply *reply = m_reply;
        reply->disconnect(this);
        reply->deleteLater();
        m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (m_status && (m_status < 200 || m_status >= 300)) {
            fail(QStringLiteral("the server answered HTTP %1 for %2").arg(m_status).arg(m_url.toString(QUrl::RemoveQuery)));
            return;
        }
        if (reply->error() != QNetworkReply::NoError) {
            fail(QStringLiteral("download failed: %1").arg(reply->errorString()));
            return;
        }
        const QByteArray rest = reply->readAll();
        if (!rest.isEmpty()) {
            m_part.write(rest);
            m_hash.addData(rest);
            m_written += rest.size();
        }
        finishFile();
    });
}

void FileDownload::doKill()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
    }
    if (m_part.isOpen()) {
        m_part.close();
        m_part.remove();
    }
}

} // namespace Downloads
