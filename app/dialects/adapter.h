#pragma once

#include "core/jobupdate.h"
#include "core/profile.h"
#include "dialects/httprequestspec.h"

#include <QJsonObject>
#include <QString>
#include <memory>
#include <optional>

namespace Dialects {

// What a job is known by: its id, and for ImagePipeline the endpoint that created it (its status
// route hangs off that endpoint). `task` is the submit path below the base URL, e.g.
// "generate/image/v1", "api/render", "v1/portrait".
struct JobRef
{
    QString id;
    QString task;
};

struct SubmitResult
{
    QString jobId; // empty when the submit failed
    Core::JobUpdate update; // what the submit answer already says (state, raw status, …)
    Core::JobError error; // kind None on success
};

struct ListResult
{
    QList<Core::JobUpdate> jobs; // one per listed job, jobId set
    QJsonObject workers; // Peako: activeWorkers, totalWorkers, maxWorkers
    Core::JobError error;
};

// How often to poll a job whose service has no live channel (or whose channel went quiet):
// start at `firstMs`, multiply by `factor` after each read, never above `maxMs`. Peako's
// documented table by content length is expressed the same way (a fixed interval).
struct PollPolicy
{
    int firstMs = 2000;
    double factor = 2.0;
    int maxMs = 30000;
};

// One dialect's document as code: builds every request the document allows and reads every
// answer into normalized updates. Pure: no I/O, no QObject, no clock except the receivedMs the
// caller passes in. Never throws, never crashes on hostile input: an unreadable answer gives an
// update (or error) whose `problem` / message says what was wrong; progress is clamped to 0..1;
// an unknown raw state keeps `rawStatus` and leaves `state` empty with a problem.
class Adapter
{
public:
    explicit Adapter(Core::Profile profile);
    virtual ~Adapter();
    Adapter(const Adapter &) = delete;
    Adapter &operator=(const Adapter &) = delete;

    static std::unique_ptr<Adapter> create(const Core::Profile &profile);

    const Core::Profile &profile() const { return m_profile; }
    virtual Core::Dialect dialect() const = 0;

    // --- requests. std::nullopt: the document has no such call.
    virtual RequestSpec submit(const QString &task, const QJsonObject &body) const;
    virtual RequestSpec status(const JobRef &job) const = 0;
    virtual std::optional<RequestSpec> stream(const JobRef &job) const; // PeelAPI SSE
    virtual std::optional<RequestSpec> cancel(const JobRef &job) const; // Peako DELETE
    virtual std::optional<RequestSpec> list() const; // Peako
    virtual std::optional<RequestSpec> respond(
        const JobRef &job, const QJsonObject &body) const; // Peel
    virtual std::optional<RequestSpec> revise(
        const JobRef &job, const QJsonObject &body) const; // Peel
    virtual std::optional<RequestSpec> rebuild(const JobRef &job) const; // Peel
    virtual std::optional<RequestSpec> health(const JobRef &job) const; // Peel
    virtual std::optional<RequestSpec> exportSpec(
        const JobRef &job, const QString &format) const; // Peel: openapi|mcp
    virtual std::optional<RequestSpec> call(
        const QString &apiId, const QString &endpoint, const QJsonObject &body) const; // Peel
    virtual std::optional<RequestSpec> pusherAuth(
        const QString &socketId, const QString &channel) const; // deAPI
    // The body field that carries a webhook URL ("callback_url", "webhook_url"), or empty.
    virtual QString callbackField() const;
    // deAPI: the private channel of the profile's client id ("private-client.{id}").
    virtual QString pusherChannel() const;

