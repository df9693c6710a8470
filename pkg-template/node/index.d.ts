// phone-auth {{VERSION}}
// The public surface, named (not `export *`: the generated module also declares
// wasm-bindgen's raw `InitOutput` exports, which are not part of the API).
export { AuthClient, AuthError, decodeToken, normalizePhone } from '../web/phone_auth.js';
export type { AuthErrorCode, PhoneInfo, JsonValue, DecodedToken, AccountCheck,
  AritaContact, SsoEmailStatus, SsoUserStatus, SsoUser, Challenge, Session, AuthEvent,
  AuthStateListener, StorageAdapter, RefreshOption, FetchFunction,
  CustomProviderDescription, ProviderOption, AuthClientOptions,
} from '../web/phone_auth.js';

/** A no-op in Node (the module is ready at import); returns a resolved promise. */
export default function init(input?: unknown): Promise<void>;

/** A no-op in Node. */
export function initSync(module?: unknown): void;
