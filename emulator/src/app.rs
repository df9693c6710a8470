//! The shared application: configuration, keys, state and the operations every
//! backend module uses (send a code, check a code, register a user, issue and check
//! tokens). Handlers hold the state lock only briefly and never across an `.await`.

use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::codes::{self, Check, CodeCheck, CodeRequest, Issued, Refusal};
use crate::config::Config;
use crate::db::Db;
use crate::store::{handle_key, Provider, State, Stats, TokenKind, TokenRecord, User};
use crate::tokens::{Claims, Keys, ISSUER};

/// Everything a request handler can reach.
#[derive(Debug)]
pub struct App {
    /// The configuration.
    pub cfg: Config,
    /// Signing keys.
    pub keys: Keys,
    state: Mutex<State>,
    db: Option<Mutex<Db>>,
}

/// Unix milliseconds now.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A number as the emulator understands it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number {
    /// `+491747707607`
    pub e164: String,
    /// `49`
    pub calling_code: u16,
    /// `1747707607`
    pub national: String,
    /// `DE`, if known.
    pub region: Option<&'static str>,
}

/// Parses a number with the library's parser (no default region: callers pass `+…`).
pub fn parse_number(input: &str) -> Option<Number> {
    let n = phone_auth::PhoneNumber::parse(input, None).ok()?;
    Some(Number {
        e164: n.e164(),
        calling_code: n.country_calling_code(),
        national: n.national_number().to_owned(),
        region: n.region(),
    })
}

impl App {
    /// Assembles the application around loaded state.
    pub fn new(cfg: Config, keys: Keys, state: State, db: Option<Db>) -> App {
        App {
            cfg,
            keys,
            state: Mutex::new(state),
            db: db.map(Mutex::new),
        }
    }

    /// Locks the state (a poisoned lock is recovered: the state stays consistent
    /// because no handler panics while holding it).
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn persist(&self, what: &str, f: impl FnOnce(&Db) -> rusqlite::Result<()>) {
        if let Some(db) = &self.db {
            let db = db.lock().unwrap_or_else(|e| e.into_inner());
            if let Err(e) = f(&db) {
                self.cfg
                    .logger
                    .line(&format!("data file: could not save {what}: {e}"));
            }
        }
    }

    /// The fixed code of a configured test number.
    pub fn fixed_code(&self, e164: &str) -> Option<&str> {
        self.cfg.test_numbers.get(e164).map(String::as_str)
    }

    /// Sends a code (or refuses), printing the deliberate SMS line.
    pub fn send_code(
        &self,
        provider: Provider,
        number: &Number,
        to: &str,
        client: IpAddr,
        nature: u8,
    ) -> Result<Issued, Refusal> {
        let req = CodeRequest {
            provider,
            e164: &number.e164,
            to,
            client,
            nature,
            fixed_code: self.fixed_code(&number.e164),
        };
        let issued = codes::request_code(
            &mut self.state(),
            &self.cfg.limits,
            millis(self.cfg.code_ttl),
            self.cfg.sms_log_cap,
            &req,
            now_ms(),
        )?;
        if let Some(sms) = &issued.sms {
            // The one log line allowed to carry a code: it is the emulator's SMS.
            self.cfg.logger.line(&format!(
                "SMS {} {} code {}",
                sms.provider, sms.to, sms.code
            ));
        }
        Ok(issued)
    }

    /// Checks a code.
    pub fn check_code(
        &self,
        provider: Provider,
        e164: &str,
        challenge_id: Option<&str>,
        nature: u8,
        submitted: &str,
    ) -> Check {
        let check = CodeCheck {
            provider,
            e164,
            challenge_id,
            nature,
            submitted,
            fixed_code: self.fixed_code(e164),
        };
        codes::check_code(&mut self.state(), self.cfg.max_attempts, &check, now_ms())
    }

    /// The user of `provider` with this number, if registered.
    pub fn user(&self, provider: Provider, e164: &str) -> Option<User> {
        self.state().user(provider, e164).cloned()
    }

    /// The user with this id (any provider).
    pub fn user_by_id(&self, provider: Provider, id: i64) -> Option<User> {
        self.state()
            .users
            .values()
            .find(|u| u.provider == provider && u.id == id)
            .map(|u| User::clone(u))
    }

    /// Registers the number with `provider` (idempotent); returns the user and whether
    /// it was created now.
    pub fn register(&self, provider: Provider, e164: &str) -> (User, bool) {
        let user = {
            let mut state = self.state();
            if let Some(user) = state.user(provider, e164) {
                return (user.clone(), false);
            }
            state.last_user_id = state.last_user_id.saturating_add(1);
            let user = User {
                id: state.last_user_id,
                provider,
                e164: e164.to_owned(),
                username: codes::random_id().chars().take(8).collect(),
                password_hash: None,
                email: None,
                email_status: "none",
                device_token: None,
                created_at: now_ms(),
            };
            state
                .users
                .insert((provider, e164.to_owned()), Box::new(user.clone()));
            user
        };
        self.persist("user", |db| db.save_user(&user));
        (user, true)
    }

