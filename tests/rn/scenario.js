// The React Native test's script: one run of `phone-auth` as an app uses it. The same file
// runs twice: in Node (record.mjs: the Node entry against the real emulator, recording
// every exchange and every answer) and in Hermes (app.js, bundled by Metro with the
// `react-native` condition: the wasm2js entry, its requests answered from that recording,
// its answers compared with Node's). See xtask/src/rn_tests.rs.
import init, { AuthClient, AuthError, normalizePhone, decodeToken } from 'phone-auth';

/** Numbers the emulator accepts `CODE` for (xtask starts it with them), one per provider. */
const NUMBERS = { sso: '+491705550101', arita: '+491705550102', monetha: '+491705550103', gizo: '+491705550104' };
const CODE = '482135';
const WRONG_CODE = '111111';

/** A tiny test harness (Hermes has no `node:assert`). */
export function harness(log) {
  const t = { passed: 0, failed: 0 };
  t.ok = (cond, what) => {
    if (cond) t.passed++;
    else {
      t.failed++;
      log(`FAIL: ${what}`);
    }
  };
  t.eq = (got, want, what) => {
    const g = JSON.stringify(got);
    const w = JSON.stringify(want);
    t.ok(g === w, `${what}: got ${String(g).slice(0, 300)}, want ${String(w).slice(0, 300)}`);
  };
  t.code = async (f, code, what) => {
    try {
      await f();
      t.ok(false, `${what}: no error, want ${code}`);
    } catch (e) {
      t.ok(e instanceof AuthError && e instanceof Error, `${what}: an AuthError (${e && e.name}: ${e && e.message})`);
      t.eq(e && e.code, code, `${what}: code`);
    }
  };
  return t;
}

/** `normalizePhone`'s answer for one corpus case: its result, or the error's code. */
function phoneAnswer(c) {
  try {
    return normalizePhone(c.input, c.defaultCountry || undefined);
  } catch (e) {
    return { error: e instanceof AuthError ? e.code : `not an AuthError: ${e}` };
  }
}

/** base64url of the UTF-8 of `text` (no `btoa` in Hermes). */
function b64url(text) {
  const bytes = new TextEncoder().encode(text);
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
    const chars = [18, 12, 6, 0].map((s) => abc[(n >> s) & 63]);
    out += chars.slice(0, i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2).join('');
  }
  return out;
}

