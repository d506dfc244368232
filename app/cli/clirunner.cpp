#include "cli/clirunner.h"

#include "core/terminaltext.h"
#include "dialects/adapter.h"
#include "downloads/downloadqueue.h"
#include "follow/followcontext.h"
#include "follow/jobfollower.h"
#include "net/httpcall.h"
#include "net/originpolicy.h"
#include "net/sseconnection.h"
#include "net/webhookinbox.h"
#include "secrets/keystore.h"
#include "session/jobsession.h"
#include "session/keyresolver.h"
#include "store/jobhistory.h"

#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>

namespace Cli {

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

bool isLoopback(const QUrl &url)
{
    const QString host = url.host();
    if (host == QLatin1String("localhost"))
        return true;
    const QHostAddress a(host);
    return !a.isNull() && a.isLoopback();
}

// --set values: JSON when they parse as a JSON value (numbers, booleans, objects), text otherwise.
QJsonValue setValue(const QString &text)
{
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + "]");
    if (doc.isArray() && doc.array().size() == 1)
        return doc.array().first();
    return text;
}

} // namespace

CliRunner::CliRunner(CliOptions options, QIODevice *out, QIODevice *err, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_out(out)
    , m_err(err)
{
    m_tracker.setBatchInterval(100);
    // Everything this run learns goes to the history, a batch at a time (`resume` builds on it).
    connect(&m_tracker, &Tracker::JobTracker::batchReady, this, [this](const QStringList &ids) {
        if (!m_session)
            m_history.write(m_tracker, ids);
    });
    connect(&m_tracker, &Tracker::JobTracker::applied, this,
        [this](const QString &id, Tracker::JobTracker::Changes changes, const Core::JobUpdate &u) {
            printUpdate(id, changes, u);
        });
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        failWith(3,
            QStringLiteral("Timed out after %1 s without the job settling.")
                .arg(m_options.timeoutS));
    });
}

CliRunner::~CliRunner() = default;

// Everything this command prints passes through here: the redactor (a key a server echoes in an
// error is never shown) and, for human output, TerminalText (a server's ESC sequences are shown,
// not obeyed). JSON output is escaped by the JSON writer.
void CliRunner::printJson(const QJsonObject &o)
{
    m_out->write(m_redactor.redact(QJsonDocument(o).toJson(QJsonDocument::Compact)));
    m_out->write("\n");
}

void CliRunner::printHuman(const QString &line)
{
    m_out->write(Core::TerminalText::escape(m_redactor.redact(line)).toUtf8());
    m_out->write("\n");
}

void CliRunner::note(const QString &sentence)
{
    m_err->write(
        "jobscope-cli: " + Core::TerminalText::escape(m_redactor.redact(sentence)).toUtf8() + "\n");
}

void CliRunner::done(int code)
{
    if (m_done)
        return;
    m_done = true;
    m_timeout.stop();
    if (m_queue)
        m_queue->cancelAll();
    if (!m_session)
        m_tracker.flushBatch();
    if (m_follower)
        m_follower->stop();
    Q_EMIT finished(code);
}

void CliRunner::failWith(int code, const QString &sentence)
{
    note(sentence);
    done(code);
}

int CliRunner::exitCodeForError(const Core::JobError &e) const
{
    using K = Core::JobError::Kind;
    switch (e.kind) {
    case K::NotFound:
    case K::Conflict:
    case K::Invalid:
    case K::Job:
        return 1;
    case K::Http:
        return e.httpStatus >= 400 && e.httpStatus < 500 ? 1 : 3;
    default:
        return 3;
    }
}

QJsonObject CliRunner::errorJson(const Core::JobError &e) const
{
    QJsonObject o { { k("message"), e.message }, { k("retryable"), e.retryable },
        { k("kind"), Core::JobError::kindName(e.kind) } };
    o.insert(k("code"),
        e.providerCode.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(e.providerCode));
    if (e.httpStatus)
        o.insert(k("http_status"), e.httpStatus);
    if (!e.supportId.isEmpty())
        o.insert(k("support_id"), e.supportId);
    if (!e.suggestedAction.isEmpty())
        o.insert(k("suggested_action"), e.suggestedAction);
    return o;
}

