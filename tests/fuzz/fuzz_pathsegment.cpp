// libFuzzer target for Downloads::FileNames::segment and sanitize: whatever a server names a job,
// an output or a profile, the result is one safe path segment (no separator, never "." or "..",
// no control, format or lone-surrogate character, at most its cap), stable for the same input,
// and a name that had to change never equals a name that did not.
#include "downloads/filenames.h"

#include <QString>
#include <cstdint>
#include <cstdlib>

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

void checkSegment(const QString &s, qsizetype cap)
{
    check(!s.isEmpty());
    check(s != QLatin1String(".") && s != QLatin1String(".."));
    check(!s.contains(QLatin1Char('/')) && !s.contains(QLatin1Char('\\'))
        && !s.contains(QChar::Null));
    check(s.size() <= cap);
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        check(c.category() != QChar::Other_Control && c.category() != QChar::Other_Format);
        if (c.isHighSurrogate())
            check(i + 1 < s.size() && s.at(i + 1).isLowSurrogate());
        else if (c.isLowSurrogate())
            check(i > 0 && s.at(i - 1).isHighSurrogate());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // Both readings a server's bytes can get: UTF-8 text (JSON strings) and raw UTF-16 units
    // (lone surrogates, which JSON's \ud800 escapes can produce).
    const QString utf8 = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString utf16(reinterpret_cast<const QChar *>(data), qsizetype(size / 2));
    for (const QString &name : { utf8, utf16 }) {
        const QString seg = Downloads::FileNames::segment(name);
        checkSegment(seg, 100);
        check(seg == Downloads::FileNames::segment(name));
        if (seg != name)
            check(Downloads::FileNames::segment(seg) == seg); // a mapped name is itself a safe name
        const QString file = Downloads::FileNames::sanitize(name);
        checkSegment(file, 120);
    }
    return 0;
}
