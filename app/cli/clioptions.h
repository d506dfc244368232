#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

namespace Cli {

// Everything jobscope-cli was asked to do, as parsed from its arguments (see parse()).
struct CliOptions
{
    // connection
    QString profile;
    QString dialect;
    QString baseUrl;
    QString apiKeyEnv;
    QString wsUrl;
    QString pusherKey;
    QString clientId;
    QString authUrl;
    QString webhookSecretEnv;
    bool allowInsecure = false;
    bool json = false;

    // command
    QString command;
    QStringList args;
    QString input; // file path, or "-" for stdin
    QList<QPair<QString, QString>> sets;
    QString callbackUrl;
    bool wait = false;
    QString via = QStringLiteral("auto");
    QString downloadDir;
    QString task; // status/watch: the submit path (ImagePipeline needs it to find the status route)
    int chunkSize = 4096;
    QString lastEventId;
    int timeoutS = 0; // 0: none
    int count = 1; // submit: how many jobs of the same input

    // Parses argv (without the program name). On a usage error returns false with one sentence.
    static bool parse(const QStringList &arguments, CliOptions *out, QString *error);
    static QString usage();
};

} // namespace Cli
