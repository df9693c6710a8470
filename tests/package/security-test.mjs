// The installed package in Node 20: the bearer token goes only where it belongs.
// - auth.fetch refuses untrusted origins, clear-text downgrades and URL-parser traps with
//   AuthError `untrusted_origin`, and sends nothing;
// - configuration with an unusable baseUrl or apiOrigins entry is `invalid_config`;
// - a stored session is bound to its provider and baseUrl;
// - a redirect to another origin does not carry the token (Node's fetch drops it).
// Usage: node security-test.mjs <emulator base URL>
import assert from 'node:assert/strict';
import http from 'node:http';
import init, { AuthClient, AuthError } from 'phone-auth';

const base = process.argv[2];
assert.ok(base, 'usage: node security-test.mjs <emulator URL>');
await init();
const emulatorPort = new URL(base).port;

/** A loopback HTTP server that records the Authorization header of every request. */
async function server(handler = (req, res) => res.end('ok')) {
  const seen = [];
  const s = http.createServer((req, res) => {
    seen.push({ url: req.url, auth: req.headers.authorization ?? null });
    handler(req, res);
  });
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${s.address().port}`, seen, close: () => s.close() };
}

const other = await server();
const redirector = await server((req, res) => {
  res.writeHead(302, { location: `${other.origin}/landed` });
  res.end();
});

/** Every request the client makes, with whether it carried the token. */
const sent = [];
const fetch = (url, init = {}) => {
  const h = new Headers(init.headers);
  sent.push({ url: String(url?.url ?? url), auth: h.get('authorization') });
  return globalThis.fetch(url, init);
};
const mem = new Map();
const storage = {
  getItem: async (k) => (mem.has(k) ? mem.get(k) : null),
  setItem: async (k, v) => void mem.set(k, v),
  removeItem: async (k) => void mem.delete(k),
};
const isCode = (code) => (e) => e instanceof AuthError && e.code === code;

// --- configuration -------------------------------------------------------------------------
const make = (extra) => new AuthClient({ provider: 'sso', baseUrl: base, storage: 'memory', fetch, ...extra });
for (const baseUrl of ['http://sso.example', 'javascript:alert(1)', 'file:///etc/passwd', 'https://user:pass@sso.example',
  'sso.example', 'https://sso.example/?q=1', 'https://sso.example/#f', 'https:sso.example', 'https://evil.example\\@sso.example',
  'https://münchen.example', 'https://%65vil.example', '']) {
  assert.throws(() => make({ baseUrl }), (e) => isCode('invalid_config')(e) && /baseUrl/.test(e.message), baseUrl);
}
for (const apiOrigins of [['https://api.example/v1'], ['http://api.example'], ['https://u:p@api.example'], ['api.example'],
  ['https://api.example?x'], 'https://api.example', [7]]) {
  assert.throws(() => make({ apiOrigins }), (e) => isCode('invalid_config')(e) && /apiOrigins/.test(e.message), JSON.stringify(apiOrigins));
}
assert.throws(() => make({ allowInsecureHttp: 'yes' }), isCode('invalid_config'));
make({ baseUrl: 'https://sso.example/v1/' }).dispose();
make({ baseUrl: 'http://localhost:1', apiOrigins: ['https://api.example', 'http://[::1]:2'] }).dispose();
make({ baseUrl: 'http://sso.example', allowInsecureHttp: true, apiOrigins: ['http://api.example'] }).dispose();
console.log('configuration: unusable baseUrl / apiOrigins refused with invalid_config');

// --- auth.fetch -----------------------------------------------------------------------------
const auth = new AuthClient({ provider: 'sso', baseUrl: base, storage, storageKey: 'k', fetch, apiOrigins: [redirector.origin] });
await assert.rejects(auth.fetch(`${base}/sso/user`), isCode('not_signed_in'));
assert.equal(sent.length, 0, 'nothing is sent without a session');
await auth.requestCode('+49 170 5550112');
await auth.verify('482135');
const token = await auth.getToken();

// Trusted: the baseUrl origin (absolute, relative, other spellings of it) and apiOrigins.
for (const url of [`${base}/sso/user`, '/sso/user', `http://127.0.0.1:${emulatorPort}/sso/user`,
  `HTTP://127.0.0.1:${emulatorPort}/sso/user`, new URL(`${base}/sso/user`), new Request(`${base}/sso/user`)]) {
  const before = sent.length;
  const res = await auth.fetch(url);
  assert.equal(res.status, 200, String(url));
  assert.equal(sent.length, before + 1);
  assert.equal(sent.at(-1).auth, `Bearer ${token}`);
  assert.equal(new URL(sent.at(-1).url).origin, `http://127.0.0.1:${emulatorPort}`);
}
const before = other.seen.length;
await auth.fetch(`${redirector.origin}/go`);
assert.equal(redirector.seen.at(-1).auth, `Bearer ${token}`, 'an apiOrigins origin gets the token');
assert.equal(other.seen.length, before + 1, 'the redirect was followed');
assert.equal(other.seen.at(-1).auth, null, 'a redirect to another origin does not carry the token');

