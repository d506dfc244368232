#pragma once

#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace Qa {

// The answer to one /_sandbox control request: the HTTP status (0 when the sandbox did not
// answer), the reason text (the server's "error" on 4xx/5xx, the network message without an
// answer), and the JSON body (a job record for GET /_sandbox/jobs/{id}; {"ok", "job"} summaries
// for actions).
struct ControlResult
{
    QString action; // "job", "failures", "advance", "hold", "release", "fail", "cancel",
                    // "ask-input", "expire", "drop"
    QString jobId;
    int httpStatus = 0;
    QString reason;
    QJsonObject body;

    bool ok() const { return httpStatus >= 200 && httpStatus < 300; }
};

} // namespace Qa

Q_DECLARE_METATYPE(Qa::ControlResult)
