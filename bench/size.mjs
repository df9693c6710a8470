// Package sizes: our browser build vs esbuild bundles (minified ESM, browser) of the peers.
// Usage: node size.mjs --web ../pkg/web [--full ../pkg/full] [--one ../pkg/gizo,../pkg/sso,…]
//   → JSON on stdout
import { build } from 'esbuild';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { args, sizes, addSizes } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const opts = args();

async function bundle(options) {
  const out = await build({
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2020',
    write: false, outdir: join(here, 'out'), logLevel: 'silent', absWorkingDir: here, ...options,
  });
  return Buffer.concat(out.outputFiles.filter((f) => f.path.endsWith('.js')).map((f) => Buffer.from(f.contents)));
}

const peers = [
  ['@supabase/auth-js (GoTrueClient: OTP, session, events)', 'supabase.js'],
  ['firebase 12 auth (phone sign-in, reCAPTCHA, token events)', 'firebase.js'],
  ['libphonenumber-js min (parse + format)', 'lpn-min.js'],
  ['libphonenumber-js max (parse + format)', 'lpn-max.js'],
  ['jwt-decode', 'jwt-decode.js'],
  ['jose decodeJwt', 'jose.js'],
];

const result = { peers: {}, ours: null };
for (const [name, file] of peers) {
  result.peers[file.replace(/\.js$/, '')] = { name, ...sizes(await bundle({ entryPoints: [join(here, 'entries', file)] })) };
}

// The whole SDK, as an app that imports the package gets it: the glue minified by the
// app's bundler, the .wasm fetched beside it.
async function ours(dir) {
  const web = resolve(dir);
  const entry = join(web, 'index.js');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist`);
  const glue = await bundle({
    stdin: { contents: `export * from ${JSON.stringify(entry)}; export { default } from ${JSON.stringify(entry)};`, resolveDir: web, loader: 'js' },
    external: ['*.wasm'],
  });
  const wasmFiles = readdirSync(web, { recursive: true }).filter((f) => String(f).endsWith('.wasm'));
  let wasm = { raw: 0, gzip: 0, brotli: 0 };
  for (const f of wasmFiles) wasm = addSizes(wasm, sizes(readFileSync(join(web, String(f)))));
  const shippedJs = readdirSync(web, { recursive: true }).filter((f) => String(f).endsWith('.js'));
  let asShipped = { raw: 0, gzip: 0, brotli: 0 };
  for (const f of shippedJs) asShipped = addSizes(asShipped, sizes(readFileSync(join(web, String(f)))));
  asShipped = addSizes(asShipped, wasm);
  return { glue: sizes(glue), wasm, total: addSizes(sizes(glue), wasm), asShipped, wasmFiles: wasmFiles.map(String) };
}

// `--web`: `phone-auth` (the sign-in build); `--full`: `phone-auth/full`; `--one`: the
// one-provider builds (`phone-auth/gizo`, …), keyed by their directory's name.
if (opts.web) result.ours = await ours(opts.web);
if (opts.full) result.full = await ours(opts.full);
if (typeof opts.one === 'string') {
  result.one = {};
  for (const dir of opts.one.split(',').filter(Boolean)) {
    result.one[dir.split(/[\\/]/).filter(Boolean).pop()] = await ours(dir);
  }
}

process.stdout.write(JSON.stringify(result) + '\n');