    /// Applies `change` to a registered user and saves it.
    pub fn update_user(
        &self,
        provider: Provider,
        e164: &str,
        change: impl FnOnce(&mut User),
    ) -> Option<User> {
        let user = {
            let mut state = self.state();
            let user = state.users.get_mut(&(provider, e164.to_owned()))?;
            change(user);
            User::clone(user)
        };
        self.persist("user", |db| db.save_user(&user));
        Some(user)
    }

    /// Issues an access token for a user.
    pub fn issue_user_token(&self, user: &User) -> Option<String> {
        self.issue(
            user.provider,
            TokenKind::User,
            user.id.to_string(),
            Some(user.e164.clone()),
        )
    }

    /// Issues GIZO's company (admin/app) token.
    pub fn issue_company_token(&self) -> Option<String> {
        self.issue(
            Provider::Gizo,
            TokenKind::Company,
            self.cfg.client_id.clone(),
            None,
        )
    }

    fn issue(
        &self,
        provider: Provider,
        kind: TokenKind,
        sub: String,
        phone: Option<String>,
    ) -> Option<String> {
        let now_s = now_ms() / 1000;
        let jti = codes::random_id();
        let exp = now_s.saturating_add(self.cfg.token_ttl.as_secs().max(1));
        let claims = Claims {
            sub,
            iat: now_s,
            exp,
            iss: ISSUER.into(),
            provider: provider.as_str().into(),
            phone: phone.clone(),
            kind: kind.as_str().into(),
            jti: jti.clone(),
        };
        let token = self.keys.sign(&claims)?;
        let record = TokenRecord {
            provider,
            subject: phone.unwrap_or(claims.sub),
            kind,
            exp,
        };
        let key = handle_key(&jti)?;
        self.state().tokens.insert(key, exp);
        self.persist("token", |db| db.save_token(&jti, &record));
        Some(token)
    }

    /// Checks a bearer token: signature, issuer, expiry, provider, kind, that it was
    /// issued here and not revoked (its record is live), and (for user tokens) that the
    /// user still exists.
    pub fn authorize(&self, token: &str, provider: Provider, kind: TokenKind) -> Option<Claims> {
        let claims = self.keys.verify(token, now_ms() / 1000)?;
        if claims.provider != provider.as_str() || claims.kind != kind.as_str() {
            return None;
        }
        let state = self.state();
        state.tokens.get(&handle_key(&claims.jti)?)?;
        if kind == TokenKind::User {
            state.user(provider, claims.phone.as_deref()?)?;
        }
        Some(claims)
    }

    /// Revokes a token by `jti`: its record goes (memory and data file), so the bearer
    /// is refused from now on and a logged-out session costs nothing.
    pub fn revoke(&self, jti: &str) {
        let Some(key) = handle_key(jti) else {
            return;
        };
        if self.state().tokens.remove(&key).is_some() {
            self.persist("token", |db| db.delete_token(jti));
        }
    }

    /// Forgets everything (`DELETE /__emulator/state`).
    pub fn wipe(&self) {
        *self.state() = State::default();
        self.persist("wipe", Db::wipe);
    }

    /// Periodic clean-up of dead entries (the server calls it every 2 s; see
    /// [`State::sweep`]). Every 15th run also deletes expired tokens from the data file.
    /// Returns how many entries went from memory.
    pub fn sweep(&self) -> u64 {
        let limits = &self.cfg.limits;
        let now = now_ms();
        let (purged, runs) = {
            let mut state = self.state();
            let started = std::time::Instant::now();
            let purged = state.sweep(now, millis(limits.resend_cooldown), millis(limits.window));
            let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
            state.sweeps.last_micros = micros;
            state.sweeps.max_micros = state.sweeps.max_micros.max(micros);
            (purged, state.sweeps.runs)
        };
        if runs % 15 == 1 {
            self.persist("expired tokens", |db| db.delete_expired_tokens(now / 1000));
        }
        purged
    }

    /// What the emulator holds, by kind (`GET /__emulator/stats`).
    pub fn stats(&self) -> Stats {
        self.state().stats(self.cfg.max_attempts)
    }
}

/// Salted SHA-256 of a password, `salt$hex`.
pub fn hash_password(password: &str) -> String {
    let salt = codes::random_id();
    format!("{salt}${}", sha256_hex(&salt, password))
}

/// Whether `password` matches a [`hash_password`] result (constant-time on the digest).
pub fn password_matches(stored: &str, password: &str) -> bool {
    let Some((salt, digest)) = stored.split_once('$') else {
        return false;
    };
    codes::codes_match(digest, &sha256_hex(salt, password))
}

fn sha256_hex(salt: &str, password: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0u8]);
    h.update(password.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
