// `decodeToken`'s JavaScript fast path (`decodeFast` in src/wasm/runtime.js) against the
// Rust decoder, in the installed package, both builds. The fast path takes a token only
// where it provably agrees with Rust and otherwise hands it over; this checks that claim
// on every kind of input: each token is decoded once as an app does (fast path where it
// applies) and once with `atob` removed (the fast path then never applies, so Rust
// decides). The two must give deep-equal results (numbers compared with Object.is) or
// the same AuthError (code and message). It also counts which path decided: every
// ordinary token must be decided in JavaScript.
// Usage: node decode-token-fast.mjs
import assert from 'node:assert/strict';
import * as signIn from 'phone-auth';
import * as full from 'phone-auth/full';

// A seeded PRNG (mulberry32): the same inputs on every run.
let seed = 0x5eed;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const b64 = (text) => Buffer.from(text, 'utf8').toString('base64url');
const nest = (n, leaf) => '['.repeat(n) + leaf + ']'.repeat(n);

// Literal JSON texts for the members that decide acceptance.
const times = [
  '0', '1', '1700000000', '-0', '-0.0', '1.0', '1e3', '1E3', '1e+3', '0.99999999999999999',
  '1.5', '9007199254740991', '9007199254740992', '18446744073709551615',
  '18446744073709551616', '1e400', '-1', '-1e-400', '"1"', 'null', 'true', '[]', '{}',
];
const strings = ['"a"', '""', '"é"', '"\\u00e9"', '"\\ud800"', '"\\ud83d\\ude00"', '1', 'null', '[]', '{}', 'false'];
const auds = ['"x"', '[]', '["a","b"]', '["a",1]', '[null]', '1', 'null', '{}', '[["a"]]'];
const keys = { exp: times, iat: times, nbf: times, sub: strings, iss: strings, aud: auds };
const others = [
  '"name":"Ada"', '"n":1.5', '"ver":"1.2"', '"e":1e5', '"deep":' + nest(60, '1'),
  '"deeper":' + nest(127, '1'), '"deepest":' + nest(128, '1'), '"big":12345678901234567890',
  '"\\u0065xp":5', '"__proto__":{"exp":1}', '"ünï":"çødé"', '"ctl":"\\u0000"', '"arr":[1,2,{"a":null}]',
];
const headerTexts = [
  '{"alg":"HS256"}', '{"alg":"RS256","typ":"JWT","kid":"k1"}', '{"alg":"none"}', '{"alg":""}',
  '{"alg":1}', '{"typ":"JWT"}', '{"alg":"HS256","typ":null}', '{"alg":"HS256","kid":2}',
  '{"alg":"HS256","alg":3}', '{"alg":3,"alg":"HS256"}', '{"alg":"HS256","x":' + nest(130, '0') + '}',
  '[]', '"alg"', 'null', '{"alg":"é"}', ' {"alg":"HS256"} ', '{"alg":"HS256"}x', '{"alg":"HS256",}',
  '\ufeff{"alg":"HS256"}', '{"alg":"HS256","crit":["exp"],"n":1.5}',
];
const whitespace = ['', ' ', '\n', '\t', '\r\n'];

function claimsText() {
  const members = [];
  for (const [k, vs] of Object.entries(keys)) if (rnd() < 0.45) members.push(`"${k}":${pick(vs)}`);
  for (let i = 0, n = Math.floor(rnd() * 3); i < n; i++) members.push(pick(others));
  if (rnd() < 0.1 && members.length) members.push(members[0]); // a duplicate member
  const ws = pick(whitespace);
  const body = `{${ws}${members.join(`,${ws}`)}${ws}}`;
  const r = rnd();
  if (r < 0.03) return '[' + body + ']';
  if (r < 0.05) return body + ' x';
  if (r < 0.07) return body.slice(0, -1);
  if (r < 0.08) return '"' + body + '"';
  return body;
}

/** Ways a token's text goes wrong around its parts. */
function mangle(t) {
  const r = rnd();
  if (r < 0.55) return t;
  const [h, c, s] = t.split('.');
  const cases = [
    () => `Bearer ${t}`, () => ` ${t} `, () => `bearer\t${t}`, () => `${t}.x`, () => `${h}.${c}`,
    () => `${h}=.${c}.${s}`, () => `${h}.${c}==.${s}`, () => `${h}.${c}.${s}=`,
    () => `${h}.${c}.${s}A`, () => `${h}.${c}.${s}AB`, () => `${h}.${c}.AQ`, () => `${h}.${c}.AR`,
    () => `${h}.${c}.AAB`, () => `${h}.${c}.`, () => `${h}.${c.slice(0, -1)}.${s}`,
    () => `${h}.${c}+.${s}`, () => `${h}.${c}/.${s}`, () => `${h}.${c} .${s}`, () => `.${c}.${s}`,
    () => `${h}..${s}`, () => t.replace(/A/, 'é'), () => t.toLowerCase(),
  ];
  return pick(cases)();
}

