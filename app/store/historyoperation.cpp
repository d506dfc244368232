#include "store/historyoperation.h"

namespace Store {

HistoryOperation::HistoryOperation(QObject *parent)
    : Core::Operation(parent)
{ }

HistoryOperation::~HistoryOperation() = default;

void HistoryOperation::finish(const Result &result)
{
    if (isFinished())
        return;
    m_result = result;
    Core::JobError e;
    if (!result.error.isEmpty()) {
        e.kind = Core::JobError::Kind::Protocol;
        e.message = result.error;
    }
    emitResult(e);
}

} // namespace Store
