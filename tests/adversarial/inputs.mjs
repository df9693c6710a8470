// Hostile inputs for the adversarial suite: random values of every JS type, mutated phone
// numbers and JWTs, hostile client options, fetch answers and storage contents.

/** A small deterministic PRNG (mulberry32): a failure reproduces with the same --seed. */
export function rng(seed) {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (r, xs) => xs[Math.floor(r() * xs.length)];
const MB = 1 << 20;
const big = [
  '\0'.repeat(MB),
  '1'.repeat(MB),
  `+49${'7'.repeat(MB)}`,
  '\uD800'.repeat(MB / 2),
  `eyJhbGciOiJIUzI1NiJ9.${'A'.repeat(MB)}.sig`,
  `${'['.repeat(MB / 4)}`,
  '😀'.repeat(MB / 4),
];
const bigToken = (() => {
  const nested = Buffer.from('['.repeat(200_000) + ']'.repeat(200_000)).toString('base64url');
  return `eyJhbGciOiJIUzI1NiJ9.${nested}.c2ln`;
})();

/** Characters that break naive parsers. */
const nasty = ['\0', '\uD800', '\uDC00', '\uDBFF\uDFFF', '\uFFFE', '\uFEFF', '\u202E', '\u200B', '\n', '\r\n', '\t',
  '０', '９', '٠', '٩', '۴', '+', '++', '(', ')', '-', '.', '/', ' ', '#', 'x', 'ext.', ';ext=', 'tel:', ';phone-context=',
  '_', '%2B', '%00', '"', '\\', '{', '}', '[', ']', 'é', '😀', '𝟙', 'Ⅻ', '¹', '½', '\u0661\u0662', 'null', 'NaN'];

function randomString(r) {
  if (r() < 0.0015) return pick(r, big);
  const n = Math.floor(r() ** 3 * 200);
  let s = '';
  for (let i = 0; i < n; i++) {
    const k = r();
    if (k < 0.4) s += String.fromCharCode(48 + Math.floor(r() * 10));
    else if (k < 0.7) s += pick(r, nasty);
    else if (k < 0.85) s += String.fromCharCode(Math.floor(r() * 0x10000)); // lone surrogates included
    else s += String.fromCodePoint(Math.floor(r() * 0x110000));
  }
  return s;
}

function throwingProxy() {
  return new Proxy({}, {
    get() { throw new Error('proxy get'); }, has() { throw new Error('proxy has'); },
    ownKeys() { throw new Error('proxy ownKeys'); }, getOwnPropertyDescriptor() { throw new Error('proxy gopd'); },
    getPrototypeOf() { throw new Error('proxy proto'); },
  });
}

/** Any JS value at all. */
export function values(r) {
  switch (Math.floor(r() * 24)) {
    case 0: return null;
    case 1: return undefined;
    case 2: return pick(r, [0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 2 ** 53, 1e308, 4915112345678, -(2 ** 31)]);
    case 3: return pick(r, [true, false]);
    case 4: return BigInt(Math.floor(r() * 1e9)) * 10n ** 20n;
    case 5: return Symbol('s');
    case 6: return {};
    case 7: return [];
    case 8: return ['+49', 174, null];
    case 9: return { toString() { throw new Error('toString'); }, valueOf() { throw new Error('valueOf'); } };
    case 10: return throwingProxy();
    case 11: return () => { throw new Error('fn'); };
    case 12: return new Date(NaN);
    case 13: return new Uint8Array(8);
    case 14: return Object.create(null);
    case 15: return new String('0174 7707607');
    case 16: return Promise.reject(new Error('rejected')).catch(() => {}) && Promise.resolve(1);
    case 17: return { e164: '+491747707607', __proto__: { length: -1 } };
    default: return randomString(r);
  }
}
values.region = (r) => pick(r, ['DE', 'GB', 'US', 'IT', 'LT', 'HK', 'de', 'ZZ', 'XX', '', 'DEU', '49', 'D\0', '\uD800', 'RU', 'JP', 'AQ', '001', 'UN']);

const phoneSeeds = ['0174 7707607', '+49 174 7707607', '+49_1747707607', '(0174) 770-7607', '0049 174 7707607',
  '+1 (415) 555-2671', '011 44 7911 123456', 'tel:+1-201-555-0123;ext=42', 'tel:7042;phone-context=example.com',
  '+39 06 1234 5678', '8 612 34567', '+852 5123 4567', '+44 7911 123456 ext. 7', '+49 (0) 30 123456',
  '０１７４ ７７０７６０７', '٠١٧٤٧٧٠٧٦٠٧', '+7 800 555 35 35', '+0', '+', '00', '+999 1234'];

/** A plausible phone number, mutated. */
export function phoneString(r) {
  let s = pick(r, phoneSeeds);
  const edits = Math.floor(r() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(r() * (s.length + 1));
    const k = r();
    if (k < 0.3) s = s.slice(0, at) + pick(r, nasty) + s.slice(at);
    else if (k < 0.5) s = s.slice(0, at) + s.slice(at + 1);
    else if (k < 0.65) s = s.slice(0, at) + String(Math.floor(r() * 1e6)) + s.slice(at);
    else if (k < 0.75) s = s.repeat(1 + Math.floor(r() * 30));
    else if (k < 0.85) s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x10000)) + s.slice(at);
    else s = s.split('').reverse().join('');
  }
  return s;
}

