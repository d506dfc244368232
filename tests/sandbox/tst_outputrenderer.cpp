#include "sandbox/outputrenderer.h"

#include <QBuffer>
#include <QImageReader>
#include <QImageWriter>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QtConcurrent>
#include <QtEndian>
#include <QtTest>
#include <cmath>
#include <limits>

using Sandbox::OutputRenderer;

namespace {

quint32 u32At(const QByteArray &bytes, qsizetype at)
{
    return qFromLittleEndian<quint32>(bytes.constData() + at);
}

quint16 u16At(const QByteArray &bytes, qsizetype at)
{
    return qFromLittleEndian<quint16>(bytes.constData() + at);
}

QByteArray fourCcAt(const QByteArray &bytes, qsizetype at)
{
    return bytes.mid(at, 4);
}

// Mean absolute difference per colour channel, 0..255.
double meanDifference(const QImage &a, const QImage &b)
{
    if (a.size() != b.size())
        return 255.0;
    const QImage x = a.convertToFormat(QImage::Format_RGB32);
    const QImage y = b.convertToFormat(QImage::Format_RGB32);
    qint64 sum = 0;
    for (int row = 0; row < x.height(); ++row) {
        const auto *p = reinterpret_cast<const QRgb *>(x.constScanLine(row));
        const auto *q = reinterpret_cast<const QRgb *>(y.constScanLine(row));
        for (int col = 0; col < x.width(); ++col) {
            sum += std::abs(qRed(p[col]) - qRed(q[col])) + std::abs(qGreen(p[col]) - qGreen(q[col]))
                + std::abs(qBlue(p[col]) - qBlue(q[col]));
        }
    }
    return double(sum) / (3.0 * x.width() * x.height());
}

// The '00dc' payloads of an AVI's movi list, found by walking the RIFF tree (not by searching, as
// the idx1 entries spell '00dc' too).
QList<QByteArray> framesOf(const QByteArray &avi)
{
    QList<QByteArray> frames;
    for (qsizetype at = 12; at + 12 <= avi.size();) {
        const quint32 size = u32At(avi, at + 4);
        if (fourCcAt(avi, at) == "LIST" && fourCcAt(avi, at + 8) == "movi") {
            const qsizetype end = std::min(avi.size(), at + 8 + qsizetype(size));
            for (qsizetype chunk = at + 12; chunk + 8 <= end;) {
                const quint32 chunkSize = u32At(avi, chunk + 4);
                if (fourCcAt(avi, chunk) == "00dc")
                    frames.append(avi.mid(chunk + 8, chunkSize));
                chunk += 8 + qsizetype(chunkSize) + qsizetype(chunkSize % 2);
            }
        }
        at += 8 + qsizetype(size) + qsizetype(size % 2);
    }
    return frames;
}

bool webpAvailable()
{
    return QImageWriter::supportedImageFormats().contains("webp");
}

} // namespace

class TestOutputRenderer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void renderImageIsDeterministic();
    void renderImageDependsOnPromptAndSeed();
    void renderImageIsNotFlat();
    void encodeImageDecodesBack_data();
    void encodeImageDecodesBack();
    void encodeImageRejectsUnknownFormats();
    void formatNamesMapToMimeAndExtension();
    void previewAtFullProgressEqualsFinal();
    void previewSharpensWithProgress();
    void videoIsWellFormedMjpegAvi();
    void videoIsDeterministicAndAnimated();
    void audioIsValidPcmWav_data();
    void audioIsValidPcmWav();
    void audioIsDeterministic();
    void captionsCoverDurationContiguously_data();
    void captionsCoverDurationContiguously();
    void captionsCarryTheTextsWords();
    void srtMatchesCaptions();
    void srtSurvivesMalformedCues();
    void hostileInputsNeverCrash();
    void concurrentCallsAgreeWithSerialOnes();
};

void TestOutputRenderer::renderImageIsDeterministic()
{
    // Same arguments give identical pixels and identical encoded bytes, so a seed reproduces a
    // file.
    const QImage a
        = OutputRenderer::renderImage(QStringLiteral("a quiet ocean at dawn"), 42, QSize(256, 192));
    const QImage b
        = OutputRenderer::renderImage(QStringLiteral("a quiet ocean at dawn"), 42, QSize(256, 192));
    QCOMPARE(a.size(), QSize(256, 192));
    QVERIFY(a == b);
    QCOMPARE(OutputRenderer::encodeImage(a, "png"), OutputRenderer::encodeImage(b, "png"));
    QCOMPARE(
        OutputRenderer::encodeImage(a, "jpeg", 85), OutputRenderer::encodeImage(b, "jpeg", 85));
    if (webpAvailable())
        QCOMPARE(OutputRenderer::encodeImage(a, "webp"), OutputRenderer::encodeImage(b, "webp"));
}

