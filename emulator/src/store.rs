//! The emulator's state: users, outstanding codes, sent SMS, issued tokens.
//!
//! Plain data behind one mutex ([`crate::App::state`]); no IO here. Persistence of users
//! and tokens lives in [`crate::db`].

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use serde::Serialize;

/// The four backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// GIZO (`/api/…`).
    Gizo,
    /// Arita (`/app/auth/…`).
    Arita,
    /// Monetha (`/mth/v1/users/…`).
    Monetha,
    /// SSO v1 (`/sso/…`).
    Sso,
}

impl Provider {
    /// Lower-case name, as in SMS lines and token claims.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Gizo => "gizo",
            Provider::Arita => "arita",
            Provider::Monetha => "monetha",
            Provider::Sso => "sso",
        }
    }

    /// Parses [`Provider::as_str`].
    pub fn from_name(s: &str) -> Option<Provider> {
        match s {
            "gizo" => Some(Provider::Gizo),
            "arita" => Some(Provider::Arita),
            "monetha" => Some(Provider::Monetha),
            "sso" => Some(Provider::Sso),
            _ => None,
        }
    }

    /// Digits in this provider's codes (see docs/wire.md).
    pub fn code_len(self) -> usize {
        match self {
            Provider::Gizo => 5,
            Provider::Arita => 4,
            Provider::Monetha | Provider::Sso => 6,
        }
    }
}

/// A registered user of one provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Numeric id, unique over all providers.
    pub id: i64,
    /// Which backend knows this user.
    pub provider: Provider,
    /// The number in E.164.
    pub e164: String,
    /// A generated user name (Arita's `username/info`).
    pub username: String,
    /// Salted SHA-256 of the password (Arita), hex; `None` until one is set.
    pub password_hash: Option<String>,
    /// E-mail address (SSO, Arita), if any.
    pub email: Option<String>,
    /// SSO e-mail status: `none`, `pending` or `confirmed` (one of three constants, not a
    /// string per user).
    pub email_status: &'static str,
    /// Arita's device token, if uploaded.
    pub device_token: Option<String>,
    /// Unix ms of sign-up.
    pub created_at: u64,
}

/// The 128 bits of a random handle (`jti`, SSO `authCode`: 32 hex digits, from
/// [`crate::codes::random_id`]) as a map key without a heap allocation; `None` for anything
/// else (which then matches nothing).
pub fn handle_key(handle: &str) -> Option<u128> {
    if handle.len() != 32 || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u128::from_str_radix(handle, 16).ok()
}

/// [`User::email_status`] for a stored name (unknown names read as `none`).
pub fn email_status(name: &str) -> &'static str {
    match name {
        "pending" => "pending",
        "confirmed" => "confirmed",
        _ => "none",
    }
}

/// An outstanding code for one provider and number.
#[derive(Clone, PartialEq, Eq)]
pub struct Challenge {
    /// Random handle bound into challenge tokens (Arita `otpToken`, Monetha `verification_token`).
    pub id: String,
    /// The digits.
    pub code: String,
    /// Unix ms after which the code is expired.
    pub expires_at: u64,
    /// Wrong tries so far.
    pub attempts: u32,
    /// Arita's OTP nature (1 login, 2 sign-up, 3 reset…); 0 elsewhere.
    pub nature: u8,
}

impl std::fmt::Debug for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Challenge")
            .field("expires_at", &self.expires_at)
            .field("attempts", &self.attempts)
            .field("nature", &self.nature)
            .finish_non_exhaustive()
    }
}

/// One "sent" SMS, as `/__emulator/sms` lists it (its Debug form leaves the code out).
#[derive(Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Sms {
    /// `gizo`, `arita`, `monetha` or `sso`.
    pub provider: &'static str,
    /// The number as the client sent it.
    pub to: String,
    /// The number in E.164.
    pub e164: String,
    /// The code.
    pub code: String,
    /// Unix ms.
    pub sent_at: u64,
}

impl std::fmt::Debug for Sms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sms")
            .field("provider", &self.provider)
            .field("to", &self.to)
            .field("sent_at", &self.sent_at)
            .finish_non_exhaustive()
    }
}

/// What kind of bearer a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A signed-in user's access token.
    User,
    /// GIZO's company (admin/app) token from `company/access-token`.
    Company,
}