bool CliRunner::resolveProfile(const QString &jobIdForHistory)
{
    QJsonObject rec;
    if (!jobIdForHistory.isEmpty() && m_options.dialect.isEmpty() && m_options.profile.isEmpty())
        rec = m_history.find(jobIdForHistory);
    m_historyRecord = rec;
    auto pick = [&](const QString &option, const char *key) {
        return !option.isEmpty() ? option : rec.value(QLatin1String(key)).toString();
    };
    if (!m_options.profile.isEmpty()) {
        // Profiles file: an array of {name, dialect, base_url, key_env, ws_url, pusher_key,
        // client_id, auth_url}.
        QString path = qEnvironmentVariable("JOBSCOPE_PROFILES");
        if (path.isEmpty()) {
            QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
            if (base.isEmpty())
                base = QDir::homePath() + QStringLiteral("/.config");
            path = base + QStringLiteral("/jobscope/profiles.json");
        }
        QFile f(path);
        const QJsonArray profiles = f.open(QIODevice::ReadOnly)
            ? QJsonDocument::fromJson(f.readAll()).object().value(k("profiles")).toArray()
            : QJsonArray();
        for (const QJsonValue &v : profiles) {
            if (v.toObject().value(k("name")).toString() == m_options.profile)
                rec = v.toObject();
        }
        if (rec.isEmpty()) {
            failWith(
                2, QStringLiteral("No profile named \"%1\" in %2.").arg(m_options.profile, path));
            return false;
        }
    }
    const QString dialectName = pick(m_options.dialect, "dialect");
    const auto dialect = Core::dialectFromName(dialectName);
    if (!dialect) {
        failWith(2,
            dialectName.isEmpty()
                ? QStringLiteral(
                    "Say which service: --dialect D --base-url URL, or --profile NAME%1.")
                      .arg(jobIdForHistory.isEmpty()
                              ? QString()
                              : QStringLiteral(" (job %1 is not in the history)")
                                    .arg(jobIdForHistory))
                : QStringLiteral("Unknown dialect \"%1\"; use one of %2.")
                      .arg(dialectName, Core::dialectNames().join(QLatin1String(", "))));
        return false;
    }
    m_profile = Core::Profile::defaultsFor(*dialect);
    m_profile.name = m_options.profile.isEmpty() ? Core::dialectName(*dialect) : m_options.profile;
    const QString base = pick(m_options.baseUrl, "base_url");
    if (!base.isEmpty())
        m_profile.baseUrl = QUrl(base);
    if (const QString notHttp = Net::OriginPolicy::checkUrl(m_profile.baseUrl);
        !notHttp.isEmpty()) {
        // ftp:, file: … would otherwise reach the ws:// derivation below ("Refusing plain ws to
        // :").
        failWith(2, QStringLiteral("The base URL %1.").arg(notHttp));
        return false;
    }
    if (m_profile.baseUrl != Core::Profile::defaultsFor(*dialect).baseUrl) {
        // Not the real service: its shipped live-channel defaults would point elsewhere. The auth
        // route hangs off the base URL; the WebSocket is the base's host and port.
        QUrl ws;
        ws.setScheme(m_profile.baseUrl.scheme() == QLatin1String("https") ? QStringLiteral("wss")
                                                                          : QStringLiteral("ws"));
        ws.setHost(m_profile.baseUrl.host());
        ws.setPort(m_profile.baseUrl.port());
        m_profile.wsUrl = ws;
        m_profile.authUrl
            = QUrl(m_profile.baseUrl.toString() + QStringLiteral("/broadcasting/auth"));
        m_profile.pusherKey.clear();
    }
    if (!pick(m_options.wsUrl, "ws_url").isEmpty())
        m_profile.wsUrl = QUrl(pick(m_options.wsUrl, "ws_url"));
    if (!pick(m_options.pusherKey, "pusher_key").isEmpty())
        m_profile.pusherKey = pick(m_options.pusherKey, "pusher_key");
    m_profile.clientId = pick(m_options.clientId, "client_id");
    if (!pick(m_options.authUrl, "auth_url").isEmpty())
        m_profile.authUrl = QUrl(pick(m_options.authUrl, "auth_url"));
    m_profile.allowInsecure = m_options.allowInsecure || rec.value(k("allow_insecure")).toBool();

    const QString keyEnv = pick(m_options.apiKeyEnv, "key_env");
    const QString keyRef = rec.value(k("key_ref")).toString();
    if (keyEnv.isEmpty() && keyRef.startsWith(QLatin1String("keychain:"))) {
        // A profile whose key is in the system keychain (`jobscope-cli keys set`): read it once.
        // The CLI may wait here; it has nothing else to do until it has the key.
        Secrets::KeyStore store;
        QEventLoop loop;
        Secrets::KeyStore::Result result;
        store.readKey(keyRef, this, [&](const Secrets::KeyStore::Result &r) {
            result = r;
            loop.quit();
        });
        loop.exec();
        if (result.key.isEmpty()) {
            failWith(3,
                store.isMemoryOnly() ? store.availabilityMessage()
                                     : QStringLiteral("No key in the keychain for %1 (%2); set one "
                                                      "with: jobscope-cli keys set %3")
                                           .arg(keyRef, result.message, m_options.profile));
            return false;
        }
        m_profile.keyRef = keyRef;
        m_profile.apiKey = result.key;
    } else {
        if (keyEnv.isEmpty()) {
            failWith(2,
                QStringLiteral(
                    "Name the environment variable that holds the API key: --api-key-env VAR."));
            return false;
        }
        m_profile.keyRef = QStringLiteral("env:") + keyEnv;
        m_profile.apiKey = qEnvironmentVariable(keyEnv.toUtf8().constData());
        if (m_profile.apiKey.isEmpty()) {
            failWith(2,
                QStringLiteral(
                    "The environment variable %1 is empty or not set; put the API key there.")
                    .arg(keyEnv));
            return false;
        }
    }
    m_redactor.addSecret(m_profile.apiKey);
    const QString secretEnv = pick(m_options.webhookSecretEnv, "webhook_secret_env");
    if (!secretEnv.isEmpty()) {
        m_profile.webhookSecretRef = QStringLiteral("env:") + secretEnv;
        m_profile.webhookSecret = qEnvironmentVariable(secretEnv.toUtf8().constData());
        m_redactor.addSecret(m_profile.webhookSecret);
    }
    // Plain http / ws to anything but this machine sends the key in clear: only when asked.
    for (const QUrl &u : { m_profile.baseUrl, m_profile.wsUrl, m_profile.authUrl }) {
        if (u.isValid()
            && (u.scheme() == QLatin1String("http") || u.scheme() == QLatin1String("ws"))
            && !isLoopback(u) && !m_profile.allowInsecure) {
            failWith(2,
                QStringLiteral("Refusing plain %1 to %2: the key would travel unencrypted. Use "
                               "https/wss, or --allow-insecure.")
                    .arg(u.scheme(), u.host()));
            return false;
        }
        if (u.isValid()
            && (u.scheme() == QLatin1String("http") || u.scheme() == QLatin1String("ws"))
            && !isLoopback(u))
            note(QStringLiteral("warning: plain %1 to %2 (allowed by --allow-insecure).")
                     .arg(u.scheme(), u.host()));
    }
    m_history.setProfile(m_profile);
    m_context = std::make_unique<Follow::FollowContext>(&m_nam, &m_tracker);
    bool silenceOk = false;
    const int silenceMs = qEnvironmentVariableIntValue("JOBSCOPE_SILENCE_MS", &silenceOk);
    if (silenceOk && silenceMs > 0)
        m_context->setSilenceMs(
            silenceMs); // how long a quiet live channel is trusted (default 10 s)
    bool graceOk = false;
    const int graceMs = qEnvironmentVariableIntValue("JOBSCOPE_STREAM_GRACE_MS", &graceOk);
    if (graceOk && graceMs > 0)
        m_context->setStreamGraceMs(
            graceMs); // how long a stream may take to end after a terminal status read
    m_context->addProfile(m_profile);
    m_adapter = m_context->adapter(m_profile.name);
    return m_adapter != nullptr;
}

