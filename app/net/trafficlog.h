#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <deque>

namespace Core {
class Redactor;
}

namespace Net {

// What went over the wire for each job — HTTP requests and responses, SSE connections and events,
// Pusher WebSocket frames and state changes, webhook deliveries — for the Traffic view.
//
// Redaction happens AT RECORD TIME through the Redactor handed to the constructor (not owned; it
// must outlive the log): credential header values, registered secrets and credential query
// parameters never enter the log. Header NAMES, the method, the (redacted) URL and body are kept,
// so curlFor() can rebuild a request with "$JOBSCOPE_KEY" in place of the key.
//
// Bodies are capped at maxBodyBytes() (default 64 KiB) with a "… N bytes more" marker; binary
// bodies are summarised as "<binary, N bytes, mime>". Memory is bounded: at most
// maxEntriesPerJob() entries per job (default 2,000) and maxEntries() overall (default 100,000);
// the oldest are dropped first. Entries with an empty jobId (a Pusher connect, a ping) belong to
// the "" job and are bounded like any other.
//
// Single-threaded: record and read on the log's thread. recorded() fires once per entry,
// synchronously; views coalesce.
class TrafficLog final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficLog)

public:
    enum class Kind {
        HttpRequest,
        HttpResponse,
        SseConnect,
        SseEvent,
        SseDisconnect,
        WsOut,
        WsIn,
        WsState,
        WebhookIn,
    };
    Q_ENUM(Kind)

    using Headers = QList<QPair<QByteArray, QByteArray>>;

    struct Entry
    {
        quint64 seq = 0; // increasing over the log's life, never reused
        qint64 timeMs = 0; // ms since the epoch, when recorded
        QString jobId;
        Kind kind = Kind::HttpRequest;
        QByteArray method; // HTTP method; SSE event type; Pusher event name
        QString url; // redacted; a Pusher channel for WebSocket frames
        int httpStatus = 0;
        Headers headers; // names as sent, values redacted
        QByteArray body; // redacted, capped or summarised
        qint64 bodyBytes = 0; // size of the original body
        QByteArray mime; // Content-Type of the body, if known
        qint64 elapsedMs = -1; // -1: not measured
        QString note; // redacted
    };

    static constexpr int DefaultMaxEntriesPerJob = 2000;
    static constexpr int DefaultMaxEntries = 100000;
    static constexpr qsizetype DefaultMaxBodyBytes = 64 * 1024;

    explicit TrafficLog(const Core::Redactor *redactor, QObject *parent = nullptr);
    ~TrafficLog() override;

    void setMaxEntriesPerJob(int n);
    int maxEntriesPerJob() const { return m_maxPerJob; }
    void setMaxEntries(int n);
    int maxEntries() const { return m_maxTotal; }
    void setMaxBodyBytes(qsizetype bytes);
    qsizetype maxBodyBytes() const { return m_maxBody; }

    // Records one entry: every text field is redacted and the body capped here. Returns its seq.
    quint64 record(Entry entry);

    // Convenience recorders for the transports.
    quint64 recordRequest(const QString &jobId, const QByteArray &method, const QString &url,
        const Headers &headers, const QByteArray &body, const QString &note = {});
    quint64 recordResponse(const QString &jobId, const QByteArray &method, const QString &url,
        int httpStatus, const Headers &headers, const QByteArray &body, qint64 elapsedMs,
        const QString &note = {});

    // Files an entry under another job: e.g. a submit call, recorded before the answer named the
    // job. Emits recorded(jobId, seq) again for the new job. False for an unknown seq.
    bool moveToJob(quint64 seq, const QString &jobId);

    // A job's entries, oldest first (a copy; bodies are shared, so it is cheap).
    QList<Entry> entries(const QString &jobId) const;
    // Only those with seq > afterSeq: what a view has not seen yet.
    QList<Entry> entriesSince(const QString &jobId, quint64 afterSeq) const;
    // The oldest seq still held for the job (0: none).
    quint64 firstSeq(const QString &jobId) const;
    const Entry *entry(quint64 seq) const;
    QStringList jobIds() const { return m_jobs.keys(); }
    int size() const { return m_total; }
    void clear();

    // A paste-ready curl command for an HttpRequest or SseConnect entry (Redactor::curl: the key
    // is "$JOBSCOPE_KEY"); empty for other kinds and unknown seqs.
    QString curlFor(quint64 seq) const;

    static QString kindName(Kind kind);
    // Whether a body of this type is shown as text.
    static bool isTextual(const QByteArray &mime, const QByteArray &body);

Q_SIGNALS:
    void recorded(const QString &jobId, quint64 seq);

private:
    QByteArray shownBody(const QByteArray &body, const QByteArray &mime) const;
    QString maskCutSecret(QString text) const;
    void enforceBounds();

    const Core::Redactor *m_redactor;
    QHash<QString, std::deque<Entry>> m_jobs;
    // Every recorded (seq, job) in order, for the overall bound and lookups by seq. Entries dropped
    // by the per-job bound stay here until the front passes them or a compaction removes them.
    std::deque<QPair<quint64, QString>> m_order;
    quint64 m_nextSeq = 1;
    int m_total = 0;
    int m_maxPerJob = DefaultMaxEntriesPerJob;
    int m_maxTotal = DefaultMaxEntries;
    qsizetype m_maxBody = DefaultMaxBodyBytes;
};

} // namespace Net
