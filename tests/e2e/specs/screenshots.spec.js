// Screenshots of each state at desktop width and at 360 px, into docs/screenshots/.
// They are committed; docs/screenshots/signed-in-desktop.png is the README's picture.
import { test, expect, requestCode, codeFromInbox, screenshot, PEOPLE } from '../fixtures.js';

const SIZES = {
  desktop: { width: 1280, height: 860 },
  mobile: { width: 360, height: 780 },
};

for (const [kind, viewport] of Object.entries(SIZES)) {
  test.describe(`${kind} (${viewport.width} px)`, () => {
    test.use({ viewport, emulatorArgs: ['--resend-cooldown', '30'] });

    test(`every state of the page, ${kind}`, async ({ page, emulator }) => {
      await page.goto(`${emulator.url}/`);
      await page.getByLabel('Phone number').fill(PEOPLE.gizo.typed);
      await expect(page.locator('#phone-preview')).toContainText('+49_1747707607');
      await screenshot(page, 'phone-entered');

      await page.getByLabel('Phone number').fill('12');
      await expect(page.locator('#phone-preview')).toContainText(/not a phone number yet/i);
      await screenshot(page, 'phone-incomplete');

      const who = await requestCode(page, emulator.url, 'gizo');
      const code = await codeFromInbox(page, who.e164);
      await expect(page.getByRole('button', { name: /Resend code in/ })).toBeDisabled();
      await screenshot(page, 'code-sent');

      await page.getByLabel('Verification code').fill([...code].map((d) => (Number(d) + 1) % 10).join(''));
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByRole('alert')).toBeVisible();
      await screenshot(page, 'wrong-code');

      await page.getByLabel('Verification code').fill(code);
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByRole('heading', { name: 'Signed in' })).toBeVisible();
      await page.getByRole('button', { name: 'Refresh token' }).click();
      await expect(page.locator('#activity')).toContainText('Token refreshed');
      await page.getByText('Decoded token claims').click();
      await page.locator('h1').first().evaluate((h) => h.blur());
      await screenshot(page, 'signed-in');

      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'signed-in-dark');
      await page.emulateMedia({ colorScheme: 'light' });

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('Developer settings').click();
      await page.getByLabel('Simulate a fault on SDK requests').selectOption('drop');
      await page.getByLabel('Provider').selectOption('sso');
      await page.getByLabel('Phone number').fill(PEOPLE.sso.typed);
      await page.getByRole('button', { name: 'Send code' }).click();
      await expect(page.getByRole('alert')).toContainText(/network/i, { timeout: 30_000 });
      await screenshot(page, 'network-error');
    });
  });
}