void TestOutputRenderer::renderImageDependsOnPromptAndSeed()
{
    // Different prompts, or the same prompt with another seed, give clearly different pictures.
    const QSize size(128, 128);
    const QImage base
        = OutputRenderer::renderImage(QStringLiteral("a quiet ocean at dawn"), 1, size);
    const QImage otherPrompt
        = OutputRenderer::renderImage(QStringLiteral("a forest fire at night"), 1, size);
    const QImage otherSeed
        = OutputRenderer::renderImage(QStringLiteral("a quiet ocean at dawn"), 2, size);
    const QImage oneCharOff
        = OutputRenderer::renderImage(QStringLiteral("a quiet ocean at dawm"), 1, size);
    QVERIFY2(meanDifference(base, otherPrompt) > 12.0,
        qPrintable(QString::number(meanDifference(base, otherPrompt))));
    QVERIFY2(meanDifference(base, otherSeed) > 12.0,
        qPrintable(QString::number(meanDifference(base, otherSeed))));
    QVERIFY2(meanDifference(base, oneCharOff) > 12.0,
        qPrintable(QString::number(meanDifference(base, oneCharOff))));
}

void TestOutputRenderer::renderImageIsNotFlat()
{
    // A picture has many colours and real contrast, not a single flat fill.
    for (qint64 seed = 0; seed < 8; ++seed) {
        const QImage image
            = OutputRenderer::renderImage(QStringLiteral("abstract"), seed, QSize(128, 128));
        QSet<QRgb> colours;
        int darkest = 255;
        int brightest = 0;
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x) {
                const QRgb px = image.pixel(x, y);
                colours.insert(px);
                darkest = std::min(darkest, qGray(px));
                brightest = std::max(brightest, qGray(px));
            }
        }
        QVERIFY2(colours.size() > 2000, qPrintable(QString::number(colours.size())));
        QVERIFY2(brightest - darkest > 60, qPrintable(QString::number(brightest - darkest)));
    }
}

void TestOutputRenderer::encodeImageDecodesBack_data()
{
    QTest::addColumn<QByteArray>("format");
    QTest::addColumn<QByteArray>("magic");
    QTest::addColumn<QByteArray>("decoder");
    QTest::newRow("png") << QByteArray("png") << QByteArray("\x89PNG") << QByteArray("png");
    QTest::newRow("PNG upper case")
        << QByteArray("PNG") << QByteArray("\x89PNG") << QByteArray("png");
    QTest::newRow("jpeg") << QByteArray("jpeg") << QByteArray("\xFF\xD8\xFF") << QByteArray("jpeg");
    QTest::newRow("jpg") << QByteArray("jpg") << QByteArray("\xFF\xD8\xFF") << QByteArray("jpeg");
    QTest::newRow("webp") << QByteArray("webp") << QByteArray("RIFF") << QByteArray("webp");
}

void TestOutputRenderer::encodeImageDecodesBack()
{
    // Each supported format produces a real file that a decoder reads back at the right size.
    QFETCH(QByteArray, format);
    QFETCH(QByteArray, magic);
    QFETCH(QByteArray, decoder);
    if (decoder == "webp" && !webpAvailable())
        QSKIP("the qwebp image format plugin is not installed");

    const QImage image
        = OutputRenderer::renderImage(QStringLiteral("sunset over hills"), 7, QSize(200, 120));
    const QByteArray bytes = OutputRenderer::encodeImage(image, format, 90);
    QVERIFY(bytes.startsWith(magic));
    QBuffer buffer;
    buffer.setData(bytes);
    QImageReader reader(&buffer, decoder);
    const QImage decoded = reader.read();
    QVERIFY2(!decoded.isNull(), qPrintable(reader.errorString()));
    QCOMPARE(decoded.size(), QSize(200, 120));
    QVERIFY2(meanDifference(image, decoded) < 6.0,
        qPrintable(QString::number(meanDifference(image, decoded))));
}

