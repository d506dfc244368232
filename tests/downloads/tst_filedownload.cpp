// Downloads::FileDownload resuming: against the real sandbox in-process (signed result URLs with
// ETag / Range / If-Range / 416), through a proxy that cuts connections, against a fake server that
// ignores Range, and against Debian's nginx.

#include "downloads/filedownload.h"
#include "testhttp.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <csignal>
#include <memory>
#include <sys/resource.h>

using namespace TestSupport;
using Downloads::FileDownload;

namespace {

QByteArray sha(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

// What an earlier, interrupted attempt leaves behind: "<final>.part" + "<final>.part.meta".
bool writePart(const QString &folder, const QString &name, const QByteArray &partData,
    const QByteArray &etag, qint64 total, const QString &finalName = {})
{
    const QString final = finalName.isEmpty() ? name : finalName;
    const QJsonObject meta { { QStringLiteral("name"), name }, { QStringLiteral("final"), final },
        { QStringLiteral("etag"), QString::fromLatin1(etag) }, { QStringLiteral("total"), total } };
    return QDir().mkpath(folder)
        && writeFile(QDir(folder).filePath(final + QStringLiteral(".part")), partData)
        && writeFile(QDir(folder).filePath(final + QStringLiteral(".part.meta")),
            QJsonDocument(meta).toJson());
}

// The first byte a request's "Range: bytes=N-" asks for, or -1 without one.
qint64 rangeStart(const QByteArray &head)
{
    const qsizetype at = head.indexOf("Range: bytes=");
    if (at < 0)
        return -1;
    const qsizetype from = at + qsizetype(sizeof("Range: bytes=") - 1);
    const qsizetype dash = head.indexOf('-', from);
    bool ok = false;
    const qint64 n = head.mid(from, dash - from).toLongLong(&ok);
    return ok ? n : -1;
}

// A TCP proxy in front of one upstream: the n-th connection (0-based) listed in `cuts` is dropped
// after forwarding that many BODY bytes of its response. Records each request's head.
class CutProxy final : public QObject
{
public:
    CutProxy(quint16 upstreamPort, QList<qint64> cuts)
        : m_upstreamPort(upstreamPort)
        , m_cuts(std::move(cuts))
    {
        m_server.listen(QHostAddress::LocalHost);
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server.nextPendingConnection())
                accept(client);
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    QList<QByteArray> requests; // request heads as seen
    int connections = 0;

    QString rewrite(const QString &url) const
    {
        QUrl u(url);
        u.setPort(port());
        return u.toString();
    }

private:
    void accept(QTcpSocket *client)
    {
        const int index = connections++;
        const qint64 cut = index < m_cuts.size() ? m_cuts.at(index) : -1;
        auto *upstream = new QTcpSocket(client);
        auto headerDone = std::make_shared<bool>(false);
        auto head = std::make_shared<QByteArray>();
        auto body = std::make_shared<qint64>(0);
        auto reqHead = std::make_shared<QByteArray>();
        upstream->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
        QObject::connect(
            client, &QTcpSocket::readyRead, upstream, [client, upstream, reqHead, this] {
                const QByteArray data = client->readAll();
                if (!reqHead->contains("\r\n\r\n")) {
                    *reqHead += data;
                    if (reqHead->contains("\r\n\r\n"))
                        requests.append(reqHead->left(reqHead->indexOf("\r\n\r\n")));
                }
                upstream->write(data);
            });
        QObject::connect(upstream, &QTcpSocket::readyRead, client,
            [client, upstream, cut, headerDone, head, body] {
                QByteArray data = upstream->readAll();
                if (cut < 0) {
                    client->write(data);
                    return;
                }
                QByteArray out;
                if (!*headerDone) {
                    *head += data;
                    const qsizetype end = head->indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    *headerDone = true;
                    out = head->left(end + 4);
                    data = head->mid(end + 4);
                }
                const qint64 room = cut - *body;
                const bool cutNow = data.size() >= room;
                out += data.left(cutNow ? room : data.size());
                *body += cutNow ? room : data.size();
                client->write(out);
                if (cutNow) {
                    upstream->abort();
                    client->disconnectFromHost(); // what was written still goes out, then the
                                                  // connection ends mid-body
                }
            });
        QObject::connect(upstream, &QTcpSocket::disconnected, client,
            [client] { client->disconnectFromHost(); });
        QObject::connect(
            client, &QTcpSocket::disconnected, client, [client] { client->deleteLater(); });
    }

    QTcpServer m_server;
    quint16 m_upstreamPort;
    QList<qint64> m_cuts;
};

// A server that ignores Range and always answers 200 with the whole body (and an ETag).
class FullOnlyServer final : public QObject
{
public:
    explicit FullOnlyServer(QByteArray data)
        : m_data(std::move(data))
    {
        m_server.listen(QHostAddress::LocalHost);
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                QObject::connect(s, &QTcpSocket::readyRead, s, [this, s, buffer] {
                    *buffer += s->readAll();
                    const qsizetype end = buffer->indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    requests.append(buffer->left(end));
                    buffer->remove(0, end + 4);
                    s->write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nETag: "
                             "\"full-only\"\r\nContent-Length: "
                        + QByteArray::number(m_data.size()) + "\r\n\r\n");
                    s->write(m_data);
                });
                QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    QString url(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1/%2").arg(m_server.serverPort()).arg(path);
    }
    QList<QByteArray> requests;

private:
    QTcpServer m_server;
    QByteArray m_data;
};

} // namespace

class TestFileDownload final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;
    QString m_url; // a signed result URL of a finished render
    QByteArray m_ref; // its bytes from a plain GET
    QByteArray m_etag; // its ETag
    QNetworkAccessManager m_nam;