const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const claimSeeds = [{ sub: '1', exp: 4e9, iat: 1.7e9 }, { exp: -1 }, { exp: 1e300, iat: -1e300, nbf: 'x' }, { exp: '9' },
  { aud: ['a', 1, null], iss: {}, sub: 12 }, { name: 'José 😀', exp: 2 ** 64 }, [], 'string', 42, null, { a: { b: { c: [1, 2, { d: 'e' }] } } }];
const headerSeeds = [{ alg: 'HS256', typ: 'JWT' }, { alg: 'none' }, { alg: 7, kid: [] }, {}, [], 'x', { typ: null, kid: '\0' }];

/** A JWT, mutated: wrong parts, bad base64, bad JSON, padding, `Bearer `, huge or deep payloads. */
export function tokenString(r) {
  const k = r();
  if (k < 0.002) return bigToken;
  let t = `${b64(pick(r, headerSeeds))}.${b64(pick(r, claimSeeds))}.${b64(String(r()))}`;
  if (k < 0.1) t = `Bearer ${t}`;
  else if (k < 0.15) t = t.replace(/-/g, '+').replace(/_/g, '/') + '==';
  else if (k < 0.2) t = `${b64('{"alg":')}.${b64('{"sub":"1"')}.x`;
  else if (k < 0.25) t = t.split('.').slice(0, 1 + Math.floor(r() * 2)).join('.');
  else if (k < 0.3) t = `${t}.${t}`;
  else if (k < 0.35) t = `${b64(pick(r, headerSeeds))}.${b64(Buffer.from([0xff, 0xfe, 0x00, 0xc3]))}.x`;
  const edits = r() < 0.5 ? 0 : Math.floor(r() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(r() * (t.length + 1));
    t = r() < 0.5 ? t.slice(0, at) + pick(r, nasty) + t.slice(at) : t.slice(0, at) + t.slice(at + 1);
  }
  return t;
}

const providers = ['gizo', 'arita', 'monetha', 'sso'];
const customSeed = () => ({
  name: 'acme', phoneFormat: 'e164',
  requestCode: { method: 'POST', path: '/otp', body: { phone: '{phone}' }, handle: '/data/id' },
  verify: { method: 'POST', path: '/otp/verify', body: { id: '{handle}', code: '{code}' }, token: '/data/token' },
});

function mutateObject(r, o, depth = 0) {
  if (depth > 3 || o === null || typeof o !== 'object') return r() < 0.3 ? values(r) : o;
  const out = Array.isArray(o) ? [...o] : { ...o };
  for (const key of Object.keys(out)) {
    const k = r();
    if (k < 0.15) out[key] = values(r);
    else if (k < 0.25) delete out[key];
    else out[key] = mutateObject(r, out[key], depth + 1);
  }
  if (r() < 0.2) out[randomString(r).slice(0, 12)] = values(r);
  return out;
}

/** URLs that parsers disagree on, or that point a token somewhere else (for `baseUrl`,
 * `apiOrigins` and `auth.fetch`). The client's trusted origin is `http://127.0.0.1:9`. */
