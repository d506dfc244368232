// Drives the sandbox's PeelAPI job stream with the `eventsource` package (v4), the reference
// client nobody here wrote: the sandbox cuts the stream after every few events
// (sandbox.drop_after_events) and the client must reconnect by itself, sending Last-Event-ID, and
// be replayed exactly the events it missed, no more, no fewer.
//
// Environment:
//   JOBSCOPE_NODE_MODULES  folder holding eventsource (build/node/node_modules)
//   JOBSCOPE_SANDBOX_INFO  the JSON line jobscope-sandbox prints on start
//
// Prints one line per check; exits 0 when all pass, 1 on the first failure or after 30 s.

import { fail, finish, isFinished, loadEnvironment, onFinish, pass, run, waitingFor } from './common.mjs';

const DROP_AFTER_EVENTS = 3;

let source = null;
onFinish(() => source?.close());

// For event listeners, where a throw would only become an uncaught exception.
function failInListener(message) {
    finish(1, message);
}

function loadEventSourceEnvironment() {
    const { entry: peel, pkg } = loadEnvironment('peelapi', ['base_url', 'api_key'], 'eventsource');
    const { EventSource } = pkg;
    if (typeof EventSource !== 'function')
        fail('the eventsource package does not export EventSource (expected v4)');
    return { peel, EventSource };
}

function parseJson(text, what) {
    try {
        return JSON.parse(text);
    } catch {
        fail(`${what} is not JSON: ${String(text).slice(0, 200)}`);
    }
}

