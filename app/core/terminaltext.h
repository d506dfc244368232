#pragma once

#include <QString>

namespace Core {

// Text from a server made safe to print on a terminal: a status word, an error message or a job
// id can carry ESC/OSC sequences (retitle the window, erase a line, print a fake "end: succeeded")
// or bidi overrides that reorder what the user reads. escape() writes every C0 and C1 control
// character, DEL, and the invisible format characters (U+200B–U+200F, U+202A–U+202E,
// U+2066–U+2069, U+FEFF) as visible escapes ("\x1b", "\u202e"), and a newline or carriage return
// as "\n" / "\r", so one printed line stays one line. Tabs are kept. Pure; no I/O.
class TerminalText final
{
public:
    static QString escape(const QString &text);
    static bool needsEscape(QChar c);
};

} // namespace Core
