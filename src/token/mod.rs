//! JWT decoding (no verification by default) and skew-proof expiry.
//!
//! phone-auth decodes tokens to *show* them (who is signed in) and to *time* them (when
//! to refresh); it does not authorise anything with them. [`Token::decode`] therefore
//! checks the form of a JWT but not its signature; signature verification lives behind
//! the `verify` cargo feature ([`verify`]), off in the web build.
//!
//! # Time
//!
//! Every instant is **unix milliseconds** (`u64`) and every duration **milliseconds**,
//! the unit of JavaScript's `Date.now()`. The JWT claims `exp`, `iat` and `nbf` stay in
//! the seconds the token carries ([`Claims`]); [`Expiry`] converts. Nothing here reads a
//! clock: `now` and `received_at` are arguments.
//!
//! A device clock may be wrong by hours. [`Expiry`] therefore measures a token's lifetime
//! on the server's clock (`exp - iat`) and lays it on the local clock from the moment the
//! token arrived: `expires_at = received_at + (exp - iat)`. Only a token without `iat`
//! falls back to trusting `exp` on the local clock.

pub(crate) mod base64url;
#[cfg(test)]
mod decode_tests;
mod expiry;
#[cfg(test)]
mod tests;
#[cfg(feature = "verify")]
pub mod verify;

use core::fmt;

use crate::json::{self, Map, Value};

use crate::secret::Secret;
use crate::text::{cat, decimal};

pub(crate) use expiry::stored_u64;
pub use expiry::{Expiry, SessionToken};

/// Why a string is not a decodable (or, with `verify`, not a valid) JWT.
///
/// Parts are numbered from 1: the header is part 1, the claims part 2, the signature
/// part 3. No variant holds any part of the token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// Not three dot-separated parts: an opaque token (or an empty string).
    NotAJwt,
    /// Part `part` is not base64url (padded or not).
    BadBase64 {
        /// 1, 2 or 3.
        part: u8,
    },
    /// Part `part` decodes to bytes that are not UTF-8 JSON.
    BadJson {
        /// 1 or 2.
        part: u8,
    },
    /// The header is JSON but not a JSON object.
    HeaderNotObject,
    /// The claims are JSON but not a JSON object.
    ClaimsNotObject,
    /// A header member has the wrong type (`alg` missing or not a string, `typ` or `kid`
    /// not a string).
    InvalidHeader {
        /// The member's name.
        name: &'static str,
    },
    /// A registered claim has the wrong type: `exp`, `iat`, `nbf` not a non-negative
    /// number, `sub`, `iss` not a string, `aud` not a string or array of strings.
    InvalidClaim {
        /// The claim's name.
        name: &'static str,
    },
    /// Verification: the algorithm is `none` or one phone-auth does not verify.
    UnsupportedAlgorithm {
        /// The header's `alg`.
        alg: String,
    },
    /// Verification: the algorithm does not fit the key (an HMAC token checked with an
    /// RSA key, or the JWK's own `alg` differs).
    AlgorithmMismatch,
    /// Verification: no key in the JWKS has the token's `kid` (or the token has no `kid`
    /// and the set has more than one key).
    UnknownKey,
    /// Verification: the key cannot be used (malformed PEM, JWK or JWKS).
    InvalidKey,
    /// Verification: the signature does not match.
    BadSignature,
    /// Verification: a claim the verifier requires is missing.
    MissingClaim {
        /// The claim's name.
        name: &'static str,
    },
    /// Verification: `exp` has passed (beyond the leeway).
    Expired,
    /// Verification: `nbf` is in the future (beyond the leeway).
    NotYetValid,
    /// Verification: `iss` is not the expected issuer.
    WrongIssuer,
    /// Verification: `aud` does not contain the expected audience.
    WrongAudience,
}

