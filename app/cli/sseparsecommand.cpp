#include "cli/sseparsecommand.h"

#include "net/sseparser.h"

#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>

namespace Cli {

int SseParseCommand::run(
    QIODevice *in, QIODevice *out, int chunkSize, const QByteArray &lastEventId)
{
    Net::SseParser parser(lastEventId);
    auto line = [out](const QJsonObject &o) {
        out->write(QJsonDocument(o).toJson(QJsonDocument::Compact));
        out->write("\n");
    };
    parser.setEventHandler([&](const Net::SseEvent &e) {
        line(QJsonObject { { QLatin1String("type"), QString::fromUtf8(e.type) },
            { QLatin1String("data"), QString::fromUtf8(e.data) },
            { QLatin1String("lastEventId"), QString::fromUtf8(e.lastEventId) } });
    });
    QByteArray buffer;
    while (true) {
        buffer = in->read(chunkSize); // blocks until chunkSize bytes or the end of the input
        if (buffer.isEmpty())
            break;
        parser.feed(buffer);
    }
    parser.finish(); // an unterminated last event is not dispatched
    const auto retry = parser.retry();
    line(QJsonObject { { QLatin1String("end"), true },
        { QLatin1String("lastEventId"), QString::fromUtf8(parser.lastEventId()) },
        { QLatin1String("retry"),
            retry ? QJsonValue(double(*retry)) : QJsonValue(QJsonValue::Null) } });
    return 0;
}

} // namespace Cli
