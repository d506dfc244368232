#pragma once

// What the hostile-server suite asserts about a client's output and files, in one place.

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

namespace Hostile {

class ProbeChecks final
{
public:
    // The first control character in `bytes` that a terminal would act on, described ("0x1b at
    // 12"), or empty: C0 controls other than \n and \t, DEL, and the C1 controls U+0080–U+009F
    // (UTF-8 C2 80–C2 9F; U+009B is an 8-bit CSI).
    static QString controlCharacter(const QByteArray &bytes)
    {
        for (qsizetype i = 0; i < bytes.size(); ++i) {
            const uchar c = uchar(bytes.at(i));
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
                return QStringLiteral("0x%1 at byte %2").arg(c, 2, 16, QLatin1Char('0')).arg(i);
            if (c == 0xc2 && i + 1 < bytes.size() && uchar(bytes.at(i + 1)) >= 0x80
                && uchar(bytes.at(i + 1)) <= 0x9f)
                return QStringLiteral("U+00%1 at byte %2")
                    .arg(uchar(bytes.at(i + 1)), 2, 16, QLatin1Char('0'))
                    .arg(i);
        }
        return {};
    }

    // The non-empty lines of a stream.
    static QList<QByteArray> lines(const QByteArray &bytes)
    {
        QList<QByteArray> r;
        for (const QByteArray &l : bytes.split('\n')) {
            if (!l.trimmed().isEmpty())
                r.append(l);
        }
        return r;
    }

    // Every file (and symlink, and empty folder) under `dir`, hidden ones included, without
    // following symlinks.
    static QStringList entriesUnder(const QString &dir)
    {
        QStringList r;
        QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
            QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QFileInfo fi = it.fileInfo();
            if (fi.isSymLink() || fi.isFile()
                || (fi.isDir()
                    && QDir(path).isEmpty(
                        QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot)))
                r.append(path);
        }
        r.sort();
        return r;
    }

    static bool isInside(const QString &dir, const QString &path)
    {
        const QString d = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
        const QString p = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
        return p == d || p.startsWith(d + QLatin1Char('/'));
    }

    // Why `name` is not one safe path segment, or empty when it is: no separator, not "." or
    // "..", no control (C0, DEL, C1) or bidi/format control (U+200E/F, U+202A–E, U+2066–9), at
    // most 255 bytes of UTF-8 (what a file system takes).
    static QString segmentProblem(const QString &name)
    {
        if (name.isEmpty())
            return QStringLiteral("empty");
        if (name == QLatin1String(".") || name == QLatin1String(".."))
            return QStringLiteral("is %1").arg(name);
        if (name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('\\')))
            return QStringLiteral("contains a separator");
        for (const QChar c : name) {
            const ushort u = c.unicode();
            if (u < 0x20 || u == 0x7f || (u >= 0x80 && u <= 0x9f))
                return QStringLiteral("contains control U+%1").arg(u, 4, 16, QLatin1Char('0'));
            if (u == 0x200e || u == 0x200f || (u >= 0x202a && u <= 0x202e)
                || (u >= 0x2066 && u <= 0x2069))
                return QStringLiteral("contains bidi control U+%1").arg(u, 4, 16, QLatin1Char('0'));
        }
        if (name.toUtf8().size() > 255)
            return QStringLiteral("is %1 bytes long").arg(name.toUtf8().size());
        return {};
    }

    // Text safe to print in a test log: controls as \xNN, at most `max` characters.
    static QString printable(const QByteArray &bytes, int max = 160)
    {
        QString s;
        for (const QChar c : QString::fromUtf8(bytes)) {
            const ushort u = c.unicode();
            if (u < 0x20 || u == 0x7f || (u >= 0x80 && u <= 0x9f) || u == 0x202e)
                s += QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
            else
                s += c;
            if (s.size() >= max) {
                s += QStringLiteral("…");
                break;
            }
        }
        return s;
    }

    // This process's peak resident set (VmHWM), in KiB; resetPeak() starts a new peak from the
    // current size (Linux ≥ 4.0: "5" to /proc/self/clear_refs).
    static qint64 peakKb()
    {
        QFile f(QStringLiteral("/proc/self/status"));
        if (!f.open(QIODevice::ReadOnly))
            return -1;
        for (const QByteArray &line : f.readAll().split('\n')) {
            if (line.startsWith("VmHWM:"))
                return line.mid(6).trimmed().split(' ').value(0).toLongLong();
        }
        return -1;
    }
    static bool resetPeak()
    {
        QFile f(QStringLiteral("/proc/self/clear_refs"));
        return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
    }
};

} // namespace Hostile