    // --- answers
    virtual SubmitResult parseSubmit(
        const QString &task, int httpStatus, const QByteArray &body) const = 0;
    virtual Core::JobUpdate parseStatus(
        const JobRef &job, int httpStatus, const QByteArray &body) const = 0;
    // PeelAPI SSE: one event (type, data, id) → one update (jobId given by the caller).
    virtual Core::JobUpdate parseSseEvent(const QString &jobId, const QByteArray &type,
        const QByteArray &data, const QByteArray &eventId) const;
    // deAPI Pusher: the parsed `data` of a request.status.updated event; jobId read from it.
    virtual Core::JobUpdate parsePusherEvent(const QString &event, const QByteArray &data) const;
    // ImagePipeline / deAPI webhook body; jobId read from it.
    virtual Core::JobUpdate parseWebhook(const QByteArray &body) const;
    virtual ListResult parseList(int httpStatus, const QByteArray &body) const;

    // The one place an HTTP answer becomes an error value: status classes mapped to kinds, the
    // dialect's error shape read for code and message (providerError), networkError for no answer.
    Core::JobError errorFrom(int httpStatus, int networkError, const QByteArray &body,
        const QString &networkMessage = {}) const;

    virtual PollPolicy pollPolicy(const JobRef &job, const QJsonObject &input) const;

protected:
    // Reads the dialect's error body: sets code and message when it can.
    // The shared reader takes every dialect's shape: PeelAPI {errors:[{code,message}]},
    // ImagePipeline {error, failure_reason_code}, Peel {error} or its call envelope, Peako {error},
    // deAPI {message, errors}. Override only for a shape it cannot read.
    virtual void providerError(const QByteArray &body, QString *code, QString *message) const;
    // Helpers for subclasses.
    // `path` is below the base URL and already percent-encoded (see pathSegment / taskPath); the
    // base URL's own path is kept as a prefix. Adds Accept: application/json, the auth headers
    // and, with a body, Content-Type: application/json.
    RequestSpec request(
        const QByteArray &method, const QString &path, const QByteArray &body = {}) const;
    // PeelAPI and deAPI: "Authorization: Bearer KEY"; the others "X-API-Key: KEY"; nothing when
    // the key is empty or unusable (see apiKeyBytes()).
    QList<QPair<QByteArray, QByteArray>> authHeaders() const;
    // value / scale clamped to 0..1; *problem set only when the input was out of range or not
    // finite.
    static double clampProgress(double value, double scale, QString *problem);

    // The dialect's raw word → normalized state (the table in docs/dialects.md); nullopt if
    // unknown.
    virtual std::optional<Core::JobState> normalizedState(const QString &raw) const = 0;
    // Reads one job record (a status answer, a submit answer, a list entry, a pushed event) into
    // `u`: raw status and state, progress, outputs, timings, failure, extras. Never sets jobId.
    virtual void readRecord(const QJsonObject &record, Core::JobUpdate *u) const = 0;

    // The shared flows behind parseSubmit / parseStatus: HTTP status, JSON, job id, readRecord.
    SubmitResult submitFrom(int httpStatus, const QByteArray &body) const;
    Core::JobUpdate statusFrom(const JobRef &job, int httpStatus, const QByteArray &body) const;
    // Sets rawStatus and state from a status value, with a problem when it is not a string or
    // not a word of this dialect (a non-string is kept in rawStatus as its JSON text).
    void applyStatus(const QJsonValue &status, Core::JobUpdate *u) const;
    // Sets progress from a number on `scale` (1 or 100); a problem for another type or a value
    // out of range (clamped) or not finite (no progress then).
    static void applyProgress(const QJsonValue &value, double scale, Core::JobUpdate *u);
    // A job reported failed without saying why still gets an error of kind Job.
    static void completeFailure(Core::JobUpdate *u);
    // One path segment, percent-encoded ("a/b?c" → "a%2Fb%3Fc").
    static QString pathSegment(const QString &segment);
    // A task path ("/v1/portrait", "generate/image/v1"): each segment encoded, empty, "." and
    // ".." segments dropped so a task can never climb above the base URL.
    static QString taskPath(const QString &task);
    static QByteArray jsonBytes(const QJsonObject &body);
    // The profile's key, trimmed, for a header; empty when there is none or it holds a line break
    // (the auth header is then left out rather than sent broken).
    QByteArray apiKeyBytes() const;

    Core::Profile m_profile;
};

} // namespace Dialects
