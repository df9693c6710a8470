// Errors a person meets, in plain words in a role="alert" element.
import { test, expect, requestCode, codeFromInbox, PEOPLE } from '../fixtures.js';

function wrongCodeFor(code) {
  return [...code].map((d) => String((Number(d) + 1) % 10)).join('');
}

function expectPlainWords(text) {
  expect(text).not.toMatch(/\[object|undefined|Error:|\bat \S+:\d+|RuntimeError|unreachable/);
}

test('a wrong code shows an alert and a second try succeeds', async ({ page, emulator }) => {
  const who = await requestCode(page, emulator.url, 'arita');
  const code = await codeFromInbox(page, who.e164);
  await page.getByLabel('Verification code').fill(wrongCodeFor(code));
  await page.getByRole('button', { name: 'Verify' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('That code is not right');
  expectPlainWords(await alert.innerText());
  // Still on the code step, ready for the next try.
  await expect(page.getByLabel('Verification code')).toBeFocused();
  await page.getByLabel('Verification code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('too many wrong codes say so', async ({ page, emulator }) => {
  const who = await requestCode(page, emulator.url, 'sso');
  const code = await codeFromInbox(page, who.e164);
  const input = page.getByLabel('Verification code');
  const alert = page.getByRole('alert');
  for (let i = 0; i < 5; i += 1) {
    await input.fill(wrongCodeFor(code));
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(alert).toBeVisible();
    await expect(page.getByRole('button', { name: 'Verify' })).toBeEnabled();
  }
  await input.fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(alert).toContainText(/too many wrong codes|expired/i);
  expectPlainWords(await alert.innerText());
});

test("the emulator's fault injection shows the network error alert", async ({ page, emulator }) => {
  await page.goto(`${emulator.url}/`);
  await page.getByText('Developer settings').click();
  await page.getByLabel('Simulate a fault on SDK requests').selectOption('drop');
  await page.getByLabel('Phone number').fill(PEOPLE.sso.typed);
  await page.getByRole('button', { name: 'Send code' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(/network seems to be down/i, { timeout: 30_000 });
  expectPlainWords(await alert.innerText());
  // The network comes back: the same form works.
  await page.getByLabel('Simulate a fault on SDK requests').selectOption('');
  await page.getByLabel('Provider').selectOption('sso');
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(page.getByLabel('Verification code')).toBeFocused();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a server error page is explained, not dumped', async ({ page, emulator }) => {
  await page.goto(`${emulator.url}/`);
  await page.getByLabel('Provider').selectOption('monetha');
  await page.getByLabel('Country').selectOption('LT');
  await page.getByText('Developer settings').click();
  await page.getByLabel('Simulate a fault on SDK requests').selectOption('html');
  await page.getByLabel('Phone number').fill(PEOPLE.monetha.typed);
  await page.getByRole('button', { name: 'Send code' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toBeVisible({ timeout: 30_000 });
  expectPlainWords(await alert.innerText());
  expect(await alert.innerText()).not.toMatch(/<html|<body/i);
});