void TestOutputRenderer::encodeImageRejectsUnknownFormats()
{
    // Formats outside png/jpeg/webp, and a null image, give an empty array instead of a bad file.
    const QImage image = OutputRenderer::renderImage(QStringLiteral("x"), 1, QSize(16, 16));
    QVERIFY(OutputRenderer::encodeImage(image, "bmp").isEmpty());
    QVERIFY(OutputRenderer::encodeImage(image, "gif").isEmpty());
    QVERIFY(OutputRenderer::encodeImage(image, "").isEmpty());
    QVERIFY(OutputRenderer::encodeImage(image, QByteArray("png\0x", 5)).isEmpty());
    QVERIFY(OutputRenderer::encodeImage(QImage(), "png").isEmpty());
    QVERIFY(!OutputRenderer::encodeImage(image, "png", 1000)
                 .isEmpty()); // out-of-range quality is clamped
}

void TestOutputRenderer::formatNamesMapToMimeAndExtension()
{
    // The MIME type and extension tables agree with what encodeImage writes.
    QCOMPARE(OutputRenderer::mimeTypeForFormat("png"), QByteArray("image/png"));
    QCOMPARE(OutputRenderer::mimeTypeForFormat("jpeg"), QByteArray("image/jpeg"));
    QCOMPARE(OutputRenderer::mimeTypeForFormat("jpg"), QByteArray("image/jpeg"));
    QCOMPARE(OutputRenderer::mimeTypeForFormat("webp"), QByteArray("image/webp"));
    QCOMPARE(OutputRenderer::extensionForFormat("png"), QStringLiteral("png"));
    QCOMPARE(OutputRenderer::extensionForFormat("jpeg"), QStringLiteral("jpg"));
    QCOMPARE(OutputRenderer::extensionForFormat("jpg"), QStringLiteral("jpg"));
    QCOMPARE(OutputRenderer::extensionForFormat("webp"), QStringLiteral("webp"));
    QVERIFY(OutputRenderer::mimeTypeForFormat("tiff").isEmpty());
    QVERIFY(OutputRenderer::extensionForFormat("tiff").isEmpty());
}

void TestOutputRenderer::previewAtFullProgressEqualsFinal()
{
    // At progress 1.0 (or beyond) the preview is exactly the final image; early on it is not.
    const QString prompt = QStringLiteral("violet dream");
    const QSize size(160, 90);
    const QImage final = OutputRenderer::renderImage(prompt, 9, size);
    QVERIFY(OutputRenderer::renderPreview(prompt, 9, size, 1.0) == final);
    QVERIFY(OutputRenderer::renderPreview(prompt, 9, size, 7.5) == final);
    const QImage early = OutputRenderer::renderPreview(prompt, 9, size, 0.1);
    QCOMPARE(early.size(), size);
    QVERIFY(!(early == final));
    QVERIFY(OutputRenderer::renderPreview(prompt, 9, size, 0.1) == early);
}

void TestOutputRenderer::previewSharpensWithProgress()
{
    // Previews approach the final image as progress grows: coarse first, close at the end.
    const QString prompt = QStringLiteral("golden desert wind");
    const QSize size(128, 128);
    const QImage final = OutputRenderer::renderImage(prompt, 3, size);
    double previous = std::numeric_limits<double>::max();
    for (const double progress : { 0.0, 0.25, 0.5, 0.75, 0.95 }) {
        const double difference
            = meanDifference(OutputRenderer::renderPreview(prompt, 3, size, progress), final);
        QVERIFY2(difference < previous,
            qPrintable(QStringLiteral("%1 at %2").arg(difference).arg(progress)));
        previous = difference;
    }
    QVERIFY(meanDifference(OutputRenderer::renderPreview(prompt, 3, size, 0.0), final) > 8.0);
    QVERIFY(previous < 4.0);
}

