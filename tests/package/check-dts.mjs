// The installed package's declarations: no `any` anywhere in the public surface, and
// every type the wasm module declares is exported by both entry points.
// Usage: node check-dts.mjs   (in a project with the packed package installed)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const root = 'node_modules/phone-auth';
// wasm-bindgen's own declarations of the raw module (not re-exported by the entries).
const internal = new Set(['InitInput', 'InitOutput', 'SyncInitInput', 'initSync', 'default']);
const withoutComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

// The sign-in build (`phone-auth`) and the full one (`phone-auth/full`), each with its
// browser and Node entries.
const builds = [
  { dir: 'web', entries: ['web/index.d.ts', 'node/index.d.ts'] },
  { dir: 'full', entries: ['full/index.d.ts', 'node/full.d.ts'] },
  // The one-provider builds (`phone-auth/sso`, …).
  ...['gizo', 'arita', 'monetha', 'sso'].map((p) => ({ dir: p, entries: [`${p}/index.d.ts`, `node/${p}.d.ts`] })),
];
for (const { dir, entries } of builds) {
  const generated = readFileSync(`${root}/${dir}/phone_auth.d.ts`, 'utf8');
  const publicPart = withoutComments(generated).replace(/export interface InitOutput \{[\s\S]*?\n\}/, '');
  const anys = publicPart.split('\n').filter((line) => /\bany\b/.test(line));
  assert.deepEqual(anys, [], `${dir}: public declarations use \`any\``);

  const declared = [...generated.matchAll(/^export (?:declare )?(?:type|interface|class|function|const) (\w+)/gm)]
    .map((m) => m[1])
    .filter((name) => !internal.has(name));
  assert.ok(declared.includes('AuthClientOptions') && declared.includes('AuthClient'), 'declarations found');
  for (const entry of entries) {
    const text = readFileSync(`${root}/${entry}`, 'utf8');
    assert.ok(!/export \*/.test(withoutComments(text)), `${entry} re-exports everything (including InitOutput)`);
    assert.ok(!/\bany\b/.test(withoutComments(text)), `${entry} uses \`any\``);
    const missing = declared.filter((name) => !new RegExp(`\\b${name}\\b`).test(text));
    assert.deepEqual(missing, [], `${entry} does not export every public declaration`);
  }
  console.log(`declarations (${dir}): ${declared.length} public names, no \`any\`, both entries export them all`);
}
