#pragma once

#include <QByteArray>
#include <QSize>

namespace Sandbox {

// Assembles a Motion-JPEG AVI (RIFF 'AVI ', AVI 1.0 with an idx1 index) in memory from
// already-encoded JPEG frames. One video stream, every frame a key frame, no audio.
//
// Sizes in the RIFF headers are 32-bit: the caller keeps the total well below 4 GiB (byteSize()
// tells how large the file would be so far).
class AviWriter final
{
public:
    // `frameSize` must be non-empty (at most 65535 per side, as rcFrame is 16-bit); an `fps` below
    // 1 is written as 1.
    AviWriter(QSize frameSize, int fps);

    // Appends one JPEG frame (SOI..EOI) as a '00dc' chunk, padded to an even length.
    void addFrame(const QByteArray &jpeg);

    int frameCount() const { return m_frames; }

    // Bytes of the finished file if finish() were called now.
    qsizetype byteSize() const;

    // The complete file: headers, the 'movi' list and the idx1 index.
    QByteArray finish() const;

private:
    QSize m_frameSize;
    int m_fps = 1;
    int m_frames = 0;
    quint32 m_largestFrame = 0;
    QByteArray m_movi; // the '00dc' chunks, without the LIST header
    QByteArray m_index; // idx1 entries, 16 bytes each
};

} // namespace Sandbox
