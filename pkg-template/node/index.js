// phone-auth {{VERSION}}: the Node entry (ESM; `full.js`, the same pointed at `../full/`, is
// `phone-auth/full`). The module is instantiated synchronously at import from the `.wasm`
// of the browser build, so `init()` is optional here.
import { readFileSync } from 'node:fs';
import { initSync as webInitSync } from '../web/index.js';

webInitSync(readFileSync(new URL('../web/phone_auth_bg.wasm', import.meta.url)));

export { AuthClient, AuthError, normalizePhone, decodeToken } from '../web/index.js';

/** Already done at import; kept so code shared with the browser can `await init()`. */
export default function init() {
  return Promise.resolve();
}

/** Already done at import; a no-op. */
export function initSync() {}
