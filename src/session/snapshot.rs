//! The stored form of a session: versioned JSON, parsed without ever panicking.
//!
//! ```json
//! {"v":1,"provider":"gizo","signedIn":{"phone":"+491747707607","user":{…},
//!   "token":{"token":"eyJ…","receivedAt":1700000000000,"expiresAt":1700003600000}}}
//! {"v":1,"provider":"arita","codeSent":{"phone":"+85268098227",
//!   "challenge":{"handle":"eyJ…","isRegistered":true,"codeTtl":null},
//!   "resendAllowedAt":…,"codeExpiresAt":…,"attemptsLeft":5}}
//! ```
//!
//! Any other version, any malformed text, and anything over [`MAX_SNAPSHOT_LEN`] bytes
//! is refused with a [`SnapshotError`]; the machine then starts signed out.

use core::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::provider::Challenge;
use crate::token::SessionToken;

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
            SnapshotError::InvalidPhone => f.write_str("the stored phone number is not valid"),
            SnapshotError::SessionExpired => f.write_str("the stored session has expired"),
            SnapshotError::CodeExpired => f.write_str("the stored code has expired"),
        }
    }
}

impl std::error::Error for SnapshotError {}

/// The persistent part of a machine, as stored. `Debug` never shows the token or handle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    v: u64,
    pub(crate) provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) signed_in: Option<StoredSession>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) code_sent: Option<StoredCode>,
}

/// A signed-in session, as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StoredSession {
    pub(crate) phone: String,
    pub(crate) token: SessionToken,
    #[serde(default)]
    pub(crate) user: Option<Value>,
}

/// A sent code, as stored, so a reload can still verify.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StoredCode {
    pub(crate) phone: String,
    pub(crate) challenge: Challenge,
    pub(crate) resend_allowed_at: u64,
    pub(crate) code_expires_at: u64,
    pub(crate) attempts_left: u32,
}

impl Snapshot {
    pub(crate) fn signed_in(provider: &str, session: StoredSession) -> Snapshot {
        Snapshot {
            v: SNAPSHOT_VERSION,
            provider: provider.to_owned(),
            signed_in: Some(session),
            code_sent: None,
        }
    }

    pub(crate) fn code_sent(provider: &str, code: StoredCode) -> Snapshot {
        Snapshot {
            v: SNAPSHOT_VERSION,
            provider: provider.to_owned(),
            signed_in: None,
            code_sent: Some(code),
        }
    }

    /// Parses stored text. Never panics; every failure is a typed reason.
    pub fn parse(text: &str) -> Result<Snapshot, SnapshotError> {
        if text.len() > MAX_SNAPSHOT_LEN {
            return Err(SnapshotError::TooLarge);
        }
        let value: Value = serde_json::from_str(text).map_err(|_| SnapshotError::NotJson)?;
        let version = value
            .get("v")
            .and_then(Value::as_u64)
            .ok_or(SnapshotError::MissingVersion)?;
        if version != SNAPSHOT_VERSION {
            return Err(SnapshotError::UnsupportedVersion(version));
        }
        // serde's messages may quote the input (a token): drop them.
        let snapshot: Snapshot =
            serde_json::from_value(value).map_err(|_| SnapshotError::Invalid)?;
        match (&snapshot.signed_in, &snapshot.code_sent) {
            (Some(_), None) | (None, Some(_)) => Ok(snapshot),
            _ => Err(SnapshotError::NoState),
        }
    }

    /// The JSON text to store. Contains the token: write it only to storage.
    pub fn to_json(&self) -> String {
        // Serialising these plain structs to a string cannot fail; an empty object
        // would be refused by `parse` rather than restore anything wrong.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }

    /// The provider that stored it.
    pub fn provider(&self) -> &str {
        &self.provider
    }
}
