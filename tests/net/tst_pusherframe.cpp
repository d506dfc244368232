#include "net/pusherframe.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using Net::PusherFrame;

// Declared before the recorded frames: moc (6.4) mis-reads raw string literals with an odd
// number of bare quotes, and would lose this class if it came after them.
class TestPusherFrame : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recordedSandboxTranscript();
    void sandboxConnectionEstablished();
    void sandboxStatusUpdates();
    void sandboxSubscriptionFrames();
    void pusherErrorDataIsAnObject();
    void pingPongDataForms();
    void dataStringThatIsNotAnObject();
    void nonAsciiAndEscapes();
    void nullChannelIsNoChannel();
    void malformed_data();
    void malformed();
    void errorPointerIsOptional();
    void randomBytesNeverCrash();
    void mutatedFramesNeverCrash();
    void subscribeSerializer();
    void unsubscribePingPongSerializers();
    void serializersEscapeChannelNames();
};

namespace {

// Frames recorded byte for byte from the sandbox's PusherHub (a deAPI txt2img job followed over
// a raw WebSocket); the whole transcript is in data/pusher-sandbox-frames.jsonl.
const QByteArray SandboxEstablished = QByteArrayLiteral(
    R"({"event":"pusher:connection_established","data":"{\"activity_timeout\":120,)"
    R"(\"socket_id\":\"819259674.1\"}"})");
const QByteArray SandboxStatusUpdate = QByteArrayLiteral(
    R"({"event":"request.status.updated","channel":"private-client.3185","data":"{\"job_type\":)"
    R"(\"txt2img\",\"preview\":null,\"progress\":1.3,\"request_id\":)"
    R"(\"e2fc646e-5497-4fc4-9c86-223938777421\",\"result_url\":null,\"status\":\"processing\"}"})");
const QByteArray SandboxDone = QByteArrayLiteral(
    R"({"event":"request.status.updated","channel":"private-client.3185","data":"{\"job_type\":)"
    R"(\"txt2img\",\"preview\":null,\"processing_time_ms\":1507,\"progress\":100,)"
    R"(\"request_id\":\"e2fc646e-5497-4fc4-9c86-223938777421\",\"result_url\":)"
    R"(\"http://127.0.0.1:45327/deapi/files/e2fc646e-5497-4fc4-9c86-223938777421/output.png?)"
    R"(expires=1795349571279&issued=1795340931279&signature=552d3953b4afd68cbd9c1f4923d365fbb2163f63\",)"
    R"(\"status\":\"done\"}"})");
const QByteArray SandboxSubscribed = QByteArrayLiteral(
    R"({"event":"pusher_internal:subscription_succeeded","channel":"private-client.3185","data":"{}"})");
const QByteArray SandboxSubscriptionError = QByteArrayLiteral(
    R"({"event":"pusher:subscription_error","channel":"private-client.3185","data":"{\"error\":)"
    R"(\"Invalid signature for private-client.3185 on socket 819259674.1\",\"status\":401,)"
    R"(\"type\":\"AuthError\"}"})");
const QByteArray SandboxError4001 = QByteArrayLiteral(
    R"({"data":{"code":4001,"message":"App key nope not in this cluster. Did you forget to specify the cluster?"},"event":"pusher:error"})");
const QByteArray SandboxPing = QByteArrayLiteral(R"({"event":"pusher:ping","data":"{}"})");
const QByteArray SandboxPong = QByteArrayLiteral(R"({"event":"pusher:pong","data":"{}"})");

template<std::size_t N> QByteArray bytes(const char (&literal)[N])
{
    return QByteArray(literal, N - 1);
}

QJsonObject json(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qWarning() << "not a JSON object:" << text;
    return doc.object();
}

} // namespace