const urlSeeds = ['http://127.0.0.1:9/x', 'HTTP://127.0.0.1:9/x', 'http://127.0.0.1:09/x', 'http://0x7f.0.0.1:9/x',
  'http://2130706433:9/x', 'http://127.1:9/', '/x', 'x?y', '?q', '#f', '', '//127.0.0.1:9/x', 'https://evil.example/steal',
  'http://127.0.0.1:9.evil.example/', 'http://127.0.0.1:9@evil.example/', 'http://evil.example\\@127.0.0.1:9/',
  'http://evil.example%2F@127.0.0.1:9/', 'http://u:p@127.0.0.1:9/', '//evil.example/x', '/\\evil.example/x',
  '\\\\evil.example/x', 'javascript:alert(1)', 'file:///etc/passwd', 'data:,x', 'http://127.0.0.1:10/',
  'https://127.0.0.1:9/', 'https:evil.example', 'http:127.0.0.1:9', 'http:/127.0.0.1:9/', 'http:///127.0.0.1:9/',
  'http:\\\\evil.example', ' http://evil.example', 'http://ev\til.example/', 'http://evil.example\n/',
  'http://[::1]:9/', 'http://[::ffff:127.0.0.1]:9/', 'http://münchen.example/', 'http://xn--mnchen-3ya.example/',
  'http://evil.example./', 'http://127.0.0.1.:9/', 'http://%31%32%37.0.0.1:9/', 'http://localhost:9/',
  'https://api.example', 'https://api.example:443/', 'https://API.EXAMPLE/x', 'http://api.example/x',
  'https://api.example.evil.example/', 'https://api.example:8443/'];

/** A URL from the seeds, sometimes mutated, sometimes a URL or Request object. */
export function urlValue(r) {
  let s = pick(r, urlSeeds);
  if (r() < 0.3) {
    const at = Math.floor(r() * (s.length + 1));
    s = s.slice(0, at) + pick(r, [...nasty, '@', ':', '//', '\\', '%', '.', 'evil.example']) + s.slice(at);
  }
  const k = r();
  if (k < 0.1) try { return new URL(s); } catch { return s; }
  if (k < 0.15) try { return new Request(s); } catch { return s; }
  return k < 0.95 ? s : values(r);
}

/** Where a token was seen leaving for an origin its client never trusted. */
export const leaks = [];

/** Node's (WHATWG) origin of a URL, or null. */
function nodeOrigin(u) {
  try {
    return new URL(typeof u === 'string' ? u : u.url ?? String(u)).origin;
  } catch {
    return null;
  }
}

/** `fetch`, wrapped: a request carrying a bearer token must go to an origin the client's
 * options trust, as Node's URL parser sees it, and not in clear text to another device. */
function tokenGuard(fetch, options) {
  if (typeof fetch !== 'function') return fetch;
  return (url, init) => {
    const h = init && init.headers;
    const auth = h && (typeof h.get === 'function' ? h.get('authorization') : h.Authorization ?? h.authorization);
    if (auth) {
      const origin = nodeOrigin(url);
      const trusted = [options.baseUrl, ...(Array.isArray(options.apiOrigins) ? options.apiOrigins : [])]
        .filter((t) => typeof t === 'string').map(nodeOrigin);
      const clear = origin && origin.startsWith('http:') && !/^http:\/\/(127\.|localhost|\[::1\])/.test(origin);
      if (!trusted.includes(origin) || (clear && options.allowInsecureHttp !== true)) {
        leaks.push(`token sent to ${JSON.stringify(String(url?.url ?? url)).slice(0, 120)} (origin ${origin}); trusted ${JSON.stringify(trusted)}`);
      }
    }
    return fetch(url, init);
  };
}

