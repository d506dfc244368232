#pragma once

// The bytes the hostile server serves as result files, computable by the tests too: a file's
// content depends only on its URL path, so a test can check size and SHA-256 of what a client
// wrote without asking the server. Any range is computable on its own (32-byte blocks, block n =
// SHA-256 of "<path>#<n>"), which the server needs for Range requests.

#include <QByteArray>
#include <QCryptographicHash>
#include <QString>

namespace Hostile {

class HostileContent final
{
public:
    // The size of the file at `path` when the route says `base` bytes: base plus up to 4 KiB, so
    // the files of one test do not all have the same length.
    static qint64 sizeFor(const QString &path, qint64 base)
    {
        const QByteArray digest
            = QCryptographicHash::hash(path.toUtf8(), QCryptographicHash::Sha256);
        const qint64 extra = (quint8(digest.at(0)) << 4) | (quint8(digest.at(1)) >> 4);
        return base + extra;
    }

    // Bytes [offset, offset + length) of the file at `path`.
    static QByteArray bytes(const QString &path, qint64 offset, qint64 length)
    {
        QByteArray out;
        out.reserve(length);
        const QByteArray prefix = path.toUtf8() + '#';
        qint64 block = offset / 32;
        qint64 skip = offset % 32;
        while (out.size() < length) {
            const QByteArray b = QCryptographicHash::hash(
                prefix + QByteArray::number(block), QCryptographicHash::Sha256);
            const qint64 take = qMin<qint64>(32 - skip, length - out.size());
            out.append(b.constData() + skip, take);
            skip = 0;
            ++block;
        }
        return out;
    }

    static QByteArray sha256Hex(const QString &path, qint64 size)
    {
        QCryptographicHash h(QCryptographicHash::Sha256);
        for (qint64 at = 0; at < size; at += 65536)
            h.addData(bytes(path, at, qMin<qint64>(65536, size - at)));
        return h.result().toHex();
    }

    static QByteArray etag(const QString &path)
    {
        return '"'
            + QCryptographicHash::hash(path.toUtf8(), QCryptographicHash::Sha256).toHex().left(16)
            + '"';
    }
};

} // namespace Hostile
