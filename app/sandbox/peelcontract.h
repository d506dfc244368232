#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace Sandbox {

// What a finished Peel build publishes, derived deterministically from its source URL and
// instructions ("Get top stories with title, score, and author" → endpoint get_top_stories whose
// items carry title, score and author), and the runtime behind POST …/endpoints/{name}:call.
class PeelContract final
{
public:
    static QJsonArray endpointsFor(const QString &sourceUrl, const QString &instructions);

    struct CallResult
    {
        int httpStatus = 200;
        QJsonObject envelope; // status, status_code, data, error, error_code, execution_time
    };
    static CallResult call(
        const QJsonObject &endpoint, const QString &sourceUrl, const QJsonObject &input);

    static QJsonObject openApi(const QString &apiId, const QString &baseUrl,
        const QString &sourceUrl, const QString &instructions, const QJsonArray &endpoints,
        int build);
    static QJsonObject mcpManifest(const QString &apiId, const QString &sourceUrl,
        const QString &instructions, const QJsonArray &endpoints);
};

} // namespace Sandbox
