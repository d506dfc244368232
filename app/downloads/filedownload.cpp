#include "downloads/filedownload.h"

#include "downloads/filenames.h"
#include "net/transfererror.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QSaveFile>
#include <QSet>
#include <QTimer>

namespace Downloads {

namespace {

const QLatin1String kMetaSuffix(".part.meta");
Q_LOGGING_CATEGORY(lcDownload, "jobscope.downloads")
constexpr int TransferTimeoutMs = 60000;

// Parts that a FileDownload of this process is writing: never "resumed" by a second one at once.
QSet<QString> &partsInUse()
{
    static QSet<QString> parts;
    return parts;
}

// "bytes a-b/N" → a, N (N = -1 for "*"); "bytes */N" → a = -1, N.
bool parseContentRange(const QByteArray &value, qint64 *first, qint64 *total)
{
    const QByteArray v = value.trimmed();
    if (!v.startsWith("bytes "))
        return false;
    const QByteArray spec = v.mid(6).trimmed();
    const qsizetype slash = spec.indexOf('/');
    if (slash < 0)
        return false;
    const QByteArray range = spec.left(slash).trimmed();
    const QByteArray size = spec.mid(slash + 1).trimmed();
    bool ok = true;
    *total = size == "*" ? -1 : size.toLongLong(&ok);
    if (!ok)
        return false;
    if (range == "*") {
        *first = -1;
        return true;
    }
    const qsizetype dash = range.indexOf('-');
    if (dash <= 0)
        return false;
    *first = range.left(dash).toLongLong(&ok);
    return ok;
}

bool isTransient(QNetworkReply::NetworkError e)
{
    switch (e) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // the transfer timeout
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::ProtocolFailure:
        return true;
    default:
        return false;
    }
}

QByteArray strongEtag(const QByteArray &raw)
{
    const QByteArray e = raw.trimmed();
    if (e.size() < 2 || !e.startsWith('"') || !e.endsWith('"'))
        return {}; // weak (W/"...") or malformed: useless for If-Range
    return e;
}

} // namespace

FileDownload::FileDownload(
    QNetworkAccessManager *nam, QUrl url, QString folder, QString name, QObject *parent)
    : Core::Operation(parent)
    , m_nam(nam)
    , m_url(std::move(url))
    , m_folder(std::move(folder))
    , m_name(std::move(name))
{ }

FileDownload::FileDownload(QByteArray inlineData, QString folder, QString name, QObject *parent)
    : Core::Operation(parent)
    , m_folder(std::move(folder))
    , m_name(std::move(name))
    , m_inline(std::move(inlineData))
    , m_isInline(true)
{ }

void FileDownload::releasePart()
{
    if (!m_partKey.isEmpty())
        partsInUse().remove(m_partKey);
    m_partKey.clear();
}

FileDownload::~FileDownload()
{
    releasePart();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    if (m_part.isOpen()) {
        m_part.close();
        if (m_isInline || !m_resume) {
            m_part.remove();
            removeMeta();
        }
    }
}

bool FileDownload::writeMeta()
{
    if (m_isInline)
        return true;
    if (metaPath().isEmpty())
        return false;
    QSaveFile f(metaPath());
    if (!f.open(QIODevice::WriteOnly))
        return false;
    const QJsonObject o { { QStringLiteral("name"), FileNames::sanitize(m_name) },
        { QStringLiteral("final"), QFileInfo(m_finalPath).fileName() },
        { QStringLiteral("etag"), QString::fromLatin1(m_etag) },
        { QStringLiteral("total"), m_total } };
    f.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    return f.commit();
}

void FileDownload::removeMeta()
{
    if (!m_part.fileName().isEmpty())
        QFile::remove(metaPath());
}