void TestPusherFrame::recordedSandboxTranscript()
{
    // Proves every frame of a recorded sandbox session parses, in order, with decodable data.
    QFile file(QFINDTESTDATA("data/pusher-sandbox-frames.jsonl"));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    QStringList events;
    QStringList statuses;
    int previews = 0;
    double lastProgress = -1;
    for (QByteArray line : file.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        QString error;
        const auto frame = PusherFrame::parse(line, &error);
        QVERIFY2(frame, qPrintable(error));
        events << frame->event();
        if (frame->event() != QLatin1String("request.status.updated"))
            continue;
        QCOMPARE(frame->channel(), QStringLiteral("private-client.3185"));
        QCOMPARE(frame->dataKind(), PusherFrame::DataKind::String);
        QVERIFY(frame->dataObject());
        const QJsonObject data = *frame->dataObject();
        statuses << data.value(QLatin1String("status")).toString();
        const double progress = data.value(QLatin1String("progress")).toDouble();
        QVERIFY(progress >= lastProgress);
        lastProgress = progress;
        if (data.value(QLatin1String("preview")).isString()) {
            QVERIFY(data.value(QLatin1String("preview"))
                        .toString()
                        .startsWith(u"data:image/jpeg;base64,"));
            ++previews;
        }
    }
    QCOMPARE(events.size(), 16);
    QCOMPARE(events.first(), QStringLiteral("pusher:connection_established"));
    QCOMPARE(events.at(1), QStringLiteral("pusher_internal:subscription_succeeded"));
    QCOMPARE(events.at(2), QStringLiteral("pusher:subscription_error"));
    QCOMPARE(events.at(3), QStringLiteral("pusher:pong"));
    QCOMPARE(events.at(4), QStringLiteral("pusher:error"));
    QCOMPARE(events.last(), QStringLiteral("pusher:error"));
    QCOMPARE(statuses.size(), 10);
    QCOMPARE(statuses.last(), QStringLiteral("done"));
    QCOMPARE(statuses.count(QStringLiteral("processing")), 9);
    QCOMPARE(previews, 4);
    QCOMPARE(lastProgress, 100.0);
}

void TestPusherFrame::sandboxConnectionEstablished()
{
    // Proves connection_established parses: its data string is decoded into an object.
    QString error;
    const auto frame = PusherFrame::parse(SandboxEstablished, &error);
    QVERIFY2(frame, qPrintable(error));
    QCOMPARE(frame->event(), QStringLiteral("pusher:connection_established"));
    QVERIFY(!frame->hasChannel());
    QCOMPARE(frame->dataKind(), PusherFrame::DataKind::String);
    QVERIFY(frame->dataObject());
    QCOMPARE(frame->dataObject()->value(QLatin1String("socket_id")).toString(),
        QStringLiteral("819259674.1"));
    QCOMPARE(frame->dataObject()->value(QLatin1String("activity_timeout")).toInt(), 120);
    QCOMPARE(frame->dataRaw(), QByteArray(R"({"activity_timeout":120,"socket_id":"819259674.1"})"));
}

void TestPusherFrame::sandboxStatusUpdates()
{
    // Proves request.status.updated frames keep their channel and exact payload bytes, and decode.
    const auto running = PusherFrame::parse(SandboxStatusUpdate);
    QVERIFY(running);
    QCOMPARE(running->event(), QStringLiteral("request.status.updated"));
    QCOMPARE(running->channel(), QStringLiteral("private-client.3185"));
    QVERIFY(running->hasChannel());
    QCOMPARE(running->dataObject()->value(QLatin1String("status")).toString(),
        QStringLiteral("processing"));
    QCOMPARE(running->dataObject()->value(QLatin1String("progress")).toDouble(), 1.3);
    QVERIFY(running->dataObject()->value(QLatin1String("preview")).isNull());
    QVERIFY(running->dataRaw().startsWith(R"({"job_type":"txt2img","preview":null,)"));

    const auto done = PusherFrame::parse(SandboxDone);
    QVERIFY(done);
    QCOMPARE(done->dataObject()->value(QLatin1String("status")).toString(), QStringLiteral("done"));
    QCOMPARE(done->dataObject()->value(QLatin1String("result_url")).toString(),
        QStringLiteral("http://127.0.0.1:45327/deapi/files/e2fc646e-5497-4fc4-9c86-223938777421/"
                       "output.png?expires=1795349571279&issued=1795340931279&signature="
                       "552d3953b4afd68cbd9c1f4923d365fbb2163f63"));
    QCOMPARE(json(done->dataRaw()), *done->dataObject());
}

void TestPusherFrame::sandboxSubscriptionFrames()
{
    // Proves subscription_succeeded ("{}") and subscription_error ({type,error,status}) parse.
    const auto ok = PusherFrame::parse(SandboxSubscribed);
    QVERIFY(ok);
    QCOMPARE(ok->event(), QStringLiteral("pusher_internal:subscription_succeeded"));
    QCOMPARE(ok->channel(), QStringLiteral("private-client.3185"));
    QCOMPARE(ok->dataObject(), std::optional<QJsonObject>(QJsonObject()));

    const auto refused = PusherFrame::parse(SandboxSubscriptionError);
    QVERIFY(refused);
    QCOMPARE(refused->dataObject()->value(QLatin1String("type")).toString(),
        QStringLiteral("AuthError"));
    QCOMPARE(refused->dataObject()->value(QLatin1String("status")).toInt(), 401);
}