void TestOutputRenderer::videoIsWellFormedMjpegAvi()
{
    // The AVI's RIFF tree, headers, 00dc chunks and idx1 index are consistent and hold JPEG frames.
    const int frames = 12;
    const QByteArray avi
        = OutputRenderer::renderVideo(QStringLiteral("neon city"), 5, QSize(161, 91), frames, 24);
    QVERIFY(avi.size() > 1000);
    QCOMPARE(fourCcAt(avi, 0), QByteArray("RIFF"));
    QCOMPARE(qsizetype(u32At(avi, 4)), avi.size() - 8);
    QCOMPARE(fourCcAt(avi, 8), QByteArray("AVI "));

    qsizetype hdrl = -1;
    qsizetype movi = -1; // position of the 'movi' fourcc
    qsizetype moviEnd = -1;
    qsizetype idx1 = -1;
    for (qsizetype at = 12; at + 8 <= avi.size();) {
        const QByteArray id = fourCcAt(avi, at);
        const quint32 size = u32At(avi, at + 4);
        QVERIFY(at + 8 + qsizetype(size) <= avi.size());
        if (id == "LIST" && fourCcAt(avi, at + 8) == "hdrl")
            hdrl = at + 12;
        if (id == "LIST" && fourCcAt(avi, at + 8) == "movi") {
            movi = at + 8;
            moviEnd = at + 8 + size;
        }
        if (id == "idx1")
            idx1 = at;
        at += 8 + size + (size % 2);
    }
    QVERIFY(hdrl > 0);
    QVERIFY(movi > 0);
    QVERIFY(idx1 > movi);

    QCOMPARE(fourCcAt(avi, hdrl), QByteArray("avih"));
    QCOMPARE(u32At(avi, hdrl + 4), 56u);
    const qsizetype avih = hdrl + 8;
    QCOMPARE(u32At(avi, avih + 0), quint32(1000000 / 24 + 1)); // µs per frame, rounded
    QVERIFY(u32At(avi, avih + 12) & 0x10); // AVIF_HASINDEX
    QCOMPARE(u32At(avi, avih + 16), quint32(frames));
    QCOMPARE(u32At(avi, avih + 24), 1u);
    QCOMPARE(u32At(avi, avih + 32), 161u);
    QCOMPARE(u32At(avi, avih + 36), 91u);

    const qsizetype strl = avih + 56;
    QCOMPARE(fourCcAt(avi, strl), QByteArray("LIST"));
    QCOMPARE(fourCcAt(avi, strl + 8), QByteArray("strl"));
    const qsizetype strh = strl + 12;
    QCOMPARE(fourCcAt(avi, strh), QByteArray("strh"));
    QCOMPARE(u32At(avi, strh + 4), 56u);
    QCOMPARE(fourCcAt(avi, strh + 8), QByteArray("vids"));
    QCOMPARE(fourCcAt(avi, strh + 12), QByteArray("MJPG"));
    QCOMPARE(u32At(avi, strh + 8 + 20), 1u); // dwScale
    QCOMPARE(u32At(avi, strh + 8 + 24), 24u); // dwRate
    QCOMPARE(u32At(avi, strh + 8 + 32), quint32(frames)); // dwLength
    QCOMPARE(u16At(avi, strh + 8 + 52), quint16(161)); // rcFrame.right
    const qsizetype strf = strh + 8 + 56;
    QCOMPARE(fourCcAt(avi, strf), QByteArray("strf"));
    QCOMPARE(u32At(avi, strf + 4), 40u);
    QCOMPARE(u32At(avi, strf + 8), 40u);
    QCOMPARE(u32At(avi, strf + 12), 161u);
    QCOMPARE(u32At(avi, strf + 16), 91u);
    QCOMPARE(fourCcAt(avi, strf + 24), QByteArray("MJPG"));

    QList<qsizetype> chunkOffsets;
    for (qsizetype at = movi + 4; at + 8 <= moviEnd;) {
        QCOMPARE(at % 2, 0);
        QCOMPARE(fourCcAt(avi, at), QByteArray("00dc"));
        const quint32 size = u32At(avi, at + 4);
        const QByteArray jpeg = avi.mid(at + 8, size);
        QVERIFY(jpeg.startsWith("\xFF\xD8"));
        QVERIFY(jpeg.endsWith("\xFF\xD9"));
        if (chunkOffsets.isEmpty()) {
            const QImage frame = QImage::fromData(jpeg, "JPEG");
            QCOMPARE(frame.size(), QSize(161, 91));
        }
        chunkOffsets.append(at);
        at += 8 + size + (size % 2);
    }
    QCOMPARE(chunkOffsets.size(), frames);

    const quint32 indexSize = u32At(avi, idx1 + 4);
    QCOMPARE(indexSize, quint32(16 * frames));
    for (int i = 0; i < frames; ++i) {
        const qsizetype entry = idx1 + 8 + 16 * i;
        QCOMPARE(fourCcAt(avi, entry), QByteArray("00dc"));
        QVERIFY(u32At(avi, entry + 4) & 0x10); // AVIIF_KEYFRAME
        QCOMPARE(movi + qsizetype(u32At(avi, entry + 8)), chunkOffsets.at(i));
        QCOMPARE(u32At(avi, entry + 12), u32At(avi, chunkOffsets.at(i) + 4));
    }
}

