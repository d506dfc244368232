#pragma once

#include <QJsonObject>
#include <QString>

namespace PeelBuilds {

// One endpoint a completed Peel build published, as read by BuildContract. `method` is the
// method the endpoint declares for its upstream source ("GET"); the runtime call itself is always
// `POST {callPath}` (`…/endpoints/{name}:call`), relative to the profile's base URL.
struct BuildEndpoint
{
    QString name; // endpoint_name
    QString method; // as declared, upper case; empty when the record gave none
    QString callPath; // "/v1/apis/{id}/endpoints/{name}:call"
    QString description;
    QString type; // endpoint_type ("data", …)
    int creditCost = -1; // credit_cost, -1 when absent
    QJsonObject inputSchema;
    QJsonObject outputSchema;
    QJsonObject raw; // the endpoint object as sent (runtime_policy, runtime_verification, …)
};

} // namespace PeelBuilds
