// libFuzzer target for Net::PusherFrame::parse (app/net/pusherframe.h).
// Invariants: no crash; a refused frame gives a non-empty error; an accepted frame has a
// non-empty event, a dataKind consistent with dataRaw()/dataObject(), and its accessors and the
// serializers work on what it returned.
#include "net/pusherframe.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QString>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {
[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_pusherframe: invariant violated: %s\n", what);
    std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));

    QString error;
    const auto frame = Net::PusherFrame::parse(input, &error);
    const auto again = Net::PusherFrame::parse(input); // no error pointer
    if (frame.has_value() != again.has_value())
        fail("parse() result depends on the error pointer");
    if (!frame) {
        if (error.isEmpty())
            fail("refused frame without an error message");
        return 0;
    }
    if (frame->event().isEmpty())
        fail("accepted frame with an empty event");
    switch (frame->dataKind()) {
    case Net::PusherFrame::DataKind::None:
        if (!frame->dataRaw().isEmpty() || frame->dataObject())
            fail("DataKind::None with data");
        break;
    case Net::PusherFrame::DataKind::Object:
        if (!frame->dataObject())
            fail("DataKind::Object without dataObject()");
        break;
    case Net::PusherFrame::DataKind::String:
        if (frame->dataObject()) {
            const auto doc = QJsonDocument::fromJson(frame->dataRaw());
            if (!doc.isObject())
                fail("DataKind::String with dataObject() but dataRaw() is not a JSON object");
        }
        break;
    }
    if (frame->hasChannel() != !frame->channel().isEmpty())
        fail("hasChannel() inconsistent");

    // Round trips through the serializers must not crash.
    (void)Net::PusherFrame::subscribe(
        frame->channel(), frame->event(), QString::fromUtf8(frame->dataRaw()));
    (void)Net::PusherFrame::unsubscribe(frame->channel());
    // Only a channel that survives UTF-8 (no lone surrogate from a \ud800 escape) must.
    const QString ch = frame->channel();
    if (QString::fromUtf8(ch.toUtf8()) == ch) {
        const auto sub = Net::PusherFrame::parse(Net::PusherFrame::subscribe(ch));
        if (!sub || sub->event() != QLatin1String("pusher:subscribe"))
            fail("subscribe() output does not parse back");
    }
    return 0;
}
