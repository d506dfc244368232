#pragma once

#include "sandbox/dialect.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Sandbox {

struct LogLine
{
    qint64 timeMs = 0;
    QString level;
    QString message;
};

// One event of a job's SSE stream (PeelAPI). Kept with the job, so a reconnect with
// Last-Event-ID is replayed from here, across sandbox restarts too.
struct StreamEvent
{
    qint64 id = 0;
    QByteArray type;
    QByteArray data;
};

struct OutputFile
{
    QString name; // file name inside the job's folder, also the last URL segment
    QString variant; // PeelAPI: "w256", "w512", "w1024", "full"; empty otherwise
    int index = 0; // which result (PeelAPI can produce several)
    QString mimeType;
    qint64 size = 0;
    QByteArray sha256; // hex
};

struct WebhookAttempt
{
    qint64 timeMs = 0;
    int attempt = 0;
    QString url;
    QString event;
    int httpStatus = 0; // 0: no HTTP answer
    QString error;
    qint64 durationMs = 0;
};

// What QA asked for through the "sandbox" object of the submitted body.
struct JobControl
{
    QString hold; // a phase name or raw word: stop there until advanced or released
    QString failReason; // fail with this reason code ...
    QString failMessage;
    double failAt = 0.5; // ... when progress reaches this
    bool needsInput = false; // Peel: pause in needs_input at needsInputAt
    double needsInputAt = 0.5;
    int durationMs = -1; // running time; -1: the task's default
    int expireAfterS = -1; // TTL of every minted result URL; -1: the dialect's
    int dropAfterEvents = 0; // close each live stream after this many events; 0: never
    double progressHz = 0; // progress events per second; 0: the server default
    int previewEvery = -1; // deAPI: a preview every N percent; 0: none; -1: default
    int webhookRetryBaseMs = -1;

    QJsonObject toJson() const;
    static JobControl fromJson(const QJsonObject &o, QString *error);
};

struct Job
{
    QString id;
    Dialect dialect = Dialect::PeelApi;
    QString task; // submit path below the dialect's base URL, e.g. "api/video/trim"
    QString jobType; // PEAKO_*, deAPI job_type
    QString output; // image, video, audio, captions, api
    Phase phase = Phase::Queued;
    double progress = 0;
    QJsonObject input;
    JobControl control;
    QString callbackUrl;

    qint64 createdMs = 0;
    qint64 updatedMs = 0;
    qint64 startedMs = 0; // entered Running the first time
    qint64 finishedMs = 0; // entered a terminal phase
    qint64 pendingUntilMs = 0;
    qint64 runElapsedMs = 0; // running time accrued before the current run stretch
    qint64 runResumedMs = 0; // start of the current run stretch; 0 when not advancing
    int durationMs = 5000;
    bool rendering = false; // outputs are being produced (not persisted: redone on restart)
    int lastPreviewStep = 0;
    int logStep = 0;

    QList<LogLine> logs;
    QList<StreamEvent> events;
    qint64 nextEventId = 1;
    qsizetype persistedEvents = 0; // how many of `events` the store already holds (not persisted)

    QList<OutputFile> outputs;
    QJsonArray captions;
    QString error;
    QString failureReasonCode;
    bool retryable = false;
    QJsonObject failure; // Peel's failure object
    qint64 urlsRevokedBeforeMs = 0;

    QList<WebhookAttempt> webhookAttempts;
    bool webhookDone = false;

    // Peel builds
    QString sourceUrl;
    QString instructions;
    QJsonObject userInputPrompt;
    QJsonArray responses;
    QJsonArray endpoints;
    int buildCount = 0;
    qint64 callCount = 0;
    qint64 callErrors = 0;
    bool needsInputAsked = false;

    bool isTerminal() const { return DialectTable::isTerminal(phase); }
    QString rawState() const { return DialectTable::rawState(dialect, phase); }
    qint64 queueWaitMs() const { return startedMs ? startedMs - createdMs : 0; }

    // The whole record; the store leaves the stream events out and keeps them in their own table.
    QJsonObject toJson(bool withEvents = true) const;
    static bool fromJson(const QJsonObject &o, Job *job);
};

} // namespace Sandbox
