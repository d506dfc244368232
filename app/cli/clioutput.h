#pragma once

#include "core/joberror.h"
#include "core/jobupdate.h"
#include "core/redactor.h"
#include "downloads/downloadqueue.h"
#include "tracker/jobtracker.h"

#include <QJsonObject>

class QIODevice;

namespace Cli {

// Everything a jobscope-cli command prints: one JSON object per line on `out` with --json,
// readable lines otherwise; sentences (failures, notices) on `err`, prefixed "jobscope-cli: ".
// Every byte passes the redactor (a key a server echoes is never shown) and, for human output,
// TerminalText (a server's ESC sequences are shown, not obeyed); JSON is escaped by its writer.
// Jobs are named by the service's id (the tracker key may differ, see JobTracker::newKey()).
class CliOutput final
{
public:
    CliOutput(QIODevice *out, QIODevice *err, bool json);

    Core::Redactor *redactor() { return &m_redactor; }
    bool json() const { return m_json; }

    // Our own text (the usage), written as it is.
    void printText(const QString &text);
    void printJson(const QJsonObject &o);
    void printHuman(const QString &line);
    void note(const QString &sentence);

    // The exit code a failed request or job ends the run with (see CliRunner).
    static int exitCodeFor(const Core::JobError &e);
    static QJsonObject errorJson(const Core::JobError &e);
    // With --json: the error event of a job (null job: none yet); `via` when not empty.
    void printErrorEvent(const QString &jobId, const Core::JobError &e, const QString &via = {});

    void printStatus(const Tracker::TrackedJob &job, const QString &via);
    void printUpdate(const Tracker::TrackedJob &job, Tracker::JobTracker::Changes changes,
        const Core::JobUpdate &u);
    void printEnd(const Tracker::TrackedJob &job);
    void printLog(const QString &jobId, const Core::LogLine &line, const QString &via);
    void printFile(const Downloads::DownloadQueue::File &file, const QString &jobId);

private:
    QIODevice *m_out;
    QIODevice *m_err;
    bool m_json;
    Core::Redactor m_redactor;
};

} // namespace Cli
