// The react-native entry (pkg/rn) in Node, which has a real WebAssembly: `init()` runs the
// wasm2js build, `init(bytes)` of rn/phone_auth_bg.wasm the same module as WebAssembly.
// Both must answer as the Node entry does over the phone corpus and a few tokens.
// Usage: node rn-entry-node-test.mjs <phone-cases.json> wasm2js|wasm
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as node from 'phone-auth';

const [casesPath, mode] = process.argv.slice(2);
const pkgDir = dirname(createRequire(import.meta.url).resolve('phone-auth/package.json'));
const rn = await import(join(pkgDir, 'rn/index.js'));
if (mode === 'wasm') {
  const bytes = readFileSync(join(pkgDir, 'rn/phone_auth_bg.wasm'));
  await rn.default(bytes);
} else {
  await rn.default();
}
const answer = (m, c) => {
  try {
    return m.normalizePhone(c.input, c.defaultCountry || undefined);
  } catch (e) {
    return { error: e.code, authError: e instanceof node.AuthError };
  }
};
const cases = JSON.parse(readFileSync(casesPath, 'utf8'));
for (const c of cases) assert.deepEqual(answer(rn, c), answer(node, c), `normalizePhone(${JSON.stringify(c.input)})`);
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
for (const claims of [{ sub: 'a', exp: 1700000000 }, { sub: 'Zoë ✓ 电话 📱'.repeat(20000) }]) {
  const t = `${b64({ alg: 'HS256' })}.${b64(claims)}.c2ln`;
  assert.deepEqual(rn.decodeToken(t), node.decodeToken(t));
}
assert.throws(() => rn.decodeToken('x'), (e) => e instanceof node.AuthError && e.code === 'invalid_token');
// init() with something that is not the module rejects with an AuthError, and can be retried.
const fresh = await import(join(pkgDir, 'rn/full.js'));
if (mode === 'wasm') {
  await assert.rejects(fresh.default(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9])), (e) => e instanceof node.AuthError && e.code === 'invalid_config');
  await assert.rejects(fresh.default({}), (e) => e instanceof node.AuthError && e.code === 'invalid_config');
  await fresh.default(readFileSync(join(pkgDir, 'rn/full_bg.wasm')));
} else {
  await fresh.default();
}
assert.equal(typeof fresh.AuthClient.prototype.aritaLogin, 'function', 'rn/full.js has the extra endpoints');
assert.equal(typeof rn.AuthClient.prototype.aritaLogin, 'undefined', 'rn/index.js is the sign-in build');
for (const c of cases.slice(0, 50)) assert.deepEqual(answer(fresh, c), answer(node, c));
console.log(`rn entry in Node (${mode}): ${cases.length} phones and the tokens as the Node entry answers them`);
