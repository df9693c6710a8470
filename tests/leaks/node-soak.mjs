// Leak soaks of the installed package in Node (run with `node --expose-gc`): issue 22,
// items 1–3. Every check asserts a plateau (growth after a warm-up), not a time alone.
//
//   node --expose-gc node-soak.mjs [--long] [--only churn|cycles|errors] [--json FILE]
//
// - churn: 16,000 clients created and thrown away after a warm-up, in every way an app
//   does it (dispose + free, dispose alone, free alone, dropped and collected through
//   wasm-bindgen's FinalizationRegistry; with and without listeners, auto-refresh, an
//   async storage adapter, a call in flight): wasm memory grows < 1 MB, the heap < 2 MB.
// - cycles: 3,000 sign-in/out cycles on one client with an in-process fake backend (no
//   real I/O, as the mocks of an app's test suite), then 3,000 refreshes, then 3,000
//   `auth.fetch` calls answered 401 once each: RSS grows < 64 MB and a cycle of the last
//   500 takes no more than 2x one of the first 500 (medians; after a warm-up of 100).
// - errors: failing sign-ins (wrong code, 429, timeout, network error, a storage adapter
//   that throws) and clients disposed while a request or refresh is in flight: plateau.
// Also: no BroadcastChannel is ever opened in Node, and a disposed client answers
// `invalid_state` (a second dispose() included).
//
// PHONE_AUTH_MODULE overrides the module imported (default `phone-auth`), to measure an
// older build.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const LONG = args.includes('--long');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : null;
assert.equal(typeof globalThis.gc, 'function', 'run with node --expose-gc');

// The wasm instance, to read its memory: the package instantiates synchronously at import.
let instance;
const OrigInstance = WebAssembly.Instance;
WebAssembly.Instance = function Instance(module, imports) {
  const inst = new OrigInstance(module, imports);
  instance ??= inst;
  return inst;
};
WebAssembly.Instance.prototype = OrigInstance.prototype;
// Count BroadcastChannels: Node has no tabs, so the SDK must open none.
let channels = 0;
const OrigBC = globalThis.BroadcastChannel;
globalThis.BroadcastChannel = class extends OrigBC {
  constructor(name) {
    super(name);
    channels += 1;
  }
};
const mod = await import(process.env.PHONE_AUTH_MODULE ?? 'phone-auth');
WebAssembly.Instance = OrigInstance;
const { AuthClient } = mod;
assert.ok(instance && instance.exports.memory, 'the wasm instance and its memory');
const wasmBytes = () => instance.exports.memory.buffer.byteLength;

const MB = 1024 * 1024;
const results = {};
// Plateau checks are collected, so one run prints every number before it fails.
const failures = [];
const check = (ok, message) => {
  if (!ok) {
    failures.push(message);
    console.error(`FAIL: ${message}`);
  }
};
const fmt = (b) => `${(b / MB).toFixed(2)} MB`;
const tick = () => new Promise((r) => setImmediate(r));
const later = (ms) => new Promise((r) => setTimeout(r, ms));
/** Garbage-collects until the FinalizationRegistry callbacks and pending tasks ran. */
async function settle() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await later(5);
  }
}
async function measure() {
  await settle();
  return { wasm: wasmBytes(), heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss };
}

