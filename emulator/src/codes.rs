//! One-time codes: generation (CSPRNG), the send rules (cooldown, per-number and
//! per-client limits) and the check rules (expiry, attempts, single use, constant time).
//!
//! Pure functions over [`State`]; `now` (unix ms) is always an argument.

use std::collections::VecDeque;
use std::net::IpAddr;

use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use subtle::ConstantTimeEq;

use crate::config::RateLimits;
use crate::store::{Challenge, Provider, Sms, State};

/// A fresh code of `len` digits from the operating system's CSPRNG. With
/// `no_leading_zero` the first digit is 1–9 (Arita sends codes as JSON integers).
pub fn generate(len: usize, no_leading_zero: bool) -> String {
    let mut rng = OsRng;
    (0..len)
        .map(|i| {
            let low = u8::from(i == 0 && no_leading_zero);
            char::from(b'0' + rng.gen_range(low..10))
        })
        .collect()
}

/// A random URL-safe handle (128 bits, hex).
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares a submitted code with the expected one in constant time (for equal lengths;
/// a length mismatch is rejected without looking at the digits).
pub fn codes_match(expected: &str, submitted: &str) -> bool {
    bool::from(expected.as_bytes().ct_eq(submitted.as_bytes()))
}

/// Why a code was not sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The same provider sent this number a code less than the cooldown ago.
    Cooldown {
        /// Whole seconds until a new code may be requested (at least 1).
        retry_after: u64,
    },
    /// This number received its quota of codes for the window.
    NumberLimit {
        /// Whole seconds until the oldest counted send leaves the window.
        retry_after: u64,
    },
    /// This client made its quota of code requests for the window.
    ClientLimit {
        /// Whole seconds until the oldest counted request leaves the window.
        retry_after: u64,
    },
}

impl Refusal {
    /// Seconds for `Retry-After`.
    pub fn retry_after(self) -> u64 {
        match self {
            Refusal::Cooldown { retry_after }
            | Refusal::NumberLimit { retry_after }
            | Refusal::ClientLimit { retry_after } => retry_after,
        }
    }
}

/// A code request.
#[derive(Clone, Debug)]
pub struct CodeRequest<'a> {
    /// Which backend.
    pub provider: Provider,
    /// The number in E.164.
    pub e164: &'a str,
    /// The number as the client wrote it.
    pub to: &'a str,
    /// The requesting client.
    pub client: IpAddr,
    /// Arita's OTP nature, 0 elsewhere.
    pub nature: u8,
    /// The fixed code if this is a configured test number.
    pub fixed_code: Option<&'a str>,
}

/// A code that was issued.
#[derive(Clone, PartialEq, Eq)]
pub struct Issued {
    /// The challenge handle to bind into a challenge token.
    pub challenge_id: String,
    /// The SMS that was "sent" (`None` for test numbers, which send nothing).
    pub sms: Option<Sms>,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("sms", &self.sms)
            .finish_non_exhaustive()
    }
}

fn ceil_secs(ms: u64) -> u64 {
    ms.div_ceil(1000).max(1)
}

fn window_refusal(times: Option<&VecDeque<u64>>, max: u32, window: u64, now: u64) -> Option<u64> {
    if max == 0 {
        return None;
    }
    let times = times?;
    let mut count = 0usize;
    let mut oldest: Option<u64> = None;
    for t in times.iter().filter(|t| now.saturating_sub(**t) < window) {
        count += 1;
        oldest = Some(oldest.map_or(*t, |o| o.min(*t)));
    }
    if count < max as usize {
        return None;
    }
    let oldest = oldest.unwrap_or(now);
    Some(ceil_secs((oldest + window).saturating_sub(now)))
}

/// Records a send at `now`, dropping what left the window. At most `max` times are kept:
/// the limit never needs more (a disabled limit, `max == 0`, records nothing at all).
fn record(times: &mut VecDeque<u64>, now: u64, window: u64, max: u32) {
    while times
        .front()
        .is_some_and(|t| now.saturating_sub(*t) >= window)
    {
        times.pop_front();
    }
    times.push_back(now);
    while times.len() > max as usize {
        times.pop_front();
    }
}

