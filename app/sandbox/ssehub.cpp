#include "sandbox/ssehub.h"

#include "sandbox/httpresponse.h"

#include <QDateTime>

namespace Sandbox {

namespace {
constexpr qint64 MaxBacklog
    = 8 * 1024 * 1024; // a client this far behind is cut, not buffered forever
}

SseHub::SseHub(int keepAliveMs, int retryMs, QObject *parent)
    : QObject(parent)
    , m_keepAliveMs(keepAliveMs)
    , m_retryMs(retryMs)
{
    m_keepAlive.setInterval(std::max(100, keepAliveMs / 2));
    connect(&m_keepAlive, &QTimer::timeout, this, &SseHub::keepAlive);
    m_keepAlive.start();
}

SseHub::~SseHub()
{
    dropAll();
}

QByteArray SseHub::format(const StreamEvent &event)
{
    QByteArray out;
    out.reserve(event.data.size() + event.type.size() + 32);
    out += "id: " + QByteArray::number(event.id) + '\n';
    out += "event: " + event.type + '\n';
    for (const QByteArray &line : event.data.split('\n'))
        out += "data: " + line + '\n';
    out += '\n';
    return out;
}

void SseHub::open(QPointer<QTcpSocket> socket, const Job &job, qint64 lastEventId)
{
    if (!socket)
        return;
    HttpResponse::writeHead(socket, 200,
        { { "Content-Type", "text/event-stream; charset=utf-8" }, { "Cache-Control", "no-cache" },
            { "X-Accel-Buffering", "no" } },
        -1, true);
    socket->write("retry: " + QByteArray::number(m_retryMs) + "\n\n");
    auto *s = new Stream { socket, job.id, 0, job.control.dropAfterEvents,
        QDateTime::currentMSecsSinceEpoch() };
    m_streams[job.id].append(s);
    connect(socket, &QTcpSocket::disconnected, this, [this, s] {
        QList<Stream *> &list = m_streams[s->jobId];
        if (list.removeOne(s)) {
            if (list.isEmpty())
                m_streams.remove(s->jobId);
            delete s;
        }
    });
    for (const StreamEvent &e : job.events) {
        if (e.id > lastEventId && !send(s, e, format(e)))
            return;
    }
    if (job.isTerminal() && !job.events.isEmpty() && job.events.last().type == "end")
        close(s);
}

bool SseHub::send(Stream *s, const StreamEvent &event, const QByteArray &frame)
{
    if (!s->socket || s->socket->state() != QAbstractSocket::ConnectedState)
        return false;
    if (s->socket->bytesToWrite() > MaxBacklog) {
        close(s);
        return false;
    }
    s->socket->write(frame);
    s->lastWriteMs = QDateTime::currentMSecsSinceEpoch();
    ++s->sent;
    if (event.type == "end" || (s->dropAfter > 0 && s->sent >= s->dropAfter)) {
        close(s);
        return false;
    }
    return true;
}

void SseHub::close(Stream *s)
{
    if (s->socket)
        s->socket->disconnectFromHost(); // flushes what was written, then closes
}

void SseHub::publish(const Job &job, const StreamEvent &event)
{
    const auto it = m_streams.constFind(job.id);
    if (it == m_streams.constEnd())
        return;
    const QList<Stream *> streams = *it; // send() may close and remove
    const QByteArray frame = format(event);
    for (Stream *s : streams)
        send(s, event, frame);
}

int SseHub::dropJob(const QString &jobId)
{
    const QList<Stream *> streams = m_streams.value(jobId);
    for (Stream *s : streams) {
        if (s->socket)
            s->socket->abort();
    }
    return int(streams.size());
}

int SseHub::dropAll()
{
    int n = 0;
    const QStringList ids = m_streams.keys();
    for (const QString &id : ids)
        n += dropJob(id);
    return n;
}

int SseHub::streamCount() const
{
    int n = 0;
    for (const auto &list : m_streams)
        n += int(list.size());
    return n;
}

void SseHub::keepAlive()
{
    const qint64 t = QDateTime::currentMSecsSinceEpoch();
    for (const auto &list : std::as_const(m_streams)) {
        for (Stream *s : list) {
            if (s->socket && t - s->lastWriteMs >= m_keepAliveMs) {
                s->socket->write(": keep-alive\n\n");
                s->lastWriteMs = t;
            }
        }
    }
}

} // namespace Sandbox
