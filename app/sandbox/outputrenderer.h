#pragma once

#include <QByteArray>
#include <QImage>
#include <QJsonArray>
#include <QSize>
#include <QString>

namespace Sandbox {

// Produces the sandbox's real output files. Pure and re-entrant: no QObject, no I/O, safe to call
// from worker threads at once. Every function is deterministic: the same arguments give the same
// bytes, so a seed reproduces a result exactly.
class OutputRenderer final
{
public:
    // An abstract picture composed from the prompt and the seed (no text: a QCoreApplication has no
    // fonts). Different prompts or seeds give visibly different pictures.
    static QImage renderImage(const QString &prompt, qint64 seed, QSize size);

    // The same composition as renderImage at `progress` (0..1): coarse and blurred at the start,
    // progressively sharper, equal to renderImage at 1.0.
    static QImage renderPreview(const QString &prompt, qint64 seed, QSize size, double progress);

    // Encodes as "png", "jpeg" or "webp"; returns an empty array for any other format.
    static QByteArray encodeImage(const QImage &image, const QByteArray &format, int quality = -1);

    // MIME type and file extension for an image format name ("png", "jpeg"/"jpg", "webp").
    static QByteArray mimeTypeForFormat(const QByteArray &format);
    static QString extensionForFormat(const QByteArray &format);

    // A playable Motion-JPEG AVI (RIFF 'AVI ', one 'vids'/'MJPG' stream, idx1 index) of `frames`
    // frames at `fps`, animating a composition seeded by (title, seed).
    static QByteArray renderVideo(
        const QString &title, qint64 seed, QSize size, int frames, int fps);

    // Captions covering `durationMs`, split into ~2 s cues of the words of `text` (or of
    // deterministic filler words when `text` is empty): [{"id":"1","from":0,"to":2000,"text":…}].
    static QJsonArray captions(const QString &text, qint64 seed, int durationMs);

    // The same cues as SubRip text ("1\n00:00:00,000 --> 00:00:02,000\nFirst caption\n\n").
    static QByteArray captionsToSrt(const QJsonArray &captions);

    // A mono 16-bit PCM WAV of `durationMs` at 22050 Hz: tones derived from (text, seed).
    static QByteArray renderAudio(const QString &text, qint64 seed, int durationMs);
};

} // namespace Sandbox
