//! The values the machine takes and gives: configuration, sessions, events.

use crate::json::{Map, Value};

use crate::error::Error;
use crate::token::SessionToken;

/// How a session gets a new token before the old one expires.
///
/// None of the four APIs has a refresh-token endpoint, so refresh is a strategy.
/// JavaScript writes it as `{ "strategy": "reverify" }` (`"callback"`,
/// `"providerNative"`; see [`RefreshStrategy::from_json`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RefreshStrategy {
    /// The user signs in again: [`Event::TokenExpiring`] when refresh is due, then
    /// [`Event::SignedOut`] at expiry.
    #[default]
    Reverify,
    /// The app's own backend issues a new token: the machine emits
    /// [`Event::RefreshNeeded`] and takes [`Machine::handle_refreshed_token`] or
    /// [`Machine::handle_refresh_failed`].
    ///
    /// [`Machine::handle_refreshed_token`]: super::Machine::handle_refreshed_token
    /// [`Machine::handle_refresh_failed`]: super::Machine::handle_refresh_failed
    Callback,
    /// The provider's own refresh request ([`crate::provider::Flow::refresh_request`]).
    ProviderNative,
}

impl RefreshStrategy {
    /// The JavaScript name: `"reverify"`, `"callback"` or `"providerNative"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RefreshStrategy::Reverify => "reverify",
            RefreshStrategy::Callback => "callback",
            RefreshStrategy::ProviderNative => "providerNative",
        }
    }

    /// Reads `{ "strategy": "reverify" | "callback" | "providerNative" }`; other members
    /// (the callback function itself) are ignored.
    pub fn from_json(v: &Value) -> Result<RefreshStrategy, String> {
        let Some(map) = v.as_object() else {
            return Err("refresh: expected an object like { strategy: 'reverify' }".into());
        };
        match map.get("strategy").and_then(Value::as_str) {
            Some("reverify") => Ok(RefreshStrategy::Reverify),
            Some("callback") => Ok(RefreshStrategy::Callback),
            Some("providerNative") => Ok(RefreshStrategy::ProviderNative),
            _ => {
                Err("refresh.strategy: expected 'reverify', 'callback' or 'providerNative'".into())
            }
        }
    }
}

/// The local rules of the machine. Every field has a default, so `{}` is a valid
/// configuration in JSON ([`Config::from_json`]); durations are seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Seconds between two code requests for the same number (default 30).
    pub resend_cooldown_secs: u64,
    /// Seconds a code stays valid when the provider does not say (default 300).
    pub code_ttl_secs: u64,
    /// Wrong codes allowed per sent code (default 5).
    pub max_attempts: u32,
    /// Seconds before the local expiry at which refresh is due (default 60).
    pub refresh_margin_secs: u64,
    /// How a token is refreshed (default [`RefreshStrategy::Reverify`]).
    pub refresh: RefreshStrategy,
    /// Lifetime of an opaque (non-JWT) token; `None` (the default): no local expiry.
    pub opaque_token_lifetime_secs: Option<u64>,
    /// Region for numbers typed without a country code (e.g. `"DE"`), used by the client.
    pub default_region: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            resend_cooldown_secs: 30,
            code_ttl_secs: 300,
            max_attempts: 5,
            refresh_margin_secs: 60,
            refresh: RefreshStrategy::Reverify,
            opaque_token_lifetime_secs: None,
            default_region: None,
        }
    }
}

impl Config {
    /// Reads the JavaScript options object (the whole `AuthClient` options: members it
    /// does not know are ignored). Every member is optional; durations are seconds:
    ///
    /// | JS option | field |
    /// |---|---|
    /// | `resendCooldownSeconds` | [`Config::resend_cooldown_secs`] |
    /// | `codeTtlSeconds` | [`Config::code_ttl_secs`] |
    /// | `maxAttempts` | [`Config::max_attempts`] |
    /// | `refreshMarginSeconds` | [`Config::refresh_margin_secs`] |
    /// | `refresh` | [`Config::refresh`] ([`RefreshStrategy::from_json`]) |
    /// | `opaqueTokenLifetimeSeconds` | [`Config::opaque_token_lifetime_secs`] (`null`: none) |
    /// | `defaultCountry` | [`Config::default_region`] (`null`: none) |
    ///
    /// The error names the wrong member, e.g. `"maxAttempts: expected a non-negative
    /// integer"`.
    pub fn from_json(v: &Value) -> Result<Config, String> {
        let Some(map) = v.as_object() else {
            return Err("options: expected an object".into());
        };
        let mut c = Config::default();
        if let Some(n) = map.get("resendCooldownSeconds") {
            c.resend_cooldown_secs = count(n, "resendCooldownSeconds")?;
        }
        if let Some(n) = map.get("codeTtlSeconds") {
            c.code_ttl_secs = count(n, "codeTtlSeconds")?;
        }
        if let Some(n) = map.get("maxAttempts") {
            c.max_attempts = u32::try_from(count(n, "maxAttempts")?)
                .map_err(|_| String::from("maxAttempts: too large"))?;
        }
        if let Some(n) = map.get("refreshMarginSeconds") {
            c.refresh_margin_secs = count(n, "refreshMarginSeconds")?;
        }
        if let Some(r) = map.get("refresh") {
            c.refresh = RefreshStrategy::from_json(r)?;
        }
        match map.get("opaqueTokenLifetimeSeconds") {
            None | Some(Value::Null) => {}
            Some(n) => {
                c.opaque_token_lifetime_secs = Some(count(n, "opaqueTokenLifetimeSeconds")?);
            }
        }
        match map.get("defaultCountry") {
            None | Some(Value::Null) => {}
            Some(Value::String(region)) => c.default_region = Some(region.clone()),
            Some(_) => return Err("defaultCountry: expected a string".into()),
        }
        Ok(c)
    }
}

