#include "secrets/keystore.h"

#include <QLoggingCategory>
#include <qt6keychain/keychain.h>

Q_LOGGING_CATEGORY(lcKeyStore, "jobscope.secrets")

namespace Secrets {

namespace {

const QLatin1String KeychainPrefix("keychain:");
const QLatin1String EnvPrefix("env:");
// An account nobody writes: reading it tells whether the keychain answers at all.
const QLatin1String ProbeAccount(".jobscope-availability-probe");

QString errorName(QKeychain::Error e)
{
    switch (e) {
    case QKeychain::NoError:
        return QStringLiteral("no error");
    case QKeychain::EntryNotFound:
        return QStringLiteral("entry not found");
    case QKeychain::CouldNotDeleteEntry:
        return QStringLiteral("could not delete the entry");
    case QKeychain::AccessDeniedByUser:
        return QStringLiteral("access denied by the user");
    case QKeychain::AccessDenied:
        return QStringLiteral("access denied");
    case QKeychain::NoBackendAvailable:
        return QStringLiteral("no keychain service available");
    case QKeychain::NotImplemented:
        return QStringLiteral("not implemented on this platform");
    case QKeychain::OtherError:
        break;
    }
    return QStringLiteral("keychain error");
}

QString reasonOf(const QKeychain::Job *job)
{
    QString text = job->errorString().trimmed();
    while (text.endsWith(QLatin1Char('.')))
        text.chop(1);
    return text.isEmpty() ? errorName(job->error()) : text;
}

} // namespace

KeyStore::KeyStore(const QString &service, QObject *parent)
    : QObject(parent)
    , m_service(service.isEmpty() ? QStringLiteral("jobscope") : service)
{
    m_probeTimer.setSingleShot(true);
    connect(&m_probeTimer, &QTimer::timeout, this, [this] {
        finishProbe(false,
            QStringLiteral("the keychain did not answer within %1 s")
                .arg(m_probeTimeoutMs / 1000.0));
    });
}

KeyStore::~KeyStore() = default;

QString KeyStore::keychainRef(const QString &profile, const QString &label)
{
    return KeychainPrefix + profile + QLatin1Char('/') + label;
}

QString KeyStore::accountOf(const QString &ref)
{
    return ref.startsWith(KeychainPrefix) ? ref.mid(KeychainPrefix.size()) : QString();
}

QString KeyStore::availabilityMessage() const
{
    if (m_state != State::MemoryOnly)
        return {};
    return QStringLiteral("No system keychain is reachable (%1); keys are kept in memory for this "
                          "session only and will be asked for again.")
        .arg(m_unreachableReason);
}

void KeyStore::probe()
{
    if (m_state != State::NotProbed)
        return;
    m_state = State::Probing;
    // The job is not parented to this store: a QtKeychain job must never be deleted while its
    // backend call is pending (the backend's callback would touch freed memory). It deletes
    // itself once finished; the connection dies with this store.
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->setKey(ProbeAccount);
    connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job *j) {
        const bool works
            = j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound;
        finishProbe(works, works ? QString() : reasonOf(j));
    });
    m_probeTimer.start(m_probeTimeoutMs);
    job->start();
}

void KeyStore::finishProbe(bool works, const QString &reason)
{
    if (m_state != State::Probing)
        return; // a late answer after the timeout changes nothing: keys may already be in memory
    m_probeTimer.stop();
    m_state = works ? State::Keychain : State::MemoryOnly;
    m_unreachableReason = reason;
    if (!works)
        qCWarning(lcKeyStore) << "keychain unreachable:" << reason;
    Q_EMIT availabilityKnown(!works);
    const QList<Pending> waiting = std::exchange(m_waiting, {});
    for (const Pending &p : waiting)
        run(p);
}

KeyOperation *KeyStore::readKey(const QString &ref)
{
    return make(KeyOperation::Action::Read, ref, {});
}

KeyOperation *KeyStore::writeKey(const QString &ref, const QString &key)
{
    return make(KeyOperation::Action::Write, ref, key);
}

KeyOperation *KeyStore::removeKey(const QString &ref)
{
    return make(KeyOperation::Action::Remove, ref, {});
}

KeyOperation *KeyStore::make(KeyOperation::Action action, const QString &ref, const QString &key)
{
    auto *op = new KeyOperation(
        action, ref, key, [this](KeyOperation *o) { enqueue(o); }, this);
    op->start();
    return op;
}

