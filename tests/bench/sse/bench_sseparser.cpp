// Throughput of Net::SseParser on a recorded stream fed in 16 KiB chunks, as a socket delivers it.
// Usage: bench_sseparser [benchmark flags] STREAM_FILE   (see run.sh)

#include "net/sseparser.h"

#include <QByteArray>
#include <QFile>
#include <benchmark/benchmark.h>
#include <cstdio>

namespace {

QByteArray g_stream;
qint64 g_expectedEvents = -1;

void feedInChunks(benchmark::State &state)
{
    const qsizetype chunkSize = state.range(0);
    qint64 events = 0;
    qint64 dataBytes = 0;
    for (auto _ : state) {
        Net::SseParser parser;
        // Touch what a real consumer touches, so nothing can be optimised away.
        parser.setEventHandler([&](const Net::SseEvent &e) {
            ++events;
            dataBytes += e.data.size() + e.lastEventId.size() + e.type.size();
        });
        const QByteArrayView all(g_stream);
        for (qsizetype at = 0; at < all.size(); at += chunkSize)
            parser.feed(all.sliced(at, qMin(chunkSize, all.size() - at)));
        parser.finish();
        benchmark::DoNotOptimize(dataBytes);
    }
    const qint64 perRun = events / qMax<qint64>(1, state.iterations());
    if (g_expectedEvents >= 0 && perRun != g_expectedEvents)
        state.SkipWithError("event count differs between runs");
    g_expectedEvents = perRun;
    state.counters["events"] = double(perRun);
    state.SetBytesProcessed(qint64(state.iterations()) * g_stream.size());
}

} // namespace

BENCHMARK(feedInChunks)->Arg(16 * 1024)->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char **argv)
{
    benchmark::Initialize(&argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s [benchmark flags] STREAM_FILE\n", argv[0]);
        return 2;
    }
    QFile file(QString::fromLocal8Bit(argv[1]));
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    g_stream = file.readAll();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