void CliRunner::start()
{
    const QString cmd = m_options.command;
    if (cmd == QLatin1String("help")) {
        m_out->write(CliOptions::usage().toUtf8());
        return done(0);
    }
    if (m_options.timeoutS > 0)
        m_timeout.start(m_options.timeoutS * 1000);
    if (cmd == QLatin1String("resume"))
        return resume();
    const QString id = m_options.args.value(0);
    const bool byId = cmd == QLatin1String("status") || cmd == QLatin1String("watch")
        || cmd == QLatin1String("cancel") || cmd == QLatin1String("logs")
        || cmd == QLatin1String("download") || cmd == QLatin1String("respond");
    if (!resolveProfile(byId ? id : QString()))
        return;
    struct Command
    {
        const char *name;
        void (CliRunner::*run)();
    };
    static const Command commands[] = { { "submit", &CliRunner::submit },
        { "status", &CliRunner::status }, { "watch", &CliRunner::watch },
        { "list", &CliRunner::list }, { "cancel", &CliRunner::cancel },
        { "respond", &CliRunner::respond }, { "call", &CliRunner::call },
        { "logs", &CliRunner::logs }, { "download", &CliRunner::downloadOnly } };
    for (const Command &c : commands) {
        if (cmd == QLatin1String(c.name))
            return (this->*c.run)();
    }
    failWith(2, QStringLiteral("Unknown command \"%1\".").arg(cmd));
}

void CliRunner::send(
    const Dialects::RequestSpec &spec, std::function<void(Net::HttpCall *)> handler)
{
    auto *call = new Net::HttpCall(&m_nam, spec.method, spec.networkRequest(), spec.body, this);
    connect(call, &Core::Operation::result, this, [call, handler] { handler(call); });
    call->start();
}

bool CliRunner::answered(
    Net::HttpCall *call, const QString &jobId, const QString &what, bool needs2xx)
{
    if (call->httpStatus() == 0) {
        failWith(3,
            QStringLiteral("Could not reach %1: %2.")
                .arg(m_profile.baseUrl.host(), call->networkMessage()));
        return false;
    }
    if (needs2xx && (call->httpStatus() < 200 || call->httpStatus() >= 300)) {
        const Core::JobError e = m_adapter->errorFrom(call->httpStatus(), 0, call->body());
        if (m_options.json)
            printJson(QJsonObject {
                { k("job"), jobId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(jobId) },
                { k("event"), QStringLiteral("error") }, { k("error"), errorJson(e) } });
        failWith(exitCodeForError(e), QStringLiteral("%1 refused: %2").arg(what, e.message));
        return false;
    }
    return true;
}

bool CliRunner::readInput(QJsonObject *body)
{
    if (m_options.input.isEmpty()) {
        *body = {};
        return true;
    }
    QFile f;
    bool opened = false;
    if (m_options.input == QLatin1String("-"))
        opened = f.open(stdin, QIODevice::ReadOnly);
    else {
        f.setFileName(m_options.input);
        opened = f.open(QIODevice::ReadOnly);
    }
    if (!opened) {
        failWith(
            2, QStringLiteral("Cannot read --input %1: %2.").arg(m_options.input, f.errorString()));
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(64LL * 1024 * 1024), &pe);
    if (!doc.isObject()) {
        failWith(2,
            pe.error != QJsonParseError::NoError
                ? QStringLiteral("--input is not valid JSON: %1 at offset %2.")
                      .arg(pe.errorString())
                      .arg(pe.offset)
                : QStringLiteral(
                    "--input must be a JSON object (the exact body the service expects)."));
        return false;
    }
    *body = doc.object();
    return true;
}