impl TokenKind {
    /// Name used in claims and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::User => "user",
            TokenKind::Company => "company",
        }
    }
    /// Parses [`TokenKind::as_str`].
    pub fn from_name(s: &str) -> Option<TokenKind> {
        match s {
            "user" => Some(TokenKind::User),
            "company" => Some(TokenKind::Company),
            _ => None,
        }
    }
}

/// An issued token as the data file keeps it (in memory only its `jti` and expiry are
/// kept, in [`State::tokens`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    /// Issuing provider.
    pub provider: Provider,
    /// Subject: the user's E.164 number, or the GIZO client id for company tokens.
    pub subject: String,
    /// User or company token.
    pub kind: TokenKind,
    /// Unix seconds.
    pub exp: u64,
}

/// An SSO `authCode` handed out by `/sso/auth`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthCode {
    /// The number it was issued to.
    pub e164: String,
    /// Unix ms.
    pub expires_at: u64,
}

/// A "sent" e-mail (SSO opt-in), listed at `/__emulator/mail`.
#[derive(Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Mail {
    /// Recipient.
    pub to: String,
    /// The opt-in code `c` for `PATCH /sso/email-optin`.
    pub optin_code: String,
    /// Unix ms.
    pub sent_at: u64,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("sent_at", &self.sent_at)
            .finish_non_exhaustive()
    }
}

/// All mutable state (its Debug form shows sizes only: keys include auth codes).
#[derive(Default)]
pub struct State {
    /// Outstanding codes by provider and E.164 number.
    pub challenges: HashMap<(Provider, String), Challenge>,
    /// When a code was last sent, by provider and number (resend cooldown).
    pub last_sent: HashMap<(Provider, String), u64>,
    /// Send times per number within the rate window.
    pub number_sends: HashMap<String, VecDeque<u64>>,
    /// Code-request times per client within the rate window.
    pub client_sends: HashMap<IpAddr, VecDeque<u64>>,
    /// Sent SMS, oldest first, capped (write through [`State::log_sms`]).
    pub sms: VecDeque<Sms>,
    /// The sequence number of `sms.front()` (each logged SMS gets the next one).
    pub sms_first_seq: u64,
    /// Sequence numbers of the logged SMS by E.164 number, oldest first: the inbox lookup
    /// of one number ([`State::sms_to`]) does not scan the whole log under the lock (it
    /// did, and p99 grew with the log), and the log is not stored twice.
    pub sms_by_number: HashMap<String, VecDeque<u64>>,
    /// Registered users. Boxed: the table's slots stay small (key and pointer, 40 bytes),
    /// so its doublings as users are added cost a fifth of what inline users cost (and
    /// the old and new tables coexist for the moment of a doubling).
    pub users: HashMap<(Provider, String), Box<User>>,
    /// Last user id handed out.
    pub last_user_id: i64,
    /// Live issued tokens: expiry (unix seconds) by `jti` ([`handle_key`]). A logout
    /// removes the entry (a bearer without one is refused), the sweep removes it once
    /// expired. Provider, kind and subject are in the signed claims; nothing else is needed.
    pub tokens: HashMap<u128, u64>,
    /// SSO auth codes, by [`handle_key`] of the code.
    pub auth_codes: HashMap<u128, AuthCode>,
    /// Sent opt-in mails, oldest first, capped.
    pub mail: VecDeque<Mail>,
    /// What the sweeps did so far (for [`State::stats`]).
    pub sweeps: SweepTotals,
}

/// Running totals of [`State::sweep`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SweepTotals {
    /// Sweeps run.
    pub runs: u64,
    /// Entries removed over all sweeps (codes, marks, windows, tokens, auth codes).
    pub purged: u64,
    /// Microseconds the last sweep held the state (set by the caller that times it).
    pub last_micros: u64,
    /// The longest sweep so far, microseconds.
    pub max_micros: u64,
}

