#include "dialects/parsing.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QTimeZone>
#include <QUrl>
#include <cmath>

namespace Dialects::Parsing {

namespace {

// Problem texts quote what they saw; a hostile value must not turn one into megabytes.
constexpr qsizetype MaxQuoted = 80;

QString cut(const QString &s)
{
    return s.size() <= MaxQuoted ? s : s.left(MaxQuoted) + QStringLiteral("…");
}

QString typeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("missing");
}

void wrongType(QLatin1String key, const QString &expected, const QJsonValue &v, QString *problems)
{
    addProblem(problems,
        QStringLiteral("%1 is %2, not %3 (%4)").arg(key, typeName(v), expected, describe(v)));
}

QString firstString(const QJsonObject &o, std::initializer_list<const char *> keys)
{
    for (const char *key : keys) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isString() && !v.toString().isEmpty())
            return v.toString();
    }
    return {};
}

} // namespace

void addProblem(QString *problems, const QString &problem)
{
    if (!problems || problem.isEmpty())
        return;
    if (!problems->isEmpty())
        problems->append(QLatin1String("; "));
    problems->append(problem);
}

QString describe(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return QLatin1Char('"') + cut(value.toString()) + QLatin1Char('"');
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 12);
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Array:
        return QStringLiteral("an array of %1").arg(value.toArray().size());
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

std::optional<QJsonObject> parseObject(const QByteArray &body, QString *problems)
{
    if (body.trimmed().isEmpty()) {
        addProblem(problems, QStringLiteral("the answer is empty"));
        return std::nullopt;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError) {
        addProblem(problems,
            QStringLiteral("the answer is not JSON (%1 at offset %2)")
                .arg(error.errorString())
                .arg(error.offset));
        return std::nullopt;
    }
    if (!doc.isObject()) {
        addProblem(problems, QStringLiteral("the answer is a JSON array, not an object"));
        return std::nullopt;
    }
    return doc.object();
}

QJsonObject unwrapData(const QJsonObject &root, QString *problems)
{
    const QJsonValue data = root.value(QLatin1String("data"));
    if (data.isObject())
        return data.toObject();
    if (data.isUndefined())
        return root;
    wrongType(QLatin1String("data"), QStringLiteral("an object"), data, problems);
    return {};
}

std::optional<QString> stringField(const QJsonObject &o, QLatin1String key, QString *problems)
{
    const QJsonValue v = o.value(key);
    if (v.isString())
        return v.toString();
    if (!v.isNull() && !v.isUndefined())
        wrongType(key, QStringLiteral("a string"), v, problems);
    return std::nullopt;
}

std::optional<double> numberField(const QJsonObject &o, QLatin1String key, QString *problems)
{
    const QJsonValue v = o.value(key);
    if (v.isDouble())
        return v.toDouble();
    if (!v.isNull() && !v.isUndefined())
        wrongType(key, QStringLiteral("a number"), v, problems);
    return std::nullopt;
}

std::optional<bool> boolField(const QJsonObject &o, QLatin1String key, QString *problems)
{
    const QJsonValue v = o.value(key);
    if (v.isBool())
        return v.toBool();
    if (!v.isNull() && !v.isUndefined())
        wrongType(key, QStringLiteral("a boolean"), v, problems);
    return std::nullopt;
}

std::optional<QJsonObject> objectField(const QJsonObject &o, QLatin1String key, QString *problems)
{
    const QJsonValue v = o.value(key);
    if (v.isObject())
        return v.toObject();
    if (!v.isNull() && !v.isUndefined())
        wrongType(key, QStringLiteral("an object"), v, problems);
    return std::nullopt;
}

std::optional<QJsonArray> arrayField(const QJsonObject &o, QLatin1String key, QString *problems)
{
    const QJsonValue v = o.value(key);
    if (v.isArray())
        return v.toArray();
    if (!v.isNull() && !v.isUndefined())
        wrongType(key, QStringLiteral("an array"), v, problems);
    return std::nullopt;
}

void copyNumber(const QJsonObject &o, QLatin1String key, QJsonObject *target,
    QLatin1String targetKey, QString *problems)
{
    const std::optional<double> v = numberField(o, key, problems);
    if (v && std::isfinite(*v))
        target->insert(targetKey, *v);
}

void copyValue(
    const QJsonObject &o, QLatin1String key, QJsonObject *target, QLatin1String targetKey)
{
    const QJsonValue v = o.value(key);
    if (!v.isNull() && !v.isUndefined())
        target->insert(targetKey, v);
}

