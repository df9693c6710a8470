// Hermes half of the React Native test (bundled by Metro with the `react-native` condition,
// run by hermes-engine-cli): scenario.js against the recording Node made, each request
// checked against the recorded one (method, path, body) and answered with its response.
import { run } from './scenario.js';
import recording from './recording.json';
import initFull, { AuthClient as FullClient, normalizePhone as fullNormalize } from 'phone-auth/full';
import { AuthClient as MainClient } from 'phone-auth';
import { AuthClient as SsoClient, normalizePhone as ssoNormalize } from 'phone-auth/sso';

const log = typeof print === 'function' ? print : console.log;

// TEST HARNESS ONLY, not part of the package: the hermes-engine-cli shell runs every
// `setTimeout` callback at once, ignoring its delay (a 15 s request timeout would fire
// before the response). React Native's timers are real; these give the shell real ones:
// a callback runs once its time has come, polled from the shell's own timer queue.
const shellSetTimeout = globalThis.setTimeout;
const due = new Map();
let nextTimer = 1;
let polling = false;
function poll() {
  const now = Date.now();
  for (const [id, timer] of Array.from(due)) {
    if (timer.at <= now && due.delete(id)) timer.f();
  }
  polling = due.size > 0;
  if (polling) shellSetTimeout(poll, 0);
}
globalThis.setTimeout = (f, ms, ...args) => {
  const id = nextTimer++;
  due.set(id, { at: Date.now() + (Number(ms) > 0 ? Number(ms) : 0), f: () => f(...args) });
  if (!polling) {
    polling = true;
    shellSetTimeout(poll, 0);
  }
  return id;
};
globalThis.clearTimeout = (id) => {
  due.delete(id);
};

function replay() {
  let next = 0;
  const fetch = async (url, init = {}) => {
    const want = recording.exchanges[next++];
    const method = init.method || 'GET';
    const path = url.startsWith(recording.base) ? url.slice(recording.base.length) : url;
    const body = init.body == null ? null : typeof init.body === 'string' ? init.body : new TextDecoder().decode(init.body);
    if (!want || want.method !== method || want.path !== path || want.body !== body) {
      throw new Error(`request ${next} differs from Node's: ${method} ${path} ${body} vs ${JSON.stringify(want)}`);
    }
    const bytes = new TextEncoder().encode(want.response);
    const headers = want.headers;
    return {
      status: want.status,
      ok: want.status >= 200 && want.status < 300,
      headers: {
        forEach: (f) => headers.forEach(([k, v]) => f(v, k)),
        get: (n) => (headers.find(([k]) => k === n.toLowerCase()) || [null, null])[1],
      },
      arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      text: async () => want.response,
      json: async () => JSON.parse(want.response),
    };
  };
  return { fetch, left: () => recording.exchanges.length - next };
}

async function main() {
  const engine = typeof HermesInternal === 'object' && HermesInternal !== null ? 'Hermes' : 'not Hermes';
  log(`engine: ${engine}; WebAssembly: ${typeof WebAssembly}`);
  const r = replay();
  const { t } = await run({ base: recording.base, fetch: r.fetch, cases: recording.cases, expected: recording.answers, log });
  t.ok(engine === 'Hermes', 'runs in Hermes');
  // What the polyfills module installed (this Hermes has none of them natively).
  t.ok(typeof TextEncoder === 'function' && typeof TextDecoder === 'function', 'TextEncoder/TextDecoder installed');
  t.ok(typeof queueMicrotask === 'function' && typeof Symbol.dispose === 'symbol', 'queueMicrotask and Symbol.dispose installed');
  t.ok(typeof FullClient.prototype[Symbol.dispose] === 'function', 'AuthClient has [Symbol.dispose] (for `using`)');
  // `phone-auth/full` resolves to its own React Native build.
  await initFull();
  t.eq(fullNormalize('0174 7707607', 'DE').e164, '+491747707607', 'phone-auth/full: normalizePhone');
  t.ok(typeof FullClient.prototype.aritaLogin === 'function', 'phone-auth/full: the extra endpoints');
  // The one-provider entries resolve to phone-auth's React Native build (every provider).
  t.ok(SsoClient === MainClient, "phone-auth/sso: phone-auth's React Native build");
  t.eq(ssoNormalize('0174 7707607', 'DE').e164, '+491747707607', 'phone-auth/sso: normalizePhone');
  t.eq(r.left(), 0, 'every recorded exchange was replayed');
  log(`hermes: ${t.passed} passed, ${t.failed} failed`);
  if (t.failed === 0) log('rn hermes test: ok');
}

main().catch((e) => log(`FAIL: uncaught ${e && e.stack ? e.stack : e}`));
