// jobscope-soak: the reliability soak of docs/hostile-servers.md (cuts, restarts). The app's real
// Session::JobSession follows 1,000 jobs (SOAK_JOBS) over the five dialects on a real
// jobscope-sandbox while every SSE stream and WebSocket is cut every 2-3 s and the sandbox is
// killed and restarted twice on the same port and --data; then every job's final state, timeline,
// PeelAPI log lines and downloaded files are compared with the sandbox's own view.
// Prints one line of counts; exits 1 on any loss, 2 when the run could not be made. Loopback only;
// bounded by SOAK_DEADLINE_S. Run it with `bash tests/soak/run.sh` (tests/soak/README.md).
#include "controlclient.h"
#include "sandboxprocess.h"
#include "soakcheck.h"
#include "soakoptions.h"
#include "soakrun.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QTimer>
#include <cstdio>
#include <cstdlib>

using namespace Soak;

namespace {

// This process's peak resident memory (VmHWM), in KiB.
qint64 peakRssKib()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &l : status.readAll().split('\n')) {
        if (l.startsWith("VmHWM:"))
            return l.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

QString countsLine(const SoakCounts &c, const SoakFigures &f, double seconds)
{
    QStringList parts { QStringLiteral("SOAK") };
    auto add = [&](const char *name, qint64 value) {
        parts << QStringLiteral("%1=%2").arg(QLatin1String(name)).arg(value);
    };
    add("jobs", c.jobs);
    add("final_ok", c.finalOk);
    add("wrong_state", c.wrongState);
    add("sandbox_lost", c.sandboxLost);
    add("dup_timeline", c.dupTimeline);
    add("lost_log_lines", c.lostLogLines);
    add("dup_log_lines", c.dupLogLines);
    parts << QStringLiteral("files=%1/%2").arg(c.filesOk).arg(c.filesExpected);
    add("mismatched", c.mismatched);
    add("missing", c.missing);
    add("parts_left", c.partsLeft);
    add("fetch_mismatched", c.fetchMismatched);
    add("views_disagree", c.viewsDisagree);
    add("loss_jobs", c.lossJobs);
    add("loss_jobs_not_rolled_back", c.lossJobsNotRolledBack);
    add("rolled_back", f.rolledBack.size());
    add("succeeded", c.succeeded);
    add("failed", c.failed);
    add("fatal", c.fatal);
    add("stream_cuts", f.sseCuts + f.wsCuts);
    add("sse_cuts", f.sseCuts);
    add("ws_cuts", f.wsCuts);
    add("drops", f.dropCalls);
    add("restarts", f.restarts);
    add("submit_retries", f.submitRetries);
    add("orphans", c.orphans);
    add("fetched", c.fetched);
    add("timeline_rows", c.timelineRows);
    add("log_lines", c.logLines);
    parts << QStringLiteral("seconds=%1").arg(seconds, 0, 'f', 1);
    return parts.join(QLatin1Char(' '));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    SoakOptions options;
    QString error;
    if (!SoakOptions::fromEnvironment(&options, &error)) {
        std::fprintf(stderr, "jobscope-soak: %s\n", qPrintable(error));
        return 2;
    }
    QElapsedTimer clock;
    clock.start();
    const QDir work(options.workDir);
    const QString dataDir = work.filePath(QStringLiteral("sandbox-data"));
    QDir().mkpath(dataDir);
    QDir().mkpath(work.filePath(QStringLiteral("library")));
    std::fprintf(stderr,
        "jobscope-soak: %d jobs, seed %u, restarts %d (%s), streams cut every %d-%d ms, deadline "
        "%d s, in %s\n",
        options.jobs, options.seed, options.restarts, options.hardKill ? "SIGKILL" : "SIGTERM",
        options.dropMinMs, options.dropMaxMs, options.deadlineS, qPrintable(options.workDir));

    QNetworkAccessManager controlNam;
    ControlClient control(&controlNam);
    SandboxProcess sandbox(options.sandboxBin,
        { QStringLiteral("--listen"), QStringLiteral("127.0.0.1"), QStringLiteral("--data"),
            dataDir, QStringLiteral("--speed"), QString::number(options.speed),
            QStringLiteral("--workers"), QString::number(options.workers),
            QStringLiteral("--progress-hz"), QString::number(options.progressHz) },
        work.filePath(QStringLiteral("sandbox.log")));
    SoakRun run(options, &sandbox, &control);

    // The whole run ends by the deadline whatever happens; the follow phase leaves time for the
    // checks.
    const qint64 deadlineMs = qint64(options.deadlineS) * 1000;
    const qint64 followDeadlineMs
        = qMax<qint64>(20000, deadlineMs - qMin<qint64>(120000, deadlineMs / 4));
    QTimer::singleShot(int(deadlineMs), &app, [&] {
        std::fprintf(stderr, "jobscope-soak: the overall deadline of %d s passed; stopping\n",
            options.deadlineS);
        std::printf("SOAK deadline_exceeded=1 seconds=%.1f\n", clock.elapsed() / 1000.0);
        std::fflush(stdout);
        sandbox.stop(true);
        std::_Exit(1);
    });

    bool started = false;
    QObject::connect(&sandbox, &SandboxProcess::ready, &app, [&] {
        if (started)
            return;
        started = true;
        control.setTarget(sandbox.controlUrl(), sandbox.controlToken());
        std::fprintf(stderr, "jobscope-soak: sandbox pid %lld on port %u%s\n", sandbox.pid(),
            unsigned(sandbox.port()),
            sandbox.controlToken().isEmpty() ? " (no control token)" : " (control token)");
        run.start(followDeadlineMs - clock.elapsed());
    });
    QObject::connect(&sandbox, &SandboxProcess::failed, &app, [&](const QString &m) {
        if (started)
            return; // the run notes it and finishes
        std::fprintf(stderr, "jobscope-soak: %s\n", qPrintable(m));
        app.exit(2);
    });
    QObject::connect(&run, &SoakRun::finished, &app, [&] {
        const SoakFigures &f = run.figures();
        std::fprintf(stderr, "jobscope-soak: follow phase over after %.1f s%s; checking\n",
            f.followMs / 1000.0, f.timedOut ? " (deadline)" : "");
        if (!sandbox.isUp()) {
            std::fprintf(
                stderr, "jobscope-soak: the sandbox is not running; nothing to check against\n");
            app.exit(2);
            return;
        }
        SoakCounts counts;
        SoakCheck check(f, run.historyPath(), run.libraryDir(),
            QDir(dataDir).filePath(QStringLiteral("files")), &sandbox, &control);
        QString checkError;
        const bool checked = check.run(&counts, &checkError);
        for (const QString &s : std::as_const(counts.samples))
            std::fprintf(stderr, "  finding: %s\n", qPrintable(s));
        const qint64 sandboxPeak = control.getNow(QStringLiteral("/stats"))
                                       .json.value(QLatin1String("peak_rss_kib"))
                                       .toInteger();
        std::fprintf(stderr,
            "jobscope-soak: peak RSS: soak (session and checks) %lld MiB, sandbox (its last run) "
            "%lld MiB\n",
            peakRssKib() / 1024, sandboxPeak / 1024);
        const QString line = countsLine(counts, f, clock.elapsed() / 1000.0);
        std::printf("%s\n", qPrintable(line));
        std::fflush(stdout);
        sandbox.stop(false);
        if (!checked) {
            std::fprintf(stderr, "jobscope-soak: %s\n", qPrintable(checkError));
            app.exit(2);
            return;
        }
        const bool complete = counts.jobs == options.jobs && !f.timedOut && f.submitErrors == 0
            && f.restarts == options.restarts;
        if (!complete)
            std::fprintf(stderr,
                "jobscope-soak: the run was incomplete (%d of %d jobs accepted, %d refused "
                "submits, %d of %d restarts%s)\n",
                counts.jobs, options.jobs, f.submitErrors, f.restarts, options.restarts,
                f.timedOut ? ", deadline reached" : "");
        app.exit(counts.anyLoss() || !complete ? 1 : 0);
    });

    sandbox.start(0);
    return app.exec();
}