export function jwt(header, claims) {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.c2lnbmF0dXJl`;
}

/** Tokens whose decoding is compared member for member (text in many scripts included). */
const TOKENS = [
  [{ alg: 'HS256', typ: 'JWT' }, { sub: 'u1', exp: 1700000000, iat: 1699990000 }],
  [{ alg: 'RS256', kid: 'k-1' }, { sub: 'Zoë ✓ 电话 📱', name: '日本語のテキスト', list: [1, 'two', { three: null }], n: -1.5e3 }],
  [{ alg: 'ES256', cty: 'JWT', crit: ['b64'], b64: false, x: { y: [1] } }, { nested: { a: { b: true } }, exp: 1700000000.5 }],
];

/** What the package answers without a backend: phones, tokens, bad input. */
export function answers(cases) {
  return {
    phones: cases.map(phoneAnswer),
    tokens: TOKENS.map(([h, c]) => decodeToken(jwt(h, c))),
  };
}

/** An AsyncStorage-shaped adapter over a Map; `failWrites` makes setItem reject. */
export function asyncStorage() {
  const map = new Map();
  const s = {
    map,
    failWrites: false,
    getItem: async (k) => (map.has(k) ? map.get(k) : null),
    setItem: async (k, v) => {
      if (s.failWrites) throw new Error('disk full');
      map.set(k, v);
    },
    removeItem: async (k) => {
      map.delete(k);
    },
  };
  return s;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A refresh callback: a new token `seconds` long, counted. */
function refresher(seconds) {
  const f = async () => {
    f.count++;
    const now = Math.floor(Date.now() / 1000);
    return { token: jwt({ alg: 'HS256' }, { sub: `refreshed-${f.count}`, iat: now, exp: now + seconds }) };
  };
  f.count = 0;
  return f;
}

/**
 * The whole script. `ctx`: `{ base, fetch, log, expected? }`; with `expected` (Node's
 * answers) the answers here are compared with them.
 */
export async function run(ctx) {
  const t = harness(ctx.log);
  await init();
  await init(); // idempotent

  // Bad input: the same codes as on the web, never anything but an AuthError.
  await t.code(() => normalizePhone('hello', 'DE'), 'invalid_phone', 'normalizePhone(hello)');
  await t.code(() => normalizePhone(42), 'invalid_phone', 'normalizePhone(42)');
  await t.code(() => decodeToken('not a jwt'), 'invalid_token', 'decodeToken(not a jwt)');
  await t.code(() => decodeToken(jwt({ alg: 'HS256' }, { exp: 'soon' })), 'invalid_token', 'exp not a number');
  await t.code(() => new AuthClient({ provider: 'nope', baseUrl: ctx.base }), 'invalid_config', 'unknown provider');
  const noRemove = { getItem: async () => null, setItem: async () => {} };
  await t.code(() => new AuthClient({ provider: 'sso', baseUrl: ctx.base, storage: noRemove }), 'invalid_config', 'storage without removeItem');
  const saved = globalThis.fetch;
  globalThis.fetch = undefined;
  try {
    const noFetch = new AuthClient({ provider: 'sso', baseUrl: ctx.base, storage: asyncStorage() });
    await t.code(() => noFetch.requestCode(NUMBERS.sso), 'invalid_config', 'no fetch anywhere');
  } finally {
    globalThis.fetch = saved;
  }
  // A backend that never answers times out (with or without AbortController: Hermes has
  // none), and a fetch that throws is a network error; both are AuthErrors.
  const hang = new AuthClient({ provider: 'sso', baseUrl: 'https://fake.test', storage: asyncStorage(), fetch: () => new Promise(() => {}), timeoutMs: 300 });
  await t.code(() => hang.requestCode(NUMBERS.sso), 'timeout', 'a backend that never answers');
  const down = new AuthClient({ provider: 'sso', baseUrl: 'https://fake.test', storage: asyncStorage(), fetch: async () => { throw new TypeError('Network request failed'); } });
  await t.code(() => down.requestCode(NUMBERS.sso), 'network', 'a fetch that throws');
  hang.free();
  down.free();
  const p = normalizePhone('0174 7707607', 'DE');
  t.eq([p.e164, p.gizo, p.countryCallingCode], ['+491747707607', '+49_1747707607', '49'], 'normalizePhone');

  // Backend-free answers, compared with Node's from the same package.
  const mine = answers(ctx.cases);
  for (let i = 0; i < TOKENS.length; i++) {
    t.eq(mine.tokens[i].claims, TOKENS[i][1], `decodeToken claims ${i}`);
    t.eq(mine.tokens[i].header, TOKENS[i][0], `decodeToken header ${i}, member for member`);
  }
  // A token of ~400 KB makes the module's memory grow (in wasm2js: a new ArrayBuffer, the
  // old one left attached); the glue must read the new one, then and afterwards.
  const big = { sub: 'big', name: 'Zoë ✓ 电话 📱 '.repeat(30000) };
  t.eq(decodeToken(jwt({ alg: 'HS256' }, big)).claims, big, 'decodeToken of a 400 KB token (memory grows)');
  t.eq(normalizePhone('+44 20 7946 0958').e164, '+442079460958', 'normalizePhone after the memory grew');
  t.eq(decodeToken(jwt(TOKENS[1][0], TOKENS[1][1])).claims, TOKENS[1][1], 'decodeToken after the memory grew');
  if (ctx.expected) {
    let same = 0;
    mine.phones.forEach((a, i) => {
      if (JSON.stringify(a) === JSON.stringify(ctx.expected.phones[i])) same++;
      else t.eq(a, ctx.expected.phones[i], `normalizePhone(${JSON.stringify(ctx.cases[i].input)}) as in Node`);
    });
    t.ok(same === ctx.cases.length && same > 300, `all ${ctx.cases.length} corpus answers as in Node (${same})`);
    t.eq(mine.tokens, ctx.expected.tokens, 'decodeToken answers as in Node');
  }

  for (const provider of ['gizo', 'arita', 'monetha', 'sso']) {
    await signIn(t, ctx, provider);
  }
  await autoRefresh(t);
  return { t, answers: mine };
}

/** A whole sign-in with one provider, through `ctx.fetch` and an async storage. */
async function signIn(t, ctx, provider) {
  const storage = asyncStorage();
  const refresh = refresher(3600);
  const options = {
    provider,
    baseUrl: ctx.base,
    storage,
    fetch: ctx.fetch,
    defaultCountry: 'DE',
    deviceId: 'rn-test',
    autoRefresh: false,
    refresh: { strategy: 'callback', callback: refresh },
  };
  if (provider === 'gizo') {
    const res = await ctx.fetch(`${ctx.base}/api/v1/company/access-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'demo-client', clientSecret: 'demo-secret' }),
    });
    const body = JSON.parse(await res.text());
    const appToken = body.token || body.accessToken || body.access_token;
    t.ok(typeof appToken === 'string', 'gizo: company token');
    options.appToken = async () => appToken;
  }
  const auth = new AuthClient(options);
  const events = [];
  auth.onAuthStateChange((e) => events.push(e));
  const phone = NUMBERS[provider];
  const challenge = await auth.requestCode(phone);
  t.eq(challenge.phone, phone, `${provider}: challenge.phone`);
  await t.code(() => auth.verify(WRONG_CODE), 'invalid_code', `${provider}: wrong code`);
  const session = await auth.verify(CODE);
  t.eq([session.provider, session.phone], [provider, phone], `${provider}: session`);
  t.ok(typeof session.token === 'string' && session.token.length > 10, `${provider}: a token`);
  t.eq(await auth.getToken(), session.token, `${provider}: getToken`);
  t.eq(storage.map.size, 1, `${provider}: stored`);
  const stored = [...storage.map.values()][0];

  const again = new AuthClient({ ...options });
  const restored = await again.getSession();
  t.eq(restored && restored.token, session.token, `${provider}: a new client restores the stored session`);
  again.free();

  const refreshed = await auth.refresh();
  t.eq(refresh.count, 1, `${provider}: refresh asked the callback`);
  t.ok(refreshed.token !== session.token && refreshed.token === (await auth.getToken()), `${provider}: refreshed token in use`);
  const storedAfter = [...storage.map.values()][0];
  t.ok(storedAfter !== stored && storedAfter.includes(refreshed.token), `${provider}: refreshed token stored`);

  // A failed write leaves the previous session stored (what a restart restores); the client
  // reports the failure and keeps working.
  storage.failWrites = true;
  await t.code(() => auth.refresh(), 'storage', `${provider}: refresh whose write fails`);
  t.eq([...storage.map.values()][0], storedAfter, `${provider}: previous session still stored after the failed write`);
  const token = await auth.getToken();
  t.ok(typeof token === 'string' && token.length > 10, `${provider}: still signed in after the failed write`);
  const reopened = new AuthClient({ ...options });
  t.eq((await reopened.getSession()).token, refreshed.token, `${provider}: a restart restores the previous session`);
  reopened.free();
  storage.failWrites = false;

  auth.startAutoRefresh();
  auth.stopAutoRefresh();
  await auth.signOut();
  t.eq(storage.map.size, 0, `${provider}: signOut cleared the storage`);
  await t.code(() => auth.getToken(), 'not_signed_in', `${provider}: getToken after signOut`);
  await sleep(10);
  t.eq(events.filter((e) => e !== 'TOKEN_REFRESHED'), ['INITIAL_SESSION', 'CODE_SENT', 'SIGNED_IN', 'SIGNED_OUT'], `${provider}: events`);
  t.ok(events.includes('TOKEN_REFRESHED'), `${provider}: TOKEN_REFRESHED`);
  auth.free();
  auth.free(); // a second free does nothing
  await t.code(() => auth.getToken(), 'invalid_state', `${provider}: getToken after free()`);
}

