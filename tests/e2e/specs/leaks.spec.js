// No leaks in a browser (issue 22, items 1, 3 and 6): the package in a page of the
// emulator's origin, wasm memory read from the page's instance. Sign-in/out cycles
// against the real emulator on one client, then clients created and disposed (with
// listeners, auto-refresh and `localStorage`, so each opens its tab channel): after a
// warm-up, the wasm memory stays within 1 MB and the JS heap within 2 MB.
import { test, expect } from '../fixtures.js';
import { openPage } from '../stress.js';

const PHONE = '+491705550103';
const CODE = '482135';
const MB = 1024 * 1024;

test.use({
  emulatorArgs: ['--test-number', `${PHONE}=${CODE}`, '--max-codes-per-number', '0', '--resend-cooldown', '0'],
  // The page's `gc()` and exact `performance.memory` numbers, to measure the JS heap too.
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--js-flags=--expose-gc', '--enable-precise-memory-info'],
  },
});

test('sign-in/out cycles and disposed clients keep the wasm memory flat', async ({ context, emulator }) => {
  test.setTimeout(150_000);
  const page = await openPage(context, emulator.url);
  const cycles = Number(process.env.LEAK_CYCLES ?? 600);
  const r = await page.evaluate(
    async ({ api, phone, code, cycles }) => {
      const auth = new window.pa.AuthClient({ provider: 'sso', baseUrl: api, storageKey: 'leaks', autoRefresh: true });
      let events = 0;
      auth.onAuthStateChange(() => {
        events += 1;
      });
      const cycle = async () => {
        await auth.requestCode(phone);
        await auth.verify(code);
        await auth.signOut();
      };
      for (let i = 0; i < 50; i++) await cycle();
      const m0 = window.wasmMemory();
      const t0 = performance.now();
      for (let i = 0; i < cycles; i++) await cycle();
      const ms = performance.now() - t0;
      const m1 = window.wasmMemory();
      auth.dispose();
      auth.free();

      const churn = async (n) => {
        for (let i = 0; i < n; i++) {
          const c = new window.pa.AuthClient({ provider: 'sso', baseUrl: api, storageKey: `churn${i % 7}`, autoRefresh: true });
          if (i % 2) c.onAuthStateChange(() => {});
          c.dispose();
          if (i % 3) c.free();
          // Each new client restores under the Web Lock (a round trip through the
          // browser): pace the loop as a page would, so those finish as it goes.
          if (i % 50 === 49) await new Promise((res) => setTimeout(res, 10));
        }
        await new Promise((res) => setTimeout(res, 500));
      };
      const heap = async () => {
        for (let i = 0; i < 3; i++) {
          window.gc();
          await new Promise((res) => setTimeout(res, 20));
        }
        return performance.memory.usedJSHeapSize;
      };
      await churn(2000);
      const c0 = window.wasmMemory();
      const h0 = await heap();
      await churn(8000);
      const c1 = window.wasmMemory();
      const h1 = await heap();
      return { cycles, ms, cycleGrowth: m1 - m0, events, churnGrowth: c1 - c0, heapGrowth: h1 - h0 };
    },
    { api: emulator.url, phone: PHONE, code: CODE, cycles },
  );
  console.log(`chromium: ${r.cycles} sign-in/out cycles in ${r.ms.toFixed(0)} ms, wasm +${r.cycleGrowth} B; 8000 clients disposed, wasm +${r.churnGrowth} B, JS heap ${r.heapGrowth} B`);
  expect(r.events).toBeGreaterThan(r.cycles * 2);
  expect(r.cycleGrowth).toBeLessThan(1 * MB);
  expect(r.churnGrowth).toBeLessThan(1 * MB);
  expect(r.heapGrowth).toBeLessThan(2 * MB);
});
