// Cold start in Node: a fresh process imports the library and normalises one number.
// Usage: node coldstart.mjs [--node ../pkg/node/index.js] [--runs 10]  → JSON
import { execFileSync } from 'node:child_process';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { resolve, dirname } from 'node:path';
import { args, median } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const opts = args();
const runs = Number(opts.runs ?? 10);

// Each child prints the ms from just before the import to the first result, and the ms
// since its process started (performance.timeOrigin), so Node's own boot is visible too.
const child = (importer, call) => `
const t0 = performance.now();
const m = await import(${JSON.stringify(importer)});
${call}
const t1 = performance.now();
if (r !== '+491747707607') throw new Error('wrong result ' + r);
process.stdout.write(JSON.stringify({ importToResult: t1 - t0, sinceProcessStart: t1 }));
`;

const contestants = {
  'libphonenumber-js min': child(pathToFileURL(resolve(here, 'node_modules/libphonenumber-js/min/index.js')).href,
    "const r = m.parsePhoneNumber('0174 7707607', 'DE').format('E.164');"),
  'libphonenumber-js max': child(pathToFileURL(resolve(here, 'node_modules/libphonenumber-js/max/index.js')).href,
    "const r = m.parsePhoneNumber('0174 7707607', 'DE').format('E.164');"),
};
if (opts.node) {
  contestants.normalizePhone = child(pathToFileURL(resolve(opts.node)).href,
    "if (typeof m.default === 'function') await m.default();\nconst r = m.normalizePhone('0174 7707607', 'DE').e164;");
}

const samples = Object.fromEntries(Object.keys(contestants).map((n) => [n, { importToResult: [], sinceProcessStart: [], wall: [] }]));
for (let i = 0; i < runs; i++) {
  for (const [name, src] of Object.entries(contestants)) {
    const w0 = performance.now();
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', src], { cwd: here, encoding: 'utf8' });
    const wall = performance.now() - w0;
    const j = JSON.parse(out);
    samples[name].importToResult.push(j.importToResult);
    samples[name].sinceProcessStart.push(j.sinceProcessStart);
    samples[name].wall.push(wall);
  }
}
const results = {};
for (const [name, s] of Object.entries(samples)) {
  results[name] = { importToResultMs: median(s.importToResult), sinceProcessStartMs: median(s.sinceProcessStart), processWallMs: median(s.wall), runs };
}
process.stdout.write(JSON.stringify({ results }) + '\n');
