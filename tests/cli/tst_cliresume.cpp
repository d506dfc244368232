// Issue 4's "done when": kill -9 the CLI during 50 in-flight jobs and downloads, start it again,
// and every job reaches its final state with every file complete and identical.
#include "testhttp.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace TestSupport;

class TestCliResume final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;
    QTemporaryDir m_dir;

    QString history() const { return m_dir.filePath(QStringLiteral("history.sqlite")); }
    QString library() const { return m_dir.filePath(QStringLiteral("library")); }

    QStringList connection(const char *dialect) const
    {
        QStringList a { QStringLiteral("--dialect"), QLatin1String(dialect),
            QStringLiteral("--base-url"), m_sb->base(dialect), QStringLiteral("--api-key-env"),
            QStringLiteral("TEST_KEY_") + QString::fromLatin1(dialect).toUpper() };
        if (QByteArray(dialect) == "deapi") {
            const QJsonObject d = m_sb->dialect("deapi");
            a << QStringLiteral("--ws-url") << d.value(QLatin1String("ws_url")).toString()
              << QStringLiteral("--pusher-key") << d.value(QLatin1String("pusher_key")).toString()
              << QStringLiteral("--client-id") << d.value(QLatin1String("client_id")).toString()
              << QStringLiteral("--auth-url") << d.value(QLatin1String("auth_url")).toString();
        }
        return a;
    }

    void startCli(QProcess *p, const QStringList &args, const QByteArray &stdinData = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *d : { "peelapi", "imagepipeline", "peel", "peako", "deapi" })
            env.insert(QStringLiteral("TEST_KEY_") + QString::fromLatin1(d).toUpper(),
                QString::fromUtf8(m_sb->key(d)));
        env.insert(QStringLiteral("JOBSCOPE_HISTORY"), history());
        p->setProcessEnvironment(env);
        p->start(qEnvironmentVariable("JOBSCOPE_CLI_BIN"), args);
        QVERIFY(p->waitForStarted());
        if (!stdinData.isEmpty())
            p->write(stdinData);
        p->closeWriteChannel();
    }

    // Lines of --json output so far (complete lines only).
    static int countEvents(const QByteArray &out, const char *event)
    {
        int n = 0;
        for (const QByteArray &line : out.split('\n')) {
            if (QJsonDocument::fromJson(line).object().value(QLatin1String("event")).toString()
                == QLatin1String(event))
                ++n;
        }
        return n;
    }

    int partFiles() const
    {
        int n = 0;
        QDirIterator it(library(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            if (it.next().endsWith(QLatin1String(".part")))
                ++n;
        }
        return n;
    }

    // Runs `resume` until `until` says so (then kill -9), or to its end when `until` is empty.
    int resume(std::function<bool(const QByteArray &)> until, QByteArray *out)
    {
        QProcess p;
        startCli(&p, { QStringLiteral("--json"), QStringLiteral("resume") });
        QElapsedTimer t;
        t.start();
        while (p.state() != QProcess::NotRunning && t.elapsed() < 150000) {
            spin(20);
            *out += p.readAllStandardOutput();
            if (until && until(*out)) {
                p.kill(); // SIGKILL: no chance to write anything more
                for (int i = 0; i < 500 && p.state() != QProcess::NotRunning; ++i)
                    spin(20);
                return -9;
            }
        }
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            spin(500);
            return -1;
        }
        *out += p.readAllStandardOutput();
        const QByteArray err = p.readAllStandardError();
        if (p.exitCode() != 0)
            qWarning("resume said: %s", err.constData());
        return p.exitCode();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("JOBSCOPE_CLI_BIN")).isExecutable(),
            "JOBSCOPE_CLI_BIN is not set");
        auto o = TestSandbox::defaults();
        o.speed = 1;
        o.downloadRate = 48 * 1024; // slow enough that downloads are in flight when the CLI dies
        m_sb = std::make_unique<TestSandbox>(o);
        m_http.setSandboxToken(m_sb->controlToken());
        QVERIFY(m_sb->ok());
    }

    void killNineTwiceDuringFiftyJobs()
    {
        // 10 jobs per dialect, each recorded with its download folder; they run 4-9 s each.
        struct Batch
        {
            const char *dialect;
            const char *task;
            QByteArray body;
        };
        const QList<Batch> batches {
            { "peelapi", "v1/portrait",
                "{\"prompt\":\"a lighthouse at "
                "dusk\",\"width\":256,\"height\":256,\"sandbox\":{\"duration_ms\":5000}}" },
            { "imagepipeline", "generate/image/v1",
                "{\"prompt\":\"a red "
                "fox\",\"width\":256,\"height\":256,\"sandbox\":{\"duration_ms\":6000}}" },
            { "peel", "v1/apis",
                "{\"url\":\"https://example.com/jobs\",\"instructions\":\"List "
                "jobs\",\"sandbox\":{\"duration_ms\":4000}}" },
            { "peako", "api/render",
                "{\"template\":\"promo\",\"duration_s\":3,\"sandbox\":{\"duration_ms\":7000}}" },
            { "deapi", "api/v1/client/txt2img",
                "{\"prompt\":\"mountains\",\"width\":320,\"height\":320,\"sandbox\":{\"duration_"
                "ms\":8000}}" },
        };
        QStringList ids;
        for (const Batch &b : batches) {
            QProcess p;
            startCli(&p,
                connection(b.dialect)
                    + QStringList { QStringLiteral("--json"), QStringLiteral("submit"),
                        QLatin1String(b.task), QStringLiteral("--input"), QStringLiteral("-"),
                        QStringLiteral("--count"), QStringLiteral("10"),
                        QStringLiteral("--download"), library() },
                b.body);
            // The sandbox runs in this process: keep its event loop turning while the CLI works.
            QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 30000);
            QCOMPARE(p.exitCode(), 0);
            const QByteArray out = p.readAllStandardOutput();
            for (const QByteArray &line : out.split('\n')) {
                const QString id
                    = QJsonDocument::fromJson(line).object().value(QLatin1String("job")).toString();
                if (!id.isEmpty() && !ids.contains(id))
                    ids.append(id);
            }
        }
        QCOMPARE(ids.size(), 50);

        // First run: killed once a third of the jobs ended and a download is mid-way.
        QByteArray out1;
        QCOMPARE(resume(
                     [&](const QByteArray &out) {
                         return countEvents(out, "end") >= 15 && partFiles() > 0;
                     },
                     &out1),
            -9);
        // Second run: killed again while files are still arriving.
        QByteArray out2;
        QCOMPARE(resume(
                     [&](const QByteArray &out) {
                         return countEvents(out, "file") >= 5 && partFiles() > 0;
                     },
                     &out2),
            -9);
        qInfo("first run: %d ends, %d files before kill -9; second run: %d ends, %d files before "
              "kill -9",
            countEvents(out1, "end"), countEvents(out1, "file"), countEvents(out2, "end"),
            countEvents(out2, "file"));
        // Third run: to the end.
        QByteArray out3;
        QCOMPARE(resume({}, &out3), 0);

        // Every job reached its true final state on the server, and the history says the same.
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(history());
        QVERIFY(db.open());
        int files = 0;
        for (const QString &id : std::as_const(ids)) {
            const QJsonObject job
                = m_http.get(m_sb->control() + QStringLiteral("/jobs/") + id).json();
            QCOMPARE(job.value(QLatin1String("state")).toString(), QStringLiteral("succeeded"));
            QSqlQuery q(db);
            q.prepare(QStringLiteral("SELECT state FROM jobs WHERE job_id = ?"));
            q.addBindValue(id);
            QVERIFY(q.exec() && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("succeeded"));
            // The files on disk are exactly the server's outputs, byte for byte (SHA-256).
            QStringList expected;
            for (const QJsonValue &o : job.value(QLatin1String("outputs")).toArray())
                expected << o.toObject().value(QLatin1String("sha256")).toString();
            QStringList got;
            const QDir folder(QDir(library()).filePath(id));
            for (const QFileInfo &f : folder.entryInfoList(QDir::Files)) {
                QVERIFY2(!f.fileName().endsWith(QLatin1String(".part"))
                        && !f.fileName().endsWith(QLatin1String(".meta")),
                    qPrintable(f.filePath()));
                QVERIFY2(!f.fileName().contains(QLatin1String(" (1)")),
                    qPrintable(QStringLiteral("duplicate ") + f.filePath()));
                if (f.fileName().startsWith(QLatin1String("captions.")))
                    continue;
                QFile file(f.filePath());
                QVERIFY(file.open(QIODevice::ReadOnly));
                QCryptographicHash h(QCryptographicHash::Sha256);
                h.addData(&file);
                got << QString::fromLatin1(h.result().toHex());
            }
            expected.sort();
            got.sort();
            QCOMPARE(got, expected);
            files += int(got.size());
        }
        qInfo("50 jobs final, %d files byte-identical", files);
        QVERIFY(files >= 40);
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("check"));

        // No key in anything the CLI wrote: the history (and its WAL) and the library.
        QDirIterator it(m_dir.path(), QDir::Files, QDirIterator::Subdirectories);
        int scanned = 0;
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            ++scanned;
            for (const char *d : { "peelapi", "imagepipeline", "peel", "peako", "deapi" })
                QVERIFY2(!bytes.contains(m_sb->key(d)),
                    qPrintable(
                        QStringLiteral("key of %1 in %2").arg(QLatin1String(d), f.fileName())));
        }
        QVERIFY(scanned > 50);
    }
};

QTEST_GUILESS_MAIN(TestCliResume)
#include "tst_cliresume.moc"
