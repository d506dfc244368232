#pragma once

#include "cli/clicontext.h"
#include "core/jobstate.h"

#include <QObject>
#include <QSet>

namespace Cli {

// `submit` (with --wait: followed until it settles) and `watch`: the jobs are submitted and
// followed by the session, exactly as the window's are; this prints what happens and ends the
// run when every job it follows has settled and its files (--download DIR) are on disk.
// Exit: 0 succeeded, 1 failed or cancelled (or refused), 3 unreachable, a download failed or the
// job could not be followed, 4 needs input.
class FollowCommands final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FollowCommands)

public:
    explicit FollowCommands(CliContext *context, QObject *parent = nullptr);

    void submit();
    void watch();

private:
    void listen();
    void onSettled(const QString &key, Core::JobState state);
    void finishJob(const QString &key, int code);

    CliContext *m_c;
    QSet<QString> m_following; // keys of the jobs this run waits for
    QSet<QString> m_downloading; // of those, the ones whose files are being fetched
    int m_pendingSubmits = 0;
    int m_code = 0;
};

} // namespace Cli
