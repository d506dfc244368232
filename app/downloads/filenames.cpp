#include "downloads/filenames.h"

#include <QDir>
#include <QFileInfo>

namespace Downloads {

QString FileNames::sanitize(const QString &name, const QString &fallback)
{
    QString out;
    out.reserve(name.size());
    for (const QChar c : name) {
        if (c == QLatin1Char('/') || c == QLatin1Char('\\') || c.category() == QChar::Other_Control || c == QChar::Null
            || c == QLatin1Char(':') || c == QLatin1Char('*') || c == QLatin1Char('?') || c == QLatin1Char('"')
            || c == QLatin1Char('<') || c == QLatin1Char('>') || c == QLatin1Char('|'))
            out += QLatin1Char('_');
        else
            out += c;
    }
    out = out.trimmed();
    while (out.startsWith(QLatin1Char('.')))
        out.remove(0, 1);
    while (out.endsWith(QLatin1Char('.')) || out.endsWith(QLatin1Char(' ')))
        out.chop(1);
    if (out.size() > 120) {
        const qsizetype dot = out.lastIndexOf(QLatin1Char('.'));
        const QString ext = dot > 0 && out.size() - dot <= 10 ? out.mid(dot) : QString();
        out = out.left(120 - ext.size()) + ext;
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
    for (int i = 1; QFileInfo::exists(candidate) || QFileInfo::exists(candidate + QStringLiteral(".part")); ++i)
        candidate = dir.filePath(QStringLiteral("%1 (%2)%3").arg(stem).arg(i).arg(ext));
    return candidate;
}

bool FileNames::isInside(const QString &folder, const QString &path)
{
    const QString root = QFileInfo(folder).canonicalFilePath();
    QFileInfo info(path);
    const QString parent = QFileInfo(info.absolutePath()).canonicalFilePath();
    return !root.isEmpty() && !parent.isEmpty() && (parent == root || parent.startsWith(root + QLatin1Char('/')));
}

} // namespace Downloads
