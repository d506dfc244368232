#pragma once

#include "sandbox/dialect.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace Sandbox {

// The failure reason codes the sandbox can produce, per dialect, with the details each document
// attaches to a failure (message, retryability; for Peel the failure artifact).
class FailureCatalog final
{
public:
    struct Failure
    {
        QString code;
        QString message;
        bool retryable = false;
        QString failureClass; // Peel artifact "class"
        QString billing; // Peel artifact billing disposition
        QString suggestedAction; // Peel artifact suggested user action
        QString nonPublishableReason;
    };

    static QStringList codes(Dialect d);
    // The entry for `code`; an unknown code still fails the job, with a generic message.
    static Failure lookup(Dialect d, const QString &code);
    static QString defaultCode(Dialect d);
};

} // namespace Sandbox
