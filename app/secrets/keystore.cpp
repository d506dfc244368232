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

void KeyStore::readKey(const QString &ref, QObject *context, Callback done)
{
    enqueue(Pending { Op::Read, ref, {}, context, context != nullptr, std::move(done) });
}

void KeyStore::writeKey(const QString &ref, const QString &key, QObject *context, Callback done)
{
    enqueue(Pending { Op::Write, ref, key, context, context != nullptr, std::move(done) });
}

void KeyStore::removeKey(const QString &ref, QObject *context, Callback done)
{
    enqueue(Pending { Op::Remove, ref, {}, context, context != nullptr, std::move(done) });
}

void KeyStore::enqueue(Pending p)
{
    // Environment references and malformed ones need no keychain: answer them without waiting.
    if (!p.ref.startsWith(KeychainPrefix) || accountOf(p.ref).isEmpty()) {
        Result r;
        r.ref = p.ref;
        if (p.ref.startsWith(EnvPrefix) && p.ref.size() > EnvPrefix.size()) {
            const QString var = p.ref.mid(EnvPrefix.size());
            if (p.op != Op::Read) {
                r.message = QStringLiteral("The key in the environment variable %1 is not stored "
                                           "by Jobscope; change it where it is set.")
                                .arg(var);
            } else {
                r.key = qEnvironmentVariable(var.toUtf8().constData()).trimmed();
                r.status = r.key.isEmpty() ? Status::NotFound : Status::Ok;
                if (r.key.isEmpty())
                    r.message = QStringLiteral("The environment variable %1 is empty or not set.")
                                    .arg(var);
            }
        } else {
            r.message = QStringLiteral(
                "\"%1\" is not a key reference (keychain:PROFILE/LABEL or env:VAR).")
                            .arg(p.ref);
        }
        QTimer::singleShot(0, this, [this, p, r] { deliver(p, r); });
        return;
    }
    if (p.op == Op::Write && p.key.trimmed().isEmpty()) {
        Result r { p.ref, Status::Failed, {}, QStringLiteral("An empty key is not stored.") };
        QTimer::singleShot(0, this, [this, p, r] { deliver(p, r); });
        return;
    }
    if (m_state == State::NotProbed || m_state == State::Probing) {
        m_waiting.append(std::move(p));
        probe();
        return;
    }
    run(std::move(p));
}

void KeyStore::run(Pending p)
{
    if (m_state == State::MemoryOnly)
        runInMemory(std::move(p));
    else
        runInKeychain(std::move(p));
}

void KeyStore::runInMemory(Pending p)
{
    const QString account = accountOf(p.ref);
    Result r;
    r.ref = p.ref;
    switch (p.op) {
    case Op::Read:
        r.status = m_memory.contains(account) ? Status::Ok : Status::NotFound;
        r.key = m_memory.value(account);
        break;
    case Op::Write:
        m_memory.insert(account, p.key);
        r.status = Status::Ok;
        break;
    case Op::Remove:
        r.status = m_memory.remove(account) ? Status::Ok : Status::NotFound;
        break;
    }
    QTimer::singleShot(0, this, [this, p, r] {
        if (p.op != Op::Read && r.ok())
            Q_EMIT keyChanged(p.ref);
        deliver(p, r);
    });
}

void KeyStore::runInKeychain(Pending p)
{
    QKeychain::Job *job = nullptr;
    switch (p.op) {
    case Op::Read:
        job = new QKeychain::ReadPasswordJob(m_service);
        break;
    case Op::Write: {
        auto *write = new QKeychain::WritePasswordJob(m_service);
        write->setTextData(p.key);
        job = write;
        break;
    }
    case Op::Remove:
        job = new QKeychain::DeletePasswordJob(m_service);
        break;
    }
    job->setInsecureFallback(false);
    job->setAutoDelete(true); // never parented, see probe()
    job->setKey(accountOf(p.ref));
    connect(job, &QKeychain::Job::finished, this, [this, p](QKeychain::Job *j) {
        Result r;
        r.ref = p.ref;
        switch (j->error()) {
        case QKeychain::NoError:
            r.status = Status::Ok;
            if (p.op == Op::Read)
                r.key = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
            break;
        case QKeychain::EntryNotFound:
            r.status = Status::NotFound;
            r.message = QStringLiteral("No key is stored under %1.").arg(p.ref);
            break;
        default: {
            static const char *const verbs[] = { "read", "store", "remove" };
            r.status = Status::Failed;
            r.message = QStringLiteral("The system keychain could not %1 the key %2: %3.")
                            .arg(QLatin1String(verbs[int(p.op)]), p.ref, reasonOf(j));
            break;
        }
        }
        if (p.op != Op::Read && r.ok())
            Q_EMIT keyChanged(p.ref);
        deliver(p, r);
    });
    job->start();
}

void KeyStore::deliver(const Pending &p, Result r)
{
    if (p.hasContext && !p.context)
        return;
    if (p.done)
        p.done(r);
}

} // namespace Secrets
