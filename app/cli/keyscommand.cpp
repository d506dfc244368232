#include "cli/keyscommand.h"

#include "cli/terminalecho.h"
#include "secrets/keystore.h"
#include "secrets/keytester.h"
#include "settings/profileregistry.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QIODevice>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QTimer>

namespace Cli {

namespace {

QLatin1String k(const char *key)
{
    return QLatin1String(key);
}

const QLatin1String DefaultLabel("default");

} // namespace

int KeysCommand::exec(const QStringList &arguments, QIODevice *in, QIODevice *out, QIODevice *err)
{
    KeysRequest request;
    QString error;
    if (!KeysRequest::parse(arguments, &request, &error)) {
        err->write("jobscope-cli: " + error.toUtf8() + "\n" + KeysRequest::usage().toUtf8());
        return 2;
    }
    Settings::ProfileRegistry registry;
    Secrets::KeyStore store;
    QNetworkAccessManager nam;
    KeysCommand command(request, in, out, err, &registry, &store, &nam);
    QEventLoop loop;
    QObject::connect(
        &command, &KeysCommand::finished, &loop, [&loop](int code) { loop.exit(code); });
    command.start();
    return loop.exec();
}

KeysCommand::KeysCommand(KeysRequest request, QIODevice *in, QIODevice *out, QIODevice *err,
    Settings::ProfileRegistry *registry, Secrets::KeyStore *store, QNetworkAccessManager *nam,
    QObject *parent)
    : QObject(parent)
    , m_request(std::move(request))
    , m_in(in)
    , m_out(out)
    , m_err(err)
    , m_registry(registry)
    , m_store(store)
    , m_nam(nam)
{ }

KeysCommand::~KeysCommand() = default;

void KeysCommand::start()
{
    QTimer::singleShot(0, this, &KeysCommand::run);
}

void KeysCommand::run()
{
    QString error;
    if (!m_registry->load(&error)) {
        fail(3, error);
        return;
    }
    if (!m_registry->profile(m_request.profile)) {
        fail(2,
            QStringLiteral("No profile named \"%1\" in %2.")
                .arg(m_request.profile, m_registry->path()));
        return;
    }
    if (m_request.action == QLatin1String("set"))
        set();
    else if (m_request.action == QLatin1String("list"))
        list();
    else if (m_request.action == QLatin1String("remove"))
        remove();
    else
        test();
}

void KeysCommand::whenProbed(std::function<void()> then)
{
    if (m_store->isProbed()) {
        then();
        return;
    }
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(m_store, &Secrets::KeyStore::availabilityKnown, this, [connection, then] {
        QObject::disconnect(*connection);
        then();
    });
    m_store->probe();
}

QString KeysCommand::readKeyFromInput()
{
    auto *file = qobject_cast<QFile *>(m_in);
    const int fd = file ? file->handle() : -1;
    TerminalEcho echo(fd);
    if (echo.hidden())
        m_err->write(
            QStringLiteral("API key for %1 (not shown): ").arg(m_request.profile).toUtf8());
    const QString key = QString::fromUtf8(m_in->readLine(64 * 1024)).trimmed();
    if (echo.hidden())
        m_err->write("\n");
    return key;
}

void KeysCommand::set()
{
    const QString label = m_request.label.isEmpty() ? QString(DefaultLabel) : m_request.label;
    const QString key = readKeyFromInput();
    if (key.isEmpty()) {
        fail(2,
            QStringLiteral("No key on standard input: pipe it in, e.g. printf '%s' \"$KEY\" | "
                           "jobscope-cli keys set %1.")
                .arg(m_request.profile));
        return;
    }
    const QString ref = Secrets::KeyStore::keychainRef(m_request.profile, label);
    whenProbed([this, key, label, ref] {
        if (m_store->isMemoryOnly()) {
            fail(3, m_store->availabilityMessage() + QStringLiteral(" Nothing was stored."));
            return;
        }
        Secrets::KeyOperation *write = m_store->writeKey(ref, key);
        connect(write, &Core::Operation::result, this, [this, write, label, ref] {
            if (write->failed()) {
                fail(3, write->errorString());
                return;
            }
            QString error;
            if (!m_registry->addKey(m_request.profile, label, ref)
                || !m_registry->setActiveKey(m_request.profile, label)
                || !m_registry->save(&error)) {
                fail(3,
                    QStringLiteral("The key is in the keychain as %1, but the profile could not be "
                                   "updated: %2")
                        .arg(ref, error.isEmpty() ? QStringLiteral("unknown error.") : error));
                return;
            }
            if (m_request.json)
                printJson(QJsonObject { { k("event"), QStringLiteral("stored") },
                    { k("profile"), m_request.profile }, { k("label"), label }, { k("ref"), ref },
                    { k("active"), true } });
            else
                print(QStringLiteral("Stored key \"%1\" of profile %2 in the system keychain (%3); "
                                     "it is now the active key.")
                          .arg(label, m_request.profile, ref));
            done(0);
        });
    });
}

void KeysCommand::list()
{
    const Settings::ProfileEntry entry = *m_registry->profile(m_request.profile);
    for (const Settings::ProfileEntry::Key &key : entry.keys) {
        const bool active = key.label == entry.activeKey;
        const QString added
            = key.added.isValid() ? key.added.toUTC().toString(Qt::ISODate) : QString();
        if (m_request.json)
            printJson(QJsonObject { { k("profile"), m_request.profile }, { k("label"), key.label },
                { k("ref"), key.ref }, { k("active"), active },
                { k("added"), added.isEmpty() ? QJsonValue() : QJsonValue(added) } });
        else
            print(QStringLiteral("%1 %2  %3%4")
                      .arg(active ? QLatin1Char('*') : QLatin1Char(' '))
                      .arg(key.label, key.ref,
                          added.isEmpty() ? QString() : QStringLiteral("  added ") + added));
    }
    // An older profile names only an environment variable: show it as what will be used.
    if (entry.activeKey.isEmpty() && !entry.profile.keyRef.isEmpty()) {
        if (m_request.json)
            printJson(QJsonObject { { k("profile"), m_request.profile },
                { k("label"), QJsonValue() }, { k("ref"), entry.profile.keyRef },
                { k("active"), true }, { k("added"), QJsonValue() } });
        else
            print(QStringLiteral("* (no label)  %1").arg(entry.profile.keyRef));
    }
    if (entry.keys.isEmpty() && entry.profile.keyRef.isEmpty() && !m_request.json)
        print(QStringLiteral("Profile %1 has no key; add one with: jobscope-cli keys set %1")
                  .arg(m_request.profile));
    done(0);
}

void KeysCommand::remove()
{
    const Settings::ProfileEntry entry = *m_registry->profile(m_request.profile);
    QString label = m_request.label;
    if (label.isEmpty()) {
        if (entry.keys.size() != 1) {
            fail(2,
                entry.keys.isEmpty()
                    ? QStringLiteral("Profile %1 has no stored key.").arg(m_request.profile)
                    : QStringLiteral("Profile %1 has %2 keys; say which one: --label L.")
                          .arg(m_request.profile)
                          .arg(entry.keys.size()));
            return;
        }
        label = entry.keys.first().label;
    }
    const Settings::ProfileEntry::Key *key = entry.key(label);
    if (!key) {
        fail(2,
            QStringLiteral("Profile %1 has no key labelled \"%2\".").arg(m_request.profile, label));
        return;
    }
    const QString ref = key->ref;
    auto forget = [this, label, ref] {
        QString error;
        if (!m_registry->removeKey(m_request.profile, label) || !m_registry->save(&error)) {
            fail(3,
                QStringLiteral("The profile could not be updated: %1")
                    .arg(error.isEmpty() ? QStringLiteral("unknown error.") : error));
            return;
        }
        if (m_request.json)
            printJson(QJsonObject { { k("event"), QStringLiteral("removed") },
                { k("profile"), m_request.profile }, { k("label"), label }, { k("ref"), ref } });
        else
            print(QStringLiteral("Removed key \"%1\" (%2) from profile %3.")
                      .arg(label, ref, m_request.profile));
        done(0);
    };
    if (Secrets::KeyStore::accountOf(ref).isEmpty()) {
        forget(); // an environment variable: nothing of ours to delete
        return;
    }
    whenProbed([this, ref, forget] {
        if (m_store->isMemoryOnly()) {
            fail(3, m_store->availabilityMessage() + QStringLiteral(" Nothing was removed."));
            return;
        }
        Secrets::KeyOperation *removal = m_store->removeKey(ref);
        connect(removal, &Core::Operation::result, this, [this, removal, forget] {
            if (removal->failed() && !removal->notFound()) {
                fail(3, removal->errorString());
                return;
            }
            forget(); // NotFound: already gone from the keychain, drop the dangling reference
        });
    });
}

void KeysCommand::test()
{
    const Settings::ProfileEntry entry = *m_registry->profile(m_request.profile);
    const QString ref = entry.profile.keyRef;
    if (ref.isEmpty()) {
        fail(2,
            QStringLiteral("Profile %1 has no active key; add one with: jobscope-cli keys set %1")
                .arg(m_request.profile));
        return;
    }
    auto runTest = [this, entry](const QString &apiKey) {
        Core::Profile profile = entry.profile;
        profile.apiKey = apiKey;
        m_tester = new Secrets::KeyTester(m_nam, profile, this);
        connect(m_tester, &Core::Operation::result, this, [this] {
            const Secrets::KeyTestResult r = m_tester->outcome();
            const int code = r.verdict == Secrets::KeyTestResult::Verdict::Accepted ? 0
                : r.verdict == Secrets::KeyTestResult::Verdict::Refused             ? 1
                                                                                    : 3;
            if (m_request.json) {
                printJson(QJsonObject { { k("profile"), m_request.profile },
                    { k("label"), m_registry->profile(m_request.profile)->activeKey },
                    { k("verdict"), Secrets::KeyTestResult::verdictName(r.verdict) },
                    { k("http_status"), r.httpStatus ? QJsonValue(r.httpStatus) : QJsonValue() },
                    { k("message"), r.message } });
            } else if (code == 0) {
                print(r.message);
            }
            if (code != 0)
                m_err->write(r.message.toUtf8() + "\n");
            done(code);
        });
        m_tester->start();
    };
    if (Secrets::KeyStore::accountOf(ref).isEmpty()) {
        Secrets::KeyOperation *read = m_store->readKey(ref);
        connect(read, &Core::Operation::result, this, [this, read, runTest] {
            if (read->failed()) {
                fail(2, read->errorString());
                return;
            }
            runTest(read->key());
        });
        return;
    }
    whenProbed([this, ref, runTest] {
        if (m_store->isMemoryOnly()) {
            fail(3, m_store->availabilityMessage());
            return;
        }
        Secrets::KeyOperation *read = m_store->readKey(ref);
        connect(read, &Core::Operation::result, this, [this, read, runTest] {
            if (read->notFound()) {
                fail(3,
                    QStringLiteral("The active key of profile %1 (%2) is not in the system "
                                   "keychain; store it again with: "
                                   "jobscope-cli keys set %1 --label %3")
                        .arg(m_request.profile, read->ref(),
                            m_registry->profile(m_request.profile)->activeKey));
                return;
            }
            if (read->failed()) {
                fail(3, read->errorString());
                return;
            }
            runTest(read->key());
        });
    });
}

void KeysCommand::print(const QString &line)
{
    m_out->write(line.toUtf8() + "\n");
}

void KeysCommand::printJson(const QJsonObject &o)
{
    m_out->write(QJsonDocument(o).toJson(QJsonDocument::Compact) + "\n");
}

void KeysCommand::fail(int code, const QString &sentence)
{
    m_err->write(sentence.toUtf8() + "\n");
    done(code);
}

void KeysCommand::done(int code)
{
    if (m_exitCode >= 0)
        return;
    m_exitCode = code;
    Q_EMIT finished(code);
}

} // namespace Cli
