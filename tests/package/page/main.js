// A tiny page that imports the package through Vite; `?api=<emulator>` signs in too.
import init, { AuthClient, AuthError, normalizePhone } from 'phone-auth';

const out = document.getElementById('out');
const api = new URLSearchParams(location.search).get('api');

async function main() {
  await init();
  const lines = [`e164 ${normalizePhone('0174 7707607', 'DE').e164}`];
  try {
    normalizePhone('nope', 'DE');
  } catch (e) {
    lines.push(`error ${e instanceof AuthError} ${e.code}`);
  }
  if (api) {
    const auth = new AuthClient({ provider: 'monetha', baseUrl: api, deviceId: 'vite-page', storage: 'session' });
    await auth.requestCode('+49 170 5550109');
    const s = await auth.verify('482135');
    lines.push(`signed in ${s.provider} ${s.phone} ${s.tokenType}`);
    await auth.signOut();
  }
  lines.push('done');
  out.textContent = lines.join('\n');
}

main().catch((e) => {
  out.textContent = `failed: ${e && e.code} ${e && e.message}`;
});