void TestOutputRenderer::videoIsDeterministicAndAnimated()
{
    // The same arguments give the same file, and consecutive frames really move.
    const QByteArray a
        = OutputRenderer::renderVideo(QStringLiteral("ice"), 8, QSize(96, 64), 6, 12);
    QCOMPARE(OutputRenderer::renderVideo(QStringLiteral("ice"), 8, QSize(96, 64), 6, 12), a);
    QVERIFY(OutputRenderer::renderVideo(QStringLiteral("ice"), 9, QSize(96, 64), 6, 12) != a);

    QList<QImage> decoded;
    for (const QByteArray &jpeg : framesOf(a))
        decoded.append(QImage::fromData(jpeg, "JPEG"));
    QCOMPARE(decoded.size(), 6);
    for (int i = 1; i < decoded.size(); ++i)
        QVERIFY(meanDifference(decoded.at(i - 1), decoded.at(i)) > 1.0);
}

void TestOutputRenderer::audioIsValidPcmWav_data()
{
    QTest::addColumn<int>("durationMs");
    QTest::addColumn<quint32>("samples");
    QTest::newRow("1 ms") << 1 << 22u;
    QTest::newRow("1 s") << 1000 << 22050u;
    QTest::newRow("2.5 s") << 2500 << 55125u;
    QTest::newRow("capped at 10 min") << 3600000 << 13230000u;
}

void TestOutputRenderer::audioIsValidPcmWav()
{
    // The WAV header describes mono 16-bit PCM at 22050 Hz and the data holds exactly the duration.
    QFETCH(int, durationMs);
    QFETCH(quint32, samples);
    const QByteArray wav = OutputRenderer::renderAudio(QStringLiteral("hello"), 4, durationMs);
    QCOMPARE(wav.left(4), QByteArray("RIFF"));
    QCOMPARE(qsizetype(u32At(wav, 4)), wav.size() - 8);
    QCOMPARE(wav.mid(8, 4), QByteArray("WAVE"));
    QCOMPARE(wav.mid(12, 4), QByteArray("fmt "));
    QCOMPARE(u32At(wav, 16), 16u);
    QCOMPARE(u16At(wav, 20), quint16(1)); // PCM
    QCOMPARE(u16At(wav, 22), quint16(1)); // mono
    QCOMPARE(u32At(wav, 24), 22050u);
    QCOMPARE(u32At(wav, 28), 44100u);
    QCOMPARE(u16At(wav, 32), quint16(2));
    QCOMPARE(u16At(wav, 34), quint16(16));
    QCOMPARE(wav.mid(36, 4), QByteArray("data"));
    QCOMPARE(u32At(wav, 40), samples * 2);
    QCOMPARE(wav.size(), qsizetype(44 + samples * 2));

    if (samples >= 22050) {
        // Not silence: somewhere in the first second the signal is loud.
        int peak = 0;
        for (qsizetype at = 44; at < 44 + 2 * 22050; at += 2)
            peak = std::max(peak, std::abs(int(qint16(u16At(wav, at)))));
        QVERIFY2(peak > 3000, qPrintable(QString::number(peak)));
    }
}

void TestOutputRenderer::audioIsDeterministic()
{
    // Audio reproduces from (text, seed) and changes when either changes.
    const QByteArray a = OutputRenderer::renderAudio(QStringLiteral("hello"), 4, 1500);
    QCOMPARE(OutputRenderer::renderAudio(QStringLiteral("hello"), 4, 1500), a);
    QVERIFY(OutputRenderer::renderAudio(QStringLiteral("hello"), 5, 1500) != a);
    QVERIFY(OutputRenderer::renderAudio(QStringLiteral("hullo"), 4, 1500) != a);
}

