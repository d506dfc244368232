#include "sandbox/outputproducer.h"

#include "sandbox/outputrenderer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <algorithm>

namespace Sandbox {

namespace {

bool writeFile(const QString &folder, const QString &name, const QByteArray &bytes,
    const QString &mime, OutputFile *out, QString *error)
{
    QSaveFile file(QDir(folder).filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(name, file.errorString());
        return false;
    }
    out->name = name;
    out->mimeType = mime;
    out->size = bytes.size();
    out->sha256 = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
    return true;
}

QSize requestedSize(const Job &job, int defaultW, int defaultH)
{
    const int w = std::clamp(job.input.value(QLatin1String("width")).toInt(defaultW), 16, 4096);
    const int h = std::clamp(job.input.value(QLatin1String("height")).toInt(defaultH), 16, 4096);
    return { w, h };
}

} // namespace

qint64 OutputProducer::seedOf(const Job &job)
{
    const QJsonValue v = job.input.value(QLatin1String("seed"));
    if (v.isDouble() && v.toDouble() >= 0)
        return qint64(v.toDouble());
    const QByteArray h = QCryptographicHash::hash(job.id.toUtf8(), QCryptographicHash::Sha1);
    qint64 seed = 0;
    for (int i = 0; i < 7; ++i)
        seed = (seed << 8) | quint8(h.at(i));
    return seed;
}

QString OutputProducer::promptOf(const Job &job)
{
    for (const char *key :
        { "prompt", "text", "title", "template", "image_url", "image", "video_url", "media_url" }) {
        const QString s = job.input.value(QLatin1String(key)).toString();
        if (!s.isEmpty())
            return s;
    }
    return job.task;
}

QByteArray OutputProducer::preview(const Job &job, double progress, int edge)
{
    const QSize full = requestedSize(job, 1024, 1024);
    QSize size = full.scaled(edge, edge, Qt::KeepAspectRatio);
    size = size.expandedTo(QSize(8, 8));
    const QImage img = OutputRenderer::renderPreview(promptOf(job), seedOf(job), size, progress);
    return OutputRenderer::encodeImage(img, "jpeg", 70);
}

OutputProducer::Result OutputProducer::produce(const Job &job, const QString &folder)
{
    Result r;
    if (!QDir().mkpath(folder)) {
        r.error = QStringLiteral("cannot create %1").arg(folder);
        return r;
    }
    const QString prompt = promptOf(job);
    const qint64 seed = seedOf(job);

    if (job.output == QLatin1String("image")) {
        if (job.dialect == Dialect::PeelApi) {
            const int count
                = std::clamp(job.input.value(QLatin1String("num_outputs")).toInt(1), 1, 4);
            const QSize size = requestedSize(job, 1024, 1024);
            for (int i = 0; i < count; ++i) {
                const QImage full = OutputRenderer::renderImage(prompt, seed + i, size);
                struct Variant
                {
                    const char *name;
                    int width;
                };
                for (const Variant v : { Variant { "w256", 256 }, Variant { "w512", 512 },
                         Variant { "w1024", 1024 }, Variant { "full", 0 } }) {
                    const QImage img = v.width ? full.scaledToWidth(std::min(v.width, size.width()),
                                           Qt::SmoothTransformation)
                                               : full;
                    const QString name = v.width
                        ? QStringLiteral("output_%1_%2.png").arg(i + 1).arg(QLatin1String(v.name))
                        : QStringLiteral("output_%1.png").arg(i + 1);
                    OutputFile f;
                    if (!writeFile(folder, name, OutputRenderer::encodeImage(img, "png", 90),
                            QStringLiteral("image/png"), &f, &r.error))
                        return r;
                    f.variant = QLatin1String(v.name);
                    f.index = i;
                    r.outputs.append(f);
                }
            }
            return r;
        }
        QByteArray format = "png";
        QSize size = requestedSize(job, 1024, 1024);
        if (job.dialect == Dialect::ImagePipeline) {
            format = job.input.value(QLatin1String("output_format"))
                         .toString(QStringLiteral("webp"))
                         .toLatin1();
            if (job.task.startsWith(QLatin1String("upscale"))) {
                const int scale
                    = std::clamp(job.input.value(QLatin1String("scale")).toInt(2), 1, 4);
                size = QSize(256 * scale, 256 * scale);
            }
        }
        // PNG at quality 90 means light zlib compression: ~20 ms instead of ~300 ms for 1024².
        const QByteArray bytes = OutputRenderer::encodeImage(
            OutputRenderer::renderImage(prompt, seed, size), format, format == "png" ? 90 : -1);
        if (bytes.isEmpty()) {
            r.error = QStringLiteral("cannot encode %1").arg(QString::fromLatin1(format));
            return r;
        }
        const QString name = (job.dialect == Dialect::ImagePipeline ? QStringLiteral("result.")
                                                                    : QStringLiteral("output."))
            + OutputRenderer::extensionForFormat(format);
        OutputFile f;
        if (writeFile(folder, name, bytes,
                QString::fromLatin1(OutputRenderer::mimeTypeForFormat(format)), &f, &r.error))
            r.outputs.append(f);
        return r;
    }

    if (job.output == QLatin1String("video")) {
        const int fps = std::clamp(job.input.value(QLatin1String("fps")).toInt(12), 1, 30);
        const int seconds
            = std::clamp(job.input.value(QLatin1String("duration_s")).toInt(10), 1, 600);
        const int frames
            = std::clamp(seconds * fps, 1, 96); // a short real clip, not the whole length
        const QSize size = requestedSize(job, 640, 360).boundedTo(QSize(640, 360));
        const QString op = job.task.section(QLatin1Char('/'), -1);
        const QString name = (op == QLatin1String("render") ? QStringLiteral("rendered-video-")
                                                            : op + QLatin1Char('-'))
            + job.id + QStringLiteral(".avi");
        OutputFile f;
        if (writeFile(folder, name, OutputRenderer::renderVideo(prompt, seed, size, frames, fps),
                QStringLiteral("video/x-msvideo"), &f, &r.error))
            r.outputs.append(f);
        return r;
    }

    if (job.output == QLatin1String("audio")) {
        const QString text = job.input.value(QLatin1String("text")).toString();
        const int ms = std::clamp(int(text.size()) * 60, 500, 20000);
        OutputFile f;
        if (writeFile(folder, QStringLiteral("output.wav"),
                OutputRenderer::renderAudio(text, seed, ms), QStringLiteral("audio/wav"), &f,
                &r.error))
            r.outputs.append(f);
        return r;
    }

    if (job.output == QLatin1String("captions")) {
        const int seconds
            = std::clamp(job.input.value(QLatin1String("duration_s")).toInt(20), 1, 7200);
        r.captions = OutputRenderer::captions(
            job.input.value(QLatin1String("script")).toString(), seed, seconds * 1000);
        return r;
    }
    return r; // "api": Peel builds publish a contract, not files
}

} // namespace Sandbox
