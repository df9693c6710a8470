// The same 10,000 phone inputs and 10,000 tokens for every contestant (deterministic).
import { rng } from './lib.mjs';

const digits = (r, n) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
const pick = (r, xs) => xs[Math.floor(r() * xs.length)];

// [region, national significant number generator, trunk prefix, calling code, group sizes]
const plans = [
  ['DE', (r) => pick(r, ['151', '152', '157', '160', '162']) + digits(r, 8), '0', '49', [4, 3, 4]],
  ['DE', (r) => pick(r, ['170', '171', '174', '175', '178']) + digits(r, 7), '0', '49', [3, 3, 4]],
  ['DE', (r) => '30' + pick(r, '2345678') + digits(r, 7), '0', '49', [2, 4, 4]],
  ['GB', (r) => '7' + pick(r, ['400', '700', '800', '900', '911', '958']) + digits(r, 6), '0', '44', [4, 3, 3]],
  ['GB', (r) => '207' + pick(r, '2345678') + digits(r, 6), '0', '44', [2, 4, 4]],
  ['US', (r) => pick(r, ['201', '212', '305', '415', '646', '718', '917']) + pick(r, '23456789') + pick(r, '02345678') + digits(r, 5), '1', '1', [3, 3, 4]],
  ['IT', (r) => '3' + pick(r, ['20', '28', '33', '35', '39', '47', '48']) + digits(r, 7), '', '39', [3, 3, 4]],
  ['IT', (r) => '06' + pick(r, '3456789') + digits(r, 7), '', '39', [2, 4, 4]],
  ['LT', (r) => '6' + pick(r, '0123456789') + digits(r, 6), '8', '370', [3, 5]],
  ['LT', (r) => '5' + pick(r, '2') + digits(r, 6), '8', '370', [1, 3, 4]],
  ['HK', (r) => pick(r, '5679') + pick(r, '1234') + digits(r, 6), '', '852', [4, 4]],
  ['HK', (r) => pick(r, '23') + pick(r, '1234567') + digits(r, 6), '', '852', [4, 4]],
];

function group(nsn, sizes, sep) {
  const parts = [];
  let i = 0;
  for (const s of sizes) { if (i < nsn.length) parts.push(nsn.slice(i, i + s)); i += s; }
  if (i < nsn.length) parts[parts.length - 1] += nsn.slice(i);
  return parts.join(sep);
}

/** How people type a number: national forms (with the number's own region as default) and
 *  international forms (with 'DE' as default, as a German user pasting a foreign number). */
function render(r, [region, , trunk, cc, sizes], nsn) {
  switch (Math.floor(r() * 10)) {
    case 0: return [trunk + group(nsn, sizes, ' '), region];
    case 1: return [trunk + group(nsn, sizes, '-'), region];
    case 2: { const [a, ...rest] = group(nsn, sizes, ' ').split(' '); return [`(${trunk}${a}) ${rest.join('-')}`, region]; }
    case 3: { const [a, ...rest] = group(nsn, sizes, ' ').split(' '); return [`${trunk}${a}/${rest.join('')}`, region]; }
    case 4: return [`+${cc} ${group(nsn, sizes, ' ')}`, 'DE'];
    case 5: return [`00${cc} ${group(nsn, sizes, ' ')}`, 'DE'];
    case 6: return [`+${cc}-${group(nsn, sizes, '-')}`, 'DE'];
    case 7: return [trunk === '0' ? `+${cc} (0) ${group(nsn, sizes, ' ')}` : `+${cc} ${group(nsn, sizes, '.')}`, 'DE'];
    case 8: return [`+${cc}${nsn}`, 'DE'];
    default: return [`+${cc} (${nsn.slice(0, 3)}) ${nsn.slice(3)}`, 'DE'];
  }
}

/** 10,000 `[input, defaultRegion, expectedE164]`, kept only when `isValid` (the oracle) agrees. */
export function phoneInputs(isValid, n = 10_000) {
  const r = rng(20260522);
  const out = [];
  let guard = 0;
  while (out.length < n && guard++ < n * 20) {
    const plan = plans[out.length % plans.length];
    const nsn = plan[1](r);
    const e164 = `+${plan[3]}${nsn}`;
    if (!isValid(e164)) continue;
    const [input, region] = render(r, plan, nsn);
    out.push([input, region, e164]);
  }
  return out;
}

const b64url = (s) => Buffer.from(s).toString('base64url');
const names = ['Anna', 'José', 'Zoë', '李小龍', 'Ola 👋', 'Mark'];

/** 10,000 JWTs shaped like the ones the four backends issue (signatures are random bytes). */
export function tokens(n = 10_000) {
  const r = rng(7);
  const out = [];
  for (let i = 0; i < n; i++) {
    const header = { alg: 'HS256', typ: 'JWT' };
    if (i % 3 === 0) header.kid = `k${i % 7}`;
    const iat = 1_760_000_000 + Math.floor(r() * 1e7);
    const claims = {
      sub: String(100000 + i), iat, exp: iat + 3600, iss: 'phone-auth-emulator',
      provider: ['gizo', 'arita', 'monetha', 'sso'][i % 4], phone: `+49151${digits(r, 8)}`,
    };
    if (i % 2 === 0) { claims.nbf = iat; claims.aud = 'app'; }
    if (i % 5 === 0) claims.name = names[i % names.length];
    out.push(`${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.${Buffer.from(Array.from({ length: 32 }, () => Math.floor(r() * 256))).toString('base64url')}`);
  }
  return out;
}
