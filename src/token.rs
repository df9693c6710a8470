//! JWT decoding (no verification by default) and skew-proof expiry.
//!
//! PLACEHOLDER — being implemented (see issue 2). The public API below is the contract.

use core::fmt;

/// Why a string is not a decodable JWT.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// Not three dot-separated parts (an opaque token).
    NotAJwt,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a JWT")
    }
}

impl std::error::Error for TokenError {}

/// A decoded JWT.
#[derive(Clone, PartialEq)]
pub struct Token {
    /// Claims as JSON.
    pub claims: serde_json::Map<String, serde_json::Value>,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl Token {
    /// Decodes a JWT.
    pub fn decode(_s: &str) -> Result<Token, TokenError> {
        Err(TokenError::NotAJwt)
    }
}
