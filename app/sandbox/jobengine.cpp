#include "sandbox/jobengine.h"

#include "catalog/taskcatalog.h"
#include "sandbox/failurecatalog.h"
#include "sandbox/joblistener.h"
#include "sandbox/jobstore.h"
#include "sandbox/outputproducer.h"

#include <QDateTime>
#include <QDir>
#include <QLoggingCategory>
#include <QPointer>
#include <QRandomGenerator>
#include <QThreadPool>
#include <QUuid>
#include <algorithm>
#include <cmath>

Q_LOGGING_CATEGORY(lcEngine, "jobscope.sandbox.engine")

namespace Sandbox {

namespace {

QString randomHex(int bytes)
{
    QByteArray b(bytes, Qt::Uninitialized);
    for (int i = 0; i < bytes; ++i)
        b[i] = char(QRandomGenerator::global()->bounded(256));
    return QString::fromLatin1(b.toHex());
}

QString newId(Dialect d)
{
    switch (d) {
    case Dialect::PeelApi:
        return QStringLiteral("job_") + randomHex(8);
    case Dialect::ImagePipeline:
        return QStringLiteral("job_") + randomHex(6);
    case Dialect::Peel:
        return QStringLiteral("api_") + randomHex(8);
    case Dialect::Peako:
    case Dialect::DeApi:
        return QUuid::createUuid().toString(QUuid::WithoutBraces);
    }
    return randomHex(8);
}

// Log lines a job writes as it passes 0 %, 30 %, 70 % and 100 %.
QStringList milestones(const QString &output)
{
    if (output == QLatin1String("video"))
        return { QStringLiteral("Fetching sources"), QStringLiteral("Rendering frames"),
            QStringLiteral("Encoding video"), QStringLiteral("Uploading output") };
    if (output == QLatin1String("captions"))
        return { QStringLiteral("Extracting audio"), QStringLiteral("Transcribing speech"),
            QStringLiteral("Aligning captions"), QStringLiteral("Writing captions") };
    if (output == QLatin1String("audio"))
        return { QStringLiteral("Processing input"), QStringLiteral("Synthesising speech"),
            QStringLiteral("Mastering audio"), QStringLiteral("Uploading output") };
    if (output == QLatin1String("api"))
        return { QStringLiteral("Inspecting the source page"),
            QStringLiteral("Capturing network and selector evidence"),
            QStringLiteral("Drafting and running endpoint candidates"),
            QStringLiteral("Verifying endpoints for publication") };
    return { QStringLiteral("Processing input"), QStringLiteral("Running model inference"),
        QStringLiteral("Post-processing"), QStringLiteral("Uploading outputs") };
}

QJsonObject defaultInputPrompt()
{
    return QJsonObject { { QLatin1String("message"),
                             QStringLiteral("The site shows a region selector before any data. "
                                            "Which region should the API read?") },
        { QLatin1String("input_schema"),
            QJsonObject { { QLatin1String("type"), QStringLiteral("object") },
                { QLatin1String("required"), QJsonArray { QStringLiteral("region") } },
                { QLatin1String("properties"),
                    QJsonObject { { QLatin1String("region"),
                        QJsonObject { { QLatin1String("type"), QStringLiteral("string") },
                            { QLatin1String("enum"),
                                QJsonArray { QStringLiteral("us"), QStringLiteral("eu"),
                                    QStringLiteral("asia") } },
                            { QLatin1String("description"),
                                QStringLiteral("Region whose listings to read") } } } } } } } };
}

} // namespace

JobEngine::JobEngine(Config config, JobStore *store, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_store(store)
{
    if (m_config.speed <= 0)
        m_config.speed = 1.0;
    m_pool.setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
    m_clock.start();
    m_tick.setTimerType(Qt::PreciseTimer);
    m_tick.setInterval(m_config.tickMs);
    connect(&m_tick, &QTimer::timeout, this, &JobEngine::tick);
    m_tick.start();
    m_flush.setInterval(m_config.flushMs);
    connect(&m_flush, &QTimer::timeout, this, &JobEngine::flush);
    m_flush.start();
    m_purge.setInterval(1000);
    connect(&m_purge, &QTimer::timeout, this, &JobEngine::purgeExpired);
    m_purge.start();
}

JobEngine::~JobEngine()
{
    m_pool.waitForDone();
    m_dirty.unite(m_dirtyProgress);
    m_dirtyProgress.clear();
    m_lastProgressFlush = 0;
    flush();
}

void JobEngine::addListener(JobListener *listener)
{
    m_listeners.append(listener);
}

void JobEngine::removeListener(JobListener *listener)
{
    m_listeners.removeAll(listener);
}

qint64 JobEngine::now() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

qint64 JobEngine::scaled(qint64 ms) const
{
    return qint64(double(ms) / m_config.speed);
}

QString JobEngine::jobFolder(const Job &job) const
{
    return QDir(m_config.filesDir).filePath(job.id);
}

int JobEngine::restore()
{
    if (!m_store)
        return 0;
    const qint64 t = now();
    int count = 0;
    for (Job &stored : m_store->loadAll()) {
        auto job = std::make_shared<Job>(std::move(stored));
        Job *j = job.get();
        m_jobs.insert(j->id, job);
        m_order.append(j);
        ++count;
        switch (j->phase) {
        case Phase::Queued:
            m_queues[int(j->dialect)].append(j);
            break;
        case Phase::Pending:
            j->pendingUntilMs = t + scaled(800);
            m_running.insert(j);
            break;
        case Phase::Running:
            j->runResumedMs = t;
            m_running.insert(j);
            break;
        case Phase::NeedsInput:
            m_running.insert(j);
            break;
        default:
            break;
        }
    }
    std::sort(
        m_order.begin(), m_order.end(), [](Job *a, Job *b) { return a->createdMs < b->createdMs; });
    for (auto &q : m_queues)
        std::sort(q.begin(), q.end(), [](Job *a, Job *b) { return a->createdMs < b->createdMs; });
    for (Dialect d :
        { Dialect::PeelApi, Dialect::ImagePipeline, Dialect::Peel, Dialect::Peako, Dialect::DeApi })
        dispatch(d);
    return count;
}

Job *JobEngine::submit(Dialect dialect, const Catalog::TaskInfo &task, const QJsonObject &input,
    const JobControl &control, const QString &callbackUrl)
{
    auto job = std::make_shared<Job>();
    Job *j = job.get();
    do {
        j->id = newId(dialect);
    } while (m_jobs.contains(j->id));
    j->dialect = dialect;
    j->task = task.path;
    j->jobType = task.jobType;
    j->output = task.output;
    j->input = input;
    j->control = control;
    j->callbackUrl = callbackUrl;
    j->createdMs = j->updatedMs = now();
    j->durationMs
        = control.durationMs >= 0 ? control.durationMs : int(scaled(task.defaultDurationMs));
    if (dialect == Dialect::Peel) {
        j->sourceUrl = input.value(QLatin1String("url")).toString();
        j->instructions = input.value(QLatin1String("instructions")).toString();
        j->buildCount = 1;
    }
    m_jobs.insert(j->id, job);
    m_order.append(j);
    m_queues[int(dialect)].append(j);
    for (JobListener *l : std::as_const(m_listeners))
        l->jobCreated(*j);
    log(j, QStringLiteral("info"), QStringLiteral("Job queued"));
    // On disk before the submit is answered: a sandbox killed right after never forgets a job it
    // handed out an id for.
    persistNow(j);
    // A worker picks the job up on the next tick, so the submit answer says "queued" as the
    // documents show, even when a worker is free.
    return j;
}

Job *JobEngine::find(const QString &id) const
{
    const auto it = m_jobs.constFind(id);
    return it == m_jobs.constEnd() ? nullptr : it->get();
}

QList<Job *> JobEngine::jobs(std::optional<Dialect> dialect) const
{
    if (!dialect)
        return m_order;
    QList<Job *> out;
    for (Job *j : m_order) {
        if (j->dialect == *dialect)
            out.append(j);
    }
    return out;
}

int JobEngine::activeWorkers(Dialect d) const
{
    int n = 0;
    for (const Job *j : m_running) {
        if (j->dialect == d)
            ++n;
    }
    return n;
}

JobEngine::Stats JobEngine::stats() const
{
    Stats s = m_stats;
    QList<qint64> samples = m_lateSamples;
    if (!samples.isEmpty()) {
        std::sort(samples.begin(), samples.end());
        s.p99TickLateMs
            = samples.at(std::min<qsizetype>(samples.size() - 1, samples.size() * 99 / 100));
    }
    for (const Job *j : m_running) {
        if (j->phase == Phase::Running)
            ++s.running;
    }
    for (const auto &q : m_queues)
        s.queued += int(q.size());
    return s;
}

bool JobEngine::isHeldIn(const Job *job, Phase p) const
{
    if (job->control.hold.isEmpty())
        return false;
    const auto held = DialectTable::phaseFromName(job->dialect, job->control.hold);
    return held && *held == p;
}

void JobEngine::dispatch(Dialect d)
{
    QList<Job *> &queue = m_queues[int(d)];
    int active = activeWorkers(d);
    for (qsizetype i = 0; i < queue.size() && active < m_config.maxWorkers;) {
        Job *j = queue.at(i);
        if (j->phase != Phase::Queued) {
            queue.removeAt(i);
            continue;
        }
        if (isHeldIn(j, Phase::Queued)) {
            ++i;
            continue;
        }
        queue.removeAt(i);
        ++active;
        if (d == Dialect::ImagePipeline) {
            // ImagePipeline's "pending": a worker has the job and is loading the model.
            j->pendingUntilMs = now() + scaled(800);
            setPhase(j, Phase::Pending);
        } else {
            startRunning(j);
        }
    }
}

qint64 JobEngine::runElapsed(const Job *job, qint64 t) const
{
    return job->runElapsedMs + (job->runResumedMs ? t - job->runResumedMs : 0);
}

void JobEngine::pauseRun(Job *job)
{
    job->runElapsedMs = runElapsed(job, now());
    job->runResumedMs = 0;
}

void JobEngine::resumeRun(Job *job)
{
    if (!job->runResumedMs)
        job->runResumedMs = now();
}

void JobEngine::startRunning(Job *job)
{
    if (!job->startedMs)
        job->startedMs = now();
    setPhase(job, Phase::Running);
    resumeRun(job);
    if (job->logStep == 0) {
        job->logStep = 1;
        log(job, QStringLiteral("info"), milestones(job->output).at(0));
    }
}

void JobEngine::setPhase(Job *job, Phase to)
{
    const Phase from = job->phase;
    if (from == to)
        return;
    if (from == Phase::Running)
        pauseRun(job);
    job->phase = to;
    job->updatedMs = now();
    ++m_stats.transitions;
    if (to == Phase::Running)
        resumeRun(job);
    if (DialectTable::isTerminal(to)) {
        job->finishedMs = job->updatedMs;
        job->rendering = false;
        m_running.remove(job);
        m_lastProgressEmit.remove(job->id);
        if (to == Phase::Succeeded)
            job->progress = 1.0;
    } else if (to == Phase::Pending || to == Phase::Running || to == Phase::NeedsInput) {
        m_running.insert(job);
    } else if (to == Phase::Queued) {
        m_running.remove(job);
    }
    for (JobListener *l : std::as_const(m_listeners))
        l->jobTransitioned(*job, from);
    // A state change (the end above all) is on disk as soon as it went out: a kill -9 does not
    // roll a finished job back to re-run it.
    persistNow(job);
}

void JobEngine::notifyProgress(Job *job)
{
    job->updatedMs = now();
    ++m_stats.progressEvents;
    for (JobListener *l : std::as_const(m_listeners))
        l->jobProgressed(*job);
    markDirty(job, false);
}

void JobEngine::tick()
{
    const qint64 mono = m_clock.elapsed();
    if (m_lastTick) {
        const qint64 late = std::max<qint64>(0, mono - m_lastTick - m_config.tickMs);
        m_stats.maxTickLateMs = std::max(m_stats.maxTickLateMs, late);
        if (m_lateSamples.size() >= 20000)
            m_lateSamples.remove(0, 10000);
        m_lateSamples.append(late);
    }
    m_lastTick = mono;
    ++m_stats.ticks;

    const qint64 t = now();
    const QList<Job *> running(m_running.cbegin(), m_running.cend());
    for (Job *job : running) {
        if (!m_running.contains(job))
            continue; // a listener finished it during this tick
        if (job->phase == Phase::Pending) {
            if (!isHeldIn(job, Phase::Pending) && t >= job->pendingUntilMs)
                startRunning(job);
            continue;
        }
        if (job->phase != Phase::Running || job->rendering)
            continue;

        qint64 elapsed = runElapsed(job, t);
        if (isHeldIn(job, Phase::Running) && elapsed * 2 >= job->durationMs) {
            // Held while running: stay at half way until QA advances or releases it.
            job->runElapsedMs = job->durationMs / 2;
            job->runResumedMs = t;
            elapsed = job->runElapsedMs;
        }
        const double p = job->durationMs > 0
            ? std::min(1.0, std::round(1e4 * double(elapsed) / job->durationMs) / 1e4)
            : 1.0;

        if (!job->control.failReason.isEmpty() && p >= job->control.failAt) {
            fail(job, job->control.failReason, job->control.failMessage);
            continue;
        }
        if (job->control.needsInput && !job->needsInputAsked && p >= job->control.needsInputAt
            && DialectTable::hasPhase(job->dialect, Phase::NeedsInput)) {
            job->progress = p;
            askForInput(job, {});
            continue;
        }
        if (p >= 1.0) {
            finishRunning(job);
            continue;
        }
        // Never above 0.99 before the outputs exist, so progress cannot step back when they are
        // being written, and 1.0 always means done.
        job->progress = std::min(p, 0.99);

        // The texts are built only when a milestone is crossed, not on every tick of every job.
        if ((job->logStep == 1 && p >= 0.3) || (job->logStep == 2 && p >= 0.7)) {
            log(job, QStringLiteral("info"), milestones(job->output).at(job->logStep));
            ++job->logStep;
        }

        const int every
            = job->control.previewEvery >= 0 ? job->control.previewEvery : m_config.previewEvery;
        if (job->dialect == Dialect::DeApi && job->output == QLatin1String("image") && every > 0) {
            const int step = int(p * 100) / every;
            if (step > job->lastPreviewStep && step * every < 100) {
                job->lastPreviewStep = step;
                requestPreview(job, step * every);
            }
        }

        const double hz
            = job->control.progressHz > 0 ? job->control.progressHz : m_config.progressHz;
        const qint64 interval = qint64(1000.0 / hz);
        qint64 &last = m_lastProgressEmit[job->id];
        if (t - last >= interval) {
            if (last)
                m_stats.maxProgressGapLateMs
                    = std::max(m_stats.maxProgressGapLateMs, t - last - interval);
            // Due times advance by the interval, not to the tick that noticed them, so a 20 ms tick
            // does not stretch a 100 ms cadence; after a long stall the cadence restarts instead of
            // bursting to catch up.
            last = (last && t - last < 2 * interval) ? last + interval : t;
            notifyProgress(job);
        }
    }

    for (auto it = m_queues.begin(); it != m_queues.end(); ++it) {
        if (!it->isEmpty())
            dispatch(Dialect(it.key()));
    }
}

void JobEngine::finishRunning(Job *job)
{
    job->rendering = true;
    job->progress = std::max(job->progress, 0.99);
    if (job->logStep < 4) {
        job->logStep = 4;
        log(job, QStringLiteral("info"), milestones(job->output).at(3));
    }
    const Job snapshot = *job;
    const QString folder = jobFolder(*job);
    const QString id = job->id;
    const int build = job->buildCount;
    QPointer<JobEngine> self(this);
    m_pool.start([self, snapshot, folder, id, build] {
        const OutputProducer::Result r = OutputProducer::produce(snapshot, folder);
        // The engine waits for its pool before it dies, so `self` outlives this task.
        QMetaObject::invokeMethod(
            self.data(),
            [self, r, id, build] {
                Job *job = self->find(id);
                if (!job || job->phase != Phase::Running || !job->rendering
                    || job->buildCount != build)
                    return; // failed, cancelled or rebuilt meanwhile
                job->rendering = false;
                if (!r.error.isEmpty()) {
                    self->fail(job, FailureCatalog::defaultCode(job->dialect), r.error);
                    return;
                }
                job->outputs = r.outputs;
                job->captions = r.captions;
                job->progress = 1.0;
                self->notifyProgress(job);
                self->setPhase(job, Phase::Succeeded);
            },
            Qt::QueuedConnection);
    });
}

void JobEngine::requestPreview(Job *job, int percent)
{
    const Job snapshot = *job;
    const QString id = job->id;
    QPointer<JobEngine> self(this);
    m_pool.start([self, snapshot, id, percent] {
        const QByteArray jpeg = OutputProducer::preview(snapshot, percent / 100.0, 96);
        QMetaObject::invokeMethod(
            self.data(),
            [self, id, jpeg, percent] {
                Job *job = self->find(id);
                if (!job || job->phase != Phase::Running)
                    return;
                for (JobListener *l : std::as_const(self->m_listeners))
                    l->jobPreview(*job, jpeg, percent);
            },
            Qt::QueuedConnection);
    });
}

void JobEngine::log(Job *job, const QString &level, const QString &message)
{
    LogLine line { now(), level, message };
    job->logs.append(line);
    for (JobListener *l : std::as_const(m_listeners))
        l->jobLogged(*job, line);
    markDirty(job);
}

void JobEngine::touch(Job *job)
{
    job->updatedMs = now();
    markDirty(job);
}

QString JobEngine::advance(Job *job, std::optional<Phase> to)
{
    if (job->isTerminal())
        return QStringLiteral("the job is already %1").arg(job->rawState());
    const Dialect d = job->dialect;
    if (!to) {
        switch (job->phase) {
        case Phase::Queued:
            to = d == Dialect::ImagePipeline ? Phase::Pending : Phase::Running;
            break;
        case Phase::Pending:
        case Phase::NeedsInput:
            to = Phase::Running;
            break;
        default:
            to = Phase::Succeeded;
            break;
        }
    }
    if (!DialectTable::hasPhase(d, *to))
        return QStringLiteral("%1 has no %2 state")
            .arg(DialectTable::name(d), DialectTable::phaseName(*to));
    if (*to == job->phase)
        return QStringLiteral("the job is already %1").arg(job->rawState());

    switch (*to) {
    case Phase::Queued:
        return QStringLiteral("a job cannot go back to %1").arg(job->rawState());
    case Phase::Pending:
        if (job->phase != Phase::Queued)
            return QStringLiteral("only a queued job can become pending");
        m_queues[int(d)].removeAll(job);
        job->pendingUntilMs = now() + scaled(800);
        setPhase(job, Phase::Pending);
        return {};
    case Phase::Running:
        if (job->phase == Phase::NeedsInput)
            return respond(job,
                QJsonObject {
                    { QLatin1String("advanced_by"), QStringLiteral("sandbox control") } });
        m_queues[int(d)].removeAll(job);
        startRunning(job);
        return {};
    case Phase::NeedsInput:
        if (job->phase != Phase::Running) {
            m_queues[int(d)].removeAll(job);
            startRunning(job);
        }
        return askForInput(job, {});
    case Phase::Succeeded:
        if (job->phase == Phase::NeedsInput)
            return QStringLiteral(
                "a build waiting for input must be answered (respond) before it can complete");
        if (job->phase != Phase::Running) {
            m_queues[int(d)].removeAll(job);
            startRunning(job);
        }
        if (!job->rendering)
            finishRunning(job);
        return {};
    case Phase::Failed:
        return fail(job,
            job->control.failReason.isEmpty() ? FailureCatalog::defaultCode(d)
                                              : job->control.failReason,
            job->control.failMessage);
    case Phase::Cancelled:
        return cancel(job);
    }
    return {};
}

QString JobEngine::fail(Job *job, const QString &reasonCode, const QString &message)
{
    if (job->isTerminal())
        return QStringLiteral("the job is already %1").arg(job->rawState());
    const FailureCatalog::Failure f = FailureCatalog::lookup(job->dialect, reasonCode);
    job->error = message.isEmpty() ? f.message : message;
    job->failureReasonCode = f.code;
    job->retryable = f.retryable;
    if (job->dialect == Dialect::Peel) {
        job->failure
            = QJsonObject { { QLatin1String("non_publishable_reason"), f.nonPublishableReason },
                  { QLatin1String("message"), job->error },
                  { QLatin1String("artifact"),
                      QJsonObject { { QLatin1String("class"), f.failureClass },
                          { QLatin1String("retryable"), f.retryable },
                          { QLatin1String("billing"), f.billing },
                          { QLatin1String("suggested_action"), f.suggestedAction },
                          { QLatin1String("support_debug_id"),
                              QString(QStringLiteral("dbg_") + randomHex(10)) } } } };
    }
    m_queues[int(job->dialect)].removeAll(job);
    log(job, QStringLiteral("error"), job->error);
    setPhase(job, Phase::Failed);
    return {};
}

QString JobEngine::cancel(Job *job)
{
    if (job->isTerminal())
        return QStringLiteral("the job is already %1").arg(job->rawState());
    if (!DialectTable::hasPhase(job->dialect, Phase::Cancelled))
        return QStringLiteral("%1 has no cancelled state").arg(DialectTable::name(job->dialect));
    m_queues[int(job->dialect)].removeAll(job);
    log(job, QStringLiteral("warn"), QStringLiteral("Job cancelled"));
    setPhase(job, Phase::Cancelled);
    return {};
}

QString JobEngine::askForInput(Job *job, const QJsonObject &prompt)
{
    if (!DialectTable::hasPhase(job->dialect, Phase::NeedsInput))
        return QStringLiteral("%1 has no needs_input state").arg(DialectTable::name(job->dialect));
    if (job->phase != Phase::Running)
        return QStringLiteral("only a running build can ask for input (it is %1)")
            .arg(job->rawState());
    job->userInputPrompt = prompt.isEmpty() ? defaultInputPrompt() : prompt;
    job->needsInputAsked = true;
    log(job, QStringLiteral("warn"),
        QStringLiteral("Build paused: %1")
            .arg(job->userInputPrompt.value(QLatin1String("message")).toString()));
    setPhase(job, Phase::NeedsInput);
    return {};
}

QString JobEngine::respond(Job *job, const QJsonObject &response)
{
    if (job->phase != Phase::NeedsInput)
        return QStringLiteral("the API is %1, not needs_input").arg(job->rawState());
    job->responses.append(
        QJsonObject { { QLatin1String("at"), now() }, { QLatin1String("response"), response } });
    job->userInputPrompt = {};
    log(job, QStringLiteral("info"), QStringLiteral("Input received; the build continues"));
    setPhase(job, Phase::Running);
    return {};
}

QString JobEngine::hold(Job *job, const QString &phaseWord)
{
    const auto p = DialectTable::phaseFromName(job->dialect, phaseWord);
    if (!p || DialectTable::isTerminal(*p))
        return QStringLiteral("%1 cannot be held in \"%2\"")
            .arg(DialectTable::name(job->dialect), phaseWord);
    job->control.hold = DialectTable::phaseName(*p);
    touch(job);
    return {};
}

QString JobEngine::release(Job *job)
{
    job->control.hold.clear();
    touch(job);
    dispatch(job->dialect);
    return {};
}

void JobEngine::expireUrls(Job *job)
{
    // +1: a URL minted in this very millisecond (just before the call) is revoked too; new ones
    // are minted no earlier than this (FrontBase::resultUrl).
    job->urlsRevokedBeforeMs = now() + 1;
    log(job, QStringLiteral("warn"), QStringLiteral("Result URLs expired by sandbox control"));
}

QString JobEngine::rebuild(Job *job, const QString &newInstructions)
{
    if (job->dialect != Dialect::Peel)
        return QStringLiteral("only Peel APIs can be rebuilt");
    if (!job->isTerminal())
        return QStringLiteral("the API is still building (%1)").arg(job->rawState());
    if (!newInstructions.isEmpty())
        job->instructions = newInstructions;
    job->progress = 0;
    job->endpoints = {};
    job->failure = {};
    job->error.clear();
    job->failureReasonCode.clear();
    job->retryable = false;
    job->startedMs = job->finishedMs = 0;
    job->runElapsedMs = job->runResumedMs = 0;
    job->logStep = 0;
    job->needsInputAsked = false;
    job->userInputPrompt = {};
    job->control.failReason.clear();
    job->control.needsInput = false;
    ++job->buildCount;
    log(job, QStringLiteral("info"),
        newInstructions.isEmpty() ? QStringLiteral("Rebuild requested")
                                  : QStringLiteral("Revision requested"));
    setPhase(job, Phase::Queued);
    m_queues[int(job->dialect)].append(job);
    return {}; // a worker takes it on the next tick, so the answer says "queued" (as for submit)
}

void JobEngine::purgeExpired()
{
    const qint64 t = now();
    QStringList removed;
    for (qsizetype i = 0; i < m_order.size();) {
        Job *j = m_order.at(i);
        const qint64 retention = DialectTable::retentionMs(j->dialect);
        if (retention > 0 && j->isTerminal() && j->finishedMs + scaled(retention) < t) {
            QDir(jobFolder(*j)).removeRecursively();
            removed.append(j->id);
            m_order.removeAt(i);
            m_dirty.remove(j->id);
            m_dirtyProgress.remove(j->id);
            m_jobs.remove(removed.last()); // frees the job
            continue;
        }
        ++i;
    }
    if (removed.isEmpty())
        return;
    if (m_store)
        m_store->remove(removed);
    for (const QString &id : std::as_const(removed)) {
        for (JobListener *l : std::as_const(m_listeners))
            l->jobRemoved(id);
    }
    qCInfo(lcEngine) << "purged" << removed.size() << "jobs past their retention";
}

void JobEngine::markDirty(Job *job, bool urgent)
{
    if (urgent)
        m_dirty.insert(job->id);
    else
        m_dirtyProgress.insert(job->id);
}

void JobEngine::persistNow(Job *job)
{
    if (!m_store) {
        markDirty(job);
        return;
    }
    m_dirty.remove(job->id);
    m_dirtyProgress.remove(job->id);
    if (!m_store->save({ job }))
        markDirty(job); // the next flush tries again
}

void JobEngine::flush()
{
    if (!m_store)
        return;
    const qint64 mono = m_clock.elapsed();
    if (mono - m_lastProgressFlush >= 3000) {
        m_dirty.unite(m_dirtyProgress);
        m_dirtyProgress.clear();
        m_lastProgressFlush = mono;
    }
    if (m_dirty.isEmpty())
        return;
    QList<Job *> batch;
    batch.reserve(m_dirty.size());
    for (const QString &id : std::as_const(m_dirty)) {
        if (Job *j = find(id))
            batch.append(j);
        m_dirtyProgress.remove(id);
    }
    m_dirty.clear();
    m_store->save(batch);
}

} // namespace Sandbox
