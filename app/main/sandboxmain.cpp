// jobscope-sandbox: the five job-API dialects served locally (see docs/sandbox.md).
#include "sandbox/sandboxserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_signalFd[2] = { -1, -1 };

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalFd[0], &c, 1);
}

void printBanner(const QJsonObject &info)
{
    const QJsonObject d = info.value(QLatin1String("dialects")).toObject();
    auto key = [&](const char *name) {
        return d.value(QLatin1String(name)).toObject().value(QLatin1String("api_key")).toString();
    };
    auto base = [&](const char *name) {
        return d.value(QLatin1String(name)).toObject().value(QLatin1String("base_url")).toString();
    };
    QString text;
    text += QStringLiteral("\njobscope-sandbox is listening on %1 (QA controls: %1/_sandbox)\n\n")
                .arg(info.value(QLatin1String("listen")).toString());
    text += QStringLiteral("Try it (each dialect as its document describes):\n\n");
    text += QStringLiteral(
        "  # PeelAPI: submit, then follow the SSE stream\n"
        "  curl -s -X POST %1/v1/portrait -H 'Authorization: Bearer %2' -H 'Content-Type: "
        "application/json' -d '{\"prompt\":\"a lighthouse at dusk\"}'\n"
        "  curl -N %1/v1/jobs/JOB_ID/stream -H 'Authorization: Bearer %2'\n\n")
                .arg(base("peelapi"), key("peelapi"));
    text += QStringLiteral("  # ImagePipeline: submit, then poll the endpoint's status route\n"
                           "  curl -s -X POST %1/generate/image/v1 -H 'X-API-Key: %2' -H "
                           "'Content-Type: application/json' -d '{\"prompt\":\"a red fox\"}'\n"
                           "  curl -s %1/generate/image/v1/status/JOB_ID -H 'X-API-Key: %2'\n\n")
                .arg(base("imagepipeline"), key("imagepipeline"));
    text += QStringLiteral(
        "  # Peel: build an API and wait for it, then call its endpoint\n"
        "  curl -s -X POST %1/v1/apis -H 'X-API-Key: %2' -H 'Content-Type: application/json' -d "
        "'{\"url\":\"https://news.ycombinator.com\",\"instructions\":\"Get top stories with title, "
        "score, and author\",\"wait_for_completion\":true}'\n"
        "  curl -s -X POST %1/v1/apis/API_ID/endpoints/get_top_stories:call -H 'X-API-Key: %2' -H "
        "'Content-Type: application/json' -d '{\"limit\":3}'\n\n")
                .arg(base("peel"), key("peel"));
    text += QStringLiteral("  # Peako: render, poll, list with worker counts\n"
                           "  curl -s -X POST %1/api/render -H 'X-API-Key: %2' -H 'Content-Type: "
                           "application/json' -d '{\"template\":\"promo\",\"title\":\"Launch\"}'\n"
                           "  curl -s %1/api/jobs/JOB_ID -H 'X-API-Key: %2'\n"
                           "  curl -s %1/api/jobs -H 'X-API-Key: %2'\n\n")
                .arg(base("peako"), key("peako"));
    text += QStringLiteral(
        "  # deAPI: submit, poll (or subscribe over Pusher: see docs/sandbox.md)\n"
        "  curl -s -X POST %1/api/v1/client/txt2img -H 'Authorization: Bearer %2' -H "
        "'Content-Type: application/json' -d '{\"prompt\":\"a beautiful sunset over mountains\"}'\n"
        "  curl -s %1/api/v1/client/request-status/REQUEST_ID -H 'Authorization: Bearer %2'\n\n")
                .arg(base("deapi"), key("deapi"));
    const QString token = info.value(QLatin1String("control_token")).toString();
    if (token.isEmpty())
        text += QStringLiteral("  # QA controls (no token: started with --no-control-token)\n"
                               "  curl -s %1/jobs\n"
                               "  curl -s -X POST %1/jobs/JOB_ID/advance -H 'Content-Type: "
                               "application/json' -d '{\"to\":\"succeeded\"}'\n\n")
                    .arg(info.value(QLatin1String("control_url")).toString());
    else
        text += QStringLiteral(
            "  # QA controls: every /_sandbox request sends this run's control token\n"
            "  curl -s %1/jobs -H 'X-Sandbox-Token: %2'\n"
            "  curl -s -X POST %1/jobs/JOB_ID/advance -H 'X-Sandbox-Token: %2' -H 'Content-Type: "
            "application/json' -d '{\"to\":\"succeeded\"}'\n\n")
                    .arg(info.value(QLatin1String("control_url")).toString(), token);
    text += QStringLiteral("Stop with Ctrl+C. Jobs, results and keys are kept in %1.\n\n")
                .arg(info.value(QLatin1String("data_dir"))
                         .toString(QStringLiteral("memory (no --data given)")));
    std::fputs(text.toLocal8Bit().constData(), stderr);
}

} // namespace