void TestOutputRenderer::captionsCoverDurationContiguously_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("durationMs");
    const QString sentence = QStringLiteral("the quick brown fox jumps over the lazy dog");
    const QString longText = QString(QStringLiteral("lorem ipsum dolor sit amet ")).repeated(400);
    for (const int duration : { 1, 999, 2000, 2001, 4000, 10000, 12345, 61000 }) {
        QTest::addRow("empty text, %d ms", duration) << QString() << duration;
        QTest::addRow("sentence, %d ms", duration) << sentence << duration;
        QTest::addRow("long text, %d ms", duration) << longText << duration;
    }
    QTest::newRow("one word, long clip") << QStringLiteral("hi") << 30000;
    QTest::newRow("whitespace only") << QStringLiteral(" \t\n ") << 5000;
    QTest::newRow("capped at 24 h") << sentence << std::numeric_limits<int>::max();
}

void TestOutputRenderer::captionsCoverDurationContiguously()
{
    // Cues number 1,2,…, tile [0, duration] with no gap or overlap, each 0.5–2 s long and with
    // text.
    QFETCH(QString, text);
    QFETCH(int, durationMs);
    const QJsonArray cues = OutputRenderer::captions(text, 11, durationMs);
    QVERIFY(!cues.isEmpty());
    const qint64 expectedEnd = std::min<qint64>(durationMs, 24LL * 3600 * 1000);
    qint64 cursor = 0;
    for (int i = 0; i < cues.size(); ++i) {
        const QJsonObject cue = cues.at(i).toObject();
        QCOMPARE(cue.value(QLatin1String("id")).toString(), QString::number(i + 1));
        const qint64 from = cue.value(QLatin1String("from")).toInteger();
        const qint64 to = cue.value(QLatin1String("to")).toInteger();
        QCOMPARE(from, cursor);
        QVERIFY(to > from);
        QVERIFY(to - from <= 2000);
        if (expectedEnd >= 500)
            QVERIFY2(to - from >= 500, "a cue too short to read"); // the tail is shared instead
        QVERIFY(!cue.value(QLatin1String("text")).toString().trimmed().isEmpty());
        QVERIFY(cue.value(QLatin1String("text")).toString().size() < 1000);
        cursor = to;
    }
    QCOMPARE(cursor, expectedEnd);
    if (expectedEnd >= 4000)
        QCOMPARE(cues.at(0).toObject().value(QLatin1String("to")).toInteger(),
            2000); // cues on a 2 s clock
    QCOMPARE(OutputRenderer::captions(text, 11, durationMs), cues);
}

void TestOutputRenderer::captionsCarryTheTextsWords()
{
    // When the text fits the clip, the cues read back as exactly its words, in order.
    const QString text = QStringLiteral("  one two\tthree\nfour five six seven eight nine ten  ");
    const QJsonArray cues = OutputRenderer::captions(text, 0, 6000);
    QCOMPARE(cues.size(), 3);
    QStringList words;
    for (const QJsonValue &cue : cues)
        words.append(cue.toObject().value(QLatin1String("text")).toString());
    QCOMPARE(words.join(QLatin1Char(' ')), text.simplified());

    // Empty text falls back to filler words that depend on the seed.
    QVERIFY(OutputRenderer::captions(QString(), 1, 6000)
        != OutputRenderer::captions(QString(), 2, 6000));
}

void TestOutputRenderer::srtMatchesCaptions()
{
    // captionsToSrt writes numbered cues with HH:MM:SS,mmm stamps equal to the JSON times.
    const QJsonArray cues = OutputRenderer::captions(QStringLiteral("a b c d e f g h"), 1, 3725500);
    const QString srt = QString::fromUtf8(OutputRenderer::captionsToSrt(cues));
    QVERIFY(srt.startsWith(QLatin1String("1\n00:00:00,000 --> 00:00:02,000\n")));
    QVERIFY(srt.endsWith(QLatin1String("\n\n")));
    const QStringList blocks = srt.trimmed().split(QLatin1String("\n\n"));
    QCOMPARE(blocks.size(), cues.size());
    static const QRegularExpression stamp(QStringLiteral(
        "^(\\d{2}):(\\d{2}):(\\d{2}),(\\d{3}) --> (\\d{2}):(\\d{2}):(\\d{2}),(\\d{3})$"));
    for (int i = 0; i < blocks.size(); ++i) {
        const QStringList lines = blocks.at(i).split(QLatin1Char('\n'));
        QVERIFY(lines.size() >= 3);
        QCOMPARE(lines.at(0), QString::number(i + 1));
        const QRegularExpressionMatch match = stamp.match(lines.at(1));
        QVERIFY2(match.hasMatch(), qPrintable(lines.at(1)));
        const auto ms = [&](int first) {
            return match.captured(first).toLongLong() * 3600000
                + match.captured(first + 1).toLongLong() * 60000
                + match.captured(first + 2).toLongLong() * 1000
                + match.captured(first + 3).toLongLong();
        };
        const QJsonObject cue = cues.at(i).toObject();
        QCOMPARE(ms(1), cue.value(QLatin1String("from")).toInteger());
        QCOMPARE(ms(5), cue.value(QLatin1String("to")).toInteger());
        QCOMPARE(lines.mid(2).join(QLatin1Char('\n')), cue.value(QLatin1String("text")).toString());
    }
    QVERIFY(srt.contains(QLatin1String("01:02:05,500\n")));
}

