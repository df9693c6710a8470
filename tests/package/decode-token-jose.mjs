// `decodeToken` of the installed package against jose (the npm version xtask pins) on a
// corpus of headers and claims written as JSON text: registered and unregistered header
// members (cty, jku, x5t, x5c, crit, b64, custom objects), unicode and escapes, numbers
// (big integers, floats, exponents, -0, beyond f64), duplicate members (JSON.parse keeps
// the last), `__proto__`, deep nesting, and tokens jose or we refuse.
//
// Where both accept a token, `header` must deep-equal `jose.decodeProtectedHeader` and
// `claims` `jose.decodeJwt`, and the conveniences must be what the claims say. Where
// only one accepts, the reason must be one phone-auth documents (docs/wasm.md): stricter
// than jose's decode functions by the types jose's own `jwtVerify` checks (`alg` a
// string, `typ`/`kid`/`sub`/`iss` strings, `exp`/`iat`/`nbf` non-negative numbers,
// `aud` a string or strings), the signature part base64url, at most 128 levels of
// nesting, no BOM and no whitespace inside base64url (which jose's TextDecoder and atob
// skip); and as lenient as taking a `Bearer ` prefix. Any other disagreement fails.
// Usage: node decode-token-jose.mjs
import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as signIn from 'phone-auth';
import * as full from 'phone-auth/full';

