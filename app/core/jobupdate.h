#pragma once

#include "core/joberror.h"
#include "core/jobstate.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace Core {

struct LogLine
{
    qint64 timeMs = 0;
    QString level; // info, warn, error, debug
    QString message;
};

// One output a job reported: a URL to fetch (or inline bytes), with what is known about it.
struct Output
{
    QString url;
    QString name; // a file name suggested by the URL or the service
    QString variant; // PeelAPI: w256, w512, w1024, full
    int index = 0; // which result it belongs to
    QString mimeType;
    qint64 size = -1;
    QByteArray inlineData; // ImagePipeline webhook result_base64, already decoded
};

// What one channel observed about one job at one moment. Every field is optional: a log event
// carries only a log line, a progress tick only progress. The tracker merges these.
struct JobUpdate
{
    QString jobId;
    Channel channel = Channel::Poll;
    qint64 receivedMs = 0;
    QString eventKey; // identifies the observation for de-duplication (SSE id, webhook id, …)

    std::optional<JobState> state;
    QString rawStatus;
    std::optional<double> progress; // 0..1, clamped
    QList<LogLine> logs;
    QList<Output> outputs;
    QJsonArray captions;
    QByteArray preview; // image bytes of a live preview
    JobError error; // kind Job when the job failed
    QJsonObject timings; // queue_wait_s, inference_s, total_s, processing_ms, request_duration_s,
                         // created_ms, …
    QJsonObject credits; // charged, amount
    QJsonObject
        extra; // dialect specifics: user_input_prompt, endpoints, matched, model_id, job_type …
    QString problem; // what could not be read in this observation (unknown state, bad progress …)
    bool ended = false; // the channel said the job is over (SSE `end`)

    bool isEmpty() const
    {
        return !state && rawStatus.isEmpty() && !progress && logs.isEmpty() && outputs.isEmpty()
            && captions.isEmpty() && preview.isEmpty() && !error.isError() && timings.isEmpty()
            && credits.isEmpty() && extra.isEmpty() && problem.isEmpty() && !ended;
    }
};

} // namespace Core