void KeyStore::enqueue(KeyOperation *op)
{
    const QString ref = op->ref();
    // Environment references and malformed ones need no keychain: answer them without waiting.
    if (!ref.startsWith(KeychainPrefix) || accountOf(ref).isEmpty()) {
        if (ref.startsWith(EnvPrefix) && ref.size() > EnvPrefix.size()) {
            const QString var = ref.mid(EnvPrefix.size());
            if (op->action() != KeyOperation::Action::Read) {
                op->fail(Core::JobError::Kind::Invalid,
                    QStringLiteral("The key in the environment variable %1 is not stored by "
                                   "Jobscope; change it where it is set.")
                        .arg(var));
            } else {
                const QString key = qEnvironmentVariable(var.toUtf8().constData()).trimmed();
                if (key.isEmpty())
                    op->fail(Core::JobError::Kind::NotFound,
                        QStringLiteral("The environment variable %1 is empty or not set.")
                            .arg(var));
                else
                    op->finish(key, {});
            }
        } else {
            op->fail(Core::JobError::Kind::Invalid,
                QStringLiteral("\"%1\" is not a key reference (keychain:PROFILE/LABEL or env:VAR).")
                    .arg(ref));
        }
        return;
    }
    if (op->action() == KeyOperation::Action::Write && op->key().trimmed().isEmpty()) {
        op->fail(Core::JobError::Kind::Invalid, QStringLiteral("An empty key is not stored."));
        return;
    }
    if (m_state == State::NotProbed || m_state == State::Probing) {
        m_waiting.append(Pending(op));
        probe();
        return;
    }
    run(Pending(op));
}

void KeyStore::run(const Pending &p)
{
    if (!p)
        return;
    if (m_state == State::MemoryOnly)
        runInMemory(p);
    else
        runInKeychain(p);
}

void KeyStore::runInMemory(const Pending &p)
{
    const QString account = accountOf(p->ref());
    const QString notFound = QStringLiteral("No key is stored under %1.").arg(p->ref());
    switch (p->action()) {
    case KeyOperation::Action::Read:
        if (m_memory.contains(account))
            p->finish(m_memory.value(account), {});
        else
            p->fail(Core::JobError::Kind::NotFound, notFound);
        return;
    case KeyOperation::Action::Write:
        m_memory.insert(account, p->key());
        Q_EMIT keyChanged(p->ref());
        p->finish({}, {});
        return;
    case KeyOperation::Action::Remove:
        if (m_memory.remove(account)) {
            Q_EMIT keyChanged(p->ref());
            p->finish({}, {});
        } else {
            p->fail(Core::JobError::Kind::NotFound, notFound);
        }
        return;
    }
}

void KeyStore::runInKeychain(const Pending &p)
{
    QKeychain::Job *job = nullptr;
    switch (p->action()) {
    case KeyOperation::Action::Read:
        job = new QKeychain::ReadPasswordJob(m_service);
        break;
    case KeyOperation::Action::Write: {
        auto *write = new QKeychain::WritePasswordJob(m_service);
        write->setTextData(p->key());
        job = write;
        break;
    }
    case KeyOperation::Action::Remove:
        job = new QKeychain::DeletePasswordJob(m_service);
        break;
    }
    job->setInsecureFallback(false);
    job->setAutoDelete(true); // never parented, see probe()
    job->setKey(accountOf(p->ref()));
    const KeyOperation::Action action = p->action();
    const QString ref = p->ref();
    connect(job, &QKeychain::Job::finished, this, [this, p, action, ref](QKeychain::Job *j) {
        switch (j->error()) {
        case QKeychain::NoError:
            if (action != KeyOperation::Action::Read)
                Q_EMIT keyChanged(ref);
            if (p)
                p->finish(action == KeyOperation::Action::Read
                        ? static_cast<QKeychain::ReadPasswordJob *>(j)->textData()
                        : QString(),
                    {});
            return;
        case QKeychain::EntryNotFound:
            if (p)
                p->fail(Core::JobError::Kind::NotFound,
                    QStringLiteral("No key is stored under %1.").arg(ref));
            return;
        default: {
            static const char *const verbs[] = { "read", "store", "remove" };
            if (p)
                p->fail(Core::JobError::Kind::Storage,
                    QStringLiteral("The system keychain could not %1 the key %2: %3.")
                        .arg(QLatin1String(verbs[int(action)]), ref, reasonOf(j)));
            return;
        }
        }
    });
    job->start();
}

} // namespace Secrets
