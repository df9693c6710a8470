// Inputs of the Hermes bench: the same deterministic phones and tokens as bench/ (the Node
// throughput bench), the first `n` of each, with libphonenumber-js max (this directory's,
// the version bench/ pins) as the oracle.
// Usage: node bench-inputs.mjs <bench/ dir> <out.json> <n>
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [benchDir, out, n] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const { isValidPhoneNumber } = require('libphonenumber-js/max');
const { phoneInputs, tokens } = await import(pathToFileURL(join(benchDir, 'inputs.mjs')).href);
const phones = phoneInputs((e) => isValidPhoneNumber(e)).slice(0, Number(n));
writeFileSync(out, JSON.stringify({ phones, tokens: tokens(Number(n)) }));