void TestPusherFrame::pusherErrorDataIsAnObject()
{
    // Proves pusher:error's object data is accepted as-is (code, message) with compact dataRaw.
    const auto frame = PusherFrame::parse(SandboxError4001);
    QVERIFY(frame);
    QCOMPARE(frame->event(), QStringLiteral("pusher:error"));
    QCOMPARE(frame->dataKind(), PusherFrame::DataKind::Object);
    QCOMPARE(frame->dataObject()->value(QLatin1String("code")).toInt(), 4001);
    QVERIFY(frame->dataObject()->value(QLatin1String("message")).toString().startsWith(u"App key"));
    QCOMPARE(json(frame->dataRaw()), *frame->dataObject());

    // The protocol allows a null code.
    const auto noCode
        = PusherFrame::parse(R"({"event":"pusher:error","data":{"code":null,"message":"x"}})");
    QVERIFY(noCode);
    QVERIFY(noCode->dataObject()->value(QLatin1String("code")).isNull());
}

void TestPusherFrame::pingPongDataForms()
{
    // Proves ping/pong parse whether data is "{}", {}, null or absent.
    for (const QByteArray &text :
        { SandboxPing, SandboxPong, QByteArray(R"({"event":"pusher:ping","data":{}})"),
            QByteArray(R"({"event":"pusher:ping","data":null})"),
            QByteArray(R"({"event":"pusher:ping"})") }) {
        QString error;
        const auto frame = PusherFrame::parse(text, &error);
        QVERIFY2(frame, qPrintable(error + u' ' + QString::fromUtf8(text)));
        QVERIFY(frame->event().startsWith(u"pusher:p"));
    }
    const auto absent = PusherFrame::parse(R"({"event":"pusher:ping"})");
    QCOMPARE(absent->dataKind(), PusherFrame::DataKind::None);
    QVERIFY(absent->dataRaw().isEmpty());
    QVERIFY(!absent->dataObject());
}

void TestPusherFrame::dataStringThatIsNotAnObject()
{
    // Proves a data string that is plain text or a JSON array is kept raw, without an object.
    const auto text = PusherFrame::parse(R"({"event":"note","channel":"c","data":"hello world"})");
    QVERIFY(text);
    QCOMPARE(text->dataRaw(), QByteArray("hello world"));
    QVERIFY(!text->dataObject());

    const auto array = PusherFrame::parse(R"({"event":"list","channel":"c","data":"[1,2,3]"})");
    QVERIFY(array);
    QCOMPARE(array->dataRaw(), QByteArray("[1,2,3]"));
    QVERIFY(!array->dataObject());

    const auto empty = PusherFrame::parse(R"({"event":"e","channel":"c","data":""})");
    QVERIFY(empty);
    QCOMPARE(empty->dataKind(), PusherFrame::DataKind::String);
    QVERIFY(empty->dataRaw().isEmpty());
}

