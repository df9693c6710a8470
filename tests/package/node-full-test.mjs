// `phone-auth/full` from the packed package in Node 20 ESM, against the emulator: GIZO's
// admin call, a sign-in through a declarative custom provider, SSO's user status. And
// `phone-auth`, the sign-in build, without them: no extra methods, descriptions refused.
// Usage: node node-full-test.mjs <emulator base URL>
import assert from 'node:assert/strict';
import * as signIn from 'phone-auth';
import init, { AuthClient, AuthError, normalizePhone, decodeToken } from 'phone-auth/full';

const base = process.argv[2];
assert.ok(base, 'usage: node node-full-test.mjs <emulator URL>');
const CODE = '482135';
const phone = '+491705550113';

await init();
assert.equal(normalizePhone('0174 7707607', 'DE').international, '+49 174 7707607');

// A description of another API: GIZO's app endpoints, written as data.
const description = (appToken) => ({
  name: 'gizo-described',
  phoneFormat: 'gizo',
  headers: { Authorization: `Bearer ${appToken}` },
  requestCode: { path: '/api/v1/User/checkIdentity', body: { username: '{{phone}}' } },
  verify: { path: '/api/v3/User/verify', body: { username: '{{phone}}', verifyCode: '{{code}}' } },
  tokenPointer: '/token',
});

// The sign-in build: the same client without the extras, and no custom provider.
const plain = new signIn.AuthClient({ provider: 'gizo', baseUrl: base, storage: 'memory' });
assert.equal(typeof plain.requestCode, 'function');
for (const m of ['gizoAccessToken', 'gizoClientToken', 'aritaLogin', 'ssoUserStatus', 'ssoEmail']) {
  assert.equal(typeof plain[m], 'undefined', `phone-auth has no ${m}`);
}
assert.throws(
  () => new signIn.AuthClient({ provider: description('x'), baseUrl: base, storage: 'memory' }),
  (e) => e instanceof signIn.AuthError && e.code === 'invalid_config' && e.message.includes("'phone-auth/full'"),
);
// Two builds, two classes, one brand: each build's errors are `instanceof` the other's
// `AuthError`, and nothing else is.
assert.notEqual(signIn.AuthError, AuthError);
assert.throws(() => signIn.normalizePhone('hello'), (e) => e instanceof AuthError && e.code === 'invalid_phone');
assert.throws(() => decodeToken('x'), (e) => e instanceof signIn.AuthError && e.code === 'invalid_token');
assert.ok(new signIn.AuthError('network', 'x') instanceof AuthError);
assert.ok(!(new Error('x') instanceof AuthError) && !({ code: 'network' } instanceof signIn.AuthError));
assert.ok(!(null instanceof AuthError) && !('AuthError' instanceof AuthError));

// The full build: GIZO's admin token (server-only: there is no `document` here) ...
const admin = new AuthClient({ provider: 'gizo', baseUrl: base, storage: 'memory' });
const adminToken = await admin.gizoAccessToken('demo-client', 'demo-secret');
assert.ok(typeof adminToken === 'string' && adminToken.length > 0);
await assert.rejects(
  admin.gizoAccessToken('demo-client', 'wrong'),
  (e) => e instanceof AuthError && e.code === 'unauthorized' && e.status === 401,
);

// ... used as the app token of a custom provider that signs in.
const custom = new AuthClient({ provider: description(adminToken), baseUrl: base, storage: 'memory' });
const events = [];
custom.onAuthStateChange((event) => events.push(event));
const challenge = await custom.requestCode(phone);
assert.equal(challenge.phone, phone);
const session = await custom.verify(CODE);
assert.equal(session.provider, 'gizo-described');
assert.equal(session.phone, phone);
assert.equal(session.tokenType, 'jwt');
assert.equal(decodeToken(session.token).subject, session.claims.sub);
assert.equal(await custom.getToken(), session.token);
await custom.signOut();
await new Promise((r) => setTimeout(r, 10));
assert.deepEqual(events, ['INITIAL_SESSION', 'CODE_SENT', 'SIGNED_IN', 'SIGNED_OUT']);

// SSO's extra endpoints with the signed-in user's token.
const sso = new AuthClient({ provider: 'sso', baseUrl: base, storage: 'memory' });
await sso.requestCode(phone);
await sso.verify(CODE);
const rows = await sso.ssoUserStatus([phone, '+491747707699']);
assert.deepEqual(
  rows.map((r) => [r.user, r.isRegistered]),
  [
    [phone, true],
    ['+491747707699', false],
  ],
);
await assert.rejects(sso.ssoUserStatus(phone), (e) => e instanceof AuthError && e.code === 'invalid_input');
console.log('node package test (phone-auth/full): ok');
