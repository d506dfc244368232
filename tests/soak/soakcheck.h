#pragma once

#include "controlclient.h"
#include "soakrun.h"

#include <QString>
#include <QStringList>

namespace Soak {

class SandboxProcess;

// The soak's verdict, read after the session has closed its history: every count of loss is zero
// on a good run.
struct SoakCounts
{
    int jobs = 0; // jobs the session accepted
    int finalOk = 0; // history state and raw status = the sandbox's, and terminal
    int wrongState = 0; // any other job (including a job missing from the history)
    int succeeded = 0; // by the sandbox's view
    int failed = 0;
    int fatal = 0; // jobs the session gave up on
    int sandboxLost = 0; // jobs the sandbox accepted and no longer knows after a restart
    int dupTimeline = 0; // timeline rows repeating a transition, output, error or end of their job
    int lostLogLines = 0; // PeelAPI log events the sandbox streamed that the history lacks
    int dupLogLines = 0; // … that the history holds more than once
    int timelineRows = 0; // timeline rows checked
    int logLines = 0; // PeelAPI log events checked
    int filesExpected = 0; // outputs of succeeded jobs, by the sandbox's record
    int filesOk = 0; // downloaded, byte-identical (size + SHA-256) to the sandbox's file
    int mismatched = 0; // a downloaded file whose bytes match no output (or not its own record)
    int missing = 0; // an output never downloaded completely
    int partsLeft = 0; // .part files left in the library
    int fetched = 0; // result URLs read fresh from a status read and fetched again
    int fetchMismatched = 0;
    int viewsDisagree = 0; // the dialect route and the control route disagree (a sandbox fault)
    int orphans = 0; // sandbox jobs the session never heard of (a submit cut by a kill)
    int lossJobs = 0; // jobs with any loss above
    int lossJobsNotRolledBack = 0; // … of which the sandbox's restart had not rolled back
    QStringList samples; // the first few findings, for the report

    bool anyLoss() const
    {
        return wrongState || sandboxLost || dupTimeline || lostLogLines || dupLogLines || mismatched
            || missing || partsLeft || fetchMismatched || viewsDisagree;
    }
};

// Compares what the session wrote (history SQLite, library files) with the sandbox's own view of
// every job: its control record (state, raw status, SSE events, outputs with SHA-256), its result
// files on disk, and a fresh status read through each dialect's own route.
class SoakCheck final
{
public:
    SoakCheck(const SoakFigures &figures, QString historyPath, QString libraryDir,
        QString sandboxFiles, SandboxProcess *sandbox, ControlClient *control);

    // false with `error` set when the history cannot be read at all.
    bool run(SoakCounts *counts, QString *error);

private:
    void sample(SoakCounts *c, const QString &s);

    const SoakFigures &m_figures;
    QString m_historyPath;
    QString m_libraryDir;
    QString m_sandboxFiles;
    SandboxProcess *m_sandbox;
    ControlClient *m_control;
};

} // namespace Soak
