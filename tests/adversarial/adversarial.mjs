// The adversarial suite against the built Node package (issue 8).
//
// At least --inputs (100,000) random and mutated inputs go to every exported function and
// to every method of AuthClient: strings with NULs, lone surrogates, 1 MB strings, numbers,
// null, objects, Proxies that throw, hostile fetch answers and hostile storage contents.
// Every call must return (with the documented shape) or throw/reject with an AuthError.
// Afterwards the SAME module instance must still normalise a number and sign in against the
// real emulator: a wasm panic (an `unreachable` trap) would have poisoned it.
//
// Usage: node adversarial.mjs --node pkg/node/index.js --emulator http://127.0.0.1:PORT [--inputs 100000] [--seed 1]

import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { values, phoneString, tokenString, optionsObject, hostileFetch, hostileStorage, rng, urlValue, leaks } from './inputs.mjs';

const opts = {};
for (let i = 2; i < process.argv.length; i += 2) opts[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!opts.node) throw new Error('--node <entry> is required');
const total = Number(opts.inputs ?? 100_000);
const r = rng(Number(opts.seed ?? 20260522));

const mod = await import(pathToFileURL(resolve(opts.node)).href);
if (typeof mod.default === 'function') await mod.default();
const { AuthError, AuthClient, normalizePhone, decodeToken } = mod;
for (const [name, v] of Object.entries({ AuthError, AuthClient, normalizePhone, decodeToken })) {
  if (typeof v !== 'function') throw new Error(`the package does not export ${name}`);
}

