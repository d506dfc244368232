#include "cli/keysrequest.h"

namespace Cli {

QString KeysRequest::usage()
{
    return QStringLiteral(
        "usage: jobscope-cli keys set PROFILE [--label L]   (the key is read from standard input)\n"
        "       jobscope-cli keys list PROFILE [--json]\n"
        "       jobscope-cli keys remove PROFILE [--label L]\n"
        "       jobscope-cli keys test PROFILE [--json]\n");
}

bool KeysRequest::isKeysCommand(const QStringList &arguments)
{
    for (const QString &arg : arguments) {
        if (!arg.startsWith(QLatin1String("--")))
            return arg == QLatin1String("keys");
    }
    return false;
}

bool KeysRequest::parse(const QStringList &arguments, KeysRequest *out, QString *error)
{
    KeysRequest r;
    QStringList words;
    bool labelGiven = false;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        if (arg == QLatin1String("--json")) {
            r.json = true;
        } else if (arg == QLatin1String("--label") || arg.startsWith(QLatin1String("--label="))) {
            if (arg.contains(QLatin1Char('='))) {
                r.label = arg.section(QLatin1Char('='), 1);
            } else if (i + 1 < arguments.size()) {
                r.label = arguments.at(++i);
            } else {
                *error = QStringLiteral("--label needs a name.");
                return false;
            }
            labelGiven = true;
        } else if (arg.startsWith(QLatin1String("--"))) {
            *error = QStringLiteral("keys does not take %1.").arg(arg);
            return false;
        } else {
            words.append(arg);
        }
    }
    if (words.value(0) == QLatin1String("keys"))
        words.removeFirst();
    if (words.size() != 2) {
        *error
            = QStringLiteral("keys takes an action (set, list, remove, test) and a profile name.");
        return false;
    }
    r.action = words.at(0);
    r.profile = words.at(1);
    static const QStringList actions { QStringLiteral("set"), QStringLiteral("list"),
        QStringLiteral("remove"), QStringLiteral("test") };
    if (!actions.contains(r.action)) {
        *error = QStringLiteral("Unknown keys action \"%1\"; use set, list, remove or test.")
                     .arg(r.action);
        return false;
    }
    if (labelGiven && (r.label.trimmed().isEmpty() || r.label.contains(QLatin1Char('/')))) {
        *error = QStringLiteral("A key label must not be empty or contain '/'.");
        return false;
    }
    if (labelGiven && (r.action == QLatin1String("list") || r.action == QLatin1String("test"))) {
        *error = QStringLiteral("keys %1 uses the active key; --label is for set and remove.")
                     .arg(r.action);
        return false;
    }
    *out = r;
    return true;
}

} // namespace Cli
