#include "soakrun.h"

#include "core/profile.h"
#include "sandboxprocess.h"
#include "session/joboperation.h"
#include "session/jobsession.h"
#include "store/jobhistory.h"
#include "tracker/jobtracker.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QJsonArray>
#include <cstdio>

namespace Soak {

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

const Core::Dialect kDialects[] = { Core::Dialect::PeelApi, Core::Dialect::ImagePipeline,
    Core::Dialect::Peel, Core::Dialect::Peako, Core::Dialect::DeApi };

QString dialectAt(int i)
{
    return Core::dialectName(kDialects[i]);
}

// Normalized states in the order a job goes through them.
int soakStateRank(const QString &state)
{
    if (state == QLatin1String("queued"))
        return 0;
    if (state == QLatin1String("running") || state == QLatin1String("needs_input"))
        return 1;
    return 2;
}

} // namespace

SoakRun::SoakRun(
    const SoakOptions &options, SandboxProcess *sandbox, ControlClient *control, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_sandbox(sandbox)
    , m_control(control)
    , m_rng(options.seed)
{
    connect(m_sandbox, &SandboxProcess::ready, this, &SoakRun::onSandboxReady);
    connect(m_sandbox, &SandboxProcess::failed, this, [this](const QString &m) {
        note(QStringLiteral("sandbox: %1").arg(m));
        finish();
    });
}

SoakRun::~SoakRun()
{
    finish();
}

QString SoakRun::historyPath() const
{
    return QDir(m_options.workDir).filePath(QStringLiteral("history.sqlite"));
}

QString SoakRun::libraryDir() const
{
    return QDir(m_options.workDir).filePath(QStringLiteral("library"));
}

void SoakRun::note(const QString &message)
{
    if (m_figures.notes.size() < 40)
        m_figures.notes.append(message);
    std::fprintf(stderr, "soak: %s\n", qPrintable(message));
}

void SoakRun::start(qint64 followDeadlineMs)
{
    m_clock.start();
    const ControlClient::Answer failures = m_control->getNow(QStringLiteral("/failures"));
    for (int d = 0; d < 5; ++d) {
        for (const QJsonValue &v : failures.json.value(dialectAt(d)).toArray())
            m_failureCodes[dialectAt(d)].append(v.toString());
        m_keys.insert(
            dialectAt(d), m_sandbox->dialect(dialectAt(d)).value(k("api_key")).toString());
    }

    m_tracker = std::make_unique<Tracker::JobTracker>();
    m_history = std::make_unique<Store::JobHistory>(historyPath());
    bool opened = false;
    QString openError;
    QObject::connect(m_history->open(), &Core::Operation::result, [&](Core::Operation *op) {
        const bool ok = !op->failed();
        const QString e = op->errorString();
        opened = ok;
        openError = ok ? QString() : e;
        if (!ok && openError.isEmpty())
            openError = QStringLiteral("unknown error");
    });
    QElapsedTimer waited;
    waited.start();
    while (!opened && openError.isEmpty() && waited.elapsed() < 20000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    if (!opened) {
        note(QStringLiteral("the history could not be opened: %1")
                 .arg(openError.isEmpty() ? QStringLiteral("no answer") : openError));
        QTimer::singleShot(0, this, &SoakRun::finish);
        return;
    }

    // The window's lookup resolves keychain references; here the references name the sandbox's
    // keys.
    auto keys
        = [this](const QString &ref, std::function<void(const QString &, const QString &)> done) {
              const QString dialect = ref.section(QStringLiteral("env:SOAK_KEY_"), 1).toLower();
              const QString key = m_keys.value(dialect);
              done(key, key.isEmpty() ? QStringLiteral("no key for %1").arg(ref) : QString());
          };
    m_session
        = std::make_unique<Session::JobSession>(&m_nam, m_tracker.get(), m_history.get(), keys);
    m_session->setAutoDownload(true);
    // As the window does: "<library>/<profile>", each job in "<that>/<job id>".
    m_session->setFolderFor([this](const Store::StoredJob &job) {
        return QDir(libraryDir()).filePath(job.job.profile);
    });

    connect(m_session.get(), &Session::JobSession::submitted, this,
        [this](const QString &id, const QString &profile) {
            --m_inFlight;
            if (m_figures.dialectOf.contains(id))
                note(QStringLiteral("job id %1 was handed out twice").arg(id));
            m_figures.dialectOf.insert(id, profile);
            if (const Tracker::TrackedJob *j = m_tracker->job(id))
                m_figures.taskOf.insert(id, j->task);
        });
    connect(m_session.get(), &Session::JobSession::submitFailed, this,
        [this](const QString &profile, const QString &task, const Core::JobError &e) {
            --m_inFlight;
            const int d = int(Core::dialectFromName(profile).value_or(Core::Dialect::PeelApi));
            if (e.httpStatus == 0 && m_figures.submitRetries < 10 * m_options.jobs) {
                // No answer (the sandbox is down or was killed mid-request): submit again later.
                ++m_figures.submitRetries;
                m_plan.prepend(d);
                m_submitPausedUntilMs
                    = m_clock.elapsed() + 500; // as a user would: try again shortly
                return;
            }
            ++m_figures.submitErrors;
            note(QStringLiteral("submit %1 %2 refused: HTTP %3 %4")
                     .arg(profile, task)
                     .arg(e.httpStatus)
                     .arg(e.message));
        });
    connect(m_session.get(), &Session::JobSession::settled, this,
        [this](const QString &id, Core::JobState state) {
            if (m_figures.settledState.contains(id))
                note(QStringLiteral("job %1 settled twice (%2, then %3)")
                         .arg(id, m_figures.settledState.value(id), Core::stateName(state)));
            m_figures.settledState.insert(id, Core::stateName(state));
        });
    connect(m_session.get(), &Session::JobSession::jobFatal, this,
        [this](const QString &id, const Core::JobError &e) {
            m_figures.fatal.insert(id, e.message);
            note(QStringLiteral("the session gave up on job %1 (%2): %3")
                     .arg(id, m_figures.dialectOf.value(id), e.message));
        });
    connect(m_session.get(), &Session::JobSession::downloadsFinished, this,
        [this](const QString &id, bool ok, const QStringList &errors) {
            if (!ok)
                note(QStringLiteral("downloads of job %1 ended with errors: %2")
                         .arg(id, errors.join(QStringLiteral("; "))));
        });

    addProfiles();

    for (int i = 0; i < m_options.jobs; ++i)
        m_plan.append(i % 5);
    m_submitTimer.setInterval(100);
    connect(&m_submitTimer, &QTimer::timeout, this, &SoakRun::submitTick);
    m_submitTimer.start();

    m_dropTimer.setSingleShot(true);
    connect(&m_dropTimer, &QTimer::timeout, this, &SoakRun::dropStreams);
    scheduleDrop();

    const int spread = m_options.spreadMs();
    m_restartsDue = m_options.restarts;
    for (int r = 0; r < m_options.restarts; ++r) {
        const double at = 0.4 + (m_options.restarts > 1 ? 0.5 * r / (m_options.restarts - 1) : 0.0);
        QTimer::singleShot(int(spread * at), this, &SoakRun::restartSandbox);
    }

    m_doneTimer.setInterval(250);
    connect(&m_doneTimer, &QTimer::timeout, this, &SoakRun::checkDone);
    m_doneTimer.start();
    m_reportTimer.setInterval(10000);
    connect(&m_reportTimer, &QTimer::timeout, this, &SoakRun::report);
    m_reportTimer.start();
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        m_figures.timedOut = true;
        note(QStringLiteral("follow deadline reached"));
        finish();
    });
    m_deadline.start(int(followDeadlineMs));
}

