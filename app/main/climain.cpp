// jobscope-cli: the client core, headless, for scripts and CI (see `jobscope-cli --help`).
#include "cli/clioptions.h"
#include "cli/clirunner.h"
#include "cli/keyscommand.h"
#include "cli/sseparsecommand.h"
#include "core/terminaltext.h"

#include <QCoreApplication>
#include <QFile>
#include <QLoggingCategory>
#include <csignal>
#include <unistd.h>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("jobscope-cli"));
    // Diagnostics stay quiet unless asked for (JOBSCOPE_DEBUG=1): stderr is for the command's own
    // sentences, one per failure (every failure the log would tell is reported as one of them).
    if (qEnvironmentVariableIsEmpty("JOBSCOPE_DEBUG"))
        QLoggingCategory::setFilterRules(
            QStringLiteral("*.debug=false\n*.info=false\n*.warning=false"));
    // Whatever is logged may quote a server (an id, a status word): shown, never obeyed.
    qInstallMessageHandler(
        [](QtMsgType, const QMessageLogContext &context, const QString &message) {
            const QByteArray line = "jobscope-cli: "
                + (context.category && qstrcmp(context.category, "default") != 0
                        ? QByteArray(context.category) + ": "
                        : QByteArray())
                + Core::TerminalText::escape(message).toUtf8() + "\n";
            [[maybe_unused]] const ssize_t written
                = ::write(STDERR_FILENO, line.constData(), size_t(line.size()));
        });
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    std::signal(SIGPIPE, SIG_IGN);

    // The descriptors, not the FILE*s: stdio would hold JSON lines back in a block buffer when
    // stdout is a pipe, and a script following `watch` needs each line as it happens.
    QFile out;
    out.open(STDOUT_FILENO, QIODevice::WriteOnly | QIODevice::Unbuffered);
    QFile err;
    err.open(STDERR_FILENO, QIODevice::WriteOnly | QIODevice::Unbuffered);

    Cli::CliOptions options;
    QString error;
    QStringList args = app.arguments();
    args.removeFirst();
    if (Cli::KeysRequest::isKeysCommand(args)) {
        QFile in;
        in.open(stdin, QIODevice::ReadOnly);
        return Cli::KeysCommand::exec(args, &in, &out, &err);
    }
    if (!Cli::CliOptions::parse(args, &options, &error)) {
        err.write("jobscope-cli: " + error.toUtf8() + "\n" + Cli::CliOptions::usage().toUtf8()
            + Cli::KeysRequest::usage().toUtf8());
        return 2;
    }
    if (options.command == QLatin1String("sse-parse")) {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly)) {
            err.write("jobscope-cli: cannot read standard input\n");
            return 3;
        }
        return Cli::SseParseCommand::run(
            &in, &out, options.chunkSize, options.lastEventId.toUtf8());
    }
    Cli::CliRunner runner(options, &out, &err);
    int code = 0;
    bool finished = false;
    QObject::connect(&runner, &Cli::CliRunner::finished, &app, [&](int c) {
        code = c;
        finished = true;
        QCoreApplication::exit(c);
    });
    runner.start();
    // A usage error ends the run inside start(), before there is an event loop to leave.
    if (!finished)
        app.exec();
    return code;
}
