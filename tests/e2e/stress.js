// Helpers of the reliability specs (issue 22): pages of the emulator's origin that load
// the package itself (`/pkg/web/index.js`, not the demo page), with the wasm instance
// kept where the test can read its memory.

/** Any document of the origin that runs no script of its own. */
export const blank = (emulatorUrl) => `${emulatorUrl}/pkg/package.json`;

/**
 * Opens a page on the origin with the package loaded: `window.pa` is the module,
 * `window.wasmMemory()` the size of the wasm instance's memory in bytes.
 */
export async function openPage(context, emulatorUrl) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    // wasm-bindgen's `init()` instantiates through one of these; keep the instance.
    const keep = (r) => {
      window.__wasm = (r && r.instance) || r;
      return r;
    };
    const { instantiate, instantiateStreaming } = WebAssembly;
    WebAssembly.instantiate = (...a) => instantiate(...a).then(keep);
    WebAssembly.instantiateStreaming = (...a) => instantiateStreaming(...a).then(keep);
    window.wasmMemory = () => window.__wasm.exports.memory.buffer.byteLength;
    // Counts the SDK's refresh markers (see docs/wasm.md, Cross-tab refresh): how many
    // a tab set, and how many of its lock queries found one.
    window.lockStats = { marks: 0, queriesSeeingMarker: 0 };
    const locks = navigator.locks;
    if (locks) {
      const { request, query } = locks;
      window.rawLockQuery = () => query.call(locks);
      locks.request = function (name, ...rest) {
        if (String(name).includes(':refreshed:')) window.lockStats.marks += 1;
        return request.call(this, name, ...rest);
      };
      locks.query = async function () {
        const q = await query.call(this);
        if ([...q.held, ...q.pending].some((l) => l.name.includes(':refreshed:'))) window.lockStats.queriesSeeingMarker += 1;
        return q;
      };
    }
  });
  await page.goto(blank(emulatorUrl));
  await page.evaluate(async () => {
    window.pa = await import('/pkg/web/index.js');
    await window.pa.default();
  });
  return page;
}

/**
 * Makes `window.auth` in `page`: SSO against the emulator, `localStorage` under the key
 * `stress`, auto-refresh on, and a `callback` refresh that takes `refreshMs` and mints
 * tokens living `ttl` seconds. Each refresh is reported (with the token it replaces) to
 * the context's `reportRefresh` binding before it starts, so the test sees every refresh
 * of every tab. Every tab also calls `getToken()` concurrently (1–5 calls every
 * 100–400 ms) and checks each answer is a token that has not expired.
 */
export async function startTab(page, { api, tab, ttl, refreshMs }) {
  await page.evaluate(
    ({ api, tab, ttl, refreshMs }) => {
      const b64 = (o) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
      let n = 0;
      const mint = () => {
        const iat = Math.floor(Date.now() / 1000);
        n += 1;
        return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'u1', iat, exp: iat + ttl, jti: `${tab}.${n}.${Math.random()}` })}.c2ln`;
      };
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      window.stats = { calls: 0, bad: 0, errors: {} };
      window.auth = new window.pa.AuthClient({
        provider: 'sso',
        baseUrl: api,
        storageKey: 'stress',
        autoRefresh: true,
        refresh: {
          strategy: 'callback',
          callback: async (session) => {
            const held = (await window.rawLockQuery()).held.filter((l) => l.name === 'phone-auth:stress').length;
            await window.reportRefresh({ tab, old: session.token.split('.')[1], held });
            await sleep(refreshMs);
            const token = mint();
            await window.reportRefresh({ tab, done: true, old: session.token.split('.')[1], next: token.split('.')[1] });
            return { token };
          },
        },
      });
      window.mint = mint;
      const claims = (t) => JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      (async () => {
        for (;;) {
          await sleep(100 + Math.random() * 300);
          if (window.stopCalls) return;
          const k = 1 + Math.floor(Math.random() * 5);
          await Promise.all(
            Array.from({ length: k }, async () => {
              window.stats.calls += 1;
              try {
                const t = await window.auth.getToken();
                if (claims(t).exp * 1000 <= Date.now()) window.stats.bad += 1;
              } catch (e) {
                window.stats.errors[e.code] = (window.stats.errors[e.code] ?? 0) + 1;
              }
            }),
          );
        }
      })();
    },
    { api, tab, ttl, refreshMs },
  );
}

/**
 * Signs `page`'s client in against the emulator, then refreshes once (short tokens).
 * Waits first for the sign-out of another tab to reach this one: a tab refreshing
 * when the sign-out happened adopts it only after its refresh (under the lock), and a
 * code request meanwhile is refused as "another request is in progress", as it would
 * be for a person.
 */
export async function signIn(page, phone, code) {
  await page.evaluate(
    async ({ phone, code }) => {
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      for (let i = 0; i < 50 && (await window.auth.getSession()); i++) await sleep(100);
      for (let i = 0; ; i++) {
        try {
          await window.auth.requestCode(phone);
          break;
        } catch (e) {
          if (i >= 20) throw e;
          await sleep(200);
        }
      }
      await window.auth.verify(code);
      await window.auth.refresh();
    },
    { phone, code },
  );
}
