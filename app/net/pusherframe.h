#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace Net {

// One frame of the Pusher Channels protocol (version 7): a pure parser for what a server sends
// and serializers for what a client sends. No I/O, no logging, no state.
//
// Contract of parse():
// - The input is the whole WebSocket message as bytes. It must be valid UTF-8 and one JSON
//   object with a non-empty string "event"; "channel", when present and not null, must be a
//   string.
// - "data" is usually a JSON-encoded STRING (channel events, connection_established, ping):
//   dataRaw() is then the string's UTF-8 bytes, and dataObject() holds it decoded when those
//   bytes are a JSON object (a string that is not JSON, or JSON but not an object, is still a
//   valid frame: Pusher events may carry any string). pusher:error sends data as an OBJECT:
//   dataObject() is that object and dataRaw() its compact JSON. A missing or null "data" gives
//   an empty dataRaw() and no dataObject(). Any other "data" (array, number, boolean) is refused.
// - Anything else (not UTF-8, not JSON, not an object, no event, wrong types) yields
//   std::nullopt and, when `error` is given, a one-line reason. It never throws or crashes,
//   whatever the bytes.
// Serializers return compact JSON ready for a text frame; data is sent as an object, as
// pusher-js does.
class PusherFrame final
{
public:
    enum class DataKind {
        None, // "data" absent or null
        String, // JSON-encoded string (the usual case)
        Object, // an object (pusher:error)
    };

    static std::optional<PusherFrame> parse(const QByteArray &text, QString *error = nullptr);

    QString event() const { return m_event; }
    QString channel() const { return m_channel; }
    bool hasChannel() const { return !m_channel.isEmpty(); }
    DataKind dataKind() const { return m_dataKind; }
    QByteArray dataRaw() const { return m_dataRaw; }
    const std::optional<QJsonObject> &dataObject() const { return m_dataObject; }

    // {"event":"pusher:subscribe","data":{"channel":…,"auth"?:…,"channel_data"?:…}}; auth and
    // channel_data are left out when empty (public channels need neither).
    static QByteArray subscribe(
        const QString &channel, const QString &auth = {}, const QString &channelData = {});
    static QByteArray unsubscribe(const QString &channel);
    static QByteArray ping();
    static QByteArray pong();

private:
    PusherFrame() = default;

    QString m_event;
    QString m_channel;
    DataKind m_dataKind = DataKind::None;
    QByteArray m_dataRaw;
    std::optional<QJsonObject> m_dataObject;
};

} // namespace Net
