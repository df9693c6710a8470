// The part of the demo that plays "your app's server".
//
// None of the four APIs has a refresh-token endpoint, so the SDK refreshes through a
// strategy. What a real app does, per provider:
//
// - GIZO: the app's backend keeps the company's clientId/clientSecret, gets the admin
//   token from `POST /api/v1/company/access-token` and mints a fresh user token with
//   `POST /api/v2/User/client-token`. The browser calls *your* backend (say
//   `POST /session/refresh` with its current token); the SDK's `refresh: { strategy:
//   'callback' }` is that call. The same backend hands the browser the app token that
//   GIZO's Method 1 calls need (the SDK's `appToken` option as an async function).
// - Arita, Monetha, SSO: no way to mint a token without the user, so the demo uses
//   `{ strategy: 'reverify' }`: the SDK announces TOKEN_EXPIRING and the page asks the
//   person to sign in again.
//
// The demo has no backend of its own, so this module does the backend's calls from the
// page against the emulator, with the emulator's public development credentials. Never
// put a real client secret in a browser: anyone can read it from the page.

const DEV_CLIENT_ID = 'demo-client';
const DEV_CLIENT_SECRET = 'demo-secret';

let adminToken = null; // { token, until }

async function postJson(url, body, bearer) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`demo backend: HTTP ${res.status} from ${new URL(url).pathname}`);
  const json = await res.json();
  if (typeof json?.token !== 'string') throw new Error('demo backend: no token in the answer');
  return json.token;
}

function expiryOf(jwt) {
  try {
    const payload = JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.exp === 'number' ? payload.exp * 1000 : Date.now() + 60_000;
  } catch {
    return Date.now() + 60_000;
  }
}

/** GIZO's company (admin/app) token, cached until shortly before it expires. */
export async function gizoAppToken(baseUrl) {
  if (adminToken && adminToken.until - 10_000 > Date.now()) return adminToken.token;
  const token = await postJson(`${baseUrl}/api/v1/company/access-token`, {
    clientId: DEV_CLIENT_ID,
    clientSecret: DEV_CLIENT_SECRET,
  });
  adminToken = { token, until: expiryOf(token) };
  return token;
}

/** GIZO refresh as a backend does it: a fresh user token from `client-token`. */
export async function gizoRefresh(baseUrl, session) {
  const sub = session?.claims?.sub ?? session?.user?.id;
  if (sub == null) throw new Error('demo backend: the session names no user');
  const userId = /^\d+$/.test(String(sub)) ? Number(sub) : sub;
  const admin = await gizoAppToken(baseUrl);
  return { token: await postJson(`${baseUrl}/api/v2/User/client-token`, { userId }, admin) };
}

/** The SDK options that differ per provider. */
export function providerOptions(provider, baseUrl) {
  if (provider === 'gizo') {
    return {
      appToken: () => gizoAppToken(baseUrl),
      refresh: { strategy: 'callback', callback: (session) => gizoRefresh(baseUrl, session) },
    };
  }
  return { refresh: { strategy: 'reverify' } };
}

/** Whether the page can refresh this provider's token without the person. */
export function canRefresh(provider) {
  return provider === 'gizo';
}