void CliRunner::submit()
{
    QJsonObject body;
    if (!readInput(&body))
        return;
    for (const auto &s : std::as_const(m_options.sets))
        body.insert(s.first, setValue(s.second));
    const auto via = Follow::viaFromName(m_options.via);
    QString callback = m_options.callbackUrl;
    if (*via == Follow::Via::Webhook && callback.isEmpty()) {
        if (m_adapter->callbackField().isEmpty())
            return failWith(2,
                QStringLiteral("%1 sends no webhooks; choose another --via.")
                    .arg(Core::dialectName(m_profile.dialect)));
        if (m_profile.webhookSecret.isEmpty())
            return failWith(2,
                QStringLiteral("--via webhook needs the provider's signing secret: "
                               "--webhook-secret-env VAR."));
        QString error;
        Net::WebhookInbox *inbox = m_context->inbox(&error);
        if (!inbox)
            return failWith(3, QStringLiteral("Cannot start the webhook inbox: %1.").arg(error));
        callback = inbox->url(m_profile.name).toString();
    }
    if (!callback.isEmpty()) {
        if (m_adapter->callbackField().isEmpty())
            return failWith(2,
                QStringLiteral("%1 has no webhook field for --callback-url.")
                    .arg(Core::dialectName(m_profile.dialect)));
        body.insert(m_adapter->callbackField(), callback);
    }
    const QString task = m_options.args.value(0);
    m_pendingSubmits = m_options.count;
    for (int i = 0; i < m_options.count; ++i)
        submitOne(task, body);
}

void CliRunner::submitOne(const QString &task, const QJsonObject &body)
{
    send(m_adapter->submit(task, body), [this, task, body](Net::HttpCall *call) {
        if (m_done)
            return;
        if (!answered(call, {}, {}, false))
            return;
        const Dialects::SubmitResult r
            = m_adapter->parseSubmit(task, call->httpStatus(), call->body());
        if (r.error.isError()) {
            if (m_options.json)
                printJson(QJsonObject { { k("job"), QJsonValue::Null },
                    { k("event"), QStringLiteral("error") }, { k("via"), QStringLiteral("submit") },
                    { k("error"), errorJson(r.error) } });
            return failWith(exitCodeForError(r.error),
                QStringLiteral("The service refused the submission: %1").arg(r.error.message));
        }
        recordInHistory(r.jobId, task, body);
        m_tracker.track(r.jobId, m_profile.name, m_profile.dialect, task).input = body;
        Core::JobUpdate u = r.update;
        u.jobId = r.jobId;
        u.channel = Core::Channel::Submit;
        if (!u.state)
            u.state = Core::JobState::Queued;
        if (m_tracker.apply(u) == Tracker::JobTracker::None)
            printStatus(r.jobId, QStringLiteral("submit"));
        if (!m_options.wait) {
            if (--m_pendingSubmits == 0)
                done(0);
            return;
        }
        follow(r.jobId, task, body);
    });
}

void CliRunner::recordInHistory(const QString &jobId, const QString &task, const QJsonObject &input)
{
    QJsonObject rec { { k("id"), jobId }, { k("dialect"), Core::dialectName(m_profile.dialect) },
        { k("base_url"), m_profile.baseUrl.toString() }, { k("key_env"), m_profile.keyRef.mid(4) },
        { k("task"), task }, { k("input"), input }, { k("via"), m_options.via },
        { k("created_ms"), QDateTime::currentMSecsSinceEpoch() } };
    if (!m_options.downloadDir.isEmpty())
        rec.insert(k("download_dir"), QFileInfo(m_options.downloadDir).absoluteFilePath());
    if (m_profile.wsUrl.isValid() && m_profile.dialect == Core::Dialect::DeApi) {
        rec.insert(k("ws_url"), m_profile.wsUrl.toString());
        rec.insert(k("pusher_key"), m_profile.pusherKey);
        rec.insert(k("client_id"), m_profile.clientId);
        rec.insert(k("auth_url"), m_profile.authUrl.toString());
    }
    if (!m_profile.webhookSecretRef.isEmpty())
        rec.insert(k("webhook_secret_env"), m_profile.webhookSecretRef.mid(4));
    QString historyError;
    if (!m_history.append(rec, &historyError))
        note(QStringLiteral("could not record the job in %1: %2")
                 .arg(m_history.path(), historyError));
}

void CliRunner::status()
{
    const QString id = m_options.args.value(0);
    const QString task
        = !m_options.task.isEmpty() ? m_options.task : m_historyRecord.value(k("task")).toString();
    m_tracker.track(id, m_profile.name, m_profile.dialect, task);
    send(m_adapter->status({ id, task }), [this, id, task](Net::HttpCall *call) {
        if (!answered(call, {}, {}, false))
            return;
        Core::JobUpdate u = m_adapter->parseStatus({ id, task }, call->httpStatus(), call->body());
        if (u.error.isError() && u.error.kind != Core::JobError::Kind::Job) {
            if (m_options.json)
                printJson(QJsonObject { { k("job"), id }, { k("event"), QStringLiteral("error") },
                    { k("via"), QStringLiteral("poll") }, { k("error"), errorJson(u.error) } });
            return failWith(exitCodeForError(u.error),
                QStringLiteral("Status of %1: %2").arg(id, u.error.message));
        }
        u.jobId = id;
        u.channel = Core::Channel::Poll;
        const Tracker::JobTracker::Changes changes = m_tracker.apply(u);
        if (changes == Tracker::JobTracker::None)
            printStatus(id, QStringLiteral("poll"));
        const Tracker::TrackedJob *job = m_tracker.job(id);
        if (job && job->isTerminal())
            printEnd(id);
        if (!u.problem.isEmpty()) {
            if ((changes & Tracker::JobTracker::Problem) && !m_options.json)
                return done(
                    3); // printUpdate() said it already, once (as JSON on stdout with --json)
            return failWith(
                3, QStringLiteral("Status of %1 could not be read fully: %2").arg(id, u.problem));
        }
        done(0);
    });
}

