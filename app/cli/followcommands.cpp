#include "cli/followcommands.h"

#include "cli/clioutput.h"
#include "dialects/adapter.h"
#include "follow/followcontext.h"
#include "net/webhookinbox.h"
#include "session/joboperation.h"
#include "session/jobsession.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Cli {

namespace {

// --set values: JSON when they parse as a JSON value (numbers, booleans, objects), text otherwise.
QJsonValue setValue(const QString &text)
{
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + "]");
    if (doc.isArray() && doc.array().size() == 1)
        return doc.array().first();
    return text;
}

} // namespace

FollowCommands::FollowCommands(CliContext *context, QObject *parent)
    : QObject(parent)
    , m_c(context)
{ }

void FollowCommands::listen()
{
    Session::JobSession *s = m_c->session;
    connect(s, &Session::JobSession::notice, this,
        [this](const QString &, const QString &m) { m_c->out->note(m); });
    connect(s, &Session::JobSession::settled, this, &FollowCommands::onSettled);
    connect(s, &Session::JobSession::needsInput, this, [this](const QString &key) {
        if (!m_following.contains(key))
            return;
        const Tracker::TrackedJob *job = m_c->job(key);
        if (job)
            m_c->out->printEnd(*job);
        const QString id = job ? job->remote() : key;
        m_c->out->note(
            QStringLiteral("%1 needs input; answer with: jobscope-cli respond %1 --input FILE")
                .arg(id));
        finishJob(key, 4);
    });
    connect(s, &Session::JobSession::jobFatal, this,
        [this](const QString &key, const Core::JobError &e) {
            if (!m_following.contains(key))
                return;
            const Tracker::TrackedJob *job = m_c->job(key);
            const QString id = job ? job->remote() : key;
            m_c->out->printErrorEvent(id, e);
            m_c->out->note(QStringLiteral("Cannot follow %1: %2").arg(id, e.message));
            finishJob(key, CliOutput::exitCodeFor(e));
        });
    connect(s->downloads(), &Downloads::DownloadQueue::fileChanged, this,
        [this](const Downloads::DownloadQueue::File &f) {
            const Tracker::TrackedJob *job = m_c->job(f.jobId);
            m_c->out->printFile(f, job ? job->remote() : f.jobId);
        });
    connect(s, &Session::JobSession::downloadsFinished, this,
        [this](const QString &key, bool ok, const QStringList &) {
            if (!m_downloading.remove(key))
                return;
            finishJob(key, ok ? m_code : 3);
        });
}

void FollowCommands::submit()
{
    const CliOptions &o = *m_c->options;
    Dialects::Adapter *adapter = m_c->adapter();
    std::optional<QJsonObject> input = m_c->readInput();
    if (!input)
        return;
    QJsonObject body = *input;
    for (const auto &s : o.sets)
        body.insert(s.first, setValue(s.second));
    const auto via = Follow::viaFromName(o.via);
    const auto profile = m_c->session->profile(m_c->profile);
    const QString dialect = Core::dialectName(adapter->dialect());
    QString callback = o.callbackUrl;
    if (*via == Follow::Via::Webhook && callback.isEmpty()) {
        if (adapter->callbackField().isEmpty())
            return m_c->fail(
                2, QStringLiteral("%1 sends no webhooks; choose another --via.").arg(dialect));
        if (!profile || profile->webhookSecret.isEmpty())
            return m_c->fail(2,
                QStringLiteral("--via webhook needs the provider's signing secret: "
                               "--webhook-secret-env VAR."));
        QString error;
        Net::WebhookInbox *inbox = m_c->session->context()->inbox(&error);
        if (!inbox)
            return m_c->fail(3, QStringLiteral("Cannot start the webhook inbox: %1.").arg(error));
        callback = inbox->url(m_c->profile).toString();
    }
    if (!callback.isEmpty()) {
        if (adapter->callbackField().isEmpty())
            return m_c->fail(
                2, QStringLiteral("%1 has no webhook field for --callback-url.").arg(dialect));
        body.insert(adapter->callbackField(), callback);
    }
    listen();
    const QList<Session::JobOperation *> ops = m_c->session->submit(
        m_c->profile, o.args.value(0), body, *via, o.count, o.downloadDir, o.wait);
    m_pendingSubmits = int(ops.size());
    for (Session::JobOperation *op : ops) {
        connect(op, &Core::Operation::result, this, [this, op] {
            if (op->failed()) {
                const Core::JobError e = op->error();
                const bool unanswered = e.httpStatus == 0
                    && (e.kind == Core::JobError::Kind::Network
                        || e.kind == Core::JobError::Kind::Timeout);
                if (unanswered)
                    return m_c->fail(3, m_c->unreachable(e.message));
                m_c->out->printErrorEvent({}, e, QStringLiteral("submit"));
                return m_c->fail(CliOutput::exitCodeFor(e),
                    QStringLiteral("The service refused the submission: %1").arg(e.message));
            }
            if (m_c->options->wait)
                m_following.insert(op->jobId());
            if (--m_pendingSubmits == 0 && m_following.isEmpty())
                m_c->done(0);
        });
    }
}

void FollowCommands::watch()
{
    const CliOptions &o = *m_c->options;
    const QString task = !o.task.isEmpty() ? o.task
        : m_c->recorded                    ? m_c->recorded->job.task
                                           : QString();
    const QString key = m_c->openNamedJob(task);
    listen();
    m_following.insert(key);
    m_c->session->follow(key, Follow::viaFromName(o.via), o.downloadDir);
}

void FollowCommands::onSettled(const QString &key, Core::JobState state)
{
    if (!m_following.contains(key))
        return;
    const Tracker::TrackedJob *job = m_c->job(key);
    if (job)
        m_c->out->printEnd(*job);
    const int code = state == Core::JobState::Succeeded ? 0 : 1;
    if (code == 1 && job)
        m_c->out->note(QStringLiteral("%1 %2%3").arg(job->remote(), Core::stateName(state),
            !job->error.message.isEmpty() ? QStringLiteral(": ") + job->error.message : QString()));
    // The session downloads a succeeded job's files into its folder (--download DIR) next.
    if (code == 0 && !m_c->options->downloadDir.isEmpty()) {
        m_downloading.insert(key);
        return;
    }
    finishJob(key, code);
}

void FollowCommands::finishJob(const QString &key, int code)
{
    if (!m_following.remove(key))
        return;
    m_code = qMax(m_code, code);
    if (m_following.isEmpty() && m_pendingSubmits <= 0)
        m_c->done(m_code);
}

} // namespace Cli
