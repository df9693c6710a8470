// The session: reload, other tabs, the resend countdown, automatic refresh.
import { test, expect, signIn, requestCode, codeFromInbox, PEOPLE } from '../fixtures.js';

const signedIn = (page) => page.getByRole('heading', { name: 'Signed in' });
const signedOut = (page) => page.getByRole('heading', { name: 'Sign in with your phone' });
const token = (page) => page.evaluate(() => window.demo.auth.getToken());

test('a reload keeps the session', async ({ page, emulator }) => {
  await signIn(page, emulator.url, 'monetha');
  const before = await token(page);
  await page.reload();
  await expect(signedIn(page)).toBeVisible();
  await expect(page.getByText('with Monetha')).toBeVisible();
  await expect(page.locator('#activity')).toContainText('Session restored');
  expect(await token(page)).toBe(before);
});

test('two tabs: sign-in shows in both, sign-out in one signs out the other', async ({ context, emulator }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await b.goto(`${emulator.url}/`);
  await expect(signedOut(b)).toBeVisible();
  await b.getByLabel('Provider').selectOption('sso');
  await signIn(a, emulator.url, 'sso');
  // Tab B was open all along: it learns about the sign-in without a reload.
  await expect(signedIn(b)).toBeVisible();
  await expect(b.locator('#who-phone')).toContainText('+49');

  await a.getByRole('button', { name: 'Sign out' }).click();
  await expect(signedOut(a)).toBeVisible();
  await expect(signedOut(b)).toBeVisible();
  await expect(b.getByText(/signed out \(in another tab/i)).toBeVisible();
  // And it stays signed out after a reload.
  await b.reload();
  await expect(signedOut(b)).toBeVisible();
});

// The emulator's own cooldown is 3 s here, so the countdown the page shows is the SDK's
// (`resendAfter` of the challenge, at least the server's): the server never refuses a
// resend the page allows.
test.describe('with a 3 s server resend cooldown', () => {
  test.use({ emulatorArgs: ['--resend-cooldown', '3'] });

  test('the resend button counts down, then sends a new code', async ({ page, emulator }) => {
    test.setTimeout(120_000);
    const who = await requestCode(page, emulator.url, 'arita');
    const resend = page.getByRole('button', { name: /Resend code/ });
    await expect(resend).toBeDisabled();
    await expect(resend).toHaveText(/Resend code in \d+ s/);
    const secondsShown = async () => Number((/in (\d+) s/.exec(await resend.innerText()) ?? [])[1]);
    const start = await secondsShown();
    expect(start).toBeGreaterThan(0);
    // It is live: the number goes down while the button stays disabled.
    await expect.poll(secondsShown, { timeout: 5_000 }).toBeLessThan(start);
    await expect(resend).toBeDisabled();
    await codeFromInbox(page, who.e164);
    await expect(resend).toHaveText('Resend code', { timeout: (start + 5) * 1000 });
    await expect(resend).toBeEnabled();
    await resend.click();
    await expect(resend).toHaveText(/Resend code in \d+ s/);
    await expect(resend).toBeDisabled();
    await expect(page.getByRole('complementary', { name: 'SMS inbox' })
      .getByRole('listitem').filter({ hasText: who.e164 })).toHaveCount(2);
    const second = await codeFromInbox(page, who.e164);
    await page.getByLabel('Verification code').fill(second);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(signedIn(page)).toBeVisible();
  });
});

test('asking again too soon says how long to wait', async ({ page, emulator }) => {
  await requestCode(page, emulator.url, 'sso');
  await page.getByRole('button', { name: 'Use a different number' }).click();
  await page.getByLabel('Phone number').fill(PEOPLE.sso.typed);
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(page.getByRole('alert')).toContainText(/wait \d+ seconds?/);
});

// A token shorter than twice the 60 s refresh margin is refreshed at half its lifetime
// (docs/session.md), so a 10 s token is refreshed about 5 s after sign-in.
test.describe('with a 10 s token lifetime (refresh is due at half-life)', () => {
  test.use({ emulatorArgs: ['--token-ttl', '10'] });

  test('the token is refreshed automatically, visibly', async ({ page, emulator }) => {
    await signIn(page, emulator.url, 'gizo');
    const first = await token(page);
    await expect(page.locator('#activity')).toContainText('Token refreshed automatically', { timeout: 15_000 });
    const second = await token(page);
    expect(second).not.toBe(first);
    await expect(signedIn(page)).toBeVisible();
    // The refreshed token is still the same person.
    const subs = await page.evaluate(([x, y]) => [x, y].map((t) => window.demo.sdk.decodeToken(t).claims.sub), [first, second]);
    expect(subs[1]).toBe(subs[0]);
  });

  test('the Refresh token button refreshes on demand', async ({ page, emulator }) => {
    await signIn(page, emulator.url, 'gizo');
    const first = await token(page);
    // Tokens carry whole seconds: wait into the next second so the new one differs.
    await page.waitForTimeout(1100);
    await page.getByRole('button', { name: 'Refresh token' }).click();
    await expect(page.locator('#activity')).toContainText('Token refreshed');
    expect(await token(page)).not.toBe(first);
  });
});