// Chooses the final name once: an earlier attempt's (from its sidecar) or a fresh unique one.
bool FileDownload::preparePart()
{
    if (!QDir().mkpath(m_folder) || !QFileInfo(m_folder).isDir()) {
        fail(QStringLiteral("cannot create the folder %1").arg(m_folder));
        return false;
    }
    const QString safe = FileNames::sanitize(m_name);
    const QDir dir(m_folder);
    if (m_resume && !m_isInline) {
        const QStringList metas = dir.entryList(
            { QStringLiteral("*") + kMetaSuffix }, QDir::Files | QDir::Hidden, QDir::Name);
        for (const QString &metaName : metas) {
            QFile f(dir.filePath(metaName));
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QJsonObject o = QJsonDocument::fromJson(f.read(64 * 1024)).object();
            const QString final = o.value(QStringLiteral("final")).toString();
            if (o.value(QStringLiteral("name")).toString() != safe || final.isEmpty()
                || final + kMetaSuffix != metaName || FileNames::sanitize(final) != final)
                continue;
            const QString finalPath = dir.filePath(final);
            const QString partPath = finalPath + QStringLiteral(".part");
            if (!QFileInfo(partPath).isFile()
                || partsInUse().contains(QFileInfo(partPath).absoluteFilePath()))
                continue;
            m_finalPath = finalPath;
            m_etag = strongEtag(o.value(QStringLiteral("etag")).toString().toLatin1());
            m_total = qint64(o.value(QStringLiteral("total")).toDouble(-1));
            break;
        }
    }
    bool orphan = false;
    if (m_finalPath.isEmpty() && m_resume && !m_isInline) {
        // A part without a usable sidecar (a process killed between creating the two, or an older
        // version's): taken over from its first byte, never left behind beside a "name (1)".
        const QString candidate = dir.filePath(safe);
        const QString part = candidate + QStringLiteral(".part");
        if (!QFileInfo::exists(candidate) && QFileInfo(part).isFile()
            && !partsInUse().contains(QFileInfo(part).absoluteFilePath())) {
            m_finalPath = candidate;
            orphan = true;
        }
    }
    const bool resuming = !m_finalPath.isEmpty() && !orphan;
    if (m_finalPath.isEmpty())
        m_finalPath = FileNames::uniquePath(m_folder, m_name);
    qCDebug(lcDownload) << "file" << m_name << "in" << m_folder << "->"
                        << QFileInfo(m_finalPath).fileName()
                        << (resuming        ? "resuming its part"
                                   : orphan ? "taking over a part without sidecar"
                                            : "fresh");
    if (!FileNames::isInside(m_folder, m_finalPath)) {
        fail(QStringLiteral("refusing to write outside %1").arg(m_folder));
        return false;
    }
    m_part.setFileName(m_finalPath + QStringLiteral(".part"));
    // The sidecar first: a part never stands without the name it is for (a kill -9 in between
    // left parts that the next run could not resume).
    if (!m_isInline && !resuming && !writeMeta()) {
        fail(QStringLiteral("cannot write %1").arg(metaPath()));
        return false;
    }
    if (!m_part.open(QIODevice::ReadWrite)) {
        fail(QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString()));
        return false;
    }
    m_partKey = QFileInfo(m_part.fileName()).absoluteFilePath();
    partsInUse().insert(m_partKey);
    if (m_isInline || !m_resume || orphan || (m_total >= 0 && m_part.size() > m_total)) {
        if (!truncatePart())
            return false;
    }
    if (!m_isInline && !writeMeta()) {
        fail(QStringLiteral("cannot write %1").arg(metaPath()));
        return false;
    }
    return true;
}

bool FileDownload::truncatePart()
{
    if (!m_part.resize(0) || !m_part.seek(0)) {
        fail(QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString()));
        return false;
    }
    m_hash.reset();
    m_written = 0;
    return true;
}

// Re-hashes what is on disk, so that the hash and m_written describe the part exactly.
bool FileDownload::openPartForAttempt()
{
    if (!m_part.isOpen() && !m_part.open(QIODevice::ReadWrite)) {
        fail(QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString()));
        return false;
    }
    m_hash.reset();
    m_written = 0;
    if (!m_part.seek(0)) {
        fail(QStringLiteral("cannot read %1: %2").arg(m_part.fileName(), m_part.errorString()));
        return false;
    }
    while (!m_part.atEnd()) {
        const QByteArray chunk = m_part.read(1 << 20);
        if (chunk.isEmpty())
            break;
        m_hash.addData(chunk);
        m_written += chunk.size();
    }
    if (!m_part.seek(m_written)) {
        fail(QStringLiteral("cannot read %1: %2").arg(m_part.fileName(), m_part.errorString()));
        return false;
    }
    m_offset = m_written;
    return true;
}

