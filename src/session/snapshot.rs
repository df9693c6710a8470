//! The stored form of a session: versioned JSON, parsed without ever panicking.
//!
//! ```json
//! {"v":1,"provider":"gizo","signedIn":{"phone":"+491747707607","user":{…},
//!   "token":{"token":"eyJ…","receivedAt":1700000000000,"expiresAt":1700003600000}}}
//! {"v":1,"provider":"arita","codeSent":{"phone":"+85268098227",
//!   "challenge":{"handle":"eyJ…","isRegistered":true},
//!   "resendAllowedAt":…,"codeExpiresAt":…,"attemptsLeft":5}}
//! ```
//!
//! Any other version, any malformed text, and anything over [`MAX_SNAPSHOT_LEN`] bytes
//! is refused with a [`SnapshotError`]; the machine then starts signed out.
//!
//! The format is the one the `serde`-derived code of earlier releases wrote (and browsers
//! still hold): members in this order, `user` and `expiresAt` written as `null` when
//! absent, `signedIn`/`codeSent` left out; on reading, unknown members are ignored and
//! `null` counts as absent for the optional ones. Integers are plain digits (`1.0` is
//! refused, as before). The challenge inside is [`Challenge::to_json`]'s form (which
//! leaves absent members out; the `null`s older builds wrote still read).

use core::fmt;

use crate::json::{self, Map, Value};
use crate::provider::Challenge;
use crate::token::{stored_u64, SessionToken};

/// The snapshot version this build writes and reads.
pub const SNAPSHOT_VERSION: u64 = 1;

/// The longest snapshot accepted, in bytes (a real one is a few KB).
pub const MAX_SNAPSHOT_LEN: usize = 64 * 1024;

/// Why a stored snapshot was not restored. Never contains any part of the snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SnapshotError {
    /// Longer than [`MAX_SNAPSHOT_LEN`].
    TooLarge,
    /// Not JSON.
    NotJson,
    /// JSON, but not an object with a numeric `v`.
    MissingVersion,
    /// Written by another version of phone-auth.
    UnsupportedVersion(u64),
    /// The right version, but a field is missing or has the wrong type.
    Invalid,
    /// Neither or both of `signedIn` and `codeSent`.
    NoState,
    /// Stored by another provider than the one configured now.
    ProviderMismatch,
    /// Stored by a client of another `baseUrl`: left in place for that client.
    OriginMismatch,
    /// Stored by an earlier release, which did not record the `baseUrl`: not trusted.
    Unbound,
    /// The stored phone number no longer parses.
    InvalidPhone,
    /// The stored session's token has expired.
    SessionExpired,
    /// The stored code has expired (or has no attempts left).
    CodeExpired,
}

impl SnapshotError {
    /// A stable machine-readable reason.
    pub fn code(self) -> &'static str {
        match self {
            SnapshotError::TooLarge => "too_large",
            SnapshotError::NotJson => "not_json",
            SnapshotError::MissingVersion => "missing_version",
            SnapshotError::UnsupportedVersion(_) => "unsupported_version",
            SnapshotError::Invalid => "invalid",
            SnapshotError::NoState => "no_state",
            SnapshotError::ProviderMismatch => "provider_mismatch",
            SnapshotError::OriginMismatch => "origin_mismatch",
            SnapshotError::Unbound => "unbound",
            SnapshotError::InvalidPhone => "invalid_phone",
            SnapshotError::SessionExpired => "session_expired",
            SnapshotError::CodeExpired => "code_expired",
        }
    }
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::TooLarge => f.write_str("the stored session is too large"),
            SnapshotError::NotJson => f.write_str("the stored session is not JSON"),
            SnapshotError::MissingVersion => f.write_str("the stored session has no version"),
            SnapshotError::UnsupportedVersion(v) => {
                write!(f, "the stored session has version {v}, this build reads version {SNAPSHOT_VERSION}")
            }
            SnapshotError::Invalid => f.write_str("the stored session is malformed"),
            SnapshotError::NoState => f.write_str("the stored session has no state"),
            SnapshotError::ProviderMismatch => {
                f.write_str("the stored session belongs to another provider")
            }
            SnapshotError::OriginMismatch => {
                f.write_str("the stored session belongs to another baseUrl")
            }
            SnapshotError::Unbound => {
                f.write_str("the stored session does not say which baseUrl it belongs to")
            }
            SnapshotError::InvalidPhone => f.write_str("the stored phone number is not valid"),
            SnapshotError::SessionExpired => f.write_str("the stored session has expired"),
            SnapshotError::CodeExpired => f.write_str("the stored code has expired"),
        }
    }
}

impl std::error::Error for SnapshotError {}

/// The persistent part of a machine, as stored. `Debug` never shows the token or handle.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    v: u64,
    pub(crate) provider: String,
    /// The `baseUrl` of the client that stored it (see [`crate::origin::binding`]);
    /// `None` in what releases before 0.1 wrote.
    pub(crate) base_url: Option<String>,
    pub(crate) signed_in: Option<StoredSession>,
    pub(crate) code_sent: Option<StoredCode>,
}

/// A signed-in session, as stored: `{"phone":…,"token":{…},"user":…|null}`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StoredSession {
    pub(crate) phone: String,
    pub(crate) token: SessionToken,
    pub(crate) user: Option<Value>,
}

