// The React Native entry's declarations as an RN app's TypeScript sees them (the
// `react-native` condition): the same API as the web build. Checked by rn_tests.rs with
// `tsc --strict --moduleResolution bundler --customConditions react-native`.
import init, { AuthClient, AuthError, decodeToken, normalizePhone, initSync } from 'phone-auth';
import type { Session, PhoneInfo, DecodedToken, StorageAdapter } from 'phone-auth';
import initFull, { AuthClient as FullClient } from 'phone-auth/full';

export async function main(storage: StorageAdapter): Promise<string> {
  await init();
  await initFull();
  initSync(new Uint8Array(0));
  const auth = new AuthClient({ provider: 'sso', baseUrl: 'https://api.example.com', storage, autoRefresh: false });
  auth.startAutoRefresh();
  auth.stopAutoRefresh();
  const session: Session = await auth.verify('123456');
  const phone: PhoneInfo = normalizePhone('0174 7707607', 'DE');
  const token: DecodedToken = decodeToken(session.token);
  const full = new FullClient({ provider: 'arita', baseUrl: 'https://api.example.com', storage });
  await full.aritaAccountCheck('+491747707607');
  // @ts-expect-error: not a provider
  new AuthClient({ provider: 'nope', baseUrl: 'https://api.example.com' });
  // @ts-expect-error: the sign-in build has no extra endpoints
  auth.aritaAccountCheck('+491747707607');
  const e: unknown = null;
  if (e instanceof AuthError) return e.code;
  return `${phone.e164} ${token.header.alg}`;
}