void TestOutputRenderer::srtSurvivesMalformedCues()
{
    // Odd cue objects never yield a broken SRT: no blank line inside a cue, times clamped at zero.
    QJsonArray cues;
    cues.append(QJsonValue(42));
    cues.append(QJsonObject { { QStringLiteral("from"), -500 }, { QStringLiteral("to"), 1000 },
        { QStringLiteral("text"), QStringLiteral("line one\r\n\r\nline two") } });
    cues.append(QJsonObject { { QStringLiteral("from"), 3000 }, { QStringLiteral("to"), 2000 },
        { QStringLiteral("text"), QStringLiteral("backwards") } });
    cues.append(
        QJsonObject { { QStringLiteral("from"), 1 }, { QStringLiteral("text"), QString() } });
    const QByteArray srt = OutputRenderer::captionsToSrt(cues);
    QCOMPARE(srt,
        QByteArray("1\n00:00:00,000 --> 00:00:01,000\nline one\nline two\n\n"
                   "2\n00:00:03,000 --> 00:00:03,000\nbackwards\n\n"));
    QVERIFY(OutputRenderer::captionsToSrt(QJsonArray()).isEmpty());
}

void TestOutputRenderer::hostileInputsNeverCrash()
{
    // Empty, huge and malformed inputs and out-of-range sizes give empty or capped results, no
    // crash.
    const QString empty;
    const QString huge(100 * 1024, QLatin1Char('x'));
    QString broken = QStringLiteral("bad ");
    broken.append(QChar(0xD800)); // lone high surrogate
    broken.append(QStringLiteral(" middle "));
    broken.append(QChar(0xDC00)); // lone low surrogate
    QString hugeWords;
    for (int i = 0; i < 20000; ++i)
        hugeWords += QStringLiteral("word ");

    for (const QString &text : { empty, huge, broken, hugeWords }) {
        QCOMPARE(OutputRenderer::renderImage(text, 1, QSize(32, 24)).size(), QSize(32, 24));
        QCOMPARE(OutputRenderer::renderPreview(text, 1, QSize(32, 24), 0.3).size(), QSize(32, 24));
        QVERIFY(!OutputRenderer::renderVideo(text, 1, QSize(32, 24), 2, 10).isEmpty());
        QCOMPARE(OutputRenderer::renderAudio(text, 1, 100).size(), qsizetype(44 + 2 * 2205));
        const QJsonArray cues = OutputRenderer::captions(text, 1, 5000);
        QCOMPARE(cues.size(), 3);
        const QByteArray srt = OutputRenderer::captionsToSrt(cues);
        QVERIFY(!srt.isEmpty());
        QVERIFY(QString::fromUtf8(srt).toUtf8() == srt); // valid UTF-8
    }
    QCOMPARE(OutputRenderer::renderImage(huge, 1, QSize(32, 24)),
        OutputRenderer::renderImage(huge, 1, QSize(32, 24)));
    QCOMPARE(OutputRenderer::renderImage(broken, 1, QSize(32, 24)),
        OutputRenderer::renderImage(broken, 1, QSize(32, 24)));

    for (const QSize size : { QSize(0, 0), QSize(-5, 10), QSize(10, -5), QSize(0, 100), QSize() }) {
        QVERIFY(OutputRenderer::renderImage(QStringLiteral("p"), 1, size).isNull());
        QVERIFY(OutputRenderer::renderPreview(QStringLiteral("p"), 1, size, 0.5).isNull());
        QVERIFY(OutputRenderer::renderVideo(QStringLiteral("p"), 1, size, 3, 10).isEmpty());
    }
    QCOMPARE(OutputRenderer::renderImage(QStringLiteral("p"), 1, QSize(100000, 3)).size(),
        QSize(4096, 3));
    QCOMPARE(OutputRenderer::renderPreview(QStringLiteral("p"), 1, QSize(1, 1), 0.5).size(),
        QSize(1, 1));
    QCOMPARE(OutputRenderer::renderVideo(QStringLiteral("p"), 1, QSize(1, 1), 1, 1).left(4),
        QByteArray("RIFF"));
    QCOMPARE(OutputRenderer::renderPreview(QStringLiteral("p"), 1, QSize(3, 100000), 0.0).size(),
        QSize(3, 4096));
    QCOMPARE(OutputRenderer::renderImage(
                 QStringLiteral("p"), std::numeric_limits<qint64>::min(), QSize(1, 1))
                 .size(),
        QSize(1, 1));

    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    for (const double progress : { nan, -inf, inf, -1.0, 0.0, 1e-300, 0.999999 })
        QCOMPARE(
            OutputRenderer::renderPreview(QStringLiteral("p"), 1, QSize(20, 10), progress).size(),
            QSize(20, 10));

    QVERIFY(OutputRenderer::renderVideo(QStringLiteral("p"), 1, QSize(16, 16), 0, 24).isEmpty());
    QVERIFY(OutputRenderer::renderVideo(QStringLiteral("p"), 1, QSize(16, 16), -3, 24).isEmpty());
    QVERIFY(OutputRenderer::renderVideo(QStringLiteral("p"), 1, QSize(16, 16), 3, 0).isEmpty());
    QVERIFY(OutputRenderer::renderVideo(QStringLiteral("p"), 1, QSize(16, 16), 3, -24).isEmpty());
    const QByteArray fast
        = OutputRenderer::renderVideo(QStringLiteral("p"), 1, QSize(16, 16), 2, 100000);
    QCOMPARE(u32At(fast, 32), quint32(1000000 / 120)); // fps capped at 120

    QVERIFY(OutputRenderer::renderAudio(QStringLiteral("p"), 1, 0).isEmpty());
    QVERIFY(OutputRenderer::renderAudio(QStringLiteral("p"), 1, -1000).isEmpty());
    QVERIFY(OutputRenderer::renderAudio(QStringLiteral("p"), 1, std::numeric_limits<int>::min())
                .isEmpty());
    QVERIFY(OutputRenderer::captions(QStringLiteral("p"), 1, 0).isEmpty());
    QVERIFY(OutputRenderer::captions(QStringLiteral("p"), 1, -1).isEmpty());
    QVERIFY(OutputRenderer::captionsToSrt(OutputRenderer::captions(QStringLiteral("p"), 1, 0))
                .isEmpty());
}