void SoakRun::addProfiles()
{
    for (int d = 0; d < 5; ++d) {
        const QString name = dialectAt(d);
        const QJsonObject info = m_sandbox->dialect(name);
        Core::Profile p = Core::Profile::defaultsFor(kDialects[d]);
        p.name = name;
        p.baseUrl = QUrl(info.value(k("base_url")).toString());
        p.keyRef = QStringLiteral("env:SOAK_KEY_") + name.toUpper();
        if (kDialects[d] == Core::Dialect::DeApi) {
            p.wsUrl = QUrl(info.value(k("ws_url")).toString());
            p.pusherKey = info.value(k("pusher_key")).toString();
            p.clientId = info.value(k("client_id")).toString();
            p.authUrl = QUrl(info.value(k("auth_url")).toString());
        }
        Session::JobOperation *added = m_session->addProfile(p);
        connect(added, &Core::Operation::result, this, [this, name, added] {
            if (added->failed())
                note(QStringLiteral("profile %1 not added: %2").arg(name, added->errorString()));
        });
    }
}

QJsonObject SoakRun::bodyFor(int d, QString *task)
{
    const int n = ++m_serial;
    const QString word = QStringLiteral("soak %1 #%2").arg(m_options.seed).arg(n);
    QJsonObject sandbox { { k("duration_ms"),
        m_options.minDurationMs
            + int(m_rng.bounded(m_options.maxDurationMs - m_options.minDurationMs + 1)) } };
    const QStringList codes = m_failureCodes.value(dialectAt(d));
    if (!codes.isEmpty() && int(m_rng.bounded(100)) < m_options.failPercent) {
        sandbox.insert(k("fail"), codes.at(int(m_rng.bounded(codes.size()))));
        sandbox.insert(k("fail_at"), 0.2 + 0.6 * m_rng.generateDouble());
    }
    QJsonObject body;
    switch (kDialects[d]) {
    case Core::Dialect::PeelApi:
        *task = QStringLiteral("v1/portrait");
        body = { { k("prompt"), word }, { k("width"), 64 }, { k("height"), 64 } };
        break;
    case Core::Dialect::ImagePipeline:
        *task = QStringLiteral("generate/image/v1");
        body = { { k("prompt"), word }, { k("width"), 64 }, { k("height"), 64 },
            { k("output_format"), QStringLiteral("png") } };
        break;
    case Core::Dialect::Peel:
        *task = QStringLiteral("v1/apis");
        body = {
            { k("url"),
                QStringLiteral("https://news.example.com/soak/%1/%2").arg(m_options.seed).arg(n) },
            { k("instructions"), QStringLiteral("Get top stories with title, score, and author") }
        };
        break;
    case Core::Dialect::Peako:
        if (n % 2) {
            *task = QStringLiteral("api/render");
            body = { { k("template"), QStringLiteral("promo") }, { k("title"), word },
                { k("width"), 96 }, { k("height"), 64 }, { k("fps"), 2 }, { k("duration_s"), 1 } };
        } else {
            *task = QStringLiteral("api/transcribe");
            body = { { k("media_url"),
                         QStringLiteral("https://media.example.com/soak/%1.mp4").arg(n) },
                { k("duration_s"), 3 },
                { k("script"), QStringLiteral("Hello and welcome to soak number %1").arg(n) } };
        }
        break;
    case Core::Dialect::DeApi:
        *task = QStringLiteral("api/v1/client/txt2img");
        body = { { k("prompt"), word }, { k("model"), QStringLiteral("Flux1schnell") },
            { k("width"), 64 }, { k("height"), 64 }, { k("guidance"), 3.5 }, { k("steps"), 4 },
            { k("seed"), n } };
        break;
    }
    body.insert(k("sandbox"), sandbox);
    return body;
}

