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
    emitResult(QStringLiteral("killed"));
}

void Operation::emitResult(const QString &error)
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