/// A sent code, as stored, so a reload can still verify:
/// `{"phone":…,"challenge":{…},"resendAllowedAt":…,"codeExpiresAt":…,"attemptsLeft":…}`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StoredCode {
    pub(crate) phone: String,
    pub(crate) challenge: Challenge,
    pub(crate) resend_allowed_at: u64,
    pub(crate) code_expires_at: u64,
    pub(crate) attempts_left: u32,
}

impl Snapshot {
    pub(crate) fn signed_in(provider: &str, base_url: &str, session: StoredSession) -> Snapshot {
        Snapshot {
            v: SNAPSHOT_VERSION,
            provider: provider.to_owned(),
            base_url: Some(crate::origin::binding(base_url)),
            signed_in: Some(session),
            code_sent: None,
        }
    }

    pub(crate) fn code_sent(provider: &str, base_url: &str, code: StoredCode) -> Snapshot {
        Snapshot {
            v: SNAPSHOT_VERSION,
            provider: provider.to_owned(),
            base_url: Some(crate::origin::binding(base_url)),
            signed_in: None,
            code_sent: Some(code),
        }
    }

    /// Parses stored text. Never panics; every failure is a typed reason.
    pub fn parse(text: &str) -> Result<Snapshot, SnapshotError> {
        if text.len() > MAX_SNAPSHOT_LEN {
            return Err(SnapshotError::TooLarge);
        }
        let value = json::parse_str(text).map_err(|_| SnapshotError::NotJson)?;
        let version = value
            .get("v")
            .and_then(stored_u64)
            .ok_or(SnapshotError::MissingVersion)?;
        if version != SNAPSHOT_VERSION {
            return Err(SnapshotError::UnsupportedVersion(version));
        }
        let snapshot = Snapshot::from_map(value.as_object().ok_or(SnapshotError::Invalid)?)
            .ok_or(SnapshotError::Invalid)?;
        match (&snapshot.signed_in, &snapshot.code_sent) {
            (Some(_), None) | (None, Some(_)) => Ok(snapshot),
            _ => Err(SnapshotError::NoState),
        }
    }

    /// The members of a version-1 snapshot; `None` when one is missing or wrong.
    fn from_map(map: &Map) -> Option<Snapshot> {
        Some(Snapshot {
            v: SNAPSHOT_VERSION,
            provider: map.get("provider")?.as_str()?.to_owned(),
            base_url: match present(map, "baseUrl") {
                Some(b) => Some(b.as_str()?.to_owned()),
                None => None,
            },
            signed_in: match present(map, "signedIn") {
                Some(s) => Some(StoredSession::from_json(s)?),
                None => None,
            },
            code_sent: match present(map, "codeSent") {
                Some(c) => Some(StoredCode::from_json(c)?),
                None => None,
            },
        })
    }

    /// The JSON text to store. Contains the token: write it only to storage.
    pub fn to_json(&self) -> String {
        let mut map = Map::new();
        map.insert("v", self.v);
        map.insert("provider", self.provider.as_str());
        if let Some(b) = &self.base_url {
            map.insert("baseUrl", b.as_str());
        }
        if let Some(s) = &self.signed_in {
            map.insert("signedIn", s.to_json());
        }
        if let Some(c) = &self.code_sent {
            map.insert("codeSent", c.to_json());
        }
        Value::Object(map).to_json()
    }

    /// The provider that stored it.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// Whether a client of `flow` stored it: the same provider and `baseUrl`.
    pub fn belongs_to<F: crate::provider::Flow + ?Sized>(&self, flow: &F) -> bool {
        self.provider == flow.name()
            && self.base_url.as_deref() == Some(&crate::origin::binding(flow.base_url()))
    }

    /// The `baseUrl` of the client that stored it, as [`crate::origin::binding`] gives it.
    pub fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }
}

/// The member `key`, unless it is absent or `null`.
fn present<'a>(map: &'a Map, key: &str) -> Option<&'a Value> {
    map.get(key).filter(|v| !v.is_null())
}

impl StoredSession {
    fn to_json(&self) -> Value {
        Value::object([
            ("phone", self.phone.as_str().into()),
            ("token", self.token.to_json()),
            ("user", self.user.clone().into()),
        ])
    }

    fn from_json(v: &Value) -> Option<StoredSession> {
        let map = v.as_object()?;
        Some(StoredSession {
            phone: map.get("phone")?.as_str()?.to_owned(),
            token: SessionToken::from_json(map.get("token")?)?,
            user: present(map, "user").cloned(),
        })
    }
}

impl StoredCode {
    fn to_json(&self) -> Value {
        Value::object([
            ("phone", self.phone.as_str().into()),
            ("challenge", self.challenge.to_json()),
            ("resendAllowedAt", self.resend_allowed_at.into()),
            ("codeExpiresAt", self.code_expires_at.into()),
            ("attemptsLeft", self.attempts_left.into()),
        ])
    }

    fn from_json(v: &Value) -> Option<StoredCode> {
        let map = v.as_object()?;
        let challenge = map.get("challenge").filter(|c| c.as_object().is_some())?;
        Some(StoredCode {
            phone: map.get("phone")?.as_str()?.to_owned(),
            challenge: Challenge::from_json(challenge)?,
            resend_allowed_at: stored_u64(map.get("resendAllowedAt")?)?,
            code_expires_at: stored_u64(map.get("codeExpiresAt")?)?,
            attempts_left: u32::try_from(stored_u64(map.get("attemptsLeft")?)?).ok()?,
        })
    }
}
