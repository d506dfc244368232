// Proves that `jobscope-cli keys` stores a key read from stdin in a real keychain and only a
// reference in the profiles file, lists, switches, removes and tests keys against the sandbox with
// the documented exit codes, never prints a key, and stores nothing when no keychain is reachable.
#include "cli/keyscommand.h"
#include "privatekeyring.h"
#include "secrets/keystore.h"
#include "settings/profileregistry.h"
#include "testhttp.h"

#include <QBuffer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using Cli::KeysCommand;
using Cli::KeysRequest;

namespace {

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
    QList<QJsonObject> lines() const
    {
        QList<QJsonObject> r;
        for (const QByteArray &line : out.split('\n')) {
            if (!line.isEmpty())
                r.append(QJsonDocument::fromJson(line).object());
        }
        return r;
    }
};

} // namespace

class TstKeysCommand : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_profiles;
    QString m_service;
    std::unique_ptr<TestSupport::TestSandbox> m_sandbox;
    QNetworkAccessManager m_nam;

    Run keys(const QStringList &arguments, const QByteArray &stdinBytes = {})
    {
        Run run;
        KeysRequest request;
        QString error;
        if (!KeysRequest::parse(arguments, &request, &error)) {
            run.code = 2;
            run.err = error.toUtf8();
            return run;
        }
        QBuffer in;
        in.setData(stdinBytes);
        in.open(QIODevice::ReadOnly);
        QBuffer out;
        out.open(QIODevice::WriteOnly);
        QBuffer err;
        err.open(QIODevice::WriteOnly);
        // A fresh store and registry per run, as each CLI process has.
        Settings::ProfileRegistry registry(m_profiles);
        Secrets::KeyStore store(m_service);
        KeysCommand command(request, &in, &out, &err, &registry, &store, &m_nam);
        QSignalSpy finished(&command, &KeysCommand::finished);
        command.start();
        if (!QTest::qWaitFor([&] { return finished.count() > 0; }, 30000))
            return run;
        [&] {
            QCOMPARE(finished.count(), 1);
        }();
        run.code = finished.first().first().toInt();
        run.out = out.data();
        run.err = err.data();
        return run;
    }

    QByteArray profilesFile() const
    {
        QFile f(m_profiles);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sandbox = std::make_unique<TestSupport::TestSandbox>();
        QVERIFY2(m_sandbox->ok(), qPrintable(m_sandbox->error()));
        m_profiles = m_dir.filePath(QStringLiteral("config/jobscope/profiles.json"));
        m_service
            = QStringLiteral("jobscope-test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    }

    void init()
    {
        // One sandbox profile, written the way an older CLI user would: no keys yet.
        QDir().mkpath(QFileInfo(m_profiles).absolutePath());
        QFile f(m_profiles);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        const QJsonObject sb { { QStringLiteral("name"), QStringLiteral("sb") },
            { QStringLiteral("dialect"), QStringLiteral("peelapi") },
            { QStringLiteral("base_url"), m_sandbox->base("peelapi") },
            { QStringLiteral("sandbox"), true } };
        f.write(QJsonDocument(QJsonObject { { QStringLiteral("profiles"), QJsonArray { sb } } })
                    .toJson());
    }

    // Argument parsing: actions, --label, --json anywhere, usage errors.
    void parsing()
    {
        KeysRequest r;
        QString error;
        QVERIFY(KeysRequest::parse({ QStringLiteral("--json"), QStringLiteral("keys"),
                                       QStringLiteral("list"), QStringLiteral("work") },
            &r, &error));
        QCOMPARE(r.action, QStringLiteral("list"));
        QCOMPARE(r.profile, QStringLiteral("work"));
        QVERIFY(r.json);
        QVERIFY(KeysRequest::parse(
            { QStringLiteral("set"), QStringLiteral("work"), QStringLiteral("--label=ci") }, &r,
            &error));
        QCOMPARE(r.label, QStringLiteral("ci"));
        QVERIFY(!KeysRequest::parse(
            { QStringLiteral("keys"), QStringLiteral("frob"), QStringLiteral("work") }, &r,
            &error));
        QVERIFY(!KeysRequest::parse({ QStringLiteral("keys"), QStringLiteral("set") }, &r, &error));
        QVERIFY(!KeysRequest::parse(
            { QStringLiteral("keys"), QStringLiteral("set"), QStringLiteral("w"),
                QStringLiteral("--label"), QStringLiteral("a/b") },
            &r, &error));
        QVERIFY(KeysRequest::isKeysCommand({ QStringLiteral("--json"), QStringLiteral("keys"),
            QStringLiteral("list"), QStringLiteral("w") }));
        QVERIFY(!KeysRequest::isKeysCommand({ QStringLiteral("status"), QStringLiteral("keys") }));
    }

    // set → list → test (accepted) → a second, wrong key becomes active → test (refused) → remove.
    void fullCycleWithKeychain()
    {
        JOBSCOPE_REQUIRE_KEYRING_MODE("private");
        const QByteArray right = m_sandbox->key("peelapi");
        const QByteArray wrong
            = "wrong-key-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);

        Run r = keys({ QStringLiteral("keys"), QStringLiteral("set"), QStringLiteral("sb") },
            "  " + right + "  \n");
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.out.contains("keychain:sb/default"));

        r = keys({ QStringLiteral("--json"), QStringLiteral("keys"), QStringLiteral("list"),
            QStringLiteral("sb") });
        QCOMPARE(r.code, 0);
        QCOMPARE(r.lines().size(), 1);
        QCOMPARE(
            r.lines().first().value(QLatin1String("label")).toString(), QStringLiteral("default"));
        QCOMPARE(r.lines().first().value(QLatin1String("ref")).toString(),
            QStringLiteral("keychain:sb/default"));
        QCOMPARE(r.lines().first().value(QLatin1String("active")).toBool(), true);

        r = keys({ QStringLiteral("keys"), QStringLiteral("test"), QStringLiteral("sb") });
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.out.contains("accepted"));

        r = keys({ QStringLiteral("keys"), QStringLiteral("set"), QStringLiteral("sb"),
                     QStringLiteral("--label"), QStringLiteral("old") },
            wrong + "\n");
        QCOMPARE(r.code, 0);
        r = keys({ QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("sb") });
        QVERIFY2(r.out.contains("* old  keychain:sb/old"), r.out.constData());
        QVERIFY(r.out.contains("  default  keychain:sb/default"));

        r = keys({ QStringLiteral("--json"), QStringLiteral("keys"), QStringLiteral("test"),
            QStringLiteral("sb") });
        QCOMPARE(r.code, 1);
        QCOMPARE(r.lines().first().value(QLatin1String("verdict")).toString(),
            QStringLiteral("refused"));
        QCOMPARE(r.lines().first().value(QLatin1String("http_status")).toInt(), 401);

        r = keys({ QStringLiteral("keys"), QStringLiteral("remove"), QStringLiteral("sb") });
        QCOMPARE(r.code, 2); // two keys: which one?
        r = keys({ QStringLiteral("keys"), QStringLiteral("remove"), QStringLiteral("sb"),
            QStringLiteral("--label"), QStringLiteral("old") });
        QVERIFY2(r.code == 0, r.err.constData());
        r = keys({ QStringLiteral("keys"), QStringLiteral("test"), QStringLiteral("sb") });
        QCOMPARE(r.code, 2); // the active key was removed: none is active now

        {
            Secrets::KeyStore store(m_service);
            std::optional<bool> gone;
            Secrets::KeyOperation *read = store.readKey(QStringLiteral("keychain:sb/old"));
            connect(read, &Core::Operation::result, &store, [&, read] { gone = read->notFound(); });
            QTRY_VERIFY_WITH_TIMEOUT(gone.has_value(), 20000);
            QVERIFY(*gone);
        }
        r = keys({ QStringLiteral("keys"), QStringLiteral("remove"), QStringLiteral("sb") });
        QCOMPARE(r.code, 0); // the only key left

        const QByteArray file = profilesFile();
        QVERIFY(file.contains("\"sandbox\": true"));
        QVERIFY(!file.contains(right));
        QVERIFY(!file.contains(wrong));
    }

    // Keys never reach stdout or stderr, whatever the command.
    void keyNeverPrinted()
    {
        JOBSCOPE_REQUIRE_KEYRING_MODE("private");
        const QByteArray right = m_sandbox->key("peelapi");
        QByteArray all;
        for (const QStringList &args :
            QList<QStringList> { { QStringLiteral("set"), QStringLiteral("sb") },
                { QStringLiteral("--json"), QStringLiteral("list"), QStringLiteral("sb") },
                { QStringLiteral("list"), QStringLiteral("sb") },
                { QStringLiteral("test"), QStringLiteral("sb") },
                { QStringLiteral("--json"), QStringLiteral("test"), QStringLiteral("sb") },
                { QStringLiteral("remove"), QStringLiteral("sb") } }) {
            const Run r = keys(args, right + "\n");
            QVERIFY2(r.code == 0,
                qPrintable(
                    args.join(QLatin1Char(' ')) + QStringLiteral(": ") + QString::fromUtf8(r.err)));
            all += r.out + r.err;
        }
        QVERIFY(!all.isEmpty());
        QVERIFY(!all.contains(right));
    }

    // Usage errors: empty key on stdin, unknown profile, unknown label.
    void usageErrors()
    {
        if (TestSupport::keyringMode().startsWith(QLatin1String("missing")))
            QSKIP(qPrintable(TestSupport::keyringMode()));
        Run r = keys({ QStringLiteral("set"), QStringLiteral("sb") }, "   \n");
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("No key on standard input"));
        r = keys({ QStringLiteral("set"), QStringLiteral("nobody") }, "k-123456\n");
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("No profile named \"nobody\""));
        r = keys({ QStringLiteral("remove"), QStringLiteral("sb"), QStringLiteral("--label"),
            QStringLiteral("ghost") });
        QCOMPARE(r.code, 2);
        r = keys({ QStringLiteral("list"), QStringLiteral("sb") });
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("has no key"));
    }

    // An older profile with only key_env: list shows it, test uses the environment variable.
    void environmentKeyProfile()
    {
        if (TestSupport::keyringMode().startsWith(QLatin1String("missing")))
            QSKIP(qPrintable(TestSupport::keyringMode()));
        QFile f(m_profiles);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        const QJsonObject env { { QStringLiteral("name"), QStringLiteral("envp") },
            { QStringLiteral("dialect"), QStringLiteral("peako") },
            { QStringLiteral("base_url"), m_sandbox->base("peako") },
            { QStringLiteral("key_env"), QStringLiteral("JOBSCOPE_TEST_PEAKO_KEY") } };
        f.write(QJsonDocument(QJsonObject { { QStringLiteral("profiles"), QJsonArray { env } } })
                    .toJson());
        f.close();
        qputenv("JOBSCOPE_TEST_PEAKO_KEY", m_sandbox->key("peako"));
        Run r = keys({ QStringLiteral("list"), QStringLiteral("envp") });
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("env:JOBSCOPE_TEST_PEAKO_KEY"), r.out.constData());
        r = keys({ QStringLiteral("test"), QStringLiteral("envp") });
        QVERIFY2(r.code == 0, r.err.constData());
        qunsetenv("JOBSCOPE_TEST_PEAKO_KEY");
    }

    // The entry point climain calls: parses, runs on $JOBSCOPE_PROFILES, returns the exit code.
    void execEntryPoint()
    {
        qputenv("JOBSCOPE_PROFILES", m_profiles.toUtf8());
        QBuffer in, out, err;
        in.open(QIODevice::ReadOnly);
        out.open(QIODevice::WriteOnly);
        err.open(QIODevice::WriteOnly);
        QCOMPARE(KeysCommand::exec(
                     { QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("sb") }, &in,
                     &out, &err),
            0);
        QVERIFY2(out.data().contains("has no key"), out.data().constData());
        QCOMPARE(
            KeysCommand::exec({ QStringLiteral("keys"), QStringLiteral("list") }, &in, &out, &err),
            2);
        QVERIFY(err.data().contains("usage: jobscope-cli keys"));
        qunsetenv("JOBSCOPE_PROFILES");
    }

    // No keychain: `set` stores nothing anywhere, exits 3 and says why in the agreed sentence.
    void setWithoutKeychain()
    {
        JOBSCOPE_REQUIRE_KEYRING_MODE("nobus");
        const QByteArray before = profilesFile();
        const QByteArray key
            = "sk-nowhere-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        const Run r = keys({ QStringLiteral("set"), QStringLiteral("sb") }, key + "\n");
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.startsWith("No system keychain is reachable ("), r.err.constData());
        QVERIFY(r.err.contains("Nothing was stored."));
        QCOMPARE(profilesFile(), before);
        QCOMPARE(TestSupport::filesContaining(TestSupport::keyringHome(), key), QStringList());
        QCOMPARE(TestSupport::filesContaining(m_dir.path(), key), QStringList());
    }
};

JOBSCOPE_KEYRING_TEST_MAIN(TstKeysCommand)
#include "tst_keyscommand.moc"
