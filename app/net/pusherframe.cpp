#include "net/pusherframe.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QStringDecoder>

namespace Net {

namespace {

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

// Qt's JSON parser copes with most bad UTF-8, but what it does with it (replace, refuse, or
// pass through inside strings) is not a documented promise. Checking first gives one clear
// answer for every broken sequence, overlong forms and encoded surrogates included.
bool isValidUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder.decode(bytes);
    Q_UNUSED(decoded)
    return !decoder.hasError();
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

std::optional<PusherFrame> PusherFrame::parse(const QByteArray &text, QString *error)
{
    if (text.trimmed().isEmpty()) {
        setError(error, QStringLiteral("empty frame"));
        return std::nullopt;
    }
    if (!isValidUtf8(text)) {
        setError(error, QStringLiteral("frame is not valid UTF-8"));
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        setError(error,
            QStringLiteral("frame is not JSON: %1 at offset %2")
                .arg(parseError.errorString())
                .arg(parseError.offset));
        return std::nullopt;
    }
    if (!doc.isObject()) {
        setError(error, QStringLiteral("frame is not a JSON object"));
        return std::nullopt;
    }
    const QJsonObject object = doc.object();

    const QJsonValue event = object.value(QLatin1String("event"));
    if (!event.isString() || event.toString().isEmpty()) {
        setError(error, QStringLiteral("frame has no \"event\" string"));
        return std::nullopt;
    }

    PusherFrame frame;
    frame.m_event = event.toString();

    const QJsonValue channel = object.value(QLatin1String("channel"));
    if (channel.isString()) {
        frame.m_channel = channel.toString();
    } else if (!channel.isUndefined() && !channel.isNull()) {
        setError(error, QStringLiteral("\"channel\" of %1 is not a string").arg(frame.m_event));
        return std::nullopt;
    }

    const QJsonValue data = object.value(QLatin1String("data"));
    if (data.isString()) {
        frame.m_dataKind = DataKind::String;
        frame.m_dataRaw = data.toString().toUtf8();
        // Decoded only when it is an object: a channel event may carry any string, and a
        // string that merely looks like JSON of another kind is still that event's payload.
        QJsonParseError innerError;
        const QJsonDocument inner = QJsonDocument::fromJson(frame.m_dataRaw, &innerError);
        if (innerError.error == QJsonParseError::NoError && inner.isObject())
            frame.m_dataObject = inner.object();
    } else if (data.isObject()) {
        frame.m_dataKind = DataKind::Object;
        frame.m_dataObject = data.toObject();
        frame.m_dataRaw = compact(*frame.m_dataObject);
    } else if (!data.isUndefined() && !data.isNull()) {
        setError(error,
            QStringLiteral("\"data\" of %1 is neither a JSON-encoded string nor an object")
                .arg(frame.m_event));
        return std::nullopt;
    }
    return frame;
}

QByteArray PusherFrame::subscribe(
    const QString &channel, const QString &auth, const QString &channelData)
{
    QJsonObject data { { QStringLiteral("channel"), channel } };
    if (!auth.isEmpty())
        data.insert(QStringLiteral("auth"), auth);
    if (!channelData.isEmpty())
        data.insert(QStringLiteral("channel_data"), channelData);
    return compact(QJsonObject { { QStringLiteral("event"), QStringLiteral("pusher:subscribe") },
        { QStringLiteral("data"), data } });
}

QByteArray PusherFrame::unsubscribe(const QString &channel)
{
    return compact(QJsonObject { { QStringLiteral("event"), QStringLiteral("pusher:unsubscribe") },
        { QStringLiteral("data"), QJsonObject { { QStringLiteral("channel"), channel } } } });
}

QByteArray PusherFrame::ping()
{
    return QByteArrayLiteral(R"({"event":"pusher:ping","data":{}})");
}

QByteArray PusherFrame::pong()
{
    return QByteArrayLiteral(R"({"event":"pusher:pong","data":{}})");
}

} // namespace Net