impl TokenError {
    /// What is wrong, in words (what `Display` writes), built without `core::fmt`.
    pub fn message(&self) -> String {
        let part = |p: &u8| decimal(u64::from(*p));
        match self {
            TokenError::NotAJwt => "not a JWT (expected three dot-separated parts)".into(),
            TokenError::BadBase64 { part: p } => cat!("part ", part(p), " is not valid base64url"),
            TokenError::BadJson { part: p } => cat!("part ", part(p), " is not valid JSON"),
            TokenError::HeaderNotObject => "the header is not a JSON object".into(),
            TokenError::ClaimsNotObject => "the claims are not a JSON object".into(),
            TokenError::InvalidHeader { name } => cat!(
                "the header member `",
                name,
                "` is missing or has the wrong type"
            ),
            TokenError::InvalidClaim { name } => cat!("the claim `", name, "` has the wrong type"),
            TokenError::UnsupportedAlgorithm { alg } => {
                cat!("the algorithm `", alg, "` is not accepted")
            }
            TokenError::AlgorithmMismatch => "the algorithm does not fit the key".into(),
            TokenError::UnknownKey => "no key matches the token's key id".into(),
            TokenError::InvalidKey => "the verification key is unusable".into(),
            TokenError::BadSignature => "the signature does not match".into(),
            TokenError::MissingClaim { name } => cat!("the claim `", name, "` is missing"),
            TokenError::Expired => "the token has expired".into(),
            TokenError::NotYetValid => "the token is not valid yet".into(),
            TokenError::WrongIssuer => "the token is from another issuer".into(),
            TokenError::WrongAudience => "the token is for another audience".into(),
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for TokenError {}

/// The JOSE header of a JWT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// `alg`, as written (`"HS256"`, `"RS256"`, … or `"none"`).
    pub alg: String,
    /// `typ`, usually `"JWT"`.
    pub typ: Option<String>,
    /// `kid`: which key signed the token.
    pub kid: Option<String>,
}

/// The claims of a JWT: every member as JSON, plus the registered ones typed.
///
/// Times are the token's own **seconds** since the epoch (a fractional NumericDate is
/// rounded down, as the `f64` reading of earlier releases did; one beyond `u64` seconds
/// saturates). `Debug` lists the claim names, never their values.
#[derive(Clone, PartialEq)]
pub struct Claims {
    /// `exp`: expiry, seconds since the epoch on the server's clock.
    pub exp: Option<u64>,
    /// `iat`: issued at, seconds since the epoch on the server's clock.
    pub iat: Option<u64>,
    /// `nbf`: not before, seconds since the epoch on the server's clock.
    pub nbf: Option<u64>,
    /// `sub`: the subject (user id).
    pub sub: Option<String>,
    /// `iss`: the issuer.
    pub iss: Option<String>,
    /// `aud`: the audiences; a single string becomes one element, absent is empty.
    pub aud: Vec<String>,
    /// Every claim, registered or not, as JSON.
    pub all: Map,
}

impl Claims {
    /// Typed view of a claims object.
    fn from_map(all: Map) -> Result<Claims, TokenError> {
        Ok(Claims {
            exp: numeric_date(all.get("exp"), "exp")?,
            iat: numeric_date(all.get("iat"), "iat")?,
            nbf: numeric_date(all.get("nbf"), "nbf")?,
            sub: string_member(&all, "sub").map_err(|name| TokenError::InvalidClaim { name })?,
            iss: string_member(&all, "iss").map_err(|name| TokenError::InvalidClaim { name })?,
            aud: audience(all.get("aud"))?,
            all,
        })
    }

    /// A claim by name, as JSON.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.all.get(name)
    }

    /// A string claim by name (`None` when absent or not a string).
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.all.get(name).and_then(Value::as_str)
    }
}