std::optional<qint64> isoTimeMs(const QString &text)
{
    QDateTime t = QDateTime::fromString(text.trimmed(), Qt::ISODateWithMs);
    if (!t.isValid())
        return std::nullopt;
    // The services speak UTC; a time without an offset is read as UTC, not as this machine's zone.
    if (t.timeSpec() == Qt::LocalTime)
        t = QDateTime(t.date(), t.time(), QTimeZone::utc());
    return t.toMSecsSinceEpoch();
}

void copyTimeMs(const QJsonObject &o, QLatin1String key, QJsonObject *target,
    QLatin1String targetKey, QString *problems)
{
    const QJsonValue v = o.value(key);
    if (v.isString()) {
        if (const auto ms = isoTimeMs(v.toString()))
            target->insert(targetKey, double(*ms));
        else
            addProblem(
                problems, QStringLiteral("%1 %2 is not an ISO 8601 time").arg(key, describe(v)));
    } else if (v.isDouble()) {
        const double ms = v.toDouble();
        if (std::isfinite(ms) && ms >= 0)
            target->insert(targetKey, std::floor(ms));
        else
            addProblem(problems, QStringLiteral("%1 %2 is not a time").arg(key, describe(v)));
    } else if (!v.isNull() && !v.isUndefined()) {
        wrongType(key, QStringLiteral("a time"), v, problems);
    }
}

QString fileNameFromUrl(const QString &url)
{
    const QString path = QUrl(url).path(QUrl::FullyEncoded);
    const QString segment = path.mid(path.lastIndexOf(QLatin1Char('/')) + 1);
    QString name = QUrl::fromPercentEncoding(segment.toUtf8());
    for (QChar &c : name) {
        // The name will be offered as a file name: nothing that could name another folder.
        if (c == QLatin1Char('/') || c == QLatin1Char('\\') || c.unicode() < 0x20
            || c.unicode() == 0x7f)
            c = QLatin1Char('_');
    }
    if (name == QLatin1String(".") || name == QLatin1String(".."))
        return {};
    return name;
}

Core::Output outputFromUrl(const QString &url, int index, const QString &variant)
{
    Core::Output out;
    out.url = url;
    out.name = fileNameFromUrl(url);
    out.index = index;
    out.variant = variant;
    return out;
}

Core::JobError jobFailure(const QJsonValue &error, QString *problems)
{
    Core::JobError e;
    if (error.isString()) {
        if (error.toString().isEmpty())
            return e;
        e.kind = Core::JobError::Kind::Job;
        e.message = error.toString();
        return e;
    }
    if (error.isObject()) {
        const QJsonObject o = error.toObject();
        e.kind = Core::JobError::Kind::Job;
        e.providerCode = firstString(o, { "code", "error_code", "failure_reason_code" });
        e.message = firstString(o, { "message", "error", "detail" });
        e.retryable = o.value(QLatin1String("retryable")).toBool(false);
        e.details = o;
        if (e.message.isEmpty())
            e.message
                = e.providerCode.isEmpty() ? QStringLiteral("the job failed") : e.providerCode;
        return e;
    }
    if (!error.isNull() && !error.isUndefined())
        wrongType(QLatin1String("error"), QStringLiteral("a string or an object"), error, problems);
    return e;
}

QString findJobId(const QJsonObject &root)
{
    auto idOf = [](const QJsonValue &v) -> QString {
        if (v.isString())
            return v.toString();
        // Some services number their jobs; an integral number is an id too.
        if (v.isDouble()) {
            const double d = v.toDouble();
            if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15)
                return QString::number(qint64(d));
        }
        return {};
    };
    const QJsonObject data = root.value(QLatin1String("data")).toObject();
    for (const QString &id :
        { idOf(data.value(QLatin1String("id"))), idOf(data.value(QLatin1String("request_id"))),
            idOf(root.value(QLatin1String("job_id"))), idOf(root.value(QLatin1String("jobId"))),
            idOf(root.value(QLatin1String("id"))) }) {
        if (!id.isEmpty())
            return id;
    }
    return {};
}

QString jobIdFields()
{
    return QStringLiteral("data.id, data.request_id, job_id, jobId, id");
}

