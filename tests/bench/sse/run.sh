#!/usr/bin/env bash
# Generates a recorded SSE stream (~1 KiB events), builds the Net::SseParser benchmark and runs
# it and Node's eventsource-parser on the same file in the same 16 KiB chunks, then prints the
# medians (MB/s, 10^6 bytes of the file per second) and the ratio C++/Node.
#
# Env: BUILD_DIR (default ${TMPDIR:-/tmp}/jobscope-bench-sse), SIZE_MIB (64), JOBS (2),
#      BUILD_TYPE (RelWithDebInfo, the project's default), JOBSCOPE_NODE_MODULES
#      (default <repo>/build/node/node_modules), RUNS (5).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${BUILD_DIR:-${TMPDIR:-/tmp}/jobscope-bench-sse}
size_mib=${SIZE_MIB:-64}
runs=${RUNS:-5}
stream=$build/stream-${size_mib}MiB.sse
export JOBSCOPE_NODE_MODULES=${JOBSCOPE_NODE_MODULES:-$(cd "$here/../../.." && pwd)/build/node/node_modules}

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$here" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build" -j"${JOBS:-2}" >/dev/null

"$build/gen_sse_stream" "$stream" "$size_mib"

echo "load average before C++: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench_sseparser" --benchmark_repetitions="$runs" --benchmark_report_aggregates_only=true \
    --benchmark_out="$build/cpp.json" --benchmark_out_format=json "$stream"
echo "load average before Node: $(cut -d' ' -f1-3 /proc/loadavg)"
node "$here/bench_eventsource_parser.mjs" "$stream" "$runs" > "$build/node.json"

node - "$build/cpp.json" "$build/node.json" <<'JS'
const fs = require('fs');
const cpp = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const js = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const median = cpp.benchmarks.find((b) => b.aggregate_name === 'median');
const seconds = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1 }[median.time_unit];
const cppWall = js.bytes / (median.real_time * seconds) / 1e6;
const cppCpu = js.bytes / (median.cpu_time * seconds) / 1e6;
const f = (x) => x.toFixed(0).padStart(7);
const r = (x) => x.toFixed(1).padStart(5) + 'x';
console.log(`\nstream: ${js.bytes} bytes, ${js.events} events, ${js.chunk_size}-byte chunks, median of ${js.runs_mbps.length}`);
if (Math.round(median.events) !== js.events)
    console.log(`WARNING: the parsers disagree on the event count (C++ ${median.events}, Node ${js.events})`);
console.log(`C++  Net::SseParser        ${f(cppWall)} MB/s wall   ${f(cppCpu)} MB/s CPU`);
console.log(`Node eventsource-parser    ${f(js.median_mbps)} MB/s wall   ${f(js.cpu_median_mbps)} MB/s CPU   (chunks decoded to strings beforehand)`);
console.log(`Node incl. TextDecoder     ${f(js.decode_median_mbps)} MB/s wall`);
console.log(`ratio C++/Node             ${r(cppWall / js.median_mbps)} wall ${r(cppCpu / js.cpu_median_mbps)} CPU   (${r(cppWall / js.decode_median_mbps)} vs Node incl. decoding)`);
JS
