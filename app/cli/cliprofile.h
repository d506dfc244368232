#pragma once

#include "cli/clioptions.h"
#include "core/profile.h"
#include "store/storedjob.h"

#include <QStringList>
#include <optional>

namespace Cli {

// The profile a jobscope-cli command talks to, from its options: --dialect/--base-url/
// --api-key-env …, or --profile NAME (a profiles file: $JOBSCOPE_PROFILES, else
// $XDG_CONFIG_HOME/jobscope/profiles.json), or — for a command about a known job given no
// connection options — the profile the history recorded with the job; options override each field.
// The key is not read here: the profile names it (keyRef "env:VAR" or "keychain:…") and the
// session resolves it. What would send a key in clear is refused unless --allow-insecure.
class CliProfile final
{
public:
    struct Resolved
    {
        std::optional<Core::Profile> profile; // empty: refused, see exitCode and error
        int exitCode = 0;
        QString error;
        QStringList warnings; // sentences to show before going on
    };

    // `recorded`: the history's job, when the command names one; `jobId`: that id (for the
    // sentence when nothing says which service).
    static Resolved resolve(const CliOptions &options,
        const std::optional<Store::StoredJob> &recorded, const QString &jobId);
    // Whether a command about `jobId` should take its profile from the history (no connection
    // options given).
    static bool fromHistory(const CliOptions &options);
};

} // namespace Cli