/// How much the emulator holds, by kind (`GET /__emulator/stats`, [`crate::app::App::stats`]).
/// Everything but `users` is bounded by what is live: codes by `--code-ttl`, cooldown
/// marks and rate windows by their durations (nothing when a limit is off), tokens and
/// SSO auth codes by `--token-ttl`, the SMS and mail logs by `--sms-log-cap`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Registered users (data: never purged).
    pub users: usize,
    /// Outstanding codes (used ones are removed at once, expired ones by the sweep).
    pub pending_codes: usize,
    /// Of those, codes killed by wrong tries (kept until their expiry so that further
    /// tries keep answering "too many attempts").
    pub dead_codes: usize,
    /// Resend-cooldown marks (provider and number).
    pub cooldown_marks: usize,
    /// Numbers with sends inside the per-number rate window.
    pub number_windows: usize,
    /// Client addresses with requests inside the per-client rate window.
    pub client_windows: usize,
    /// Live issued tokens (revoked and expired ones are gone).
    pub tokens: usize,
    /// Live SSO auth codes.
    pub auth_codes: usize,
    /// SMS in the log.
    pub sms: usize,
    /// Numbers in the SMS log's index.
    pub sms_numbers: usize,
    /// Mails in the log.
    pub mail: usize,
    /// Sweep totals.
    pub sweeps: SweepTotals,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("challenges", &self.challenges.len())
            .field("sms", &self.sms.len())
            .field("users", &self.users.len())
            .field("tokens", &self.tokens.len())
            .finish_non_exhaustive()
    }
}

impl State {
    /// Appends to the SMS log and its index, dropping the oldest beyond `cap`.
    pub fn log_sms(&mut self, sms: Sms, cap: usize) {
        let seq = self.sms_first_seq + self.sms.len() as u64;
        self.sms_by_number
            .entry(sms.e164.clone())
            .or_default()
            .push_back(seq);
        self.sms.push_back(sms);
        while self.sms.len() > cap.max(1) {
            let Some(old) = self.sms.pop_front() else {
                break;
            };
            self.sms_first_seq += 1;
            if let Some(list) = self.sms_by_number.get_mut(&old.e164) {
                list.pop_front();
                if list.is_empty() {
                    self.sms_by_number.remove(&old.e164);
                }
            }
        }
    }

    /// The logged SMS to `e164`, oldest first.
    pub fn sms_to(&self, e164: &str) -> Vec<&Sms> {
        let Some(seqs) = self.sms_by_number.get(e164) else {
            return Vec::new();
        };
        seqs.iter()
            .filter_map(|seq| {
                let i = usize::try_from(seq.checked_sub(self.sms_first_seq)?).ok()?;
                self.sms.get(i)
            })
            .collect()
    }

    /// The user of `provider` with number `e164`.
    pub fn user(&self, provider: Provider, e164: &str) -> Option<&User> {
        self.users.get(&(provider, e164.to_owned())).map(|u| &**u)
    }

    /// Drops everything that can no longer matter at `now` (unix ms): expired codes
    /// (dead ones included), cooldown marks, rate-window entries, expired tokens and auth
    /// codes, and gives back map capacity left by a burst. Returns how many entries went.
    ///
    /// One pass over the live entries: the server runs it on a timer (every 2 s), never
    /// per request, so its cost is amortised over the requests of that interval.
    pub fn sweep(&mut self, now: u64, cooldown_ms: u64, window_ms: u64) -> u64 {
        let before = self.live_entries();
        self.challenges.retain(|_, c| c.expires_at > now);
        self.last_sent
            .retain(|_, at| now.saturating_sub(*at) < cooldown_ms);
        let keep_window = |times: &mut VecDeque<u64>| {
            times.retain(|t| now.saturating_sub(*t) < window_ms);
            !times.is_empty()
        };
        self.number_sends.retain(|_, t| keep_window(t));
        self.client_sends.retain(|_, t| keep_window(t));
        let now_s = now / 1000;
        self.tokens.retain(|_, exp| *exp > now_s);
        self.auth_codes.retain(|_, a| a.expires_at > now);
        shrink(&mut self.challenges);
        shrink(&mut self.last_sent);
        shrink(&mut self.number_sends);
        shrink(&mut self.client_sends);
        shrink(&mut self.tokens);
        shrink(&mut self.auth_codes);
        shrink(&mut self.sms_by_number);
        let purged = before.saturating_sub(self.live_entries()) as u64;
        self.sweeps.runs += 1;
        self.sweeps.purged += purged;
        purged
    }

    fn live_entries(&self) -> usize {
        self.challenges.len()
            + self.last_sent.len()
            + self.number_sends.len()
            + self.client_sends.len()
            + self.tokens.len()
            + self.auth_codes.len()
    }

