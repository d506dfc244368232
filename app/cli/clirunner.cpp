#include "cli/clirunner.h"

#include "cli/cliprofile.h"
#include "cli/followcommands.h"
#include "cli/jobcommands.h"
#include "cli/resumecommand.h"
#include "cli/servicecommands.h"
#include "follow/followcontext.h"
#include "secrets/keystore.h"
#include "session/joboperation.h"
#include "session/jobsession.h"
#include "session/keyresolver.h"
#include "store/historydatabase.h"
#include "store/jobhistory.h"

namespace Cli {

namespace {

bool isOneJobCommand(const QString &cmd)
{
    static const QStringList byId { QStringLiteral("status"), QStringLiteral("watch"),
        QStringLiteral("cancel"), QStringLiteral("logs"), QStringLiteral("download"),
        QStringLiteral("respond") };
    return byId.contains(cmd);
}

} // namespace

CliRunner::CliRunner(CliOptions options, QIODevice *out, QIODevice *err, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_out(out, err, m_options.json)
{
    m_tracker.setBatchInterval(100);
    connect(&m_tracker, &Tracker::JobTracker::applied, this,
        [this](const QString &id, Tracker::JobTracker::Changes changes, const Core::JobUpdate &u) {
            if (const Tracker::TrackedJob *job = m_tracker.job(id))
                m_out.printUpdate(*job, changes, u);
        });
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        m_out.note(QStringLiteral("Timed out after %1 s without the job settling.")
                       .arg(m_options.timeoutS));
        done(3);
    });
    m_context.options = &m_options;
    m_context.out = &m_out;
    m_context.nam = &m_nam;
    m_context.done = [this](int code) {
        done(code);
    };
}

CliRunner::~CliRunner() = default;

void CliRunner::start()
{
    if (m_options.command == QLatin1String("help")) {
        m_out.printText(CliOptions::usage());
        return done(0);
    }
    static const QStringList commands { QStringLiteral("submit"), QStringLiteral("status"),
        QStringLiteral("watch"), QStringLiteral("list"), QStringLiteral("cancel"),
        QStringLiteral("respond"), QStringLiteral("call"), QStringLiteral("logs"),
        QStringLiteral("download"), QStringLiteral("resume") };
    if (!commands.contains(m_options.command))
        return m_context.fail(2, QStringLiteral("Unknown command \"%1\".").arg(m_options.command));
    if (m_options.timeoutS > 0)
        m_timeout.start(m_options.timeoutS * 1000);
    m_history = std::make_unique<Store::JobHistory>(Store::HistoryDatabase::defaultPath());
    m_keyStore = std::make_unique<Secrets::KeyStore>();
    m_resolver = std::make_unique<Session::KeyResolver>(m_keyStore.get(), m_out.redactor());
    Store::HistoryOperation *open = m_history->open();
    connect(open, &Core::Operation::result, this,
        [this](Core::Operation *op) { onHistoryOpened(!op->failed(), op->errorString()); });
}

void CliRunner::onHistoryOpened(bool ok, const QString &error)
{
    if (m_done)
        return;
    const bool resume = m_options.command == QLatin1String("resume");
    if (!ok) {
        if (resume)
            return m_context.fail(
                3, QStringLiteral("Cannot open the history %1: %2.").arg(m_history->path(), error));
        m_out.note(QStringLiteral("could not open the history %1 (%2): this run is not recorded")
                       .arg(m_history->path(), error));
    }
    m_session = std::make_unique<Session::JobSession>(
        &m_nam, &m_tracker, ok ? m_history.get() : nullptr, m_resolver->lookup());
    m_session->setAutoDownload(false); // only where the command says (--download, --to)
    Follow::FollowContext *ctx = m_session->context();
    bool set = false;
    // How long a quiet live channel is trusted (default 10 s), and how long a stream may take to
    // end after a terminal status read (default 15 s).
    if (const int ms = qEnvironmentVariableIntValue("JOBSCOPE_SILENCE_MS", &set); set && ms > 0)
        ctx->setSilenceMs(ms);
    if (const int ms = qEnvironmentVariableIntValue("JOBSCOPE_STREAM_GRACE_MS", &set);
        set && ms > 0)
        ctx->setStreamGraceMs(ms);
    m_context.session = m_session.get();
    m_context.history = ok ? m_history.get() : nullptr;
    if (resume) {
        m_resume = new ResumeCommand(&m_context, this);
        return m_resume->run();
    }
    const QString id = m_options.args.value(0);
    if (!isOneJobCommand(m_options.command) || !m_context.history)
        return withProfile(std::nullopt);
    // A known job needs no connection options: its profile is the one it was recorded with.
    std::optional<Core::Profile> profile;
    if (!CliProfile::fromHistory(m_options)) {
        const CliProfile::Resolved r = CliProfile::resolve(m_options, std::nullopt, id);
        if (!r.profile)
            return m_context.fail(r.exitCode, r.error);
        profile = r.profile;
    }
    Store::HistoryOperation *find = m_history->findJob(id, profile);
    connect(find, &Core::Operation::result, this, [this, find] {
        m_context.idTaken = find->value().idTaken;
        withProfile(find->job());
    });
}

void CliRunner::withProfile(const std::optional<Store::StoredJob> &recorded)
{
    if (m_done)
        return;
    const QString id = isOneJobCommand(m_options.command) ? m_options.args.value(0) : QString();
    const CliProfile::Resolved r = CliProfile::resolve(m_options, recorded, id);
    if (!r.profile)
        return m_context.fail(r.exitCode, r.error);
    for (const QString &w : r.warnings)
        m_out.note(w);
    m_context.recorded = recorded;
    const Core::Profile profile = *r.profile;
    Session::JobOperation *added = m_session->addProfile(profile);
    connect(added, &Core::Operation::result, this, [this, added, profile] {
        if (m_done)
            return;
        if (added->failed()) {
            // Environment variables were checked with the options: this is the keychain.
            return m_context.fail(3,
                m_keyStore->isMemoryOnly()
                    ? m_keyStore->availabilityMessage()
                    : QStringLiteral(
                        "No key in the keychain for %1 (%2); set one with: jobscope-cli keys "
                        "set %3")
                          .arg(profile.keyRef, added->errorString(), profile.name));
        }
        m_context.profile = profile.name;
        run();
    });
}

void CliRunner::run()
{
    const QString cmd = m_options.command;
    if (cmd == QLatin1String("submit") || cmd == QLatin1String("watch")) {
        m_follow = new FollowCommands(&m_context, this);
        return cmd == QLatin1String("submit") ? m_follow->submit() : m_follow->watch();
    }
    if (cmd == QLatin1String("list") || cmd == QLatin1String("call")
        || cmd == QLatin1String("logs")) {
        m_service = new ServiceCommands(&m_context, this);
        if (cmd == QLatin1String("list"))
            return m_service->list();
        return cmd == QLatin1String("call") ? m_service->call() : m_service->logs();
    }
    m_jobs = new JobCommands(&m_context, this);
    if (cmd == QLatin1String("status"))
        return m_jobs->status();
    if (cmd == QLatin1String("download"))
        return m_jobs->download();
    return cmd == QLatin1String("cancel") ? m_jobs->cancel() : m_jobs->respond();
}

void CliRunner::done(int code)
{
    if (m_done)
        return;
    m_done = true;
    m_timeout.stop();
    if (m_session)
        m_session->downloads()->cancelAll();
    // Everything learnt reaches the history before the process ends (`resume` builds on it).
    m_tracker.flushBatch();
    if (m_context.history)
        m_history->flush();
    Q_EMIT finished(code);
}

} // namespace Cli
