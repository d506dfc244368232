#include "qa/lifecyclecontrol.h"

#include "net/httpcall.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>

namespace Qa {

namespace {
QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

// The sandbox's lifecycle (Sandbox::Phase order) and which raw word each dialect gives a phase;
// an empty word means the dialect has no such state.
struct PhaseWords
{
    const char *phase;
    const char *peelapi;
    const char *imagepipeline;
    const char *peel;
    const char *peako;
    const char *deapi;
};

constexpr PhaseWords kPhases[] = {
    { "queued", "queued", "queued", "queued", "queued", "pending" },
    { "pending", "", "pending", "", "", "" },
    { "running", "processing", "processing", "running", "active", "processing" },
    { "needs_input", "", "", "needs_input", "", "" },
    { "succeeded", "succeeded", "completed", "completed", "done", "done" },
    { "failed", "failed", "failed", "failed", "failed", "error" },
    { "cancelled", "", "cancelled", "", "cancelled", "" },
};

const char *wordFor(const PhaseWords &p, QStringView dialect)
{
    if (dialect == u"peelapi")
        return p.peelapi;
    if (dialect == u"imagepipeline")
        return p.imagepipeline;
    if (dialect == u"peel")
        return p.peel;
    if (dialect == u"peako")
        return p.peako;
    if (dialect == u"deapi")
        return p.deapi;
    return "";
}

// Why JobEngine::advance would refuse to move a job from `from` to `to` (empty: it would not).
QString refusal(const QString &dialect, const QString &from, const QString &to)
{
    const QString raw = LifecycleControl::rawWord(dialect, from);
    if (LifecycleControl::isTerminalPhase(from) || to == from)
        return QStringLiteral("the job is already %1").arg(raw);
    if (to == u"queued")
        return QStringLiteral("a job cannot go back to %1").arg(raw);
    if (to == u"pending" && from != u"queued")
        return QStringLiteral("only a queued job can become pending");
    if (to == u"succeeded" && from == u"needs_input")
        return QStringLiteral(
            "a build waiting for input must be answered (respond) before it can complete");
    return {};
}
} // namespace

LifecycleControl::LifecycleControl(
    QNetworkAccessManager *nam, const QUrl &controlBase, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_base(controlBase)
{ }

// The operations in flight are children: deleting them aborts their calls, and none reports.
LifecycleControl::~LifecycleControl() = default;

ControlOperation *LifecycleControl::send(const QByteArray &method, const QString &action,
    const QString &id, const QString &path, const QJsonObject &body)
{
    QUrl url = m_base;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + path);
    QNetworkRequest request(url);
    if (!m_token.isEmpty())
        request.setRawHeader(QByteArrayLiteral("X-Sandbox-Token"), m_token);
    QByteArray payload;
    if (method == "POST") {
        payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
        request.setHeader(
            QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    }
    auto *call = new Net::HttpCall(m_nam, method, request, payload);
    call->setTimeoutMs(m_timeoutMs);
    call->setMaxBodyBytes(16LL * 1024 * 1024);
    auto *op = new ControlOperation(call, action, id, this);
    op->start();
    return op;
}

ControlOperation *LifecycleControl::job(const QString &id)
{
    return send("GET", QStringLiteral("job"), id, QStringLiteral("/jobs/") + id, {});
}

ControlOperation *LifecycleControl::failures()
{
    return send("GET", QStringLiteral("failures"), {}, QStringLiteral("/failures"), {});
}

ControlOperation *LifecycleControl::advance(const QString &id, const QString &to)
{
    QJsonObject body;
    if (!to.isEmpty())
        body.insert(k("to"), to);
    return send(
        "POST", QStringLiteral("advance"), id, QStringLiteral("/jobs/%1/advance").arg(id), body);
}

ControlOperation *LifecycleControl::hold(const QString &id, const QString &state)
{
    QJsonObject body;
    if (!state.isEmpty())
        body.insert(k("state"), state);
    return send("POST", QStringLiteral("hold"), id, QStringLiteral("/jobs/%1/hold").arg(id), body);
}

ControlOperation *LifecycleControl::release(const QString &id)
{
    return send(
        "POST", QStringLiteral("release"), id, QStringLiteral("/jobs/%1/release").arg(id), {});
}

ControlOperation *LifecycleControl::fail(
    const QString &id, const QString &reasonCode, const QString &message)
{
    QJsonObject body;
    if (!reasonCode.isEmpty())
        body.insert(k("reason_code"), reasonCode);
    if (!message.isEmpty())
        body.insert(k("message"), message);
    return send("POST", QStringLiteral("fail"), id, QStringLiteral("/jobs/%1/fail").arg(id), body);
}

ControlOperation *LifecycleControl::cancel(const QString &id)
{
    return send(
        "POST", QStringLiteral("cancel"), id, QStringLiteral("/jobs/%1/cancel").arg(id), {});
}

ControlOperation *LifecycleControl::askInput(const QString &id, const QString &message)
{
    QJsonObject body;
    // A prompt without an input_schema: the sandbox then accepts any response object.
    if (!message.isEmpty())
        body.insert(k("prompt"), QJsonObject { { k("message"), message } });
    return send("POST", QStringLiteral("ask-input"), id,
        QStringLiteral("/jobs/%1/ask-input").arg(id), body);
}

ControlOperation *LifecycleControl::expire(const QString &id)
{
    return send(
        "POST", QStringLiteral("expire"), id, QStringLiteral("/jobs/%1/expire").arg(id), {});
}

ControlOperation *LifecycleControl::drop(const QString &id)
{
    return send("POST", QStringLiteral("drop"), id, QStringLiteral("/jobs/%1/drop").arg(id), {});
}

QStringList LifecycleControl::phases(const QString &dialect)
{
    QStringList out;
    for (const PhaseWords &p : kPhases) {
        if (*wordFor(p, dialect))
            out.append(QLatin1String(p.phase));
    }
    return out;
}

QString LifecycleControl::rawWord(const QString &dialect, const QString &phase)
{
    for (const PhaseWords &p : kPhases) {
        if (phase == QLatin1String(p.phase))
            return QLatin1String(wordFor(p, dialect));
    }
    return {};
}

bool LifecycleControl::isTerminalPhase(const QString &phase)
{
    return phase == u"succeeded" || phase == u"failed" || phase == u"cancelled";
}

QList<LifecycleStep> LifecycleControl::steps(const QJsonObject &record)
{
    const QString dialect = record.value(k("dialect")).toString();
    const QString from = record.value(k("phase")).toString();
    QList<LifecycleStep> out;
    for (const QString &to : phases(dialect)) {
        if (to == from || to == u"queued")
            continue;
        LifecycleStep s;
        s.phase = to;
        s.rawWord = rawWord(dialect, to);
        s.whyNot = refusal(dialect, from, to);
        s.legal = s.whyNot.isEmpty();
        out.append(s);
    }
    return out;
}

QStringList LifecycleControl::legalNextStates(const QJsonObject &record)
{
    QStringList out;
    for (const LifecycleStep &s : steps(record)) {
        if (s.legal)
            out.append(s.phase);
    }
    return out;
}

} // namespace Qa
