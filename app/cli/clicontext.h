#pragma once

#include "cli/clioptions.h"
#include "store/storedjob.h"

#include <QJsonObject>
#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace Dialects {
class Adapter;
}
namespace Session {
class JobSession;
}
namespace Store {
class JobHistory;
}
namespace Tracker {
struct TrackedJob;
}

namespace Cli {

class CliOutput;

// What every jobscope-cli command works with, set up by CliRunner: the options, the output, the
// session (and through it the tracker, the adapters and the downloads), the history (null when it
// could not be opened), and — for a command about one job — the profile it belongs to and what
// the history holds of it. A command ends the run with done() or fail(), once.
struct CliContext
{
    const CliOptions *options = nullptr;
    CliOutput *out = nullptr;
    QNetworkAccessManager *nam = nullptr;
    Session::JobSession *session = nullptr;
    Store::JobHistory *history = nullptr;
    QString profile; // the session's name of the profile the command talks to
    std::optional<Store::StoredJob> recorded; // the named job as the history holds it
    bool idTaken = false; // the history holds another service's job under the named id
    std::function<void(int)> done;

    void fail(int code, const QString &sentence) const;
    Dialects::Adapter *adapter() const;
    const Tracker::TrackedJob *job(const QString &key) const;
    // The named job (args[0]) in the session: the recorded one, or one tracked for this run only.
    QString openNamedJob(const QString &task) const;
    // --input (a file or "-") as a JSON object, or the run ended (exit 2) with why.
    std::optional<QJsonObject> readInput() const;
    // The sentence for a request that got no answer: "Could not reach HOST: why."
    QString unreachable(const QString &why) const;
};

} // namespace Cli