void FileDownload::fail(const QString &message)
{
    if (m_reply) {
        // Possibly inside the reply's own signal: deleting it (later) aborts it.
        m_reply->disconnect(this);
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    QString text = message;
    if (m_part.isOpen()) {
        m_part.close();
        if (m_isInline || !m_resume || !QFileInfo::exists(metaPath())
            || QFileInfo(m_part.fileName()).size() == 0) {
            m_part.remove(); // nothing worth resuming
            removeMeta();
        } else {
            text += QStringLiteral(
                "; the partial download (%1 bytes) is kept in %2 for a later resume")
                        .arg(QFileInfo(m_part.fileName()).size())
                        .arg(m_part.fileName());
        }
    }
    releasePart();
    emitResult(text);
}

bool FileDownload::finishFile()
{
    if (!m_part.flush()) {
        fail(QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString()));
        return false;
    }
    m_part.close();
    const qint64 onDisk = QFileInfo(m_part.fileName()).size();
    if ((m_total >= 0 && m_written != m_total) || onDisk != m_written) {
        m_part.open(QIODevice::ReadWrite); // so that fail() keeps or removes it by the same rules
        fail(QStringLiteral("the download stopped at %1 of %2 bytes").arg(m_written).arg(m_total));
        return false;
    }
    // The final name was free when chosen; take another if someone wrote it meanwhile.
    if (QFileInfo::exists(m_finalPath))
        m_finalPath = FileNames::uniquePath(m_folder, m_name);
    const QString meta = metaPath();
    if (!m_part.rename(m_finalPath)) {
        const QString why = m_part.errorString();
        m_part.open(QIODevice::ReadWrite);
        fail(QStringLiteral("cannot move the download into place: %1").arg(why));
        return false;
    }
    QFile::remove(meta);
    releasePart();
    m_sha256 = m_hash.result().toHex();
    emitResult();
    return true;
}

void FileDownload::doStart()
{
    if (!m_isInline) {
        // Before the folder or any part exists: a file:, data: or qrc: "result" writes nothing.
        const QString notHttp = Net::OriginPolicy::checkUrl(m_url);
        if (!notHttp.isEmpty())
            return fail(notHttp);
    }
    if (!preparePart())
        return;
    if (m_isInline) {
        if (m_part.write(m_inline) != m_inline.size()) {
            fail(
                QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString()));
            return;
        }
        m_hash.addData(m_inline);
        m_written = m_inline.size();
        m_total = m_written;
        Q_EMIT progress(m_written, m_written);
        finishFile();
        return;
    }
    if (!openPartForAttempt())
        return;
    m_resumedFrom = m_written;
    sendRequest();
}

void FileDownload::sendRequest()
{
    if (m_requests++ > 0)
        ++m_resumes;
    QNetworkRequest req(m_url);
    req.setTransferTimeout(
        TransferTimeoutMs); // without any byte for a minute: give up (and maybe retry)
    if (m_offset > 0) {
        req.setRawHeader("Range", "bytes=" + QByteArray::number(m_offset) + '-');
        if (!m_etag.isEmpty())
            req.setRawHeader("If-Range", m_etag);
        // A compressed answer would make byte offsets meaningless.
        req.setRawHeader("Accept-Encoding", "identity");
    }
    m_policy.emplace(req);
    sendHop();
}

void FileDownload::sendHop()
{
    m_status = 0;
    m_accepting = false;
    m_partComplete = false;
    m_reply = m_nam->get(m_policy->request());
    // Qt stops reading the socket once this much waits for the file.
    m_reply->setReadBufferSize(1024 * 1024);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &FileDownload::onMetaData);
    connect(m_reply, &QNetworkReply::readyRead, this, &FileDownload::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &FileDownload::onFinished);
}

void FileDownload::onMetaData()
{
    if (!m_reply)
        return;
    m_status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_accepting = false;
    m_partComplete = false;
    if (m_status == 0)
        return; // no answer yet
    switch (m_policy->onAnswer(m_status, m_reply->rawHeader("Location"))) {
    case Net::OriginPolicy::Verdict::Follow: {
        // Called from the reply's own signal: deleting it (later) aborts it.
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        reply->disconnect(this);
        reply->deleteLater();
        QTimer::singleShot(0, this, [this] {
            if (!isFinished())
                sendHop();
        });
        return;
    }
    case Net::OriginPolicy::Verdict::Refuse:
        return fail(m_policy->error());
    case Net::OriginPolicy::Verdict::Final:
        break;
    }
    if (m_status >= 300 && m_status < 400)
        return; // a final 3xx (304, no Location …): finished() reports it
    const QByteArray etag = strongEtag(m_reply->rawHeader("ETag"));
    if (m_status == 200) {
        if (m_written > 0 && !truncatePart())
            return;
        m_offset = 0;
        const QVariant len = m_reply->header(QNetworkRequest::ContentLengthHeader);
        m_total = len.isValid() ? len.toLongLong() : -1;
        m_etag = etag;
        m_accepting = true;
        if (m_resume && !writeMeta())
            return fail(QStringLiteral("cannot write %1").arg(metaPath()));
        return;
    }
    if (m_status == 206) {
        qint64 first = -1;
        qint64 total = -1;
        const bool parsed = parseContentRange(m_reply->rawHeader("Content-Range"), &first, &total);
        const bool sameVersion = m_etag.isEmpty() || etag.isEmpty() || etag == m_etag;
        if (!parsed || first != m_offset || total < 0 || (m_total >= 0 && total != m_total)
            || !sameVersion) {
            if (!restartFromZero())
                fail(QStringLiteral(
                    "the server answered a range that does not continue the partial download (%1)")
                         .arg(QString::fromLatin1(
                             m_reply ? m_reply->rawHeader("Content-Range") : QByteArray())));
            return;
        }
        m_total = total;
        if (!etag.isEmpty())
            m_etag = etag;
        m_accepting = true;
        if (m_resume && !writeMeta())
            return fail(QStringLiteral("cannot write %1").arg(metaPath()));
        return;
    }
    if (m_status == 416) {
        qint64 first = -1;
        qint64 total = -1;
        if (parseContentRange(m_reply->rawHeader("Content-Range"), &first, &total) && first < 0
            && total == m_offset && m_offset > 0 && (m_total < 0 || m_total == total)) {
            m_total = total;
            if (!etag.isEmpty())
                m_etag = etag;
            m_partComplete = true; // the part is already the whole file: finished() ends it
            return;
        }
        if (!restartFromZero())
            fail(QStringLiteral("the server cannot continue the partial download (HTTP 416)"));
        return;
    }
}

