// The packed package in a fresh project, in Node 20 ESM with no DOM globals: a custom
// async storage adapter, an injected fetch, and a full sign-in against the emulator.
// Usage: node node-test.mjs <emulator base URL>
import assert from 'node:assert/strict';
import init, { AuthClient, AuthError, normalizePhone, decodeToken } from 'phone-auth';

const base = process.argv[2];
assert.ok(base, 'usage: node node-test.mjs <emulator URL>');
for (const g of ['window', 'document', 'localStorage', 'sessionStorage']) {
  assert.equal(typeof globalThis[g], 'undefined', `${g} must not exist in this test`);
}

await init();
await init(); // idempotent

const p = normalizePhone('0174 7707607', 'DE');
assert.equal(p.e164, '+491747707607');
assert.equal(p.gizo, '+49_1747707607');
assert.equal(p.countryCallingCode, '49');
assert.throws(() => normalizePhone('hello', 'DE'), (e) => e instanceof AuthError && e.code === 'invalid_phone');
assert.throws(() => decodeToken('not a jwt'), (e) => e instanceof AuthError && e.code === 'invalid_token');

const mem = new Map();
const writes = [];
const storage = {
  getItem: async (k) => (mem.has(k) ? mem.get(k) : null),
  setItem: async (k, v) => {
    writes.push(k);
    mem.set(k, v);
  },
  removeItem: async (k) => {
    mem.delete(k);
  },
};
const urls = [];
const fetch = (url, init) => {
  urls.push(url);
  return globalThis.fetch(url, init);
};

const phone = '+49 170 5550101';
const auth = new AuthClient({ provider: 'sso', baseUrl: base, storage, fetch, defaultCountry: 'DE' });
const events = [];
auth.onAuthStateChange((event) => events.push(event));

await assert.rejects(auth.verify('123456'), (e) => e instanceof AuthError && e.code === 'invalid_state');
const challenge = await auth.requestCode(phone);
assert.equal(challenge.phone, '+491705550101');
assert.ok(challenge.expiresAt > Date.now());
const session = await auth.verify('482135');
assert.equal(session.tokenType, 'jwt');
assert.equal(session.provider, 'sso');
assert.equal(session.phone, '+491705550101');
assert.equal(decodeToken(session.token).claims.phone, '+491705550101');
assert.equal(await auth.getToken(), session.token);
assert.ok(urls.length >= 2 && urls.every((u) => u.startsWith(base)), 'the injected fetch carried every request');
assert.ok(urls.every((u) => !u.includes(session.token)), 'no token in any URL');
assert.ok(mem.size === 1 && writes.length >= 1, 'the session went to the adapter');

// A second client on the same storage restores the session (a "reload").
const again = new AuthClient({ provider: 'sso', baseUrl: base, storage, fetch });
assert.equal((await again.getSession())?.token, session.token);

await auth.signOut();
assert.equal(mem.size, 0, 'signOut cleared the storage');
await assert.rejects(auth.getToken(), (e) => e instanceof AuthError && e.code === 'not_signed_in');
await new Promise((r) => setTimeout(r, 10));
assert.deepEqual(events, ['INITIAL_SESSION', 'CODE_SENT', 'SIGNED_IN', 'SIGNED_OUT']);
console.log('node package test: ok');
