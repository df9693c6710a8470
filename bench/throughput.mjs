// Node throughput: normalizePhone vs libphonenumber-js, decodeToken vs jwt-decode and jose.
// Usage: node throughput.mjs [--node ../pkg/node/index.js] [--passes 30] [--warmup 5]  → JSON
import { parsePhoneNumber as lpnMin } from 'libphonenumber-js/min';
import { parsePhoneNumber as lpnMax, isValidPhoneNumber } from 'libphonenumber-js/max';
import { jwtDecode } from 'jwt-decode';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { args, median, loadOurs } from './lib.mjs';
import { phoneInputs, tokens } from './inputs.mjs';

const opts = args();
const passes = Number(opts.passes ?? 30);
const warmup = Number(opts.warmup ?? 5);

const phones = phoneInputs((e) => isValidPhoneNumber(e));
const jwts = tokens();

const contestants = { phone: {}, token: {} };
contestants.phone['libphonenumber-js min'] = (x, r) => lpnMin(x, r).format('E.164');
contestants.phone['libphonenumber-js max'] = (x, r) => lpnMax(x, r).format('E.164');
contestants.token['jwt-decode'] = (t) => jwtDecode(t);
contestants.token['jose.decodeJwt'] = (t) => decodeJwt(t);
// The same work as decodeToken, which returns the header as well as the claims.
contestants.token['jose header + claims'] = (t) => {
  const header = decodeProtectedHeader(t);
  const claims = decodeJwt(t);
  return header.alg ? claims : null;
};

if (opts.node) {
  const ours = await loadOurs(pathToFileURL(resolve(opts.node)).href);
  contestants.phone.normalizePhone = (x, r) => ours.normalizePhone(x, r).e164;
  contestants.token.decodeToken = (t) => ours.decodeToken(t).claims;
}

// Every contestant must give the oracle's answer on every input; a wrong one is reported.
const agreement = {};
for (const [name, f] of Object.entries(contestants.phone)) {
  let ok = 0;
  const wrong = [];
  for (const [x, r, e164] of phones) {
    let got;
    try { got = f(x, r); } catch (e) { got = `throws ${e?.code ?? e?.message}`; }
    if (got === e164) ok++; else if (wrong.length < 5) wrong.push({ input: x, region: r, expected: e164, got });
  }
  agreement[name] = { ok, of: phones.length, wrong };
}
for (const [name, f] of Object.entries(contestants.token)) {
  let ok = 0;
  const wrong = [];
  for (const t of jwts) {
    const expected = JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString());
    let got;
    try { got = f(t); } catch (e) { got = { error: e?.code ?? e?.message }; }
    if (got?.sub === expected.sub && got?.exp === expected.exp && got?.name === expected.name) ok++;
    else if (wrong.length < 3) wrong.push({ token: t.slice(0, 40) + '…', got });
  }
  agreement[name] = { ok, of: jwts.length, wrong };
}

let sink = 0;
function pass(kind, f) {
  const t0 = process.hrtime.bigint();
  if (kind === 'phone') for (const [x, r] of phones) { try { sink += f(x, r).length; } catch { sink++; } }
  else for (const t of jwts) { try { sink += f(t).iat & 1; } catch { sink++; } }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const results = {};
for (const kind of ['phone', 'token']) {
  const names = Object.keys(contestants[kind]);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let p = 0; p < warmup + passes; p++) {
    // Rotate the order so no contestant always runs first (or last) in a round.
    for (let i = 0; i < names.length; i++) {
      const n = names[(i + p) % names.length];
      const s = pass(kind, contestants[kind][n]);
      if (p >= warmup) times[n].push(s);
    }
  }
  const n = kind === 'phone' ? phones.length : jwts.length;
  for (const name of names) {
    const m = median(times[name]);
    results[name] = { kind, opsPerSec: n / m, nsPerOp: (m / n) * 1e9, passes: times[name].length };
  }
}

process.stdout.write(JSON.stringify({ results, agreement, inputs: phones.length, tokens: jwts.length, sink: sink % 2 }) + '\n');
