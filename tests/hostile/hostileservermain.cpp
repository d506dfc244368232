// jobscope-hostile-server: the hostile-server suite's misbehaving service, in its own process so
// the client under test is measured alone. Usage: jobscope-hostile-server --spec JSON (see
// hostileserver.h). Prints {"event":"listening","port":P,"other_port":Q} first, then one JSON line
// per request and per streamed answer's end. Exits when its standard input closes (the test went
// away), so a crashed test leaves no server streaming gigabytes behind.
#include "hostileserver.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <csignal>
#include <unistd.h>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    const QStringList args = app.arguments();
    const qsizetype at = args.indexOf(QStringLiteral("--spec"));
    QJsonParseError pe;
    const QJsonDocument spec
        = QJsonDocument::fromJson(at > 0 ? args.value(at + 1).toUtf8() : QByteArray(), &pe);
    if (!spec.isObject()) {
        fprintf(stderr, "jobscope-hostile-server: --spec needs a JSON object (%s)\n",
            qPrintable(pe.errorString()));
        return 2;
    }
    Hostile::HostileServer server(spec.object());
    QString error;
    if (!server.listen(&error)) {
        fprintf(stderr, "jobscope-hostile-server: cannot listen: %s\n", qPrintable(error));
        return 3;
    }
    QSocketNotifier stdinWatch(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&stdinWatch, &QSocketNotifier::activated, &app, [&] {
        char buf[256];
        if (::read(STDIN_FILENO, buf, sizeof buf) <= 0)
            QCoreApplication::quit();
    });
    server.log(QJsonObject { { QLatin1String("event"), QStringLiteral("listening") },
        { QLatin1String("port"), server.port() },
        { QLatin1String("other_port"), server.otherPort() } });
    return app.exec();
}
