#include "sandbox/outputrenderer.h"

#include "sandbox/aviwriter.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QImageWriter>
#include <QJsonObject>
#include <QLinearGradient>
#include <QPainter>
#include <QPainterPath>
#include <QRadialGradient>
#include <QStringList>
#include <QtEndian>
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <vector>

namespace Sandbox {

namespace {

// Hostile sizes are capped rather than refused; the caps keep one call's memory and time bounded.
constexpr int kMaxSide = 4096;
constexpr int kMaxVideoFrames = 1800;
constexpr int kMaxFps = 120;
constexpr qsizetype kMaxVideoBytes = qsizetype(1) << 30; // far below the 4 GiB RIFF limit
constexpr int kVideoJpegQuality = 80;
constexpr int kSampleRate = 22050;
constexpr int kMaxAudioMs = 10 * 60 * 1000;
constexpr int kMaxCaptionMs = 24 * 60 * 60 * 1000;
constexpr int kCueMs = 2000;
constexpr int kMinCueMs = 500;
constexpr int kMaxWordsPerCue = 12;
constexpr int kMaxWordLength = 48;
constexpr int kPromptScanLength = 4096;
// The coarsest preview is rendered at this fraction of the final size.
constexpr double kCoarsestPreview = 1.0 / 48.0;
constexpr double kTau = 2.0 * std::numbers::pi;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness. SplitMix64 is fully specified (unlike std distributions, whose output
// differs between standard libraries), so a seed reproduces the same picture everywhere.

quint64 nextRandom(quint64 &state)
{
    state += 0x9E3779B97F4A7C15ull;
    quint64 z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double between(quint64 &state, double low, double high)
{
    const double unit = double(nextRandom(state) >> 11) * 0x1.0p-53;
    return low + (high - low) * unit;
}

int below(quint64 &state, int bound)
{
    return bound <= 0 ? 0 : int(nextRandom(state) % quint64(bound));
}

bool chance(quint64 &state, double probability)
{
    return between(state, 0.0, 1.0) < probability;
}

// A stable 64-bit seed for (text, seed). `domain` keeps image, audio and captions independent.
// Invalid UTF-16 is converted the same way every time, so it hashes deterministically too.
quint64 stableSeed(QByteArrayView domain, const QString &text, qint64 seed)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(domain);
    hash.addData(text.toUtf8());
    char seedBytes[8];
    qToLittleEndian(quint64(seed), seedBytes);
    hash.addData(QByteArrayView(seedBytes, sizeof seedBytes));
    return qFromLittleEndian<quint64>(hash.result().constData());
}

// ---------------------------------------------------------------------------------------------
// The composition: everything random is decided once, in normalised coordinates, so the same
// composition can be painted at any size (the preview paints it small) and at any animation phase.

struct Blob
{
    QPointF centre;
    double radius = 0; // fraction of the shorter side
    QColor colour;
    QPointF drift;
    double phase = 0;
    bool luminous = false;
};

struct Band
{
    std::array<QPointF, 4> points; // cubic curve in a unit square around the centre
    double rotation = 0;
    double width = 0;
    QColor from;
    QColor to;
    double drift = 0;
    double phase = 0;
};

struct Ring
{
    QPointF centre;
    double radius = 0;
    double width = 0;
    QColor colour;
    double phase = 0;
};

struct Dot
{
    QPointF centre;
    double radius = 0;
    QColor colour;
    double phase = 0;
};

struct Composition
{
    quint64 key = 0;
    QColor skyFrom;
    QColor skyMid;
    QColor skyTo;
    double skyAngle = 0;
    std::vector<Blob> blobs;
    std::vector<Band> bands;
    std::vector<Ring> rings;
    std::vector<Dot> dots;
    double vignette = 0;
};

struct HueHint
{
    const char *word;
    double hue;
    double brightness;
};

// Words that steer the palette, so "ocean" looks blue and "night" looks dark.
constexpr std::array kHueHints = {
    HueHint { "ocean", 205, 1.0 },
    HueHint { "sea", 200, 1.0 },
    HueHint { "water", 195, 1.0 },
    HueHint { "blue", 215, 1.0 },
    HueHint { "sky", 205, 1.0 },
    HueHint { "ice", 190, 1.05 },
    HueHint { "snow", 200, 1.1 },
    HueHint { "winter", 200, 1.05 },
    HueHint { "forest", 125, 0.9 },
    HueHint { "green", 120, 1.0 },
    HueHint { "leaf", 100, 1.0 },
    HueHint { "moss", 95, 0.9 },
    HueHint { "sunset", 22, 1.0 },
    HueHint { "orange", 30, 1.0 },
    HueHint { "fire", 12, 1.0 },
    HueHint { "autumn", 28, 0.95 },
    HueHint { "red", 355, 1.0 },
    HueHint { "rose", 340, 1.0 },
    HueHint { "pink", 330, 1.05 },
    HueHint { "flower", 320, 1.0 },
    HueHint { "gold", 45, 1.05 },
    HueHint { "sun", 42, 1.1 },
    HueHint { "desert", 35, 1.05 },
    HueHint { "yellow", 52, 1.1 },
    HueHint { "purple", 280, 1.0 },
    HueHint { "violet", 270, 1.0 },
    HueHint { "dream", 290, 1.0 },
    HueHint { "night", 240, 0.55 },
    HueHint { "space", 250, 0.5 },
    HueHint { "galaxy", 265, 0.55 },
    HueHint { "dark", 230, 0.5 },
    HueHint { "neon", 300, 1.1 },
};

// Hue offsets of the five palette entries: analogous, complementary, triadic, split.
constexpr std::array<std::array<double, 5>, 4> kSchemes = { {
    { 0, 28, -28, 56, -56 },
    { 0, 180, 22, 202, -22 },
    { 0, 120, 240, 30, 150 },
    { 0, 150, 210, -30, 30 },
} };

const HueHint *hintFor(const QString &prompt)
{
    // Only the start of a long prompt is scanned: it describes the subject, and it bounds the cost.
    const QString head = prompt.left(kPromptScanLength).toLower();
    const HueHint *best = nullptr;
    qsizetype bestAt = head.size();
    for (const HueHint &hint : kHueHints) {
        qsizetype at = head.indexOf(QLatin1String(hint.word));
        // Only at the start of a word, so "covered" does not read as "red" nor "nice" as "ice".
        while (at > 0 && head.at(at - 1).isLetter())
            at = head.indexOf(QLatin1String(hint.word), at + 1);
        if (at >= 0 && at < bestAt) {
            best = &hint;
            bestAt = at;
        }
    }
    return best;
}

QColor hsv(double hue, double saturation, double value, double alpha = 1.0)
{
    hue = std::fmod(hue, 360.0);
    if (hue < 0)
        hue += 360.0;
    return QColor::fromHsvF(float(hue / 360.0), float(std::clamp(saturation, 0.0, 1.0)),
        float(std::clamp(value, 0.0, 1.0)), float(std::clamp(alpha, 0.0, 1.0)));
}

QColor withAlpha(QColor colour, double alpha)
{
    colour.setAlphaF(float(std::clamp(alpha, 0.0, 1.0)));
    return colour;
}

Composition compose(const QString &prompt, qint64 seed)
{
    Composition c;
    quint64 rng = stableSeed("jobscope-image-v1", prompt, seed);
    c.key = rng;

    const HueHint *hint = hintFor(prompt);
    const double baseHue = hint ? hint->hue + between(rng, -14, 14) : between(rng, 0, 360);
    const double brightness = hint ? hint->brightness : between(rng, 0.8, 1.05);
    const auto &scheme = kSchemes[size_t(below(rng, int(kSchemes.size())))];

    std::array<QColor, 5> palette;
    for (size_t i = 0; i < palette.size(); ++i) {
        palette[i] = hsv(baseHue + scheme[i] + between(rng, -8, 8), between(rng, 0.45, 0.85),
            between(rng, 0.62, 0.96) * brightness);
    }
    const auto pick = [&]() {
        return palette[size_t(below(rng, int(palette.size())))];
    };

    c.skyFrom
        = hsv(baseHue + scheme[1], between(rng, 0.5, 0.8), between(rng, 0.12, 0.28) * brightness);
    c.skyMid = hsv(baseHue, between(rng, 0.45, 0.75), between(rng, 0.38, 0.6) * brightness);
    c.skyTo
        = hsv(baseHue + scheme[2], between(rng, 0.25, 0.55), between(rng, 0.7, 0.92) * brightness);
    c.skyAngle = between(rng, 0, kTau);

    const int blobCount = 5 + below(rng, 4);
    for (int i = 0; i < blobCount; ++i) {
        Blob blob;
        blob.centre = QPointF(between(rng, 0.05, 0.95), between(rng, 0.05, 0.95));
        blob.radius = between(rng, 0.18, 0.55);
        blob.colour = pick();
        blob.drift = QPointF(between(rng, -0.12, 0.12), between(rng, -0.12, 0.12));
        blob.phase = between(rng, 0, kTau);
        blob.luminous = chance(rng, 0.4);
        c.blobs.push_back(blob);
    }

    const int bandCount = 1 + below(rng, 3);
    const double bandRotation = between(rng, -0.9, 0.9); // bands roughly follow one direction
    for (int i = 0; i < bandCount; ++i) {
        Band band;
        const double y0 = between(rng, 0.2, 0.8);
        const double y3 = between(rng, 0.2, 0.8);
        band.points = { QPointF(-0.1, y0), QPointF(0.33, y0 + between(rng, -0.4, 0.4)),
            QPointF(0.66, y3 + between(rng, -0.4, 0.4)), QPointF(1.1, y3) };
        band.rotation = bandRotation + between(rng, -0.25, 0.25);
        band.width = between(rng, 0.015, 0.08);
        band.from = withAlpha(pick().lighter(115), between(rng, 0.45, 0.75));
        band.to = withAlpha(pick(), between(rng, 0.3, 0.65));
        band.drift = between(rng, 0.05, 0.15);
        band.phase = between(rng, 0, kTau);
        c.bands.push_back(band);
    }

    const int ringCount = below(rng, 4);
    for (int i = 0; i < ringCount; ++i) {
        Ring ring;
        ring.centre = QPointF(between(rng, 0.15, 0.85), between(rng, 0.15, 0.85));
        ring.radius = between(rng, 0.06, 0.3);
        ring.width = between(rng, 0.003, 0.012);
        ring.colour = withAlpha(pick().lighter(140), between(rng, 0.45, 0.8));
        ring.phase = between(rng, 0, kTau);
        c.rings.push_back(ring);
    }

    const int dotCount = 6 + below(rng, 15);
    for (int i = 0; i < dotCount; ++i) {
        Dot dot;
        dot.centre = QPointF(between(rng, 0.02, 0.98), between(rng, 0.02, 0.98));
        dot.radius = between(rng, 0.004, 0.02);
        dot.colour = withAlpha(pick().lighter(150), between(rng, 0.55, 0.9));
        dot.phase = between(rng, 0, kTau);
        c.dots.push_back(dot);
    }

    c.vignette = between(rng, 0.25, 0.5);
    return c;
}

// Paints `c` at phase `t` (radians; 0 for a still picture, one loop per 2π for video).
QImage paint(const Composition &c, QSize size, double t)
{
    QImage image(size, QImage::Format_RGB32);
    if (image.isNull())
        return {};

    const double w = size.width();
    const double h = size.height();
    const double unit = std::min(w, h);
    const QPointF middle(w / 2, h / 2);
    const auto at = [w, h](QPointF p) {
        return QPointF(p.x() * w, p.y() * h);
    };

    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);

    const double angle = c.skyAngle + 0.25 * std::sin(t);
    const QPointF direction(std::cos(angle), std::sin(angle));
    const double reach = 0.5 * (std::abs(direction.x()) * w + std::abs(direction.y()) * h);
    QLinearGradient sky(middle - direction * reach, middle + direction * reach);
    sky.setColorAt(0.0, c.skyFrom);
    sky.setColorAt(0.55, c.skyMid);
    sky.setColorAt(1.0, c.skyTo);
    painter.fillRect(image.rect(), sky);

    for (const Blob &blob : c.blobs) {
        const QPointF centre = at(blob.centre + blob.drift * std::sin(t + blob.phase));
        const double radius = blob.radius * unit * (1.0 + 0.08 * std::sin(t + 2 * blob.phase));
        if (radius <= 0.0)
            continue;
        QRadialGradient glow(centre, radius);
        glow.setColorAt(0.0, withAlpha(blob.colour, 0.8));
        glow.setColorAt(0.45, withAlpha(blob.colour, 0.42));
        glow.setColorAt(1.0, withAlpha(blob.colour, 0.0));
        painter.setCompositionMode(blob.luminous ? QPainter::CompositionMode_Screen
                                                 : QPainter::CompositionMode_SourceOver);
        painter.setBrush(glow);
        painter.drawEllipse(centre, radius, radius);
    }
    painter.setCompositionMode(QPainter::CompositionMode_SourceOver);
    painter.setBrush(Qt::NoBrush);

    const double span = 1.2 * std::max(w, h);
    for (const Band &band : c.bands) {
        const double sway = band.drift * std::sin(t + band.phase);
        std::array<QPointF, 4> p = band.points;
        p[1].ry() += sway;
        p[2].ry() -= sway;
        const double cosR = std::cos(band.rotation);
        const double sinR = std::sin(band.rotation);
        for (QPointF &point : p) {
            const QPointF local = (point - QPointF(0.5, 0.5)) * span;
            point = middle
                + QPointF(local.x() * cosR - local.y() * sinR, local.x() * sinR + local.y() * cosR);
        }
        QPainterPath path(p[0]);
        path.cubicTo(p[1], p[2], p[3]);

        // A wide faint stroke under a narrow one reads as a soft glowing ribbon.
        QLinearGradient halo(p[0], p[3]);
        halo.setColorAt(0.0, withAlpha(band.from, band.from.alphaF() * 0.22));
        halo.setColorAt(1.0, withAlpha(band.to, band.to.alphaF() * 0.22));
        painter.setPen(QPen(QBrush(halo), band.width * 3.5 * unit, Qt::SolidLine, Qt::RoundCap));
        painter.drawPath(path);

        QLinearGradient core(p[0], p[3]);
        core.setColorAt(0.0, band.from);
        core.setColorAt(1.0, band.to);
        painter.setPen(QPen(QBrush(core), band.width * unit, Qt::SolidLine, Qt::RoundCap));
        painter.drawPath(path);
    }

    for (const Ring &ring : c.rings) {
        const double radius = ring.radius * unit * (1.0 + 0.15 * std::sin(t + ring.phase));
        painter.setPen(QPen(ring.colour, std::max(0.5, ring.width * unit)));
        painter.drawEllipse(at(ring.centre), radius, radius);
    }

    painter.setPen(Qt::NoPen);
    for (const Dot &dot : c.dots) {
        const double twinkle = 0.65 + 0.35 * std::sin(2 * t + dot.phase);
        painter.setBrush(withAlpha(dot.colour, dot.colour.alphaF() * twinkle));
        const double radius = dot.radius * unit;
        painter.drawEllipse(at(dot.centre), radius, radius);
    }

    const double corner = std::hypot(w, h) / 2;
    QRadialGradient vignette(middle, corner);
    vignette.setColorAt(0.0, QColor(0, 0, 0, 0));
    vignette.setColorAt(0.6, QColor(0, 0, 0, 0));
    vignette.setColorAt(1.0, withAlpha(QColor(0, 0, 0), c.vignette));
    painter.fillRect(image.rect(), vignette);

    painter.end();
    return image;
}

// Luminance grain that fades out as a preview sharpens, like the noise of a diffusion run.
void addGrain(QImage &image, quint64 key, int amplitude)
{
    if (amplitude <= 0)
        return;
    const auto salt = quint32(key ^ (key >> 32));
    for (int y = 0; y < image.height(); ++y) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
        for (int x = 0; x < image.width(); ++x) {
            quint32 n = quint32(x) * 0x9E3779B1u ^ quint32(y) * 0x85EBCA77u ^ salt;
            n ^= n >> 15;
            n *= 0x2C1B3C6Du;
            n ^= n >> 12;
            const int delta = (int(n & 0xFF) - 128) * amplitude / 128;
            const QRgb px = line[x];
            line[x] = qRgb(std::clamp(qRed(px) + delta, 0, 255),
                std::clamp(qGreen(px) + delta, 0, 255), std::clamp(qBlue(px) + delta, 0, 255));
        }
    }
}

QSize boundedSize(QSize size)
{
    if (size.width() <= 0 || size.height() <= 0)
        return {};
    return { std::min(size.width(), kMaxSide), std::min(size.height(), kMaxSide) };
}

// "jpg" and "jpeg" are one format; names are case-insensitive. Empty for unsupported names.
QByteArray canonicalFormat(const QByteArray &format)
{
    const QByteArray name = format.trimmed().toLower();
    if (name == "png" || name == "webp" || name == "jpeg")
        return name;
    if (name == "jpg")
        return QByteArrayLiteral("jpeg");
    return {};
}

void appendU32(QByteArray &out, quint32 value)
{
    char bytes[4];
    qToLittleEndian(value, bytes);
    out.append(bytes, 4);
}

void appendU16(QByteArray &out, quint16 value)
{
    char bytes[2];
    qToLittleEndian(value, bytes);
    out.append(bytes, 2);
}

// ---------------------------------------------------------------------------------------------
// Captions

constexpr std::array kFillerWords = {
    "soft",
    "light",
    "drifts",
    "over",
    "quiet",
    "water",
    "amber",
    "glow",
    "slowly",
    "rises",
    "through",
    "morning",
    "haze",
    "silver",
    "clouds",
    "gather",
    "gently",
    "above",
    "distant",
    "hills",
    "warm",
    "wind",
    "carries",
    "echoes",
    "of",
    "the",
    "city",
    "as",
    "evening",
    "colours",
    "fade",
    "away",
};

// Splits into words, cutting absurdly long "words" (a 100 KB run without spaces) to a readable
// length without splitting a surrogate pair.
QStringList wordsOf(const QString &text)
{
    // Round-tripping through UTF-8 replaces unpaired surrogates, so the JSON and SRT are valid.
    const QString clean = QString::fromUtf8(text.toUtf8()).simplified();
    QStringList words = clean.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (QString &word : words) {
        if (word.size() > kMaxWordLength) {
            qsizetype cut = kMaxWordLength;
            if (word.at(cut - 1).isHighSurrogate())
                --cut;
            word.truncate(cut);
        }
    }
    return words;
}

// Where cue `index` of `count` starts (index == count gives the end). Cues are 2 s on the clock;
// a remainder too short to read (< 0.5 s) is shared with the cue before it instead.
qint64 cueStart(qint64 index, qint64 count, qint64 duration)
{
    if (index >= count)
        return duration;
    const qint64 lastFullEnd = (count - 1) * kCueMs;
    if (count >= 2 && index == count - 1 && duration - lastFullEnd < kMinCueMs) {
        const qint64 tailStart = (count - 2) * kCueMs;
        return tailStart + (duration - tailStart) / 2;
    }
    return index * kCueMs;
}

QString srtTimestamp(qint64 ms)
{
    ms = std::clamp<qint64>(ms, 0, 99LL * 3600 * 1000 + 59 * 60 * 1000 + 59 * 1000 + 999);
    const QLatin1Char zero('0');
    return QStringLiteral("%1:%2:%3,%4")
        .arg(ms / 3600000, 2, 10, zero)
        .arg((ms / 60000) % 60, 2, 10, zero)
        .arg((ms / 1000) % 60, 2, 10, zero)
        .arg(ms % 1000, 3, 10, zero);
}

// Cue text on lines of its own; a blank line would end the SRT cue early.
QString srtText(const QString &text)
{
    QString unified = text;
    unified.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    unified.replace(QLatin1Char('\r'), QLatin1Char('\n'));
    QStringList lines;
    for (const QString &line : unified.split(QLatin1Char('\n'))) {
        const QString trimmed = line.trimmed();
        if (!trimmed.isEmpty())
            lines.append(trimmed);
    }
    return lines.join(QLatin1Char('\n'));
}

qint64 millisecondsOf(const QJsonValue &value)
{
    const double ms = value.toDouble();
    if (!std::isfinite(ms))
        return 0;
    return qint64(std::llround(std::clamp(ms, 0.0, 1e12)));
}

} // namespace