async function main() {
    const { peel, EventSource } = loadEventSourceEnvironment();
    const base = peel.base_url.replace(/\/+$/, '');

    waitingFor('the portrait submission');
    const submit = await fetch(`${base}/v1/portrait`, {
        method: 'POST',
        headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            Authorization: `Bearer ${peel.api_key}`,
        },
        body: JSON.stringify({
            prompt: 'interop portrait', seed: 3,
            sandbox: { duration_ms: 3000, drop_after_events: DROP_AFTER_EVENTS },
        }),
    });
    const submitText = await submit.text();
    if (!submit.ok)
        fail(`POST /v1/portrait answered ${submit.status}: ${submitText.slice(0, 300)}`);
    const submitted = parseJson(submitText, 'the /v1/portrait answer');
    const id = submitted?.data?.id;
    if (typeof id !== 'string' && typeof id !== 'number')
        fail(`the /v1/portrait answer has no data.id: ${submitText.slice(0, 300)}`);
    if (submitted.data.status !== 'queued')
        fail(`a new job should be "queued", the answer says ${JSON.stringify(submitted.data.status)}`);
    if (!('errors' in submitted) || submitted.errors !== null)
        fail(`the envelope should carry "errors": null, it has ${JSON.stringify(submitted.errors)}`);
    pass(`job ${id} submitted and queued (HTTP ${submit.status})`);

    const url = `${base}/v1/jobs/${encodeURIComponent(id)}/stream`;
    const requests = []; // the Last-Event-ID each request sent, null for none
    const resumes = []; // per opened connection: the Last-Event-ID sent and the one expected
    const events = []; // every event received, in order: {type, id, data, connection}
    const seenIds = new Set();
    let opens = 0;
    let lastId = null;
    let lastIdText = null;
    let resolveEnd;
    const ended = new Promise((resolve) => { resolveEnd = resolve; });

    // eventsource v4 has no `headers` option: the documented way to add Authorization is to wrap
    // its fetch. The wrapper also records the Last-Event-ID of every (re)connection.
    const authorisedFetch = (input, init) => {
        requests.push(init?.headers?.['Last-Event-ID'] ?? null);
        return fetch(input, {
            ...init,
            headers: { ...init?.headers, Authorization: `Bearer ${peel.api_key}` },
        });
    };
    waitingFor(`the stream ${url}`);
    source = new EventSource(url, { fetch: authorisedFetch });

    source.addEventListener('open', () => {
        opens += 1;
        // The request that just opened is the last one made; it must resume after the last id
        // received on any earlier connection (and the first one must send none).
        resumes.push({ sent: requests[requests.length - 1] ?? null, expected: lastIdText });
    });
    source.addEventListener('error', (event) => {
        // Reconnections fire 'error' too, with readyState CONNECTING; only CLOSED is final.
        if (source.readyState === EventSource.CLOSED && !isFinished())
            failInListener(`the stream failed for good: ${event.code ?? ''} ${event.message ?? ''}`.trim());
    });

    const onEvent = (event) => {
        if (isFinished())
            return;
        const idText = event.lastEventId;
        if (!/^\d+$/.test(idText ?? ''))
            return failInListener(`${event.type} event has no numeric id (lastEventId ${JSON.stringify(idText)})`);
        const numericId = BigInt(idText);
        if (seenIds.has(idText))
            return failInListener(`event id ${idText} (${event.type}) arrived twice`);
        if (lastId !== null && numericId <= lastId)
            return failInListener(`event id ${idText} (${event.type}) is not above the previous ${lastId}`);
        seenIds.add(idText);
        lastId = numericId;
        lastIdText = idText;
        events.push({ type: event.type, id: idText, data: event.data, connection: opens });
        if (event.type === 'end')
            resolveEnd(event);
    };
    for (const type of ['status', 'log', 'result', 'end', 'message'])
        source.addEventListener(type, onEvent);

    waitingFor(`the "end" event of job ${id}`);
    const end = await ended;
    source.close();

    if (end.data !== 'succeeded')
        fail(`"end" carries ${JSON.stringify(end.data)}, expected "succeeded"`);
    pass(`"end" event with data "succeeded" after ${events.length} events`);

    pass(`${events.length} event ids strictly increasing with none repeated (${events[0].id} .. ${end.lastEventId})`);

    if (opens < 3)
        fail(`only ${opens} connection(s) opened; with drop_after_events ${DROP_AFTER_EVENTS} there must be at least 2 reconnects`);
    pass(`${opens - 1} reconnects made by eventsource itself`);

    const wrongResume = resumes.findIndex((r) => r.sent !== r.expected);
    if (wrongResume >= 0) {
        const r = resumes[wrongResume];
        fail(`connection ${wrongResume + 1} sent Last-Event-ID ${JSON.stringify(r.sent)}, expected ${JSON.stringify(r.expected)}`);
    }
    pass(`each reconnect sent Last-Event-ID = the last id received (${resumes.slice(1).map((r) => r.sent).join(', ')})`);

    const perConnection = [];
    for (let n = 1; n <= opens; n += 1)
        perConnection.push(events.filter((e) => e.connection === n).length);
    if (perConnection.slice(0, -1).some((count) => count > DROP_AFTER_EVENTS))
        fail(`the stream was not cut after ${DROP_AFTER_EVENTS} events: per connection ${perConnection.join('/')}`);
    pass(`the sandbox cut the stream after every ${DROP_AFTER_EVENTS} events (per connection: ${perConnection.join('/')})`);

    const statuses = events.filter((e) => e.type === 'status').map((e) => parseJson(e.data, 'a status event'));
    const withProgress = statuses.filter((s) => typeof s?.progress === 'number' && Number.isFinite(s.progress));
    if (withProgress.length === 0)
        fail(`no "status" event carries a numeric progress: ${JSON.stringify(statuses).slice(0, 300)}`);
    pass(`${withProgress.length} "status" event(s) with progress (${withProgress.map((s) => s.progress).join(', ')})`);

    const logs = events.filter((e) => e.type === 'log').map((e) => parseJson(e.data, 'a log event'));
    if (logs.length === 0)
        fail('no "log" event arrived');
    if (!logs.every((l) => typeof l?.message === 'string'))
        fail(`a "log" event has no message: ${JSON.stringify(logs).slice(0, 300)}`);
    pass(`${logs.length} "log" event(s), first: ${JSON.stringify(logs[0].message)}`);

    const results = events.filter((e) => e.type === 'result').map((e) => parseJson(e.data, 'the result event'));
    if (results.length === 0)
        fail('no "result" event arrived');
    const image = results[results.length - 1]?.images?.[0];
    for (const variant of ['w256', 'w512', 'w1024', 'full']) {
        if (typeof image?.[variant] !== 'string' || image[variant] === '')
            fail(`result images[0].${variant} is missing: ${JSON.stringify(results).slice(0, 300)}`);
    }
    pass(`"result" with images[0].w256/w512/w1024/full (${image.full})`);

    const order = events.map((e) => e.type);
    if (order.indexOf('end') !== order.length - 1)
        fail(`events arrived after "end": ${order.join(', ')}`);

    finish(0);
}

run(main);
