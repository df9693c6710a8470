// Turning failures into sentences a person understands.
//
// Every error the SDK raises is an `AuthError` with a stable `code`; the page maps each
// code to plain words. Anything else (a bug in the page, a browser quirk) becomes a
// calm generic sentence: never a stack trace, never `[object Object]`.

const PHONE_REASONS = [
  [/too short/i, 'it is too short'],
  [/too long/i, 'it has too many digits'],
  [/country|region/i, 'the country code is not known'],
  [/no phone number|not a number|digit/i, 'it has no digits yet'],
];

/** Why `normalizePhone` refused what was typed, in a few words. */
export function phoneReason(err) {
  const text = `${err?.reason ?? ''} ${safeMessage(err) ?? ''}`;
  for (const [pattern, words] of PHONE_REASONS) {
    if (pattern.test(text)) return words;
  }
  return 'it is not a complete number yet';
}

function seconds(n) {
  const s = Math.max(1, Math.ceil(Number(n) || 0));
  return s === 1 ? '1 second' : `${s} seconds`;
}

/** A string message when there is a real one, otherwise `null`. */
function safeMessage(err) {
  const m = err?.message;
  if (typeof m !== 'string') return null;
  const t = m.trim();
  if (!t || t.includes('[object') || /\n\s+at\s/.test(t)) return null;
  return t.length > 200 ? `${t.slice(0, 200)}…` : t;
}

function withProvider(sentence, err) {
  const pm = typeof err?.providerMessage === 'string' ? err.providerMessage.trim() : '';
  return pm && pm.length <= 160 ? `${sentence} (The server said: “${pm}”.)` : sentence;
}

/**
 * The sentence shown in the page's alert for a failure of `action`
 * (`send`, `verify`, `resend`, `refresh`, `signout`, `load`).
 */
export function describeError(err, action = '') {
  switch (err?.code) {
    case 'invalid_code':
      return 'That code is not right. Check the SMS and type it again.';
    case 'code_expired':
      return 'This code has expired or was already used. Ask for a new code.';
    case 'too_many_attempts':
      return 'Too many wrong codes. Ask for a new code and try again.';
    case 'rate_limited':
      return err.retryAfter != null
        ? `Too many requests. Please wait ${seconds(err.retryAfter)} before asking for another code.`
        : 'Too many requests. Please wait a little before trying again.';
    case 'network':
      return 'Cannot reach the server. The network seems to be down: check your connection and try again.';
    case 'timeout':
      return 'The server took too long to answer. Please try again.';
    case 'invalid_phone':
      return `That is not a phone number: ${phoneReason(err)}.`;
    case 'malformed_response':
      return 'The server sent an answer that could not be read. Please try again in a moment.';
    case 'unauthorized':
      return action === 'refresh'
        ? 'The server no longer accepts this session. Please sign in again.'
        : withProvider('The server did not accept the request (not authorised).', err);
    case 'forbidden':
      return withProvider('The server refused this request (forbidden).', err);
    case 'not_signed_in':
      return 'You are not signed in any more. Please sign in again.';
    case 'invalid_state':
      return 'That step does not fit right now. Please start again with your phone number.';
    case 'validation_failed':
    case 'bad_request':
      return withProvider('The server did not accept what was sent.', err);
    case 'server': {
      const status = err.status ? ` (HTTP ${err.status})` : '';
      return withProvider(`Something went wrong on the server${status}. Please try again in a moment.`, err);
    }
    case 'not_found':
      return withProvider('The server does not know this account or address.', err);
    case 'invalid_config':
      return `The demo is misconfigured: ${safeMessage(err) ?? 'check the settings'}.`;
    default:
      break;
  }
  if (err?.name === 'AbortError') return 'The request was cancelled.';
  if (err instanceof TypeError && /fetch|network/i.test(String(err.message))) {
    return 'Cannot reach the server. The network seems to be down: check your connection and try again.';
  }
  const what = {
    send: 'The code could not be sent.',
    verify: 'The code could not be checked.',
    resend: 'A new code could not be sent.',
    refresh: 'The token could not be refreshed.',
    signout: 'Signing out did not finish.',
    load: 'The demo could not start.',
  }[action] ?? 'Something went wrong.';
  return `${what} Please try again.`;
}