// ------------------------------------------------------------ an in-process fake backend

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
let minted = 0;
function jwt(lifetimeSecs) {
  const iat = Math.floor(Date.now() / 1000);
  minted += 1;
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'u1', iat, exp: iat + lifetimeSecs, n: minted })}.c2ln`;
}
const json = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/**
 * A fetch answering like the SSO backend, without I/O. `mode` picks a failure of the
 * code step: 'ok', 'wrong' (the code is refused), 'limited' (429), 'hang' (never
 * answers; the client's timeout ends it), 'offline' (fetch rejects).
 */
function fakeSso(state) {
  return async (url, init) => {
    const path = new URL(url).pathname;
    if (path.endsWith('/sso/sms')) {
      if (state.mode === 'limited') return json(429, { message: 'slow down', retryAfter: 7 });
      if (state.mode === 'hang') return new Promise(() => {});
      if (state.mode === 'offline') throw new TypeError('Failed to fetch');
      return json(201, {});
    }
    if (path.endsWith('/sso/auth')) {
      if (state.mode === 'wrong') return json(400, { message: 'wrong code' });
      return json(201, { token: jwt(3600) });
    }
    if (path.endsWith('/api')) {
      // The app's API: every other call answers 401 (an expired token), as after a
      // key rotation, so each `auth.fetch` refreshes once and retries once.
      state.api = (state.api ?? 0) + 1;
      return new Response(state.api % 2 ? 'no' : 'ok', { status: state.api % 2 ? 401 : 200 });
    }
    return new Response('not found', { status: 404 });
  };
}

function adapter({ throws = false } = {}) {
  const m = new Map();
  return {
    getItem: async (k) => (m.has(k) ? m.get(k) : null),
    setItem: async (k, v) => {
      if (throws) throw new Error('quota exceeded');
      m.set(k, v);
    },
    removeItem: async (k) => {
      m.delete(k);
    },
  };
}

const base = { provider: 'sso', baseUrl: 'https://fake.test', defaultCountry: 'DE' };
const refresh = { strategy: 'callback', callback: async () => ({ token: jwt(3600) }) };
const PHONE = '+491705550101';

// ------------------------------------------------------------ 1. clients created and dropped

/** One client thrown away in way `i` (16 combinations). */
async function churnOne(i, state) {
  const opts = {
    ...base,
    fetch: fakeSso(state),
    storage: i & 4 ? adapter() : 'memory',
    autoRefresh: (i & 8) !== 0,
    timeoutMs: 50,
  };
  const c = new AuthClient(opts);
  if (i & 1) c.onAuthStateChange(() => {});
  if (i % 7 === 0) c.getSession().catch(() => {}); // in flight at dispose
  if (i % 11 === 0) c.requestCode(PHONE).catch(() => {});
  switch ((i >> 1) & 3 ^ ((i >> 4) & 3)) {
    case 0: // dispose + free
      c.dispose();
      c.free();
      break;
    case 1: // dispose, then dropped (collected)
      c.dispose();
      break;
    case 2: // free without dispose
      c.free();
      break;
    default: // dropped without dispose: collected through the FinalizationRegistry
      break;
  }
}

async function churn(count, from) {
  const state = { mode: 'ok' };
  for (let i = from; i < from + count; i++) {
    await churnOne(i, state);
    if (i % 200 === 199) await tick();
    // A client dropped without free() keeps its wasm state until the collector runs
    // its FinalizationRegistry callback, and V8 schedules collections by the JS heap,
    // which these small wrappers hardly grow: collect now and then, as a busy service's
    // allocations would, so what is measured is what stays, not what awaits collection.
    if (i % 1000 === 999) globalThis.gc();
  }
  await later(80); // the in-flight calls time out (timeoutMs 50)
}

async function testChurn() {
  const N = LONG ? 64000 : 16000;
  await churn(4000, 0); // warm-up: wasm memory reaches its working size
  const before = await measure();
  const t = performance.now();
  await churn(N, 4000);
  const ms = performance.now() - t;
  const after = await measure();
  const wasm = after.wasm - before.wasm;
  const heap = after.heap - before.heap;
  console.log(`churn: ${N} clients in ${ms.toFixed(0)} ms: wasm +${fmt(wasm)}, heap ${heap >= 0 ? '+' : ''}${fmt(heap)}`);
  results.churn = { clients: N, wasmGrowth: wasm, heapGrowth: heap, ms };

  // What a live client costs: 2,000 kept, then released.
  const live = [];
  const m0 = await measure();
  for (let i = 0; i < 2000; i++) {
    const c = new AuthClient({ ...base, fetch: fakeSso({ mode: 'ok' }), storage: adapter(), autoRefresh: false });
    c.onAuthStateChange(() => {});
    live.push(c);
  }
  await tick();
  const m1 = await measure();
  results.live = { wasmPerClient: (m1.wasm - m0.wasm) / 2000, heapPerClient: (m1.heap - m0.heap) / 2000 };
  console.log(`live client: ${results.live.wasmPerClient.toFixed(0)} B of wasm memory (growth), ${results.live.heapPerClient.toFixed(0)} B of JS heap`);
  for (const c of live) c.dispose();
  live.length = 0;

  check(wasm < 1 * MB, `wasm memory grew ${fmt(wasm)} over ${N} disposed clients (limit 1 MB)`);
  check(heap < 2 * MB, `the heap grew ${fmt(heap)} over ${N} disposed clients (limit 2 MB)`);
}

// ------------------------------------------------------------ 2. cycles on one client

/** Runs `cycle(i)` `n` times; asserts the plateau; returns the numbers. */
async function soak(name, n, cycle) {
  const warm = 100;
  for (let i = 0; i < warm; i++) await cycle(i);
  const before = await measure();
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await cycle(i);
    times.push(performance.now() - t);
  }
  const after = await measure();
  const sum = (a) => a.reduce((x, y) => x + y, 0);
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const first = sum(times.slice(0, 500));
  const last = sum(times.slice(-500));
  // Compared by the median cycle of each window: a burst of load from another process
  // on a shared CI machine moves a sum, not a median; a slowdown that grows with the
  // cycles (what leaked channels caused: 11.5x) moves both.
  const firstMedian = median(times.slice(0, 500));
  const lastMedian = median(times.slice(-500));
  const r = {
    cycles: n,
    rssGrowth: after.rss - before.rss,
    wasmGrowth: after.wasm - before.wasm,
    heapGrowth: after.heap - before.heap,
    first500ms: first,
    last500ms: last,
    first500medianMs: firstMedian,
    last500medianMs: lastMedian,
  };
  console.log(`${name}: ${n} cycles, RSS +${fmt(r.rssGrowth)}, wasm +${fmt(r.wasmGrowth)}, heap ${fmt(r.heapGrowth)}; first 500 ${first.toFixed(0)} ms (median ${firstMedian.toFixed(3)}), last 500 ${last.toFixed(0)} ms (median ${lastMedian.toFixed(3)})`);
  results[name] = r;
  check(r.rssGrowth < 64 * MB, `${name}: RSS grew ${fmt(r.rssGrowth)} (limit 64 MB)`);
  check(r.wasmGrowth < 1 * MB, `${name}: wasm memory grew ${fmt(r.wasmGrowth)} (limit 1 MB)`);
  check(
    lastMedian <= 2 * firstMedian,
    `${name}: a cycle of the last 500 took ${lastMedian.toFixed(3)} ms (median), over 2x one of the first 500 (${firstMedian.toFixed(3)} ms)`,
  );
}

async function testCycles() {
  const N = LONG ? 20000 : 3000;
  const state = { mode: 'ok' };
  const events = [];
  const auth = new AuthClient({ ...base, fetch: fakeSso(state), storage: adapter(), refresh });
  const off = auth.onAuthStateChange((e) => {
    events.push(e);
    if (events.length > 64) events.length = 0;
  });
  await soak('sign-in/out', N, async () => {
    await auth.requestCode(PHONE);
    await auth.verify('482135');
    await auth.signOut();
  });
  await auth.requestCode(PHONE);
  await auth.verify('482135');
  await soak('refresh', N, async () => {
    await auth.refresh();
  });
  await soak('fetch-401', N, async () => {
    const r = await auth.fetch('https://fake.test/api');
    assert.equal(r.status, 200);
  });
  off();
  off(); // idempotent
  auth.dispose();
  auth.free();
}

// ------------------------------------------------------------ 3. error paths

async function failingSignIn(i) {
  const modes = ['wrong', 'limited', 'hang', 'offline', 'storage', 'dispose-request', 'dispose-refresh'];
  const mode = modes[i % modes.length];
  const state = { mode: mode === 'storage' || mode.startsWith('dispose') ? 'ok' : mode };
  const auth = new AuthClient({
    ...base,
    fetch: fakeSso(state),
    storage: adapter({ throws: mode === 'storage' }),
    timeoutMs: 20,
    refresh,
  });
  auth.onAuthStateChange(() => {});
  if (mode === 'dispose-request') {
    const p = auth.requestCode(PHONE);
    auth.dispose();
    await p.catch(() => {});
    // (An older build, measured through PHONE_AUTH_MODULE, has no such check.)
    if (!process.env.PHONE_AUTH_MODULE) await assert.rejects(auth.getToken(), (e) => e.code === 'invalid_state');
    return;
  }
  if (mode === 'dispose-refresh') {
    await auth.requestCode(PHONE);
    await auth.verify('482135');
    const p = auth.refresh();
    auth.dispose();
    await p.catch(() => {});
    auth.free();
    return;
  }
  let failed = false;
  try {
    await auth.requestCode(PHONE);
    await auth.verify('111111');
  } catch (e) {
    failed = true;
    assert.ok(['unauthorized', 'invalid_code', 'rate_limited', 'timeout', 'network', 'storage', 'bad_response'].includes(e.code) || e.code, `an AuthError: ${e.code}`);
  }
  assert.ok(failed, `${mode}: the sign-in failed`);
  if (i % 2) auth.dispose();
}

async function testErrors() {
  const N = LONG ? 14000 : 3500;
  for (let i = 0; i < 700; i++) await failingSignIn(i);
  const before = await measure();
  for (let i = 0; i < N; i++) await failingSignIn(i);
  await later(60);
  const after = await measure();
  const r = { runs: N, wasmGrowth: after.wasm - before.wasm, heapGrowth: after.heap - before.heap };
  console.log(`errors: ${N} failing or interrupted sign-ins: wasm +${fmt(r.wasmGrowth)}, heap ${fmt(r.heapGrowth)}`);
  results.errors = r;
  check(r.wasmGrowth < 1 * MB, `error paths: wasm memory grew ${fmt(r.wasmGrowth)} (limit 1 MB)`);
  check(r.heapGrowth < 2 * MB, `error paths: the heap grew ${fmt(r.heapGrowth)} (limit 2 MB)`);
}

// ------------------------------------------------------------ lifecycle contract

async function testLifecycle() {
  const auth = new AuthClient({ ...base, fetch: fakeSso({ mode: 'ok' }), storage: 'memory' });
  const off = auth.onAuthStateChange(() => {});
  auth.dispose();
  const isState = (e) => e instanceof mod.AuthError && e.code === 'invalid_state';
  assert.throws(() => auth.dispose(), isState, 'a second dispose() is invalid_state');
  await assert.rejects(auth.getToken(), isState);
  await assert.rejects(auth.requestCode(PHONE), isState);
  assert.throws(() => auth.onAuthStateChange(() => {}), isState);
  assert.throws(() => auth.startAutoRefresh(), isState);
  auth.stopAutoRefresh(); // stopping what is stopped: a no-op
  off(); // unsubscribing after dispose: a no-op
  auth.free();
  off();
  // Freed (free(), `using`): the same answers, not wasm-bindgen's "null pointer passed to rust".
  await assert.rejects(auth.getToken(), isState);
  assert.throws(() => auth.dispose(), isState);
  auth.free(); // a second free(): a no-op
  auth[Symbol.dispose](); // what `using` calls at the end of its scope: a no-op too
  auth.stopAutoRefresh();
  const never = new AuthClient({ ...base, fetch: fakeSso({ mode: 'ok' }), storage: 'memory' });
  never.free(); // freed without dispose()
  await assert.rejects(never.verify('482135'), isState);
  assert.throws(() => never.onAuthStateChange(() => {}), isState);
}

if (!only || only === 'lifecycle') await testLifecycle();
if (!only || only === 'churn') await testChurn();
if (!only || only === 'cycles') await testCycles();
if (!only || only === 'errors') await testErrors();
results.channels = channels;
console.log(`BroadcastChannels opened in Node: ${channels}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
check(channels === 0, `${channels} BroadcastChannels opened in Node (none expected)`);
assert.deepEqual(failures, [], 'every plateau held');
console.log('node soak: ok');
