#include "sandbox/job.h"

namespace Sandbox {

namespace {

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

} // namespace

QJsonObject JobControl::toJson() const
{
    QJsonObject o;
    if (!hold.isEmpty())
        o.insert(k("hold"), hold);
    if (!failReason.isEmpty()) {
        o.insert(k("fail"), failReason);
        o.insert(k("fail_at"), failAt);
        if (!failMessage.isEmpty())
            o.insert(k("fail_message"), failMessage);
    }
    if (needsInput) {
        o.insert(k("needs_input"), true);
        o.insert(k("needs_input_at"), needsInputAt);
    }
    if (durationMs >= 0)
        o.insert(k("duration_ms"), durationMs);
    if (expireAfterS >= 0)
        o.insert(k("expire_after_s"), expireAfterS);
    if (dropAfterEvents > 0)
        o.insert(k("drop_after_events"), dropAfterEvents);
    if (progressHz > 0)
        o.insert(k("progress_hz"), progressHz);
    if (previewEvery >= 0)
        o.insert(k("preview_every"), previewEvery);
    if (webhookRetryBaseMs >= 0)
        o.insert(k("webhook_retry_base_ms"), webhookRetryBaseMs);
    return o;
}

JobControl JobControl::fromJson(const QJsonObject &o, QString *error)
{
    JobControl c;
    auto number = [&](const char *key, double lo, double hi, double fallback) {
        const QJsonValue v = o.value(k(key));
        if (v.isUndefined() || v.isNull())
            return fallback;
        if (!v.isDouble() || v.toDouble() < lo || v.toDouble() > hi) {
            if (error && error->isEmpty())
                *error = QStringLiteral("sandbox.%1 must be a number from %2 to %3")
                             .arg(k(key))
                             .arg(lo)
                             .arg(hi);
            return fallback;
        }
        return v.toDouble();
    };
    const QJsonValue fail = o.value(k("fail"));
    if (fail.isString())
        c.failReason = fail.toString();
    else if (fail.isBool() && fail.toBool())
        c.failReason = QStringLiteral("INTERNAL_ERROR");
    c.hold = o.value(k("hold")).toString();
    c.failMessage = o.value(k("fail_message")).toString();
    c.failAt = number("fail_at", 0, 1, 0.5);
    c.needsInput = o.value(k("needs_input")).toBool();
    c.needsInputAt = number("needs_input_at", 0, 1, 0.5);
    c.durationMs = int(number("duration_ms", 0, 24.0 * 3600 * 1000, -1));
    c.expireAfterS = int(number("expire_after_s", 0, 365.0 * 24 * 3600, -1));
    c.dropAfterEvents = int(number("drop_after_events", 0, 1e6, 0));
    c.progressHz = number("progress_hz", 0, 50, 0);
    c.previewEvery = int(number("preview_every", 0, 100, -1));
    c.webhookRetryBaseMs = int(number("webhook_retry_base_ms", 0, 3600.0 * 1000, -1));
    return c;
}

QJsonObject Job::toJson(bool withEvents) const
{
    QJsonObject o;
    o.insert(k("id"), id);
    o.insert(k("dialect"), DialectTable::name(dialect));
    o.insert(k("task"), task);
    o.insert(k("job_type"), jobType);
    o.insert(k("output"), output);
    o.insert(k("phase"), DialectTable::phaseName(phase));
    o.insert(k("progress"), progress);
    o.insert(k("input"), input);
    o.insert(k("control"), control.toJson());
    o.insert(k("callback_url"), callbackUrl);
    o.insert(k("created_ms"), createdMs);
    o.insert(k("updated_ms"), updatedMs);
    o.insert(k("started_ms"), startedMs);
    o.insert(k("finished_ms"), finishedMs);
    o.insert(k("run_elapsed_ms"), runElapsedMs + (runResumedMs ? updatedMs - runResumedMs : 0));
    o.insert(k("duration_ms"), durationMs);
    o.insert(k("last_preview_step"), lastPreviewStep);
    o.insert(k("log_step"), logStep);
    QJsonArray logArr;
    for (const LogLine &l : logs)
        logArr.append(QJsonObject {
            { k("t"), l.timeMs }, { k("level"), l.level }, { k("message"), l.message } });
    o.insert(k("logs"), logArr);
    if (withEvents) {
        QJsonArray evArr;
        for (const StreamEvent &e : events)
            evArr.append(QJsonObject { { k("id"), e.id }, { k("type"), QString::fromUtf8(e.type) },
                { k("data"), QString::fromUtf8(e.data) } });
        o.insert(k("events"), evArr);
    }
    o.insert(k("next_event_id"), nextEventId);
    QJsonArray outArr;
    for (const OutputFile &f : outputs)
        outArr.append(QJsonObject { { k("name"), f.name }, { k("variant"), f.variant },
            { k("index"), f.index }, { k("mime"), f.mimeType }, { k("size"), f.size },
            { k("sha256"), QString::fromLatin1(f.sha256) } });
    o.insert(k("outputs"), outArr);
    o.insert(k("captions"), captions);
    o.insert(k("error"), error);
    o.insert(k("failure_reason_code"), failureReasonCode);
    o.insert(k("retryable"), retryable);
    o.insert(k("failure"), failure);
    o.insert(k("urls_revoked_before_ms"), urlsRevokedBeforeMs);
    QJsonArray whArr;
    for (const WebhookAttempt &a : webhookAttempts)
        whArr.append(QJsonObject { { k("t"), a.timeMs }, { k("attempt"), a.attempt },
            { k("url"), a.url }, { k("event"), a.event }, { k("http_status"), a.httpStatus },
            { k("error"), a.error }, { k("duration_ms"), a.durationMs } });
    o.insert(k("webhook_attempts"), whArr);
    o.insert(k("webhook_done"), webhookDone);
    o.insert(k("source_url"), sourceUrl);
    o.insert(k("instructions"), instructions);
    o.insert(k("user_input_prompt"), userInputPrompt);
    o.insert(k("responses"), responses);
    o.insert(k("endpoints"), endpoints);
    o.insert(k("build_count"), buildCount);
    o.insert(k("call_count"), callCount);
    o.insert(k("call_errors"), callErrors);
    o.insert(k("needs_input_asked"), needsInputAsked);
    return o;
}

bool Job::fromJson(const QJsonObject &o, Job *job)
{
    const auto dialect = DialectTable::fromName(o.value(k("dialect")).toString());
    if (!dialect || o.value(k("id")).toString().isEmpty())
        return false;
    Job j;
    j.id = o.value(k("id")).toString();
    j.dialect = *dialect;
    j.task = o.value(k("task")).toString();
    j.jobType = o.value(k("job_type")).toString();
    j.output = o.value(k("output")).toString();
    const auto phase = DialectTable::phaseFromName(j.dialect, o.value(k("phase")).toString());
    if (!phase)
        return false;
    j.phase = *phase;
    j.progress = o.value(k("progress")).toDouble();
    j.input = o.value(k("input")).toObject();
    j.control = JobControl::fromJson(o.value(k("control")).toObject(), nullptr);
    j.callbackUrl = o.value(k("callback_url")).toString();
    j.createdMs = qint64(o.value(k("created_ms")).toDouble());
    j.updatedMs = qint64(o.value(k("updated_ms")).toDouble());
    j.startedMs = qint64(o.value(k("started_ms")).toDouble());
    j.finishedMs = qint64(o.value(k("finished_ms")).toDouble());
    j.runElapsedMs = qint64(o.value(k("run_elapsed_ms")).toDouble());
    j.durationMs = o.value(k("duration_ms")).toInt(5000);
    j.lastPreviewStep = o.value(k("last_preview_step")).toInt();
    j.logStep = o.value(k("log_step")).toInt();
    for (const QJsonValue &v : o.value(k("logs")).toArray()) {
        const QJsonObject l = v.toObject();
        j.logs.append({ qint64(l.value(k("t")).toDouble()), l.value(k("level")).toString(),
            l.value(k("message")).toString() });
    }
    for (const QJsonValue &v : o.value(k("events")).toArray()) {
        const QJsonObject e = v.toObject();
        j.events.append({ qint64(e.value(k("id")).toDouble()),
            e.value(k("type")).toString().toUtf8(), e.value(k("data")).toString().toUtf8() });
    }
    j.nextEventId = qint64(o.value(k("next_event_id")).toDouble(1));
    for (const QJsonValue &v : o.value(k("outputs")).toArray()) {
        const QJsonObject f = v.toObject();
        OutputFile file;
        file.name = f.value(k("name")).toString();
        file.variant = f.value(k("variant")).toString();
        file.index = f.value(k("index")).toInt();
        file.mimeType = f.value(k("mime")).toString();
        file.size = qint64(f.value(k("size")).toDouble());
        file.sha256 = f.value(k("sha256")).toString().toLatin1();
        j.outputs.append(file);
    }
    j.captions = o.value(k("captions")).toArray();
    j.error = o.value(k("error")).toString();
    j.failureReasonCode = o.value(k("failure_reason_code")).toString();
    j.retryable = o.value(k("retryable")).toBool();
    j.failure = o.value(k("failure")).toObject();
    j.urlsRevokedBeforeMs = qint64(o.value(k("urls_revoked_before_ms")).toDouble());
    for (const QJsonValue &v : o.value(k("webhook_attempts")).toArray()) {
        const QJsonObject a = v.toObject();
        j.webhookAttempts.append({ qint64(a.value(k("t")).toDouble()),
            a.value(k("attempt")).toInt(), a.value(k("url")).toString(),
            a.value(k("event")).toString(), a.value(k("http_status")).toInt(),
            a.value(k("error")).toString(), qint64(a.value(k("duration_ms")).toDouble()) });
    }
    j.webhookDone = o.value(k("webhook_done")).toBool();
    j.sourceUrl = o.value(k("source_url")).toString();
    j.instructions = o.value(k("instructions")).toString();
    j.userInputPrompt = o.value(k("user_input_prompt")).toObject();
    j.responses = o.value(k("responses")).toArray();
    j.endpoints = o.value(k("endpoints")).toArray();
    j.buildCount = o.value(k("build_count")).toInt();
    j.callCount = qint64(o.value(k("call_count")).toDouble());
    j.callErrors = qint64(o.value(k("call_errors")).toDouble());
    j.needsInputAsked = o.value(k("needs_input_asked")).toBool();
    *job = std::move(j);
    return true;
}

} // namespace Sandbox
