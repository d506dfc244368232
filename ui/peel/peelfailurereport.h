#pragma once

#include "core/joberror.h"

#include <QString>

namespace Ui {

// A failed Peel build's failure artifact as plain text to show and copy: reason code, message,
// class, retryability, billing, suggested action and support_debug_id, then the failure object as
// sent. Reads the JobError the Peel adapter built (details = the record's `failure`). No widgets.
class PeelFailureReport
{
public:
    static QString text(const QString &apiId, const Core::JobError &error);
};

} // namespace Ui
