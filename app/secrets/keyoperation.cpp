#include "secrets/keyoperation.h"

namespace Secrets {

KeyOperation::KeyOperation(Action action, const QString &ref, const QString &key,
    std::function<void(KeyOperation *)> begin, QObject *parent)
    : Core::Operation(parent)
    , m_action(action)
    , m_ref(ref)
    , m_key(key)
    , m_begin(std::move(begin))
{ }

void KeyOperation::doStart()
{
    if (m_begin)
        m_begin(this);
}

void KeyOperation::finish(const QString &key, const Core::JobError &error)
{
    if (isFinished())
        return;
    m_key = error.isError() ? QString() : key;
    emitResult(error);
}

void KeyOperation::fail(Core::JobError::Kind kind, const QString &message)
{
    Core::JobError e;
    e.kind = kind;
    e.message = message;
    finish({}, e);
}

} // namespace Secrets
