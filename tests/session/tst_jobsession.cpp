// JobSession against the in-process sandbox: submitted jobs are followed, recorded and their
// outputs downloaded (matching the sandbox's SHA-256), a later session has nothing to resume,
// and a job the history left queued is re-attached by resumeUnfinished and finishes.

#include "session/joboperation.h"
#include "session/jobsession.h"
#include "store/historydatabase.h"
#include "store/jobhistory.h"
#include "testhttp.h"
#include "tracker/jobtracker.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace TestSupport;

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

QString sha256Of(const QString &path)
{
    QFile f(path);
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (!f.open(QIODevice::ReadOnly) || !h.addData(&f))
        return {};
    return QString::fromLatin1(h.result().toHex());
}

} // namespace

class TestJobSession final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;
    QStringList m_keyRefsAsked;

    Core::Profile profile(Core::Dialect d, const char *dialect, bool withKey) const
    {
        Core::Profile p = Core::Profile::defaultsFor(d);
        p.name = QLatin1String(dialect);
        p.baseUrl = QUrl(m_sb->base(dialect));
        p.keyRef = QStringLiteral("env:TEST_KEY_") + QString::fromLatin1(dialect).toUpper();
        if (withKey)
            p.apiKey = QString::fromUtf8(m_sb->key(dialect));
        return p;
    }

    // Resolves "env:TEST_KEY_<DIALECT>" to the sandbox's key, as the process's keychain would.
    Session::JobSession::KeyLookup keys()
    {
        return [this](
                   const QString &ref, std::function<void(const QString &, const QString &)> done) {
            m_keyRefsAsked.append(ref);
            const QByteArray dialect
                = ref.section(QStringLiteral("TEST_KEY_"), 1).toLower().toLatin1();
            const QString key = QString::fromUtf8(m_sb->key(dialect.constData()));
            done(key, key.isEmpty() ? QStringLiteral("unknown reference %1").arg(ref) : QString());
        };
    }

    static std::unique_ptr<Store::JobHistory> openHistory(const QString &path)
    {
        auto h = std::make_unique<Store::JobHistory>(path);
        bool opened = false;
        QString error;
        QObject::connect(h->open(), &Core::Operation::result, [&](Core::Operation *op) {
            const bool ok = !op->failed();
            const QString e = op->errorString();
            opened = ok;
            error = e;
        });
        if (!QTest::qWaitFor([&] { return opened || !error.isEmpty(); }, 10000) || !opened) {
            qWarning() << "history not opened:" << error;
            return nullptr;
        }
        return h;
    }

    // Every download of `jobId` is done, each file on disk matches its recorded SHA-256, lies in
    // `folder`, and the set of files is exactly the sandbox's outputs of the job.
    void verifyFiles(
        Store::HistoryDatabase &db, const QString &jobId, const QString &folder, int minFiles)
    {
        const QList<Store::DownloadRecord> records = db.downloads(jobId);
        QVERIFY2(records.size() >= minFiles, qPrintable(jobId));
        QStringList onDisk;
        for (const Store::DownloadRecord &r : records) {
            QCOMPARE(r.state, Store::DownloadRecord::State::Done);
            QVERIFY2(QFileInfo::exists(r.path), qPrintable(r.path));
            QCOMPARE(QFileInfo(r.path).absolutePath(), QDir(folder).absolutePath());
            QCOMPARE(sha256Of(r.path), r.sha256);
            QCOMPARE(QFileInfo(r.path).size(), r.bytes);
            onDisk.append(r.sha256);
        }
        QStringList served;
        const QJsonArray outputs = m_sb->job(m_http, jobId).value(k("outputs")).toArray();
        for (const QJsonValue &o : outputs)
            served.append(o.toObject().value(k("sha256")).toString());
        onDisk.sort();
        served.sort();
        QCOMPARE(onDisk, served);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sb = std::make_unique<TestSandbox>();
        m_http.setSandboxToken(m_sb->controlToken());
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
    }

    // A Peako render (folder from setFolderFor) and a PeelAPI portrait (an explicit download
    // folder) settle succeeded, their files match the sandbox's, the history has both with every
    // download done; a second session on the same file then has nothing to re-attach to.
    void submitFollowDownloadRecord()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString historyPath = dir.filePath(QStringLiteral("history.sqlite"));
        const QString library = dir.filePath(QStringLiteral("library"));
        const QString explicitDir = dir.filePath(QStringLiteral("explicit"));
        QString peakoId, peelId;
        {
            QNetworkAccessManager nam;
            Tracker::JobTracker tracker;
            std::unique_ptr<Store::JobHistory> history = openHistory(historyPath);
            QVERIFY(history);
            Session::JobSession session(&nam, &tracker, history.get(), keys());
            session.setAutoDownload(true);
            session.setFolderFor(
                [&](const Store::StoredJob &) { return library; }); // jobs go to library/<id>
            int added = 0;
            for (const Core::Profile &p : { profile(Core::Dialect::Peako, "peako", true),
                     profile(Core::Dialect::PeelApi, "peelapi", true) })
                QObject::connect(
                    session.addProfile(p), &Core::Operation::result, [&](Core::Operation *op) {
                        QVERIFY2(!op->failed(), qPrintable(op->errorString()));
                        ++added;
                    });
            QTRY_COMPARE(added, 2);
            QSignalSpy submitted(&session, &Session::JobSession::submitted);
            QSignalSpy submitFailed(&session, &Session::JobSession::submitFailed);
            QSignalSpy settled(&session, &Session::JobSession::settled);
            QSignalSpy fatal(&session, &Session::JobSession::jobFatal);
            QSignalSpy finished(&session, &Session::JobSession::downloadsFinished);

            session.submit(QStringLiteral("peako"), QStringLiteral("api/render"),
                QJsonObject { { k("template"), QStringLiteral("promo") }, { k("duration_s"), 1 } },
                Follow::Via::Auto);
            session.submit(QStringLiteral("peelapi"), QStringLiteral("v1/portrait"),
                QJsonObject { { k("prompt"), QStringLiteral("a fox in the snow") },
                    { k("width"), 64 }, { k("height"), 64 } },
                Follow::Via::Auto, 1, explicitDir);
            QTRY_VERIFY_WITH_TIMEOUT(submitted.count() == 2 || !submitFailed.isEmpty(), 15000);
            QVERIFY(submitFailed.isEmpty());
            for (const QList<QVariant> &s : std::as_const(submitted))
                (s.at(1).toString() == QLatin1String("peako") ? peakoId : peelId)
                    = s.at(0).toString();
            QVERIFY(!peakoId.isEmpty() && !peelId.isEmpty());
            QCOMPARE(session.activeJobs(), 2);

            QTRY_VERIFY_WITH_TIMEOUT(
                (settled.count() == 2 && finished.count() == 2) || !fatal.isEmpty(), 60000);
            QVERIFY(fatal.isEmpty());
            for (const QList<QVariant> &s : std::as_const(settled))
                QCOMPARE(s.at(1).value<Core::JobState>(), Core::JobState::Succeeded);
            for (const QList<QVariant> &f : std::as_const(finished))
                QVERIFY2(
                    f.at(1).toBool(), qPrintable(f.at(2).toStringList().join(QLatin1Char(';'))));
            QTRY_VERIFY(session.isIdle());
            QCOMPARE(session.activeJobs(), 0);
            QVERIFY(m_keyRefsAsked.isEmpty()); // both profiles came with their keys
        } // the session flushes the history; the history closes on its thread

        Store::HistoryDatabase db;
        QVERIFY(db.open(historyPath, nullptr));
        QCOMPARE(db.jobCount(), 2);
        for (const QString &id : { peakoId, peelId }) {
            const std::optional<Store::StoredJob> s = db.job(id);
            QVERIFY(s);
            QCOMPARE(s->job.state, std::optional<Core::JobState>(Core::JobState::Succeeded));
            QVERIFY(!s->job.timeline.isEmpty());
            QVERIFY(!s->job.outputs.isEmpty());
            QVERIFY(s->profile.apiKey.isEmpty());
        }
        QCOMPARE(db.job(peakoId)->job.task, QStringLiteral("api/render"));
        QCOMPARE(db.job(peakoId)->profile.dialect, Core::Dialect::Peako);
        QCOMPARE(db.job(peelId)->downloadDir, explicitDir);
        verifyFiles(db, peakoId, library + QLatin1Char('/') + peakoId, 1);
        verifyFiles(
            db, peelId, explicitDir + QLatin1Char('/') + peelId, 4); // w256, w512, w1024, full
        QVERIFY(db.jobs(true).isEmpty());
        // No key anywhere in the file.
        QFile raw(historyPath);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        const QByteArray bytes = raw.readAll();
        QVERIFY(!bytes.contains(m_sb->key("peako")));
        QVERIFY(!bytes.contains(m_sb->key("peelapi")));

        // A second process on the same history: nothing is left to re-attach to.
        QNetworkAccessManager nam;
        Tracker::JobTracker tracker;
        std::unique_ptr<Store::JobHistory> history = openHistory(historyPath);
        QVERIFY(history);
        Session::JobSession again(&nam, &tracker, history.get(), keys());
        int resumed = -1;
        Session::JobOperation *resume = again.resumeUnfinished();
        QObject::connect(
            resume, &Core::Operation::result, [&, resume] { resumed = resume->count(); });
        QTRY_COMPARE(resumed, 0);
        QCOMPARE(tracker.size(), 0);
        QCOMPARE(again.activeJobs(), 0);
        QVERIFY(again.isIdle());
    }

    // A job the history left queued (submitted by an earlier process, which then went away) is
    // re-attached by resumeUnfinished with its key looked up from the stored reference, followed
    // until it succeeds, and its file downloaded into the recorded folder.
    void resumesQueuedJob()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString historyPath = dir.filePath(QStringLiteral("history.sqlite"));
        const QString downloadDir = dir.filePath(QStringLiteral("resumed"));
        const QJsonObject input { { k("template"), QStringLiteral("promo") },
            { k("duration_s"), 1 } };
        QJsonObject body = input;
        body.insert(k("sandbox"), QJsonObject { { k("hold"), QStringLiteral("queued") } });
        const HttpResult r = m_http.post(
            m_sb->base("peako") + QStringLiteral("/api/render"), body, m_sb->apiKey("peako"));
        QCOMPARE(r.status, 202);
        const QString id = r.json().value(k("jobId")).toString();
        QVERIFY(!id.isEmpty());
        {
            Store::HistoryDatabase db;
            QVERIFY(db.open(historyPath, nullptr));
            Store::StoredJob s;
            s.profile = profile(Core::Dialect::Peako, "peako", false);
            s.via = Follow::Via::Auto;
            s.downloadDir = downloadDir;
            s.job.id = id;
            s.job.profile = s.profile.name;
            s.job.dialect = Core::Dialect::Peako;
            s.job.task = QStringLiteral("api/render");
            s.job.input = input;
            s.job.state = Core::JobState::Queued;
            s.job.rawStatus = QStringLiteral("queued");
            QVERIFY(db.recordJob(s));
            QCOMPARE(db.jobs(true).size(), 1);
        }

        m_keyRefsAsked.clear();
        QNetworkAccessManager nam;
        Tracker::JobTracker tracker;
        std::unique_ptr<Store::JobHistory> history = openHistory(historyPath);
        QVERIFY(history);
        Session::JobSession session(&nam, &tracker, history.get(), keys());
        QSignalSpy settled(&session, &Session::JobSession::settled);
        QSignalSpy fatal(&session, &Session::JobSession::jobFatal);
        QSignalSpy finished(&session, &Session::JobSession::downloadsFinished);
        int resumed = -1;
        Session::JobOperation *resume = session.resumeUnfinished();
        QObject::connect(
            resume, &Core::Operation::result, [&, resume] { resumed = resume->count(); });
        QTRY_COMPARE(resumed, 1);
        QCOMPARE(m_keyRefsAsked, QStringList { QStringLiteral("env:TEST_KEY_PEAKO") });
        QVERIFY(tracker.job(id));
        QCOMPARE(tracker.job(id)->state, std::optional<Core::JobState>(Core::JobState::Queued));
        QCOMPARE(session.activeJobs(), 1);
        QVERIFY(settled.isEmpty()); // held queued until released

        QCOMPARE(
            m_http
                .post(m_sb->control() + QStringLiteral("/jobs/") + id + QStringLiteral("/release"),
                    {})
                .status,
            200);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1 || !fatal.isEmpty(), 60000);
        QVERIFY(fatal.isEmpty());
        QCOMPARE(settled.count(), 1);
        QCOMPARE(settled.first().at(0).toString(), id);
        QCOMPARE(settled.first().at(1).value<Core::JobState>(), Core::JobState::Succeeded);
        QVERIFY(finished.first().at(1).toBool());
        QTRY_VERIFY(session.isIdle());
        history->flush();

        Store::HistoryDatabase db;
        QVERIFY(db.open(historyPath, nullptr));
        const std::optional<Store::StoredJob> s = db.job(id);
        QVERIFY(s);
        QCOMPARE(s->job.state, std::optional<Core::JobState>(Core::JobState::Succeeded));
        QVERIFY(!s->job.timeline.isEmpty());
        verifyFiles(db, id, downloadDir + QLatin1Char('/') + id, 1);
        QVERIFY(db.jobs(true).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestJobSession)
#include "tst_jobsession.moc"