/// Applies the send rules and, if they allow, stores a new challenge (replacing any
/// outstanding one for the same provider and number) and records the SMS.
///
/// Test numbers bypass the cooldown and both limits and send no SMS.
pub fn request_code(
    state: &mut State,
    limits: &RateLimits,
    code_ttl_ms: u64,
    sms_cap: usize,
    req: &CodeRequest<'_>,
    now: u64,
) -> Result<Issued, Refusal> {
    let key = (req.provider, req.e164.to_owned());
    let window = u64::try_from(limits.window.as_millis()).unwrap_or(u64::MAX);
    let cooldown = u64::try_from(limits.resend_cooldown.as_millis()).unwrap_or(u64::MAX);
    if req.fixed_code.is_none() {
        if let Some(last) = state.last_sent.get(&key) {
            let since = now.saturating_sub(*last);
            if since < cooldown {
                return Err(Refusal::Cooldown {
                    retry_after: ceil_secs(cooldown - since),
                });
            }
        }
        if let Some(retry_after) = window_refusal(
            state.client_sends.get(&req.client),
            limits.per_client,
            window,
            now,
        ) {
            return Err(Refusal::ClientLimit { retry_after });
        }
        if let Some(retry_after) = window_refusal(
            state.number_sends.get(req.e164),
            limits.per_number,
            window,
            now,
        ) {
            return Err(Refusal::NumberLimit { retry_after });
        }
        // A disabled limit keeps no per-client or per-number history: nothing to purge.
        if limits.per_client > 0 {
            let times = state.client_sends.entry(req.client).or_default();
            record(times, now, window, limits.per_client);
        }
        if limits.per_number > 0 {
            let times = state.number_sends.entry(req.e164.to_owned()).or_default();
            record(times, now, window, limits.per_number);
        }
        if cooldown > 0 {
            state.last_sent.insert(key.clone(), now);
        }
    }
    let code = match req.fixed_code {
        Some(fixed) => fixed.to_owned(),
        None => generate(req.provider.code_len(), req.provider == Provider::Arita),
    };
    let challenge_id = random_id();
    let sms = req.fixed_code.is_none().then(|| Sms {
        provider: req.provider.as_str(),
        to: req.to.to_owned(),
        e164: req.e164.to_owned(),
        code: code.clone(),
        sent_at: now,
    });
    state.challenges.insert(
        key,
        Challenge {
            id: challenge_id.clone(),
            code,
            expires_at: now.saturating_add(code_ttl_ms),
            attempts: 0,
            nature: req.nature,
        },
    );
    if let Some(sms) = &sms {
        state.log_sms(sms.clone(), sms_cap);
    }
    Ok(Issued { challenge_id, sms })
}

/// The result of checking a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Right code: the challenge is consumed.
    Accepted,
    /// Wrong code; the challenge stays, one attempt used.
    Wrong,
    /// No live challenge: never sent, already used, expired, or replaced by a newer code.
    Expired,
    /// The attempts limit is reached: the code is dead even if right.
    TooManyAttempts,
}

/// What the verify call presents.
#[derive(Clone, Copy, Debug)]
pub struct CodeCheck<'a> {
    /// Which backend.
    pub provider: Provider,
    /// The number in E.164.
    pub e164: &'a str,
    /// The challenge handle from a challenge token, where the provider has one.
    pub challenge_id: Option<&'a str>,
    /// Arita's expected nature for this verify endpoint (0 elsewhere).
    pub nature: u8,
    /// The submitted digits.
    pub submitted: &'a str,
    /// The fixed code if this is a configured test number.
    pub fixed_code: Option<&'a str>,
}

