#pragma once

#include <QString>

namespace Downloads {

// File names that come from servers, made safe to write: no path separators, no "..", no control
// characters, no leading dots or trailing dots/spaces, at most 120 characters (keeping the
// extension), never empty; and never overwriting an existing file ("name (1).png").
class FileNames final
{
public:
    static QString sanitize(const QString &name, const QString &fallback = QStringLiteral("output"));
    // A path in `folder` for `name` that does not exist yet (and has no ".part" beside it).
    static QString uniquePath(const QString &folder, const QString &name);
    // True when `path` resolves inside `folder` (symlinks resolved).
    static bool isInside(const QString &folder, const QString &path);
};

} // namespace Downloads