const b64 = (text) => Buffer.from(text, 'utf8').toString('base64url');
const tok = (h, c, sig = 'c2lnbmF0dXJl') => `${b64(h)}.${b64(c)}.${sig}`;
const nest = (n, leaf) => '['.repeat(n) + leaf + ']'.repeat(n);
/** Base64url with its `=` padding kept (the text's length is not a multiple of 3). */
const padded = (text) => {
  const p = Buffer.from(text, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  assert.ok(p.endsWith('='), text);
  return p;
};

const headers = [
  '{"alg":"HS256"}',
  '{"alg":"RS256","typ":"JWT"}',
  '{"alg":"ES256","typ":"JWT","kid":"2024-01"}',
  '{"alg":"RS256","cty":"JWT","typ":"at+jwt"}',
  '{"alg":"RS256","jku":"https://issuer.example/.well-known/jwks.json","kid":"abc"}',
  '{"alg":"RS256","x5t":"NjVBRjY5MDlCMUIwNzU4RTA2QzZFMDQ4QzQ2MDAyQjVDNjk1RTM2Qg","x5t#S256":"q3Jx"}',
  '{"alg":"RS256","x5c":["MIIBszCCARygAwIBAgIJAL","MIIC"],"x5u":"https://x.example/c.pem"}',
  '{"alg":"HS256","b64":false,"crit":["b64"]}',
  '{"alg":"EdDSA","crit":["exp","custom"],"exp":1700000000,"custom":{"a":[1,{"b":null}]}}',
  '{"alg":"HS256","jwk":{"kty":"EC","crv":"P-256","x":"f83O","y":"x_FE"},"zip":"DEF"}',
  '{"alg":"none"}',
  '{"alg":"HS256","kid":"ключ-🔑","name":"Zoë ✓ 中文"}',
  '{"\\u0061lg":"HS256","k\\u0069d":"\\u006b1","esc":"\\"\\\\\\/\\b\\f\\n\\r\\t","pair":"\\ud83d\\ude00","lone":"\\ud800"}',
  '{"alg":"HS256","big":12345678901234567890123,"f":1.5e-7,"neg":-0,"e":1E+2,"max":1.7976931348623157e308,"huge":1e400,"tiny":-1e-400}',
  '{"alg":"none","alg":"HS256"}',
  '{"kid":1,"kid":"k2","alg":"RS256","typ":null,"typ":"JWT"}',
  '  \n\t{ "alg" : "HS256" , "typ" : "JWT" }\r\n ',
  '{"alg":"HS256","__proto__":{"polluted":true},"constructor":"c","toString":1,"":"empty"}',
  '{"alg":"HS256","flag":true,"off":false,"nothing":null,"list":[],"obj":{}}',
  `{"alg":"HS256","deep":${nest(120, '"x"')}}`,
  `{"alg":"HS256","long":"${'a'.repeat(20000)}"}`,
  // Stricter than jose's decodeProtectedHeader (the types jwtVerify checks).
  '{"typ":"JWT"}',
  '{"alg":1}',
  '{"alg":null}',
  '{"alg":["HS256"]}',
  '{"alg":"HS256","alg":5}',
  '{"alg":"HS256","typ":1}',
  '{"alg":"HS256","kid":["a"]}',
  '{"alg":"HS256","kid":{"id":"a"}}',
  `{"alg":"HS256","deep":${nest(130, '1')}}`,
  // Refused by both.
  '[]',
  '"HS256"',
  'null',
  '{"alg":"HS256",}',
  "{'alg':'HS256'}",
  '{"alg":"HS256"} x',
  '{"alg":"HS256","n":01}',
  '{"alg":"HS\u0001256"}',
  '',
];

const claimsList = [
  '{}',
  '{"sub":"u-1","iat":1700000000,"exp":1700003600,"nbf":1699999999,"iss":"https://issuer.example","aud":["a","b"],"phone":"+491705550101"}',
  '{"sub":"u-2","aud":"only-one","exp":1700000000.75,"iat":0,"nbf":-0}',
  '{"exp":12345678901234567890123,"iat":1e3,"big":9007199254740993,"neg":-1.5e3,"inf":1E400}',
  '{"sub":"a","sub":"b","exp":"soon","exp":5}',
  '{"\\u0073ub":"escaped name","name":"Zoë \\\\ \\n ✓","emoji":"🔑","lone":"\\udfff"}',
  '{"nested":{"a":{"b":[1,"two",{"three":null}]}},"roles":["admin"],"ok":true,"n":null}',
  '{"__proto__":{"admin":true},"constructor":{"name":"x"},"hasOwnProperty":1}',
  `{"deep":${nest(126, '{}')}}`,
  // Stricter than jose's decodeJwt.
  '{"exp":-1}',
  '{"exp":-0.5}',
  '{"exp":"1700000000"}',
  '{"iat":null}',
  '{"nbf":true}',
  '{"sub":42}',
  '{"iss":{"url":"x"}}',
  '{"aud":[1]}',
  '{"aud":{}}',
  '{"aud":["a",null]}',
  `{"deep":${nest(129, '0')}}`,
  // Refused by both.
  '[{"sub":"x"}]',
  '1',
  '"claims"',
  'null',
  '{"sub":"x"',
  '{"sub":"x"}}',
];

const rawCases = [];
for (const h of headers) rawCases.push({ name: `header ${h.slice(0, 60)}`, token: tok(h, '{"sub":"s"}'), h, c: '{"sub":"s"}' });
for (const c of claimsList) rawCases.push({ name: `claims ${c.slice(0, 60)}`, token: tok('{"alg":"HS256"}', c), h: '{"alg":"HS256"}', c });
for (const h of headers.slice(0, 12)) {
  for (const c of claimsList.slice(0, 9)) rawCases.push({ name: `pair ${h.slice(0, 30)} ${c.slice(0, 30)}`, token: tok(h, c), h, c });
}
// Token forms; `token` marks the reason only one side accepts.
const good = tok('{"alg":"HS256","typ":"JWT"}', '{"sub":"u","exp":1700000000}');
const [gh, gc] = good.split('.');
const forms = [
  { name: 'unsigned (empty signature)', token: `${gh}.${gc}.` },
  { name: 'padded base64url', token: `${padded('{"alg":"HS256","k":"v"}')}.${padded('{"sub":"u"}')}.c2ln` },
  { name: 'a BOM before the JSON', token: `${b64('\ufeff{"alg":"HS256"}')}.${gc}.c2ln`, only: 'jose', why: 'a BOM before the JSON' },
  { name: 'whitespace inside base64url', token: `${gh.slice(0, 8)} ${gh.slice(8)}.${gc}.c2ln`, only: 'jose', why: 'whitespace inside base64url' },
  { name: 'Bearer prefix', token: `Bearer ${good}`, only: 'ours', why: 'a Bearer prefix is taken' },
  { name: 'signature not base64url', token: `${gh}.${gc}.a+b/c`, only: 'jose', why: 'signature must be base64url' },
  { name: 'two parts', token: `${gh}.${gc}` },
  { name: 'four parts', token: `${good}.x` },
  { name: 'five parts (JWE)', token: `${good}.x.y` },
  { name: 'empty header part', token: `.${gc}.c2ln` },
  { name: 'empty claims part', token: `${gh}..c2ln` },
  { name: 'header not base64url', token: `${gh}*.${gc}.c2ln` },
  { name: 'claims not UTF-8', token: `${gh}.${Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString('base64url')}.c2ln` },
  { name: 'empty string', token: '' },
];

const depth = (v) => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depth)) : 0);
const str = (v) => v === undefined || typeof v === 'string';
const time = (v) => v === undefined || (typeof v === 'number' && v >= 0);
/** Why phone-auth refuses a token jose's decode functions accept, from the parsed parts. */
function stricter(h, c) {
  if (typeof h.alg !== 'string') return 'alg not a string';
  if (!str(h.typ)) return 'typ not a string';
  if (!str(h.kid)) return 'kid not a string';
  if (depth(h) > 128 || depth(c) > 128) return 'nested deeper than 128';
  for (const k of ['exp', 'iat', 'nbf']) if (!time(c[k])) return `${k} not a non-negative number`;
  for (const k of ['sub', 'iss']) if (!str(c[k])) return `${k} not a string`;
  const aud = c.aud;
  if (!(aud === undefined || typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string')))) {
    return 'aud not a string or strings';
  }
  return null;
}

const attempt = (f) => {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
};

const counts = { both: 0, neither: 0, stricter: 0, lenient: 0 };
const reasons = new Map();
const check = (mod, label, { name, token, only, why }) => {
  const what = `${label}: ${name}`;
  const theirs = attempt(() => [decodeProtectedHeader(token), decodeJwt(token)]);
  const ours = attempt(() => mod.decodeToken(token));
  if (!ours.ok) {
    assert.ok(ours.error instanceof mod.AuthError && ours.error.code === 'invalid_token', `${what}: ${ours.error}`);
  }
  if (theirs.ok && ours.ok) {
    assert.equal(only, undefined, `${what}: both accept, but marked "${why}"`);
    const [header, claims] = theirs.value;
    const d = ours.value;
    assert.deepStrictEqual(d.header, header, `${what}: header`);
    assert.deepStrictEqual(d.claims, claims, `${what}: claims`);
    assert.deepStrictEqual(Object.keys(d.header), Object.keys(header), `${what}: header member order`);
    assert.equal(d.subject, claims.sub ?? null, `${what}: subject`);
    for (const [k, ms] of [['exp', d.expiresAt], ['iat', d.issuedAt], ['nbf', d.notBefore]]) {
      const s = claims[k];
      if (s === undefined) assert.equal(ms, null, `${what}: ${k} absent`);
      // `===`, not Object.is: a `-0` claim is 0 ms.
      else if (s * 1000 <= Number.MAX_SAFE_INTEGER) assert.ok(ms === Math.floor(s) * 1000, `${what}: ${k} in ms (${ms})`);
      else assert.ok(ms >= Number.MAX_SAFE_INTEGER, `${what}: ${k} beyond 2^53 ms`);
    }
    counts.both++;
  } else if (!theirs.ok && !ours.ok) {
    assert.equal(only, undefined, `${what}: both refuse, but marked "${why}"`);
    counts.neither++;
  } else if (theirs.ok) {
    const reason = why ?? stricter(...theirs.value);
    assert.ok(reason && only !== 'ours', `${what}: jose accepts, phone-auth refuses (${ours.error.message})`);
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    counts.stricter++;
  } else {
    assert.equal(only, 'ours', `${what}: phone-auth accepts, jose refuses (${theirs.error.message})`);
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
    counts.lenient++;
  }
};

const cases = [...rawCases, ...forms];
for (const c of cases) check(signIn, 'phone-auth', c);
for (const c of cases) check(full, 'phone-auth/full', c);
// The header is a fresh object each call: changing one result changes no other.
const a = signIn.decodeToken(good);
a.header.alg = 'changed';
assert.equal(signIn.decodeToken(good).header.alg, 'HS256');
assert.ok(counts.both > 100 && counts.neither > 10 && counts.stricter > 10, JSON.stringify(counts));
console.log(
  `decodeToken vs jose on ${cases.length} tokens × 2 builds: same header and claims on ${counts.both}, ` +
    `both refuse ${counts.neither}, only jose accepts ${counts.stricter}, only phone-auth ${counts.lenient}; ` +
    `reasons: ${[...reasons].map(([r, n]) => `${r} ×${n}`).join(', ')}`,
);
