//! Signature verification (cargo feature `verify`, off in the web build).
//!
//! [`Verifier`] checks a JWT's signature with one [`VerifyingKey`] or a [`Jwks`] document
//! (the key chosen by the token's `kid`), then its times, and optionally `iss` and `aud`.
//! The algorithms are HS256, HS384, HS512, RS256 and ES256; `none` and everything else
//! is refused, and a token's `alg` must fit the key's type (an HMAC token is never
//! checked against an RSA public key used as a secret).
//!
//! `now` is the verifier's own clock, unix ms, and `exp`/`nbf` are compared with it
//! directly, as a backend does. (On a device whose clock may be wrong, time tokens with
//! [`super::Expiry`] instead.) The cryptography is `jsonwebtoken`'s; decoding, the choice
//! of key and the time checks are phone-auth's, so no clock is read here either.

use core::fmt;

use jsonwebtoken::jwk::{Jwk, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};

use super::{Token, TokenError};

/// The algorithms phone-auth verifies, by their `alg` names.
fn algorithm(alg: &str) -> Option<Algorithm> {
    Some(match alg {
        "HS256" => Algorithm::HS256,
        "HS384" => Algorithm::HS384,
        "HS512" => Algorithm::HS512,
        "RS256" => Algorithm::RS256,
        "ES256" => Algorithm::ES256,
        _ => return None,
    })
}

fn family(alg: Algorithm) -> AlgorithmFamily {
    match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => AlgorithmFamily::Hmac,
        Algorithm::ES256 | Algorithm::ES384 => AlgorithmFamily::Ec,
        Algorithm::EdDSA => AlgorithmFamily::Ed,
        _ => AlgorithmFamily::Rsa,
    }
}

/// A key that verifies signatures: an HMAC secret, or an RSA or EC (P-256) public key.
///
/// `Debug` names the key type only.
#[derive(Clone)]
pub struct VerifyingKey {
    key: DecodingKey,
    /// The one algorithm a JWK says it is for, if it says.
    only: Option<Algorithm>,
}

impl VerifyingKey {
    /// An HMAC secret (HS256, HS384, HS512).
    pub fn hmac(secret: &[u8]) -> VerifyingKey {
        VerifyingKey {
            key: DecodingKey::from_secret(secret),
            only: None,
        }
    }

    /// An RSA public key in PEM (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`), for RS256.
    pub fn rsa_pem(pem: &[u8]) -> Result<VerifyingKey, TokenError> {
        let key = DecodingKey::from_rsa_pem(pem).map_err(|_| TokenError::InvalidKey)?;
        Ok(VerifyingKey { key, only: None })
    }

    /// An EC P-256 public key in PEM (`BEGIN PUBLIC KEY`), for ES256.
    pub fn ec_pem(pem: &[u8]) -> Result<VerifyingKey, TokenError> {
        let key = DecodingKey::from_ec_pem(pem).map_err(|_| TokenError::InvalidKey)?;
        Ok(VerifyingKey { key, only: None })
    }

    /// One JWK as JSON (`kty` `oct`, `RSA` or `EC`).
    pub fn from_jwk_json(json: &str) -> Result<VerifyingKey, TokenError> {
        let jwk: Jwk = serde_json::from_str(json).map_err(|_| TokenError::InvalidKey)?;
        VerifyingKey::from_jwk(&jwk)
    }

    fn from_jwk(jwk: &Jwk) -> Result<VerifyingKey, TokenError> {
        let only = match jwk.common.key_algorithm {
            None => None,
            Some(KeyAlgorithm::HS256) => Some(Algorithm::HS256),
            Some(KeyAlgorithm::HS384) => Some(Algorithm::HS384),
            Some(KeyAlgorithm::HS512) => Some(Algorithm::HS512),
            Some(KeyAlgorithm::RS256) => Some(Algorithm::RS256),
            Some(KeyAlgorithm::ES256) => Some(Algorithm::ES256),
            Some(_) => return Err(TokenError::InvalidKey),
        };
        let key = DecodingKey::from_jwk(jwk).map_err(|_| TokenError::InvalidKey)?;
        if !matches!(
            key.family(),
            AlgorithmFamily::Hmac | AlgorithmFamily::Rsa | AlgorithmFamily::Ec
        ) {
            return Err(TokenError::InvalidKey);
        }
        Ok(VerifyingKey { key, only })
    }

    /// Whether this key may verify `alg`.
    fn fits(&self, alg: Algorithm) -> bool {
        self.key.family() == family(alg) && self.only.is_none_or(|only| only == alg)
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({:?})", self.key.family())
    }
}

/// A JWKS document (`{"keys": [...]}`): the signing keys of an issuer, by `kid`.
#[derive(Clone, Debug)]
pub struct Jwks {
    keys: Vec<(Option<String>, VerifyingKey)>,
}

impl Jwks {
    /// Parses a JWKS. Keys for encryption (`"use": "enc"`) and keys of types phone-auth
    /// does not verify (e.g. `OKP`) are skipped; a document with no usable key is
    /// [`TokenError::InvalidKey`].
    pub fn from_json(json: &str) -> Result<Jwks, TokenError> {
        let set: JwkSet = serde_json::from_str(json).map_err(|_| TokenError::InvalidKey)?;
        let keys: Vec<_> = set
            .keys
            .iter()
            .filter(|jwk| jwk.common.public_key_use != Some(PublicKeyUse::Encryption))
            .filter_map(|jwk| {
                let key = VerifyingKey::from_jwk(jwk).ok()?;
                Some((jwk.common.key_id.clone(), key))
            })
            .collect();
        if keys.is_empty() {
            return Err(TokenError::InvalidKey);
        }
        Ok(Jwks { keys })
    }