void CliRunner::watch()
{
    const QString id = m_options.args.value(0);
    const QString task
        = !m_options.task.isEmpty() ? m_options.task : m_historyRecord.value(k("task")).toString();
    m_tracker.track(id, m_profile.name, m_profile.dialect, task);
    follow(id, task, {});
}

void CliRunner::follow(const QString &jobId, const QString &task, const QJsonObject &input)
{
    m_follower = new Follow::JobFollower(m_context.get(), m_profile.name, { jobId, task }, input,
        *Follow::viaFromName(m_options.via), this);
    connect(m_follower, &Follow::JobFollower::notice, this, [this](const QString &m) { note(m); });
    connect(m_context.get(), &Follow::FollowContext::notice, this,
        [this](const QString &, const QString &m) { note(m); });
    connect(m_follower, &Follow::JobFollower::fatal, this, [this, jobId](const Core::JobError &e) {
        if (m_options.json)
            printJson(QJsonObject { { k("job"), jobId }, { k("event"), QStringLiteral("error") },
                { k("error"), errorJson(e) } });
        failWith(exitCodeForError(e), QStringLiteral("Cannot follow %1: %2").arg(jobId, e.message));
    });
    connect(m_follower, &Follow::JobFollower::settled, this, [this, jobId](Core::JobState state) {
        printEnd(jobId);
        if (state == Core::JobState::NeedsInput) {
            note(QStringLiteral("%1 needs input; answer with: jobscope-cli respond %1 --input FILE")
                     .arg(jobId));
            return done(4);
        }
        const int code = state == Core::JobState::Succeeded ? 0 : 1;
        if (code == 1) {
            const Tracker::TrackedJob *job = m_tracker.job(jobId);
            note(QStringLiteral("%1 %2%3").arg(jobId, Core::stateName(state),
                job && !job->error.message.isEmpty() ? QStringLiteral(": ") + job->error.message
                                                     : QString()));
        }
        if (code == 0 && !m_options.downloadDir.isEmpty())
            return startDownloads(jobId, code);
        done(code);
    });
    m_follower->start();
}

void CliRunner::startDownloads(const QString &jobId, int exitAfter)
{
    if (!m_queue) {
        m_queue = new Downloads::DownloadQueue(&m_nam, &m_tracker, this);
        m_queue->setParallel(4);
        m_queue->setRefresher([this](const QString &id, std::function<void()> then) {
            // A signed URL that expired: a fresh status read mints a new one.
            note(QStringLiteral("a result of %1 answered 403/410 (expired URL?); reading the job "
                                "again for a fresh one")
                     .arg(id));
            const Tracker::TrackedJob *job = m_tracker.job(id);
            const Dialects::JobRef ref { id, job ? job->task : QString() };
            send(m_adapter->status(ref), [this, ref, then](Net::HttpCall *call) {
                if (call->httpStatus() >= 200 && call->httpStatus() < 300) {
                    Core::JobUpdate u
                        = m_adapter->parseStatus(ref, call->httpStatus(), call->body());
                    u.jobId = ref.id;
                    u.channel = Core::Channel::Poll;
                    m_tracker.apply(u);
                }
                then();
            });
        });
        connect(m_queue, &Downloads::DownloadQueue::fileChanged, this,
            [this](const Downloads::DownloadQueue::File &f) {
                using S = Downloads::DownloadQueue::File::State;
                if (f.state != S::Queued)
                    m_history.recordDownload(f.jobId, f.key, f.folder, f.path, f.state == S::Done,
                        f.bytes, f.total, f.sha256, f.state == S::Failed ? f.error : QString());
                printFile(f);
            });
        connect(m_queue, &Downloads::DownloadQueue::jobFinished, this,
            [this](const QString &, bool ok, const QStringList &) {
                if (!ok)
                    m_downloadFailed = true;
                if (--m_pendingDownloads == 0)
                    done(m_downloadFailed ? 3 : m_exitAfterDownloads);
            });
    }
    m_exitAfterDownloads = exitAfter;
    ++m_pendingDownloads;
    if (!m_queue->enqueue(jobId, QDir(m_options.downloadDir).absolutePath())
        && --m_pendingDownloads == 0)
        done(exitAfter);
}

void CliRunner::printFile(const Downloads::DownloadQueue::File &f)
{
    using S = Downloads::DownloadQueue::File::State;
    if (f.state == S::Queued || f.state == S::Running)
        return;
    if (f.state == S::Failed) {
        if (m_options.json)
            printJson(QJsonObject { { k("job"), f.jobId }, { k("event"), QStringLiteral("error") },
                { k("error"),
                    QJsonObject {
                        { k("message"), f.error }, { k("kind"), QStringLiteral("download") } } } });
        note(QStringLiteral("download of %1 (%2) failed: %3").arg(f.name, f.jobId, f.error));
    } else if (m_options.json) {
        printJson(QJsonObject { { k("job"), f.jobId }, { k("event"), QStringLiteral("file") },
            { k("path"), f.path }, { k("bytes"), f.bytes }, { k("sha256"), f.sha256 } });
    } else {
        printHuman(QStringLiteral("%1  file %2 (%3 bytes)").arg(f.jobId, f.path).arg(f.bytes));
    }
}

