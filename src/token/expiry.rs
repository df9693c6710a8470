//! Expiry on the local clock, and the session token (a JWT or an opaque string).

use core::fmt;

use super::{Claims, Token};
use crate::json::Value;
use crate::secret::Secret;

/// When a token expires on the **local** clock, in unix milliseconds.
///
/// Built from the moment the token arrived (`received_at`, local clock) and its claims:
/// `expires_at = received_at + (exp - iat)` when the token has both, so a device clock
/// that is hours off cannot make a fresh token look expired (or an old one fresh);
/// `exp` itself only when there is no `iat`; no expiry when there is no `exp`.
/// A token whose `exp` is before its `iat` expires at once.
///
/// Stored with the session (`"receivedAt": …, "expiresAt": …` beside the token, see
/// [`SessionToken::to_json`]), so the expiry survives a reload without re-reading any
/// clock but the caller's `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expiry {
    /// When the token arrived, unix ms on the local clock.
    pub received_at: u64,
    /// When it expires, unix ms on the local clock; `None` when it does not say.
    pub expires_at: Option<u64>,
}

impl Expiry {
    /// The expiry of a token with these claims, received at `received_at` (unix ms).
    pub fn from_claims(claims: &Claims, received_at: u64) -> Expiry {
        let expires_at = match (claims.exp, claims.iat) {
            (Some(exp), Some(iat)) => {
                Some(received_at.saturating_add(secs_to_ms(exp.saturating_sub(iat))))
            }
            (Some(exp), None) => Some(secs_to_ms(exp)),
            (None, _) => None,
        };
        Expiry {
            received_at,
            expires_at,
        }
    }

    /// A token that does not say when it expires (an opaque token).
    pub fn unknown(received_at: u64) -> Expiry {
        Expiry {
            received_at,
            expires_at: None,
        }
    }

    /// A token that the server said lives `lifetime` ms (an OAuth-style `expires_in`).
    pub fn after(received_at: u64, lifetime: u64) -> Expiry {
        Expiry {
            received_at,
            expires_at: Some(received_at.saturating_add(lifetime)),
        }
    }

    /// How long the token lives from its arrival, in ms; `None` without expiry.
    pub fn lifetime(&self) -> Option<u64> {
        self.expires_at
            .map(|at| at.saturating_sub(self.received_at))
    }

    /// Whether the token has expired at `now` (unix ms), tolerating `leeway` ms past
    /// the expiry. A token without expiry never expires here (the server will say).
    pub fn is_expired(&self, now: u64, leeway: u64) -> bool {
        self.expires_at
            .is_some_and(|at| now >= at.saturating_add(leeway))
    }

    /// Milliseconds left at `now` (0 once expired); `None` without expiry.
    pub fn expires_in(&self, now: u64) -> Option<u64> {
        self.expires_at.map(|at| at.saturating_sub(now))
    }

    /// Whether to refresh at `now`: less than `margin` ms of life is left.
    ///
    /// The margin is capped at half the token's lifetime, so a token that lives less
    /// than twice the margin is still used for a while before it is refreshed (instead
    /// of being refreshed in a loop). Never due without expiry.
    pub fn refresh_due(&self, now: u64, margin: u64) -> bool {
        match (self.expires_at, self.lifetime()) {
            (Some(at), Some(lifetime)) => now.saturating_add(margin.min(lifetime / 2)) >= at,
            _ => false,
        }
    }
}

fn secs_to_ms(secs: u64) -> u64 {
    secs.saturating_mul(1000)
}

/// A session token as a provider returned it: a JWT (decoded for display and timing) or
/// an opaque string, with its local [`Expiry`].
///
/// `Debug` shows the kind, algorithm, subject and expiry, never the token. Stored as
/// `{"token": "…", "receivedAt": …, "expiresAt": …}` ([`SessionToken::to_json`]; the token
/// in clear: storage is the one place it must be written).
#[derive(Clone, PartialEq)]
pub struct SessionToken {
    secret: Secret,
    jwt: Option<Token>,
    expiry: Expiry,
}

