// The phone-auth demo page: plain ES modules, no build step.
//
// Everything the SDK does goes through the npm package's browser entry at
// /pkg/web/index.js (the emulator serves the repo's pkg/ there). The page keeps only
// what it shows: the SDK owns the session, its storage, refresh and cross-tab sync.

import { COUNTRIES, DEFAULT_REGION } from './countries.js';
import { describeError, phoneReason } from './messages.js';
import { canRefresh, providerOptions } from './demo-backend.js';
import { emulatorAvailable, startInbox } from './inbox.js';
import { duration, fillList } from './view.js';

const PREFS_KEY = 'phone-auth-demo:prefs';
const REFRESH_MARGIN_S = 60;
const LEAD = 'We send a one-time code by SMS. No password needed.';
const PROVIDERS = {
  gizo: { name: 'GIZO', hint: 'Sends the number as username "+49_1747707607"; 5-digit codes.' },
  arita: { name: 'Arita', hint: 'Sends the number in E.164 as loginID; 4-digit codes.' },
  monetha: { name: 'Monetha', hint: 'Sends ISO region, calling code and national number apart; 6-digit codes.' },
  sso: { name: 'SSO', hint: 'Sends the number in E.164 as telephone; 6-digit codes.' },
};

const $ = (id) => document.getElementById(id);
const el = {
  loading: $('loading'), signin: $('signin'), signedin: $('signedin'),
  alert: $('alert'), alertIn: $('alert-in'), lead: $('signin-lead'),
  phoneForm: $('phone-form'), provider: $('provider'), providerHint: $('provider-hint'),
  country: $('country'), phone: $('phone'), preview: $('phone-preview'), send: $('send'),
  codeForm: $('code-form'), code: $('code'), verify: $('verify'),
  resend: $('resend'), change: $('change-number'),
  title: $('auth-title'), signedTitle: $('signed-title'), whoPhone: $('who-phone'),
  whoProvider: $('who-provider'), expiresIn: $('expires-in'), meter: $('meter'),
  expiry: $('expiry'), policy: $('refresh-policy'), activity: $('activity'),
  refresh: $('refresh'), signout: $('signout'), profile: $('profile'), claims: $('claims'),
  inbox: $('inbox'), smsList: $('sms-list'), smsEmpty: $('sms-empty'), fault: $('fault'),
  backendText: $('backend-text'), backendStatus: $('backend-status'),
};

const baseUrl = location.origin;
let sdk = null;
let auth = null;
let unsubscribe = null;
let session = null;
let challenge = null; // { phone, e164, resendAt }
let expectRefresh = null; // 'button' while the Refresh token button waits
let signingOutHere = false;
let inbox = null;
let otpAbort = null;

// ---------- small helpers ----------

function loadPrefs() {
  try {
    return JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

function savePrefs() {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify({ provider: el.provider.value, country: el.country.value }));
  } catch {
    // Storage full or disabled: the demo still works, it just forgets the choice.
  }
}

/** Monetha wants a stable id per device: one random UUID, kept with the preferences. */
function deviceId() {
  const key = 'phone-auth-demo:device-id';
  try {
    let id = localStorage.getItem(key);
    if (!id) {
      id = crypto.randomUUID();
      localStorage.setItem(key, id);
    }
    return id;
  } catch {
    return crypto.randomUUID();
  }
}

function showAlert(target, message) {
  target.textContent = message;
  target.hidden = false;
}

function clearAlerts() {
  for (const a of [el.alert, el.alertIn]) {
    a.hidden = true;
    a.textContent = '';
  }
}

function fail(err, action) {
  showAlert(session ? el.alertIn : el.alert, describeError(err, action));
}

async function busy(button, label, work) {
  const text = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = label;
  try {
    return await work();
  } finally {
    button.removeAttribute('aria-busy');
    button.textContent = text;
    button.disabled = false;
    tick();
  }
}

