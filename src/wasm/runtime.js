// The JavaScript half of the wasm layer: the `AuthError` class and the few host
// facilities the Rust side needs (fetch with a timeout, timers, storage, Web Locks,
// cross-tab messages, wake-up events). Every global is looked up lazily, when a call
// needs it, so importing the package touches nothing in Node or React Native.

/** Marks every `AuthError`, whichever copy of the package made it (a global symbol). */
const BRAND = Symbol.for('phone-auth.AuthError');

/**
 * Every failure of phone-auth. `code` is stable; see docs/wasm.md for the list.
 * `instanceof` goes by the brand, not by the class: an error from `phone-auth/full`, or
 * from a second copy of the package a bundler pulled in, is still an `AuthError`.
 */
export class AuthError extends Error {
  constructor(code, message, status, retryAfter, providerMessage) {
    super(message);
    this.name = 'AuthError';
    this.code = code;
    this.status = status ?? null;
    this.retryAfter = retryAfter ?? null;
    this.providerMessage = providerMessage ?? null;
  }

  static [Symbol.hasInstance](e) {
    return e != null && e[BRAND] === true;
  }
}
AuthError.prototype[BRAND] = true;

export function authError(code, message, status, retryAfter, providerMessage) {
  return new AuthError(code, message, status, retryAfter, providerMessage);
}

/** Wraps anything thrown by user code or the host into an AuthError. */
export function toAuthError(e, code) {
  if (e instanceof AuthError) return e;
  const msg = e && typeof e.message === 'string' ? e.message : String(e);
  return new AuthError(code, msg.slice(0, 300));
}

const g = () => globalThis;

/** The largest delay `setTimeout` accepts (2^31 − 1 ms); longer ones fire at once in Node. */
const MAX_DELAY = 2147483647;

/** A timer delay in `[0, MAX_DELAY]` (NaN and negatives become 0). */
function delay(ms) {
  const n = Number(ms);
  return n > 0 ? Math.min(n, MAX_DELAY) : 0;
}

export function sleep(ms) {
  return new Promise((r) => g().setTimeout(r, delay(ms)));
}

/** Starts a timer; returns its id. */
export function setTimer(ms, f) {
  return g().setTimeout(f, delay(ms));
}

export function clearTimer(id) {
  g().clearTimeout(id);
}

/**
 * One HTTP exchange. Resolves to `[status, headers (flat [k, v, k, v…]), body bytes]`;
 * rejects with an AuthError `timeout` or `network` (never with the request's content).
 */
