// Playwright configuration for the demo page's end-to-end tests.
// Run with `cargo xtask test` (or `npx playwright test` here after `cargo xtask demo`
// has built the package and the emulator). Uses Debian's Chromium: no browser download.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './specs',
  // Two cores on the machines this runs on: one worker by default, two at most.
  workers: Math.min(2, Number(process.env.E2E_WORKERS ?? 1)),
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  outputDir: './test-results',
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 860 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
  },
});
