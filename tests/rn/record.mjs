// Node half of the React Native test: runs scenario.js with the Node entry of the installed
// package against the real emulator (its URL: argv[2]), recording every HTTP exchange and
// every backend-free answer into recording.json, which the Hermes half replays and compares.
// Usage: node record.mjs <emulator URL> <phone-cases.json> <out recording.json>
import { readFileSync, writeFileSync } from 'node:fs';
import { run } from './scenario.js';

const [base, casesPath, out] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(casesPath, 'utf8')).map((c) => ({ input: c.input, defaultCountry: c.defaultCountry }));
const text = (b) => (b == null ? null : typeof b === 'string' ? b : new TextDecoder().decode(b));
const exchanges = [];
const fetch = async (url, init = {}) => {
  const res = await globalThis.fetch(url, init);
  const body = await res.text();
  const headers = [];
  res.headers.forEach((v, k) => headers.push([k, v]));
  exchanges.push({
    method: init.method || 'GET',
    path: url.startsWith(base) ? url.slice(base.length) : url,
    body: text(init.body),
    status: res.status,
    headers,
    response: body,
  });
  const empty = res.status === 204 || res.status === 304;
  return new Response(empty ? null : body, { status: res.status, headers });
};
const { t, answers } = await run({ base, fetch, cases, log: console.log });
console.log(`node: ${t.passed} passed, ${t.failed} failed, ${exchanges.length} exchanges recorded`);
if (t.failed) process.exit(1);
writeFileSync(out, JSON.stringify({ base, cases, answers, exchanges }));
