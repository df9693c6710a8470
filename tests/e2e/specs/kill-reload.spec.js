// Issue 8: nothing is half-written to storage. The renderer is killed in the middle of a
// token refresh (request in flight, or just after the answer arrived while the SDK stores
// it); a reload then shows either the old or the new session, whole.
import { test, expect, signIn } from '../fixtures.js';

const CLIENT_TOKEN = '**/api/v2/User/client-token';

async function crash(page) {
  const cdp = await page.context().newCDPSession(page);
  // Page.crash never answers: the renderer is gone.
  cdp.send('Page.crash').catch(() => {});
  await page.waitForEvent('crash', { timeout: 10_000 });
}

/** The restored session, checked for internal consistency (claims belong to the token). */
async function restored(context, url) {
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await expect(page.getByRole('heading', { name: 'Signed in' })).toBeVisible();
  const s = await page.evaluate(async () => {
    const session = await window.demo.auth.getSession();
    const decoded = window.demo.sdk.decodeToken(session.token);
    return { token: session.token, claims: session.claims, decodedClaims: decoded.claims, phone: session.phone };
  });
  expect(s.claims).toEqual(s.decodedClaims);
  return { page, ...s };
}

// When the crash comes after the answer arrived: 0 ms lands inside the SDK's handling.
for (const afterMs of [null, 0, 5, 25]) {
  const when = afterMs === null ? 'while the refresh request is in flight' : `${afterMs} ms after the refresh answer`;
  test(`kill and reload ${when} keeps the old or the new session`, async ({ context, emulator }) => {
    const page = await context.newPage();
    await signIn(page, emulator.url, 'gizo');
    const old = await page.evaluate(() => window.demo.auth.getToken());
    let fresh = null;
    let answered;
    const answeredP = new Promise((r) => { answered = r; });
    await page.route(CLIENT_TOKEN, async (route) => {
      if (afterMs === null) {
        answered();
        return; // never answered: the refresh is still in flight when the page dies
      }
      const response = await route.fetch();
      fresh = (await response.json()).token;
      await route.fulfill({ response });
      answered();
    });
    await page.getByRole('button', { name: 'Refresh token' }).click();
    await answeredP;
    if (afterMs) await new Promise((r) => setTimeout(r, afterMs));
    await crash(page);

    const after = await restored(context, emulator.url);
    const allowed = fresh ? [old, fresh] : [old];
    expect(allowed).toContain(after.token);
    expect(after.phone).toBe('+491747707607');
    // The restored session works: it can be refreshed again (in a later second, so the
    // new token differs).
    await after.page.waitForTimeout(1100);
    await after.page.getByRole('button', { name: 'Refresh token' }).click();
    await expect(after.page.locator('#activity')).toContainText('Token refreshed');
    expect(await after.page.evaluate(() => window.demo.auth.getToken())).not.toBe(after.token);
  });
}