const corpus = [];
for (let i = 0; i < 40_000; i++) {
  const header = rnd() < 0.75 ? pick(headerTexts.slice(0, 3)) : pick(headerTexts);
  const sig = pick(['c2lnbmF0dXJl', '', 'AQ', 'AAA', 'abc_-', 'sig']);
  corpus.push(mangle(`${b64(header)}.${b64(claimsText())}.${sig}`));
}
// Ordinary tokens an app sees: these must take the fast path.
const ordinary = [];
for (let i = 0; i < 2_000; i++) {
  const claims = { sub: `user-${i}`, iat: 1_700_000_000 + i, exp: 1_700_003_600 + i, aud: ['app'], role: 'user' };
  ordinary.push(`${b64('{"alg":"RS256","typ":"JWT","kid":"k1"}')}.${b64(JSON.stringify(claims))}.c2lnbmF0dXJl`);
}
corpus.push(...ordinary, 42, null, undefined, {}, '', '..', 'a.b.c');

// The Rust path starts by encoding the token (`utf8` in runtime.js): counting those calls
// tells which path decided.
let rustCalls = 0;
for (const m of ['encodeInto', 'encode']) {
  const orig = TextEncoder.prototype[m];
  TextEncoder.prototype[m] = function (...args) {
    rustCalls++;
    return orig.apply(this, args);
  };
}

function outcome(decode, t) {
  try {
    return { ok: decode(t) };
  } catch (e) {
    return { code: e?.code, message: e?.message, authError: e instanceof signIn.AuthError };
  }
}

/** Deep equality with Object.is for numbers (-0 and NaN) and the same key order. */
function same(a, b) {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same(a[k], b[k]));
}

for (const [name, pkg] of [['phone-auth', signIn], ['phone-auth/full', full]]) {
  if (typeof pkg.default === 'function') await pkg.default();
  let fast = 0;
  let accepted = 0;
  const disagreements = [];
  for (const t of corpus) {
    const before = rustCalls;
    const got = outcome(pkg.decodeToken, t);
    const tookFast = rustCalls === before && typeof t === 'string';
    const saved = globalThis.atob;
    globalThis.atob = undefined;
    const rust = outcome(pkg.decodeToken, t);
    globalThis.atob = saved;
    if (rust.ok) accepted++;
    if (tookFast) fast++;
    if (!same(got, rust) && disagreements.length < 5) disagreements.push({ token: String(t).slice(0, 120), got, rust });
    if (!got.ok) assert.equal(got.authError, true, `not an AuthError: ${String(t).slice(0, 80)}`);
  }
  assert.deepEqual(disagreements, [], `${name}: the fast path and the Rust decoder disagree`);
  // Ordinary tokens are decided in JavaScript, and odd ones were generated.
  const before = rustCalls;
  for (const t of ordinary) pkg.decodeToken(t);
  assert.equal(rustCalls - before, 0, `${name}: ordinary tokens went to the Rust decoder`);
  assert.ok(fast > 2_000 && fast < accepted, `${name}: ${fast} of ${accepted} decided in JavaScript`);
  assert.ok(accepted > 5_000 && accepted < corpus.length - 5_000, `${name}: accepted ${accepted}`);
  console.log(`${name}: ${corpus.length} inputs, fast path and Rust agree; ${accepted} accepted, ${fast} of them decided in JavaScript`);

  // The header cache (the last 16 distinct header parts) hands out copies: a caller that
  // changes its header changes nothing for the next caller, and a nested member is never
  // shared between two answers.
  const claims = b64('{"sub":"1","exp":1700000000}');
  const token = (h) => `${b64(h)}.${claims}.c2ln`;
  const flat = token('{"alg":"HS256","typ":"JWT","kid":"k"}');
  pkg.decodeToken(flat); // now cached
  const first = pkg.decodeToken(flat).header;
  first.alg = 'changed';
  first.extra = 1;
  delete first.kid;
  assert.deepEqual(pkg.decodeToken(flat).header, { alg: 'HS256', typ: 'JWT', kid: 'k' }, `${name}: a changed header leaked`);
  const nested = token('{"alg":"HS256","jwk":{"kty":"oct"},"crit":["exp"]}');
  const [n1, n2] = [pkg.decodeToken(nested).header, pkg.decodeToken(nested).header];
  assert.ok(n1.jwk !== n2.jwk && n1.crit !== n2.crit, `${name}: a nested header member was shared`);
  assert.deepEqual(n1, n2);
  // More distinct headers than the cache holds, twice over: every answer still the Rust one.
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 40; i++) {
      const t = token(`{"alg":"HS256","kid":"k${i}","n":${i}}`);
      const fastAnswer = pkg.decodeToken(t);
      const saved = globalThis.atob;
      globalThis.atob = undefined;
      const rustAnswer = pkg.decodeToken(t);
      globalThis.atob = saved;
      assert.ok(same(fastAnswer, rustAnswer), `${name}: header ${i} differs after the cache turned over`);
    }
  }
}
console.log('decodeToken fast path: ok');
