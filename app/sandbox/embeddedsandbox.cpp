#include "sandbox/embeddedsandbox.h"

#include "sandbox/sandboxserver.h"

#include <QPointer>

namespace Sandbox {

EmbeddedSandbox::EmbeddedSandbox(QString dataDir, QObject *parent)
    : QObject(parent)
    , m_dataDir(std::move(dataDir))
{
    m_thread.setObjectName(QStringLiteral("jobscope-sandbox"));
}

EmbeddedSandbox::~EmbeddedSandbox()
{
    if (m_thread.isRunning()) {
        // The server's sockets belong to its thread: delete it there.
        QMetaObject::invokeMethod(
            m_home,
            [this] {
                delete m_home;
                m_home = nullptr;
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
}

void EmbeddedSandbox::start()
{
    if (m_thread.isRunning())
        return;
    m_home = new QObject;
    m_home->moveToThread(&m_thread);
    m_thread.start();
    QPointer<EmbeddedSandbox> self(this);
    QMetaObject::invokeMethod(
        m_home,
        [this, self, dir = m_dataDir] {
            SandboxServer::Options o;
            o.dataDir = dir;
            auto *server = new SandboxServer(o, m_home);
            QString error;
            const bool ok = server->start(&error);
            const QJsonObject info = ok ? server->info() : QJsonObject();
            if (!ok)
                delete server;
            else
                m_server = server;
            QMetaObject::invokeMethod(
                self.data(),
                [self, ok, info, error] {
                    if (!self)
                        return;
                    if (ok) {
                        self->m_info = info;
                        Q_EMIT self->ready(info);
                    } else {
                        Q_EMIT self->failed(error);
                    }
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

} // namespace Sandbox
