// Proves that ProfileRegistry round-trips profiles, their key references and the active key
// through profiles.json in the format jobscope-cli reads, keeps unknown fields, replaces the file
// atomically, and never writes a key (the file is grepped for the test keys).
#include "settings/profileregistry.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using Settings::ProfileEntry;
using Settings::ProfileRegistry;

namespace {

const QByteArray TestKey = "sk-registry-test-key-8642";
const QByteArray TestSecret = "whsec-registry-test-9753";

QByteArray bytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TstProfileRegistry : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    Core::Profile sampleProfile() const
    {
        Core::Profile p = Core::Profile::defaultsFor(Core::Dialect::DeApi);
        p.name = QStringLiteral("work");
        p.baseUrl = QUrl(QStringLiteral("https://api.example.test"));
        p.clientId = QStringLiteral("client-7");
        p.apiKey = QString::fromLatin1(TestKey);
        p.webhookSecret = QString::fromLatin1(TestSecret);
        p.webhookSecretRef = QStringLiteral("keychain:work/webhook");
        p.allowInsecure = true;
        return p;
    }

private Q_SLOTS:
    // A missing file is an empty registry; the default path honours JOBSCOPE_PROFILES.
    void missingFileAndDefaultPath()
    {
        ProfileRegistry r(m_dir.filePath(QStringLiteral("none/profiles.json")));
        QVERIFY(r.load());
        QVERIFY(r.profiles().isEmpty());
        qputenv("JOBSCOPE_PROFILES", "/somewhere/p.json");
        QCOMPARE(ProfileRegistry::defaultPath(), QStringLiteral("/somewhere/p.json"));
        qunsetenv("JOBSCOPE_PROFILES");
        qputenv("XDG_CONFIG_HOME", "/cfg");
        QCOMPARE(ProfileRegistry::defaultPath(), QStringLiteral("/cfg/jobscope/profiles.json"));
        qunsetenv("XDG_CONFIG_HOME");
    }

    // Profiles with several keys, one active, survive save and load; keys never reach the file.
    void roundTripWithKeys()
    {
        const QString path = m_dir.filePath(QStringLiteral("a/profiles.json"));
        {
            ProfileRegistry r(path);
            QSignalSpy changed(&r, &ProfileRegistry::changed);
            QVERIFY(r.upsert(sampleProfile()));
            QVERIFY(r.addKey(QStringLiteral("work"), QStringLiteral("main"),
                QStringLiteral("keychain:work/main")));
            QVERIFY(r.addKey(
                QStringLiteral("work"), QStringLiteral("ci"), QStringLiteral("env:CI_KEY")));
            QCOMPARE(r.profile(QStringLiteral("work"))->activeKey,
                QStringLiteral("main")); // the first key
            QVERIFY(r.setActiveKey(QStringLiteral("work"), QStringLiteral("ci")));
            QVERIFY(!r.setActiveKey(QStringLiteral("work"), QStringLiteral("nope")));
            QVERIFY(
                !r.addKey(QStringLiteral("ghost"), QStringLiteral("x"), QStringLiteral("env:X")));
            ProfileEntry sandbox;
            sandbox.profile = Core::Profile::defaultsFor(Core::Dialect::Peako);
            sandbox.profile.name = QStringLiteral("local");
            sandbox.profile.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:8080/peako"));
            sandbox.sandbox = true;
            QVERIFY(r.upsert(sandbox));
            QCOMPARE(changed.count(), 5);
            QString error;
            QVERIFY2(r.save(&error), qPrintable(error));
        }
        const QByteArray file = bytes(path);
        QVERIFY(!file.contains(TestKey));
        QVERIFY(!file.contains(TestSecret));
        QVERIFY(QFile::permissions(path) & QFileDevice::ReadOwner);
        QVERIFY(!(QFile::permissions(path) & QFileDevice::ReadOther));

        // The CLI's reader needs name, dialect, base_url and key_env at the top of each record.
        const QJsonObject work = QJsonDocument::fromJson(file)
                                     .object()
                                     .value(QLatin1String("profiles"))
                                     .toArray()
                                     .at(0)
                                     .toObject();
        QCOMPARE(work.value(QLatin1String("name")).toString(), QStringLiteral("work"));
        QCOMPARE(work.value(QLatin1String("dialect")).toString(), QStringLiteral("deapi"));
        QCOMPARE(work.value(QLatin1String("base_url")).toString(),
            QStringLiteral("https://api.example.test"));
        QCOMPARE(work.value(QLatin1String("key_ref")).toString(), QStringLiteral("env:CI_KEY"));
        QCOMPARE(work.value(QLatin1String("key_env")).toString(), QStringLiteral("CI_KEY"));
        QCOMPARE(work.value(QLatin1String("active_key")).toString(), QStringLiteral("ci"));
        QCOMPARE(work.value(QLatin1String("keys")).toArray().size(), 2);
        QCOMPARE(work.value(QLatin1String("client_id")).toString(), QStringLiteral("client-7"));
        QCOMPARE(work.value(QLatin1String("allow_insecure")).toBool(), true);

        ProfileRegistry r(path);
        QVERIFY(r.load());
        QCOMPARE(r.names(), (QStringList { QStringLiteral("work"), QStringLiteral("local") }));
        const ProfileEntry e = *r.profile(QStringLiteral("work"));
        QCOMPARE(e.profile.dialect, Core::Dialect::DeApi);
        QCOMPARE(e.profile.baseUrl, QUrl(QStringLiteral("https://api.example.test")));
        QCOMPARE(e.profile.keyRef, QStringLiteral("env:CI_KEY"));
        QCOMPARE(e.profile.webhookSecretRef, QStringLiteral("keychain:work/webhook"));
        QVERIFY(e.profile.apiKey.isEmpty());
        QVERIFY(e.profile.webhookSecret.isEmpty());
        QCOMPARE(e.keys.size(), 2);
        QCOMPARE(e.keys.at(0).label, QStringLiteral("main"));
        QCOMPARE(e.keys.at(0).ref, QStringLiteral("keychain:work/main"));
        QVERIFY(e.keys.at(0).added.isValid());
        QCOMPARE(e.activeKey, QStringLiteral("ci"));
        QVERIFY(e.profile.allowInsecure);
        QVERIFY(r.profile(QStringLiteral("local"))->sandbox);
        QCOMPARE(r.profile(QStringLiteral("local"))->profile.dialect, Core::Dialect::Peako);
    }

