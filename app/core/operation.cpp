#include "core/operation.h"

#include <QTimer>

namespace Core {

Operation::Operation(QObject *parent)
    : QObject(parent)
{ }

Operation::~Operation() = default;

void Operation::start()
{
    if (m_started)
        return;
    m_started = true;
    QTimer::singleShot(0, this, [this] {
        if (!m_finished)
            doStart();
    });
}

void Operation::kill()
{
    if (m_finished)
        return;
    doKill();
    Core::JobError e;
    e.kind = Core::JobError::Kind::Cancelled;
    e.message = QStringLiteral("killed");
    emitResult(e);
}

void Operation::emitResult(const QString &error)
{
    Core::JobError e;
    if (!error.isEmpty()) {
        e.kind = Core::JobError::Kind::Network;
        e.message = error;
    }
    emitResult(e);
}

void Operation::emitResult(const Core::JobError &error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = error;
    Q_EMIT result(this);
    if (m_autoDelete)
        deleteLater();
}

} // namespace Core