/// Checks a submitted code at `now`.
///
/// Test numbers always accept their fixed code (and never die of wrong tries).
pub fn check_code(state: &mut State, max_attempts: u32, check: &CodeCheck<'_>, now: u64) -> Check {
    let key = (check.provider, check.e164.to_owned());
    if let Some(fixed) = check.fixed_code {
        return if codes_match(fixed, check.submitted) {
            state.challenges.remove(&key);
            Check::Accepted
        } else {
            Check::Wrong
        };
    }
    let Some(challenge) = state.challenges.get_mut(&key) else {
        return Check::Expired;
    };
    let same_challenge = check
        .challenge_id
        .is_none_or(|id| codes_match(&challenge.id, id));
    if !same_challenge || challenge.nature != check.nature || challenge.expires_at <= now {
        return Check::Expired;
    }
    if challenge.attempts >= max_attempts {
        return Check::TooManyAttempts;
    }
    if codes_match(&challenge.code, check.submitted) {
        state.challenges.remove(&key);
        return Check::Accepted;
    }
    challenge.attempts = challenge.attempts.saturating_add(1);
    if challenge.attempts >= max_attempts {
        Check::TooManyAttempts
    } else {
        Check::Wrong
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn limits(cooldown: u64, per_number: u32, per_client: u32) -> RateLimits {
        RateLimits {
            resend_cooldown: Duration::from_secs(cooldown),
            window: Duration::from_secs(100),
            per_number,
            per_client,
        }
    }

    fn req(e164: &str) -> CodeRequest<'_> {
        CodeRequest {
            provider: Provider::Gizo,
            e164,
            to: e164,
            client: IpAddr::from([127, 0, 0, 1]),
            nature: 0,
            fixed_code: None,
        }
    }

    fn sent_code(state: &State) -> String {
        state.sms.back().map(|s| s.code.clone()).unwrap_or_default()
    }

    #[test]
    fn generated_codes_have_the_length_and_arita_has_no_leading_zero() {
        for _ in 0..500 {
            let c = generate(4, true);
            assert_eq!(c.len(), 4);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
            assert_ne!(c.as_bytes().first(), Some(&b'0'));
        }
    }

    #[test]
    fn cooldown_then_per_number_then_per_client() {
        let mut s = State::default();
        let l = limits(30, 2, 3);
        assert!(request_code(&mut s, &l, 300_000, 10, &req("+1"), 0).is_ok());
        assert_eq!(
            request_code(&mut s, &l, 300_000, 10, &req("+1"), 10_000),
            Err(Refusal::Cooldown { retry_after: 20 })
        );
        assert!(request_code(&mut s, &l, 300_000, 10, &req("+1"), 30_000).is_ok());
        assert_eq!(
            request_code(&mut s, &l, 300_000, 10, &req("+1"), 60_000),
            Err(Refusal::NumberLimit { retry_after: 40 })
        );
        assert!(request_code(&mut s, &l, 300_000, 10, &req("+2"), 60_000).is_ok());
        assert_eq!(
            request_code(&mut s, &l, 300_000, 10, &req("+3"), 61_000),
            Err(Refusal::ClientLimit { retry_after: 39 })
        );
    }

    #[test]
    fn attempts_kill_the_code_and_success_consumes_it() {
        let mut s = State::default();
        let l = limits(0, 0, 0);
        assert!(request_code(&mut s, &l, 1000, 10, &req("+1"), 0).is_ok());
        let code = sent_code(&s);
        let check = |sub: &'static str| CodeCheck {
            provider: Provider::Gizo,
            e164: "+1",
            challenge_id: None,
            nature: 0,
            submitted: sub,
            fixed_code: None,
        };
        assert_eq!(check_code(&mut s, 2, &check("x"), 1), Check::Wrong);
        assert_eq!(
            check_code(&mut s, 2, &check("y"), 1),
            Check::TooManyAttempts
        );
        let right = CodeCheck {
            submitted: &code,
            ..check("")
        };
        assert_eq!(check_code(&mut s, 2, &right, 1), Check::TooManyAttempts);
        assert!(request_code(&mut s, &l, 1000, 10, &req("+1"), 2).is_ok());
        let code = sent_code(&s);
        let right = CodeCheck {
            submitted: &code,
            ..check("")
        };
        assert_eq!(check_code(&mut s, 2, &right, 1002), Check::Expired);
        assert!(request_code(&mut s, &l, 1000, 10, &req("+1"), 2000).is_ok());
        let code = sent_code(&s);
        let right = CodeCheck {
            submitted: &code,
            ..check("")
        };
        assert_eq!(check_code(&mut s, 2, &right, 2001), Check::Accepted);
        assert_eq!(check_code(&mut s, 2, &right, 2002), Check::Expired);
    }
}