void TestPusherFrame::nonAsciiAndEscapes()
{
    // Proves \u escapes and raw UTF-8 in data come out as the same UTF-8 bytes.
    const auto frame
        = PusherFrame::parse(QByteArray(R"({"event":"e","channel":"c","data":"{\"p\":\"caf\u00e9 )")
            + QByteArray("\xe2\x9c\x93") + QByteArray(R"(\\n\"}"})"));
    QVERIFY(frame);
    QCOMPARE(frame->dataObject()->value(QLatin1String("p")).toString(),
        QStringLiteral("caf\u00e9 \u2713\n"));
    QVERIFY(frame->dataRaw().contains("caf\xc3\xa9 \xe2\x9c\x93"));
}

void TestPusherFrame::nullChannelIsNoChannel()
{
    // Proves "channel": null is read as no channel rather than refused.
    const auto frame = PusherFrame::parse(R"({"event":"x","channel":null,"data":"{}"})");
    QVERIFY(frame);
    QVERIFY(!frame->hasChannel());
}

void TestPusherFrame::malformed_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("reason");

    QTest::newRow("empty") << QByteArray() << QStringLiteral("empty");
    QTest::newRow("whitespace") << QByteArray(" \r\n\t") << QStringLiteral("empty");
    QTest::newRow("not json") << QByteArray("hello") << QStringLiteral("not JSON");
    QTest::newRow("truncated") << SandboxStatusUpdate.left(SandboxStatusUpdate.size() / 2)
                               << QStringLiteral("not JSON");
    QTest::newRow("trailing garbage") << SandboxPing + "x" << QStringLiteral("not JSON");
    QTest::newRow("array") << QByteArray(R"([{"event":"pusher:ping"}])")
                           << QStringLiteral("not a JSON object");
    QTest::newRow("string") << QByteArray(R"("pusher:ping")") << QStringLiteral("not");
    QTest::newRow("number") << QByteArray("42") << QStringLiteral("not");
    QTest::newRow("null") << QByteArray("null") << QStringLiteral("not");
    QTest::newRow("missing event")
        << QByteArray(R"({"channel":"c","data":"{}"})") << QStringLiteral("no \"event\"");
    QTest::newRow("event number") << QByteArray(R"({"event":7,"data":"{}"})")
                                  << QStringLiteral("no \"event\"");
    QTest::newRow("event empty") << QByteArray(R"({"event":"","data":"{}"})")
                                 << QStringLiteral("no \"event\"");
    QTest::newRow("event null") << QByteArray(R"({"event":null})")
                                << QStringLiteral("no \"event\"");
    QTest::newRow("data array") << QByteArray(R"({"event":"e","channel":"c","data":[1,2]})")
                                << QStringLiteral("\"data\"");
    QTest::newRow("data number") << QByteArray(R"({"event":"e","data":12})")
                                 << QStringLiteral("\"data\"");
    QTest::newRow("data bool") << QByteArray(R"({"event":"e","data":true})")
                               << QStringLiteral("\"data\"");
    QTest::newRow("channel number")
        << QByteArray(R"({"event":"e","channel":5,"data":"{}"})") << QStringLiteral("\"channel\"");
    QTest::newRow("channel object")
        << QByteArray(R"({"event":"e","channel":{},"data":"{}"})") << QStringLiteral("\"channel\"");
    QTest::newRow("invalid utf8 byte")
        << bytes("{\"event\":\"e\",\"data\":\"\xff\"}") << QStringLiteral("UTF-8");
    QTest::newRow("overlong utf8")
        << bytes("{\"event\":\"e\xc0\xaf\",\"data\":\"{}\"}") << QStringLiteral("UTF-8");
    QTest::newRow("utf8 surrogate")
        << bytes("{\"event\":\"e\",\"data\":\"\xed\xa0\x80\"}") << QStringLiteral("UTF-8");
    QTest::newRow("truncated utf8 sequence")
        << bytes("{\"event\":\"e\",\"data\":\"\xe2\x9c") << QStringLiteral("UTF-8");
    QTest::newRow("nul byte") << bytes("{\"event\":\"e\"\0}") << QStringLiteral("not JSON");
}

void TestPusherFrame::malformed()
{
    // Proves every malformed kind yields nullopt with a reason that names the problem.
    QFETCH(QByteArray, text);
    QFETCH(QString, reason);
    QString error;
    const auto frame = PusherFrame::parse(text, &error);
    QVERIFY(!frame);
    QVERIFY2(error.contains(reason), qPrintable(error));
}

void TestPusherFrame::errorPointerIsOptional()
{
    // Proves parse() works without an error pointer, for good and bad input alike.
    QVERIFY(PusherFrame::parse(SandboxPing));
    QVERIFY(!PusherFrame::parse("nope"));
    QVERIFY(!PusherFrame::parse(bytes("\xff\xfe")));
}

void TestPusherFrame::randomBytesNeverCrash()
{
    // Proves arbitrary bytes never crash the parser, and whatever parses has a non-empty event.
    QRandomGenerator rng(20240611);
    for (int i = 0; i < 3000; ++i) {
        QByteArray text(int(rng.bounded(64)), Qt::Uninitialized);
        for (char &c : text)
            c = char(rng.bounded(256));
        const auto frame = PusherFrame::parse(text);
        if (frame)
            QVERIFY(!frame->event().isEmpty());
    }
}

