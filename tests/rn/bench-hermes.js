// The Hermes bench (run by `cargo xtask bench`): normalizePhone and decodeToken of the
// react-native entry against libphonenumber-js, jwt-decode and jose, all in Hermes, on the
// inputs of bench/ (bench-inputs.json). Prints one JSON line.
import init, { normalizePhone, decodeToken } from 'phone-auth';
import { parsePhoneNumber as lpnMin } from 'libphonenumber-js/min';
import { parsePhoneNumber as lpnMax } from 'libphonenumber-js/max';
import { jwtDecode } from 'jwt-decode';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import inputs from './bench-inputs.json';
import config from './bench-config.json';

const log = typeof print === 'function' ? print : console.log;

// BENCH HARNESS ONLY: the hermes-engine-cli shell has no `atob`, which jwt-decode and jose
// need; React Native (0.74+) has a native one. This JS one makes the peers run at all, and
// is slower than native: their rows say so.
if (typeof globalThis.atob !== 'function') {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const rev = {};
  for (let i = 0; i < 64; i++) rev[abc[i]] = i;
  globalThis.atob = (s) => {
    const t = String(s).replace(/[\s=]/g, '');
    let out = '';
    let bits = 0;
    let acc = 0;
    for (let i = 0; i < t.length; i++) {
      const v = rev[t[i]];
      if (v === undefined) throw new Error('atob: not base64');
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((acc >> bits) & 0xff);
      }
    }
    return out;
  };
}

const phones = inputs.phones;
const jwts = inputs.tokens;
const contestants = {
  phone: {
    normalizePhone: (x, r) => normalizePhone(x, r).e164,
    'libphonenumber-js min': (x, r) => lpnMin(x, r).format('E.164'),
    'libphonenumber-js max': (x, r) => lpnMax(x, r).format('E.164'),
  },
  token: {
    decodeToken: (t) => decodeToken(t).claims,
    'jwt-decode': (t) => jwtDecode(t),
    'jose.decodeJwt': (t) => decodeJwt(t),
    'jose header + claims': (t) => (decodeProtectedHeader(t).alg ? decodeJwt(t) : null),
  },
};

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

let sink = 0;
function pass(kind, f) {
  const t0 = Date.now();
  if (kind === 'phone') {
    for (const [x, r] of phones) {
      try {
        sink += f(x, r).length;
      } catch (_) {
        sink++;
      }
    }
  } else {
    for (const t of jwts) {
      try {
        sink += f(t).iat & 1;
      } catch (_) {
        sink++;
      }
    }
  }
  return (Date.now() - t0) / 1000;
}

async function main() {
  const t0 = Date.now();
  await init();
  const t1 = Date.now();
  const first = normalizePhone('0174 7707607', 'DE').e164;
  const t2 = Date.now();
  const start = { initMs: t1 - t0, firstCallMs: t2 - t1, firstResultMs: t2 - t0, first };
  if (config.startOnly) {
    log(JSON.stringify({ start }));
    return;
  }
  const agreement = {};
  for (const [name, f] of Object.entries(contestants.phone)) {
    let ok = 0;
    for (const [x, r, e164] of phones) {
      try {
        if (f(x, r) === e164) ok++;
      } catch (_) {
        /* counted as a disagreement */
      }
    }
    agreement[name] = { ok, of: phones.length };
  }
  for (const [name, f] of Object.entries(contestants.token)) {
    let ok = 0;
    for (const t of jwts) {
      try {
        const c = f(t);
        if (c && typeof c.sub === 'string' && c.exp === c.iat + 3600) ok++;
      } catch (_) {
        /* counted as a disagreement */
      }
    }
    agreement[name] = { ok, of: jwts.length };
  }
  const results = {};
  for (const kind of ['phone', 'token']) {
    const names = Object.keys(contestants[kind]);
    const times = {};
    names.forEach((n) => (times[n] = []));
    for (let p = 0; p < config.warmup + config.passes; p++) {
      for (let i = 0; i < names.length; i++) {
        const n = names[(i + p) % names.length];
        const s = pass(kind, contestants[kind][n]);
        if (p >= config.warmup) times[n].push(s);
      }
    }
    const count = kind === 'phone' ? phones.length : jwts.length;
    for (const name of names) {
      const m = median(times[name]);
      results[name] = { kind, opsPerSec: count / m, passes: times[name].length };
    }
  }
  log(JSON.stringify({ start, results, agreement, phones: phones.length, tokens: jwts.length, sink: sink % 2 }));
}

main().catch((e) => log(`FAIL: ${e && e.stack ? e.stack : e}`));