// -------------------------------------------------------------------------------------------------

QImage OutputRenderer::renderImage(const QString &prompt, qint64 seed, QSize size)
{
    const QSize bounded = boundedSize(size);
    if (bounded.isEmpty())
        return {};
    return paint(compose(prompt, seed), bounded, 0.0);
}

QImage OutputRenderer::renderPreview(
    const QString &prompt, qint64 seed, QSize size, double progress)
{
    const QSize bounded = boundedSize(size);
    if (bounded.isEmpty())
        return {};
    const double p = std::isnan(progress) ? 0.0 : std::clamp(progress, 0.0, 1.0);
    if (p >= 1.0)
        return renderImage(prompt, seed, size);

    // Painting the composition small and scaling it up smoothly is both the coarse look and the
    // reason previews are cheap; detail grows geometrically, as it seems to in a diffusion run.
    const Composition c = compose(prompt, seed);
    const double scale = std::pow(kCoarsestPreview, 1.0 - p);
    const QSize coarse(std::max(2, int(std::lround(bounded.width() * scale))),
        std::max(2, int(std::lround(bounded.height() * scale))));
    QImage image = paint(c, coarse.boundedTo(bounded), 0.0);
    if (image.isNull())
        return {};
    if (image.size() != bounded) {
        image = image.scaled(bounded, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                    .convertToFormat(QImage::Format_RGB32);
    }
    addGrain(image, c.key, int(std::lround(40.0 * (1.0 - p) * (1.0 - p))));
    return image;
}

QByteArray OutputRenderer::encodeImage(const QImage &image, const QByteArray &format, int quality)
{
    const QByteArray name = canonicalFormat(format);
    if (name.isEmpty() || image.isNull())
        return {};

    QByteArray bytes;
    QBuffer buffer(&bytes);
    if (!buffer.open(QIODevice::WriteOnly))
        return {};
    QImageWriter writer(&buffer, name);
    writer.setQuality(std::clamp(quality, -1, 100));
    if (!writer.write(image))
        return {};
    buffer.close();
    return bytes;
}

QByteArray OutputRenderer::mimeTypeForFormat(const QByteArray &format)
{
    const QByteArray name = canonicalFormat(format);
    if (name.isEmpty())
        return {};
    return "image/" + name;
}

QString OutputRenderer::extensionForFormat(const QByteArray &format)
{
    const QByteArray name = canonicalFormat(format);
    if (name == "jpeg")
        return QStringLiteral("jpg");
    return QString::fromLatin1(name);
}

QByteArray OutputRenderer::renderVideo(
    const QString &title, qint64 seed, QSize size, int frames, int fps)
{
    const QSize bounded = boundedSize(size);
    if (bounded.isEmpty() || frames <= 0 || fps <= 0)
        return {};
    frames = std::min(frames, kMaxVideoFrames);
    fps = std::min(fps, kMaxFps);

    const Composition c = compose(title, seed);
    AviWriter avi(bounded, fps);
    for (int i = 0; i < frames; ++i) {
        // One full animation cycle over the clip, so it loops without a jump.
        const QImage frame = paint(c, bounded, kTau * i / frames);
        const QByteArray jpeg = encodeImage(frame, "jpeg", kVideoJpegQuality);
        if (jpeg.isEmpty())
            return {};
        if (avi.byteSize() + jpeg.size() + 32 > kMaxVideoBytes)
            break; // a shorter, valid clip rather than a file whose 32-bit sizes overflow
        avi.addFrame(jpeg);
    }
    return avi.finish();
}

QJsonArray OutputRenderer::captions(const QString &text, qint64 seed, int durationMs)
{
    if (durationMs <= 0)
        return {};
    const qint64 duration = std::min(durationMs, kMaxCaptionMs);
    const qint64 cueCount = (duration + kCueMs - 1) / kCueMs;

    QStringList words = wordsOf(text);
    quint64 rng = stableSeed("jobscope-captions-v1", text, seed);
    const auto wordCount = qint64(words.size());

    QJsonArray cues;
    for (qint64 i = 0; i < cueCount; ++i) {
        QStringList cueWords;
        if (wordCount == 0) {
            const int n = 3 + below(rng, 4);
            for (int k = 0; k < n; ++k)
                cueWords.append(
                    QLatin1String(kFillerWords[size_t(below(rng, int(kFillerWords.size())))]));
        } else if (wordCount < cueCount) {
            // Too few words for every cue to have its own: the text repeats, one word per cue.
            cueWords.append(words.at(i % wordCount));
        } else {
            // Words spread evenly; text far longer than the clip can voice is cut off.
            const qint64 used = std::min(wordCount, cueCount * kMaxWordsPerCue);
            for (qint64 k = i * used / cueCount; k < (i + 1) * used / cueCount; ++k)
                cueWords.append(words.at(k));
        }
        QJsonObject cue;
        cue.insert(QLatin1String("id"), QString::number(i + 1));
        cue.insert(QLatin1String("from"), cueStart(i, cueCount, duration));
        cue.insert(QLatin1String("to"), cueStart(i + 1, cueCount, duration));
        cue.insert(QLatin1String("text"), cueWords.join(QLatin1Char(' ')));
        cues.append(cue);
    }
    return cues;
}

QByteArray OutputRenderer::captionsToSrt(const QJsonArray &captions)
{
    QString srt;
    int number = 0;
    for (const QJsonValue &value : captions) {
        const QJsonObject cue = value.toObject();
        const QString text = srtText(cue.value(QLatin1String("text")).toString());
        if (text.isEmpty())
            continue; // an empty cue cannot be written: its blank line would end it
        const qint64 from = millisecondsOf(cue.value(QLatin1String("from")));
        const qint64 to = std::max(from, millisecondsOf(cue.value(QLatin1String("to"))));
        // Renumbered: SubRip wants 1, 2, 3… whatever ids the JSON carried.
        srt += QString::number(++number) + QLatin1Char('\n') + srtTimestamp(from)
            + QLatin1String(" --> ") + srtTimestamp(to) + QLatin1Char('\n') + text
            + QLatin1String("\n\n");
    }
    return srt.toUtf8();
}

QByteArray OutputRenderer::renderAudio(const QString &text, qint64 seed, int durationMs)
{
    if (durationMs <= 0)
        return {};
    const qint64 samples = (qint64(std::min(durationMs, kMaxAudioMs)) * kSampleRate + 500) / 1000;
    const auto dataBytes = quint32(samples * 2);

    QByteArray wav;
    wav.reserve(44 + qsizetype(dataBytes));
    wav.append("RIFF", 4);
    appendU32(wav, 36 + dataBytes);
    wav.append("WAVE", 4);
    wav.append("fmt ", 4);
    appendU32(wav, 16);
    appendU16(wav, 1); // PCM
    appendU16(wav, 1); // mono
    appendU32(wav, kSampleRate);
    appendU32(wav, kSampleRate * 2); // byte rate
    appendU16(wav, 2); // block align
    appendU16(wav, 16); // bits per sample
    wav.append("data", 4);
    appendU32(wav, dataBytes);

    // A short pentatonic melody over a low drone: pleasant, and audibly different per seed.
    constexpr std::array kPentatonic = { 1.0, 9.0 / 8.0, 5.0 / 4.0, 3.0 / 2.0, 5.0 / 3.0, 2.0 };
    quint64 rng = stableSeed("jobscope-audio-v1", text, seed);
    const double root = between(rng, 196.0, 330.0);
    const double beatSeconds = between(rng, 0.18, 0.36);
    const qint64 beatSamples = std::max<qint64>(1, std::llround(beatSeconds * kSampleRate));
    const double decay = 3.0 / beatSeconds; // a note has faded to ~5% when the next one starts
    const double fadeSamples = 0.015 * kSampleRate;

    double noteFrequency = 0;
    double notePhase = 0;
    double dronePhase = 0;
    const double droneStep = kTau * root / 2 / kSampleRate;
    for (qint64 i = 0; i < samples; ++i) {
        const qint64 inNote = i % beatSamples;
        if (inNote == 0) {
            const bool rest = chance(rng, 0.15);
            const double octave = chance(rng, 0.2) ? 2.0 : 1.0;
            noteFrequency = rest
                ? 0.0
                : root * kPentatonic[size_t(below(rng, int(kPentatonic.size())))] * octave;
            notePhase = 0; // the attack starts from silence, so restarting the phase cannot click
        }
        const double local = double(inNote) / kSampleRate;
        const double envelope = std::min(1.0, local / 0.01) * std::exp(-local * decay);
        double value = 0.0;
        if (noteFrequency > 0) {
            value += 0.42 * envelope * (std::sin(notePhase) + 0.3 * std::sin(2 * notePhase));
            notePhase += kTau * noteFrequency / kSampleRate;
        }
        value += 0.1 * std::sin(dronePhase)
            * (0.75 + 0.25 * std::sin(kTau * 0.25 * double(i) / kSampleRate));
        dronePhase = std::fmod(dronePhase + droneStep, kTau);

        const double edge = double(std::min(i, samples - 1 - i));
        value *= std::min(1.0, edge / fadeSamples);
        appendU16(wav, quint16(qint16(std::lround(std::clamp(value, -1.0, 1.0) * 32767.0))));
    }
    return wav;
}

} // namespace Sandbox
