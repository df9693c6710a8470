// The React Native entry's TextEncoder/TextDecoder against Node's (the WHATWG Encoding
// Standard's UTF-8): the same bytes and the same strings on fixed and random input,
// including emoji, CJK, lone surrogates and every kind of ill-formed byte sequence.
// Usage: node polyfills-test.mjs <path of pkg/rn/polyfills.js>
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';

const { TextEncoderPolyfill, TextDecoderPolyfill } = await import(pathToFileURL(process.argv[2]).href);
const enc = new TextEncoderPolyfill();
const dec = new TextDecoderPolyfill('utf-8', { ignoreBOM: true });
const decBom = new TextDecoderPolyfill();
const fatal = new TextDecoderPolyfill('utf-8', { fatal: true });
const nEnc = new TextEncoder();
const nDec = new TextDecoder('utf-8', { ignoreBOM: true });
const nDecBom = new TextDecoder();
let checks = 0;

function checkString(s) {
  const want = nEnc.encode(s);
  assert.deepEqual(enc.encode(s), want, `encode ${JSON.stringify(s)}`);
  assert.equal(dec.decode(want), nDec.decode(want));
  for (const size of [0, 1, 2, 3, 5, want.length, want.length + 4]) {
    const a = new Uint8Array(size);
    const b = new Uint8Array(size);
    assert.deepEqual(enc.encodeInto(s, a), nEnc.encodeInto(s, b), `encodeInto ${JSON.stringify(s)} into ${size}`);
    assert.deepEqual(a, b);
  }
  checks++;
}

function checkBytes(bytes) {
  assert.equal(dec.decode(bytes), nDec.decode(bytes), `decode ${bytes}`);
  assert.equal(decBom.decode(bytes), nDecBom.decode(bytes), `decode with BOM ${bytes}`);
  let nativeThrows = false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (_) {
    nativeThrows = true;
  }
  if (nativeThrows) assert.throws(() => fatal.decode(bytes), TypeError);
  else assert.equal(fatal.decode(bytes), nDecBom.decode(bytes));
  checks++;
}

for (const s of ['', 'abc', 'Zoë ✓', '电话号码', '日本語', '📱👍🏽', '\ud800', '\udc00x', 'a\ud83d', '\ud83d\ude00\ud83d', '\u0000\u007f\u0080\u07ff\u0800\uffff', 'x'.repeat(20000) + '€']) {
  checkString(s);
}
for (const b of [[0xef, 0xbb, 0xbf, 0x41], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f, 0x98], [0xe2, 0x82], [0xff], [0x80, 0x41], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x41, 0x82, 0xac]]) {
  checkBytes(new Uint8Array(b));
}
// Random: strings from every plane (surrogates alone or paired) and arbitrary bytes.
let seed = 12345;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed % n;
};
const pools = [0x80, 0x800, 0x10000, 0x110000];
for (let i = 0; i < 3000; i++) {
  let s = '';
  for (let k = rnd(12); k > 0; k--) {
    const c = rnd(pools[rnd(4)]);
    s += c >= 0x10000 ? String.fromCodePoint(c) : String.fromCharCode(c);
  }
  checkString(s);
  const bytes = new Uint8Array(rnd(10));
  for (let k = 0; k < bytes.length; k++) bytes[k] = rnd(3) === 0 ? 0x80 + rnd(64) : rnd(256);
  checkBytes(bytes);
}
assert.equal(dec.decode(new Uint8Array([0x41, 0x42]).subarray(1)), 'B', 'a view with an offset');
assert.equal(dec.decode(new Uint8Array([0x41, 0x42]).buffer), 'AB', 'an ArrayBuffer');
assert.equal(dec.decode(), '', 'no input');
console.log(`polyfills: ${checks} checks passed against Node's TextEncoder/TextDecoder`);