impl SessionToken {
    /// A token received at `received_at` (unix ms). A JWT's expiry comes from its claims;
    /// an opaque token has no known expiry. A leading `Bearer ` is removed.
    pub fn new(token: &Secret, received_at: u64) -> SessionToken {
        match Token::decode(token.expose()) {
            Ok(jwt) => SessionToken {
                secret: jwt.secret().clone(),
                expiry: jwt.expiry(received_at),
                jwt: Some(jwt),
            },
            Err(_) => SessionToken {
                secret: Secret::new(super::strip_bearer(token.expose())),
                jwt: None,
                expiry: Expiry::unknown(received_at),
            },
        }
    }

    /// A token whose lifetime (ms) the server stated beside it; this wins over the JWT's
    /// own claims.
    pub fn with_lifetime(token: &Secret, received_at: u64, lifetime: u64) -> SessionToken {
        SessionToken {
            expiry: Expiry::after(received_at, lifetime),
            ..SessionToken::new(token, received_at)
        }
    }

    /// The token to send (`Authorization: Bearer …`).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The decoded JWT, when the token is one.
    pub fn jwt(&self) -> Option<&Token> {
        self.jwt.as_ref()
    }

    /// The JWT's `sub`, when there is one.
    pub fn subject(&self) -> Option<&str> {
        self.jwt.as_ref().and_then(Token::subject)
    }

    /// The local expiry.
    pub fn expiry(&self) -> Expiry {
        self.expiry
    }

    /// See [`Expiry::is_expired`].
    pub fn is_expired(&self, now: u64, leeway: u64) -> bool {
        self.expiry.is_expired(now, leeway)
    }

    /// See [`Expiry::expires_in`].
    pub fn expires_in(&self, now: u64) -> Option<u64> {
        self.expiry.expires_in(now)
    }

    /// See [`Expiry::refresh_due`].
    pub fn refresh_due(&self, now: u64, margin: u64) -> bool {
        self.expiry.refresh_due(now, margin)
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("SessionToken");
        match &self.jwt {
            Some(jwt) => d.field("alg", &jwt.alg()).field("sub", &jwt.subject()),
            None => d.field("opaque", &self.secret),
        };
        d.field("expiry", &self.expiry).finish()
    }
}

/// The stored form of an unsigned integer: digits only, as this crate writes it (`1.0`,
/// `1e3` and negative numbers are refused, as they were when `serde` read it).
pub(crate) fn stored_u64(v: &Value) -> Option<u64> {
    let text = v.as_number()?.as_str();
    if text.bytes().all(|b| b.is_ascii_digit()) {
        crate::text::parse_u64(text)
    } else {
        None
    }
}

impl SessionToken {
    /// The stored form: `{"token":"…","receivedAt":…,"expiresAt":…|null}`, in that
    /// order. Contains the token: write it only to storage.
    pub fn to_json(&self) -> Value {
        Value::object([
            ("token", self.secret.expose().into()),
            ("receivedAt", self.expiry.received_at.into()),
            ("expiresAt", self.expiry.expires_at.into()),
        ])
    }

    /// Reads [`SessionToken::to_json`]'s form: `token` (a string) and `receivedAt` are
    /// required, `expiresAt` may be absent or `null`; other members are ignored. `None`
    /// when a member is missing or has the wrong type.
    pub fn from_json(v: &Value) -> Option<SessionToken> {
        let map = v.as_object()?;
        let token = Secret::new(map.get("token")?.as_str()?);
        let received_at = stored_u64(map.get("receivedAt")?)?;
        let expires_at = match map.get("expiresAt") {
            None | Some(Value::Null) => None,
            Some(n) => Some(stored_u64(n)?),
        };
        // Restore exactly what was stored: `new` already removed a `Bearer ` prefix, so
        // decoding must not strip a second one from a token that itself starts with
        // `Bearer ` (found by fuzzing: fuzz/regressions/token_decode/).
        let jwt = Token::decode(token.expose())
            .ok()
            .filter(|jwt| jwt.secret() == &token);
        Some(SessionToken {
            secret: token,
            jwt,
            expiry: Expiry {
                received_at,
                expires_at,
            },
        })
    }
}
