#include "downloads/filenames.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>

namespace Downloads {

namespace {

// Characters no name from a server may bring into a path: separators, Windows' reserved set,
// controls, and the invisible format characters (bidi overrides such as U+202E, zero-width
// joiners) that make "gnp.exe" look like "exe.png"; line separators and lone surrogates too.
bool isUnsafe(QChar c)
{
    switch (c.category()) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Other_NotAssigned:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return true; // a surrogate here is a lone half: pairs are taken whole by sanitize()
    default:
        break;
    }
    return c == QChar::Null || c == QLatin1Char('/') || c == QLatin1Char('\\')
        || c == QLatin1Char(':') || c == QLatin1Char('*') || c == QLatin1Char('?')
        || c == QLatin1Char('"') || c == QLatin1Char('<') || c == QLatin1Char('>')
        || c == QLatin1Char('|');
}

QString cleanAbsolute(const QString &path)
{
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

bool below(const QString &root, const QString &dir)
{
    return !root.isEmpty() && !dir.isEmpty()
        && (dir == root
            || dir.startsWith(root.endsWith(QLatin1Char('/')) ? root : root + QLatin1Char('/')));
}

} // namespace

QString FileNames::sanitize(const QString &name, const QString &fallback)
{
    QString out;
    out.reserve(name.size());
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        // A well-formed surrogate pair (an emoji, a rare CJK character) is kept whole.
        if (c.isHighSurrogate() && i + 1 < name.size() && name.at(i + 1).isLowSurrogate()) {
            const char32_t code = QChar::surrogateToUcs4(c, name.at(i + 1));
            const QChar::Category cat = QChar::category(code);
            if (cat == QChar::Other_Format || cat == QChar::Other_NotAssigned
                || cat == QChar::Other_PrivateUse) {
                out += QLatin1Char('_');
            } else {
                out += c;
                out += name.at(i + 1);
            }
            ++i;
            continue;
        }
        out += isUnsafe(c) ? QLatin1Char('_') : c;
    }
    // No leading dots or white space (". .x" is hidden too), no trailing dots or white space.
    qsizetype from = 0;
    while (from < out.size() && (out.at(from) == QLatin1Char('.') || out.at(from).isSpace()))
        ++from;
    out.remove(0, from);
    while (!out.isEmpty() && (out.endsWith(QLatin1Char('.')) || out.back().isSpace()))
        out.chop(1);
    if (out.size() > 120) {
        const qsizetype dot = out.lastIndexOf(QLatin1Char('.'));
        const QString ext = dot > 0 && out.size() - dot <= 10 ? out.mid(dot) : QString();
        qsizetype keep = 120 - ext.size();
        if (out.at(keep - 1).isHighSurrogate())
            --keep; // never split a surrogate pair
        out = out.left(keep) + ext;
    }
    if (out.isEmpty() || out == QLatin1String(".."))
        out = fallback;
    return out;
}

QString FileNames::uniquePath(const QString &folder, const QString &name)
{
    const QDir dir(folder);
    const QString safe = sanitize(name);
    const qsizetype dot = safe.lastIndexOf(QLatin1Char('.'));
    const QString stem = dot > 0 ? safe.left(dot) : safe;
    const QString ext = dot > 0 ? safe.mid(dot) : QString();
    QString candidate = dir.filePath(safe);
    for (int i = 1;
         QFileInfo::exists(candidate) || QFileInfo::exists(candidate + QStringLiteral(".part"));
         ++i)
        candidate = dir.filePath(QStringLiteral("%1 (%2)%3").arg(stem).arg(i).arg(ext));
    return candidate;
}

QString FileNames::segment(const QString &name)
{
    constexpr qsizetype MaxLength = 100;
    QString out = sanitize(name.left(4096), QStringLiteral("_"));
    if (out == QLatin1String(".") || out == QLatin1String(".."))
        out = QStringLiteral("_");
    if (out == name && out.size() <= MaxLength)
        return out;
    const QByteArray hash
        = QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256).toHex().left(8);
    // Cut on a character boundary: never between the halves of a surrogate pair.
    qsizetype keep = qMin(out.size(), MaxLength - 9);
    if (keep > 0 && out.at(keep - 1).isHighSurrogate())
        --keep;
    out = out.left(keep);
    while (!out.isEmpty() && (out.endsWith(QLatin1Char('.')) || out.back().isSpace()))
        out.chop(1);
    return (out.isEmpty() ? QStringLiteral("_") : out) + QLatin1Char('-')
        + QString::fromLatin1(hash);
}

bool FileNames::isWithin(const QString &root, const QString &dir)
{
    if (!below(cleanAbsolute(root), cleanAbsolute(dir)))
        return false;
    const QString realRoot = QFileInfo(root).canonicalFilePath();
    const QString realDir = QFileInfo(dir).canonicalFilePath();
    return realRoot.isEmpty() || realDir.isEmpty() || below(realRoot, realDir);
}

bool FileNames::isInside(const QString &folder, const QString &path)
{
    const QString root = QFileInfo(folder).canonicalFilePath();
    QFileInfo info(path);
    const QString parent = QFileInfo(info.absolutePath()).canonicalFilePath();
    return !root.isEmpty() && !parent.isEmpty()
        && (parent == root || parent.startsWith(root + QLatin1Char('/')));
}

} // namespace Downloads