void CliRunner::resume()
{
    // Every unfinished job of the history, whatever profile it belongs to: keys from the
    // environment variables its profile names.
    m_historyAsync = std::make_unique<Store::JobHistory>(m_history.path());
    // Keys from the environment variables or the keychain entries the profiles name.
    m_keyStore = std::make_unique<Secrets::KeyStore>();
    m_resolver = std::make_unique<Session::KeyResolver>(m_keyStore.get(), &m_redactor);
    m_session = std::make_unique<Session::JobSession>(
        &m_nam, &m_tracker, m_historyAsync.get(), m_resolver->lookup());
    m_session->setAutoDownload(false); // only jobs that were given a folder are downloaded
    connect(m_session.get(), &Session::JobSession::notice, this,
        [this](const QString &id, const QString &m) {
            note(id.isEmpty() ? m : id + QStringLiteral(": ") + m);
        });
    connect(m_session.get(), &Session::JobSession::settled, this,
        [this](const QString &id, Core::JobState) { printEnd(id); });
    connect(m_session.get(), &Session::JobSession::needsInput, this, [this](const QString &id) {
        printEnd(id);
        note(QStringLiteral("%1 needs input; answer with: jobscope-cli respond %1 --input FILE")
                 .arg(id));
    });
    connect(m_session.get(), &Session::JobSession::jobFatal, this,
        [this](const QString &id, const Core::JobError &e) {
            m_downloadFailed = true;
            if (m_options.json)
                printJson(QJsonObject { { k("job"), id }, { k("event"), QStringLiteral("error") },
                    { k("error"), errorJson(e) } });
            note(QStringLiteral("cannot follow %1: %2").arg(id, e.message));
        });
    connect(m_session->downloads(), &Downloads::DownloadQueue::fileChanged, this,
        [this](const Downloads::DownloadQueue::File &f) {
            if (f.state == Downloads::DownloadQueue::File::State::Failed)
                m_downloadFailed = true;
            printFile(f); // the session's history records the file; this only reports it
        });
    connect(m_session.get(), &Session::JobSession::idle, this, [this] {
        if (!m_resumeStarted)
            return;
        m_historyAsync->flush();
        done(m_downloadFailed ? 3 : 0);
    });
    m_historyAsync->open([this](bool ok, const QString &error) {
        if (!ok)
            return failWith(
                3, QStringLiteral("Cannot open the history %1: %2.").arg(m_history.path(), error));
        m_session->resumeUnfinished([this](int count) {
            m_resumeStarted = true;
            if (m_options.json)
                printJson(
                    QJsonObject { { k("event"), QStringLiteral("resume") }, { k("jobs"), count } });
            else
                note(QStringLiteral("re-attached to %1 unfinished job%2")
                         .arg(count)
                         .arg(count == 1 ? QString() : QStringLiteral("s")));
            if (m_session->isIdle()) {
                m_historyAsync->flush();
                done(m_downloadFailed ? 3 : 0);
            }
        });
    });
}

void CliRunner::list()
{
    const auto spec = m_adapter->list();
    if (!spec) {
        // No list endpoint in the document: what this machine submitted to the service.
        const QList<QJsonObject> records = m_history.forBaseUrl(m_profile.baseUrl.toString());
        for (const QJsonObject &r : records) {
            if (m_options.json)
                printJson(QJsonObject { { k("job"), r.value(k("id")) },
                    { k("event"), QStringLiteral("history") }, { k("task"), r.value(k("task")) },
                    { k("created_ms"), r.value(k("created_ms")) } });
            else
                printHuman(QStringLiteral("%1  %2  (from the local history)")
                               .arg(r.value(k("id")).toString(), r.value(k("task")).toString()));
        }
        return done(0);
    }
    send(*spec, [this](Net::HttpCall *call) {
        if (!answered(call, {}, {}, false))
            return;
        const Dialects::ListResult r = m_adapter->parseList(call->httpStatus(), call->body());
        if (r.error.isError())
            return failWith(
                exitCodeForError(r.error), QStringLiteral("List refused: %1").arg(r.error.message));
        for (const Core::JobUpdate &u : r.jobs) {
            if (m_options.json) {
                QJsonObject o { { k("job"), u.jobId }, { k("event"), QStringLiteral("status") },
                    { k("state"), u.state ? QJsonValue(Core::stateName(*u.state)) : QJsonValue() },
                    { k("status"), u.rawStatus },
                    { k("progress"), u.progress ? QJsonValue(*u.progress) : QJsonValue() },
                    { k("via"), QStringLiteral("poll") } };
                if (u.extra.contains(k("job_type")))
                    o.insert(k("type"), u.extra.value(k("job_type")));
                printJson(o);
            } else {
                printHuman(
                    QStringLiteral("%1  %2 (%3)  %4%")
                        .arg(u.jobId, u.state ? Core::stateName(*u.state) : QStringLiteral("?"),
                            u.rawStatus)
                        .arg(u.progress ? int(*u.progress * 100) : 0));
            }
        }
        if (!r.workers.isEmpty()) {
            if (m_options.json)
                printJson(QJsonObject { { k("workers"), r.workers } });
            else
                printHuman(QStringLiteral("workers: %1 active of %2 (max %3)")
                               .arg(r.workers.value(k("activeWorkers")).toInt())
                               .arg(r.workers.value(k("totalWorkers")).toInt())
                               .arg(r.workers.value(k("maxWorkers")).toInt()));
        }
        done(0);
    });
}

