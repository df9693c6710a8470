// Cold start in headless Chromium: navigation to the first normalised number, fresh context
// (empty cache) each run, vs an esbuild bundle of libphonenumber-js (min).
// Usage: node browser.mjs [--web ../pkg/web] [--runs 10] [--chromium /usr/bin/chromium]  → JSON
import { chromium } from 'playwright-core';
import { build } from 'esbuild';
import { Worker } from 'node:worker_threads';
import { resolve, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { args, median } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const opts = args();
const runs = Number(opts.runs ?? 10);
const web = opts.web ? resolve(opts.web) : null;

const lpnBundle = (await build({
  entryPoints: [join(here, 'entries/lpn-min.js')], bundle: true, minify: true, format: 'esm',
  platform: 'browser', target: 'es2020', write: false, logLevel: 'silent',
})).outputFiles[0].contents;

const report = 'window.__result = { r, t: performance.now() };';
const pages = {
  '/lpn.html': `<!doctype html><script type="module">
import { normalize } from '/lpn.js';
const r = normalize('0174 7707607', 'DE');
${report}</script>`,
  '/ours.html': `<!doctype html><script type="module">
import init, { normalizePhone } from '/pkg/index.js';
await init();
const r = normalizePhone('0174 7707607', 'DE').e164;
${report}</script>`,
};
// The same page with the .wasm download started beside the JavaScript's, as docs/wasm.md
// recommends and the demo does (reported on its own row; the target row is the plain one).
pages['/ours-preload.html'] = pages['/ours.html'].replace(
  '<script',
  '<link rel="preload" href="/pkg/phone_auth_bg.wasm" as="fetch" crossorigin><script',
);
// The server runs in its own thread: see serve.mjs.
const server = new Worker(new URL('./serve.mjs', import.meta.url), {
  workerData: { pages, files: { '/lpn.js': lpnBundle }, dir: web },
});
const port = await new Promise((ok, fail) => { server.once('message', ok); server.once('error', fail); });
const base = `http://127.0.0.1:${port}`;

const browser = await chromium.launch({
  executablePath: opts.chromium ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const contestants = { 'libphonenumber-js min (esbuild bundle)': '/lpn.html' };
if (web) {
  contestants.normalizePhone = '/ours.html';
  contestants['normalizePhone, .wasm preloaded'] = '/ours-preload.html';
}
const samples = Object.fromEntries(Object.keys(contestants).map((n) => [n, []]));
try {
  for (let i = 0; i < runs + 1; i++) {
    for (const [name, path] of Object.entries(contestants)) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(base + path);
      const handle = await page.waitForFunction(() => window.__result, null, { timeout: 15000 }).catch(() => null);
      const result = handle ? await handle.jsonValue() : null;
      await context.close();
      if (!result || result.r !== '+491747707607') throw new Error(`${name}: no result (${errors.join('; ')})`);
      if (i > 0) samples[name].push(result.t); // the first round warms Chromium itself
    }
  }
} finally {
  await browser.close();
  await server.terminate();
}
const results = {};
for (const [name, s] of Object.entries(samples)) results[name] = { navigationToResultMs: median(s), runs: s.length };
process.stdout.write(JSON.stringify({ results, chromium: browser.version() }) + '\n');
