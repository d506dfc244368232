// Proves that the Profiles and keys dialog round-trips profile edits through a ProfileRegistry
// file, stores keys through a real KeyStore (a private gnome-keyring, or memory-only with the
// banner shown when there is no session bus), never shows a stored key, and that Test tells a
// right sandbox key (Accepted) from a wrong one (Refused).
#include "privatekeyring.h"
#include "profiles/profilesdialog.h"
#include "secrets/keystore.h"
#include "settings/profileregistry.h"
#include "testhttp.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>
#include <QUuid>

using Settings::ProfileRegistry;
using Ui::ProfilesDialog;

namespace {

void shoot(QWidget *w, const QString &name)
{
    w->grab().save(QStringLiteral("/tmp/") + name + QStringLiteral(".png"));
}

QString uniqueService()
{
    return QStringLiteral("jobscope-uitest-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

} // namespace

class TstProfilesDialog final : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestSupport::TestSandbox> m_sandbox;
    QNetworkAccessManager m_nam;
    QTemporaryDir m_dir;

    QString freshPath()
    {
        return m_dir.filePath(
            QUuid::createUuid().toString(QUuid::WithoutBraces) + QStringLiteral(".json"));
    }

    // Adds a key through the dialog's fields and waits for the store.
    bool addKeyThroughUi(ProfilesDialog &dialog, const QString &label, const QByteArray &key)
    {
        QSignalSpy added(&dialog, &ProfilesDialog::keyAdded);
        QSignalSpy failed(&dialog, &ProfilesDialog::keyFailed);
        dialog.newKeyLabelEdit()->setText(label);
        QTest::keyClicks(dialog.newKeyEdit(), QString::fromUtf8(key));
        for (QPushButton *b : dialog.findChildren<QPushButton *>()) {
            if (b->text() == QLatin1String("Add &key"))
                b->click();
        }
        if (!QTest::qWaitFor([&] { return added.count() + failed.count() > 0; }, 40000))
            return false;
        if (!failed.isEmpty())
            qWarning() << "key not added:" << failed.first();
        return added.count() == 1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sandbox = std::make_unique<TestSupport::TestSandbox>();
        QVERIFY2(m_sandbox->ok(), qPrintable(m_sandbox->error()));
    }
    void cleanupTestCase() { m_sandbox.reset(); }

    // Add, edit (including a rename and a dialect change) and remove go through to the file; a
    // declined confirmation removes nothing.
    void profileRoundTrip()
    {
        const QString path = freshPath();
        ProfileRegistry registry(path);
        QVERIFY(registry.load());
        Secrets::KeyStore store(uniqueService());
        ProfilesDialog dialog(&registry, &store, &m_nam);
        dialog.show();
        QSignalSpy changed(&dialog, &ProfilesDialog::profilesChanged);

        QCOMPARE(dialog.addProfile(), QStringLiteral("new-profile"));
        QCOMPARE(dialog.currentProfile(), QStringLiteral("new-profile"));
        QCOMPARE(dialog.profileList()->count(), 1);
        QVERIFY(changed.count() >= 1);

        dialog.nameEdit()->clear();
        QTest::keyClicks(dialog.nameEdit(), QStringLiteral("studio"));
        dialog.dialectCombo()->setCurrentIndex(
            dialog.dialectCombo()->findData(QStringLiteral("deapi")));
        dialog.baseUrlEdit()->clear();
        QTest::keyClicks(dialog.baseUrlEdit(), QStringLiteral("https://api.example.com"));
        QTest::keyClicks(dialog.wsUrlEdit(), QStringLiteral("wss://ws.example.com:443"));
        dialog.pusherKeyEdit()->setText(QStringLiteral("pk-1"));
        QTest::keyClicks(dialog.clientIdEdit(), QStringLiteral("client-9"));
        QTest::keyClicks(dialog.webhookSecretRefEdit(), QStringLiteral("env:STUDIO_WHSEC"));
        QVERIFY2(dialog.saveProfile(), qPrintable(dialog.statusText()));

        {
            ProfileRegistry reread(path);
            QVERIFY(reread.load());
            QCOMPARE(reread.names(), QStringList { QStringLiteral("studio") });
            const Core::Profile p = reread.profile(QStringLiteral("studio"))->profile;
            QCOMPARE(p.dialect, Core::Dialect::DeApi);
            QCOMPARE(p.baseUrl, QUrl(QStringLiteral("https://api.example.com")));
            QCOMPARE(p.wsUrl, QUrl(QStringLiteral("wss://ws.example.com:443")));
            QCOMPARE(p.clientId, QStringLiteral("client-9"));
            QCOMPARE(p.webhookSecretRef, QStringLiteral("env:STUDIO_WHSEC"));
        }

        // A second profile; switching away saves pending edits.
        dialog.addProfile();
        QCOMPARE(dialog.profileList()->count(), 2);
        dialog.baseUrlEdit()->clear();
        QTest::keyClicks(dialog.baseUrlEdit(), QStringLiteral("https://peel.example.org"));
        QVERIFY(dialog.selectProfile(QStringLiteral("studio")));
        {
            ProfileRegistry reread(path);
            QVERIFY(reread.load());
            QCOMPARE(reread.profile(QStringLiteral("new-profile"))->profile.baseUrl,
                QUrl(QStringLiteral("https://peel.example.org")));
        }

        // A duplicate name is refused and nothing changes.
        QVERIFY(dialog.selectProfile(QStringLiteral("new-profile")));
        dialog.nameEdit()->clear();
        QTest::keyClicks(dialog.nameEdit(), QStringLiteral("studio"));
        QVERIFY(!dialog.saveProfile());
        QVERIFY(dialog.statusText().contains(QLatin1String("already")));
        dialog.nameEdit()->clear();
        QTest::keyClicks(dialog.nameEdit(), QStringLiteral("peel-prod"));
        QVERIFY(dialog.saveProfile());

        // Remove asks; "no" keeps it, "yes" removes it from the file.
        QStringList asked;
        bool answer = false;
        dialog.setConfirm([&](const QString &, const QString &question) {
            asked << question;
            return answer;
        });
        QPushButton *remove = nullptr;
        for (QPushButton *b : dialog.findChildren<QPushButton *>()) {
            if (b->text() == QStringLiteral("&Remove…"))
                remove = b;
        }
        QVERIFY(remove);
        QVERIFY(dialog.selectProfile(QStringLiteral("peel-prod")));
        remove->click();
        QCOMPARE(asked.size(), 1);
        QVERIFY(asked.first().contains(QLatin1String("peel-prod")));
        QCOMPARE(registry.names().size(), 2);
        answer = true;
        remove->click();
        {
            ProfileRegistry reread(path);
            QVERIFY(reread.load());
            QCOMPARE(reread.names(), QStringList { QStringLiteral("studio") });
        }
        QCOMPARE(dialog.profileList()->count(), 1);
        QCOMPARE(dialog.currentProfile(), QStringLiteral("studio"));
    }

    // Pusher fields only for deAPI; a warning for plain http to a remote host, none for loopback;
    // the sandbox note only on sandbox profiles.
    void fieldsAndWarnings()
    {
        ProfileRegistry registry(freshPath());
        Core::Profile remote = Core::Profile::defaultsFor(Core::Dialect::PeelApi);
        remote.name = QStringLiteral("remote");
        remote.baseUrl = QUrl(QStringLiteral("http://jobs.example.com"));
        QVERIFY(registry.upsert(remote));
        Settings::ProfileEntry sandbox;
        sandbox.profile = Core::Profile::defaultsFor(Core::Dialect::DeApi);
        sandbox.profile.name = QStringLiteral("sandbox-deapi");
        sandbox.profile.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:8123"));
        sandbox.profile.wsUrl = QUrl(QStringLiteral("ws://127.0.0.1:8124"));
        sandbox.sandbox = true;
        QVERIFY(registry.upsert(sandbox));
        Secrets::KeyStore store(uniqueService());
        ProfilesDialog dialog(&registry, &store, &m_nam);
        dialog.show();

        QVERIFY(dialog.selectProfile(QStringLiteral("remote")));
        QVERIFY(!dialog.pusherGroup()->isVisible());
        QVERIFY(dialog.insecureWarning()->isVisible());
        QVERIFY(dialog.insecureWarning()->text().contains(QLatin1String("jobs.example.com")));
        QVERIFY(!dialog.sandboxNote()->isVisible());
        dialog.allowInsecureCheck()->setChecked(true);
        QVERIFY(dialog.insecureWarning()->text().contains(QLatin1String("plain text")));
        shoot(&dialog, QStringLiteral("profilesdialog-insecure"));
        dialog.baseUrlEdit()->setText(QStringLiteral("https://jobs.example.com"));
        QVERIFY(!dialog.insecureWarning()->isVisible());
        dialog.baseUrlEdit()->setText(QStringLiteral("http://localhost:9000"));
        QVERIFY(!dialog.insecureWarning()->isVisible());
        QVERIFY(dialog.saveProfile());

        QVERIFY(dialog.selectProfile(QStringLiteral("sandbox-deapi")));
        QVERIFY(dialog.pusherGroup()->isVisible());
        QVERIFY(!dialog.insecureWarning()->isVisible());
        QVERIFY(dialog.sandboxNote()->isVisible());
        QVERIFY(dialog.sandboxNote()->text().contains(QLatin1String("Sandbox profile")));
        dialog.wsUrlEdit()->setText(QStringLiteral("ws://pusher.example.net"));
        QVERIFY(dialog.insecureWarning()->isVisible());
    }

    // A key added through the dialog lands in the store (never in the file or on screen), becomes
    // active, tests Accepted against the sandbox; a wrong key tests Refused; the banner is shown
    // exactly when the store is memory-only.
    void keysThroughTheStore()
    {
        const QString mode = TestSupport::keyringMode();
        if (mode.startsWith(QLatin1String("missing")))
            QSKIP(qPrintable(mode));
        const QString path = freshPath();
        ProfileRegistry registry(path);
        Core::Profile p = Core::Profile::defaultsFor(Core::Dialect::PeelApi);
        p.name = QStringLiteral("sandbox-peelapi");
        p.baseUrl = QUrl(m_sandbox->base("peelapi"));
        QVERIFY(registry.upsert(p));
        QVERIFY(registry.save());

        Secrets::KeyStore store(uniqueService());
        store.setProbeTimeoutMs(20000);
        ProfilesDialog dialog(&registry, &store, &m_nam);
        dialog.show();
        QTRY_VERIFY_WITH_TIMEOUT(store.isProbed(), 25000);
        if (mode == QLatin1String("nobus"))
            QVERIFY(store.isMemoryOnly());
        else
            QVERIFY2(!store.isMemoryOnly(), qPrintable(store.availabilityMessage()));
        QCOMPARE(dialog.memoryOnlyBanner()->isVisible(), store.isMemoryOnly());
        if (store.isMemoryOnly())
            QCOMPARE(dialog.memoryOnlyBanner()->text(), store.availabilityMessage());

        // The new-key field is masked; "show" reveals it only while typing.
        QCOMPARE(dialog.newKeyEdit()->echoMode(), QLineEdit::Password);
        dialog.showKeyToggle()->click();
        QCOMPARE(dialog.newKeyEdit()->echoMode(), QLineEdit::Normal);

        const QByteArray key = m_sandbox->key("peelapi");
        QVERIFY(addKeyThroughUi(dialog, QStringLiteral("main"), key));
        QVERIFY(dialog.newKeyEdit()->text().isEmpty());
        QVERIFY(!dialog.showKeyToggle()->isChecked());
        QCOMPARE(dialog.newKeyEdit()->echoMode(), QLineEdit::Password);
        QCOMPARE(dialog.keyList()->topLevelItemCount(), 1);
        QCOMPARE(dialog.keyList()->topLevelItem(0)->text(0), QStringLiteral("main"));
        QVERIFY(dialog.keyList()->topLevelItem(0)->text(2).contains(QLatin1String("active")));
        const QString ref = Secrets::KeyStore::keychainRef(p.name, QStringLiteral("main"));
        {
            ProfileRegistry reread(path);
            QVERIFY(reread.load());
            const Settings::ProfileEntry e = *reread.profile(p.name);
            QCOMPARE(e.activeKey, QStringLiteral("main"));
            QCOMPARE(e.profile.keyRef, ref);
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains(key));
        for (QLabel *l : dialog.findChildren<QLabel *>())
            QVERIFY(!l->text().contains(QString::fromUtf8(key)));

        // Test: the key read back from the store is accepted by the sandbox.
        QSignalSpy tested(&dialog, &ProfilesDialog::keyTested);
        dialog.keyList()->setCurrentItem(dialog.keyList()->topLevelItem(0));
        dialog.testKey(QStringLiteral("main"));
        QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 1, 30000);
        auto result = tested.first().at(2).value<Secrets::KeyTestResult>();
        QVERIFY2(result.verdict == Secrets::KeyTestResult::Verdict::Accepted,
            qPrintable(result.message));
        QVERIFY(dialog.testResultLabel()->text().startsWith(QLatin1String("Accepted")));
        shoot(&dialog,
            store.isMemoryOnly() ? QStringLiteral("profilesdialog-memoryonly")
                                 : QStringLiteral("profilesdialog-keychain"));

        // A wrong key, made active, is refused.
        QVERIFY(addKeyThroughUi(dialog, QStringLiteral("old"), "wrong-" + key));
        QCOMPARE(dialog.keyList()->topLevelItemCount(), 2);
        QCOMPARE(registry.profile(p.name)->activeKey, QStringLiteral("old"));
        dialog.testKey(QStringLiteral("old"));
        QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 2, 30000);
        result = tested.at(1).at(2).value<Secrets::KeyTestResult>();
        QVERIFY2(
            result.verdict == Secrets::KeyTestResult::Verdict::Refused, qPrintable(result.message));
        QVERIFY(dialog.testResultLabel()->text().startsWith(QLatin1String("Refused")));

        // Set active back, then remove the wrong one (confirmed): registry and store forget it.
        QVERIFY(dialog.setActiveKey(QStringLiteral("main")));
        QCOMPARE(registry.profile(p.name)->activeKey, QStringLiteral("main"));
        dialog.setConfirm([](const QString &, const QString &) { return true; });
        QVERIFY(dialog.removeKey(QStringLiteral("old")));
        QCOMPARE(dialog.keyList()->topLevelItemCount(), 1);
        bool gone = false;
        Secrets::KeyOperation *read
            = store.readKey(Secrets::KeyStore::keychainRef(p.name, QStringLiteral("old")));
        connect(read, &Core::Operation::result, this, [&, read] { gone = read->notFound(); });
        QTRY_VERIFY_WITH_TIMEOUT(gone, 20000);
    }
};

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QStringList arguments = app.arguments();
    arguments.removeFirst();
    const int parent = TestSupport::runKeyringModes(arguments);
    if (parent >= 0)
        return parent;
    TstProfilesDialog test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_profilesdialog.moc"
