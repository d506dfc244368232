// Proves that KeyStore keeps keys in a real Secret Service (gnome-keyring on a private bus) and
// nowhere else, that every call answers asynchronously, and that without a session bus it says so
// and keeps keys in memory for the session only.
#include "privatekeyring.h"
#include "secrets/keystore.h"

#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>
#include <optional>

using Secrets::KeyOperation;
using Secrets::KeyStore;

namespace {

QString uniqueService()
{
    return QStringLiteral("jobscope-test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// What a KeyOperation reported, as a value the checks below compare.
enum class Status { Ok, NotFound, Failed };
struct Result
{
    QString ref;
    Status status = Status::Failed;
    QString key;
    QString message;
    bool ok() const { return status == Status::Ok; }
};

Result resultOf(const KeyOperation *op)
{
    return { op->ref(),
        !op->failed()        ? Status::Ok
            : op->notFound() ? Status::NotFound
                             : Status::Failed,
        op->key(), op->errorString() };
}

// Waits for one operation's result (it reports once, later, then deletes itself).
Result waitFor(KeyOperation *op)
{
    const QString ref = op->ref();
    std::optional<Result> result;
    QObject context;
    QObject::connect(
        op, &Core::Operation::result, &context, [&result, op] { result = resultOf(op); });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 20000))
        return { ref, Status::Failed, {}, QStringLiteral("no answer") };
    return *result;
}

Result readSync(KeyStore &store, const QString &ref)
{
    return waitFor(store.readKey(ref));
}

Result writeSync(KeyStore &store, const QString &ref, const QString &key)
{
    return waitFor(store.writeKey(ref, key));
}

Result removeSync(KeyStore &store, const QString &ref)
{
    return waitFor(store.removeKey(ref));
}

} // namespace

class TstKeyStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // With a reachable Secret Service: write, read back, overwrite, remove, read missing.
    void roundTripThroughKeyring()
    {
        JOBSCOPE_REQUIRE_KEYRING_MODE("private");
        KeyStore store(uniqueService());
        QSignalSpy known(&store, &KeyStore::availabilityKnown);
        QSignalSpy changed(&store, &KeyStore::keyChanged);
        const QString ref
            = KeyStore::keychainRef(QStringLiteral("work"), QStringLiteral("default"));
        QCOMPARE(ref, QStringLiteral("keychain:work/default"));

        Result r = writeSync(store, ref, QStringLiteral("sk-first-0123456789"));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(known.count(), 1);
        QCOMPARE(known.first().first().toBool(), false);
        QVERIFY(!store.isMemoryOnly());
        QVERIFY(store.availabilityMessage().isEmpty());

        r = readSync(store, ref);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.key, QStringLiteral("sk-first-0123456789"));

        QVERIFY(writeSync(store, ref, QStringLiteral("sk-second-9876543210")).ok());
        QCOMPARE(readSync(store, ref).key, QStringLiteral("sk-second-9876543210"));

        QVERIFY(removeSync(store, ref).ok());
        r = readSync(store, ref);
        QCOMPARE(r.status, Status::NotFound);
        QVERIFY(r.key.isEmpty());
        QCOMPARE(changed.count(), 3); // two writes, one removal
        QCOMPARE(known.count(), 1); // probed once
    }

    // The key really is in the Secret Service (another client finds it) and in no file in clear.
    void keyLivesInSecretServiceOnly()
    {
        JOBSCOPE_REQUIRE_KEYRING_MODE("private");
        const QString service = uniqueService();
        KeyStore store(service);
        const QByteArray key
            = "sk-visible-to-secret-tool-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        QVERIFY(writeSync(store, KeyStore::keychainRef(QStringLiteral("p"), QStringLiteral("a")),
            QString::fromLatin1(key))
                    .ok());

        // QtKeychain's libsecret schema names the service "server" and the account "user".
        QProcess lookup;
        lookup.start(QStringLiteral("secret-tool"),
            { QStringLiteral("lookup"), QStringLiteral("server"), service, QStringLiteral("user"),
                QStringLiteral("p/a") });
        if (!lookup.waitForStarted(5000))
            QSKIP("secret-tool is not installed");
        QVERIFY(lookup.waitForFinished(20000));
        QCOMPARE(lookup.readAllStandardOutput().trimmed(), key);

        QVERIFY(!TestSupport::keyringHome().isEmpty());
        QCOMPARE(TestSupport::filesContaining(TestSupport::keyringHome(), key), QStringList());
        QVERIFY(removeSync(store, KeyStore::keychainRef(QStringLiteral("p"), QStringLiteral("a")))
                    .ok());
    }

    // Two services never see each other's keys.
    void servicesAreSeparate()
    {
        JOBSCOPE_REQUIRE_KEYRING_MODE("private");
        KeyStore a(uniqueService());
        KeyStore b(uniqueService());
        const QString ref = KeyStore::keychainRef(QStringLiteral("p"), QStringLiteral("x"));
        QVERIFY(writeSync(a, ref, QStringLiteral("key-of-a-123")).ok());
        QCOMPARE(readSync(b, ref).status, Status::NotFound);
        QCOMPARE(readSync(a, ref).key, QStringLiteral("key-of-a-123"));
        QVERIFY(removeSync(a, ref).ok());
    }

    // Calls made before the probe ends wait for it and run in order; no callback runs inside the
    // call; a destroyed context gets no callback; each operation reports once and deletes itself.
    void asynchronousContract()
    {
        JOBSCOPE_REQUIRE_KEYRING_MODE("private");
        KeyStore store(uniqueService());
        const QString ref = KeyStore::keychainRef(QStringLiteral("p"), QStringLiteral("order"));
        QStringList order;
        bool returned = false;
        KeyOperation *write = store.writeKey(ref, QStringLiteral("ordered-key-1"));
        connect(write, &Core::Operation::result, &store, [&, write] {
            QVERIFY(returned);
            order << QStringLiteral("write:%1").arg(!write->failed());
        });
        QPointer<KeyOperation> writeAlive(write);
        KeyOperation *read = store.readKey(ref);
        connect(read, &Core::Operation::result, &store,
            [&, read] { order << QStringLiteral("read:") + read->key(); });
        auto *context = new QObject;
        bool contextCalled = false;
        connect(
            store.readKey(ref), &Core::Operation::result, context, [&] { contextCalled = true; });
        delete context;
        returned = true;
        QVERIFY(order.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(order.size(), 2, 20000);
        QCOMPARE(order,
            (QStringList { QStringLiteral("write:1"), QStringLiteral("read:ordered-key-1") }));
        QTRY_VERIFY(writeAlive.isNull()); // deleted itself after reporting
        QVERIFY(removeSync(store, ref).ok());
        QVERIFY(!contextCalled);
    }

    // env: references read the environment and are never written; junk references are refused.
    void environmentAndMalformedRefs()
    {
        if (TestSupport::keyringMode().startsWith(QLatin1String("missing")))
            QSKIP(qPrintable(TestSupport::keyringMode()));
        KeyStore store(uniqueService());
        qputenv("JOBSCOPE_TEST_ENV_KEY", "  env-key-4567 \n");
        Result r = readSync(store, QStringLiteral("env:JOBSCOPE_TEST_ENV_KEY"));
        QVERIFY(r.ok());
        QCOMPARE(r.key, QStringLiteral("env-key-4567"));
        QCOMPARE(readSync(store, QStringLiteral("env:JOBSCOPE_TEST_UNSET_VAR")).status,
            Status::NotFound);
        r = writeSync(
            store, QStringLiteral("env:JOBSCOPE_TEST_ENV_KEY"), QStringLiteral("x-key-1234"));
        QCOMPARE(r.status, Status::Failed);
        QVERIFY(r.message.contains(QLatin1String("environment variable")));
        QCOMPARE(readSync(store, QStringLiteral("plain-text-key")).status, Status::Failed);
        QCOMPARE(writeSync(store, QStringLiteral("keychain:p/empty"), QStringLiteral("   ")).status,
            Status::Failed);
    }

    // Without a session bus: memory-only, said in the agreed sentence, keys live for this store's
    // life only, and nothing is written to any file (the plain-text fallback stays off).
    void memoryOnlyWithoutBus()
    {
        JOBSCOPE_REQUIRE_KEYRING_MODE("nobus");
        const QString service = uniqueService();
        const QString ref = KeyStore::keychainRef(QStringLiteral("p"), QStringLiteral("mem"));
        const QByteArray key
            = "sk-memory-only-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        {
            KeyStore store(service);
            QSignalSpy known(&store, &KeyStore::availabilityKnown);
            QVERIFY(!store.isProbed());
            QVERIFY(writeSync(store, ref, QString::fromLatin1(key)).ok());
            QCOMPARE(known.count(), 1);
            QCOMPARE(known.first().first().toBool(), true);
            QVERIFY(store.isMemoryOnly());
            const QString message = store.availabilityMessage();
            QVERIFY2(message.startsWith(QLatin1String("No system keychain is reachable (")),
                qPrintable(message));
            QVERIFY2(message.endsWith(QLatin1String("); keys are kept in memory for this session "
                                                    "only and will be asked for again.")),
                qPrintable(message));
            QVERIFY(!message.contains(QString::fromLatin1(key)));
            QCOMPARE(readSync(store, ref).key, QString::fromLatin1(key));
            QVERIFY(removeSync(store, ref).ok());
            QCOMPARE(readSync(store, ref).status, Status::NotFound);
            QVERIFY(writeSync(store, ref, QString::fromLatin1(key)).ok());
        }
        KeyStore later(service);
        QCOMPARE(readSync(later, ref).status, Status::NotFound);
        QCOMPARE(TestSupport::filesContaining(TestSupport::keyringHome(), key), QStringList());
    }

    // A keychain that does not answer in time counts as unreachable.
    void probeTimeoutMeansMemoryOnly()
    {
        JOBSCOPE_REQUIRE_KEYRING_MODE("private");
        KeyStore store(uniqueService());
        store.setProbeTimeoutMs(0);
        QSignalSpy known(&store, &KeyStore::availabilityKnown);
        store.probe();
        QTRY_COMPARE(known.count(), 1);
        QVERIFY(store.isMemoryOnly());
        QVERIFY(store.availabilityMessage().contains(QLatin1String("did not answer")));
        QTest::qWait(300); // "nothing more happens": the late keychain answer changes nothing
        QVERIFY(store.isMemoryOnly());
        QCOMPARE(known.count(), 1);
    }
};

JOBSCOPE_KEYRING_TEST_MAIN(TstKeyStore)
#include "tst_keystore.moc"