impl fmt::Debug for Claims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claims")
            .field(
                "names",
                &self.all.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// A decoded (not verified) JWT.
///
/// `Debug` and `Display` show the algorithm, subject and expiry only: never the raw
/// token, the signature or other claim values.
#[derive(Clone, PartialEq)]
pub struct Token {
    raw: Secret,
    /// The header.
    pub header: Header,
    /// The claims (`token.claims.get("name")` reads any claim as JSON).
    pub claims: Claims,
}

impl Token {
    /// Decodes a JWT without verifying its signature.
    ///
    /// Accepts surrounding whitespace, a leading `Bearer ` (any case), and padded or
    /// unpadded base64url parts. The signature part must be base64url too, but may be
    /// empty (an unsecured `alg: none` token decodes; only verification refuses it).
    pub fn decode(s: &str) -> Result<Token, TokenError> {
        let raw = strip_bearer(s);
        let mut parts = raw.split('.');
        let (Some(h), Some(c), Some(sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::NotAJwt);
        };
        let header = match json_part(h, 1)? {
            Value::Object(map) => header_from_map(&map)?,
            _ => return Err(TokenError::HeaderNotObject),
        };
        let claims = match json_part(c, 2)? {
            Value::Object(map) => Claims::from_map(map)?,
            _ => return Err(TokenError::ClaimsNotObject),
        };
        if !base64url::is_valid(sig) {
            return Err(TokenError::BadBase64 { part: 3 });
        }
        Ok(Token {
            raw: Secret::new(raw),
            header,
            claims,
        })
    }

    /// The header and the claims as the JSON texts the token carries: the wasm
    /// `decodeToken` hands them to `JSON.parse`, which then gives every member as the
    /// token has it (what jose returns).
    pub fn texts(&self) -> [String; 2] {
        let mut parts = self.raw.expose().split('.');
        [parts.next(), parts.next()].map(|part| {
            // Checked by `decode`: base64url of UTF-8 JSON.
            let bytes = part.and_then(base64url::decode).unwrap_or_default();
            String::from_utf8(bytes).unwrap_or_default()
        })
    }

    /// The token as received, without `Bearer ` and surrounding whitespace.
    /// Expose it only where it is sent.
    pub fn secret(&self) -> &Secret {
        &self.raw
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The claims.
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The header's `alg`.
    pub fn alg(&self) -> &str {
        &self.header.alg
    }

    /// The `sub` claim.
    pub fn subject(&self) -> Option<&str> {
        self.claims.sub.as_deref()
    }

    /// When this token expires on the local clock, given when it was received
    /// (see [`Expiry`]).
    pub fn expiry(&self, received_at: u64) -> Expiry {
        Expiry::from_claims(&self.claims, received_at)
    }

    /// `header.claims`: the text the signature covers.
    #[cfg(feature = "verify")]
    fn signing_input(&self) -> Option<(&str, &str)> {
        let raw = self.raw.expose();
        let dot = raw.rfind('.')?;
        Some((raw.get(..dot)?, raw.get(dot + 1..)?))
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("alg", &self.header.alg)
            .field("kid", &self.header.kid)
            .field("sub", &self.claims.sub)
            .field("iat", &self.claims.iat)
            .field("exp", &self.claims.exp)
            .field("claims", &self.claims)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JWT ({}", self.header.alg)?;
        if let Some(sub) = &self.claims.sub {
            write!(f, ", sub {sub}")?;
        }
        if let Some(exp) = self.claims.exp {
            write!(f, ", exp {exp}")?;
        }
        f.write_str(")")
    }
}

/// `s` without surrounding whitespace and a leading `Bearer ` (any case).
pub(crate) fn strip_bearer(s: &str) -> &str {
    let s = s.trim();
    match (s.get(..6), s.get(6..)) {
        (Some(scheme), Some(rest))
            if scheme.eq_ignore_ascii_case("bearer") && rest.starts_with([' ', '\t']) =>
        {
            rest.trim_start()
        }
        _ => s,
    }
}

/// Decodes part `part` (1 or 2) from base64url and parses it as JSON.
fn json_part(text: &str, part: u8) -> Result<Value, TokenError> {
    let bytes = base64url::decode(text).ok_or(TokenError::BadBase64 { part })?;
    json::parse(&bytes).map_err(|_| TokenError::BadJson { part })
}

fn header_from_map(map: &Map) -> Result<Header, TokenError> {
    let invalid = |name| TokenError::InvalidHeader { name };
    Ok(Header {
        alg: string_member(map, "alg")
            .map_err(invalid)?
            .ok_or(invalid("alg"))?,
        typ: string_member(map, "typ").map_err(invalid)?,
        kid: string_member(map, "kid").map_err(invalid)?,
    })
}

/// An optional string member; `Err(name)` when present with another type.
fn string_member(map: &Map, name: &'static str) -> Result<Option<String>, &'static str> {
    match map.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(name),
    }
}

/// An optional NumericDate (the claim `name`) in whole seconds (fractions rounded down).
fn numeric_date(value: Option<&Value>, name: &'static str) -> Result<Option<u64>, TokenError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let invalid = TokenError::InvalidClaim { name };
    let Value::Number(n) = value else {
        return Err(invalid);
    };
    if let Some(secs) = n.as_u64() {
        return Ok(Some(secs));
    }
    // The integer part, dropping any fraction (what `f64::floor` gave for the
    // non-negative numbers accepted); no floating point.
    let negative = n.as_str().starts_with('-');
    match n.trunc() {
        // Below zero is refused; `-0` and `-0.0` are 0 (as `-0.0 >= 0.0` was).
        Some((_, true)) if negative => Err(invalid),
        Some((secs, _)) => u64::try_from(secs).map(Some).map_err(|_| invalid),
        None if negative => Err(invalid),
        // Beyond `i64`: an exact integer up to `u64::MAX`, else saturate (a date beyond
        // u64 seconds is "never" for every practical purpose).
        None => Ok(Some(crate::text::parse_u64(n.as_str()).unwrap_or(u64::MAX))),
    }
}

/// The `aud` claim: absent, a string or an array of strings.
fn audience(value: Option<&Value>) -> Result<Vec<String>, TokenError> {
    let invalid = TokenError::InvalidClaim { name: "aud" };
    match value {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or(invalid.clone()))
            .collect(),
        Some(_) => Err(invalid),
    }
}
