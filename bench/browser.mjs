// Cold start in headless Chromium: navigation to the first normalised number, fresh context
// (empty cache) each run, vs an esbuild bundle of libphonenumber-js (min).
// Usage: node browser.mjs [--web ../pkg/web] [--runs 10] [--chromium /usr/bin/chromium]  → JSON
import { chromium } from 'playwright-core';
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { resolve, join, dirname, extname, normalize } from 'node:path';
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
const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.json': 'application/json' };

const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  try {
    let body;
    if (pages[path]) body = pages[path];
    else if (path === '/lpn.js') body = lpnBundle;
    else if (web && path.startsWith('/pkg/')) {
      const file = normalize(join(web, path.slice(5)));
      if (!file.startsWith(web)) throw new Error('outside');
      body = await readFile(file);
    } else throw new Error('not found');
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: opts.chromium ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const contestants = { 'libphonenumber-js min (esbuild bundle)': '/lpn.html' };
if (web) contestants.normalizePhone = '/ours.html';
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
  server.close();
}
const results = {};
for (const [name, s] of Object.entries(samples)) results[name] = { navigationToResultMs: median(s), runs: s.length };
process.stdout.write(JSON.stringify({ results, chromium: browser.version() }) + '\n');