void TestOutputRenderer::concurrentCallsAgreeWithSerialOnes()
{
    // Calls from several pool threads at once give the same bytes as one call alone (re-entrancy).
    QList<qint64> seeds;
    for (qint64 seed = 0; seed < 12; ++seed)
        seeds.append(seed % 3);
    const auto work = [](qint64 seed) -> QByteArray {
        const QImage image
            = OutputRenderer::renderPreview(QStringLiteral("threads"), seed, QSize(96, 96), 0.4);
        return OutputRenderer::encodeImage(
                   OutputRenderer::renderImage(QStringLiteral("threads"), seed, QSize(96, 96)),
                   "jpeg")
            + OutputRenderer::encodeImage(image, "png")
            + OutputRenderer::renderVideo(QStringLiteral("threads"), seed, QSize(32, 32), 2, 8)
            + OutputRenderer::renderAudio(QStringLiteral("threads"), seed, 50);
    };
    const QList<QByteArray> parallel = QtConcurrent::blockingMapped(seeds, work);
    QCOMPARE(parallel.size(), seeds.size());
    for (int i = 0; i < seeds.size(); ++i)
        QCOMPARE(parallel.at(i), work(seeds.at(i)));
}

QTEST_GUILESS_MAIN(TestOutputRenderer)
#include "tst_outputrenderer.moc"