void CliRunner::cancel()
{
    const QString id = m_options.args.value(0);
    const auto spec = m_adapter->cancel({ id, m_historyRecord.value(k("task")).toString() });
    if (!spec)
        return failWith(
            2, QStringLiteral("%1 has no cancel call.").arg(Core::dialectName(m_profile.dialect)));
    m_tracker.track(id, m_profile.name, m_profile.dialect, {});
    send(*spec, [this, id](Net::HttpCall *call) {
        if (!answered(call, id, QStringLiteral("Cancel of %1").arg(id)))
            return;
        Core::JobUpdate u = m_adapter->parseStatus({ id, {} }, call->httpStatus(), call->body());
        u.jobId = id;
        u.channel = Core::Channel::Poll;
        if (!u.state)
            u.state = Core::JobState::Cancelled;
        m_tracker.apply(u);
        printEnd(id);
        done(0);
    });
}

void CliRunner::respond()
{
    QJsonObject body;
    if (!readInput(&body))
        return;
    const QString id = m_options.args.value(0);
    const auto spec = m_adapter->respond({ id, {} }, body);
    if (!spec)
        return failWith(
            2, QStringLiteral("%1 has no respond call.").arg(Core::dialectName(m_profile.dialect)));
    m_tracker.track(id, m_profile.name, m_profile.dialect, {});
    send(*spec, [this, id](Net::HttpCall *call) {
        if (!answered(call, id, QStringLiteral("Respond to %1").arg(id)))
            return;
        Core::JobUpdate u = m_adapter->parseStatus({ id, {} }, call->httpStatus(), call->body());
        u.jobId = id;
        u.channel = Core::Channel::Poll;
        if (m_tracker.apply(u) == Tracker::JobTracker::None)
            printStatus(id, QStringLiteral("poll"));
        done(0);
    });
}

void CliRunner::call()
{
    QJsonObject body;
    if (!readInput(&body))
        return;
    const auto spec = m_adapter->call(m_options.args.value(0), m_options.args.value(1), body);
    if (!spec)
        return failWith(
            2, QStringLiteral("%1 has no runtime call.").arg(Core::dialectName(m_profile.dialect)));
    send(*spec, [this](Net::HttpCall *call) {
        if (!answered(call, {}, {}, false))
            return;
        const QJsonDocument doc = QJsonDocument::fromJson(call->body());
        if (doc.isObject())
            printJson(doc.object());
        else
            printHuman(QString::fromUtf8(call->body()));
        if (call->httpStatus() < 200 || call->httpStatus() >= 300) {
            const Core::JobError e = m_adapter->errorFrom(call->httpStatus(), 0, call->body());
            return failWith(
                exitCodeForError(e), QStringLiteral("The call was refused: %1").arg(e.message));
        }
        done(0);
    });
}

void CliRunner::logs()
{
    const QString id = m_options.args.value(0);
    const auto spec = m_adapter->stream({ id, {} });
    if (!spec)
        return failWith(2,
            QStringLiteral("%1 has no log channel (only PeelAPI streams logs).")
                .arg(Core::dialectName(m_profile.dialect)));
    m_tracker.track(id, m_profile.name, m_profile.dialect, {});
    // The stream replays every event from the start: print its log lines until `end`.
    auto *sse = new Net::SseConnection(&m_nam, spec->networkRequest());
    sse->setParent(this);
    connect(sse, &Net::SseConnection::event, this, [this, sse, id](const Net::SseEvent &e) {
        Core::JobUpdate u = m_adapter->parseSseEvent(id, e.type, e.data, e.lastEventId);
        u.jobId = id;
        u.channel = Core::Channel::Sse;
        if (!u.logs.isEmpty()) {
            for (const Core::LogLine &l : std::as_const(u.logs)) {
                if (m_options.json)
                    printJson(QJsonObject { { k("job"), id }, { k("event"), QStringLiteral("log") },
                        { k("level"), l.level }, { k("message"), l.message },
                        { k("time"),
                            QDateTime::fromMSecsSinceEpoch(l.timeMs, Qt::UTC)
                                .toString(Qt::ISODateWithMs) },
                        { k("via"), QStringLiteral("sse") } });
                else
                    printHuman(QStringLiteral("%1 %2 %3")
                                   .arg(QDateTime::fromMSecsSinceEpoch(l.timeMs, Qt::UTC)
                                            .toString(Qt::ISODateWithMs),
                                       l.level.toUpper(), l.message));
            }
        }
        if (e.type == "end") {
            sse->close();
            done(0);
        }
    });
    connect(
        sse, &Net::SseConnection::failed, this, [this, id](const QString &message, int httpStatus) {
            failWith(httpStatus == 404 ? 1 : 3, QStringLiteral("Logs of %1: %2").arg(id, message));
        });
    sse->start();
}

void CliRunner::downloadOnly()
{
    const QString id = m_options.args.value(0);
    if (m_options.downloadDir.isEmpty())
        return failWith(2, QStringLiteral("download needs --to DIR."));
    const QString task
        = !m_options.task.isEmpty() ? m_options.task : m_historyRecord.value(k("task")).toString();
    m_tracker.track(id, m_profile.name, m_profile.dialect, task);
    send(m_adapter->status({ id, task }), [this, id, task](Net::HttpCall *call) {
        if (!answered(call, {}, {}, false))
            return;
        Core::JobUpdate u = m_adapter->parseStatus({ id, task }, call->httpStatus(), call->body());
        if (u.error.isError() && u.error.kind != Core::JobError::Kind::Job)
            return failWith(exitCodeForError(u.error),
                QStringLiteral("Status of %1: %2").arg(id, u.error.message));
        u.jobId = id;
        u.channel = Core::Channel::Poll;
        m_tracker.apply(u);
        const Tracker::TrackedJob *job = m_tracker.job(id);
        if (!job || !job->state || *job->state != Core::JobState::Succeeded)
            return failWith(1,
                QStringLiteral("%1 has no results to download (it is %2).")
                    .arg(id,
                        job && job->state ? Core::stateName(*job->state)
                                          : QStringLiteral("unknown")));
        // A job this machine did not submit: recorded first, so its files are remembered too.
        if (m_history.find(id).isEmpty())
            recordInHistory(id, task, {});
        startDownloads(id, 0);
    });
}