// Drops the part and asks for everything again — once per operation.
bool FileDownload::restartFromZero()
{
    if (m_restartedFromZero || m_offset == 0)
        return false;
    m_restartedFromZero = true;
    if (m_reply) {
        // Called from the reply's own signal: deleting it (later) aborts it; abort() here would not
        // be safe.
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        reply->disconnect(this);
        reply->deleteLater();
    }
    if (!truncatePart())
        return true; // fail() already ended the operation
    m_offset = 0;
    m_total = -1;
    m_etag.clear();
    QTimer::singleShot(0, this, [this] {
        if (!isFinished())
            sendRequest();
    });
    return true;
}

void FileDownload::onReadyRead()
{
    if (!m_reply || !m_accepting || !m_reply->isOpen())
        return; // an error body or a refused range: not part of the file
    const QByteArray chunk = m_reply->readAll();
    if (chunk.isEmpty())
        return;
    if (m_total >= 0 && m_written + chunk.size() > m_total)
        return fail(
            QStringLiteral("the server sent more than the %1 bytes it announced").arg(m_total));
    if (m_part.write(chunk) != chunk.size()) {
        const QString why = m_part.errorString();
        // What went to disk may differ from what was hashed: re-read it on a later resume.
        fail(QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), why));
        return;
    }
    m_hash.addData(chunk);
    m_written += chunk.size();
    Q_EMIT progress(m_written, m_total);
}

void FileDownload::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    onReadyRead(); // whatever is still buffered
    if (isFinished() || m_reply != reply)
        return;
    m_reply = nullptr;
    reply->disconnect(this);
    reply->deleteLater();
    m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError error = reply->error();
    if (m_partComplete) {
        finishFile();
        return;
    }
    if (m_status && (m_status < 200 || m_status >= 300)) {
        if (m_status >= 500 && m_status != 501)
            return retryOrFail(QStringLiteral("the server answered HTTP %1 for %2")
                                   .arg(m_status)
                                   .arg(m_url.toString(QUrl::RemoveQuery)));
        fail(QStringLiteral("the server answered HTTP %1 for %2")
                 .arg(m_status)
                 .arg(m_url.toString(QUrl::RemoveQuery)));
        return;
    }
    if (error != QNetworkReply::NoError) {
        const QString why = QStringLiteral("download failed: %1")
                                .arg(Net::TransferError::describe(
                                    error, reply->errorString(), m_status != 0, TransferTimeoutMs));
        if (isTransient(error))
            return retryOrFail(why);
        fail(why);
        return;
    }
    if (m_total >= 0 && m_written < m_total)
        return retryOrFail(
            QStringLiteral("the connection ended at %1 of %2 bytes").arg(m_written).arg(m_total));
    finishFile();
}

void FileDownload::retryOrFail(const QString &why)
{
    if (m_retriesUsed >= m_maxRetries)
        return fail(m_maxRetries > 0
                ? QStringLiteral("%1 (after %2 retries)").arg(why).arg(m_maxRetries)
                : why);
    const int delay = m_retryDelayMs * (1 << qMin(m_retriesUsed, 5));
    ++m_retriesUsed;
    if (!m_part.flush())
        return fail(
            QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString()));
    QTimer::singleShot(delay, this, [this] {
        if (isFinished())
            return;
        if (openPartForAttempt())
            sendRequest();
    });
}

void FileDownload::doKill()
{
    releasePart();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    if (m_part.isOpen()) {
        m_part.close();
        if (m_isInline || !m_resume) {
            m_part.remove();
            removeMeta();
        }
    }
}

} // namespace Downloads
