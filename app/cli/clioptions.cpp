#include "cli/clioptions.h"

namespace Cli {

QString CliOptions::usage()
{
    return QStringLiteral(
        "usage: jobscope-cli [--profile NAME | --dialect D --base-url URL] [--api-key-env VAR]\n"
        "                    [--ws-url URL --pusher-key K --client-id ID --auth-url URL] "
        "[--webhook-secret-env VAR]\n"
        "                    [--allow-insecure] [--json] COMMAND ...\n"
        "  submit TASK [--input FILE|-] [--set key=value]... [--callback-url URL]\n"
        "              [--wait] [--via auto|sse|pusher|poll|webhook] [--download DIR] [--timeout "
        "S] [--count N]\n"
        "  status ID [--task TASK] | watch ID [--task TASK] [--via ...] [--download DIR] "
        "[--timeout S] | list | cancel ID\n"
        "  respond ID --input FILE | call API_ID ENDPOINT --input FILE | logs ID | download ID "
        "--to DIR\n"
        "  resume [--timeout S]   re-attach to every unfinished job and download of the history "
        "and wait\n"
        "  sse-parse [--chunk-size N] [--last-event-id ID]\n"
        "D is one of peelapi, imagepipeline, peel, peako, deapi. The API key is read from the "
        "environment\n"
        "variable named by --api-key-env (never from the command line) and never printed.\n"
        "--timeout S is an overall deadline for any command: when it passes, the command stops "
        "with exit 3.\n"
        "Exit status: 0 done / succeeded, 1 refused / failed / cancelled, 2 usage, 3 auth, network "
        "or protocol error,\n"
        "4 the job needs input.\n");
}

bool CliOptions::parse(const QStringList &arguments, CliOptions *o, QString *error)
{
    const QStringList valued { QStringLiteral("--profile"), QStringLiteral("--dialect"),
        QStringLiteral("--base-url"), QStringLiteral("--api-key-env"), QStringLiteral("--ws-url"),
        QStringLiteral("--pusher-key"), QStringLiteral("--client-id"), QStringLiteral("--auth-url"),
        QStringLiteral("--input"), QStringLiteral("--set"), QStringLiteral("--callback-url"),
        QStringLiteral("--via"), QStringLiteral("--download"), QStringLiteral("--chunk-size"),
        QStringLiteral("--last-event-id"), QStringLiteral("--task"), QStringLiteral("--timeout"),
        QStringLiteral("--to"), QStringLiteral("--webhook-secret-env"), QStringLiteral("--count") };
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        QString arg = arguments.at(i);
        QString value;
        bool hasInlineValue = false;
        if (arg.startsWith(QLatin1String("--")) && arg.contains(QLatin1Char('='))) {
            value = arg.section(QLatin1Char('='), 1);
            arg = arg.section(QLatin1Char('='), 0, 0);
            hasInlineValue = true;
        }
        if (arg == QLatin1String("-")) {
            o->args.append(arg);
            continue;
        }
        if (!arg.startsWith(QLatin1String("--"))) {
            if (o->command.isEmpty())
                o->command = arg;
            else
                o->args.append(arg);
            continue;
        }
        if (valued.contains(arg) && !hasInlineValue) {
            if (i + 1 >= arguments.size()) {
                *error = QStringLiteral("%1 needs a value.").arg(arg);
                return false;
            }
            value = arguments.at(++i);
        }
        if (arg == QLatin1String("--profile"))
            o->profile = value;
        else if (arg == QLatin1String("--dialect"))
            o->dialect = value;
        else if (arg == QLatin1String("--base-url"))
            o->baseUrl = value;
        else if (arg == QLatin1String("--api-key-env"))
            o->apiKeyEnv = value;
        else if (arg == QLatin1String("--ws-url"))
            o->wsUrl = value;
        else if (arg == QLatin1String("--pusher-key"))
            o->pusherKey = value;
        else if (arg == QLatin1String("--client-id"))
            o->clientId = value;
        else if (arg == QLatin1String("--auth-url"))
            o->authUrl = value;
        else if (arg == QLatin1String("--webhook-secret-env"))
            o->webhookSecretEnv = value;
        else if (arg == QLatin1String("--input"))
            o->input = value;
        else if (arg == QLatin1String("--callback-url"))
            o->callbackUrl = value;
        else if (arg == QLatin1String("--via"))
            o->via = value;
        else if (arg == QLatin1String("--download") || arg == QLatin1String("--to"))
            o->downloadDir = value;
        else if (arg == QLatin1String("--last-event-id"))
            o->lastEventId = value;
        else if (arg == QLatin1String("--task"))
            o->task = value;
        else if (arg == QLatin1String("--json"))
            o->json = true;
        else if (arg == QLatin1String("--wait"))
            o->wait = true;
        else if (arg == QLatin1String("--allow-insecure"))
            o->allowInsecure = true;
        else if (arg == QLatin1String("--set")) {
            const qsizetype eq = value.indexOf(QLatin1Char('='));
            if (eq <= 0) {
                *error = QStringLiteral("--set takes key=value, not \"%1\".").arg(value);
                return false;
            }
            o->sets.append({ value.left(eq), value.mid(eq + 1) });
        } else if (arg == QLatin1String("--chunk-size")) {
            bool ok = false;
            o->chunkSize = value.toInt(&ok);
            if (!ok || o->chunkSize < 1) {
                *error = QStringLiteral("--chunk-size takes a positive number of bytes.");
                return false;
            }
        } else if (arg == QLatin1String("--count")) {
            bool ok = false;
            o->count = value.toInt(&ok);
            if (!ok || o->count < 1 || o->count > 500) {
                *error = QStringLiteral("--count takes a number of jobs from 1 to 500.");
                return false;
            }
        } else if (arg == QLatin1String("--timeout")) {
            bool ok = false;
            o->timeoutS = value.toInt(&ok);
            if (!ok || o->timeoutS < 1) {
                *error = QStringLiteral("--timeout takes a positive number of seconds.");
                return false;
            }
        } else if (arg == QLatin1String("--help")) {
            o->command = QStringLiteral("help");
        } else {
            *error = QStringLiteral("Unknown option %1.").arg(arg);
            return false;
        }
    }
    const QStringList vias { QStringLiteral("auto"), QStringLiteral("sse"),
        QStringLiteral("pusher"), QStringLiteral("poll"), QStringLiteral("webhook") };
    if (!vias.contains(o->via)) {
        *error = QStringLiteral("--via takes auto, sse, pusher, poll or webhook, not \"%1\".")
                     .arg(o->via);
        return false;
    }
    if (o->count > 1 && o->wait) {
        *error = QStringLiteral("--count submits several jobs and records them; follow them with "
                                "`jobscope-cli resume` instead of --wait.");
        return false;
    }
    // --download implies --wait (with --count, the folder is recorded for `resume`).
    if (!o->downloadDir.isEmpty() && o->count == 1
        && (o->command == QLatin1String("submit") || o->command == QLatin1String("watch")))
        o->wait = true;
    if (o->command.isEmpty()) {
        *error = QStringLiteral("No command given.");
        return false;
    }
    struct Arity
    {
        const char *name;
        int min;
        int max;
    };
    const Arity table[]
        = { { "submit", 1, 1 }, { "status", 1, 1 }, { "watch", 1, 1 }, { "list", 0, 0 },
              { "cancel", 1, 1 }, { "respond", 1, 1 }, { "call", 2, 2 }, { "logs", 1, 1 },
              { "sse-parse", 0, 0 }, { "help", 0, 99 }, { "download", 1, 1 }, { "resume", 0, 0 } };
    for (const Arity &a : table) {
        if (o->command == QLatin1String(a.name)) {
            if (o->args.size() < a.min || o->args.size() > a.max) {
                *error = QStringLiteral("%1 takes %2 argument%3.")
                             .arg(o->command)
                             .arg(a.min)
                             .arg(a.min == 1 ? QString() : QStringLiteral("s"));
                return false;
            }
            if ((o->command == QLatin1String("respond") || o->command == QLatin1String("call"))
                && o->input.isEmpty()) {
                *error = QStringLiteral(
                    "%1 needs --input FILE (the exact JSON body the service expects).")
                             .arg(o->command);
                return false;
            }
            return true;
        }
    }
    *error = QStringLiteral("Unknown command \"%1\".").arg(o->command);
    return false;
}

} // namespace Cli
