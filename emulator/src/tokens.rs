//! Issued JWTs: access tokens (HS256 or RS256), and the HS256 challenge tokens that
//! carry a challenge handle (Arita's `otpToken`, Monetha's `verification_token`).

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::config::JwtAlg;

/// The `iss` of every token.
pub const ISSUER: &str = "phone-auth-emulator";
const KID: &str = "phone-auth-emulator-1";

/// Claims of an access token (and of GIZO's company token).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The user id (or the GIZO client id for a company token).
    pub sub: String,
    /// Issued at, unix seconds.
    pub iat: u64,
    /// Expires at, unix seconds.
    pub exp: u64,
    /// Always [`ISSUER`].
    pub iss: String,
    /// `gizo`, `arita`, `monetha` or `sso`.
    pub provider: String,
    /// The user's number in E.164 (absent for company tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// `user` or `company`.
    pub kind: String,
    /// Unique id, the key for revocation.
    pub jti: String,
}

/// Key material. The secrets are never printed.
pub struct Keys {
    alg: Algorithm,
    encoding: EncodingKey,
    decoding: DecodingKey,
    jwks: Option<JwkSet>,
    challenge_encoding: EncodingKey,
    challenge_decoding: DecodingKey,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

/// Stored key material, to persist and restore ([`crate::db`]).
#[derive(Clone, PartialEq, Eq)]
pub struct KeyMaterial {
    /// HS256 secret for access tokens (hex), or the RSA private key PEM (PKCS#1).
    pub access: String,
    /// HS256 secret for challenge tokens (hex).
    pub challenge: String,
}

/// Why key material could not be loaded or made.
#[derive(Debug)]
pub struct KeyError(pub String);

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "key material: {}", self.0)
    }
}

fn random_secret_hex() -> String {
    // 256 bits, as two 128-bit handles.
    format!("{}{}", crate::codes::random_id(), crate::codes::random_id())
}

impl KeyMaterial {
    /// Fresh random material for `alg` (RS256 generates a 2048-bit RSA key).
    pub fn generate(alg: JwtAlg) -> Result<KeyMaterial, KeyError> {
        let access = match alg {
            JwtAlg::Hs256 => random_secret_hex(),
            JwtAlg::Rs256 => {
                use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};
                let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)
                    .map_err(|e| KeyError(e.to_string()))?;
                key.to_pkcs1_pem(LineEnding::LF)
                    .map_err(|e| KeyError(e.to_string()))?
                    .to_string()
            }
        };
        Ok(KeyMaterial {
            access,
            challenge: random_secret_hex(),
        })
    }

    /// Whether this material fits `alg` (a data file made with the other algorithm does not).
    pub fn fits(&self, alg: JwtAlg) -> bool {
        self.access.starts_with("-----BEGIN") == (alg == JwtAlg::Rs256)
    }
}

impl Keys {
    /// Keys from material.
    pub fn new(alg: JwtAlg, material: &KeyMaterial) -> Result<Keys, KeyError> {
        let (alg, encoding, decoding, jwks) = match alg {
            JwtAlg::Hs256 => (
                Algorithm::HS256,
                EncodingKey::from_secret(material.access.as_bytes()),
                DecodingKey::from_secret(material.access.as_bytes()),
                None,
            ),
            JwtAlg::Rs256 => {
                use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPublicKey, LineEnding};
                let private = rsa::RsaPrivateKey::from_pkcs1_pem(&material.access)
                    .map_err(|e| KeyError(e.to_string()))?;
                let public_pem = private
                    .to_public_key()
                    .to_pkcs1_pem(LineEnding::LF)
                    .map_err(|e| KeyError(e.to_string()))?;
                let encoding = EncodingKey::from_rsa_pem(material.access.as_bytes())
                    .map_err(|e| KeyError(e.to_string()))?;
                let decoding = DecodingKey::from_rsa_pem(public_pem.as_bytes())
                    .map_err(|e| KeyError(e.to_string()))?;
                let mut jwk = Jwk::from_encoding_key(&encoding, Algorithm::RS256)
                    .map_err(|e| KeyError(e.to_string()))?;
                jwk.common.key_id = Some(KID.to_owned());
                jwk.common.public_key_use = Some(jsonwebtoken::jwk::PublicKeyUse::Signature);
                (
                    Algorithm::RS256,
                    encoding,
                    decoding,
                    Some(JwkSet { keys: vec![jwk] }),
                )
            }
        };
        Ok(Keys {
            alg,
            encoding,
            decoding,
            jwks,
            challenge_encoding: EncodingKey::from_secret(material.challenge.as_bytes()),
            challenge_decoding: DecodingKey::from_secret(material.challenge.as_bytes()),
        })
    }

    /// The JWKS document (RS256 only).
    pub fn jwks(&self) -> Option<&JwkSet> {
        self.jwks.as_ref()
    }

    /// Signs access-token claims.
    pub fn sign(&self, claims: &Claims) -> Option<String> {
        let mut header = Header::new(self.alg);
        if self.alg == Algorithm::RS256 {
            header.kid = Some(KID.to_owned());
        }
        jsonwebtoken::encode(&header, claims, &self.encoding).ok()
    }

    /// Verifies an access token's signature, issuer and expiry (at `now_s`, no leeway).
    pub fn verify(&self, token: &str, now_s: u64) -> Option<Claims> {
        let mut validation = Validation::new(self.alg);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 0;
        validation.validate_exp = false;
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .ok()?
            .claims;
        (claims.exp > now_s).then_some(claims)
    }

    /// Signs challenge-token claims (always HS256).
    pub fn sign_challenge<T: Serialize>(&self, claims: &T) -> Option<String> {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            claims,
            &self.challenge_encoding,
        )
        .ok()
    }

    /// Verifies a challenge token's signature (expiry is the challenge's business).
    pub fn verify_challenge<T: DeserializeOwned>(&self, token: &str) -> Option<T> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<T>(token, &self.challenge_decoding, &validation)
            .ok()
            .map(|d| d.claims)
    }
}

/// `2024-04-23T09:04:45Z` for unix seconds (Arita's `expiry` claim).
pub fn rfc3339(unix_s: u64) -> String {
    let days = unix_s / 86_400;
    let rem = unix_s % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: u64) -> Claims {
        Claims {
            sub: "1".into(),
            iat: 0,
            exp,
            iss: ISSUER.into(),
            provider: "sso".into(),
            phone: Some("+491747707607".into()),
            kind: "user".into(),
            jti: "j".into(),
        }
    }

    #[test]
    fn hs256_round_trip_and_expiry() {
        let keys = Keys::new(
            JwtAlg::Hs256,
            &KeyMaterial::generate(JwtAlg::Hs256).unwrap(),
        )
        .unwrap();
        let t = keys.sign(&claims(100)).unwrap();
        assert_eq!(keys.verify(&t, 99), Some(claims(100)));
        assert_eq!(keys.verify(&t, 100), None);
        let other = Keys::new(
            JwtAlg::Hs256,
            &KeyMaterial::generate(JwtAlg::Hs256).unwrap(),
        )
        .unwrap();
        assert_eq!(other.verify(&t, 1), None);
    }

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_713_863_085), "2024-04-23T09:04:45Z");
    }
}
