#pragma once

#include "peelbuilds/buildendpoint.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace PeelBuilds {

// A Peel build's published contract and pending question, read from what the Peel adapter keeps
// in TrackedJob::extra (endpoints, user_input_prompt, links, build, source_url, instructions) or
// from a whole record (GET /v1/apis/{id}: the same keys). Pure, no I/O; never fails: whatever
// cannot be read is skipped and described in problems().
class BuildContract
{
public:
    static BuildContract fromExtra(const QString &apiId, const QJsonObject &extra);
    static BuildContract fromRecord(const QJsonObject &record);

    QString apiId() const { return m_apiId; }
    QList<BuildEndpoint> endpoints() const { return m_endpoints; }
    // nullptr when the contract has no endpoint of that name.
    const BuildEndpoint *endpoint(const QString &name) const;

    // user_input_prompt: present only while the build is needs_input.
    bool hasPrompt() const { return m_hasPrompt; }
    QString promptMessage() const { return m_promptMessage; }
    QJsonObject promptSchema() const { return m_promptSchema; } // input_schema, may be empty
    QJsonObject prompt() const { return m_prompt; } // as sent

    int buildNumber() const { return m_buildNumber; } // 0 when unknown
    QString sourceUrl() const { return m_sourceUrl; }
    QString instructions() const { return m_instructions; }
    QJsonObject links() const { return m_links; }
    QStringList problems() const { return m_problems; }

    // A starting input for a schema: each property's `default`, else `example`, else the first of
    // `examples`; a required property without any of those gets its first enum value or, by type,
    // its minimum, 0, false, "", [] or {}. A schema-level `default` / `example` object wins.
    static QJsonObject exampleInput(const QJsonObject &schema);

private:
    QString m_apiId;
    QList<BuildEndpoint> m_endpoints;
    bool m_hasPrompt = false;
    QString m_promptMessage;
    QJsonObject m_promptSchema;
    QJsonObject m_prompt;
    int m_buildNumber = 0;
    QString m_sourceUrl;
    QString m_instructions;
    QJsonObject m_links;
    QStringList m_problems;
};

} // namespace PeelBuilds