export async function httpSend(fetchFn, method, url, headers, body, timeoutMs) {
  const f = fetchFn || g().fetch;
  if (typeof f !== 'function') {
    throw new AuthError('invalid_config', 'No fetch available: pass `fetch` in the options.');
  }
  const h = {};
  for (let i = 0; i + 1 < headers.length; i += 2) h[headers[i]] = headers[i + 1];
  const AC = g().AbortController;
  const ctl = typeof AC === 'function' ? new AC() : null;
  let timedOut = false;
  // The timer both aborts the request and wins the race: an injected fetch that
  // ignores `signal` (or a runtime without AbortController) still times out.
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = g().setTimeout(() => {
      timedOut = true;
      if (ctl) ctl.abort();
      reject(new AuthError('timeout', 'The server did not answer in time.'));
    }, delay(timeoutMs));
  });
  try {
    const init = { method, headers: h };
    if (body != null) init.body = body;
    if (ctl) init.signal = ctl.signal;
    const work = (async () => {
      const res = await f(url, init);
      const flat = [];
      if (res.headers && typeof res.headers.forEach === 'function') {
        res.headers.forEach((v, k) => flat.push(k, v));
      }
      const buf = await res.arrayBuffer();
      return [res.status, flat, new Uint8Array(buf)];
    })();
    work.catch(() => {}); // a late failure after the timeout is not unhandled
    return await Promise.race([work, timeout]);
  } catch (e) {
    if (e instanceof AuthError) throw e;
    if (timedOut) throw new AuthError('timeout', 'The server did not answer in time.');
    const what = e && e.name ? e.name : 'error';
    throw new AuthError('network', `The network request failed: ${what}.`);
  } finally {
    g().clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- storage

class MemoryStorage {
  constructor() {
    this.m = new Map();
  }
  getItem(k) {
    return this.m.has(k) ? this.m.get(k) : null;
  }
  setItem(k, v) {
    this.m.set(k, String(v));
  }
  removeItem(k) {
    this.m.delete(k);
  }
}

/**
 * Resolves the `storage` option: 'local' | 'session' | 'memory' | adapter (default:
 * 'local' where `localStorage` exists, else 'memory'). Returns `[store, kind]`.
 */
export function resolveStorage(opt) {
  if (opt && typeof opt === 'object') {
    for (const m of ['getItem', 'setItem', 'removeItem']) {
      if (typeof opt[m] !== 'function') {
        throw new AuthError('invalid_config', `The storage adapter has no ${m}() method.`);
      }
    }
    return [opt, 'adapter'];
  }
  const pick = (name) => {
    try {
      const s = g()[name];
      return s && typeof s.getItem === 'function' ? s : null;
    } catch (_) {
      return null; // e.g. a sandboxed iframe throws on access
    }
  };
  if (opt === 'local' || opt === 'session') {
    const s = pick(opt === 'local' ? 'localStorage' : 'sessionStorage');
    if (!s) throw new AuthError('invalid_config', `storage: '${opt}' is not available in this runtime.`);
    return [s, opt];
  }
  if (opt === 'memory') return [new MemoryStorage(), 'memory'];
  if (opt == null) {
    const s = pick('localStorage');
    return s ? [s, 'local'] : [new MemoryStorage(), 'memory'];
  }
  throw new AuthError('invalid_config', "storage must be 'local', 'session', 'memory' or an adapter.");
}

export async function storeGet(s, k) {
  try {
    const v = await s.getItem(k);
    return typeof v === 'string' ? v : null;
  } catch (e) {
    throw toAuthError(e, 'storage');
  }
}

export async function storeSet(s, k, v) {
  try {
    await s.setItem(k, v);
  } catch (e) {
    throw toAuthError(e, 'storage');
  }
}

export async function storeRemove(s, k) {
  try {
    await s.removeItem(k);
  } catch (e) {
    throw toAuthError(e, 'storage');
  }
}

// ---------------------------------------------------------------- tabs

/**
 * Runs `f` (returning a Promise) while holding the Web Lock `name`, waiting at most
 * `timeoutMs` for it. Without `navigator.locks` (Node, React Native) runs `f` at once.
 * Resolves to `[tookLock, value]`; when the wait times out runs `f` anyway (a stuck tab
 * must not block refresh forever) with `tookLock` false.
 */
export async function withLock(name, timeoutMs, f) {
  let locks = null;
  try {
    locks = g().navigator && g().navigator.locks;
  } catch (_) {
    locks = null;
  }
  if (!locks || typeof locks.request !== 'function') return [false, await f()];
  const AC = g().AbortController;
  const ctl = new AC();
  const timer = g().setTimeout(() => ctl.abort(), delay(timeoutMs));
  try {
    return await locks.request(name, { signal: ctl.signal }, async () => {
      g().clearTimeout(timer);
      return [true, await f()];
    });
  } catch (e) {
    if (e && e.name === 'AbortError') return [false, await f()];
    throw e;
  } finally {
    g().clearTimeout(timer);
  }
}

/**
 * A client's link to its sibling tabs: one BroadcastChannel named `name`, kept for the
 * client's life and used both to hear and to tell, and for `localStorage` the `storage`
 * events for `key`. Calls `cb()` on a message. Only where a page can have siblings (a
 * `document`); `null` elsewhere (Node, React Native, workers), which have no tabs.
 * `closeTabs` ends it (dispose()).
 */
export function openTabs(name, key, useStorageEvent, cb) {
  const w = g();
  if (!hasDocument() || typeof w.addEventListener !== 'function') return null;
  const tabs = { ch: null, stop: null };
  try {
    const BC = w.BroadcastChannel;
    if (typeof BC === 'function') {
      tabs.ch = new BC(name);
      tabs.ch.onmessage = (ev) => {
        if (typeof ev.data === 'string') cb();
      };
    }
  } catch (_) {
    tabs.ch = null; /* not available */
  }
  if (useStorageEvent) {
    const h = (ev) => {
      if (ev.key === key || ev.key === null) cb();
    };
    w.addEventListener('storage', h);
    tabs.stop = () => w.removeEventListener('storage', h);
  }
  return tabs;
}

/** Posts `msg` on the client's channel (from `openTabs`), where it has one. */
export function postTabs(tabs, msg) {
  try {
    if (tabs && tabs.ch) tabs.ch.postMessage(msg);
  } catch (_) {
    /* closed meanwhile */
  }
}

/** Closes what `openTabs` opened (idempotent). */
export function closeTabs(tabs) {
  if (!tabs) return;
  if (tabs.ch) {
    tabs.ch.onmessage = null;
    tabs.ch.close(); // never throws, also when closed
    tabs.ch = null;
  }
  if (tabs.stop) tabs.stop();
  tabs.stop = null;
}

function lockManager() {
  try {
    const l = g().navigator && g().navigator.locks;
    return l && typeof l.request === 'function' && typeof l.query === 'function' ? l : null;
  } catch (_) {
    return null;
  }
}

/**
 * `<name>:refreshed:<FNV-1a of the token, hex>`: no part of it. (A collision only makes a
 * tab re-read storage for up to 1 s before refreshing.)
 */
function marker(name, token) {
  let a = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) a = Math.imul(a ^ token.charCodeAt(i), 0x01000193);
  return `${name}:refreshed:${(a >>> 0).toString(16)}`;
}