    // Removing the active key leaves none active; removing a profile drops it; upsert replaces.
    void removeAndReplace()
    {
        ProfileRegistry r(m_dir.filePath(QStringLiteral("b/profiles.json")));
        QVERIFY(r.upsert(sampleProfile()));
        QVERIFY(r.addKey(
            QStringLiteral("work"), QStringLiteral("one"), QStringLiteral("keychain:work/one")));
        QVERIFY(r.addKey(
            QStringLiteral("work"), QStringLiteral("two"), QStringLiteral("keychain:work/two")));
        QCOMPARE(
            r.profile(QStringLiteral("work"))->profile.keyRef, QStringLiteral("keychain:work/one"));
        QVERIFY(r.removeKey(QStringLiteral("work"), QStringLiteral("one")));
        QVERIFY(r.profile(QStringLiteral("work"))->activeKey.isEmpty());
        QVERIFY(r.profile(QStringLiteral("work"))->profile.keyRef.isEmpty());
        QVERIFY(!r.removeKey(QStringLiteral("work"), QStringLiteral("one")));
        QCOMPARE(r.profile(QStringLiteral("work"))->keys.size(), 1);

        Core::Profile changed = sampleProfile();
        changed.baseUrl = QUrl(QStringLiteral("https://other.example.test"));
        QVERIFY(
            r.upsert(changed, { { QStringLiteral("k"), QStringLiteral("keychain:work/k"), {} } },
                QStringLiteral("k")));
        QCOMPARE(r.profiles().size(), 1);
        QCOMPARE(r.profile(QStringLiteral("work"))->profile.baseUrl, changed.baseUrl);
        QCOMPARE(
            r.profile(QStringLiteral("work"))->profile.keyRef, QStringLiteral("keychain:work/k"));
        QVERIFY(r.profile(QStringLiteral("work"))->profile.apiKey.isEmpty());
        QVERIFY(!r.upsert(Core::Profile {}));
        QVERIFY(r.remove(QStringLiteral("work")));
        QVERIFY(!r.remove(QStringLiteral("work")));
        QVERIFY(r.profiles().isEmpty());
    }

    // A file written by hand or by an older CLI: key_env only, missing fields take the dialect's
    // defaults, unknown fields and top-level fields survive a save, a key typed in is dropped.
    void olderFileIsKept()
    {
        const QString path = m_dir.filePath(QStringLiteral("c/profiles.json"));
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"version\": 1, \"profiles\": [{\"name\": \"old\", \"dialect\": \"peelapi\", "
                "\"key_env\": \"PEEL_KEY\","
                " \"favourite\": \"yes\", \"api_key\": \""
            + TestKey
            + "\"},"
              " {\"name\": \"broken\", \"dialect\": \"nope\"}, {\"dialect\": \"peako\"}]}");
        f.close();
        ProfileRegistry r(path);
        QVERIFY(r.load());
        QCOMPARE(r.names(), QStringList { QStringLiteral("old") });
        const ProfileEntry e = *r.profile(QStringLiteral("old"));
        QCOMPARE(e.profile.keyRef, QStringLiteral("env:PEEL_KEY"));
        QCOMPARE(e.profile.baseUrl, Core::Profile::defaultsFor(Core::Dialect::PeelApi).baseUrl);
        QVERIFY(e.keys.isEmpty());
        QVERIFY(r.save());
        const QByteArray file = bytes(path);
        QVERIFY(file.contains("\"favourite\": \"yes\""));
        QVERIFY(file.contains("\"version\": 1"));
        QVERIFY(file.contains("\"key_env\": \"PEEL_KEY\""));
        QVERIFY(!file.contains(TestKey));
    }

    // A corrupt file is an error with a sentence, and the registry is empty.
    void corruptFile()
    {
        const QString path = m_dir.filePath(QStringLiteral("d.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"profiles\": [");
        f.close();
        ProfileRegistry r(path);
        QString error;
        QVERIFY(!r.load(&error));
        QVERIFY2(error.contains(QLatin1String("is not a profiles file")), qPrintable(error));
        QVERIFY(r.profiles().isEmpty());
    }

    // save() replaces the file whole (QSaveFile): no temporary is left next to it.
    void atomicSave()
    {
        const QString path = m_dir.filePath(QStringLiteral("e/profiles.json"));
        ProfileRegistry r(path);
        QVERIFY(r.upsert(sampleProfile()));
        QVERIFY(r.save());
        QVERIFY(r.save());
        QCOMPARE(QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files),
            QStringList { QStringLiteral("profiles.json") });
        ProfileRegistry unwritable(QStringLiteral("/proc/jobscope-cannot-write/profiles.json"));
        QVERIFY(unwritable.upsert(sampleProfile()));
        QString error;
        QVERIFY(!unwritable.save(&error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstProfileRegistry)
#include "tst_profileregistry.moc"
