#pragma once

#include "cli/clicontext.h"

#include <QObject>

namespace Dialects {
struct RequestSpec;
}
namespace Net {
class HttpCall;
}

namespace Cli {

// The commands that ask the service something other than one job's status, through the profile's
// adapter in the session: `list` (the service's job list, or — without a list endpoint — the jobs
// of the history on that service), `call` (a Peel API build's runtime call, its answer printed as
// sent) and `logs` (a PeelAPI job's log lines, replayed by its stream until `end`).
class ServiceCommands final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceCommands)

public:
    explicit ServiceCommands(CliContext *context, QObject *parent = nullptr);

    void list();
    void call();
    void logs();

private:
    void listHistory();
    // The request, started; it reports through Core::Operation::result.
    Net::HttpCall *send(const Dialects::RequestSpec &spec);

    CliContext *m_c;
};

} // namespace Cli