void CliRunner::printStatus(const QString &jobId, const QString &via)
{
    const Tracker::TrackedJob *job = m_tracker.job(jobId);
    if (!job)
        return;
    if (m_options.json) {
        printJson(QJsonObject { { k("job"), jobId }, { k("event"), QStringLiteral("status") },
            { k("state"), job->state ? QJsonValue(Core::stateName(*job->state)) : QJsonValue() },
            { k("status"), job->rawStatus },
            { k("progress"), job->hasProgress ? QJsonValue(job->progress) : QJsonValue() },
            { k("via"), via } });
    } else {
        printHuman(QStringLiteral("%1  %2%3%4  via %5")
                       .arg(jobId, job->state ? Core::stateName(*job->state) : QStringLiteral("?"),
                           job->rawStatus.isEmpty() ? QString()
                                                    : QStringLiteral(" (%1)").arg(job->rawStatus),
                           job->hasProgress ? QStringLiteral("  %1%").arg(int(job->progress * 100))
                                            : QString(),
                           via));
    }
}

void CliRunner::printUpdate(
    const QString &jobId, Tracker::JobTracker::Changes changes, const Core::JobUpdate &u)
{
    const QString via = Core::channelName(u.channel);
    if (changes & (Tracker::JobTracker::State | Tracker::JobTracker::Progress))
        printStatus(jobId, via);
    if (changes & Tracker::JobTracker::Log) {
        for (const Core::LogLine &l : u.logs) {
            if (m_options.json)
                printJson(QJsonObject { { k("job"), jobId }, { k("event"), QStringLiteral("log") },
                    { k("level"), l.level }, { k("message"), l.message },
                    { k("time"),
                        QDateTime::fromMSecsSinceEpoch(l.timeMs, Qt::UTC)
                            .toString(Qt::ISODateWithMs) },
                    { k("via"), via } });
            else
                printHuman(QStringLiteral("%1  log %2: %3").arg(jobId, l.level, l.message));
        }
    }
    if (changes & Tracker::JobTracker::Preview) {
        if (m_options.json)
            printJson(QJsonObject { { k("job"), jobId }, { k("event"), QStringLiteral("preview") },
                { k("bytes"), u.preview.size() }, { k("via"), via } });
        else
            printHuman(QStringLiteral("%1  preview (%2 bytes)").arg(jobId).arg(u.preview.size()));
    }
    if (changes & Tracker::JobTracker::Outputs) {
        for (const Core::Output &o : u.outputs) {
            if (m_options.json)
                printJson(
                    QJsonObject { { k("job"), jobId }, { k("event"), QStringLiteral("result") },
                        { k("url"), o.url }, { k("name"), o.name }, { k("variant"), o.variant },
                        { k("index"), o.index }, { k("via"), via } });
            else
                printHuman(QStringLiteral("%1  result %2%3")
                               .arg(jobId, o.name.isEmpty() ? o.url : o.name,
                                   o.variant.isEmpty() ? QString()
                                                       : QStringLiteral(" (%1)").arg(o.variant)));
        }
    }
    if (changes & Tracker::JobTracker::Problem) {
        if (m_options.json)
            printJson(QJsonObject { { k("job"), jobId }, { k("event"), QStringLiteral("error") },
                { k("via"), via },
                { k("error"),
                    QJsonObject { { k("kind"), QStringLiteral("protocol") },
                        { k("message"), u.problem } } } });
        else
            note(QStringLiteral("%1: %2").arg(jobId, u.problem));
    }
}

void CliRunner::printEnd(const QString &jobId)
{
    const Tracker::TrackedJob *job = m_tracker.job(jobId);
    if (!job || !job->state)
        return;
    if (m_options.json) {
        QJsonObject o { { k("job"), jobId }, { k("event"), QStringLiteral("end") },
            { k("state"), Core::stateName(*job->state) }, { k("status"), job->rawStatus },
            { k("progress"), job->hasProgress ? QJsonValue(job->progress) : QJsonValue() },
            { k("via"),
                job->timeline.isEmpty() ? QStringLiteral("poll")
                                        : Core::channelName(job->timeline.last().channel) } };
        if (*job->state == Core::JobState::Failed || job->error.isError())
            o.insert(k("error"), errorJson(job->error));
        if (*job->state == Core::JobState::NeedsInput
            && job->extra.contains(k("user_input_prompt")))
            o.insert(k("user_input_prompt"), job->extra.value(k("user_input_prompt")));
        if (!job->captions.isEmpty())
            o.insert(k("captions"), job->captions);
        printJson(o);
    } else {
        QString line = QStringLiteral("%1  end: %2 (%3)")
                           .arg(jobId, Core::stateName(*job->state), job->rawStatus);
        if (job->error.isError())
            line += QStringLiteral(" — %1%2%3")
                        .arg(job->error.message,
                            job->error.providerCode.isEmpty()
                                ? QString()
                                : QStringLiteral(" [%1]").arg(job->error.providerCode),
                            job->error.retryable ? QStringLiteral(" (retryable)") : QString());
        printHuman(line);
    }
}

} // namespace Cli
