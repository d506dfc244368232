#include "cli/terminalecho.h"

#include <unistd.h>

namespace Cli {

TerminalEcho::TerminalEcho(int fd)
    : m_fd(fd)
{
    if (m_fd >= 0 && ::isatty(m_fd) && ::tcgetattr(m_fd, &m_saved) == 0) {
        termios quiet = m_saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        m_active = ::tcsetattr(m_fd, TCSAFLUSH, &quiet) == 0;
    }
}

TerminalEcho::~TerminalEcho()
{
    if (m_active)
        ::tcsetattr(m_fd, TCSAFLUSH, &m_saved);
}

} // namespace Cli