/**
 * Marks `token` as refreshed: holds a Web Lock named for it (`marker`) for `ms`.
 * Requested while the refresh lock is still held, so the lock manager has it before any
 * other tab gets that lock.
 */
export function markRefreshed(name, token, ms) {
  const locks = lockManager();
  if (!locks) return;
  locks.request(marker(name, token), () => new Promise((r) => g().setTimeout(r, delay(ms)))).catch(() => {});
}

/** Whether another tab marked `token` as refreshed (`markRefreshed`). */
export async function wasRefreshed(name, token) {
  const locks = lockManager();
  if (!locks) return false;
  try {
    const want = marker(name, token);
    const q = await locks.query();
    return [...(q.held || []), ...(q.pending || [])].some((l) => l.name === want);
  } catch (_) {
    return false;
  }
}

/** A client's `onAuthStateChange` listeners: a Set of entries `{ f }`. */
export function newListeners() {
  return new Set();
}

/**
 * Adds listener `f`; returns `[entry, unsubscribe]`. The unsubscribe function is plain
 * JavaScript over the Set (no Rust closure behind it): idempotent, and it never throws,
 * also after dispose() or once the client is gone.
 */
export function subscribe(set, f) {
  const e = { f };
  set.add(e);
  return [e, () => set.delete(e)];
}

/** Calls every listener (or only `only`, while it is subscribed) with the event. */
export function emitTo(set, only, event, session) {
  const list = only ? (set.has(only) ? [only] : []) : Array.from(set);
  for (const e of list) callListener(e.f, event, session);
}

/** Drops every listener (dispose()). */
export function clearListeners(set) {
  set.clear();
}

/** Calls `cb()` when the page becomes visible or the device comes back online. */
export function listenWake(cb) {
  const w = g();
  if (typeof w.addEventListener !== 'function') return () => {};
  const doc = w.document;
  const onVis = () => {
    if (!doc || doc.visibilityState === 'visible') cb();
  };
  w.addEventListener('online', cb);
  if (doc && typeof doc.addEventListener === 'function') doc.addEventListener('visibilitychange', onVis);
  return () => {
    w.removeEventListener('online', cb);
    if (doc && typeof doc.removeEventListener === 'function') doc.removeEventListener('visibilitychange', onVis);
  };
}

/** Calls a user function, turning anything it throws into a rejected AuthError. */
export async function callUser(f, arg, code) {
  try {
    return await f(arg);
  } catch (e) {
    throw toAuthError(e, code);
  }
}

/** Runs a listener and reports (never rethrows) what it throws. */
export function callListener(f, event, session) {
  try {
    f(event, session);
  } catch (e) {
    const c = g().console;
    if (c && typeof c.error === 'function') c.error('phone-auth: an onAuthStateChange listener threw', e);
  }
}

