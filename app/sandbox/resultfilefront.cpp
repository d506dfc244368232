#include "sandbox/resultfilefront.h"

#include "sandbox/filesender.h"
#include "sandbox/httpconnection.h"
#include "sandbox/httpcontext.h"
#include "sandbox/jobengine.h"
#include "sandbox/resulturls.h"
#include "sandbox/router.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>

namespace Sandbox {

namespace {

struct ByteRange
{
    qint64 first = 0;
    qint64 last = -1; // inclusive
};

enum class RangeKind { None, Ok, Unsatisfiable };

// RFC 9110 single byte-range: "bytes=a-b", "bytes=a-", "bytes=-n". Anything else (several
// ranges, other units, junk) is ignored and the whole file is sent, as the RFC allows.
RangeKind parseRange(const QByteArray &header, qint64 size, ByteRange *out)
{
    if (!header.startsWith("bytes="))
        return RangeKind::None;
    const QByteArray spec = header.mid(6).trimmed();
    if (spec.contains(','))
        return RangeKind::None;
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return RangeKind::None;
    const QByteArray a = spec.left(dash).trimmed();
    const QByteArray b = spec.mid(dash + 1).trimmed();
    bool okA = false;
    bool okB = false;
    if (a.isEmpty()) {
        const qint64 n = b.toLongLong(&okB);
        if (!okB || n < 0)
            return RangeKind::None;
        if (n == 0 || size == 0)
            return RangeKind::Unsatisfiable;
        out->first = std::max<qint64>(0, size - n);
        out->last = size - 1;
        return RangeKind::Ok;
    }
    const qint64 first = a.toLongLong(&okA);
    if (!okA || first < 0)
        return RangeKind::None;
    qint64 last = size - 1;
    if (!b.isEmpty()) {
        last = b.toLongLong(&okB);
        if (!okB || last < first)
            return RangeKind::None;
    }
    if (first >= size)
        return RangeKind::Unsatisfiable;
    out->first = first;
    out->last = std::min(last, size - 1);
    return RangeKind::Ok;
}

} // namespace

ResultFileFront::ResultFileFront(ServiceContext &context)
    : m_ctx(context)
{ }

void ResultFileFront::registerRoutes(Router &router)
{
    for (Dialect d : { Dialect::PeelApi, Dialect::ImagePipeline, Dialect::Peel, Dialect::Peako,
             Dialect::DeApi }) {
        router.add("GET", DialectTable::prefix(d) + QStringLiteral("/files/{job}/{name}"),
            [this, d](HttpContext &c) { serve(c, d); });
    }
}

void ResultFileFront::serve(HttpContext &ctx, Dialect dialect)
{
    auto refuse = [&ctx](int status, const QString &message) {
        ctx.reply(HttpResponse::json(status, QJsonObject { { QLatin1String("error"), message } }));
    };
    const QString jobId = ctx.param(QStringLiteral("job"));
    const QString name = ctx.param(QStringLiteral("name"));
    const Job *job = m_ctx.engine->find(jobId);
    const ResultUrls::Verdict verdict
        = m_ctx.urls->check(jobId, name, ctx.query(QStringLiteral("expires")),
            ctx.query(QStringLiteral("issued")), ctx.query(QStringLiteral("signature")),
            m_ctx.engine->now(), job ? job->urlsRevokedBeforeMs : 0);
    if (verdict == ResultUrls::Verdict::BadSignature)
        return refuse(403, QStringLiteral("The signature of this URL is not valid."));
    if (!job || job->dialect != dialect)
        return refuse(404, QStringLiteral("This result no longer exists."));
    if (verdict == ResultUrls::Verdict::Expired)
        return refuse(
            403, QStringLiteral("This URL has expired; read the job's status for a fresh one."));
    const OutputFile *file = nullptr;
    for (const OutputFile &f : job->outputs) {
        if (f.name == name)
            file = &f;
    }
    const QString path = QDir(m_ctx.engine->jobFolder(*job)).filePath(name);
    const QFileInfo info(path);
    if (!file || !info.isFile())
        return refuse(404, QStringLiteral("This result no longer exists."));

    const qint64 size = info.size();
    const QByteArray etag = '"' + file->sha256.left(32) + '"';
    QList<QPair<QByteArray, QByteArray>> headers { { "Content-Type", file->mimeType.toLatin1() },
        { "ETag", etag }, { "Accept-Ranges", "bytes" }, { "Cache-Control", "private, max-age=0" },
        { "Content-Disposition", "inline; filename=\"" + name.toUtf8() + '"' } };
    ByteRange range;
    RangeKind kind = parseRange(ctx.header("Range"), size, &range);
    const QByteArray ifRange = ctx.header("If-Range");
    if (kind != RangeKind::None && !ifRange.isEmpty() && ifRange != etag)
        kind = RangeKind::None; // the client's partial copy is of another version: send it all
    if (kind == RangeKind::Unsatisfiable) {
        HttpResponse r = HttpResponse::json(416,
            QJsonObject { { QLatin1String("error"), QStringLiteral("Range not satisfiable") } });
        r.header("Content-Range", "bytes */" + QByteArray::number(size));
        return ctx.reply(r);
    }
    int status = 200;
    qint64 offset = 0;
    qint64 length = size;
    if (kind == RangeKind::Ok) {
        status = 206;
        offset = range.first;
        length = range.last - range.first + 1;
        headers.append({ "Content-Range",
            "bytes " + QByteArray::number(range.first) + '-' + QByteArray::number(range.last) + '/'
                + QByteArray::number(size) });
    }
    const bool close = ctx.wantsClose();
    const bool head = ctx.isHead();
    QPointer<QTcpSocket> socket = ctx.detach(status);
    if (!socket)
        return;
    HttpResponse::writeHead(socket, status, headers, length, close);
    if (head) {
        if (close)
            socket->disconnectFromHost();
        else
            HttpConnection::responseFinished(socket);
        return;
    }
    FileSender::start(socket, path, offset, length, close, m_ctx.downloadRate);
}

} // namespace Sandbox