/**
 * `startAutoRefresh` refreshes a token when it is due; `stopAutoRefresh` stops it. The
 * token comes from a fake SSO (docs/wire.md: `sms` 201 `{}`, `auth` 201 `{token}`) issuing
 * 3 s tokens, due half-way (1.5 s); the callback's new token lives an hour.
 */
async function autoRefresh(t) {
  const fake = async (url) => {
    const path = url.slice('https://fake.test'.length);
    const now = Math.floor(Date.now() / 1000);
    const body = path === '/sso/auth' ? JSON.stringify({ token: jwt({ alg: 'HS256' }, { sub: 'u1', iat: now, exp: now + 3 }) }) : '{}';
    const bytes = new TextEncoder().encode(body);
    return {
      status: 201,
      headers: { forEach: (f) => f('application/json', 'content-type') },
      arrayBuffer: async () => bytes.buffer,
    };
  };
  const refresh = refresher(3600);
  const auth = new AuthClient({
    provider: 'sso',
    baseUrl: 'https://fake.test',
    storage: asyncStorage(),
    fetch: fake,
    autoRefresh: false,
    refresh: { strategy: 'callback', callback: refresh },
  });
  await auth.requestCode('+491705550105');
  await auth.verify(CODE);
  auth.startAutoRefresh();
  for (let i = 0; i < 50 && refresh.count < 1; i++) await sleep(100);
  auth.stopAutoRefresh();
  t.eq(refresh.count, 1, 'auto: startAutoRefresh refreshed the due token');
  t.ok((await auth.getSession()).token.length > 10, 'auto: signed in with the refreshed token');
  await auth.signOut();
  auth.free();

  // Stopped before it is due: nothing happens.
  const idle = refresher(3600);
  const b = new AuthClient({
    provider: 'sso',
    baseUrl: 'https://fake.test',
    storage: asyncStorage(),
    fetch: fake,
    autoRefresh: false,
    refresh: { strategy: 'callback', callback: idle },
  });
  await b.requestCode('+491705550106');
  await b.verify(CODE);
  b.startAutoRefresh();
  b.stopAutoRefresh();
  await sleep(2000);
  t.eq(idle.count, 0, 'auto: nothing after stopAutoRefresh');
  await b.signOut();
  b.free();
}