    QString fetchOutputUrl(const QString &id)
    {
        return m_http
            .get(m_sb->base("peako") + QStringLiteral("/api/jobs/") + id, m_sb->apiKey("peako"))
            .json()
            .value(QLatin1String("outputUrl"))
            .toString();
    }

    // Runs one download to its result; the caller owns it.
    std::unique_ptr<FileDownload> run(
        const QString &url, const QString &folder, const QString &name, int retries = 5)
    {
        auto d = std::make_unique<FileDownload>(&m_nam, QUrl(url), folder, name);
        d->setAutoDelete(false);
        d->setMaxRetries(retries);
        d->setRetryDelay(20);
        QSignalSpy spy(d.get(), &Core::Operation::result);
        d->start();
        [&] {
            QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 20000);
        }();
        return d;
    }

    static QStringList leftovers(const QString &folder)
    {
        return QDir(folder).entryList(
            { QStringLiteral("*.part"), QStringLiteral("*.meta") }, QDir::Files | QDir::Hidden);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sb = std::make_unique<TestSandbox>();
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
        const QJsonObject body { { QLatin1String("template"), QStringLiteral("promo") },
            { QLatin1String("duration_s"), 8 }, { QLatin1String("fps"), 12 },
            { QLatin1String("sandbox"), QJsonObject { { QLatin1String("duration_ms"), 200 } } } };
        const HttpResult r = m_http.post(
            m_sb->base("peako") + QStringLiteral("/api/render"), body, m_sb->apiKey("peako"));
        QCOMPARE(r.status, 202);
        const QString id = r.json().value(QLatin1String("jobId")).toString();
        QVERIFY(!id.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!(m_url = fetchOutputUrl(id)).isEmpty(), 20000);
        const HttpResult file = m_http.get(m_url);
        QCOMPARE(file.status, 200);
        m_ref = file.body;
        m_etag = file.header("ETag");
        QVERIFY2(m_ref.size() > 500000, qPrintable(QString::number(m_ref.size())));
        QVERIFY(m_etag.startsWith('"'));
    }

    // A fresh download is the plain GET's bytes, records the strong ETag, and leaves no
    // .part/.meta.
    void plainDownload()
    {
        QTemporaryDir dir;
        const auto d = run(m_url, dir.path(), QStringLiteral("clip.avi"));
        QVERIFY2(!d->failed(), qPrintable(d->errorString()));
        QCOMPARE(d->path(), dir.filePath(QStringLiteral("clip.avi")));
        QCOMPARE(d->bytes(), qint64(m_ref.size()));
        QCOMPARE(d->sha256(), sha(m_ref));
        QCOMPARE(readAll(d->path()), m_ref);
        QCOMPARE(d->etag(), m_etag);
        QCOMPARE(d->resumes(), 0);
        QCOMPARE(d->httpStatus(), 200);
        QCOMPARE(leftovers(dir.path()), QStringList());
    }

    // Nothing is written beside the working folder either: the sidecar is named from the final
    // path, never a bare ".meta" in whatever folder the process runs in.
    void nothingInTheWorkingFolder()
    {
        QTemporaryDir cwd;
        const QString old = QDir::currentPath();
        QVERIFY(QDir::setCurrent(cwd.path()));
        QTemporaryDir dir;
        const auto d = run(m_url, dir.path(), QStringLiteral("clip.avi"));
        QDir::setCurrent(old);
        QVERIFY2(!d->failed(), qPrintable(d->errorString()));
        QCOMPARE(
            QDir(cwd.path())
                .entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot),
            QStringList());
        QCOMPARE(leftovers(dir.path()), QStringList());
    }

    void resumeFromPart_data()
    {
        QTest::addColumn<qint64>("cut");
        QTest::addColumn<bool>("withEtag");
        QTest::newRow("1 byte") << qint64(1) << true;
        QTest::newRow("1000 bytes") << qint64(1000) << true;
        QTest::newRow("half") << qint64(-2) << true;
        QTest::newRow("all but one") << qint64(-1) << true;
        QTest::newRow("half, no etag known") << qint64(-2) << false;
    }
    // An earlier attempt's first K bytes (+ sidecar) are continued with a 206 into a byte-identical
    // file whose sha256() covers the whole file, from one request.
    void resumeFromPart()
    {
        QFETCH(qint64, cut);
        QFETCH(bool, withEtag);
        const qint64 k = cut == -1 ? m_ref.size() - 1 : cut == -2 ? m_ref.size() / 2 : cut;
        QTemporaryDir dir;
        QVERIFY(writePart(dir.path(), QStringLiteral("clip.avi"), m_ref.left(k),
            withEtag ? m_etag : QByteArray(), withEtag ? m_ref.size() : -1));
        const auto d = run(m_url, dir.path(), QStringLiteral("clip.avi"));
        QVERIFY2(!d->failed(), qPrintable(d->errorString()));
        QCOMPARE(d->httpStatus(), 206);
        QCOMPARE(d->resumedFrom(), k);
        QCOMPARE(d->resumes(), 0);
        QCOMPARE(d->path(), dir.filePath(QStringLiteral("clip.avi")));
        QCOMPARE(d->bytes(), qint64(m_ref.size()));
        QCOMPARE(d->sha256(), sha(m_ref));
        QCOMPARE(readAll(d->path()), m_ref);
        QCOMPARE(d->etag(), m_etag);
        QCOMPARE(leftovers(dir.path()), QStringList());
    }

    void cutConnections_data()
    {
        QTest::addColumn<QList<qint64>>("cuts");
        QTest::newRow("cut once at 4 KiB") << QList<qint64> { 4096 };
        QTest::newRow("cut at 100 KB, 300 KB, 1 byte") << QList<qint64> { 100000, 200000, 1 };
        QTest::newRow("cut before any body byte") << QList<qint64> { 0 };
    }
    // Connections dropped mid-body are retried, each resuming from what is on disk (one extra
    // request per cut, each a Range + If-Range request), ending byte-identical.
    void cutConnections()
    {
        QFETCH(QList<qint64>, cuts);
        CutProxy proxy(QUrl(m_url).port(), cuts);
        QTemporaryDir dir;
        const auto d = run(proxy.rewrite(m_url), dir.path(), QStringLiteral("clip.avi"));
        QVERIFY2(!d->failed(), qPrintable(d->errorString()));
        QCOMPARE(d->resumes(), int(cuts.size()));
        QCOMPARE(proxy.requests.size(), int(cuts.size()) + 1);
        // Each retry resumes from what is on disk: never before what the last one kept, never past
        // what was sent (bytes still in flight when the peer closed may be asked for again).
        qint64 kept = 0;
        for (int i = 1; i < proxy.requests.size(); ++i) {
            const QByteArray &head = proxy.requests.at(i);
            const qint64 start = std::max<qint64>(rangeStart(head), 0);
            QVERIFY2(start >= kept && start <= kept + cuts.at(i - 1), head.constData());
            kept = start;
            if (start == 0) {
                QVERIFY2(!head.contains("Range:"), head.constData());
                continue;
            }
            QVERIFY2(head.contains("If-Range: " + m_etag), head.constData());
        }
        QCOMPARE(d->sha256(), sha(m_ref));
        QCOMPARE(readAll(d->path()), m_ref);
        QCOMPARE(leftovers(dir.path()), QStringList());
    }

    // Out of retries, the .part and .meta stay and errorString() says so; a later download of the
    // same name from ANOTHER URL (a fresh signature) picks the part up and finishes it.
    void failKeepsPartForLaterResume()
    {
        QTemporaryDir dir;
        {
            CutProxy proxy(QUrl(m_url).port(), { 300000, 1000 });
            const auto d = run(proxy.rewrite(m_url), dir.path(), QStringLiteral("clip.avi"), 1);
            QVERIFY(d->failed());
            QVERIFY2(
                d->errorString().contains(QLatin1String("kept")), qPrintable(d->errorString()));
            QCOMPARE(d->resumes(), 1);
            QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("clip.avi"))));
            QCOMPARE(
                QFileInfo(dir.filePath(QStringLiteral("clip.avi.part"))).size(), qint64(301000));
            QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("clip.avi.part.meta"))));
        }
        const auto d = run(m_url, dir.path(), QStringLiteral("clip.avi"));
        QVERIFY2(!d->failed(), qPrintable(d->errorString()));
        QCOMPARE(d->resumedFrom(), qint64(301000));
        QCOMPARE(d->httpStatus(), 206);
        QCOMPARE(d->sha256(), sha(m_ref));
        QCOMPARE(readAll(d->path()), m_ref);
        QCOMPARE(leftovers(dir.path()), QStringList());
    }

    // A server that ignores Range (200 with the whole body) makes the part start over: correct
    // file.
    void serverIgnoresRange()
    {
        const QByteArray data = QByteArray(300000, 'x') + m_ref.left(1000);
        FullOnlyServer server(data);
        QTemporaryDir dir;
        QVERIFY(writePart(dir.path(), QStringLiteral("f.bin"), QByteArray(5000, 'J'),
            "\"full-only\"", data.size()));
        const auto d
            = run(server.url(QStringLiteral("f.bin")), dir.path(), QStringLiteral("f.bin"));
        QVERIFY2(!d->failed(), qPrintable(d->errorString()));
        QCOMPARE(server.requests.size(), 1);
        QVERIFY(server.requests.first().contains("Range: bytes=5000-"));
        QCOMPARE(d->httpStatus(), 200);
        QCOMPARE(d->bytes(), qint64(data.size()));
        QCOMPARE(d->sha256(), sha(data));
        QCOMPARE(readAll(d->path()), data);
        QCOMPARE(leftovers(dir.path()), QStringList());
    }

    // A part of another version (its ETag no longer matches): If-Range makes the sandbox send all
    // of it with 200, and the download is the new version, whole.
    void ifRangeMismatch()
    {
        QTemporaryDir dir;
        QVERIFY(writePart(dir.path(), QStringLiteral("clip.avi"), QByteArray(200000, 'O'),
            "\"an-older-version\"", m_ref.size()));
        const auto d = run(m_url, dir.path(), QStringLiteral("clip.avi"));
        QVERIFY2(!d->failed(), qPrintable(d->errorString()));
        QCOMPARE(d->httpStatus(), 200);
        QCOMPARE(d->etag(), m_etag);
        QCOMPARE(d->sha256(), sha(m_ref));
        QCOMPARE(readAll(d->path()), m_ref);
        QCOMPARE(leftovers(dir.path()), QStringList());
    }

    // A part that is already whole gets 416 "bytes */N" with N == its size: it is the file.
    void completePart416()
    {
        QTemporaryDir dir;
        QVERIFY(writePart(dir.path(), QStringLiteral("clip.avi"), m_ref, m_etag, m_ref.size()));
        const auto d = run(m_url, dir.path(), QStringLiteral("clip.avi"));
        QVERIFY2(!d->failed(), qPrintable(d->errorString()));
        QCOMPARE(d->httpStatus(), 416);
        QCOMPARE(d->bytes(), qint64(m_ref.size()));
        QCOMPARE(d->sha256(), sha(m_ref));
        QCOMPARE(readAll(d->path()), m_ref);
        QCOMPARE(leftovers(dir.path()), QStringList());
    }

    // An existing file is never overwritten; the final name is chosen once, so a resume finds its
    // own part ("clip (1).avi.part"), and if that name got taken meanwhile it moves on again.
    void finalNameCollision()
    {
        QTemporaryDir dir;
        const QString existing = dir.filePath(QStringLiteral("clip.avi"));
        QVERIFY(writeFile(existing, "someone else's"));
        {
            CutProxy proxy(QUrl(m_url).port(), { 250000 });
            const auto d = run(proxy.rewrite(m_url), dir.path(), QStringLiteral("clip.avi"), 0);
            QVERIFY(d->failed());
            QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("clip (1).avi.part"))));
            QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("clip (1).avi.part.meta"))));
        }
        {
            const auto d = run(m_url, dir.path(), QStringLiteral("clip.avi"));
            QVERIFY2(!d->failed(), qPrintable(d->errorString()));
            QCOMPARE(d->resumedFrom(), qint64(250000));
            QCOMPARE(d->path(), dir.filePath(QStringLiteral("clip (1).avi")));
            QCOMPARE(readAll(d->path()), m_ref);
        }
        // Interrupted again; meanwhile someone writes the name this part was meant for.
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("clip (1).avi"))));
        {
            CutProxy proxy(QUrl(m_url).port(), { 100000 });
            const auto d = run(proxy.rewrite(m_url), dir.path(), QStringLiteral("clip.avi"), 0);
            QVERIFY(d->failed());
        }
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("clip (1).avi.part"))));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("clip (1).avi")), "taken meanwhile"));
        const auto d = run(m_url, dir.path(), QStringLiteral("clip.avi"));
        QVERIFY2(!d->failed(), qPrintable(d->errorString()));
        QCOMPARE(d->resumedFrom(), qint64(100000));
        QCOMPARE(d->path(), dir.filePath(QStringLiteral("clip (2).avi")));
        QCOMPARE(readAll(d->path()), m_ref);
        QCOMPARE(readAll(existing), QByteArray("someone else's"));
        QCOMPARE(
            readAll(dir.filePath(QStringLiteral("clip (1).avi"))), QByteArray("taken meanwhile"));
        QCOMPARE(leftovers(dir.path()), QStringList());
    }

    // A result URL that is not http(s) — file:, data:, qrc:, ftp: — fails that output with one
    // sentence and writes nothing: no file, no .part, not even the folder.
    void nonHttpResultUrlRefused_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("file") << "file:///etc/hostname";
        QTest::newRow("data") << "data:text/plain;base64,SGVsbG8=";
        QTest::newRow("qrc") << "qrc:/profiles/defaults.json";
        QTest::newRow("ftp") << "ftp://127.0.0.1/result.png";
    }
    void nonHttpResultUrlRefused()
    {
        QFETCH(QString, url);
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("job"));
        const auto d = run(url, folder, QStringLiteral("result.png"), 0);
        QVERIFY(d->failed());
        QCOMPARE(d->errorString(), QStringLiteral("%1 is not an http(s) URL").arg(url));
        QCOMPARE(d->bytes(), 0);
        QVERIFY(!QFileInfo::exists(folder));
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
            QStringList());
    }

    // A result URL redirected to plain http on a remote host is refused like a direct key-bearing
    // request would be (OriginPolicy), and nothing is written.
    void remotePlainRedirectRefused()
    {
        QTcpServer origin;
        QVERIFY(origin.listen(QHostAddress::LocalHost));
        connect(&origin, &QTcpServer::newConnection, this, [&] {
            QTcpSocket *s = origin.nextPendingConnection();
            connect(s, &QTcpSocket::readyRead, s, [s] {
                s->readAll();
                s->write("HTTP/1.1 302 Found\r\nLocation: "
                         "http://cdn.example/steal.png\r\nContent-Length: 0\r\n"
                         "Connection: close\r\n\r\n");
                s->disconnectFromHost();
            });
        });
        QTemporaryDir dir;
        const auto d
            = run(QStringLiteral("http://127.0.0.1:%1/result.png").arg(origin.serverPort()),
                dir.path(), QStringLiteral("result.png"), 0);
        QVERIFY(d->failed());
        QVERIFY2(d->errorString().startsWith(
                     QLatin1String("the server redirected to plain http on cdn.example")),
            qPrintable(d->errorString()));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList());
    }

    // A folder that cannot exist (a path under a regular file; chmod does not stop root) is a
    // clear error and nothing is written.
    void unwritableFolder()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("a-file"));
        QVERIFY(writeFile(file, "x"));
        const auto d = run(m_url, file + QStringLiteral("/sub"), QStringLiteral("clip.avi"));
        QVERIFY(d->failed());
        QVERIFY2(d->errorString().contains(QLatin1String("cannot create the folder")),
            qPrintable(d->errorString()));
        QVERIFY(d->path().isEmpty() || !QFileInfo::exists(d->path()));
        QCOMPARE(readAll(file), QByteArray("x"));
    }

    // A full disk: the process may write at most 64 KiB per file (RLIMIT_FSIZE, the way a full
    // tmpfs refuses a write, without needing a mount). The download fails with a sentence naming
    // the file, nothing stands at the final path, and once there is room again the kept part is
    // continued to a byte-identical file.
    void fullDisk()
    {
        QTemporaryDir dir;
        struct rlimit old
        {
        };
        QVERIFY(getrlimit(RLIMIT_FSIZE, &old) == 0);
        const auto oldHandler
            = std::signal(SIGXFSZ, SIG_IGN); // a failed write, not a killed process
        struct rlimit small = old;
        small.rlim_cur = 64 * 1024;
        QVERIFY(setrlimit(RLIMIT_FSIZE, &small) == 0);
        const auto d = run(m_url, dir.path(), QStringLiteral("clip.avi"));
        setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, oldHandler);
        QVERIFY(d->failed());
        QVERIFY2(
            d->errorString().contains(QLatin1String("cannot write")), qPrintable(d->errorString()));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("clip.avi"))));
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("clip.avi.part"))));
        const auto again = run(m_url, dir.path(), QStringLiteral("clip.avi"));
        QVERIFY2(!again->failed(), qPrintable(again->errorString()));
        QVERIFY(again->resumedFrom() > 0);
        QCOMPARE(readAll(again->path()), m_ref);
        QCOMPARE(leftovers(dir.path()), QStringList());
    }

    // Debian's nginx (strong ETag, Range, If-Range) serving 8 MiB: a part is continued and cut
    // connections are resumed, byte-identical each time.
    void nginx()
    {
        QString exe = QStandardPaths::findExecutable(QStringLiteral("nginx"));
        if (exe.isEmpty())
            exe = QStandardPaths::findExecutable(QStringLiteral("nginx"),
                { QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/sbin") });
        if (exe.isEmpty())
            QSKIP("nginx is not installed (packaging/bootstrap.sh installs nginx-light)");
        QTemporaryDir prefix;
        QVERIFY(QDir(prefix.path()).mkpath(QStringLiteral("www")));
        QByteArray data(8 * 1024 * 1024, Qt::Uninitialized);
        QRandomGenerator gen(42);
        gen.fillRange(reinterpret_cast<quint32 *>(data.data()), data.size() / 4);
        QVERIFY(writeFile(prefix.filePath(QStringLiteral("www/big.bin")), data));
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            port = probe.serverPort();
        }
        const QString p = prefix.path();
        const QString conf = QStringLiteral("master_process off;\n"
                                            "worker_processes 1;\n"
                                            "pid %1/nginx.pid;\n"
                                            "error_log %1/error.log;\n"
                                            "events { worker_connections 64; }\n"
                                            "http {\n"
                                            "  access_log %1/access.log;\n"
                                            "  client_body_temp_path %1/body;\n"
                                            "  proxy_temp_path %1/proxy;\n"
                                            "  fastcgi_temp_path %1/fastcgi;\n"
                                            "  uwsgi_temp_path %1/uwsgi;\n"
                                            "  scgi_temp_path %1/scgi;\n"
                                            "  server {\n"
                                            "    listen 127.0.0.1:%2;\n"
                                            "    root %1/www;\n"
                                            "  }\n"
                                            "}\n")
                                 .arg(p)
                                 .arg(port);
        QVERIFY(writeFile(prefix.filePath(QStringLiteral("nginx.conf")), conf.toUtf8()));
        QProcess nginx;
        nginx.setProcessChannelMode(QProcess::MergedChannels);
        nginx.start(exe,
            { QStringLiteral("-p"), p, QStringLiteral("-c"),
                prefix.filePath(QStringLiteral("nginx.conf")), QStringLiteral("-g"),
                QStringLiteral("daemon off;") });
        QVERIFY2(nginx.waitForStarted(), qPrintable(nginx.errorString()));
        const auto stop = qScopeGuard([&nginx] {
            nginx.terminate();
            if (!nginx.waitForFinished(5000))
                nginx.kill();
        });
        const QString url = QStringLiteral("http://127.0.0.1:%1/big.bin").arg(port);
        const auto listening = [port] {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, port);
            return probe.waitForConnected(500);
        };
        QTRY_VERIFY2_WITH_TIMEOUT(nginx.state() == QProcess::Running && listening(),
            (nginx.readAll() + readAll(prefix.filePath(QStringLiteral("error.log")))).constData(),
            10000);
        const QByteArray etag = m_http.get(url, { { "Range", "bytes=0-0" } }).header("ETag");
        QVERIFY2(etag.startsWith('"'), etag.constData());

        // A part from an earlier attempt.
        {
            QTemporaryDir dir;
            QVERIFY(writePart(
                dir.path(), QStringLiteral("big.bin"), data.left(3000001), etag, data.size()));
            const auto d = run(url, dir.path(), QStringLiteral("big.bin"));
            QVERIFY2(!d->failed(), qPrintable(d->errorString()));
            QCOMPARE(d->httpStatus(), 206);
            QCOMPARE(d->resumedFrom(), qint64(3000001));
            QCOMPARE(d->sha256(), sha(data));
            QCOMPARE(readAll(d->path()), data);
            QCOMPARE(leftovers(dir.path()), QStringList());
        }
        // Connections cut at 1 MiB and again 4 MiB later.
        {
            CutProxy proxy(port, { 1 << 20, 4 << 20 });
            QTemporaryDir dir;
            const auto d = run(proxy.rewrite(url), dir.path(), QStringLiteral("big.bin"));
            QVERIFY2(!d->failed(), qPrintable(d->errorString()));
            QCOMPARE(d->resumes(), 2);
            QCOMPARE(proxy.requests.size(), 3);
            // Each resume starts after what the earlier ones kept and never past what was sent: the
            // stack may drop bytes still in flight when a peer closes, and those are asked for
            // again.
            const qint64 first = rangeStart(proxy.requests.at(1));
            const qint64 second = rangeStart(proxy.requests.at(2));
            QVERIFY2(first > 0 && first <= (1 << 20), proxy.requests.at(1).constData());
            QVERIFY2(
                second > first && second <= first + (4 << 20), proxy.requests.at(2).constData());
            QVERIFY(proxy.requests.at(1).contains("If-Range: " + etag));
            QVERIFY(proxy.requests.at(2).contains("If-Range: " + etag));
            QCOMPARE(d->etag(), etag);
            QCOMPARE(d->sha256(), sha(data));
            QCOMPARE(readAll(d->path()), data);
            QCOMPARE(leftovers(dir.path()), QStringList());
        }
    }
};

QTEST_GUILESS_MAIN(TestFileDownload)
#include "tst_filedownload.moc"