/**
 * After `free()` (or `using`), wasm-bindgen's methods throw "null pointer passed to
 * rust": make every call on a freed client what a disposed one gives instead, the
 * `AuthError` `invalid_state` (async methods reject; `free()` again and
 * `stopAutoRefresh()` do nothing). Called once by the package entry on `AuthClient`.
 */
export function guardFreed(cls) {
  const proto = cls.prototype;
  const sync = new Set(['onAuthStateChange', 'startAutoRefresh', 'dispose']);
  const quiet = new Set(['free', 'stopAutoRefresh']);
  const freed = () => new AuthError('invalid_state', 'This AuthClient was freed.');
  for (const name of Object.getOwnPropertyNames(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (name === 'constructor' || name.startsWith('__') || !d || typeof d.value !== 'function') continue;
    const f = d.value;
    proto[name] = function (...args) {
      if (this.__wbg_ptr) return f.apply(this, args);
      if (quiet.has(name)) return undefined;
      if (sync.has(name)) throw freed();
      return Promise.reject(freed());
    };
  }
  // wasm-bindgen set `[Symbol.dispose]` to the unguarded `free`: `using` on a client that
  // was freed (or disposed of twice) must stay a no-op like `free()`, not a crash.
  const D = typeof Symbol === 'function' ? Symbol.dispose : undefined;
  if (D && typeof proto[D] === 'function') proto[D] = proto.free;
}

/** Whether the global object `w` has a DOM `document` (this runs in a browser page). */
export function hasDocument(w = g()) {
  return typeof w.document === 'object' && w.document !== null;
}

/**
 * `normalizePhone`'s result from the fields the wasm side joined with `|`
 * (countryCallingCode, nationalNumber, region, extension, and the national number
 * grouped as the international format groups it; an absent region or extension is
 * empty). One short string crosses the boundary, not seven.
 */
export function phoneInfo(s) {
  // `cc|national|region|extension|grouped`; indexOf + slice is faster than split('|')
  // in V8 (no intermediate array), and the three formats are built here rather than
  // sent: `grouped` is the national number as the international format groups it.
  const a = s.indexOf('|');
  const b = s.indexOf('|', a + 1);
  const c = s.indexOf('|', b + 1);
  const d = s.indexOf('|', c + 1);
  const cc = s.slice(0, a);
  const national = s.slice(a + 1, b);
  return {
    e164: `+${cc}${national}`,
    countryCallingCode: cc,
    nationalNumber: national,
    region: s.slice(b + 1, c) || null,
    extension: s.slice(c + 1, d) || null,
    gizo: `+${cc}_${national}`,
    international: `+${cc} ${s.slice(d + 1)}`,
  };
}

/**
 * `decodeToken`'s result from the JSON text `[header,claims]` (checked by the wasm side:
 * objects, `alg` a string, `typ`/`kid`/`sub` strings where present; one text so one
 * `JSON.parse`) and the times in ms (undefined when absent). The header and the claims
 * are the objects `JSON.parse` made of the token's own text, every member kept and none
 * added (as `jose.decodeProtectedHeader` and `jose.decodeJwt` return them).
 */
export function decodedToken(partsText, expiresAt, issuedAt, notBefore) {
  const parts = JSON.parse(partsText);
  const claims = parts[1];
  return {
    header: parts[0],
    claims,
    expiresAt: expiresAt ?? null,
    issuedAt: issuedAt ?? null,
    notBefore: notBefore ?? null,
    subject: claims.sub ?? null,
  };
}

/**
 * The package's `decodeToken`: [`decodeFast`] where it answers, else `rustDecode` (the
 * wasm export), which decides every other token and makes every error.
 */
export function withFastPath(rustDecode) {
  return function decodeToken(token) {
    const fast = decodeFast(token);
    return fast === undefined ? rustDecode(token) : fast;
  };
}

/**
 * `decodeToken` for the tokens where JavaScript's own `atob`, `TextDecoder` and
 * `JSON.parse` provably give what the Rust decoder gives; `undefined` for every other
 * input, which the entries then hand to the Rust decoder (it decides those, and makes
 * every error). Only a subset is taken here, each condition one Rust checks too: three
 * parts of the base64url alphabet, unpadded, of a possible length and with no stray bits
 * (`src/token/base64url.rs`); header and claims of valid UTF-8 without a BOM, JSON
 * objects with at most 128 brackets (Rust's nesting limit is 128 levels); no number
 * written with a fraction or exponent in the claims (so `exp`, `iat`, `nbf` come from
 * plain digits, exactly as Rust reads them); a string `alg`, `typ`/`kid`/`sub`/`iss`
 * strings where present, `aud` a string or strings, and times that are integers in
 * 0..2^53. `tests/package/decode-token-fast.mjs` checks it against the Rust decoder on
 * every kind of input. Faster than the wasm path: no copy into wasm memory and no second
 * pass over the JSON (BENCHMARKS, "decodeToken").
 */
function decodeFast(t) {
  if (typeof t !== 'string' || typeof atob !== 'function') return undefined;
  const a = t.indexOf('.');
  const b = t.indexOf('.', a + 1);
  // `atob` refuses what is outside its alphabet, and `partText` sees by the length of
  // its output whether it skipped whitespace or `=`; `+` and `/` it would take.
  if (b < 0 || t.indexOf('.', b + 1) >= 0 || t.indexOf('+') >= 0 || t.indexOf('/') >= 0) {
    return undefined;
  }
  if (!tail(t, a + 1, b) || !tail(t, b + 1, t.length) || !SIG.test(t.slice(b + 1))) {
    return undefined;
  }
  const header = headerOf(t, a);
  const claims = header && object(partText(t.slice(a + 1, b), true));
  if (!claims) return undefined;
  const { exp, iat, nbf, aud } = claims;
  if (!optTime(exp) || !optTime(iat) || !optTime(nbf) || !optString(claims.sub) || !optString(claims.iss)) {
    return undefined;
  }
  if (!optString(aud) && !(Array.isArray(aud) && aud.every((x) => typeof x === 'string'))) {
    return undefined;
  }
  return {
    header,
    claims,
    expiresAt: exp === undefined ? null : exp * 1000,
    issuedAt: iat === undefined ? null : iat * 1000,
    notBefore: nbf === undefined ? null : nbf * 1000,
    subject: claims.sub ?? null,
  };
}

/**
 * The header object of `t` (its part before `a`) where the fast path takes it: its own
 * copy, from a cache of the last 16 distinct header parts whose members are all
 * primitives (an app's tokens share one or a few headers, so most calls skip `atob` and
 * `JSON.parse` for it). A cached answer is what the same text gave before: the checks
 * below depend on nothing else, and the copy has the same own members in the same order.
 */
function headerOf(t, a) {
  const part = t.slice(0, a);
  const hit = HEADERS.get(part);
  if (hit !== undefined) return { ...hit };
  if (!tail(t, 0, a)) return undefined;
  const header = object(partText(part, false));
  if (!header || typeof header.alg !== 'string' || !optString(header.typ) || !optString(header.kid)) {
    return undefined;
  }
  if (part.length <= 512 && Object.values(header).every((v) => v === null || typeof v !== 'object')) {
    if (HEADERS.size >= 16) HEADERS.clear();
    HEADERS.set(part, { ...header });
  }
  return header;
}
const HEADERS = new Map();

/** A part of the base64url alphabet (no `=`, no whitespace). */
const SIG = /^[\w-]*$/;
const B64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Whether `t[from..to]` (of the alphabet) ends as Rust's decoder requires: a length
 * that is not 1 mod 4, and zero bits after the last byte. */
function tail(t, from, to) {
  const r = (to - from) & 3;
  return r === 0 || (r !== 1 && (B64_DIGITS.indexOf(t[to - 1]) & (r === 2 ? 15 : 3)) === 0);
}

/** Anything that makes a claims text need a closer look: a non-ASCII byte, or a number
 * with a fraction or an exponent. */
const ODD_CLAIMS = /[^\x00-\x7f]|[0-9][.eE]/;
const NON_ASCII = /[^\x00-\x7f]/;
let utf8Decoder;

/** The JSON text a base64url part holds, where Rust reads the same; else undefined. */
function partText(p, claims) {
  let text;
  try {
    text = atob(p.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined; // a character outside the alphabet
  }
  if (text.length !== (p.length * 3) >> 2) return undefined; // whitespace or `=` skipped
  if ((claims ? ODD_CLAIMS : NON_ASCII).test(text)) {
    if (claims && /[0-9][.eE]/.test(text)) return undefined;
    // UTF-8 (`atob` gave its bytes as code units): decoded strictly, a BOM kept (so
    // JSON.parse refuses it, as Rust does).
    if (typeof TextDecoder !== 'function') return undefined;
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    try {
      utf8Decoder = utf8Decoder || new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
      text = utf8Decoder.decode(bytes);
    } catch {
      return undefined;
    }
  }
  // Valid JSON 128 levels deep takes 256 characters; a longer text, at most 128 brackets.
  if (text.length > 256 && brackets(text, '[') + brackets(text, '{') > 128) return undefined;
  return text;
}

/** `text` parsed, when it is a JSON object; else undefined. */
function object(text) {
  if (text === undefined) return undefined;
  let v;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

/** How many `c` are in `text` (counting stops past 128). */
function brackets(text, c) {
  let n = 0;
  for (let i = text.indexOf(c); i >= 0 && n <= 128; i = text.indexOf(c, i + 1)) n++;
  return n;
}

function optString(v) {
  return v === undefined || typeof v === 'string';
}

/** An absent NumericDate, or one of plain digits that an f64 holds exactly. */
function optTime(v) {
  return v === undefined || (Number.isSafeInteger(v) && v >= 0 && !Object.is(v, -0));
}

let encoder;
let scratch = new Uint8Array(0);
export function utf8(v) {
  if (typeof v !== 'string') return undefined;
  encoder = encoder || new TextEncoder();
  // `encodeInto` a reused buffer (Node's `encode` allocates through a slow path); one
  // kept no larger than 64 KiB, so a huge input does not stay allocated.
  const need = v.length * 3;
  if (need > 65536) return encoder.encode(v);
  if (scratch.length < need) scratch = new Uint8Array(Math.max(need, 1024));
  return scratch.subarray(0, encoder.encodeInto(v, scratch).written);
}

export function isFunction(v) {
  return typeof v === 'function';
}

/** Whether `v` is a fetch Request (the global class, or one of a fetch polyfill). */
function isRequest(v) {
  const R = g().Request;
  if (typeof R === 'function' && v instanceof R) return true;
  return v != null && typeof v === 'object' && typeof v.url === 'string' && typeof v.clone === 'function';
}

/**
 * The URL of `fetch`'s first argument: a Request's `url`, else the argument as a string
 * (a URL object: its href); undefined when it has none or reading it throws (a hostile
 * Proxy or `toString`): then nothing is sent.
 */
export function requestUrl(input) {
  if (typeof input === 'string') return input;
  if (input == null) return undefined;
  try {
    return isRequest(input) ? input.url : String(input);
  } catch (_) {
    return undefined;
  }
}

/**
 * What `auth.fetch` sends: the URL that was checked. A Request is copied onto it (its
 * method, headers and body kept), so a look-alike object whose URL reads differently the
 * second time cannot redirect the token.
 */
export function fetchInput(input, absolute) {
  try {
    const R = g().Request;
    if (input !== null && typeof input === 'object' && typeof R === 'function' && input instanceof R) {
      return new R(absolute, input);
    }
  } catch (_) {
    /* not a usable Request: the URL alone */
  }
  return absolute;
}

/** The base URL of relative requests in a page (`document.baseURI`) or worker (`location`). */
export function pageBase() {
  try {
    const d = g().document;
    if (d && typeof d.baseURI === 'string') return d.baseURI;
    const l = g().location;
    if (l && typeof l.href === 'string') return l.href;
  } catch (_) {
    /* no page */
  }
  return undefined;
}

/** `fetch(url, init)` with the bearer token added; network failures become AuthErrors. */
export async function authedFetch(fetchFn, url, init, token) {
  const f = fetchFn || g().fetch;
  if (typeof f !== 'function') throw new AuthError('invalid_config', 'No fetch available: pass `fetch` in the options.');
  const opts = Object.assign({}, init || {});
  const H = g().Headers;
  if (typeof H === 'function') {
    const h = new H(opts.headers || {});
    h.set('Authorization', `Bearer ${token}`);
    opts.headers = h;
  } else {
    opts.headers = Object.assign({}, opts.headers || {}, { Authorization: `Bearer ${token}` });
  }
  try {
    return await f(url, opts);
  } catch (e) {
    throw new AuthError('network', `The network request failed: ${e && e.name ? e.name : 'error'}.`);
  }
}
