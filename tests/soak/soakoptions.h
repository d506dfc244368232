#pragma once

#include <QString>
#include <QtGlobal>

namespace Soak {

// What one soak run does, read from the environment (tests/soak/README.md lists the variables).
struct SoakOptions
{
    QString sandboxBin; // SOAK_SANDBOX_BIN: the jobscope-sandbox executable
    QString workDir; // SOAK_DIR: history, library, the sandbox's --data and logs
    int jobs = 1000; // SOAK_JOBS: jobs accepted in all, spread evenly over the five dialects
    int deadlineS
        = 540; // SOAK_DEADLINE_S: the whole run (submissions, follow, checks) ends by then
    int restarts = 2; // SOAK_RESTARTS: sandbox kills and restarts on the same port and --data
    bool hardKill = true; // SOAK_KILL=kill (SIGKILL, default) or term (SIGTERM)
    int downMs = 1500; // SOAK_DOWN_MS: how long the sandbox stays down at each restart
    int dropMinMs = 2000; // SOAK_DROP_MIN_MS / SOAK_DROP_MAX_MS: every SSE stream and WebSocket
    int dropMaxMs = 3000; //   is cut at a random interval in this range
    int minDurationMs
        = 2000; // SOAK_MIN_DURATION_MS / SOAK_MAX_DURATION_MS: each job's running time
    int maxDurationMs = 8000;
    int failPercent = 10; // SOAK_FAIL_PERCENT: jobs told to fail part-way (a true final state too)
    int workers = 40; // SOAK_WORKERS: the sandbox's --workers (per dialect)
    double speed = 10; // SOAK_SPEED: the sandbox's --speed (pending phase, URL lifetimes …)
    int progressHz = 2; // SOAK_PROGRESS_HZ: the sandbox's --progress-hz
    int submitSpreadMs
        = 0; // SOAK_SPREAD_MS: submissions spread over this (0: max(20 s, 40 ms a job))
    quint32 seed = 0; // SOAK_SEED: random choices (0: from the clock; printed)

    // Fills from the environment; false with `error` set when a value is not understood.
    static bool fromEnvironment(SoakOptions *options, QString *error);
    int spreadMs() const { return submitSpreadMs > 0 ? submitSpreadMs : qMax(20000, jobs * 40); }
};

} // namespace Soak
