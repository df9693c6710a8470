//! Values that must never be printed: tokens, codes, client secrets, passwords.
//!
//! `Debug` and `Display` show `Secret(<redacted, N chars>)`; the value is reached only
//! through [`Secret::expose`], so every place that sends a secret is greppable.

use core::fmt;

use crate::error::Error;

/// A secret string (token, client secret, password, code-request handle).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself. Call only where it is sent or stored.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<redacted, {} chars>)", self.0.chars().count())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A one-time code as a person typed it, normalised to 4–8 ASCII digits.
///
/// Accepts spaces and dashes between digits (`"482 13"`, `"48-213"`) and full-width or
/// Arabic-Indic digits; anything else is `invalid_code` before any request is sent.
#[derive(Clone, PartialEq, Eq)]
pub struct OtpCode(String);

impl OtpCode {
    /// Shortest code any backend sends (Arita).
    pub const MIN_LEN: usize = 4;
    /// Longest code accepted.
    pub const MAX_LEN: usize = 8;

    /// Parses a typed code.
    pub fn parse(input: &str) -> Result<OtpCode, Error> {
        let mut digits = String::with_capacity(Self::MAX_LEN);
        for c in input.trim().chars() {
            if let Some(d) = crate::phone::digit_value(c) {
                if digits.len() == Self::MAX_LEN {
                    return Err(invalid("the code is longer than 8 digits"));
                }
                digits.push(char::from(b'0' + d));
            } else if !matches!(c, ' ' | '-' | '\u{a0}' | '\u{2009}') {
                return Err(invalid("the code may contain only digits"));
            }
        }
        if digits.len() < Self::MIN_LEN {
            return Err(invalid("the code has fewer than 4 digits"));
        }
        Ok(OtpCode(digits))
    }

    /// The digits. Call only where the code is sent.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The code as an integer (Arita sends `"otp": 37695`). Leading zeros are lost, as
    /// that API's schema (`integer`) implies.
    pub fn as_u64(&self) -> u64 {
        self.0
            .bytes()
            .fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0'))
    }
}

fn invalid(message: &str) -> Error {
    Error::InvalidCode {
        status: None,
        message: Some(message.to_owned()),
    }
}

impl fmt::Debug for OtpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OtpCode(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("eyJhbGciOi.top.secret");
        assert!(!format!("{s:?}{s}").contains("secret"));
        let c = OtpCode::parse("482 13").unwrap();
        assert_eq!(c.expose(), "48213");
        assert!(!format!("{c:?}").contains("48213"));
    }

    #[test]
    fn code_forms() {
        assert_eq!(OtpCode::parse("４８２１３").unwrap().expose(), "48213");
        assert_eq!(OtpCode::parse("0123").unwrap().as_u64(), 123);
        assert!(OtpCode::parse("123").is_err());
        assert!(OtpCode::parse("123456789").is_err());
        assert!(OtpCode::parse("12a45").is_err());
        assert_eq!(OtpCode::parse("abc").unwrap_err().code(), "invalid_code");
    }
}
