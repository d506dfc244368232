#pragma once

#include <termios.h>

namespace Cli {

// Hides what is typed while a secret is read from a terminal; restores the terminal on scope
// exit. Does nothing when `fd` is not a terminal.
class TerminalEcho final
{
public:
    explicit TerminalEcho(int fd);
    ~TerminalEcho();
    TerminalEcho(const TerminalEcho &) = delete;
    TerminalEcho &operator=(const TerminalEcho &) = delete;
    bool hidden() const { return m_active; }

private:
    int m_fd;
    termios m_saved {};
    bool m_active = false;
};

} // namespace Cli
