// The shared prologue of the interop scripts: TAP-like reporting (one "ok N - ..." line per check,
// "not ok - ..." for the failure, a closing "N passed, M failed" line), the overall timeout naming
// what was being waited for, and reading the environment run_interop.sh and CTest hand over:
//   JOBSCOPE_NODE_MODULES  folder holding the reference client packages (build/node/node_modules)
//   JOBSCOPE_SANDBOX_INFO  the JSON line jobscope-sandbox prints on start
//
// The overall timeout starts when this module is first imported.

import { createRequire } from 'node:module';
import path from 'node:path';

export const OVERALL_TIMEOUT_MS = 30000;

let passed = 0;
let finished = false;
let pending = 'start-up';
let cleanup = null;

const overall = setTimeout(
    () => finish(1, `overall ${OVERALL_TIMEOUT_MS / 1000} s timeout while waiting for: ${pending}`),
    OVERALL_TIMEOUT_MS);

export function isFinished() {
    return finished;
}

// Names what the script waits for now, for the overall timeout's message.
export function waitingFor(what) {
    pending = what;
}

// Registers what finish() closes (a client's connection) before it reports.
export function onFinish(fn) {
    cleanup = fn;
}

export function pass(message) {
    passed += 1;
    console.log(`ok ${passed} - ${message}`);
}

export function finish(code, message) {
    if (finished)
        return;
    finished = true;
    clearTimeout(overall);
    if (message)
        console.log(`not ok - ${message}`);
    try {
        cleanup?.();
    } catch {
        // The exit code already tells what happened; a failing close must not hide it.
    }
    console.log(code === 0 ? `${passed} passed, 0 failed` : `${passed} passed, 1 failed`);
    // WebSocket, EventSource and fetch keep-alive sockets would hold the loop open a while: leave now.
    setImmediate(() => process.exit(code));
}

// For the main flow: reports, then unwinds main() without a second report.
export function fail(message) {
    finish(1, message);
    throw new Error(message);
}

// Runs the script's async main(), reporting an unexpected rejection as the failure.
export function run(main) {
    main().catch((error) => {
        if (!finished)
            finish(1, error?.message ?? String(error));
    });
}

// Reads the environment: the sandbox info, the named dialect's entry (each of `fields` a non-empty
// string), and `packageName` loaded from JOBSCOPE_NODE_MODULES. Fails the script on anything missing.
export function loadEnvironment(dialect, fields, packageName) {
    const modules = process.env.JOBSCOPE_NODE_MODULES;
    const infoText = process.env.JOBSCOPE_SANDBOX_INFO;
    if (!modules)
        fail(`JOBSCOPE_NODE_MODULES is not set (the folder holding ${packageName})`);
    if (!infoText)
        fail('JOBSCOPE_SANDBOX_INFO is not set (the JSON line jobscope-sandbox prints on start)');
    let info;
    try {
        info = JSON.parse(infoText);
    } catch (e) {
        fail(`JOBSCOPE_SANDBOX_INFO is not JSON: ${e.message}`);
    }
    const entry = info?.dialects?.[dialect];
    for (const field of fields) {
        if (typeof entry?.[field] !== 'string' || entry[field] === '')
            fail(`JOBSCOPE_SANDBOX_INFO has no dialects.${dialect}.${field}`);
    }
    // Resolve from the given folder, not from the calling script's location.
    const require = createRequire(path.join(path.resolve(modules), 'noop.js'));
    let pkg;
    try {
        pkg = require(packageName);
    } catch (e) {
        fail(`cannot load ${packageName} from ${modules}: ${e.message}`);
    }
    return { info, entry, pkg };
}
