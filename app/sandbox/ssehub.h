#pragma once

#include "sandbox/job.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace Sandbox {

// The open Server-Sent Events streams of PeelAPI jobs. open() writes the response head and a
// `retry:` line, replays the job's events after Last-Event-ID, then keeps the stream for live
// events; the stream ends (the server closes it) after the `end` event. A comment line is sent
// as keep-alive when a stream has been quiet. QA can cut streams: after N events per connection
// (the job's drop_after_events) or all at once.
class SseHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SseHub)

public:
    explicit SseHub(int keepAliveMs, int retryMs, QObject *parent = nullptr);
    ~SseHub() override;

    void open(QPointer<QTcpSocket> socket, const Job &job, qint64 lastEventId);
    void publish(const Job &job, const StreamEvent &event);
    int dropJob(const QString &jobId);
    int dropAll();
    int streamCount() const;

    static QByteArray format(const StreamEvent &event);

private:
    struct Stream
    {
        QPointer<QTcpSocket> socket;
        QString jobId;
        int sent = 0;
        int dropAfter = 0;
        qint64 lastWriteMs = 0;
    };
    // `frame` is format(event), made once per event whatever the number of streams.
    bool send(Stream *s, const StreamEvent &event, const QByteArray &frame); // false when closed
    void close(Stream *s);
    void keepAlive();

    QHash<QString, QList<Stream *>> m_streams;
    QTimer m_keepAlive;
    int m_keepAliveMs;
    int m_retryMs;
};

} // namespace Sandbox
