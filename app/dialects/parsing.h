#pragma once

#include "core/jobupdate.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1String>
#include <QString>
#include <optional>

// Readers shared by the dialect adapters (free functions, no state).
//
// Contract: every function is total. A value of the wrong type, an unreadable time or a malformed
// body gives std::nullopt (or an empty value) and appends a short reason to `problems`
// ("; "-separated); nothing throws, nothing asserts. Absent and null fields are not problems:
// documents leave fields out whenever they do not apply.
namespace Dialects::Parsing {

// Appends `problem` to `problems` ("; " between entries). Either may be empty / null.
void addProblem(QString *problems, const QString &problem);

// A value fit for a problem text: a string quoted and cut at 80 characters, anything else as
// compact JSON (cut as well).
QString describe(const QJsonValue &value);

// The body as a JSON object. nullopt with a problem for an empty body, malformed JSON (invalid
// UTF-8 included) or JSON that is not an object.
std::optional<QJsonObject> parseObject(const QByteArray &body, QString *problems);

// `root.data` when it is an object, `root` itself when there is no `data` (the real service may
// not wrap its answers), an empty object with a problem when `data` is null or not an object.
QJsonObject unwrapData(const QJsonObject &root, QString *problems);

// One field. nullopt when absent or null; nullopt and a problem when of another type.
std::optional<QString> stringField(const QJsonObject &o, QLatin1String key, QString *problems);
std::optional<double> numberField(const QJsonObject &o, QLatin1String key, QString *problems);
std::optional<bool> boolField(const QJsonObject &o, QLatin1String key, QString *problems);
std::optional<QJsonObject> objectField(const QJsonObject &o, QLatin1String key, QString *problems);
std::optional<QJsonArray> arrayField(const QJsonObject &o, QLatin1String key, QString *problems);

// Copies a number field into target[targetKey] (a problem when it is not a finite number).
void copyNumber(const QJsonObject &o, QLatin1String key, QJsonObject *target,
    QLatin1String targetKey, QString *problems);
// Copies a field of any JSON type into target[targetKey] when present and not null.
void copyValue(
    const QJsonObject &o, QLatin1String key, QJsonObject *target, QLatin1String targetKey);

// "2025-10-21T10:30:00Z", "…T10:30:00.123Z", "…T10:30:00+02:00" → Unix ms.
std::optional<qint64> isoTimeMs(const QString &text);
// A time field that is an ISO 8601 string or a number of Unix ms → target[targetKey] (ms).
void copyTimeMs(const QJsonObject &o, QLatin1String key, QJsonObject *target,
    QLatin1String targetKey, QString *problems);

// The last path segment of a URL, percent-decoded, without query or fragment. Characters that
// would let the name leave a folder ('/', '\\', control characters) become '_'; "." and ".."
// give an empty name.
QString fileNameFromUrl(const QString &url);
Core::Output outputFromUrl(const QString &url, int index = 0, const QString &variant = {});

// A job's own failure: a plain string (the message), or an object {code, message, retryable}
// (also accepted: error_code / failure_reason_code, error / detail). Kind Job; kind None for
// null or an empty string.
Core::JobError jobFailure(const QJsonValue &error, QString *problems);

// The job id of a submit (or status) answer, from the plausible fields in this order:
// data.id, data.request_id, job_id, jobId, id. Strings and integral numbers are taken.
QString findJobId(const QJsonObject &root);
// The list of fields findJobId looks at, for messages.
QString jobIdFields();

// value / scale clamped to 0..1. Sets *problem (when not null) only when the input was not
// finite or out of range; NaN gives 0, values below 0 give 0, above the scale give 1.
double clampProgress(double value, double scale, QString *problem);

// Strict base64 (padding optional): nullopt when the text holds anything else.
std::optional<QByteArray> decodeBase64(QStringView text);
// `data:image/…;base64,…` → the image bytes; nullopt and a problem for another media type, a
// non-base64 URI or bad base64.
std::optional<QByteArray> decodeImageDataUri(const QString &uri, QString *problems);

// Reads the error shapes the five services use, whichever is there: {"errors": [{code,
// message}]} (PeelAPI), {"error": "…", "failure_reason_code"} (ImagePipeline), {"error": "…"}
// (Peel host errors, Peako), {"error", "error_code"} (Peel runtime envelope), {"message",
// "errors": {field: [..]}} (deAPI / Laravel), {"error": {code, message}}. Leaves *code / *message
// alone when it finds nothing for them.
void readProviderError(const QJsonObject &o, QString *code, QString *message);

} // namespace Dialects::Parsing
