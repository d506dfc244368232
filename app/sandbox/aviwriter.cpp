#include "sandbox/aviwriter.h"

#include <QtEndian>
#include <algorithm>

namespace Sandbox {

namespace {

// Fixed sizes of the header chunks' payloads (AVI 1.0, as in vfw.h / aviriff.h).
constexpr quint32 kAvihSize = 56;
constexpr quint32 kStrhSize = 56;
constexpr quint32 kStrfSize = 40; // BITMAPINFOHEADER
constexpr quint32 kStrlSize = 4 + (8 + kStrhSize) + (8 + kStrfSize);
constexpr quint32 kHdrlSize = 4 + (8 + kAvihSize) + (8 + kStrlSize);

constexpr quint32 kAvifHasIndex = 0x10;
constexpr quint32 kAviifKeyframe = 0x10;

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

void appendFourCc(QByteArray &out, const char (&fourCc)[5])
{
    out.append(fourCc, 4);
}

} // namespace

AviWriter::AviWriter(QSize frameSize, int fps)
    : m_frameSize(frameSize)
    , m_fps(std::max(1, fps))
{ }

void AviWriter::addFrame(const QByteArray &jpeg)
{
    const auto size = quint32(jpeg.size());
    // idx1 offsets count from the 'movi' fourcc, so the first chunk sits at offset 4.
    const auto offset = quint32(4 + m_movi.size());

    appendFourCc(m_movi, "00dc");
    appendU32(m_movi, size);
    m_movi.append(jpeg);
    if (size % 2 != 0)
        m_movi.append('\0'); // RIFF chunks start on even offsets; the pad is not in the size

    appendFourCc(m_index, "00dc");
    appendU32(m_index, kAviifKeyframe);
    appendU32(m_index, offset);
    appendU32(m_index, size);

    m_largestFrame = std::max(m_largestFrame, size);
    ++m_frames;
}

qsizetype AviWriter::byteSize() const
{
    return 12 + (8 + kHdrlSize) + (12 + m_movi.size()) + (8 + m_index.size());
}

QByteArray AviWriter::finish() const
{
    const auto width = quint32(m_frameSize.width());
    const auto height = quint32(m_frameSize.height());
    const quint32 bufferSize = m_largestFrame + 8;

    QByteArray out;
    out.reserve(byteSize());

    appendFourCc(out, "RIFF");
    appendU32(out, quint32(byteSize() - 8));
    appendFourCc(out, "AVI ");

    appendFourCc(out, "LIST");
    appendU32(out, kHdrlSize);
    appendFourCc(out, "hdrl");

    appendFourCc(out, "avih");
    appendU32(out, kAvihSize);
    appendU32(out, quint32((1000000 + m_fps / 2) / m_fps)); // dwMicroSecPerFrame
    appendU32(out,
        quint32(std::min<quint64>(
            quint64(m_largestFrame) * quint64(m_fps), 0xFFFFFFFFu))); // dwMaxBytesPerSec
    appendU32(out, 0); // dwPaddingGranularity
    appendU32(out, kAvifHasIndex); // dwFlags
    appendU32(out, quint32(m_frames)); // dwTotalFrames
    appendU32(out, 0); // dwInitialFrames
    appendU32(out, 1); // dwStreams
    appendU32(out, bufferSize); // dwSuggestedBufferSize
    appendU32(out, width);
    appendU32(out, height);
    for (int i = 0; i < 4; ++i)
        appendU32(out, 0); // dwReserved

    appendFourCc(out, "LIST");
    appendU32(out, kStrlSize);
    appendFourCc(out, "strl");

    appendFourCc(out, "strh");
    appendU32(out, kStrhSize);
    appendFourCc(out, "vids");
    appendFourCc(out, "MJPG");
    appendU32(out, 0); // dwFlags
    appendU16(out, 0); // wPriority
    appendU16(out, 0); // wLanguage
    appendU32(out, 0); // dwInitialFrames
    appendU32(out, 1); // dwScale: rate / scale = frames per second
    appendU32(out, quint32(m_fps)); // dwRate
    appendU32(out, 0); // dwStart
    appendU32(out, quint32(m_frames)); // dwLength
    appendU32(out, bufferSize); // dwSuggestedBufferSize
    appendU32(out, 0xFFFFFFFFu); // dwQuality: default
    appendU32(out, 0); // dwSampleSize: frames vary in size
    appendU16(out, 0); // rcFrame.left
    appendU16(out, 0); // rcFrame.top
    appendU16(out, quint16(width)); // rcFrame.right
    appendU16(out, quint16(height)); // rcFrame.bottom

    appendFourCc(out, "strf");
    appendU32(out, kStrfSize);
    appendU32(out, kStrfSize); // biSize
    appendU32(out, width); // biWidth
    appendU32(out, height); // biHeight
    appendU16(out, 1); // biPlanes
    appendU16(out, 24); // biBitCount
    appendFourCc(out, "MJPG"); // biCompression
    appendU32(out, width * height * 3); // biSizeImage
    appendU32(out, 0); // biXPelsPerMeter
    appendU32(out, 0); // biYPelsPerMeter
    appendU32(out, 0); // biClrUsed
    appendU32(out, 0); // biClrImportant

    appendFourCc(out, "LIST");
    appendU32(out, quint32(4 + m_movi.size()));
    appendFourCc(out, "movi");
    out.append(m_movi);

    appendFourCc(out, "idx1");
    appendU32(out, quint32(m_index.size()));
    out.append(m_index);

    return out;
}

} // namespace Sandbox
