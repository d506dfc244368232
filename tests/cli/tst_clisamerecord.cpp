// One session under the window and the CLI: a job submitted with `jobscope-cli submit --wait
// --download DIR` and the same job submitted the way the window submits (a JobSession with the
// app's library folder, the same profile) leave the same records in the history — the same
// profile row, task, input, channel, folder, final state, outputs and downloads — apart from
// ids, times and sizes (a render's bytes depend on its id).
#include "core/profile.h"
#include "session/joboperation.h"
#include "session/jobsession.h"
#include "session/keyresolver.h"
#include "store/jobhistory.h"
#include "testhttp.h"
#include "tracker/jobtracker.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QtTest>

using namespace TestSupport;

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

// One row of a query as "column=value" strings, ids replaced by "<id>" and `skip` columns left out.
QStringList rowOf(const QSqlQuery &q, const QString &id, const QStringList &skip)
{
    QStringList out;
    const QSqlRecord r = q.record();
    for (int i = 0; i < r.count(); ++i) {
        if (skip.contains(r.fieldName(i)))
            continue;
        QString v = q.value(i).toString();
        v.replace(id, QStringLiteral("<id>"));
        out << r.fieldName(i) + QLatin1Char('=') + v;
    }
    return out;
}

} // namespace

class TestCliSameRecord final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    QTemporaryDir m_dir;

    QString history() const { return m_dir.filePath(QStringLiteral("history.sqlite")); }
    QString library() const { return m_dir.filePath(QStringLiteral("library")); }

    Core::Profile profileFor(const char *dialect) const
    {
        // As the window's profile dialog makes one for a service at a custom address.
        Core::Profile p
            = Core::Profile::defaultsFor(*Core::dialectFromName(QString::fromLatin1(dialect)));
        p.name = QStringLiteral("team-") + QLatin1String(dialect);
        p.baseUrl = QUrl(m_sb->base(dialect));
        p.keyRef = QStringLiteral("env:TEST_KEY_") + QString::fromLatin1(dialect).toUpper();
        const QJsonObject d = m_sb->dialect(dialect);
        if (d.contains(k("ws_url"))) {
            p.wsUrl = QUrl(d.value(k("ws_url")).toString());
            p.pusherKey = d.value(k("pusher_key")).toString();
            p.clientId = d.value(k("client_id")).toString();
            p.authUrl = QUrl(d.value(k("auth_url")).toString());
        }
        return p;
    }

    // The job keys of the history, newest last.
    QStringList jobIds()
    {
        QStringList ids;
        QSqlDatabase db = QSqlDatabase::database(QStringLiteral("samerecord"));
        QSqlQuery q(db);
        q.exec(QStringLiteral("SELECT job_id FROM jobs ORDER BY created_ms, job_id"));
        while (q.next())
            ids << q.value(0).toString();
        return ids;
    }

    // Every row the history holds of a job, in a form where two jobs can be compared.
    QStringList recordOf(const QString &id)
    {
        QSqlDatabase db = QSqlDatabase::database(QStringLiteral("samerecord"));
        QStringList out;
        auto add = [&](const QString &what, const QString &sql, const QStringList &skip) {
            QSqlQuery q(db);
            q.prepare(sql);
            q.addBindValue(id);
            if (!q.exec())
                return out << what + QStringLiteral(": ") + q.lastError().text(), void();
            while (q.next())
                out << what + QStringLiteral(": ") + rowOf(q, id, skip).join(QStringLiteral(" | "));
        };
        add(QStringLiteral("job"), QStringLiteral("SELECT * FROM jobs WHERE job_id = ?"),
            { QStringLiteral("job_id"), QStringLiteral("created_ms"), QStringLiteral("updated_ms"),
                QStringLiteral("timings"), QStringLiteral("extra") });
        add(QStringLiteral("profile"),
            QStringLiteral("SELECT p.* FROM profiles p JOIN jobs j ON j.profile_id = p.id "
                           "WHERE j.job_id = ?"),
            {});
        // The first and the last state (a poll may see a short stage the other run missed).
        add(QStringLiteral("first state"),
            QStringLiteral("SELECT kind, state FROM timeline WHERE job_id = ? AND kind = 'state' "
                           "ORDER BY seq LIMIT 1"),
            {});
        add(QStringLiteral("last state"),
            QStringLiteral("SELECT kind, state, raw_status FROM timeline WHERE job_id = ? AND "
                           "kind = 'state' ORDER BY seq DESC LIMIT 1"),
            {});
        add(QStringLiteral("output"),
            QStringLiteral("SELECT idx, variant, name, mime FROM outputs WHERE job_id = ? ORDER "
                           "BY idx, variant, name"),
            {});
        add(QStringLiteral("download"),
            QStringLiteral(
                "SELECT output_key, folder, path, state, total > 0 AS sized, error FROM downloads "
                "WHERE job_id = ? ORDER BY output_key"),
            {});
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(qEnvironmentVariable("JOBSCOPE_CLI_BIN")).isExecutable(),
            "JOBSCOPE_CLI_BIN is not set");
        m_sb = std::make_unique<TestSandbox>();
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
        for (const char *d : { "peelapi", "imagepipeline", "peako", "deapi" })
            qputenv(QByteArray("TEST_KEY_") + QByteArray(d).toUpper(), m_sb->key(d));
        qputenv("JOBSCOPE_HISTORY", history().toUtf8());
    }

    void cleanupTestCase() { QSqlDatabase::removeDatabase(QStringLiteral("samerecord")); }

    void sameRecords_data()
    {
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<QString>("task");
        QTest::addColumn<QJsonObject>("input");
        QTest::newRow("peelapi over sse")
            << QStringLiteral("peelapi") << QStringLiteral("v1/portrait")
            << QJsonObject { { k("prompt"), QStringLiteral("same") }, { k("width"), 64 },
                   { k("height"), 64 } };
        QTest::newRow("imagepipeline polled")
            << QStringLiteral("imagepipeline") << QStringLiteral("generate/image/v1")
            << QJsonObject { { k("prompt"), QStringLiteral("same") }, { k("width"), 64 },
                   { k("height"), 64 } };
        QTest::newRow("peako polled")
            << QStringLiteral("peako") << QStringLiteral("api/render")
            << QJsonObject { { k("template"), QStringLiteral("promo") }, { k("duration_s"), 1 } };
        QTest::newRow("deapi over pusher")
            << QStringLiteral("deapi") << QStringLiteral("api/v1/client/txt2img")
            << QJsonObject { { k("prompt"), QStringLiteral("same") }, { k("width"), 64 },
                   { k("height"), 64 } };
    }

    void sameRecords()
    {
        QFETCH(QString, dialect);
        QFETCH(QString, task);
        QFETCH(QJsonObject, input);
        const QByteArray d = dialect.toLatin1();
        const Core::Profile profile = profileFor(d.constData());
        const QStringList before = jobIds();

        // The CLI: the profile from a profiles file, exactly as the window stores it.
        const QString profiles = m_dir.filePath(dialect + QStringLiteral("-profiles.json"));
        {
            QFile f(profiles);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(
                QJsonDocument(QJsonObject { { k("profiles"), QJsonArray { profile.toJson() } } })
                    .toJson());
        }
        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("JOBSCOPE_PROFILES"), profiles);
        cli.setProcessEnvironment(env);
        const QString in = m_dir.filePath(dialect + QStringLiteral("-input.json"));
        {
            QFile f(in);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QJsonDocument(input).toJson());
        }
        cli.start(qEnvironmentVariable("JOBSCOPE_CLI_BIN"),
            { QStringLiteral("--profile"), profile.name, QStringLiteral("--json"),
                QStringLiteral("submit"), task, QStringLiteral("--input"), in,
                QStringLiteral("--wait"), QStringLiteral("--download"), library(),
                QStringLiteral("--timeout"), QStringLiteral("60") });
        QVERIFY(cli.waitForStarted());
        for (int i = 0; i < 3000 && cli.state() != QProcess::NotRunning; ++i)
            spin(20);
        QCOMPARE(cli.state(), QProcess::NotRunning);
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());

        // The window: a JobSession over the same history, its library folder, the same profile.
        {
            QNetworkAccessManager nam;
            Tracker::JobTracker tracker;
            Store::JobHistory history(this->history());
            bool opened = false;
            QObject::connect(history.open(), &Core::Operation::result, [&](Core::Operation *op) {
                const bool ok = !op->failed();
                opened = ok;
            });
            QTRY_VERIFY(opened);
            Session::KeyResolver keys(nullptr, nullptr);
            Session::JobSession session(&nam, &tracker, &history, keys.lookup());
            session.setFolderFor([this](const Store::StoredJob &) { return library(); });
            bool added = false;
            QObject::connect(session.addProfile(profile), &Core::Operation::result,
                [&](Core::Operation *op) { added = !op->failed(); });
            QTRY_VERIFY(added);
            QString settledId;
            QString downloadedId;
            connect(&session, &Session::JobSession::settled, this,
                [&](const QString &id, Core::JobState) { settledId = id; });
            connect(&session, &Session::JobSession::downloadsFinished, this,
                [&](const QString &id, bool ok, const QStringList &) {
                    if (ok)
                        downloadedId = id;
                });
            session.submit(profile.name, task, input, Follow::Via::Auto);
            QTRY_VERIFY_WITH_TIMEOUT(!downloadedId.isEmpty(), 60000);
            QCOMPARE(downloadedId, settledId);
            history.flush();
        }

        if (!QSqlDatabase::contains(QStringLiteral("samerecord"))) {
            QSqlDatabase db = QSqlDatabase::addDatabase(
                QStringLiteral("QSQLITE"), QStringLiteral("samerecord"));
            db.setDatabaseName(history());
            QVERIFY(db.open());
        }
        QStringList added = jobIds();
        for (const QString &id : before)
            added.removeAll(id);
        QCOMPARE(added.size(), 2);
        const QStringList fromCli = recordOf(added.at(0));
        const QStringList fromWindow = recordOf(added.at(1));
        QVERIFY2(fromCli.size() >= 4, qPrintable(fromCli.join(QLatin1Char('\n'))));
        QVERIFY2(fromCli.filter(QStringLiteral("download: ")).size() >= 1,
            qPrintable(fromCli.join(QLatin1Char('\n'))));
        QVERIFY2(fromCli.first().contains(QStringLiteral("state=succeeded")),
            qPrintable(fromCli.first()));
        QCOMPARE(fromCli, fromWindow);
    }
};

QTEST_GUILESS_MAIN(TestCliSameRecord)
#include "tst_clisamerecord.moc"
