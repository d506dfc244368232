#pragma once

#include "net/trafficlog.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QTcpServer>
#include <QUrl>
#include <deque>
#include <functional>
#include <memory>

class QTcpSocket;

namespace Net {

// A small HTTP/1.1 listener on a loopback address that receives provider webhooks, so a job can be
// submitted with callback_url / webhook_url = url(scheme) and its result arrive without polling.
//
// Security model: it only ever listens on 127.0.0.0/8 or ::1 (listen() refuses anything else).
// Each provider is a scheme registered with addScheme(): its signature header carries
// "sha256=<hex HMAC-SHA256(secret, timestamp + '.' + raw body)>", its timestamp header the Unix
// seconds the signature was made. A delivery is accepted only when the signature matches
// (compared in constant time) and the timestamp is within timestampWindowSecs() of now (a
// replay otherwise). A second delivery of an already verified X-Webhook-Id answers 200, so the
// sender stops retrying, but is flagged duplicate and not passed on.
//
// Routes: POST /webhooks/{scheme} verifies with that scheme; POST /webhooks picks the registered
// scheme whose signature header is present. Answers: 200 verified / duplicate, 401 missing or bad
// signature, 400 stale timestamp (or a malformed request), 413 body over maxBodyBytes() (default
// 1 MiB, refused from the Content-Length before any body is read), 431 head over maxHeaderBytes(),
// 404 other paths, 405 other methods, 411 no Content-Length, 501 Transfer-Encoding, 503 while
// setFailNext() is counting down. Every answer closes the connection. A request that is not
// complete within readTimeoutMs() (default 10 s) is cut, so a silent client cannot hold a socket;
// at most maxConnections() are open at once.
//
// Records: every request that got an HTTP answer is kept in deliveries() (the newest
// maxRecorded(), default 1000) with its headers, where credentials and signatures are replaced by
// "[redacted]" (secrets are never stored or logged), and signalled through delivery(). Verified,
// non-duplicate deliveries also emit received(scheme, body).
class WebhookInbox final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookInbox)

public:
    enum class Verdict {
        Verified,
        Duplicate,
        BadSignature,
        NoSignature,
        StaleTimestamp,
        TooLarge,
        NotFound, // a path that is not a webhook route (or an unknown scheme)
        BadRequest, // a malformed or unsupported request (400, 405, 411, 431, 501)
        Refused, // answered 503 by setFailNext()
    };
    Q_ENUM(Verdict)

    struct Delivery
    {
        QDateTime receivedAt; // UTC
        QByteArray method;
        QString path; // without the query
        QString scheme; // the scheme that was checked, if any
        QList<QPair<QByteArray, QByteArray>> headers; // as received, secrets redacted
        QByteArray body; // empty when it was not read (too large, not found)
        QByteArray webhookId; // X-Webhook-Id, if sent
        Verdict verdict = Verdict::BadRequest;
        int httpStatus = 0;
        QString detail; // why, in words
    };

    static constexpr qint64 DefaultMaxBodyBytes = 1024 * 1024;
    static constexpr qsizetype DefaultMaxHeaderBytes = 16 * 1024;
    static constexpr int DefaultReadTimeoutMs = 10000;
    static constexpr int DefaultTimestampWindowSecs = 300;

    explicit WebhookInbox(QObject *parent = nullptr);
    ~WebhookInbox() override;

    // Only loopback addresses: anything else returns false with *error set. port 0 picks one.
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0,
        QString *error = nullptr);
    void close();
    bool isListening() const { return m_server.isListening(); }
    // http://127.0.0.1:PORT/webhooks[/scheme]; empty while not listening.
    QUrl url(const QString &scheme = {}) const;

    // name: letters, digits, '.', '_', '-'. Replaces a scheme of the same name. The secret stays
    // in memory only.
    bool addScheme(const QString &name, const QByteArray &signatureHeader,
        const QByteArray &timestampHeader, const QByteArray &secret);
    QStringList schemes() const { return m_schemes.keys(); }

    void setMaxBodyBytes(qint64 bytes) { m_maxBodyBytes = std::max<qint64>(0, bytes); }
    qint64 maxBodyBytes() const { return m_maxBodyBytes; }
    void setMaxHeaderBytes(qsizetype bytes) { m_maxHeaderBytes = std::max<qsizetype>(256, bytes); }
    qsizetype maxHeaderBytes() const { return m_maxHeaderBytes; }
    void setReadTimeoutMs(int ms) { m_readTimeoutMs = std::max(1, ms); }
    int readTimeoutMs() const { return m_readTimeoutMs; }
    void setTimestampWindowSecs(int secs) { m_windowSecs = std::max(0, secs); }
    int timestampWindowSecs() const { return m_windowSecs; }
    void setMaxConnections(int n) { m_maxConnections = std::max(1, n); }
    int maxConnections() const { return m_maxConnections; }
    void setMaxRecorded(int n);
    int maxRecorded() const { return m_maxRecorded; }

    // Test hook: the next n requests to a webhook route are answered 503 (verdict Refused)
    // without being verified, to exercise a sender's retries.
    void setFailNext(int n) { m_failNext = std::max(0, n); }

    // Optional capture: every answered request is recorded in `log` as a WebhookIn entry (its
    // verdict in the note), filed under the job jobIdOf(scheme, body) names ("" when it names none
    // or is not set). Null (the default) records nothing.
    using JobIdReader = std::function<QString(const QString &scheme, const QByteArray &body)>;
    void setTrafficLog(TrafficLog *log, JobIdReader jobIdOf = {});

    QList<Delivery> deliveries() const;
    void clearDeliveries() { m_deliveries.clear(); }
    int openConnections() const { return m_open; }

    static QString verdictName(Verdict verdict);

Q_SIGNALS:
    void delivery(const Net::WebhookInbox::Delivery &delivery);
    void received(const QString &scheme, const QByteArray &body);

private:
    struct Scheme
    {
        QByteArray signatureHeader;
        QByteArray timestampHeader;
        QByteArray secret;
    };
    struct Connection;

    void accept();
    void readMore(const std::shared_ptr<Connection> &c);
    bool parseHead(const std::shared_ptr<Connection> &c, const QByteArray &head);
    void complete(const std::shared_ptr<Connection> &c);
    void verify(const Connection &c, Delivery *d);
    void answer(const std::shared_ptr<Connection> &c, Delivery d, bool bodyRead);
    bool isSensitiveHeader(const QByteArray &name) const;

    QTcpServer m_server;
    QHash<QString, Scheme> m_schemes;
    std::deque<Delivery> m_deliveries;
    QSet<QByteArray> m_seenIds;
    std::deque<QByteArray> m_seenOrder; // bounds m_seenIds
    qint64 m_maxBodyBytes = DefaultMaxBodyBytes;
    qsizetype m_maxHeaderBytes = DefaultMaxHeaderBytes;
    int m_readTimeoutMs = DefaultReadTimeoutMs;
    int m_windowSecs = DefaultTimestampWindowSecs;
    int m_maxConnections = 32;
    int m_maxRecorded = 1000;
    int m_failNext = 0;
    int m_open = 0;
    QPointer<TrafficLog> m_traffic;
    JobIdReader m_jobIdOf;
};

} // namespace Net
