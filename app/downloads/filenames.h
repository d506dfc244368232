#pragma once

#include <QString>

namespace Downloads {

// File names that come from servers, made safe to write: no path separators, no "..", no control
// characters, no leading dots or trailing dots/spaces, at most 120 characters (keeping the
// extension), never empty; and never overwriting an existing file ("name (1).png").
class FileNames final
{
public:
    static QString sanitize(
        const QString &name, const QString &fallback = QStringLiteral("output"));
    // A name from a server (a job id, a profile name) as exactly one path segment: no separators,
    // never "." or "..", no control, format or bidi-override characters (U+202E), no characters
    // Windows forbids, at most 100 characters. A name that had to be changed gets "-" and 8 hex
    // digits of its SHA-256, so two different names never map to the same folder ("a/b" and
    // "a_b" stay apart) and the same name always maps to the same one (resume finds it again).
    static QString segment(const QString &name);
    // True when `dir` is `root` or lies below it, compared as cleaned absolute paths and, where
    // both exist, again with symlinks resolved.
    static bool isWithin(const QString &root, const QString &dir);
    // A path in `folder` for `name` that does not exist yet (and has no ".part" beside it).
    static QString uniquePath(const QString &folder, const QString &name);
    // True when `path` resolves inside `folder` (symlinks resolved).
    static bool isInside(const QString &folder, const QString &path);
};

} // namespace Downloads