function secondsLeft(atMs) {
  return Math.max(0, Math.ceil((atMs - Date.now()) / 1000));
}

function displayPhone(e164) {
  try {
    return sdk.normalizePhone(e164).international ?? e164;
  } catch {
    return e164;
  }
}

/** `fetch` for the SDK: adds the emulator's fault header when one is chosen. */
function demoFetch(input, init = {}) {
  const fault = el.fault.value;
  if (!fault) return fetch(input, init);
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set('X-Emulator-Fault', fault);
  return fetch(input, { ...init, headers });
}

// ---------- the SDK client ----------

/** `localhost`, `127.x.y.z` or `[::1]`: where the SDK allows plain HTTP by itself. */
function isLoopback(host) {
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function createClient() {
  unsubscribe?.();
  auth?.stopAutoRefresh?.();
  const provider = el.provider.value;
  auth = new sdk.AuthClient({
    provider,
    baseUrl,
    defaultCountry: el.country.value,
    storage: 'local',
    storageKey: `phone-auth-demo:${provider}`,
    fetch: demoFetch,
    timeoutMs: 10_000,
    refreshMarginSeconds: REFRESH_MARGIN_S,
    autoRefresh: true,
    ...providerOptions(provider, baseUrl),
    ...(provider === 'monetha' ? { deviceId: deviceId() } : {}),
    // The emulator speaks plain HTTP. On loopback (the default) the SDK allows that; a
    // demo opened from another device (emulator --host 0.0.0.0) needs the development
    // switch. Never set it for a real backend: codes and tokens would travel in clear.
    ...(location.protocol === 'http:' && !isLoopback(location.hostname) ? { allowInsecureHttp: true } : {}),
  });
  const mine = auth;
  // For the browser console (and the end-to-end tests): `await demo.auth.getSession()`.
  window.demo = { auth, sdk };
  unsubscribe = auth.onAuthStateChange((event, s) => {
    if (mine === auth) onAuthEvent(event, s ?? null);
  });
}

function onAuthEvent(event, s) {
  switch (event) {
    case 'INITIAL_SESSION':
      if (s && !session) showSignedIn(s, false);
      break;
    case 'SIGNED_IN':
      if (!session) {
        showSignedIn(s, false);
        log('Signed in');
      }
      break;
    case 'TOKEN_REFRESHED':
      if (!s) break;
      session = s;
      renderSession();
      log(expectRefresh === 'button' ? 'Token refreshed' : 'Token refreshed automatically', true);
      flashExpiry();
      break;
    case 'TOKEN_EXPIRING':
      if (session && !canRefresh(el.provider.value)) {
        log('Token expires soon: sign in again to continue');
      }
      break;
    case 'SIGNED_OUT':
      if (session) {
        const elsewhere = !signingOutHere;
        showSignedOut();
        if (elsewhere) {
          el.lead.textContent = 'You were signed out (in another tab, or the server ended the session).';
        }
      }
      break;
    default:
      break;
  }
}

// ---------- signed out: phone and code ----------

function fillCountries(selected) {
  el.country.replaceChildren(
    ...COUNTRIES.map((c) => new Option(`${c.name} (+${c.code})`, c.region, false, c.region === selected)),
  );
  if (!COUNTRIES.some((c) => c.region === selected)) el.country.value = DEFAULT_REGION;
}

function currentCountry() {
  return COUNTRIES.find((c) => c.region === el.country.value) ?? COUNTRIES[0];
}

function wireForm(provider, n) {
  switch (provider) {
    case 'gizo':
      return [['username', n.gizo]];
    case 'arita':
      return [['loginID', n.e164]];
    case 'monetha':
      return [['country_code_iso', n.region ?? '—'], ['country_code', n.countryCallingCode], ['phone_number', n.nationalNumber]];
    default:
      return [['telephone', n.e164]];
  }
}

/** Live normalisation under the Phone number field; returns the parsed number or null. */
function updatePreview() {
  const raw = el.phone.value;
  const country = currentCountry();
  el.phone.placeholder = country.example;
  el.providerHint.textContent = PROVIDERS[el.provider.value]?.hint ?? '';
  if (!sdk) return null;
  if (!raw.trim()) {
    el.preview.dataset.state = 'empty';
    el.preview.textContent = `Type the number as you would dial it in ${country.name}, e.g. ${country.example}.`;
    return null;
  }
  let n;
  try {
    n = sdk.normalizePhone(raw, country.region);
  } catch (err) {
    el.preview.dataset.state = 'invalid';
    el.preview.textContent = `Not a phone number yet: ${phoneReason(err)}.`;
    return null;
  }
  el.preview.dataset.state = 'valid';
  const rows = [['E.164', n.e164], ...wireForm(el.provider.value, n).map(([k, v]) => [`${PROVIDERS[el.provider.value].name} sends ${k}`, v])];
  const dl = document.createElement('dl');
  for (const [k, v] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    const code = document.createElement('code');
    code.textContent = String(v);
    dd.append(code);
    dl.append(dt, dd);
  }
  el.preview.replaceChildren(dl);
  return n;
}

async function sendCode(event) {
  event.preventDefault();
  clearAlerts();
  const n = updatePreview();
  if (!n) {
    showAlert(el.alert, el.phone.value.trim()
      ? `That is not a phone number yet: ${el.preview.textContent.replace(/^Not a phone number yet: /, '').replace(/\.$/, '')}.`
      : 'Type your phone number first.');
    el.phone.focus();
    return;
  }
  await busy(el.send, 'Sending…', async () => {
    try {
      const c = await auth.requestCode(n.e164);
      enterCodeStep(c, n.e164);
    } catch (err) {
      fail(err, 'send');
      el.phone.focus();
    }
  });
}

function enterCodeStep(c, e164) {
  const resendAfter = Number(c?.resendAfter);
  challenge = {
    e164: e164 ?? c?.phone,
    resendAt: Date.now() + (Number.isFinite(resendAfter) ? resendAfter : 30) * 1000,
  };
  el.phoneForm.hidden = true;
  el.codeForm.hidden = false;
  el.title.textContent = 'Enter the code';
  el.lead.textContent = '';
  const strong = document.createElement('strong');
  strong.className = 'nowrap';
  strong.textContent = displayPhone(challenge.e164);
  el.lead.append('We sent a code by SMS to ', strong, ` via ${PROVIDERS[el.provider.value].name}.`);
  el.code.value = '';
  el.code.focus();
  inbox?.refresh();
  listenForOtp();
  tick();
}

function leaveCodeStep() {
  challenge = null;
  otpAbort?.abort();
  el.codeForm.hidden = true;
  el.phoneForm.hidden = false;
  el.title.textContent = 'Sign in with your phone';
  el.lead.textContent = LEAD;
  inbox?.rerender();
}

/** WebOTP: where the browser has it, fill the code from the SMS and verify. */
function listenForOtp() {
  otpAbort?.abort();
  if (!('OTPCredential' in window) || !navigator.credentials?.get) return;
  otpAbort = new AbortController();
  navigator.credentials
    .get({ otp: { transport: ['sms'] }, signal: otpAbort.signal })
    .then((cred) => {
      if (cred?.code && challenge) {
        el.code.value = cred.code;
        el.codeForm.requestSubmit();
      }
    })
    .catch(() => {});
}

async function verifyCode(event) {
  event.preventDefault();
  clearAlerts();
  const code = el.code.value.replace(/\D/g, '');
  if (code.length < 4 || code.length > 8) {
    showAlert(el.alert, 'Type the code from the SMS: it has 4 to 8 digits.');
    el.code.focus();
    return;
  }
  await busy(el.verify, 'Checking…', async () => {
    try {
      const s = await auth.verify(code);
      otpAbort?.abort();
      showSignedIn(s, true);
      log('Signed in');
    } catch (err) {
      fail(err, 'verify');
      el.code.focus();
      el.code.select();
    }
  });
}

async function resendCode() {
  clearAlerts();
  await busy(el.resend, 'Sending…', async () => {
    try {
      const c = await auth.resendCode();
      enterCodeStep(c, challenge?.e164);
    } catch (err) {
      fail(err, 'resend');
      if (err?.code === 'rate_limited' && err.retryAfter != null && challenge) {
        challenge.resendAt = Date.now() + Number(err.retryAfter) * 1000;
      }
    }
  });
  el.code.focus();
}

// ---------- signed in ----------

function showSignedIn(s, moveFocus) {
  session = s;
  leaveCodeStep();
  clearAlerts();
  el.loading.hidden = true;
  el.signin.hidden = true;
  el.signedin.hidden = false;
  el.activity.replaceChildren();
  renderSession();
  if (moveFocus) el.signedTitle.focus();
}

function showSignedOut() {
  session = null;
  signingOutHere = false;
  el.loading.hidden = true;
  el.signedin.hidden = true;
  el.signin.hidden = false;
  leaveCodeStep();
  updatePreview();
}

function claimsOf(s) {
  if (s?.claims && typeof s.claims === 'object') return s.claims;
  try {
    return sdk.decodeToken(s.token).claims;
  } catch {
    return null;
  }
}

function renderSession() {
  const s = session;
  if (!s) return;
  const provider = s.provider ?? el.provider.value;
  el.whoPhone.textContent = s.phone ? displayPhone(s.phone) : 'your phone';
  el.whoProvider.textContent = PROVIDERS[provider]?.name ?? provider;
  fillList(el.profile, s.user);
  const claims = claimsOf(s);
  fillList(el.claims, claims ?? { token: s.tokenType === 'opaque' ? 'opaque (not a JWT)' : 'could not be decoded' });
  el.policy.textContent = canRefresh(provider)
    ? `Refreshes automatically ${REFRESH_MARGIN_S} s before it expires, through the app's backend (GIZO client-token).`
    : `${PROVIDERS[provider]?.name ?? provider} has no refresh endpoint: ${REFRESH_MARGIN_S} s before expiry the page asks you to sign in again.`;
  el.refresh.disabled = !canRefresh(provider);
  tick();
}

function lifetimeMs(s) {
  const c = claimsOf(s);
  if (c && typeof c.exp === 'number' && typeof c.iat === 'number' && c.exp > c.iat) return (c.exp - c.iat) * 1000;
  return 3_600_000;
}

function flashExpiry() {
  el.expiry.classList.remove('flash');
  void el.expiry.offsetWidth; // restart the animation
  el.expiry.classList.add('flash');
}

function log(text, highlight = false) {
  const li = document.createElement('li');
  if (highlight) li.className = 'fresh';
  const time = document.createElement('time');
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString();
  li.append(time, ` ${text}`);
  el.activity.prepend(li);
  while (el.activity.children.length > 6) el.activity.lastElementChild.remove();
}

async function refreshToken() {
  clearAlerts();
  expectRefresh = 'button';
  await busy(el.refresh, 'Refreshing…', async () => {
    try {
      const s = await auth.refresh();
      if (s && s.token !== session?.token) {
        session = s;
        renderSession();
      }
    } catch (err) {
      fail(err, 'refresh');
    } finally {
      setTimeout(() => { expectRefresh = null; }, 0);
    }
  });
  if (!canRefresh(el.provider.value)) el.refresh.disabled = true;
}

async function signOut() {
  clearAlerts();
  signingOutHere = true;
  await busy(el.signout, 'Signing out…', async () => {
    try {
      await auth.signOut();
    } catch (err) {
      // The local session is gone even when the server call failed; say so calmly.
      if (err?.code !== 'not_signed_in') console.warn('sign-out:', err?.code ?? 'error');
    }
  });
  showSignedOut();
  el.phone.focus();
}

// ---------- the once-a-second clock ----------

function tick() {
  if (challenge && !el.codeForm.hidden && el.resend.getAttribute('aria-busy') !== 'true') {
    const left = secondsLeft(challenge.resendAt);
    el.resend.disabled = left > 0;
    el.resend.textContent = left > 0 ? `Resend code in ${left} s` : 'Resend code';
  }
  if (session) {
    const exp = Number(session.expiresAt);
    if (Number.isFinite(exp) && exp > 0) {
      const left = (exp - Date.now()) / 1000;
      el.expiresIn.textContent = left > 0 ? duration(left) : 'expired';
      el.expiry.dataset.state = left <= 0 ? 'expired' : left <= REFRESH_MARGIN_S ? 'soon' : 'ok';
      const frac = Math.min(1, Math.max(0, (left * 1000) / lifetimeMs(session)));
      el.meter.style.width = `${(frac * 100).toFixed(1)}%`;
    } else {
      el.expiresIn.textContent = 'no expiry in the token';
      el.meter.style.width = '100%';
    }
  }
}

// ---------- start ----------

async function start() {
  const prefs = loadPrefs();
  fillCountries(prefs.country ?? DEFAULT_REGION);
  if (prefs.provider && PROVIDERS[prefs.provider]) el.provider.value = prefs.provider;

  const onEmulator = await emulatorAvailable(baseUrl);
  el.backendStatus.dataset.state = onEmulator ? 'emulator' : 'remote';
  el.backendText.textContent = onEmulator ? `Local emulator · ${location.host}` : `Backend · ${location.host}`;

  try {
    sdk = await import('/pkg/web/index.js');
    await sdk.default();
  } catch (err) {
    el.loading.setAttribute('role', 'alert');
    el.loading.classList.add('alert');
    el.loading.textContent = 'The phone-auth package could not be loaded. Build it with “cargo xtask demo” and reload this page.';
    console.warn('loading /pkg/web/index.js failed:', err?.message ?? err);
    return;
  }

  try {
    createClient();
  } catch (err) {
    el.loading.setAttribute('role', 'alert');
    el.loading.textContent = describeError(err, 'load');
    return;
  }

  el.phoneForm.addEventListener('submit', sendCode);
  el.codeForm.addEventListener('submit', verifyCode);
  el.resend.addEventListener('click', resendCode);
  el.change.addEventListener('click', () => { clearAlerts(); leaveCodeStep(); el.phone.focus(); });
  el.phone.addEventListener('input', updatePreview);
  el.country.addEventListener('change', () => { savePrefs(); updatePreview(); });
  el.provider.addEventListener('change', async () => {
    savePrefs();
    clearAlerts();
    createClient();
    updatePreview();
    const s = await auth.getSession().catch(() => null);
    if (s) showSignedIn(s, true);
  });
  el.code.addEventListener('input', () => {
    const digits = el.code.value.replace(/\D/g, '');
    if (digits !== el.code.value) el.code.value = digits;
  });
  el.refresh.addEventListener('click', refreshToken);
  el.signout.addEventListener('click', signOut);

  if (onEmulator) {
    el.inbox.hidden = false;
    inbox = startInbox({
      baseUrl,
      list: el.smsList,
      empty: el.smsEmpty,
      currentPhone: () => challenge?.e164 ?? null,
      onUse: (code) => {
        if (!challenge) return;
        el.code.value = code;
        el.code.focus();
      },
    });
  }

  let s = null;
  try {
    s = await auth.getSession();
  } catch (err) {
    fail(err, 'load');
  }
  if (s) {
    showSignedIn(s, false);
    log('Session restored from storage');
  } else if (!session) {
    showSignedOut();
  }
  setInterval(tick, 1000);
}

start();