const refused = ['https://evil.example/steal', `http://127.0.0.1:${emulatorPort}.evil.example/`, `http://localhost:${emulatorPort}/sso/user`,
  `http://127.0.0.1:${Number(emulatorPort) + 1}/`, `https://127.0.0.1:${emulatorPort}/sso/user`, `${other.origin}/x`,
  `http://u:p@127.0.0.1:${emulatorPort}/`, `http://evil.example\\@127.0.0.1:${emulatorPort}/`, '//evil.example/x', '/\\evil.example/x',
  'javascript:alert(1)', 'file:///etc/passwd', 'data:,x', 'https:evil.example', `http:127.0.0.1:${emulatorPort}/`,
  `http://evil.example%2F@127.0.0.1:${emulatorPort}/`, 'http://ev\til.example/', ' http://evil.example', 'https://münchen.example/',
  new URL('https://evil.example/'), new Request('https://evil.example/'), null, { toString() { throw new Error('x'); } }];
const stored = mem.get('k');
const show = (u) => {
  try {
    return String(u);
  } catch {
    return '<object whose toString throws>';
  }
};
for (const url of refused) {
  const n = sent.length;
  await assert.rejects(auth.fetch(url), (e) => isCode('untrusted_origin')(e) && e.message.length > 20, show(url));
  assert.equal(sent.length, n, `nothing sent for ${show(url)}`);
}
assert.equal(mem.get('k'), stored, 'the stored session is untouched');
assert.equal(await auth.getToken(), token, 'still signed in');
const e = await auth.fetch('https://evil.example/steal').catch((x) => x);
assert.match(e.message, /https:\/\/evil\.example/);
assert.match(e.message, /apiOrigins/);
console.log(`auth.fetch: ${refused.length} untrusted URLs refused, nothing sent; redirect to another origin without the token`);

// --- sessions bound to their provider and baseUrl -------------------------------------------
const storedText = mem.get('k');
assert.ok(JSON.parse(storedText).baseUrl, 'the snapshot records its baseUrl');
for (const opts of [{ provider: 'sso', baseUrl: `http://localhost:${emulatorPort}` }, { provider: 'monetha', baseUrl: base, deviceId: 'd' },
  { provider: 'sso', baseUrl: `${base}/other-prefix` }]) {
  const n = sent.length;
  const stranger = new AuthClient({ ...opts, storage, storageKey: 'k', fetch });
  await assert.rejects(stranger.getToken(), isCode('not_signed_in'), JSON.stringify(opts));
  assert.equal(await stranger.getSession(), null);
  await stranger.signOut();
  assert.equal(mem.get('k'), storedText, `${JSON.stringify(opts)} neither used nor deleted the session`);
  assert.equal(sent.filter((s) => s.auth).length, sent.slice(0, n).filter((s) => s.auth).length, 'and sent no token');
  stranger.dispose();
}
const same = new AuthClient({ provider: 'sso', baseUrl: `HTTP://127.0.0.1:${emulatorPort}/`, storage, storageKey: 'k', fetch });
assert.equal(await same.getToken(), token, 'another spelling of the same baseUrl restores it');
same.dispose();
await auth.signOut();
assert.equal(mem.has('k'), false, "signOut removes the client's own session");
auth.dispose();
other.close();
redirector.close();
console.log('sessions: bound to provider and baseUrl; strangers see none and delete nothing');
console.log('security: all checks passed');
