// Live-load bench of the job list: N jobs × H progress updates a second fed through a real
// Tracker::JobTracker into JobListModel + JobListProxyModel + a shown JobListView, while a 1 ms
// timer samples the GUI event loop's lag. Prints p50/p99/max lag, CPU (cores) and whether every
// final state reached the list. See README.md.

#include "joblist/joblistmodel.h"
#include "joblist/joblistproxymodel.h"
#include "joblist/joblistview.h"
#include "tracker/jobtracker.h"

#include <QApplication>
#include <QBuffer>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <sys/resource.h>

namespace {

double cpuSeconds()
{
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
        + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

QByteArray previewJpeg(int step)
{
    QImage image(96, 96, QImage::Format_RGB32);
    image.fill(QColor::fromHsv((step * 60) % 360, 120, 200));
    QPainter p(&image);
    p.setBrush(Qt::white);
    p.drawEllipse(QPoint(48, 48), 10 + step * 6, 10 + step * 6);
    p.end();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "JPEG", 70);
    return bytes;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5));
    return v[i];
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser cli;
    cli.setApplicationDescription(QStringLiteral("Job list live-load bench"));
    cli.addHelpOption();
    const QCommandLineOption jobsOpt(QStringLiteral("jobs"), QStringLiteral("live jobs (2000)"),
        QStringLiteral("n"), QStringLiteral("2000"));
    const QCommandLineOption hzOpt(QStringLiteral("hz"),
        QStringLiteral("updates per job per second (10)"), QStringLiteral("n"),
        QStringLiteral("10"));
    const QCommandLineOption secondsOpt(QStringLiteral("seconds"), QStringLiteral("duration (20)"),
        QStringLiteral("s"), QStringLiteral("20"));
    const QCommandLineOption historyOpt(QStringLiteral("history"),
        QStringLiteral("finished jobs restored first (0)"), QStringLiteral("n"),
        QStringLiteral("0"));
    const QCommandLineOption sortOpt(QStringLiteral("sort"),
        QStringLiteral("sort column: created|progress|state (created)"), QStringLiteral("c"),
        QStringLiteral("created"));
    const QCommandLineOption searchOpt(QStringLiteral("search"),
        QStringLiteral("search text kept in the proxy"), QStringLiteral("t"));
    cli.addOptions({ jobsOpt, hzOpt, secondsOpt, historyOpt, sortOpt, searchOpt });
    cli.process(app);
    const int jobs = cli.value(jobsOpt).toInt();
    const int hz = cli.value(hzOpt).toInt();
    const int seconds = cli.value(secondsOpt).toInt();
    const int history = cli.value(historyOpt).toInt();

    Tracker::JobTracker tracker;
    const qint64 start = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < history; ++i) {
        Tracker::TrackedJob job;
        job.id = QStringLiteral("hist-%1").arg(i);
        job.profile = QStringLiteral("sandbox-peako");
        job.dialect = Core::Dialect::Peako;
        job.task = QStringLiteral("render");
        job.state = Core::JobState::Succeeded;
        job.rawStatus = QStringLiteral("done");
        job.progress = 1;
        job.hasProgress = true;
        job.input.insert(QStringLiteral("prompt"), QStringLiteral("history job %1").arg(i));
        job.createdMs = start - 3'600'000 - qint64(i) * 1000;
        job.lastUpdateMs = job.createdMs + 30'000;
        tracker.restore(job);
    }

    Ui::JobListModel model(&tracker);
    Ui::JobListProxyModel proxy;
    proxy.setSourceModel(&model);
    if (cli.isSet(searchOpt))
        proxy.setSearchText(cli.value(searchOpt));
    Ui::JobListView view;
    view.setModel(&proxy);
    const QString sort = cli.value(sortOpt);
    if (sort == QLatin1String("progress"))
        view.sortByColumn(Ui::JobListModel::Progress, Qt::DescendingOrder);
    else if (sort == QLatin1String("state"))
        view.sortByColumn(Ui::JobListModel::State, Qt::AscendingOrder);
    view.resize(1280, 800);
    view.show();

    // The live jobs: each submitted, then running, its progress rising by equal steps so that
    // the last update lands at the end of the run; one in ten fails at the end, one in five
    // carries a live preview every 20 %.
    const QStringList dialectTasks { QStringLiteral("portrait"),
        QStringLiteral("generate/image/v1"), QStringLiteral("render"), QStringLiteral("txt2img") };
    for (int i = 0; i < jobs; ++i) {
        Tracker::TrackedJob seed;
        seed.id = QStringLiteral("live-%1").arg(i);
        seed.profile = QStringLiteral("sandbox-%1").arg(i % 4);
        seed.dialect = Core::Dialect(i % 5);
        seed.task = dialectTasks.at(i % 4);
        seed.input.insert(QStringLiteral("prompt"), QStringLiteral("live job %1").arg(i));
        tracker.track(seed);
    }
    QList<QByteArray> previews;
    for (int s = 0; s < 5; ++s)
        previews << previewJpeg(s);

    const int totalSteps = std::max(1, hz * seconds);
    const int tickMs = 10;
    const int ticks = seconds * 1000 / tickMs;
    const qint64 updatesPerTick = qint64(jobs) * hz * tickMs / 1000;
    qint64 cursor = 0; // global update counter: job = cursor % jobs, step = cursor / jobs
    qint64 applied = 0;
    double feedSeconds = 0;

    std::vector<double> lags;
    lags.reserve(size_t(seconds) * 1000 + 1000);
    QElapsedTimer clock;
    QTimer sampler;
    sampler.setTimerType(Qt::PreciseTimer);
    sampler.setInterval(1);
    qint64 last = -1;
    QObject::connect(&sampler, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last >= 0)
            lags.push_back(std::max(0.0, double(now - last) / 1e6 - 1.0));
        last = now;
    });

    int tick = 0;
    QTimer feeder;
    feeder.setTimerType(Qt::PreciseTimer);
    feeder.setInterval(tickMs);
    QObject::connect(&feeder, &QTimer::timeout, [&] {
        QElapsedTimer f;
        f.start();
        // Catch up to where the wall clock says the feed should be, like a transport would.
        const qint64 due = std::min<qint64>(
            qint64(jobs) * totalSteps, (clock.elapsed() / tickMs + 1) * updatesPerTick);
        for (; cursor < due; ++cursor) {
            const int i = int(cursor % jobs);
            const int step = int(cursor / jobs) + 1;
            Core::JobUpdate u;
            u.jobId = QStringLiteral("live-%1").arg(i);
            u.channel = Core::Channel::Sse;
            u.receivedMs = QDateTime::currentMSecsSinceEpoch();
            if (step == 1) {
                u.state = Core::JobState::Running;
                u.rawStatus = QStringLiteral("processing");
            }
            u.progress = double(step) / totalSteps;
            if (step % 50 == 0)
                u.logs.append(
                    { u.receivedMs, QStringLiteral("info"), QStringLiteral("step %1").arg(step) });
            if (i % 5 == 0 && step % std::max(1, totalSteps / 5) == 0)
                u.preview = previews.at((step * 5 / totalSteps) % 5);
            if (step == totalSteps) {
                const bool fail = i % 10 == 3;
                u.state = fail ? Core::JobState::Failed : Core::JobState::Succeeded;
                u.rawStatus = fail ? QStringLiteral("failed") : QStringLiteral("succeeded");
                if (fail) {
                    u.error.kind = Core::JobError::Kind::Job;
                    u.error.providerCode = QStringLiteral("WORKER_LOST");
                    u.error.message = QStringLiteral("worker lost");
                }
                u.ended = true;
            }
            if (tracker.apply(u) != Tracker::JobTracker::None)
                ++applied;
        }
        feedSeconds += double(f.nsecsElapsed()) / 1e9;
        if (++tick >= ticks + 100 && cursor >= qint64(jobs) * totalSteps)
            feeder.stop();
    });

    // Every final state shown: the model's rows for live jobs all terminal, in the proxy too.
    auto finalShown = [&] {
        int terminal = 0;
        for (int r = 0; r < model.rowCount(); ++r) {
            const auto s = model.stateAt(r);
            terminal += s && Core::isTerminal(*s) ? 1 : 0;
        }
        return terminal - history;
    };

    const double cpu0 = cpuSeconds();
    clock.start();
    sampler.start();
    feeder.start();
    QElapsedTimer wall;
    wall.start();
    while (feeder.isActive() || finalShown() < jobs) {
        QApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        if (wall.elapsed() > (seconds + 30) * 1000LL)
            break;
    }
    const double elapsed = double(wall.nsecsElapsed()) / 1e9;
    const double cpu = cpuSeconds() - cpu0;
    sampler.stop();

    const int shown = finalShown();
    std::printf("jobs %d x %d Hz for %d s (+%d restored), sort %s%s\n", jobs, hz, seconds, history,
        qPrintable(sort),
        cli.isSet(searchOpt)
            ? qPrintable(QStringLiteral(", search \"%1\"").arg(cli.value(searchOpt)))
            : "");
    std::printf("updates applied %lld (%.0f/s); feed (simulated transports) %.2f s CPU\n", applied,
        double(applied) / elapsed, feedSeconds);
    std::printf("event-loop lag ms: p50 %.2f  p99 %.2f  max %.2f  (%zu samples)\n",
        percentile(lags, 0.5), percentile(lags, 0.99),
        lags.empty() ? 0.0 : *std::max_element(lags.begin(), lags.end()), lags.size());
    std::printf("CPU: %.2f cores total, %.2f cores without the feed (%.1f s CPU over %.1f s)\n",
        cpu / elapsed, (cpu - feedSeconds) / elapsed, cpu, elapsed);
    std::printf("final states shown: %d of %d; proxy rows %d; counts failed %d succeeded %d\n",
        shown, jobs, proxy.rowCount(), proxy.count(Ui::JobListProxyModel::View::Failed),
        proxy.count(Ui::JobListProxyModel::View::Succeeded));
    return shown == jobs ? 0 : 1;
}
