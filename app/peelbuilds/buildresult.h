#pragma once

#include "core/joberror.h"
#include "core/jobupdate.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QMetaType>
#include <QString>
#include <optional>

namespace PeelBuilds {

// What one BuildActions request came back with (BuildOperation::outcome()).
// - error.kind None: a 2xx answer (for call: a 2xx envelope). Otherwise the error value built by
//   the adapter's errorFrom (HTTP status, provider code, the service's own sentence as message),
//   or Protocol when a 2xx body was not the JSON it should be, or Invalid when the profile cannot
//   make the request (not a Peel profile, an unknown export format).
// - body is the answer as received; json its parse when it is JSON (also for error answers, so a
//   400 runtime envelope can still be shown).
// - record: respond, revise and rebuild answer with the API record; it is read with the adapter's
//   parseStatus so the caller can hand it to the tracker.
struct BuildResult
{
    enum class Action { Respond, Revise, Rebuild, Health, Export, Call };

    Action action = Action::Health;
    QString apiId;
    QString detail; // Call: the endpoint name; Export: the format
    int httpStatus = 0;
    QByteArray body;
    QJsonDocument json;
    Core::JobError error;
    qint64 elapsedMs = 0; // round trip, as measured by the client
    std::optional<Core::JobUpdate> record;

    bool ok() const { return !error.isError(); }
    static QString actionName(Action a)
    {
        switch (a) {
        case Action::Respond:
            return QStringLiteral("respond");
        case Action::Revise:
            return QStringLiteral("revise");
        case Action::Rebuild:
            return QStringLiteral("rebuild");
        case Action::Health:
            return QStringLiteral("health");
        case Action::Export:
            return QStringLiteral("export");
        case Action::Call:
            return QStringLiteral("call");
        }
        return {};
    }
};

} // namespace PeelBuilds

Q_DECLARE_METATYPE(PeelBuilds::BuildResult)
