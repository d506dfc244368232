#pragma once

#include "core/operation.h"
#include "store/downloadrecord.h"
#include "store/storedjob.h"

#include <QList>
#include <optional>

namespace Store {

// A read or write of the JobHistory that runs on the history's thread: it reports once, on the
// caller's thread, through Core::Operation::result, with what it read. Failed (failed(), error())
// when the history is not open or the disk refused. Owned by the JobHistory: gone with it, without
// a result.
class HistoryOperation final : public Core::Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryOperation)

public:
    // What the work read; each call fills the part it is about.
    struct Result
    {
        QList<StoredJob> jobs; // loadJobs()
        std::optional<StoredJob> job; // loadJob(), findJob()
        bool idTaken = false; // findJob(): some job is keyed with the id asked for
        QList<DownloadRecord> downloads; // loadDownloads()
        int count = 0; // markPurged(): jobs marked
        QString error; // empty: it worked
    };

    explicit HistoryOperation(QObject *parent = nullptr);
    ~HistoryOperation() override;

    const Result &value() const { return m_result; }
    QList<StoredJob> jobs() const { return m_result.jobs; }
    std::optional<StoredJob> job() const { return m_result.job; }

    // Ends the operation with what the history's thread read (JobHistory calls it).
    void finish(const Result &result);

protected:
    void doStart() override { }

private:
    Result m_result;
};

} // namespace Store
