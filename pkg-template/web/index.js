// phone-auth {{VERSION}}: the browser (and React Native, Deno, bundler) entry.
import wbgInit, { initSync as wbgInitSync, AuthClient, decodeToken as rustDecodeToken } from './phone_auth.js';
import { guardFreed, withFastPath } from '{{RUNTIME}}';

export { AuthClient, normalizePhone } from './phone_auth.js';
export { AuthError } from '{{RUNTIME}}';

/**
 * Decodes a JWT for display and timing (no signature check); throws an `AuthError`
 * (`invalid_token`) for anything that is not one. Decided by the Rust decoder, except
 * where JavaScript's own decoding provably gives the same (`decodeFast` in runtime.js).
 */
export const decodeToken = withFastPath(rustDecodeToken);

// A call on a freed client is the AuthError `invalid_state`, as on a disposed one.
guardFreed(AuthClient);

let ready;

/**
 * Loads the WebAssembly module. Idempotent: every call after the first returns the same
 * promise. `input` is optional: a URL, `Response`, `BufferSource` or `WebAssembly.Module`
 * (default: `phone_auth_bg.wasm` next to this file).
 */
export default function init(input) {
  if (!ready) {
    const arg = input === undefined ? undefined : { module_or_path: input };
    ready = wbgInit(arg).then(
      () => undefined,
      (e) => {
        ready = undefined;
        throw e;
      },
    );
  }
  return ready;
}

/** Instantiates the module synchronously from its bytes or a `WebAssembly.Module`. */
export function initSync(module) {
  wbgInitSync({ module });
  ready = ready || Promise.resolve();
}