/// A non-negative integer option.
fn count(v: &Value, name: &str) -> Result<u64, String> {
    v.as_u64().ok_or_else(|| {
        let mut m = String::from(name);
        m.push_str(": expected a non-negative integer");
        m
    })
}

/// The kind of session token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenType {
    /// A JWT, decoded for display and timing.
    Jwt,
    /// Any other string; the server alone knows when it expires.
    Opaque,
}

impl TokenType {
    /// The JavaScript name: `"jwt"` or `"opaque"`.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenType::Jwt => "jwt",
            TokenType::Opaque => "opaque",
        }
    }
}

/// A signed-in session. `Debug` never shows the token.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// The provider's short name (`gizo`, `arita`, …).
    pub provider: String,
    /// The phone number that signed in, E.164; after a password sign-in
    /// ([`crate::client::Client::sign_in_with_token`]) the login as given when it is not a number.
    pub phone: String,
    /// The token with its skew-proof local expiry.
    pub token: SessionToken,
    /// The user profile the provider returned, if any.
    pub user: Option<Value>,
}

impl Session {
    /// JWT or opaque.
    pub fn token_type(&self) -> TokenType {
        if self.token.jwt().is_some() {
            TokenType::Jwt
        } else {
            TokenType::Opaque
        }
    }

    /// The decoded claims of a JWT.
    pub fn claims(&self) -> Option<&Map> {
        self.token.jwt().map(|jwt| &jwt.claims().all)
    }

    /// When the token arrived, unix ms on the local clock.
    pub fn received_at(&self) -> u64 {
        self.token.expiry().received_at
    }

    /// When the token expires on the local clock (unix ms), if known.
    pub fn expires_at(&self) -> Option<u64> {
        self.token.expiry().expires_at
    }
}

/// What the user sees after a code was sent. Never holds the challenge handle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeInfo {
    /// The number the code went to, E.164.
    pub phone: String,
    /// Whether the account already exists, where the API says.
    pub is_registered: Option<bool>,
    /// When a new code may be requested, unix ms.
    pub resend_allowed_at: u64,
    /// When the code expires, unix ms.
    pub code_expires_at: u64,
    /// Wrong codes still allowed.
    pub attempts_left: u32,
}

impl CodeInfo {
    /// Whole seconds until a resend is allowed at `now` (0 when allowed).
    pub fn resend_after(&self, now: u64) -> u64 {
        ceil_secs(self.resend_allowed_at.saturating_sub(now))
    }
}

/// Milliseconds rounded up to whole seconds.
pub(crate) fn ceil_secs(ms: u64) -> u64 {
    ms.div_ceil(1000)
}

/// The state of the machine, without its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateKind {
    /// No session and no code sent.
    SignedOut,
    /// A code was sent; waiting for the user to type it.
    CodeSent,
    /// A session with a token.
    SignedIn,
    /// A session whose token is being replaced (the old one is still usable).
    Refreshing,
}

/// A user action; the machine runs at most one at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Ask for a code for a (new) number.
    RequestCode,
    /// Ask for a new code for the same number.
    Resend,
    /// Check a code.
    Verify,
    /// Replace the token.
    Refresh,
    /// Tell the server the session ends.
    SignOut,
}

/// Identifies one operation (one [`Action`]); reported back in [`Event::Done`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpId(pub(crate) u64);

/// Identifies one request handed out by `poll_request`; pass it back with its response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub(crate) u64);

/// Why a session ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignOutReason {
    /// The user (or app) signed out.
    User,
    /// The token expired without a successful refresh.
    Expired,
    /// The server refused the token during refresh (401/403).
    Refused(Error),
}

/// Outputs of the machine, in the order they happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The state after [`Machine::restore`](super::Machine::restore): the stored session, if any.
    InitialSession(Option<Session>),
    /// A code was sent (also after a resend).
    CodeSent(CodeInfo),
    /// The user signed in.
    SignedIn(Session),
    /// The token was replaced.
    TokenRefreshed(Session),
    /// The token expires soon and the strategy is `Reverify`: ask the user to sign in again.
    TokenExpiring(Session),
    /// The session ended.
    SignedOut(SignOutReason),
    /// `Callback` strategy: ask the app for a new token for this session, then call
    /// `handle_refreshed_token` or `handle_refresh_failed`.
    RefreshNeeded(Session),
    /// The persistent part changed: store `Machine::snapshot()` (or remove it when `None`).
    SnapshotChanged,
    /// An operation finished; errors of background operations are reported here too.
    Done {
        /// Which operation.
        op: OpId,
        /// What it was.
        action: Action,
        /// How it ended.
        result: Result<(), Error>,
    },
}

impl Event {
    /// The JavaScript name of the auth-state events (`SIGNED_IN`, …); `None` for the others.
    pub fn js_name(&self) -> Option<&'static str> {
        Some(match self {
            Event::InitialSession(_) => "INITIAL_SESSION",
            Event::CodeSent(_) => "CODE_SENT",
            Event::SignedIn(_) => "SIGNED_IN",
            Event::TokenRefreshed(_) => "TOKEN_REFRESHED",
            Event::TokenExpiring(_) => "TOKEN_EXPIRING",
            Event::SignedOut(_) => "SIGNED_OUT",
            _ => return None,
        })
    }
}
