#pragma once

#include "cli/clicontext.h"

#include <QObject>

namespace Core {
struct JobError;
}

namespace Cli {

// The commands about one job that ask the session once and end: `status` (one status read),
// `download` (a status read, then every file into --to DIR), `cancel` and `respond`.
// Exit: 0 done; 1 the service refused it (or the job has no results); 3 unreachable, unreadable
// or a download failed.
class JobCommands final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobCommands)

public:
    explicit JobCommands(CliContext *context, QObject *parent = nullptr);

    void status();
    void download();
    void cancel();
    void respond();

private:
    QString task() const;
    // Ends the run for a failed read or call: "Could not reach …" when nothing answered,
    // otherwise "<what>: <message>" with the exit code of its kind (and a JSON error event).
    void failed(
        const QString &id, const Core::JobError &e, const QString &what, const QString &via = {});

    CliContext *m_c;
};

} // namespace Cli