void SoakRun::submitOne(int d)
{
    QString task;
    const QJsonObject body = bodyFor(d, &task);
    ++m_inFlight;
    m_session->submit(dialectAt(d), task, body, Follow::Via::Auto, 1);
}

void SoakRun::submitTick()
{
    if (m_finished || m_clock.elapsed() < m_submitPausedUntilMs)
        return;
    // An even rate over the spread, catching up after a restart.
    const qint64 spread = m_options.spreadMs();
    const qint64 due = qMin<qint64>(
        m_options.jobs, (m_clock.elapsed() * m_options.jobs) / qMax<qint64>(1, spread) + 1);
    const qint64 sent = qint64(m_figures.dialectOf.size()) + m_inFlight;
    for (qint64 i = sent; i < due && !m_plan.isEmpty() && m_inFlight < 200; ++i)
        submitOne(m_plan.takeFirst());
}

void SoakRun::scheduleDrop()
{
    m_dropTimer.start(
        m_options.dropMinMs + int(m_rng.bounded(m_options.dropMaxMs - m_options.dropMinMs + 1)));
}

void SoakRun::dropStreams()
{
    if (m_finished)
        return;
    scheduleDrop();
    if (!m_sandbox->isUp())
        return;
    // 4200: reconnect at once; 0: TCP abort without a close frame; 4100: reconnect after a pause.
    static const int codes[] = { 4200, 0, 4200, 4100 };
    const int code = codes[m_dropCode++ % 4];
    ++m_figures.dropCalls;
    m_control->post(QStringLiteral("/drop"),
        QJsonObject { { k("sse"), true }, { k("ws"), true }, { k("ws_close_code"), code } },
        [this](const ControlClient::Answer &a) {
            if (a.status != 200) {
                if (m_sandbox->isUp())
                    note(QStringLiteral("drop refused: HTTP %1 %2")
                             .arg(a.status)
                             .arg(QString::fromUtf8(a.body.left(200))));
                return;
            }
            m_figures.sseCuts += a.json.value(k("sse_dropped")).toInt();
            m_figures.wsCuts += a.json.value(k("ws_dropped")).toInt();
        });
}