const failures = [];
let calls = 0;
const preview = (v) => {
  try {
    if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…(${v.length} chars)` : v);
    if (typeof v === 'symbol' || typeof v === 'bigint') return String(v);
    return Object.prototype.toString.call(v);
  } catch { return '?'; }
};
function fail(where, args, what) {
  if (failures.length < 25) failures.push(`${where}(${args.map(preview).join(', ')}): ${what}`);
  else failures.length++;
}
const describe = (e) => `${e?.constructor?.name ?? typeof e}: ${String(e?.message ?? e).slice(0, 160)}`;
const isAuthError = (e) => e instanceof AuthError && typeof e.code === 'string' && e.code.length > 0 && typeof e.message === 'string';

process.on('unhandledRejection', (e) => fail('unhandledRejection', [], describe(e)));
process.on('uncaughtException', (e) => fail('uncaughtException', [], describe(e)));
const silence = console.error; // listeners that throw are reported to the console by design
const quiet = (f) => { console.error = () => {}; console.warn = () => {}; try { return f(); } finally { console.error = silence; } };

/** A sync call: returns a value `check` accepts, or throws an AuthError. */
function sync(where, f, args, check) {
  calls++;
  try {
    const out = quiet(() => f(...args));
    const bad = check(out);
    if (bad) fail(where, args, `returned ${bad}`);
    return out;
  } catch (e) {
    if (!isAuthError(e)) fail(where, args, `threw ${describe(e)}`);
    return undefined;
  }
}

/** An async call: settles within `limitMs` as a value or an AuthError rejection. */
async function later(where, f, args, limitMs = 60_000) {
  calls++;
  let timer;
  const hang = new Promise((ok) => { timer = setTimeout(() => ok('__hang__'), limitMs); });
  try {
    const p = quiet(() => f(...args));
    const out = await Promise.race([Promise.resolve(p), hang]);
    if (out === '__hang__') fail(where, args, `did not settle within ${limitMs} ms`);
  } catch (e) {
    if (!isAuthError(e)) fail(where, args, `rejected with ${describe(e)}`);
  } finally {
    clearTimeout(timer);
  }
}

// E.164 proper stops at 15 digits, but libphonenumber's metadata allows national numbers of
// up to 17 digits (JP, DE), so only the structure is checked: `+`, calling code, national.
const phoneShape = (o) => (o && typeof o.e164 === 'string' && /^\+[1-9]\d{2,19}$/.test(o.e164)
  && typeof o.countryCallingCode === 'string' && typeof o.nationalNumber === 'string'
  && o.e164 === `+${o.countryCallingCode}${o.nationalNumber}` ? null : `a bad PhoneInfo ${JSON.stringify(o)?.slice(0, 160)}`);
const tokenShape = (o) => (o && typeof o.header === 'object' && o.claims && typeof o.claims === 'object' ? null : `a bad DecodedToken ${JSON.stringify(o)?.slice(0, 120)}`);

// Phase 1: the free functions, ~90% of the inputs.
const started = performance.now();
const asyncBudget = Math.max(1000, Math.floor(total * 0.04));
const ctorBudget = Math.max(500, Math.floor(total * 0.04));
const freeBudget = total - asyncBudget - ctorBudget;
for (let i = 0; i < freeBudget; i++) {
  const k = r();
  const pick = () => (r() < 0.7 ? phoneString(r) : values(r));
  if (k < 0.5) {
    const args = r() < 0.85 ? [pick(), r() < 0.6 ? values.region(r) : values(r)] : Array.from({ length: Math.floor(r() * 4) }, pick);
    sync('normalizePhone', normalizePhone, args, phoneShape);
  } else {
    const args = r() < 0.9 ? [r() < 0.75 ? tokenString(r) : values(r)] : Array.from({ length: Math.floor(r() * 3) }, () => tokenString(r));
    sync('decodeToken', decodeToken, args, tokenShape);
  }
}
const freeMs = performance.now() - started;

// Phase 2: constructing clients from hostile options.
const clients = [];
for (let i = 0; i < ctorBudget; i++) {
  const o = r() < 0.85 ? optionsObject(r, hostileFetch(r), hostileStorage(r)) : values(r);
  calls++;
  try {
    const c = quiet(() => new AuthClient(o));
    if (!(c instanceof AuthClient)) fail('new AuthClient', [o], 'returned something else');
    else if (clients.length < 400) clients.push(c);
  } catch (e) {
    if (!isAuthError(e)) fail('new AuthClient', [o], `threw ${describe(e)}`);
  }
}

// Phase 3: every method of those clients, with hostile arguments, some concurrently on
// one client (which must never trip "recursive use of an object").
// `free`/`dispose`/`__destroy_into_raw` release the Rust object (afterwards every call is
// the AuthError `invalid_state`: tests/leaks/node-soak.mjs); they are not fuzzed.
const lifecycle = new Set(['constructor', 'free', 'dispose', '__destroy_into_raw']);
const methods = Object.getOwnPropertyNames(AuthClient.prototype)
  .filter((m) => !lifecycle.has(m) && !m.startsWith('__') && typeof Object.getOwnPropertyDescriptor(AuthClient.prototype, m)?.value === 'function');
const argFor = (m) => {
  if (/code|verify/i.test(m) && !/request/i.test(m)) return r() < 0.5 ? String(Math.floor(r() * 1e8)) : values(r);
  if (/phone|request|status/i.test(m)) return r() < 0.6 ? phoneString(r) : values(r);
  if (/fetch/i.test(m)) return r() < 0.8 ? urlValue(r) : values(r);
  if (/onAuthStateChange/.test(m)) return r() < 0.7 ? (() => { if (r() < 0.3) throw new Error('listener'); }) : values(r);
  return values(r);
};
const perClient = Math.ceil(asyncBudget / Math.max(1, clients.length));
await Promise.all(clients.map(async (c) => {
  for (let j = 0; j < perClient; j++) {
    const batch = Array.from({ length: r() < 0.3 ? 3 : 1 }, () => {
      const m = methods[Math.floor(r() * methods.length)];
      const args = Array.from({ length: Math.floor(r() * 3) }, () => argFor(m));
      return later(`AuthClient.${m}`, (...a) => {
        const out = c[m](...a);
        // onAuthStateChange returns an unsubscribe function; call it like an app would.
        if (typeof out === 'function') out();
        return out;
      }, args);
    });
    await Promise.all(batch);
  }
  try { c.stopAutoRefresh?.(); } catch { /* checked above as a method call */ }
}));
const fuzzMs = performance.now() - started;

// Phase 4: the same module instance still works.
let signedIn = false;
const afterwards = [];
try {
  const p = normalizePhone('0174 7707607', 'DE');
  if (p.e164 !== '+491747707607') afterwards.push(`normalizePhone gives ${p.e164} after fuzzing`);
  const t = decodeToken('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwiZXhwIjo0MDAwMDAwMDAwfQ.c2ln');
  if (t.claims.sub !== '1') afterwards.push('decodeToken lost the subject after fuzzing');
} catch (e) {
  afterwards.push(`the module is poisoned: ${describe(e)}`);
}
if (opts.emulator) {
  for (const [provider, phone, e164] of [
    ['sso', '0151 2345 6789', '+4915123456789'],
    ['monetha', '+370 612 34567', '+37061234567'],
  ]) {
    try {
      const auth = new AuthClient({ provider, baseUrl: opts.emulator, defaultCountry: 'DE', storage: 'memory', autoRefresh: false, deviceId: 'adversarial' });
      await auth.requestCode(phone);
      const inbox = await (await fetch(`${opts.emulator}/__emulator/sms?e164=${encodeURIComponent(e164)}`)).json();
      const code = inbox[0]?.code;
      const session = await auth.verify(code);
      if (typeof session?.token !== 'string' || session.token.length < 10) afterwards.push(`${provider}: verify gave no token`);
      else if ((await auth.getToken()) !== session.token) afterwards.push(`${provider}: getToken differs from the session token`);
      else signedIn = true;
      await auth.signOut();
    } catch (e) {
      afterwards.push(`${provider} sign-in after fuzzing failed: ${describe(e)} ${e?.code ?? ''}`);
    }
  }
} else {
  afterwards.push('no --emulator: the sign-in check did not run');
}

console.log(`adversarial: ${calls} calls (${freeBudget} to the free functions in ${freeMs.toFixed(0)} ms, ` +
  `${ctorBudget} constructions, ${calls - freeBudget - ctorBudget} method calls on ${clients.length} clients; ${methods.length} methods: ${methods.join(', ')}) in ${(fuzzMs / 1000).toFixed(1)} s`);
for (const f of failures.slice(0, 25)) console.log(`FAIL ${f}`);
for (const a of afterwards) console.log(`FAIL ${a}`);
for (const l of leaks.slice(0, 25)) console.log(`FAIL token leak: ${l}`);
const failed = failures.length + afterwards.length + leaks.length;
console.log(`adversarial: ${calls - failures.length} passed, ${failed} failed${signedIn ? '; signed in afterwards with the same module instance' : ''}`);
process.exit(failed === 0 && calls >= total ? 0 : 1);