    /// The key with this `kid`; without a `kid`, the only key of a one-key set.
    fn find(&self, kid: Option<&str>) -> Result<&VerifyingKey, TokenError> {
        match (kid, self.keys.as_slice()) {
            (None, [(_, only)]) => Ok(only),
            (None, _) => Err(TokenError::UnknownKey),
            (Some(kid), keys) => keys
                .iter()
                .find(|(id, _)| id.as_deref() == Some(kid))
                .map(|(_, key)| key)
                .ok_or(TokenError::UnknownKey),
        }
    }
}

#[derive(Clone, Debug)]
enum Keys {
    One(VerifyingKey),
    Set(Jwks),
}

/// Verifies JWTs: signature, algorithm, `exp` (required by default), `nbf`, and when
/// configured `iss` and `aud`.
#[derive(Clone, Debug)]
pub struct Verifier {
    keys: Keys,
    leeway: u64,
    require_exp: bool,
    issuer: Option<String>,
    audience: Option<String>,
}

impl Verifier {
    /// Default tolerance for `exp` and `nbf`: 60 s (as `jsonwebtoken`'s).
    pub const DEFAULT_LEEWAY: u64 = 60_000;

    /// A verifier with one key (a token's `kid` is then ignored).
    pub fn new(key: VerifyingKey) -> Verifier {
        Verifier::with_keys(Keys::One(key))
    }

    /// A verifier that picks the key from a JWKS by the token's `kid`.
    pub fn with_jwks(jwks: Jwks) -> Verifier {
        Verifier::with_keys(Keys::Set(jwks))
    }

    fn with_keys(keys: Keys) -> Verifier {
        Verifier {
            keys,
            leeway: Self::DEFAULT_LEEWAY,
            require_exp: true,
            issuer: None,
            audience: None,
        }
    }

    /// Tolerance in ms for `exp` and `nbf`, for clock differences between the issuer and
    /// the verifier.
    pub fn leeway(mut self, leeway: u64) -> Verifier {
        self.leeway = leeway;
        self
    }

    /// Whether a token without `exp` is refused (default: yes).
    pub fn require_exp(mut self, required: bool) -> Verifier {
        self.require_exp = required;
        self
    }

    /// Refuse tokens whose `iss` is not `issuer`.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Verifier {
        self.issuer = Some(issuer.into());
        self
    }

    /// Refuse tokens whose `aud` does not contain `audience`. Without this, a token that
    /// has an `aud` is refused (RFC 7519 §4.1.3: a recipient not named must reject it).
    pub fn audience(mut self, audience: impl Into<String>) -> Verifier {
        self.audience = Some(audience.into());
        self
    }

    /// Decodes and verifies `token` (a leading `Bearer ` is fine) at `now`, unix ms.
    pub fn verify(&self, token: &str, now: u64) -> Result<Token, TokenError> {
        let token = Token::decode(token)?;
        let alg = algorithm(&token.header.alg).ok_or_else(|| TokenError::UnsupportedAlgorithm {
            alg: token.header.alg.clone(),
        })?;
        let key = match &self.keys {
            Keys::One(key) => key,
            Keys::Set(set) => set.find(token.header.kid.as_deref())?,
        };
        if !key.fits(alg) {
            return Err(TokenError::AlgorithmMismatch);
        }
        let (message, signature) = token.signing_input().ok_or(TokenError::NotAJwt)?;
        let signature = signature.trim_end_matches('=');
        match jsonwebtoken::crypto::verify(signature, message.as_bytes(), &key.key, alg) {
            Ok(true) => {}
            Ok(false) => return Err(TokenError::BadSignature),
            Err(e) => {
                return Err(match e.kind() {
                    jsonwebtoken::errors::ErrorKind::Base64(_) => TokenError::BadSignature,
                    _ => TokenError::InvalidKey,
                })
            }
        }
        self.check_claims(&token, now)?;
        Ok(token)
    }

    fn check_claims(&self, token: &Token, now: u64) -> Result<(), TokenError> {
        let claims = &token.claims;
        let ms = |secs: u64| secs.saturating_mul(1000);
        match claims.exp {
            Some(exp) if now >= ms(exp).saturating_add(self.leeway) => {
                return Err(TokenError::Expired)
            }
            None if self.require_exp => return Err(TokenError::MissingClaim { name: "exp" }),
            _ => {}
        }
        if claims
            .nbf
            .is_some_and(|nbf| now.saturating_add(self.leeway) < ms(nbf))
        {
            return Err(TokenError::NotYetValid);
        }
        if let Some(issuer) = &self.issuer {
            if claims.iss.as_deref() != Some(issuer.as_str()) {
                return Err(TokenError::WrongIssuer);
            }
        }
        let audience_ok = match &self.audience {
            Some(audience) => claims.aud.iter().any(|a| a == audience),
            None => claims.aud.is_empty(),
        };
        if !audience_ok {
            return Err(TokenError::WrongAudience);
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "verify_tests.rs"]
mod tests;