int main(int argc, char **argv)
{
    // The GLib event dispatcher keeps socket notifiers in a linked list, and every buffered write
    // re-registers one: with 2,000 SSE streams that list walk took half the CPU. Qt's own UNIX
    // dispatcher keeps them in a hash.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("jobscope-sandbox"));
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1.0"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Serves the five job-API dialects Jobscope speaks, locally, for development and QA."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption listenOpt(QStringLiteral("listen"),
        QStringLiteral("Address to listen on (default 127.0.0.1)."), QStringLiteral("address"),
        QStringLiteral("127.0.0.1"));
    const QCommandLineOption portOpt(QStringLiteral("port"),
        QStringLiteral("Port; 0 picks a free one (default 0)."), QStringLiteral("port"),
        QStringLiteral("0"));
    const QCommandLineOption dataOpt(QStringLiteral("data"),
        QStringLiteral("Folder for the database and results; without it everything is in memory."),
        QStringLiteral("dir"));
    const QCommandLineOption speedOpt(QStringLiteral("speed"),
        QStringLiteral("Divide every documented duration (job times, URL lifetimes, retention, "
                       "webhook backoff) by this."),
        QStringLiteral("x"), QStringLiteral("1"));
    const QCommandLineOption workersOpt(QStringLiteral("workers"),
        QStringLiteral("Simulated workers per dialect (default 8)."), QStringLiteral("n"),
        QStringLiteral("8"));
    const QCommandLineOption hzOpt(QStringLiteral("progress-hz"),
        QStringLiteral("Default progress events per second per running job (default 2)."),
        QStringLiteral("hz"), QStringLiteral("2"));
    const QCommandLineOption keepAliveOpt(QStringLiteral("keepalive-ms"),
        QStringLiteral("SSE comment keep-alive interval (default 15000)."), QStringLiteral("ms"),
        QStringLiteral("15000"));
    const QCommandLineOption activityOpt(QStringLiteral("pusher-activity-timeout"),
        QStringLiteral("Pusher activity_timeout in seconds (default 120)."), QStringLiteral("s"),
        QStringLiteral("120"));
    const QCommandLineOption remoteOpt(QStringLiteral("allow-remote-webhooks"),
        QStringLiteral("Also deliver webhooks to non-loopback hosts."));
    const QCommandLineOption rateOpt(QStringLiteral("download-rate"),
        QStringLiteral("Send result files at most this many bytes per second per transfer (QA: "
                       "slow downloads; default 0, unlimited)."),
        QStringLiteral("bytes"), QStringLiteral("0"));
    const QCommandLineOption bannerOpt(QStringLiteral("banner"),
        QStringLiteral("Print how to try each dialect with curl to stderr."));
    const QCommandLineOption noTokenOpt(QStringLiteral("no-control-token"),
        QStringLiteral("Let the /_sandbox control routes answer without the X-Sandbox-Token header "
                       "(scripts)."));
    const QCommandLineOption allowHostOpt(QStringLiteral("allow-host"),
        QStringLiteral("Also answer requests whose Host is this name (repeatable; 127.0.0.1, "
                       "localhost and [::1] always are)."),
        QStringLiteral("name"));
    const QCommandLineOption maxBodyOpt(QStringLiteral("max-body-bytes"),
        QStringLiteral("Largest request body accepted, chunked or not (default 33554432, 32 MiB)."),
        QStringLiteral("bytes"), QStringLiteral("33554432"));
    const QCommandLineOption idleOpt(QStringLiteral("idle-timeout-ms"),
        QStringLiteral("Close a keep-alive connection idle this long (default 30000)."),
        QStringLiteral("ms"), QStringLiteral("30000"));
    const QCommandLineOption requestTimeoutOpt(QStringLiteral("request-timeout-ms"),
        QStringLiteral("Close a connection whose request headers take longer, or whose body pauses "
                       "longer, than this (default 10000)."),
        QStringLiteral("ms"), QStringLiteral("10000"));
    parser.addOptions({ listenOpt, portOpt, dataOpt, speedOpt, workersOpt, hzOpt, keepAliveOpt,
        activityOpt, remoteOpt, rateOpt, bannerOpt, noTokenOpt, allowHostOpt, maxBodyOpt, idleOpt,
        requestTimeoutOpt });
    parser.process(app);

    Sandbox::SandboxServer::Options options;
    bool ok = true;
    auto fail = [](const QString &message) {
        std::fprintf(stderr, "jobscope-sandbox: %s\n", qPrintable(message));
        return 2;
    };
    if (!options.listen.setAddress(parser.value(listenOpt)))
        return fail(
            QStringLiteral("--listen: %1 is not an IP address").arg(parser.value(listenOpt)));
    const uint port = parser.value(portOpt).toUInt(&ok);
    if (!ok || port > 65535)
        return fail(QStringLiteral("--port: expected 0-65535"));
    options.port = quint16(port);
    options.dataDir = parser.value(dataOpt);
    options.speed = parser.value(speedOpt).toDouble(&ok);
    if (!ok || options.speed <= 0 || options.speed > 1e6)
        return fail(QStringLiteral("--speed: expected a positive number"));
    options.workers = parser.value(workersOpt).toInt(&ok);
    if (!ok || options.workers < 1 || options.workers > 100000)
        return fail(QStringLiteral("--workers: expected 1-100000"));
    options.progressHz = parser.value(hzOpt).toDouble(&ok);
    if (!ok || options.progressHz <= 0 || options.progressHz > 50)
        return fail(QStringLiteral("--progress-hz: expected a number above 0, at most 50"));
    options.keepAliveMs = parser.value(keepAliveOpt).toInt(&ok);
    if (!ok || options.keepAliveMs < 100)
        return fail(QStringLiteral("--keepalive-ms: expected at least 100"));
    options.pusherActivityTimeout = parser.value(activityOpt).toInt(&ok);
    if (!ok || options.pusherActivityTimeout < 1)
        return fail(QStringLiteral("--pusher-activity-timeout: expected at least 1"));
    options.allowRemoteWebhooks = parser.isSet(remoteOpt);
    options.downloadRate = parser.value(rateOpt).toLongLong(&ok);
    if (!ok || options.downloadRate < 0)
        return fail(QStringLiteral(
            "--download-rate: expected a number of bytes per second, 0 for unlimited"));
    options.limits.maxBodyBytes = parser.value(maxBodyOpt).toLongLong(&ok);
    if (!ok || options.limits.maxBodyBytes < 1024)
        return fail(QStringLiteral("--max-body-bytes: expected a number of bytes, at least 1024"));
    options.limits.idleTimeoutMs = parser.value(idleOpt).toInt(&ok);
    if (!ok || options.limits.idleTimeoutMs < 100)
        return fail(QStringLiteral("--idle-timeout-ms: expected at least 100"));
    options.limits.requestTimeoutMs = parser.value(requestTimeoutOpt).toInt(&ok);
    if (!ok || options.limits.requestTimeoutMs < 100)
        return fail(QStringLiteral("--request-timeout-ms: expected at least 100"));
    options.requireControlToken = !parser.isSet(noTokenOpt);
    options.allowedHosts = parser.values(allowHostOpt);
    if (!options.requireControlToken)
        std::fprintf(stderr,
            "jobscope-sandbox: warning: --no-control-token: any local program can drive the "
            "control routes\n");
    if (!options.listen.isLoopback())
        std::fprintf(stderr,
            "jobscope-sandbox: warning: listening on %s, not loopback: anyone who can reach it can "
            "use the sandbox keys\n",
            qPrintable(options.listen.toString()));

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFd) == 0) {
        auto *notifier = new QSocketNotifier(g_signalFd[1], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, [] {
            char c;
            [[maybe_unused]] const auto n = ::read(g_signalFd[1], &c, 1);
            QCoreApplication::quit();
        });
        struct sigaction sa = {};
        sa.sa_handler = onSignal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
    }
    std::signal(SIGPIPE, SIG_IGN);

    Sandbox::SandboxServer server(options);
    QString error;
    if (!server.start(&error)) {
        std::fprintf(stderr, "jobscope-sandbox: %s\n", qPrintable(error));
        return 3;
    }
    const QByteArray line = QJsonDocument(server.info()).toJson(QJsonDocument::Compact);
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
    if (parser.isSet(bannerOpt))
        printBanner(server.info());
    return app.exec();
}
