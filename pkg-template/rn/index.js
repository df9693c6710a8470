// phone-auth {{VERSION}}: the React Native entry (Hermes, JavaScriptCore; any runtime without
// WebAssembly). The Rust client is the same as the web build's, compiled for the
// WebAssembly MVP and turned into JavaScript by binaryen's wasm2js, so nothing is fetched
// and no `WebAssembly` is needed. Where a real `WebAssembly` exists, `init(bytes)` with the
// bytes of `phone-auth/rn/phone_auth_bg.wasm` (`phone-auth/rn/full_bg.wasm` for
// `phone-auth/full`) runs that same module natively instead.
import './polyfills.js'; // first: the glue below makes a TextDecoder when it is evaluated
import * as bg from './phone_auth_bg.js';
import * as runtime from '{{RUNTIME}}';
import { instantiate } from './phone_auth_asm.js';

export { AuthClient, normalizePhone } from './phone_auth_bg.js';
export { AuthError } from '{{RUNTIME}}';

/**
 * Decodes a JWT (no signature check); the Rust decoder decides, except where the
 * runtime's own `atob` and `JSON.parse` provably give the same (`decodeFast` in
 * runtime.js; Hermes without `atob` always takes the Rust decoder).
 */
export const decodeToken = runtime.withFastPath(bg.decodeToken);

// A call on a freed client is the AuthError `invalid_state`, as in the web and Node entries
// (where the runtime has the guard).
if (typeof runtime.guardFreed === 'function') runtime.guardFreed(bg.AuthClient);

let ready;

function start(exports) {
  bg.__wbg_set_wasm(exports);
  if (typeof exports.__wbindgen_start === 'function') exports.__wbindgen_start();
}

function hasWasm() {
  return typeof WebAssembly === 'object' && WebAssembly !== null && typeof WebAssembly.instantiate === 'function';
}

/**
 * The module's imports (the same the wasm2js build gets): all from the glue, none straight
 * from `runtime.js` (the build refuses such an import; see xtask/src/pkg/imports.rs).
 */
function imports() {
  return { './phone_auth_bg.js': bg };
}

/** `input` as something `WebAssembly.instantiate` takes (bytes or a module). */
async function wasmSource(input) {
  const v = await input;
  if (hasWasm() && v instanceof WebAssembly.Module) return v;
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return v;
  if (v && typeof v.arrayBuffer === 'function') return v.arrayBuffer(); // a Response
  throw new runtime.AuthError('invalid_config', 'init(): pass nothing, the bytes of phone_auth_bg.wasm, or a WebAssembly.Module');
}

/**
 * Makes the module ready. Idempotent: every call after the first returns the same promise.
 * With no argument (what an app usually writes) the JavaScript build of the module is
 * used. With the bytes of `phone-auth/rn/phone_auth_bg.wasm` (`full_bg.wasm` for
 * `phone-auth/full`), or a `WebAssembly.Module` of them, and a runtime that has
 * `WebAssembly`, the same module runs as WebAssembly; without `WebAssembly` the argument is
 * ignored and the JavaScript build is used. Rejects only with an `AuthError`
 * (`invalid_config` for an argument that is not that module).
 */
export default function init(input) {
  if (!ready) {
    const work =
      input !== undefined && input !== null && hasWasm()
        ? wasmSource(input)
            .then((src) => WebAssembly.instantiate(src, imports()))
            .then((r) => start((r.instance || r).exports))
        : Promise.resolve().then(() => start(instantiate()));
    ready = work.then(
      () => undefined,
      (e) => {
        ready = undefined;
        throw runtime.toAuthError(e, 'invalid_config');
      },
    );
  }
  return ready;
}

/** `init` done synchronously: no argument for the JavaScript build, else bytes or a module. */
export function initSync(module) {
  if (ready) return;
  if (module !== undefined && module !== null && hasWasm()) {
    const m = module instanceof WebAssembly.Module ? module : new WebAssembly.Module(module);
    start(new WebAssembly.Instance(m, imports()).exports);
  } else {
    start(instantiate());
  }
  ready = Promise.resolve();
}
