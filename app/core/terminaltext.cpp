#include "core/terminaltext.h"

namespace Core {

bool TerminalText::needsEscape(QChar c)
{
    const char16_t u = c.unicode();
    if (u == u'\t')
        return false;
    if (u < 0x20 || u == 0x7f || (u >= 0x80 && u <= 0x9f))
        return true;
    return (u >= 0x200b && u <= 0x200f) || (u >= 0x202a && u <= 0x202e)
        || (u >= 0x2066 && u <= 0x2069) || u == 0xfeff || u == 0x2028 || u == 0x2029;
}

QString TerminalText::escape(const QString &text)
{
    qsizetype first = 0;
    while (first < text.size() && !needsEscape(text.at(first)))
        ++first;
    if (first == text.size())
        return text;
    QString out = text.left(first);
    out.reserve(text.size() + 16);
    for (qsizetype i = first; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (!needsEscape(c)) {
            out += c;
        } else if (c == u'\n') {
            out += QLatin1String("\\n");
        } else if (c == u'\r') {
            out += QLatin1String("\\r");
        } else if (c.unicode() < 0x100) {
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        } else {
            out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        }
    }
    return out;
}

} // namespace Core
