// The one-provider entries (`phone-auth/gizo`, `/arita`, `/monetha`, `/sso`) from the
// packed package in Node 20 ESM, against the emulator: each signs in with its own
// provider, refuses the three others with an `invalid_config` that names the entry to
// import, normalises numbers like `phone-auth`, and ships a smaller `.wasm`.
// Usage: node node-providers-test.mjs <emulator base URL>
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as all from 'phone-auth';

const base = process.argv[2];
assert.ok(base, 'usage: node node-providers-test.mjs <emulator URL>');
const PROVIDERS = ['gizo', 'arita', 'monetha', 'sso'];
const CODE = '482135';
const phone = '+491705550112';

// GIZO's app token, as the app's backend gets it (the emulator's development credentials).
async function gizoAppToken() {
  const res = await fetch(`${base}/api/v1/company/access-token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ clientId: 'demo-client', clientSecret: 'demo-secret' }),
  });
  assert.equal(res.status, 200, 'the emulator gave a GIZO app token');
  return (await res.json()).token;
}

const options = {
  gizo: { appToken: gizoAppToken },
  arita: {},
  monetha: { deviceId: 'providers-test' },
  sso: {},
};

const require = createRequire(import.meta.url);
const wasmSize = (entry) => statSync(require.resolve(entry)).size;
const allWasm = wasmSize('phone-auth/phone_auth_bg.wasm');

for (const p of PROVIDERS) {
  const m = await import(`phone-auth/${p}`);
  await m.default(); // instantiated at import in Node; kept for code shared with the browser

  // The same phone-number answers as `phone-auth`.
  for (const [input, region] of [['0174 7707607', 'DE'], ['+1 650 253 0000'], ['06 12 34 56 78', 'FR']]) {
    assert.deepEqual(m.normalizePhone(input, region), all.normalizePhone(input, region), `${p}: ${input}`);
  }
  assert.throws(() => m.normalizePhone('hello'), (e) => e instanceof all.AuthError && e.code === 'invalid_phone');

  // A sign-in with its own provider, against the emulator.
  const auth = new m.AuthClient({ provider: p, baseUrl: base, storage: 'memory', ...options[p] });
  const challenge = await auth.requestCode(phone);
  assert.equal(challenge.phone, phone, `${p}: the code went to the number`);
  const session = await auth.verify(CODE);
  assert.equal(session.provider, p);
  assert.equal(session.phone, phone);
  assert.equal(await auth.getToken(), session.token);
  await auth.signOut();
  auth.dispose();

  // Every other provider is refused at construction, naming what to import instead.
  for (const q of PROVIDERS.filter((q) => q !== p)) {
    assert.throws(
      () => new m.AuthClient({ provider: q, baseUrl: base, storage: 'memory' }),
      (e) =>
        e instanceof m.AuthError &&
        e.code === 'invalid_config' &&
        e.message.includes(`provider "${q}" is not in this build`) &&
        e.message.includes(`'phone-auth/${q}'`),
      `phone-auth/${p} refuses ${q}`,
    );
  }
  // The sign-in build: no extra endpoints.
  assert.equal(typeof m.AuthClient.prototype.ssoUserStatus, 'undefined');

  const size = wasmSize(`phone-auth/${p}/phone_auth_bg.wasm`);
  assert.ok(size < allWasm - 10_000, `phone-auth/${p}'s .wasm (${size} B) is smaller than phone-auth's (${allWasm} B)`);
  console.log(`phone-auth/${p}: signed in, the 3 other providers refused, .wasm ${size} B (phone-auth: ${allWasm} B)`);
}
console.log('node one-provider entries test: ok');
