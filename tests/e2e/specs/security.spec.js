// The token in Chromium: only to trusted origins, and not across a redirect to another
// origin. Two loopback servers beside the emulator: one trusted (in `apiOrigins`) that
// redirects to the other, which records whether a bearer token arrived.
import http from 'node:http';
import { test, expect } from '../fixtures.js';

/** A loopback server with open CORS that records every request's Authorization header. */
async function server(handler) {
  const seen = [];
  const s = http.createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type');
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    seen.push({ path: req.url, auth: req.headers.authorization ?? null });
    handler(req, res);
  });
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${s.address().port}`, seen, close: () => new Promise((r) => s.close(r)) };
}

test('auth.fetch: the token to trusted origins only, and not across a redirect', async ({ page, emulator }) => {
  const other = await server((req, res) => res.end('landed'));
  const trusted = await server((req, res) => {
    if (req.url === '/go') {
      res.writeHead(302, { location: `${other.origin}/landed` });
      res.end();
    } else res.end('ok');
  });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  try {
    await page.goto(`${emulator.url}/`);
    const out = await page.evaluate(async ({ api, otherOrigin }) => {
      const m = await import('/pkg/web/index.js');
      await m.default();
      const auth = new m.AuthClient({ provider: 'sso', baseUrl: location.origin, storage: 'memory', apiOrigins: [api] });
      await auth.requestCode('+49 151 23456789');
      const sms = await (await fetch('/__emulator/sms?e164=%2B4915123456789')).json();
      await auth.verify(sms[0].code);
      const result = {};
      result.relative = (await auth.fetch('/sso/user')).status;
      result.trusted = await (await auth.fetch(`${api}/ok`)).text();
      const redirected = await auth.fetch(`${api}/go`);
      result.redirected = [redirected.status, await redirected.text()];
      result.refused = [];
      for (const url of ['https://evil.example/steal', `${otherOrigin}/x`, '//evil.example/x', '/\\evil.example/x',
        `http://localhost:${location.port}/sso/user`]) {
        try {
          await auth.fetch(url);
          result.refused.push(`${url}: sent`);
        } catch (e) {
          result.refused.push(e instanceof m.AuthError ? e.code : String(e));
        }
      }
      result.token = await auth.getToken();
      auth.dispose();
      return result;
    }, { api: trusted.origin, otherOrigin: other.origin });

    expect(out.relative).toBe(200);
    expect(out.trusted).toBe('ok');
    expect(trusted.seen.find((s) => s.path === '/ok').auth).toBe(`Bearer ${out.token}`);
    expect(trusted.seen.find((s) => s.path === '/go').auth).toBe(`Bearer ${out.token}`);
    // Chromium followed the redirect to the other origin, without the token.
    expect(out.redirected).toEqual([200, 'landed']);
    expect(other.seen).toEqual([{ path: '/landed', auth: null }]);
    expect(out.refused).toEqual(Array(5).fill('untrusted_origin'));
    // Nothing left the page for the refused URLs.
    expect(requests.filter((u) => u.includes('evil.example') || u.endsWith('/x'))).toEqual([]);
  } finally {
    await other.close();
    await trusted.close();
  }
});
