//! TypeScript declarations of the options, results, events and errors (no `any`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS: &'static str = r#"
/** Stable error codes (see docs/wasm.md). */
export type AuthErrorCode =
  | 'invalid_phone' | 'invalid_code' | 'code_expired' | 'too_many_attempts' | 'rate_limited'
  | 'network' | 'timeout' | 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found'
  | 'not_acceptable' | 'unsupported_media_type' | 'validation_failed' | 'server'
  | 'malformed_response' | 'invalid_token' | 'not_signed_in' | 'invalid_state'
  | 'invalid_input' | 'invalid_config' | 'storage' | 'untrusted_origin';

/** Every failure of phone-auth. `instanceof AuthError` works, also for errors of the other build or of a second copy of the package. */
export declare class AuthError extends Error {
  readonly name: 'AuthError';
  readonly code: AuthErrorCode;
  /** HTTP status, where a response caused the error. */
  readonly status: number | null;
  /** Seconds to wait before trying again (`rate_limited`). */
  readonly retryAfter: number | null;
  /** The provider's own message, verbatim. */
  readonly providerMessage: string | null;
}

/** A parsed phone number in every form the backends use. */
export interface PhoneInfo {
  e164: string;
  countryCallingCode: string;
  nationalNumber: string;
  region: string | null;
  extension: string | null;
  gizo: string;
  international: string;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A decoded (not verified) JWT; times in unix milliseconds. */
export interface DecodedToken {
  /** The JOSE header exactly as the token carries it: every member, none added. */
  header: { alg: string; typ?: string; kid?: string; [member: string]: unknown };
  claims: { [claim: string]: JsonValue };
  expiresAt: number | null;
  issuedAt: number | null;
  notBefore: number | null;
  subject: string | null;
}

/** What `aritaAccountCheck` resolves to (`accountType`: 1 username, 2 e-mail, 3 phone). */
export interface AccountCheck {
  accountType: 1 | 2 | 3 | null;
  exists: boolean;
  setPassword: boolean | null;
}

/** What `aritaUsernameInfo` (blurred) and `aritaInfo` resolve to; null where not linked. */
export interface AritaContact {
  email: string | null;
  phone: string | null;
}

/** What `ssoEmailStatus` resolves to (null where the backend sent nothing). */
export interface SsoEmailStatus {
  email: string | null;
  status: 'confirmed' | 'pending' | 'none' | (string & {}) | null;
}

/** One row of `ssoUserStatus`. */
export interface SsoUserStatus {
  user: string;
  isRegistered: boolean;
}

/** The SSO user record of `ssoGetUser` (fields as the backend sends them). */
export interface SsoUser {
  id?: number;
  [field: string]: unknown;
}

/** What `requestCode` and `resendCode` resolve to. */
export interface Challenge {
  /** E.164. */
  phone: string;
  isRegistered: boolean | null;
  /** Seconds until `resendCode` is allowed. */
  resendAfter: number;
  /** When the code expires, unix ms. */
  expiresAt: number;
  attemptsLeft: number;
}

/** A signed-in session. */
export interface Session {
  token: string;
  tokenType: 'jwt' | 'opaque';
  claims: { [claim: string]: JsonValue } | null;
  /** Local expiry (skew-proof), unix ms, or null when unknown. */
  expiresAt: number | null;
  user: JsonValue;
  provider: string;
  phone: string;
}

export type AuthEvent =
  | 'INITIAL_SESSION' | 'CODE_SENT' | 'SIGNED_IN' | 'TOKEN_REFRESHED' | 'TOKEN_EXPIRING' | 'SIGNED_OUT';

export type AuthStateListener = (event: AuthEvent, session: Session | null) => void;

/** Storage for the session; methods may return Promises (React Native's AsyncStorage). */
export interface StorageAdapter {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

export type RefreshOption =
  | { strategy: 'reverify' }
  | { strategy: 'callback'; callback: (session: Session) => Promise<{ token: string }> }
  | { strategy: 'providerNative' };

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** A declarative description of another phone-OTP API (see docs/providers.md, "Custom providers");
 * accepted by `phone-auth/full`. */
export interface CustomProviderDescription {
  name?: string;
  baseUrl?: string;
  [setting: string]: JsonValue | undefined;
}

export interface AuthClientOptions {
  provider: ProviderOption;
  /** The backend's URL, e.g. `https://api.example.com` (a path is a prefix). Must be
   * `https:` (plain `http:` only to `localhost`, `127.0.0.0/8`, `[::1]`, or with
   * `allowInsecureHttp`), with no user name, query or fragment. */
  baseUrl: string;
  /** Other origins `auth.fetch` may send the token to, e.g. `['https://api.example.com']`
   * (origins only, no path). The `baseUrl` origin, and in a page the page's own origin,
   * are always trusted; anything else is refused with `untrusted_origin`. */
  apiOrigins?: string[];
  /** Allow plain `http:` to other devices for `baseUrl`, `apiOrigins` and `auth.fetch`.
   * For development only: codes and tokens then travel in clear text. Default false. */
  allowInsecureHttp?: boolean;
  /** Region for numbers typed without `+`, e.g. `'DE'`. */
  defaultCountry?: string;
  /** Default: `'local'` where `localStorage` exists, else `'memory'`. */
  storage?: 'local' | 'session' | 'memory' | StorageAdapter;
  /** Default: `'phone-auth.<provider>'`. */
  storageKey?: string;
  /** Default: `globalThis.fetch`. */
  fetch?: FetchFunction;
  /** Per request; default 15000. */
  timeoutMs?: number;
  /** GIZO: the app's bearer token, or a function returning a fresh one. */
  appToken?: string | (() => string | Promise<string>);
  /** Monetha: the device id. */
  deviceId?: string;
  /** Arita: this device's push token, sent with `aritaLogin` (required there). */
  deviceToken?: string;
  /** SSO: the API provider's credentials for `auth`, `code`, `user` and `email`
   * (server-only: a provider secret never belongs in a browser). */
  credentials?: { type: 'bearer'; token: string } | { type: 'basic'; username: string; password: string };
  /** SSO: sent with `auth` (terms, privacy policy accepted; push token). */
  agb?: boolean;
  dataprotection?: boolean;
  pushToken?: string;
  /** Default `{ strategy: 'reverify' }`. */
  refresh?: RefreshOption;
  /** Refresh this many seconds before expiry; default 60. */
  refreshMarginSeconds?: number;
  /** Default: true where there is a `document`, else false. */
  autoRefresh?: boolean;
  /** Wait at most this long for the cross-tab refresh lock; default 5000. */
  lockTimeoutMs?: number;
  resendCooldownSeconds?: number;
  codeTtlSeconds?: number;
  maxAttempts?: number;
  opaqueTokenLifetimeSeconds?: number;
  /** GIZO admin calls (`phone-auth/full`): allow a client secret where there is a `document` (default false). */
  allowClientSecretInBrowser?: boolean;
}
"#;

/// `provider`: a description is accepted only where the custom provider is built in.
#[cfg(feature = "custom")]
#[wasm_bindgen(typescript_custom_section)]
const TS_PROVIDER: &'static str = r#"
/** A built-in backend, or a description of another one. */
export type ProviderOption = 'gizo' | 'arita' | 'monetha' | 'sso' | CustomProviderDescription;
"#;

/// `provider`: a description is accepted only where the custom provider is built in.
#[cfg(not(feature = "custom"))]
#[wasm_bindgen(typescript_custom_section)]
const TS_PROVIDER: &'static str = r#"
/** A built-in backend (a description of another one needs `phone-auth/full`). */
export type ProviderOption = 'gizo' | 'arita' | 'monetha' | 'sso';
"#;
