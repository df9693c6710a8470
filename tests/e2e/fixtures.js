// Test fixtures: a fresh emulator per test, and helpers that use the page as a person does.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect } from '@playwright/test';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BINARY = process.env.PHONE_AUTH_EMULATOR ?? join(ROOT, 'target/release/phone-auth-emulator');
const SCREENSHOTS = join(ROOT, 'docs/screenshots');

/**
 * Starts the emulator binary on an ephemeral loopback port and resolves with its base URL
 * (read from the first stdout line, `phone-auth-emulator listening on http://127.0.0.1:PORT`).
 */
export async function startEmulator(extraArgs = []) {
  if (!existsSync(BINARY)) {
    throw new Error(`emulator binary not found at ${BINARY}: run \`cargo build --release -p phone-auth-emulator\``);
  }
  // PHONE_AUTH_PKG: a copy of the built package to serve instead of ./pkg.
  const pkg = process.env.PHONE_AUTH_PKG ?? join(ROOT, 'pkg');
  const child = spawn(BINARY, ['--host', '127.0.0.1', '--port', '0', '--www', join(ROOT, 'www'), '--pkg', pkg, ...extraArgs], {
    cwd: ROOT, // it serves ./www at / and ./pkg at /pkg/
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`emulator did not start in 15 s; stderr: ${stderr}`)), 15_000);
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`emulator exited (${code}): ${stderr}`)); });
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (lines.length === 1) {
        clearTimeout(timer);
        if (m) ok(m[1].replace(/\/$/, ''));
        else fail(new Error(`unexpected first line from the emulator: ${line}`));
      }
    });
  });
  return {
    url,
    lines,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

export const test = base.extend({
  /** Extra emulator flags for this test, e.g. `['--token-ttl', '65']`. */
  emulatorArgs: [[], { option: true }],
  emulator: async ({ emulatorArgs }, use) => {
    const emu = await startEmulator(emulatorArgs);
    try {
      await use(emu);
    } finally {
      await emu.stop();
    }
  },
});

export { expect };

/** Numbers used per provider: how a person types them, the country, the E.164. */
export const PEOPLE = {
  gizo: { country: 'DE', typed: '0174 7707607', e164: '+491747707607', wire: '+49_1747707607' },
  arita: { country: 'HK', typed: '6809 8227', e164: '+85268098227', wire: '+85268098227' },
  monetha: { country: 'LT', typed: '8 612 34567', e164: '+37061234567', wire: '61234567' },
  sso: { country: 'DE', typed: '0151 23456789', e164: '+4915123456789', wire: '+4915123456789' },
};

export const inbox = (page) => page.getByRole('complementary', { name: 'SMS inbox' });

/** The newest code the inbox panel shows for `e164`, waiting until it arrives. */
export async function codeFromInbox(page, e164, { notCode } = {}) {
  const item = inbox(page).getByRole('listitem').filter({ hasText: e164 }).first();
  await expect(item).toBeVisible();
  if (notCode) await expect(item.locator('.sms-code')).not.toHaveText(notCode);
  const code = (await item.locator('.sms-code').innerText()).trim();
  expect(code).toMatch(/^\d{4,8}$/);
  return code;
}

/** Opens the page and asks for a code for `provider`'s test person. */
export async function requestCode(page, baseUrl, provider) {
  const who = PEOPLE[provider];
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Provider').selectOption(provider);
  await page.getByLabel('Country').selectOption(who.country);
  await page.getByLabel('Phone number').fill(who.typed);
  await expect(page.locator('#phone-preview')).toContainText(who.e164);
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(page.getByLabel('Verification code')).toBeFocused();
  return who;
}

/** A whole sign-in: code from the inbox panel, typed into the form, Verify. */
export async function signIn(page, baseUrl, provider) {
  const who = await requestCode(page, baseUrl, provider);
  const code = await codeFromInbox(page, who.e164);
  await page.getByLabel('Verification code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in' })).toBeVisible();
  return who;
}

/** The session the SDK stored for `provider` (raw string, or null). */
export function storedSession(page, provider) {
  return page.evaluate((key) => {
    const raw = localStorage.getItem(key);
    return raw;
  }, `phone-auth-demo:${provider}`);
}

/** Saves a screenshot into docs/screenshots as `<name>-<desktop|mobile>.png`. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 1280;
  const kind = width <= 480 ? 'mobile' : 'desktop';
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${kind}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
}
