// A full sign-in for each provider, reading the code from the page's SMS inbox panel.
import { test, expect, signIn, PEOPLE } from '../fixtures.js';

const NAMES = { gizo: 'GIZO', arita: 'Arita', monetha: 'Monetha', sso: 'SSO' };

for (const provider of Object.keys(PEOPLE)) {
  test(`${NAMES[provider]}: sign in with a code from the SMS inbox`, async ({ page, emulator }) => {
    const who = PEOPLE[provider];
    await page.goto(`${emulator.url}/`);
    await page.getByLabel('Provider').selectOption(provider);
    await page.getByLabel('Country').selectOption(who.country);
    await page.getByLabel('Phone number').fill(who.typed);
    // Live normalisation: E.164 and the form this provider puts on the wire.
    const preview = page.locator('#phone-preview');
    await expect(preview).toContainText(who.e164);
    await expect(preview).toContainText(who.wire);

    await signIn(page, emulator.url, provider);
    await expect(page.getByText(`with ${NAMES[provider]}`)).toBeVisible();
    await expect(page.locator('#who-phone')).toContainText(who.e164.slice(0, 3));
    // Decoded claims from the emulator's JWT: issuer and the phone.
    const claims = page.locator('#claims');
    await page.getByText('Decoded token claims').click();
    await expect(claims).toContainText('phone-auth-emulator');
    await expect(claims).toContainText(who.e164);
    await expect(page.locator('#expires-in')).toHaveText(/\d+ (min|h)/);
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeEnabled();
    await expect(page.getByRole('alert')).toHaveCount(0);
  });
}

test('typing shows why a number is not a number yet', async ({ page, emulator }) => {
  await page.goto(`${emulator.url}/`);
  await page.getByLabel('Phone number').fill('12');
  await expect(page.locator('#phone-preview')).toContainText(/not a phone number yet/i);
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(page.getByRole('alert')).toContainText(/not a phone number/i);
  await expect(page.getByLabel('Phone number')).toBeFocused();
});

test('keyboard only: tab order reaches every control and Enter submits', async ({ page, emulator }) => {
  await page.goto(`${emulator.url}/`);
  await expect(page.getByLabel('Provider')).toBeVisible();
  const order = [];
  for (let i = 0; i < 5; i += 1) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim()));
  }
  expect(order.slice(1, 5)).toEqual(['provider', 'country', 'phone', 'send']);
  // Choose SSO with the arrow keys on the closed select, then type the number.
  await page.getByLabel('Provider').focus();
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowDown');
  await expect(page.getByLabel('Provider')).toHaveValue('sso');
  await page.getByLabel('Phone number').focus();
  await page.keyboard.type(PEOPLE.sso.typed);
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Verification code')).toBeFocused();
});
