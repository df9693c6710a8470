// The SMS inbox panel: what the emulator "sent", read from `GET /__emulator/sms`.
//
// Shown only when the page talks to the emulator (its `/__emulator/health` answers).
// Polls once a second while the tab is visible; each message has a button that puts
// its code into the Verification code field.

const PROVIDER_NAMES = { gizo: 'GIZO', arita: 'Arita', monetha: 'Monetha', sso: 'SSO' };

function ago(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ago` : new Date(ms).toLocaleTimeString();
}

/** Whether the page's origin is the emulator. */
export async function emulatorAvailable(baseUrl) {
  try {
    const res = await fetch(`${baseUrl}/__emulator/health`, { cache: 'no-store' });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts polling. `onUse(code)` is called when a message's "Use code" button is pressed;
 * `currentPhone()` returns the E.164 of the number waiting for a code (or null), whose
 * messages are highlighted.
 */
export function startInbox({ baseUrl, list, empty, onUse, currentPhone }) {
  let last = '';
  let messages = [];

  function render() {
    const wanted = currentPhone();
    list.replaceChildren(
      ...messages.slice(0, 20).map((m) => {
        const li = document.createElement('li');
        li.className = 'sms';
        if (wanted && m.e164 === wanted) li.classList.add('current');
        const head = document.createElement('div');
        head.className = 'sms-head';
        const who = document.createElement('span');
        who.className = 'sms-to';
        who.textContent = `${PROVIDER_NAMES[m.provider] ?? m.provider} → ${m.e164 ?? m.to}`;
        const when = document.createElement('time');
        when.className = 'sms-time';
        when.dateTime = new Date(m.sentAt).toISOString();
        when.textContent = ago(m.sentAt);
        head.append(who, when);
        const body = document.createElement('div');
        body.className = 'sms-body';
        const text = document.createElement('p');
        text.className = 'sms-text';
        text.append('Your code is ');
        const code = document.createElement('strong');
        code.className = 'sms-code';
        code.textContent = m.code;
        text.append(code);
        const use = document.createElement('button');
        use.type = 'button';
        use.className = 'small';
        use.textContent = 'Use code';
        use.setAttribute('aria-label', `Use code ${m.code}`);
        use.addEventListener('click', () => onUse(m.code, m.e164));
        body.append(text, use);
        li.append(head, body);
        if (m.to && m.to !== m.e164) {
          const wire = document.createElement('p');
          wire.className = 'sms-wire';
          wire.textContent = `sent to ${m.to}`;
          li.append(wire);
        }
        return li;
      }),
    );
    empty.hidden = messages.length > 0;
  }

  async function poll() {
    if (document.visibilityState === 'hidden') return;
    try {
      const res = await fetch(`${baseUrl}/__emulator/sms`, { cache: 'no-store' });
      if (!res.ok) return;
      const body = await res.text();
      if (body !== last) {
        last = body;
        const parsed = JSON.parse(body);
        messages = (Array.isArray(parsed) ? parsed : [])
          .filter((m) => m && (typeof m.code === 'string' || typeof m.code === 'number'))
          .map((m) => ({ ...m, code: String(m.code) }));
      }
      render();
    } catch {
      // The emulator stopped or the network is down: keep the last list.
    }
  }

  poll();
  const timer = setInterval(poll, 1000);
  document.addEventListener('visibilitychange', poll);
  return { refresh: poll, rerender: render, stop: () => clearInterval(timer) };
}
