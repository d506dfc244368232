#pragma once

#include "cli/clicontext.h"

#include <QObject>

namespace Cli {

// `resume`: the session re-attaches to every unfinished job and download of the history, whatever
// profile each belongs to (keys from the environment variables or keychain entries the profiles
// name), and the run ends when it is idle. Exit 0, or 3 when a job could not be followed or a
// download failed.
class ResumeCommand final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResumeCommand)

public:
    explicit ResumeCommand(CliContext *context, QObject *parent = nullptr);

    void run();

private:
    CliContext *m_c;
    bool m_started = false;
    bool m_failed = false;
};

} // namespace Cli