double clampProgress(double value, double scale, QString *problem)
{
    auto say = [problem](const QString &text) {
        if (problem)
            *problem = text;
    };
    if (!std::isfinite(scale) || scale <= 0) {
        say(QStringLiteral("progress scale %1 is not a positive number").arg(scale));
        return 0;
    }
    if (!std::isfinite(value)) {
        say(QStringLiteral("progress is not a finite number"));
        return 0;
    }
    const double p = value / scale;
    if (p < 0) {
        say(QStringLiteral("progress %1 is below 0; clamped to 0").arg(value));
        return 0;
    }
    // A hair above the scale is rounding, not a wrong value.
    if (p > 1 + 1e-9) {
        say(QStringLiteral("progress %1 is above %2; clamped to the end").arg(value).arg(scale));
        return 1;
    }
    return std::min(p, 1.0);
}

std::optional<QByteArray> decodeBase64(QStringView text)
{
    QByteArray bytes;
    bytes.reserve(text.size());
    for (QChar c : text) {
        if (c.isSpace())
            continue; // MIME-style line breaks are harmless
        if (c.unicode() > 0x7f)
            return std::nullopt;
        bytes.append(char(c.unicode()));
    }
    auto result
        = QByteArray::fromBase64Encoding(std::move(bytes), QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    return std::move(result.decoded);
}

std::optional<QByteArray> decodeImageDataUri(const QString &uri, QString *problems)
{
    const qsizetype comma = uri.indexOf(QLatin1Char(','));
    if (!uri.startsWith(QLatin1String("data:"), Qt::CaseInsensitive) || comma < 0) {
        addProblem(problems,
            QStringLiteral("preview %1 is neither a data: URI nor an http URL").arg(describe(uri)));
        return std::nullopt;
    }
    const QStringView meta = QStringView(uri).mid(5, comma - 5);
    const QList<QStringView> parts = meta.split(QLatin1Char(';'));
    if (!parts.first().startsWith(QLatin1String("image/"), Qt::CaseInsensitive)) {
        addProblem(problems,
            QStringLiteral("preview is a data: URI of %1, not an image")
                .arg(describe(parts.first().toString())));
        return std::nullopt;
    }
    if (parts.size() < 2
        || parts.last().compare(QLatin1String("base64"), Qt::CaseInsensitive) != 0) {
        addProblem(problems, QStringLiteral("preview data: URI is not base64"));
        return std::nullopt;
    }
    auto bytes = decodeBase64(QStringView(uri).mid(comma + 1));
    if (!bytes || bytes->isEmpty()) {
        addProblem(problems, QStringLiteral("preview data: URI holds invalid base64"));
        return std::nullopt;
    }
    return bytes;
}

void readProviderError(const QJsonObject &o, QString *code, QString *message)
{
    auto setCode = [code](const QString &c) {
        if (code->isEmpty() && !c.isEmpty())
            *code = c;
    };
    auto setMessage = [message](const QString &m) {
        if (message->isEmpty() && !m.isEmpty())
            *message = m;
    };
    const QJsonValue errors = o.value(QLatin1String("errors"));
    if (errors.isArray()) { // PeelAPI envelope: [{code, message}]
        QStringList messages;
        for (const QJsonValue &e : errors.toArray()) {
            const QJsonObject eo = e.toObject();
            setCode(eo.value(QLatin1String("code")).toString());
            const QString m
                = e.isString() ? e.toString() : eo.value(QLatin1String("message")).toString();
            if (!m.isEmpty())
                messages.append(m);
        }
        setMessage(messages.join(QLatin1String("; ")));
    }
    const QJsonValue error = o.value(QLatin1String("error"));
    if (error.isString()) {
        setMessage(error.toString());
    } else if (error.isObject()) {
        const QJsonObject eo = error.toObject();
        setCode(firstString(eo, { "code", "error_code", "type" }));
        setMessage(firstString(eo, { "message", "error", "detail" }));
    }
    setCode(firstString(o, { "error_code", "failure_reason_code", "code" }));
    QString laravel = o.value(QLatin1String("message")).toString();
    if (!laravel.isEmpty() && errors.isObject()) {
        // deAPI / Laravel validation: {"message": "The given data was invalid.", "errors": {field:
        // [..]}}
        QStringList details;
        const QJsonObject fields = errors.toObject();
        for (auto it = fields.begin(); it != fields.end(); ++it) {
            const QJsonArray list = it.value().toArray();
            const QJsonValue first
                = it.value().isArray() ? (list.isEmpty() ? QJsonValue() : list.at(0)) : it.value();
            details.append(it.key() + QStringLiteral(": ")
                + (first.isString() ? first.toString() : describe(first)));
        }
        laravel += QStringLiteral(" (") + details.join(QLatin1String("; ")) + QLatin1Char(')');
    }
    setMessage(laravel);
    setMessage(firstString(o, { "detail", "error_description" }));
}

} // namespace Dialects::Parsing
