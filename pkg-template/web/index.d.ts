// phone-auth {{VERSION}}
// The public surface, named (not `export *`: the generated module also declares
// wasm-bindgen's raw `InitOutput` exports, which are not part of the API).
export { AuthClient, AuthError, decodeToken, normalizePhone } from './phone_auth.js';
export type { AuthErrorCode, PhoneInfo, JsonValue, DecodedToken, AccountCheck,
  AritaContact, SsoEmailStatus, SsoUserStatus, SsoUser, Challenge, Session, AuthEvent,
  AuthStateListener, StorageAdapter, RefreshOption, FetchFunction,
  CustomProviderDescription, ProviderOption, AuthClientOptions,
} from './phone_auth.js';

/** What `init` accepts: where or what the `.wasm` is (default: next to this file). */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** Loads the WebAssembly module; idempotent (later calls return the same promise). */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/** Instantiates the module synchronously from its bytes or a compiled module. */
export function initSync(module: BufferSource | WebAssembly.Module): void;
