// Drives the sandbox's deAPI WebSocket endpoint with pusher-js, the reference client nobody here
// wrote, exactly as deAPI's own document wires it up: a private channel authorised by POSTing
// {socket_id, channel_name} as JSON with the API key as a Bearer token, and the
// request.status.updated event carrying progress, live previews and the result URL.
//
// Environment:
//   JOBSCOPE_NODE_MODULES  folder holding pusher-js (build/node/node_modules)
//   JOBSCOPE_SANDBOX_INFO  the JSON line jobscope-sandbox prints on start
//   JOBSCOPE_PUSHER_DEBUG  set to anything to let pusher-js log its protocol traffic
//
// Prints one line per check; exits 0 when all pass, 1 on the first failure or after 30 s.

import { fail, finish, isFinished, loadEnvironment, onFinish, pass, run, waitingFor } from './common.mjs';

const STEP_TIMEOUT_MS = 15000;

let pusher = null;
// finish() disconnects the client before it reports (and then exits at once, as faye-websocket
// and fetch keep-alive sockets would hold the loop open a while).
onFinish(() => pusher?.disconnect());

// Resolves when cond() is true; polls because the conditions span several event sources.
function waitUntil(cond, what, timeoutMs = STEP_TIMEOUT_MS) {
    waitingFor(what);
    return new Promise((resolve, reject) => {
        const started = Date.now();
        const tick = () => {
            if (isFinished())
                return;
            let value;
            try {
                value = cond();
            } catch (e) {
                reject(e);
                return;
            }
            if (value) {
                resolve(value);
            } else if (Date.now() - started > timeoutMs) {
                reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for: ${what}`));
            } else {
                setTimeout(tick, 20);
            }
        };
        tick();
    });
}

function loadPusherEnvironment() {
    const { info, entry: de, pkg } = loadEnvironment(
        'deapi', ['base_url', 'api_key', 'ws_url', 'pusher_key', 'client_id', 'auth_url'], 'pusher-js');
    if (typeof info.control_url !== 'string')
        fail('JOBSCOPE_SANDBOX_INFO has no control_url');
    if (typeof info.control_token !== 'string')
        fail('JOBSCOPE_SANDBOX_INFO has no control_token');
    return { info, de, Pusher: pkg.default ?? pkg };
}

async function readJson(response, what) {
    const text = await response.text();
    try {
        return JSON.parse(text);
    } catch {
        fail(`${what} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
}

async function main() {
    const { info, de, Pusher } = loadPusherEnvironment();
    Pusher.logToConsole = Boolean(process.env.JOBSCOPE_PUSHER_DEBUG);

    const ownChannel = `private-client.${de.client_id}`;
    const foreignChannel = 'private-client.someone-else';
    // A private channel for which the script forges the signature itself, bypassing the auth
    // endpoint, so the refusal can only come from the WebSocket server checking HMACs.
    const forgedChannel = `private-interop-forged-${process.pid}`;

    const authRequests = [];
    // deAPI's document authorises with a POST of JSON and a Bearer token; pusher-js 8 takes that
    // as channelAuthorization.customHandler (the document's `authorizer` is the deprecated form
    // of the same hook). A refusal is passed to pusher-js as an error, which it reports as
    // pusher:subscription_error on the channel.
    const customHandler = async ({ socketId, channelName }, callback) => {
        if (channelName === forgedChannel) {
            callback(null, { auth: `${de.pusher_key}:${'0'.repeat(64)}` });
            return;
        }
        try {
            const response = await fetch(de.auth_url, {
                method: 'POST',
                headers: {
                    'Content-Type': 'application/json',
                    Authorization: `Bearer ${de.api_key}`,
                },
                body: JSON.stringify({ socket_id: socketId, channel_name: channelName }),
            });
            const text = await response.text();
            authRequests.push({ channelName, socketId, status: response.status });
            if (!response.ok) {
                const error = new Error(`auth endpoint answered ${response.status}: ${text.slice(0, 200)}`);
                error.status = response.status;
                callback(error, null);
                return;
            }
            callback(null, JSON.parse(text));
        } catch (e) {
            callback(e instanceof Error ? e : new Error(String(e)), null);
        }
    };

    const wsUrl = new URL(de.ws_url);
    const useTls = wsUrl.protocol === 'wss:';
    const port = Number(wsUrl.port || (useTls ? 443 : 80));
    pusher = new Pusher(de.pusher_key, {
        cluster: 'mt1',
        wsHost: wsUrl.hostname,
        wsPort: port,
        wssPort: port,
        // pusher-js appends /app/{key} to this; empty when the endpoint sits at the root.
        wsPath: wsUrl.pathname.replace(/\/+$/, ''),
        forceTLS: useTls,
        enabledTransports: useTls ? ['wss'] : ['ws'],
        // `disableStats: true` still works in v8 but is deprecated in favour of this.
        enableStats: false,
        channelAuthorization: { customHandler },
    });

    const states = [];
    const connectionErrors = [];
    pusher.connection.bind('state_change', ({ current }) => states.push(current));
    pusher.connection.bind('error', (error) => connectionErrors.push(error));

    await waitUntil(() => {
        // 'disconnected' before ever connecting means the server refused (4000-4099 codes).
        if (['failed', 'unavailable', 'disconnected'].includes(pusher.connection.state))
            fail(`pusher-js could not connect (state ${pusher.connection.state}): ${JSON.stringify(connectionErrors)}`);
        return pusher.connection.state === 'connected';
    }, `pusher-js to connect to ${de.ws_url}`);
    const firstSocketId = pusher.connection.socket_id;
    if (!/^\d+\.\d+$/.test(firstSocketId ?? ''))
        fail(`socket_id "${firstSocketId}" is not two integers joined by a dot`);
    pass(`connected over ${de.ws_url} with socket_id ${firstSocketId}`);

    // --- the client's own private channel -----------------------------------------------------
    const own = pusher.subscribe(ownChannel);
    let ownSucceeded = 0;
    let ownError = null;
    const updates = [];
    own.bind('pusher:subscription_succeeded', () => { ownSucceeded += 1; });
    own.bind('pusher:subscription_error', (error) => { ownError = error; });
    own.bind('request.status.updated', (data) => updates.push({ at: Date.now(), data }));

    await waitUntil(() => {
        if (ownError)
            fail(`subscribing to ${ownChannel} failed: ${JSON.stringify(ownError)}`);
        return ownSucceeded > 0;
    }, `subscription_succeeded on ${ownChannel}`);
    const ownAuth = authRequests.find((r) => r.channelName === ownChannel);
    pass(`subscribed to ${ownChannel} (auth endpoint answered ${ownAuth?.status})`);

    // --- auth is enforced ---------------------------------------------------------------------
    const refusals = {};
    const successes = {};
    for (const name of [foreignChannel, forgedChannel]) {
        const channel = pusher.subscribe(name);
        channel.bind('pusher:subscription_error', (error) => { refusals[name] ??= error; });
        channel.bind('pusher:subscription_succeeded', () => { successes[name] = true; });
    }
    await waitUntil(() => {
        for (const name of [foreignChannel, forgedChannel]) {
            if (successes[name])
                fail(`${name} was subscribed although it must be refused`);
        }
        return refusals[foreignChannel] && refusals[forgedChannel];
    }, `subscription errors on ${foreignChannel} and ${forgedChannel}`);
    const foreign = refusals[foreignChannel];
    const foreignAuth = authRequests.find((r) => r.channelName === foreignChannel);
    const refusedBy = foreignAuth && foreignAuth.status >= 300
        ? 'by the auth endpoint'
        : `by the WebSocket server, ${foreign.type} ${foreign.status ?? ''}`.trim();
    pass(`${foreignChannel} refused with a subscription error (${refusedBy}: ${foreign.error})`);
    const forged = refusals[forgedChannel];
    if (forged.type !== 'AuthError')
        fail(`forged signature refused, but with type ${JSON.stringify(forged.type)} instead of "AuthError"`);
    pass(`${forgedChannel} with a forged signature refused by the WebSocket server (${forged.type} ${forged.status ?? ''})`);
    pusher.unsubscribe(foreignChannel);
    pusher.unsubscribe(forgedChannel);

    // --- a job's live updates -----------------------------------------------------------------
    waitingFor('the txt2img submission');
    const submit = await fetch(`${de.base_url}/api/v1/client/txt2img`, {
        method: 'POST',
        headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            Authorization: `Bearer ${de.api_key}`,
        },
        body: JSON.stringify({
            prompt: 'interop sunset', width: 64, height: 64, seed: 7,
            sandbox: { duration_ms: 1500 },
        }),
    });
    const submitted = await readJson(submit, 'txt2img');
    if (!submit.ok)
        fail(`txt2img answered ${submit.status}: ${JSON.stringify(submitted).slice(0, 300)}`);
    const requestId = submitted?.data?.request_id;
    if (requestId === undefined || requestId === null || requestId === '')
        fail(`txt2img answer has no data.request_id: ${JSON.stringify(submitted).slice(0, 300)}`);
    pass(`txt2img accepted as request ${requestId} (HTTP ${submit.status})`);

    // Updates may arrive before the submission's answer; they were all collected, filter now.
    const mine = () => updates.filter((u) => String(u.data?.request_id) === String(requestId));
    const done = await waitUntil(() => {
        const failed = mine().find((u) => u.data?.status === 'error');
        if (failed)
            fail(`request ${requestId} ended in error: ${JSON.stringify(failed.data).slice(0, 300)}`);
        return mine().find((u) => u.data?.status === 'done');
    }, `request.status.updated with status "done" for ${requestId}`);

    const processing = mine().filter(
        (u) => u.data?.status === 'processing' && typeof u.data?.progress === 'number'
            && Number.isFinite(u.data.progress));
    if (processing.length === 0)
        fail(`no "processing" update with a numeric progress among ${JSON.stringify(mine().map((u) => u.data)).slice(0, 400)}`);
    pass(`${processing.length} "processing" update(s) with numeric progress (${processing.map((u) => u.data.progress).join(', ')})`);

    const previews = mine().filter((u) => typeof u.data?.preview === 'string' && u.data.preview !== '');
    if (previews.length === 0)
        fail('no update carried a "preview" string');
    pass(`${previews.length} update(s) with a preview (${previews[0].data.preview.slice(0, 60)}…)`);

    if (typeof done.data.result_url !== 'string' || done.data.result_url === '')
        fail(`the "done" update has no result_url: ${JSON.stringify(done.data).slice(0, 300)}`);
    // Give a stray late update a moment to show up before judging "final".
    await new Promise((resolve) => setTimeout(resolve, 200));
    const all = mine();
    const afterDone = all.slice(all.indexOf(done) + 1).filter((u) => u.data?.status !== 'done'); // arrival order, not clock time
    if (afterDone.length > 0)
        fail(`updates arrived after "done": ${JSON.stringify(afterDone.map((u) => u.data)).slice(0, 300)}`);
    pass(`final update is "done" with result_url ${done.data.result_url}`);

    waitingFor(`GET ${done.data.result_url}`);
    const result = await fetch(done.data.result_url);
    const contentType = result.headers.get('content-type') ?? '';
    const body = Buffer.from(await result.arrayBuffer());
    if (result.status !== 200)
        fail(`result_url answered ${result.status} without an Authorization header`);
    if (!contentType.startsWith('image/'))
        fail(`result_url content-type is "${contentType}", not an image`);
    if (body.length === 0)
        fail('result_url returned an empty body');
    pass(`result_url fetched without auth: 200 ${contentType}, ${body.length} bytes`);

    // --- reconnect after the sandbox drops every WebSocket with 4200 --------------------------
    const statesBefore = states.length;
    const succeededBefore = ownSucceeded;
    const errorsBefore = connectionErrors.length;
    waitingFor(`POST ${info.control_url}/drop`);
    const drop = await fetch(`${info.control_url}/drop`, {
        method: 'POST',
        headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'X-Sandbox-Token': info.control_token, // from the sandbox's startup line
        },
        body: JSON.stringify({ ws: true, ws_close_code: 4200 }),
    });
    const dropText = await drop.text();
    if (!drop.ok)
        fail(`${info.control_url}/drop answered ${drop.status}: ${dropText.slice(0, 200)}`);
    pass(`control API dropped the WebSockets (HTTP ${drop.status})`);

    await waitUntil(() => states.slice(statesBefore).some((s) => s !== 'connected'),
        'pusher-js to notice the drop');
    await waitUntil(() => pusher.connection.state === 'connected'
        && states.slice(statesBefore).includes('connected'), 'pusher-js to reconnect by itself');
    const closeCodes = connectionErrors.slice(errorsBefore)
        .map((e) => e?.data?.code ?? e?.error?.data?.code)
        .filter((code) => code !== undefined);
    if (!closeCodes.includes(4200))
        fail(`pusher-js did not see close code 4200 (saw ${JSON.stringify(closeCodes)})`);
    const secondSocketId = pusher.connection.socket_id;
    if (secondSocketId === firstSocketId)
        fail(`socket_id did not change across the reconnect (${secondSocketId})`);
    pass(`closed with 4200, reconnected on its own (${states.slice(statesBefore).join(' -> ')}), new socket_id ${secondSocketId}`);

    await waitUntil(() => {
        if (ownError)
            fail(`re-subscribing to ${ownChannel} failed: ${JSON.stringify(ownError)}`);
        return ownSucceeded > succeededBefore;
    }, `subscription_succeeded again on ${ownChannel}`);
    pass(`re-subscribed to ${ownChannel} by itself after the reconnect`);

    finish(0);
}

run(main);
