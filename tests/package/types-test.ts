// The package's TypeScript declarations as an app sees them: `tsc --strict` must accept
// every line (the `@ts-expect-error` lines must be errors). Type-checked only, never run.
import init, {
  AuthClient,
  AuthError,
  decodeToken,
  normalizePhone,
  type AuthClientOptions,
  type AuthErrorCode,
  type AuthEvent,
  type Challenge,
  type DecodedToken,
  type PhoneInfo,
  type Session,
  type StorageAdapter,
} from 'phone-auth';
// @ts-expect-error wasm-bindgen's raw exports are not part of the package's surface.
import type { InitOutput } from 'phone-auth';
import initFull, {
  AuthClient as FullClient,
  type SsoUserStatus,
  type AccountCheck,
  type CustomProviderDescription,
} from 'phone-auth/full';
import { AuthClient as SsoClient, type Session as SsoSession } from 'phone-auth/sso';

/** `true` only for `any`. */
type IsAny<T> = 0 extends 1 & T ? true : false;
/** `true` when any element of a parameter list is `any`. */
type AnyParam<A extends unknown[]> = true extends { [I in keyof A]: IsAny<A[I]> }[number]
  ? true
  : false;
/** The members of `C` whose type, parameters or (awaited) result is `any`. */
type AnyMembers<C> = {
  [K in keyof C]-?: C[K] extends (...args: infer A) => infer R
    ? IsAny<Awaited<R>> extends true
      ? K
      : AnyParam<A> extends true
        ? K
        : never
    : IsAny<C[K]> extends true
      ? K
      : never;
}[keyof C];
const noAnyInClient: [AnyMembers<AuthClient>] extends [never] ? true : never = true;
const noAnyInError: [AnyMembers<AuthError>] extends [never] ? true : never = true;
const noAnyInSession: [AnyMembers<Session>] extends [never] ? true : never = true;
const noAnyInFullClient: [AnyMembers<FullClient>] extends [never] ? true : never = true;
const noAnyInOptions: [AnyMembers<Required<AuthClientOptions>>] extends [never] ? true : never =
  true;

export async function app(): Promise<void> {
  await init();

  const p: PhoneInfo = normalizePhone('0174 7707607', 'DE');
  const e164: string = p.e164;
  const region: string | null = p.region;
  normalizePhone('+49 174 7707607'); // the default country is optional
  // @ts-expect-error the input is a string
  normalizePhone(1747707607, 'DE');

  const d: DecodedToken = decodeToken('a.b.c');
  const expiresAt: number | null = d.expiresAt;
  const alg: string = d.header.alg;
  const typ: string | undefined = d.header.typ; // present only when the token has one
  const cty: unknown = d.header.cty; // every other member, as the token carries it
  // @ts-expect-error `kid` may be absent: no member is invented
  const kid: string = d.header.kid;

  const memory = new Map<string, string>();
  const storage: StorageAdapter = {
    getItem: async (k) => memory.get(k) ?? null,
    setItem: async (k, v) => void memory.set(k, v),
    removeItem: (k) => void memory.delete(k),
  };
  const auth = new AuthClient({
    provider: 'monetha',
    baseUrl: 'https://api.example.com',
    deviceId: 'device-1',
    storage,
    refresh: { strategy: 'callback', callback: async (s: Session) => ({ token: s.token }) },
  });
  // @ts-expect-error not a provider the package knows
  new AuthClient({ provider: 'firebase', baseUrl: 'https://x' });
  // @ts-expect-error `baseUrl` is required
  new AuthClient({ provider: 'sso' });
  // @ts-expect-error the callback must resolve to `{ token }`
  new AuthClient({ provider: 'sso', baseUrl: 'x', refresh: { strategy: 'callback', callback: async () => 'token' } });

  const off: () => void = auth.onAuthStateChange((event, session) => {
    const e: AuthEvent = event;
    const token: string | undefined = session?.token;
    // @ts-expect-error not an event the client emits
    if (event === 'SIGNED_UP') return;
    void e;
    void token;
  });

  try {
    const c: Challenge = await auth.requestCode('+49 174 7707607');
    const wait: number = c.resendAfter;
    const s: Session = await auth.verify('482135');
    const kind: 'jwt' | 'opaque' = s.tokenType;
    const token: string = await auth.getToken();
    const current: Session | null = await auth.getSession();
    const res: Response = await auth.fetch('/api/me'); // `init` is optional
    await auth.fetch(new URL('https://api.example.com/me'), { method: 'POST' });
    await auth.signOut();
    void [wait, kind, token, current, res];
  } catch (e) {
    if (e instanceof AuthError) {
      const code: AuthErrorCode = e.code;
      const retryAfter: number | null = e.retryAfter;
      const status: number | null = e.status;
      // @ts-expect-error not a code of the package
      if (code === 'quota_exceeded') return;
      void [retryAfter, status];
    }
  }
  off();

  // `phone-auth/full`: the extra endpoints and custom providers; the sign-in build has neither.
  await initFull();
  const described: CustomProviderDescription = {
    name: 'acme',
    requestCode: { path: '/otp' },
    verify: { path: '/login', body: { code: '{{code}}' } },
    tokenPointer: '/jwt',
  };
  const full = new FullClient({ provider: described, baseUrl: 'https://api.example.com' });
  const rows: SsoUserStatus[] = await full.ssoUserStatus(['+491747707607']);
  const check: AccountCheck = await full.aritaAccountCheck('+491747707607');
  // @ts-expect-error the sign-in build has no extra endpoints
  await auth.ssoUserStatus(['+491747707607']);
  // @ts-expect-error the sign-in build takes no description
  new AuthClient({ provider: described, baseUrl: 'https://api.example.com' });
  void [rows, check, noAnyInFullClient];

  // `phone-auth/sso` (one provider): the sign-in build's API.
  const sso = new SsoClient({ provider: 'sso', baseUrl: 'https://sso.example.com' });
  const ssoSession: SsoSession = await sso.verify('482135');
  // @ts-expect-error a one-provider build has no extra endpoints either
  await sso.ssoUserStatus(['+491747707607']);
  void ssoSession;
  void [e164, region, expiresAt, alg, typ, cty, kid, noAnyInClient, noAnyInError, noAnyInSession];
  void noAnyInOptions;
  const raw: InitOutput | undefined = undefined;
  void raw;
}