/** AuthClient options: mostly plausible, every field sometimes hostile. */
export function optionsObject(r, fetch, storage) {
  const o = {
    provider: r() < 0.8 ? pick(r, providers) : r() < 0.6 ? mutateObject(r, customSeed()) : values(r),
    baseUrl: r() < 0.7 ? 'http://127.0.0.1:9' : r() < 0.5 ? urlValue(r) : pick(r, ['', 'not a url', 'javascript:alert(1)', 'http://[::1', `http://x/${'a'.repeat(5000)}`, values(r)]),
    defaultCountry: r() < 0.8 ? values.region(r) : values(r),
    storage: r() < 0.7 ? storage : pick(r, ['memory', 'local', 'session', 'cookie', values(r)]),
    fetch: r() < 0.9 ? fetch : values(r),
    timeoutMs: r() < 0.8 ? pick(r, [50, 100, 1000]) : pick(r, [0, -1, NaN, Infinity, 1e12, '100', values(r)]),
    autoRefresh: r() < 0.8 ? false : values(r),
  };
  if (r() < 0.3) o.storageKey = r() < 0.5 ? randomString(r) : values(r);
  if (r() < 0.3) o.appToken = r() < 0.5 ? (async () => (r() < 0.5 ? 'app-token' : values(r))) : values(r);
  if (r() < 0.3) o.deviceId = values(r);
  if (r() < 0.3) o.refresh = r() < 0.5 ? { strategy: 'callback', callback: async () => (r() < 0.5 ? { token: tokenString(r) } : values(r)) } : values(r);
  if (r() < 0.3) o.refreshMarginSeconds = pick(r, [60, -1, NaN, 1e20, values(r)]);
  if (r() < 0.4) o.apiOrigins = r() < 0.8 ? Array.from({ length: Math.floor(r() * 3) }, () => urlValue(r)) : values(r);
  if (r() < 0.05) o.allowInsecureHttp = r() < 0.5 ? true : values(r);
  o.fetch = tokenGuard(o.fetch, o);
  if (r() < 0.1) for (const key of Object.keys(o)) if (r() < 0.3) delete o[key];
  return o;
}

const bodies = [
  '', 'true', '{}', 'null', '[]', '{"success":false,"message":"驗證碼錯誤","data":null}',
  '{"success":true,"data":{"otpToken":"eyJhbGciOiJIUzI1NiJ9.eyJleHBpcnkiOjF9.c2ln","accountType":3,"exists":false}}',
  '{"is_registered":false,"verification_token":"eyJ.eyJ.x"}', '{"auth_token":"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln","user":{}}',
  '{"token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwiZXhwIjoxfQ.c2ln","user":{"id":1}}', '{"token":7}', '{"token":"',
  '<html><body><h1>502 Bad Gateway</h1></body></html>', '{"type":"x","title":"One or more validation errors occurred.","status":400,"errors":{"verifyCode":["Invalid verification code."]}}',
  '{"error":"rate_limited","retry_after":-5}', '{"message":"x","retryAfter":1e400}', '\uFEFF{}', '\0\0\0', '{"a":' + '['.repeat(10000),
];

/** A fetch that answers immediately with anything at all, or fails like a network does. */
export function hostileFetch(r) {
  return async () => {
    const k = r();
    if (k < 0.08) throw new TypeError('fetch failed');
    if (k < 0.1) return values(r); // not a Response at all
    if (k < 0.12) return { status: 200, headers: values(r), arrayBuffer: async () => { throw new Error('body'); } };
    const status = pick(r, [200, 200, 201, 204, 400, 401, 403, 404, 406, 415, 422, 429, 500, 502, 599, 302]);
    const headers = { 'content-type': pick(r, ['application/json', 'text/html', 'text/plain', 'application/problem+json', '']) };
    if (r() < 0.3) headers['retry-after'] = pick(r, ['5', '-1', 'soon', '99999999999999999999', 'Wed, 21 Oct 2015 07:28:00 GMT', '']);
    const body = r() < 0.85 ? pick(r, bodies) : randomString(r);
    return new Response(status === 204 ? null : body, { status, headers });
  };
}

/** A storage adapter holding hostile snapshots, sometimes async, sometimes throwing. */
export function hostileStorage(r) {
  const snapshots = [null, '', '{}', '{"v":1}', '{"v":999,"state":"signedIn"}', '{"version":1,"session":{"token":7}}',
    'not json', '[]', '{"v":1,"session":{"token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwiZXhwIjoxfQ.c2ln","provider":"sso","phone":"+4915123456789","expiresAt":1e308}}'];
  const item = r() < 0.7 ? pick(r, snapshots) : values(r);
  const wrap = (v) => (r() < 0.5 ? Promise.resolve(v) : v);
  return {
    getItem: () => { if (r() < 0.05) throw new Error('getItem'); return wrap(item); },
    setItem: () => { if (r() < 0.05) throw new Error('setItem'); return wrap(undefined); },
    removeItem: () => { if (r() < 0.05) return Promise.reject(new Error('removeItem')); return wrap(undefined); },
  };
}
