// phone-auth {{VERSION}}: what the React Native entry needs from the runtime and Hermes may
// lack, each installed on `globalThis` only where it is missing (an app's own polyfill,
// or the engine's, always wins). Imported by `index.js` before the wasm-bindgen glue,
// which makes a `TextDecoder` as soon as it is evaluated.
//
// - `TextEncoder` / `TextDecoder`: UTF-8 only (all this package, and most apps, need), as
//   the WHATWG Encoding Standard defines it: lone surrogates encode as U+FFFD, and every
//   ill-formed byte sequence decodes to one U+FFFD per maximal subpart (or throws a
//   `TypeError` with `fatal: true`); `encodeInto` writes only whole characters.
//   `decode(…, { stream: true })` is not supported (a `TypeError`).
// - `queueMicrotask`: through a resolved Promise.
// - `Symbol.dispose`: `Symbol.for('Symbol.dispose')`, the symbol Babel's and TypeScript's
//   `using` helpers fall back to, so `using auth = new AuthClient(…)` works when compiled.
//
// Not polyfilled, because the package does without them: `AbortController` (a request
// that times out is abandoned instead of aborted), `BroadcastChannel` and `navigator.locks`
// (one JS context per app: nothing to coordinate with), `FinalizationRegistry` and
// `WeakRef` (call `auth.free()` / `dispose()` when a client is no longer needed; an app
// usually keeps one client for its lifetime).

const REPLACEMENT = 0xfffd;

function TextEncoderPolyfill() {}
TextEncoderPolyfill.prototype.encoding = 'utf-8';

/** UTF-8 of `s` into `out` from 0; returns `[code units read, bytes written]`. */
function encodeTo(s, out) {
  const n = s.length;
  const cap = out.length;
  let w = 0;
  let i = 0;
  for (; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if (w >= cap) break;
      out[w++] = c;
      continue;
    }
    let units = 1;
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        units = 2;
      } else {
        c = REPLACEMENT; // a lone surrogate
      }
    }
    if (c < 0x800) {
      if (w + 2 > cap) break;
      out[w++] = 0xc0 | (c >> 6);
      out[w++] = 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      if (w + 3 > cap) break;
      out[w++] = 0xe0 | (c >> 12);
      out[w++] = 0x80 | ((c >> 6) & 0x3f);
      out[w++] = 0x80 | (c & 0x3f);
    } else {
      if (w + 4 > cap) break;
      out[w++] = 0xf0 | (c >> 18);
      out[w++] = 0x80 | ((c >> 12) & 0x3f);
      out[w++] = 0x80 | ((c >> 6) & 0x3f);
      out[w++] = 0x80 | (c & 0x3f);
    }
    i += units - 1;
  }
  return [i, w];
}

TextEncoderPolyfill.prototype.encode = function encode(input) {
  const s = input === undefined ? '' : String(input);
  const buf = new Uint8Array(s.length * 3);
  const r = encodeTo(s, buf);
  return buf.slice(0, r[1]);
};

TextEncoderPolyfill.prototype.encodeInto = function encodeInto(input, dest) {
  const r = encodeTo(String(input), dest);
  return { read: r[0], written: r[1] };
};

function TextDecoderPolyfill(label, options) {
  const l = label === undefined ? 'utf-8' : String(label).trim().toLowerCase();
  if (l !== 'utf-8' && l !== 'utf8' && l !== 'unicode-1-1-utf-8') {
    throw new RangeError(`TextDecoder: only UTF-8 is supported here, not "${label}".`);
  }
  this.fatal = !!(options && options.fatal);
  this.ignoreBOM = !!(options && options.ignoreBOM);
}
TextDecoderPolyfill.prototype.encoding = 'utf-8';

function bytesOf(input) {
  if (input === undefined || input === null) return new Uint8Array(0);
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError('TextDecoder.decode: the input must be an ArrayBuffer or a view of one.');
}

/** The WHATWG UTF-8 decoder, with its replacement rules. */
TextDecoderPolyfill.prototype.decode = function decode(input, options) {
  if (options && options.stream) {
    throw new TypeError('TextDecoder: { stream: true } is not supported by this polyfill.');
  }
  const b = bytesOf(input);
  const n = b.length;
  let i = 0;
  if (!this.ignoreBOM && n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3;
  const fatal = this.fatal;
  let out = '';
  const units = [];
  const bad = () => {
    if (fatal) throw new TypeError('TextDecoder: the data is not valid UTF-8.');
    units.push(REPLACEMENT);
  };
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      units.push(c);
      i++;
    } else {
      let need;
      let cp;
      let lo = 0x80;
      let hi = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        cp = c & 0x1f;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        cp = c & 0xf;
        if (c === 0xe0) lo = 0xa0;
        if (c === 0xed) hi = 0x9f;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        cp = c & 0x7;
        if (c === 0xf0) lo = 0x90;
        if (c === 0xf4) hi = 0x8f;
      } else {
        bad();
        i++;
        need = 0;
      }
      if (need > 0) {
        i++;
        let ok = true;
        for (let k = 0; k < need; k++) {
          const d = i < n ? b[i] : -1;
          if (d < lo || d > hi) {
            ok = false; // the byte is not consumed: it starts the next sequence
            break;
          }
          lo = 0x80;
          hi = 0xbf;
          cp = (cp << 6) | (d & 0x3f);
          i++;
        }
        if (!ok) {
          bad();
        } else if (cp >= 0x10000) {
          cp -= 0x10000;
          units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
        } else {
          units.push(cp);
        }
      }
    }
    if (units.length >= 8192) {
      out += String.fromCharCode.apply(null, units);
      units.length = 0;
    }
  }
  return units.length ? out + String.fromCharCode.apply(null, units) : out;
};

const g = globalThis;
if (typeof g.TextEncoder !== 'function') g.TextEncoder = TextEncoderPolyfill;
if (typeof g.TextDecoder !== 'function') g.TextDecoder = TextDecoderPolyfill;
if (typeof g.queueMicrotask !== 'function') {
  g.queueMicrotask = (f) => {
    Promise.resolve()
      .then(f)
      .catch((e) =>
        (g.setTimeout || ((h) => h()))(() => {
          throw e;
        }),
      );
  };
}
if (typeof Symbol === 'function' && typeof Symbol.dispose !== 'symbol') {
  try {
    Object.defineProperty(Symbol, 'dispose', { value: Symbol.for('Symbol.dispose') });
  } catch (_) {
    /* a frozen Symbol: `using` is then unavailable, nothing else changes */
  }
}

export { TextEncoderPolyfill, TextDecoderPolyfill };
