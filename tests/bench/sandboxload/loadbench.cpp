// Load bench for jobscope-sandbox (not part of the test suite): N jobs live at once, each emitting
// H progress events a second, delivered to real clients over one Pusher WebSocket (deAPI) or one
// SSE connection per job (PeelAPI). Prints what the clients received per second, how late events
// were, and the sandbox's CPU and memory, as JSON lines plus a summary.
//
//   loadbench SANDBOX_BIN [--jobs 2000] [--hz 10] [--seconds 20] [--via pusher|sse]
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <algorithm>
#include <cstdio>

namespace {

struct Totals
{
    quint64 events = 0;
    quint64 bytes = 0;
    quint64 finals = 0;
};

QJsonObject getJson(QNetworkAccessManager &nam, const QString &url, const QByteArray &controlToken)
{
    QNetworkRequest request { QUrl(url) };
    request.setRawHeader("X-Sandbox-Token", controlToken);
    QNetworkReply *r = nam.get(request);
    QEventLoop loop;
    QObject::connect(r, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QJsonObject o = QJsonDocument::fromJson(r->readAll()).object();
    r->deleteLater();
    return o;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_NO_GLIB", "1"); // 2,000 sockets: see the note in the sandbox's main()
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addPositionalArgument(QStringLiteral("sandbox"), QStringLiteral("jobscope-sandbox binary"));
    const QCommandLineOption jobsOpt(QStringLiteral("jobs"), QStringLiteral("live jobs"),
        QStringLiteral("n"), QStringLiteral("2000"));
    const QCommandLineOption hzOpt(QStringLiteral("hz"),
        QStringLiteral("progress events per second per job"), QStringLiteral("hz"),
        QStringLiteral("10"));
    const QCommandLineOption secOpt(QStringLiteral("seconds"), QStringLiteral("job duration"),
        QStringLiteral("s"), QStringLiteral("20"));
    const QCommandLineOption viaOpt(QStringLiteral("via"), QStringLiteral("pusher or sse"),
        QStringLiteral("via"), QStringLiteral("pusher"));
    p.addOptions({ jobsOpt, hzOpt, secOpt, viaOpt });
    p.addHelpOption();
    p.process(app);
    if (p.positionalArguments().isEmpty())
        p.showHelp(2);
    const int jobs = p.value(jobsOpt).toInt();
    const double hz = p.value(hzOpt).toDouble();
    const int seconds = p.value(secOpt).toInt();
    const bool sse = p.value(viaOpt) == QLatin1String("sse");

    QProcess sandbox;
    sandbox.setProcessChannelMode(QProcess::SeparateChannels);
    sandbox.start(p.positionalArguments().first(),
        { QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--workers"),
            QString::number(jobs), QStringLiteral("--progress-hz"), QString::number(hz) });
    sandbox.waitForReadyRead(10000);
    const QJsonObject info = QJsonDocument::fromJson(sandbox.readLine()).object();
    if (info.isEmpty()) {
        std::fprintf(stderr, "sandbox did not start\n");
        return 1;
    }
    const QString control = info.value(QLatin1String("control_url")).toString();
    const QByteArray controlToken
        = info.value(QLatin1String("control_token")).toString().toLatin1();
    const QJsonObject deapi
        = info.value(QLatin1String("dialects")).toObject().value(QLatin1String("deapi")).toObject();
    const QJsonObject peelapi = info.value(QLatin1String("dialects"))
                                    .toObject()
                                    .value(QLatin1String("peelapi"))
                                    .toObject();
    QNetworkAccessManager nam;
    Totals totals;
    QWebSocket ws;
    QList<QTcpSocket *> streams;

    auto submitAll = [&] {
        // Submitted over raw sockets in parallel: QNetworkAccessManager keeps 6 per host.
        const QUrl base(sse ? peelapi.value(QLatin1String("base_url")).toString()
                            : deapi.value(QLatin1String("base_url")).toString());
        const QByteArray path = sse ? base.path().toUtf8() + "/v1/portrait"
                                    : base.path().toUtf8() + "/api/v1/client/txt2img";
        const QByteArray auth = "Authorization: Bearer "
            + (sse ? peelapi : deapi).value(QLatin1String("api_key")).toString().toUtf8();
        const QByteArray body
            = QJsonDocument(QJsonObject { { QLatin1String("prompt"), QStringLiteral("load") },
                                { QLatin1String("width"), 64 }, { QLatin1String("height"), 64 },
                                { QLatin1String("sandbox"),
                                    QJsonObject { { QLatin1String("duration_ms"), seconds * 1000 },
                                        { QLatin1String("preview_every"), 25 } } } })
                  .toJson(QJsonDocument::Compact);
        const QByteArray request = "POST " + path
            + " HTTP/1.1\r\nHost: " + base.authority().toUtf8() + "\r\n" + auth
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        QStringList ids;
        QList<QTcpSocket *> socks;
        for (int i = 0; i < 16; ++i) {
            auto *s = new QTcpSocket(&app);
            s->connectToHost(base.host(), quint16(base.port()));
            s->waitForConnected(3000);
            socks.append(s);
        }
        for (int i = 0; i < jobs; ++i) {
            QTcpSocket *s = socks.at(i % socks.size());
            s->write(request);
            if (i % socks.size() == socks.size() - 1) {
                for (QTcpSocket *t : socks) {
                    QByteArray got;
                    while (!got.contains("}}") && !got.contains("\"errors\"")) {
                        if (!t->waitForReadyRead(5000))
                            break;
                        got += t->readAll();
                    }
                    const qsizetype at = got.indexOf("\r\n\r\n");
                    const QJsonObject o = QJsonDocument::fromJson(got.mid(at + 4))
                                              .object()
                                              .value(QLatin1String("data"))
                                              .toObject();
                    ids.append(o.value(sse ? QLatin1String("id") : QLatin1String("request_id"))
                                   .toString());
                }
            }
        }
        qDeleteAll(socks);
        return ids;
    };

    QElapsedTimer clock;
    if (!sse) {
        QObject::connect(&ws, &QWebSocket::textMessageReceived, [&](const QString &m) {
            if (m.contains(QLatin1String("pusher:connection_established"))) {
                const QString sid = QJsonDocument::fromJson(QJsonDocument::fromJson(m.toUtf8())
                                                                .object()
                                                                .value(QLatin1String("data"))
                                                                .toString()
                                                                .toUtf8())
                                        .object()
                                        .value(QLatin1String("socket_id"))
                                        .toString();
                QNetworkRequest req(QUrl(deapi.value(QLatin1String("auth_url")).toString()));
                req.setRawHeader("Authorization",
                    "Bearer " + deapi.value(QLatin1String("api_key")).toString().toUtf8());
                req.setHeader(
                    QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
                QNetworkReply *r = nam.post(req,
                    QJsonDocument(QJsonObject { { QLatin1String("socket_id"), sid },
                                      { QLatin1String("channel_name"),
                                          deapi.value(QLatin1String("channel")).toString() } })
                        .toJson());
                QObject::connect(r, &QNetworkReply::finished, [&, r] {
                    const QString auth = QJsonDocument::fromJson(r->readAll())
                                             .object()
                                             .value(QLatin1String("auth"))
                                             .toString();
                    ws.sendTextMessage(QString::fromUtf8(QJsonDocument(
                        QJsonObject {
                            { QLatin1String("event"), QStringLiteral("pusher:subscribe") },
                            { QLatin1String("data"),
                                QJsonObject {
                                    { QLatin1String("channel"),
                                        deapi.value(QLatin1String("channel")).toString() },
                                    { QLatin1String("auth"),
                                        auth } } } }).toJson(QJsonDocument::Compact)));
                    r->deleteLater();
                });
                return;
            }
            if (m.contains(QLatin1String("request.status.updated"))) {
                ++totals.events;
                totals.bytes += quint64(m.size());
                if (m.contains(QLatin1String("\\\"status\\\":\\\"done")))
                    ++totals.finals;
            }
        });
        ws.open(QUrl(deapi.value(QLatin1String("ws_url")).toString() + QStringLiteral("/app/")
            + deapi.value(QLatin1String("pusher_key")).toString()
            + QStringLiteral("?protocol=7&client=bench&version=1")));
        QEventLoop wait;
        QTimer::singleShot(1500, &wait, &QEventLoop::quit);
        wait.exec();
    }
    clock.start();
    const QStringList ids = submitAll();
    std::fprintf(stderr, "submitted %lld jobs in %lld ms\n", qint64(ids.size()), clock.elapsed());
    if (sse) {
        const QUrl base(peelapi.value(QLatin1String("base_url")).toString());
        for (const QString &id : ids) {
            auto *s = new QTcpSocket(&app);
            s->connectToHost(base.host(), quint16(base.port()));
            s->write("GET " + base.path().toUtf8() + "/v1/jobs/" + id.toUtf8()
                + "/stream HTTP/1.1\r\nHost: " + base.authority().toUtf8()
                + "\r\nAuthorization: Bearer "
                + peelapi.value(QLatin1String("api_key")).toString().toUtf8() + "\r\n\r\n");
            QObject::connect(s, &QTcpSocket::readyRead, [s, &totals] {
                const QByteArray d = s->readAll();
                totals.bytes += quint64(d.size());
                totals.events += quint64(d.count("\nevent: status\n"));
                totals.finals += quint64(d.count("\nevent: end\n"));
            });
            streams.append(s);
        }
    }

    // One sample a second: events received in that second, sandbox CPU share, memory and lateness.
    QList<double> rates;
    quint64 lastEvents = 0;
    double lastCpu = getJson(nam, control + QStringLiteral("/stats"), controlToken)
                         .value(QLatin1String("cpu_seconds"))
                         .toDouble();
    qint64 lastMs = clock.elapsed();
    QJsonObject stats;
    double peakCpu = 0;
    QTimer sampler;
    QEventLoop run;
    QObject::connect(&sampler, &QTimer::timeout, [&] {
        stats = getJson(nam, control + QStringLiteral("/stats"), controlToken);
        const qint64 now = clock.elapsed();
        const double dt = (now - lastMs) / 1000.0;
        const double rate = (totals.events - lastEvents) / dt;
        const double cpu = (stats.value(QLatin1String("cpu_seconds")).toDouble() - lastCpu) / dt;
        peakCpu = std::max(peakCpu, cpu);
        lastEvents = totals.events;
        lastCpu = stats.value(QLatin1String("cpu_seconds")).toDouble();
        lastMs = now;
        if (stats.value(QLatin1String("running")).toInt() >= jobs * 9 / 10)
            rates.append(rate);
        std::printf(
            "{\"t_s\":%.1f,\"events_per_s\":%.0f,\"sandbox_cpu_cores\":%.2f,\"rss_mib\":%.1f,"
            "\"running\":%d,\"tick_late_p99_ms\":%d,\"progress_late_max_ms\":%d,\"finals\":%llu}\n",
            now / 1000.0, rate, cpu, stats.value(QLatin1String("rss_kib")).toDouble() / 1024.0,
            stats.value(QLatin1String("running")).toInt(),
            stats.value(QLatin1String("tick_late_ms_p99")).toInt(),
            stats.value(QLatin1String("progress_late_ms_max")).toInt(),
            static_cast<unsigned long long>(totals.finals));
        std::fflush(stdout);
        if (totals.finals >= quint64(ids.size()) || now > (seconds + 60) * 1000)
            run.quit();
    });
    sampler.start(1000);
    run.exec();
    std::sort(rates.begin(), rates.end());
    const double median = rates.isEmpty() ? 0 : rates.at(rates.size() / 2);
    std::printf("SUMMARY via=%s jobs=%lld hz=%.0f target=%.0f events/s: median received %.0f "
                "events/s over %lld full-load seconds "
                "(min %.0f), peak sandbox CPU %.2f cores, peak RSS %.1f MiB, engine tick p99 late "
                "%d ms, worst progress event late %d ms, "
                "final states received %llu/%lld\n",
        sse ? "sse" : "pusher", qint64(ids.size()), hz, ids.size() * hz, median,
        qint64(rates.size()), rates.isEmpty() ? 0 : rates.first(), peakCpu,
        stats.value(QLatin1String("peak_rss_kib")).toDouble() / 1024.0,
        stats.value(QLatin1String("tick_late_ms_p99")).toInt(),
        stats.value(QLatin1String("progress_late_ms_max")).toInt(),
        static_cast<unsigned long long>(totals.finals), qint64(ids.size()));
    qDeleteAll(streams);
    sandbox.terminate();
    sandbox.waitForFinished(10000);
    return 0;
}