    /// Counts of what is held, by kind.
    pub fn stats(&self, max_attempts: u32) -> Stats {
        Stats {
            users: self.users.len(),
            pending_codes: self.challenges.len(),
            dead_codes: self
                .challenges
                .values()
                .filter(|c| c.attempts >= max_attempts)
                .count(),
            cooldown_marks: self.last_sent.len(),
            number_windows: self.number_sends.len(),
            client_windows: self.client_sends.len(),
            tokens: self.tokens.len(),
            auth_codes: self.auth_codes.len(),
            sms: self.sms.len(),
            sms_numbers: self.sms_by_number.len(),
            mail: self.mail.len(),
            sweeps: self.sweeps,
        }
    }
}

/// Gives back most of a map's capacity once it holds under an eighth of it (a burst
/// passed), so memory follows the live load down as well as up; the wide margin (and the
/// room left, four times the entries) keeps a load that merely wavers from reallocating.
fn shrink<K: Eq + std::hash::Hash, V>(map: &mut HashMap<K, V>) {
    if map.capacity() > 1024 && map.len() < map.capacity() / 8 {
        map.shrink_to(map.len() * 4);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sms(e164: &str, code: &str) -> Sms {
        Sms {
            provider: "sso",
            to: e164.to_owned(),
            e164: e164.to_owned(),
            code: code.to_owned(),
            sent_at: 0,
        }
    }

    #[test]
    fn the_sweep_drops_what_expired_and_gives_back_capacity() {
        let mut s = State::default();
        for i in 0..10_000u64 {
            let key = (Provider::Sso, format!("+49{i}"));
            let challenge = Challenge {
                id: String::new(),
                code: String::new(),
                expires_at: 1000 + i % 2 * 1000,
                attempts: 0,
                nature: 0,
            };
            s.challenges.insert(key, challenge);
            s.tokens.insert(u128::from(i), 1 + i % 2);
        }
        assert_eq!(s.sweep(999, 0, 0), 0);
        assert_eq!(s.sweep(1000, 0, 0), 10_000, "half the codes and tokens");
        assert_eq!((s.challenges.len(), s.tokens.len()), (5000, 5000));
        assert_eq!(s.sweep(2000, 0, 0), 10_000);
        assert!(s.challenges.capacity() <= 1024 && s.tokens.capacity() <= 1024);
        assert_eq!(s.sweeps.runs, 3);
        assert_eq!(s.sweeps.purged, 20_000);
    }

    /// `cargo test --release -p phone-auth-emulator --lib sweep_cost -- --ignored --nocapture`
    #[test]
    #[ignore = "a measurement, not a check"]
    fn sweep_cost() {
        let mut s = State::default();
        let n = 1_000_000u64;
        for i in 0..n {
            s.tokens.insert(u128::from(i) << 64 | 7, 100 + i % 2);
            if i % 2 == 0 {
                let code = AuthCode {
                    e164: format!("+49151{i:08}"),
                    expires_at: 100_000 + i % 2,
                };
                s.auth_codes.insert(u128::from(i), code);
            }
        }
        for (label, now) in [("nothing expired", 50_000), ("half expired", 100_500)] {
            let t = std::time::Instant::now();
            let purged = s.sweep(now, 0, 0);
            println!("{label}: {purged} purged in {:?}", t.elapsed());
        }
    }

    #[test]
    fn handles_are_keys_and_anything_else_matches_nothing() {
        let id = crate::codes::random_id();
        let key = handle_key(&id).unwrap();
        assert_eq!(format!("{key:032x}"), id);
        for bad in [
            "",
            "xyz",
            &id[1..],
            &format!("{id}0"),
            &format!("+{}", &id[1..]),
        ] {
            assert_eq!(handle_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_index_follows_the_capped_log() {
        let mut s = State::default();
        s.log_sms(sms("+491", "1"), 3);
        s.log_sms(sms("+492", "2"), 3);
        s.log_sms(sms("+491", "3"), 3);
        s.log_sms(sms("+493", "4"), 3); // evicts "1"
        let codes =
            |n: &str| -> Vec<String> { s.sms_to(n).iter().map(|m| m.code.clone()).collect() };
        assert_eq!(codes("+491"), ["3"]);
        s.log_sms(sms("+494", "5"), 3); // evicts "2": its number leaves the index
        assert!(!s.sms_by_number.contains_key("+492"));
        let in_log: usize = s.sms_by_number.values().map(VecDeque::len).sum();
        assert_eq!(in_log, s.sms.len());
        assert_eq!(s.sms.len(), 3);
    }
}
