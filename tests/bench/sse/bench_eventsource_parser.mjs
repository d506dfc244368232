// Throughput of Node's eventsource-parser (v3) on the same recorded stream, same 16 KiB chunks,
// for comparison with bench_sseparser.
// Usage: node bench_eventsource_parser.mjs STREAM_FILE [RUNS=5]
// Env: JOBSCOPE_NODE_MODULES (default: <repo>/build/node/node_modules).
// Prints one JSON line: MB/s (10^6 bytes of the file per second) medians and every run.
//
// The parser takes strings, so the chunks are decoded up front and decoding is not timed: the
// primary figure ("median_mbps") is the most favourable one for Node. "decode_median_mbps" also
// times a streaming TextDecoder, which is what a real client on a byte stream must do.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules =
    process.env.JOBSCOPE_NODE_MODULES ?? path.join(here, '..', '..', '..', 'build', 'node', 'node_modules');
const { createParser } = await import(
    pathToFileURL(path.join(nodeModules, 'eventsource-parser', 'dist', 'index.js')).href);

const file = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
if (!file) {
    console.error('usage: node bench_eventsource_parser.mjs STREAM_FILE [RUNS=5]');
    process.exit(2);
}

const ChunkSize = 16 * 1024;
const bytes = readFileSync(file);
const byteChunks = [];
for (let at = 0; at < bytes.length; at += ChunkSize)
    byteChunks.push(bytes.subarray(at, Math.min(at + ChunkSize, bytes.length)));
const decoder = new TextDecoder('utf-8');
const stringChunks = byteChunks.map((c) => decoder.decode(c, { stream: true }));

function parseAll(decode) {
    let events = 0;
    let dataChars = 0;
    const parser = createParser({
        onEvent(event) {
            ++events;
            dataChars += event.data.length + (event.id ?? '').length + (event.event ?? '').length;
        },
    });
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    if (decode) {
        const streaming = new TextDecoder('utf-8');
        for (const chunk of byteChunks)
            parser.feed(streaming.decode(chunk, { stream: true }));
    } else {
        for (const chunk of stringChunks)
            parser.feed(chunk);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return {
        mbps: bytes.length / seconds / 1e6,
        cpuMbps: bytes.length / cpuSeconds / 1e6,
        events,
        dataChars,
    };
}

function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

parseAll(false); // warm-up: let the JIT settle before anything is timed
const plain = [];
const plainCpu = [];
const decoding = [];
let events = 0;
for (let i = 0; i < runs; ++i) {
    const r = parseAll(false);
    plain.push(r.mbps);
    plainCpu.push(r.cpuMbps);
    events = r.events;
    decoding.push(parseAll(true).mbps);
}

console.log(JSON.stringify({
    parser: 'eventsource-parser',
    bytes: bytes.length,
    chunk_size: ChunkSize,
    events,
    median_mbps: median(plain),
    decode_median_mbps: median(decoding),
    // Per CPU second of the whole process (GC and JIT threads included): steadier than wall
    // time on a loaded machine.
    cpu_median_mbps: median(plainCpu),
    runs_mbps: plain,
    decode_runs_mbps: decoding,
}));