void TestPusherFrame::mutatedFramesNeverCrash()
{
    // Proves single-byte corruptions of recorded frames either parse cleanly or are refused.
    QRandomGenerator rng(77);
    const QList<QByteArray> seeds { SandboxEstablished, SandboxStatusUpdate, SandboxDone,
        SandboxSubscribed, SandboxSubscriptionError, SandboxError4001, SandboxPing };
    int refused = 0;
    for (int i = 0; i < 5000; ++i) {
        QByteArray text = seeds.at(int(rng.bounded(qsizetype(seeds.size()))));
        const int at = int(rng.bounded(qsizetype(text.size())));
        switch (rng.bounded(3)) {
        case 0:
            text[at] = char(rng.bounded(256));
            break;
        case 1:
            text.remove(at, 1);
            break;
        default:
            text.truncate(at);
            break;
        }
        QString error;
        const auto frame = PusherFrame::parse(text, &error);
        if (frame) {
            QVERIFY(!frame->event().isEmpty());
        } else {
            QVERIFY(!error.isEmpty());
            ++refused;
        }
    }
    QVERIFY(refused > 0);
}

void TestPusherFrame::subscribeSerializer()
{
    // Proves pusher:subscribe carries the channel, the auth only when given, and channel_data.
    const QJsonObject withAuth = json(PusherFrame::subscribe(
        QStringLiteral("private-client.3185"), QStringLiteral("key:abc123")));
    QCOMPARE(withAuth.value(QLatin1String("event")).toString(), QStringLiteral("pusher:subscribe"));
    const QJsonObject data = withAuth.value(QLatin1String("data")).toObject();
    QCOMPARE(
        data.value(QLatin1String("channel")).toString(), QStringLiteral("private-client.3185"));
    QCOMPARE(data.value(QLatin1String("auth")).toString(), QStringLiteral("key:abc123"));
    QVERIFY(!data.contains(QLatin1String("channel_data")));

    const QJsonObject publicChannel = json(PusherFrame::subscribe(QStringLiteral("news")));
    QVERIFY(!publicChannel.value(QLatin1String("data")).toObject().contains(QLatin1String("auth")));

    const QJsonObject presence = json(PusherFrame::subscribe(
        QStringLiteral("presence-x"), QStringLiteral("k:s"), QStringLiteral(R"({"user_id":"1"})")));
    QCOMPARE(presence.value(QLatin1String("data"))
                 .toObject()
                 .value(QLatin1String("channel_data"))
                 .toString(),
        QStringLiteral(R"({"user_id":"1"})"));
}

void TestPusherFrame::unsubscribePingPongSerializers()
{
    // Proves unsubscribe, ping and pong serialize to the protocol's shapes and parse back.
    const QJsonObject unsub = json(PusherFrame::unsubscribe(QStringLiteral("private-client.1")));
    QCOMPARE(unsub.value(QLatin1String("event")).toString(), QStringLiteral("pusher:unsubscribe"));
    QCOMPARE(
        unsub.value(QLatin1String("data")).toObject().value(QLatin1String("channel")).toString(),
        QStringLiteral("private-client.1"));
    QCOMPARE(json(PusherFrame::ping()).value(QLatin1String("event")).toString(),
        QStringLiteral("pusher:ping"));
    QCOMPARE(json(PusherFrame::pong()).value(QLatin1String("event")).toString(),
        QStringLiteral("pusher:pong"));
    QVERIFY(json(PusherFrame::ping()).value(QLatin1String("data")).isObject());
    for (const QByteArray &out :
        { PusherFrame::ping(), PusherFrame::pong(), PusherFrame::unsubscribe(QStringLiteral("c")),
            PusherFrame::subscribe(QStringLiteral("c")) })
        QVERIFY(PusherFrame::parse(out));
}

void TestPusherFrame::serializersEscapeChannelNames()
{
    // Proves quotes, backslashes, control and non-ASCII characters in names survive a round trip.
    const QString nasty = QStringLiteral("private-\"q\"\\\n\u00e9\u2713");
    const QJsonObject sub = json(PusherFrame::subscribe(nasty, QStringLiteral("a\"b")));
    QCOMPARE(sub.value(QLatin1String("data")).toObject().value(QLatin1String("channel")).toString(),
        nasty);
    QCOMPARE(sub.value(QLatin1String("data")).toObject().value(QLatin1String("auth")).toString(),
        QStringLiteral("a\"b"));
    QCOMPARE(json(PusherFrame::unsubscribe(nasty))
                 .value(QLatin1String("data"))
                 .toObject()
                 .value(QLatin1String("channel"))
                 .toString(),
        nasty);
}

QTEST_GUILESS_MAIN(TestPusherFrame)
#include "tst_pusherframe.moc"
