#pragma once

#include <QString>
#include <QStringList>

namespace Cli {

// What `jobscope-cli keys …` was asked to do (see KeysCommand).
struct KeysRequest
{
    QString action; // set | list | remove | test
    QString profile;
    QString label; // empty: the default for the action
    bool json = false;

    // `arguments`: the CLI's arguments without the program name, e.g. {"--json", "keys", "list",
    // "work"}; the word "keys" is skipped. Options: --label L (or --label=L), --json.
    static bool parse(const QStringList &arguments, KeysRequest *out, QString *error);
    static QString usage();
    // True when `arguments` (as for parse()) name the keys command.
    static bool isKeysCommand(const QStringList &arguments);
};

} // namespace Cli