void SoakRun::restartSandbox()
{
    if (m_finished || !m_sandbox->isUp())
        return;
    const qint64 pid = m_sandbox->pid();
    // What the sandbox says of every job right before the kill, to tell afterwards which jobs its
    // restart set back.
    m_beforeKill.clear();
    for (const QJsonValue &v :
        m_control->getNow(QStringLiteral("/jobs")).json.value(k("jobs")).toArray()) {
        const QJsonObject j = v.toObject();
        m_beforeKill.insert(j.value(k("id")).toString(),
            { soakStateRank(j.value(k("state")).toString()), j.value(k("events")).toInt() });
    }
    m_sandbox->stop(m_options.hardKill);
    ++m_figures.restarts;
    --m_restartsDue;
    std::fprintf(stderr, "soak: t=%.1fs sandbox %lld %s; restarting in %d ms on port %u\n",
        m_clock.elapsed() / 1000.0, pid,
        m_options.hardKill ? "killed (SIGKILL)" : "stopped (SIGTERM)", m_options.downMs,
        unsigned(m_sandbox->port()));
    QTimer::singleShot(m_options.downMs, this, [this] {
        if (!m_finished)
            m_sandbox->start(m_sandbox->port());
    });
}

void SoakRun::onSandboxReady()
{
    m_control->setTarget(m_sandbox->controlUrl(), m_sandbox->controlToken());
    if (!m_session)
        return;
    std::fprintf(stderr, "soak: t=%.1fs sandbox up again (pid %lld)\n", m_clock.elapsed() / 1000.0,
        m_sandbox->pid());
    compareWithBeforeKill();
    for (int d = 0; d < 5; ++d) {
        const QString name = dialectAt(d);
        if (m_sandbox->dialect(name).value(k("api_key")).toString() != m_keys.value(name))
            note(QStringLiteral("the %1 key changed across the restart").arg(name));
    }
}

void SoakRun::compareWithBeforeKill()
{
    QHash<QString, Seen> after;
    for (const QJsonValue &v :
        m_control->getNow(QStringLiteral("/jobs")).json.value(k("jobs")).toArray()) {
        const QJsonObject j = v.toObject();
        after.insert(j.value(k("id")).toString(),
            { soakStateRank(j.value(k("state")).toString()), j.value(k("events")).toInt() });
    }
    int back = 0, gone = 0;
    for (auto it = m_beforeKill.cbegin(); it != m_beforeKill.cend(); ++it) {
        const auto a = after.constFind(it.key());
        if (a == after.constEnd()) {
            ++gone;
            m_figures.rolledBack.insert(it.key());
        } else if (a->rank < it->rank || a->events < it->events) {
            ++back;
            m_figures.rolledBack.insert(it.key());
        }
    }
    std::fprintf(stderr,
        "soak: the restart set back %d of %lld jobs (fewer events or an earlier state) and forgot "
        "%d\n",
        back, qint64(m_beforeKill.size()), gone);
    m_beforeKill.clear();
}

void SoakRun::report()
{
    std::fprintf(stderr,
        "soak: t=%.0fs accepted=%lld settled=%lld fatal=%lld following=%d downloads=%d cuts=%d+%d "
        "restarts=%d\n",
        m_clock.elapsed() / 1000.0, qint64(m_figures.dialectOf.size()),
        qint64(m_figures.settledState.size()), qint64(m_figures.fatal.size()),
        m_session ? m_session->activeJobs() : 0, m_session ? m_session->pendingDownloads() : 0,
        m_figures.sseCuts, m_figures.wsCuts, m_figures.restarts);
}

void SoakRun::checkDone()
{
    if (m_finished || !m_session || m_restartsDue > 0 || !m_sandbox->isUp() || m_inFlight > 0
        || !m_plan.isEmpty())
        return;
    if (m_figures.dialectOf.size() < m_options.jobs)
        return;
    for (auto it = m_figures.dialectOf.cbegin(); it != m_figures.dialectOf.cend(); ++it) {
        if (!m_figures.settledState.contains(it.key()) && !m_figures.fatal.contains(it.key()))
            return;
    }
    if (!m_session->isIdle())
        return;
    finish();
}

void SoakRun::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_figures.followMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    m_submitTimer.stop();
    m_dropTimer.stop();
    m_doneTimer.stop();
    m_reportTimer.stop();
    m_deadline.stop();
    report();
    // The session flushes the history as it goes; the history then closes on its own thread.
    m_session.reset();
    m_history.reset();
    m_tracker.reset();
    QTimer::singleShot(0, this, &SoakRun::finished);
}

} // namespace Soak
