//! Verification tests with real tokens from `jsonwebtoken`'s encoder and the committed
//! test keys in `tests/fixtures/keys/`.

use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::{json, Value};

use super::*;

const RSA_PRIVATE: &[u8] = include_bytes!("../../tests/fixtures/keys/rsa_private.pem");
const RSA_PUBLIC: &[u8] = include_bytes!("../../tests/fixtures/keys/rsa_public.pem");
const RSA_OTHER_PRIVATE: &[u8] = include_bytes!("../../tests/fixtures/keys/rsa_other_private.pem");
const RSA_OTHER_PUBLIC: &[u8] = include_bytes!("../../tests/fixtures/keys/rsa_other_public.pem");
const EC_PRIVATE: &[u8] = include_bytes!("../../tests/fixtures/keys/ec_private.pem");
const EC_PUBLIC: &[u8] = include_bytes!("../../tests/fixtures/keys/ec_public.pem");
const JWKS: &str = include_str!("../../tests/fixtures/keys/jwks.json");
const JWKS_HMAC_SECRET: &[u8] = b"jwks-shared-secret-at-least-32-bytes!!";
const SECRET: &[u8] = b"a-test-secret-that-is-long-enough-for-hs512-0123456789abcdef0123";

/// "Now" in these tests: 2023-11-14T22:13:20Z, unix ms.
const NOW: u64 = 1_700_000_000_000;
const NOW_S: u64 = NOW / 1000;

fn claims() -> Value {
    json!({"sub": "u-1", "iat": NOW_S - 10, "exp": NOW_S + 3600, "phone": "+491747707607"})
}

fn sign(alg: Algorithm, kid: Option<&str>, claims: &Value, key: &EncodingKey) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, key).unwrap()
}

fn hmac_token(alg: Algorithm, claims: &Value) -> String {
    sign(alg, None, claims, &EncodingKey::from_secret(SECRET))
}

fn rsa_token(kid: Option<&str>, claims: &Value) -> String {
    sign(
        Algorithm::RS256,
        kid,
        claims,
        &EncodingKey::from_rsa_pem(RSA_PRIVATE).unwrap(),
    )
}

fn ec_token(kid: Option<&str>, claims: &Value) -> String {
    sign(
        Algorithm::ES256,
        kid,
        claims,
        &EncodingKey::from_ec_pem(EC_PRIVATE).unwrap(),
    )
}

fn hmac() -> Verifier {
    Verifier::new(VerifyingKey::hmac(SECRET))
}

fn rsa() -> Verifier {
    Verifier::new(VerifyingKey::rsa_pem(RSA_PUBLIC).unwrap())
}

fn jwks() -> Verifier {
    Verifier::with_jwks(Jwks::from_json(JWKS).unwrap())
}

#[test]
fn accepts_every_supported_algorithm() {
    for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
        let t = hmac().verify(&hmac_token(alg, &claims()), NOW).unwrap();
        assert_eq!(t.alg(), format!("{alg:?}"));
        assert_eq!(t.claims.get_str("phone"), Some("+491747707607"));
    }
    assert_eq!(
        rsa()
            .verify(&rsa_token(None, &claims()), NOW)
            .unwrap()
            .subject(),
        Some("u-1")
    );
    let ec = Verifier::new(VerifyingKey::ec_pem(EC_PUBLIC).unwrap());
    assert_eq!(
        ec.verify(&ec_token(None, &claims()), NOW).unwrap().alg(),
        "ES256"
    );
    let bearer = format!("Bearer {}", hmac_token(Algorithm::HS256, &claims()));
    assert!(hmac().verify(&bearer, NOW).is_ok());
}

#[test]
fn refuses_alg_none_and_unsupported_algorithms() {
    let body = encode_part(&claims());
    for alg in ["none", "None", "NONE", "PS256", "EdDSA", "HS1"] {
        let header = encode_part(&json!({"alg": alg, "typ": "JWT"}));
        for sig in ["", "c2ln"] {
            let token = format!("{header}.{body}.{sig}");
            assert_eq!(
                hmac().verify(&token, NOW).unwrap_err(),
                TokenError::UnsupportedAlgorithm { alg: alg.into() }
            );
        }
    }
}

fn encode_part(v: &Value) -> String {
    // Re-use jsonwebtoken's encoder only through a signed token: take its header part.
    let token = encode(
        &Header::new(Algorithm::HS256),
        v,
        &EncodingKey::from_secret(b"x"),
    )
    .unwrap();
    token.split('.').nth(1).unwrap().to_owned()
}

#[test]
fn refuses_wrong_keys() {
    let other_hmac = Verifier::new(VerifyingKey::hmac(b"another-secret"));
    assert_eq!(
        other_hmac.verify(&hmac_token(Algorithm::HS256, &claims()), NOW),
        Err(TokenError::BadSignature)
    );
    let other_rsa = Verifier::new(VerifyingKey::rsa_pem(RSA_OTHER_PUBLIC).unwrap());
    assert_eq!(
        other_rsa.verify(&rsa_token(None, &claims()), NOW),
        Err(TokenError::BadSignature)
    );
    // Signed by another private key but claiming the first key's kid.
    let forged = sign(
        Algorithm::RS256,
        Some("rsa-1"),
        &claims(),
        &EncodingKey::from_rsa_pem(RSA_OTHER_PRIVATE).unwrap(),
    );
    assert_eq!(jwks().verify(&forged, NOW), Err(TokenError::BadSignature));
}

#[test]
fn refuses_tampered_claims() {
    let token = hmac_token(Algorithm::HS256, &claims());
    let mut parts: Vec<&str> = token.split('.').collect();
    let forged_claims = encode_part(&json!({"sub": "admin", "iat": NOW_S, "exp": NOW_S + 3600}));
    parts[1] = &forged_claims;
    assert_eq!(
        hmac().verify(&parts.join("."), NOW),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn refuses_algorithm_confusion() {
    // An HS256 token "signed" with the RSA public key as the HMAC secret.
    let confused = hmac_like(RSA_PUBLIC);
    assert_eq!(
        rsa().verify(&confused, NOW),
        Err(TokenError::AlgorithmMismatch)
    );
    // An RSA token presented to an HMAC verifier.
    assert_eq!(
        hmac().verify(&rsa_token(None, &claims()), NOW),
        Err(TokenError::AlgorithmMismatch)
    );
    // ES256 token, RSA key.
    assert_eq!(
        rsa().verify(&ec_token(None, &claims()), NOW),
        Err(TokenError::AlgorithmMismatch)
    );
}

fn hmac_like(secret: &[u8]) -> String {
    sign(
        Algorithm::HS256,
        None,
        &claims(),
        &EncodingKey::from_secret(secret),
    )
}

#[test]
fn expiry_with_leeway() {
    let token = hmac_token(Algorithm::HS256, &json!({"exp": NOW_S}));
    assert_eq!(
        hmac().leeway(0).verify(&token, NOW),
        Err(TokenError::Expired)
    );
    assert!(hmac().leeway(0).verify(&token, NOW - 1).is_ok());
    assert!(hmac().leeway(30_000).verify(&token, NOW + 29_999).is_ok());
    assert_eq!(
        hmac().leeway(30_000).verify(&token, NOW + 30_000),
        Err(TokenError::Expired)
    );
    assert_eq!(
        hmac().verify(&token, NOW + Verifier::DEFAULT_LEEWAY),
        Err(TokenError::Expired)
    );
}

#[test]
fn missing_exp_is_refused_unless_allowed() {
    let token = hmac_token(Algorithm::HS256, &json!({"sub": "u"}));
    assert_eq!(
        hmac().verify(&token, NOW),
        Err(TokenError::MissingClaim { name: "exp" })
    );
    assert!(hmac().require_exp(false).verify(&token, NOW).is_ok());
}

#[test]
fn not_before_in_the_future() {
    let token = hmac_token(
        Algorithm::HS256,
        &json!({"nbf": NOW_S + 120, "exp": NOW_S + 3600}),
    );
    assert_eq!(hmac().verify(&token, NOW), Err(TokenError::NotYetValid));
    assert_eq!(
        hmac().leeway(0).verify(&token, NOW + 119_999),
        Err(TokenError::NotYetValid)
    );
    assert!(hmac().leeway(0).verify(&token, NOW + 120_000).is_ok());
    assert!(hmac().leeway(60_000).verify(&token, NOW + 60_000).is_ok());
}

#[test]
fn jwks_picks_the_key_by_kid() {
    let v = jwks();
    assert!(v.verify(&rsa_token(Some("rsa-1"), &claims()), NOW).is_ok());
    assert!(v.verify(&ec_token(Some("ec-1"), &claims()), NOW).is_ok());
    let hs = sign(
        Algorithm::HS256,
        Some("hmac-1"),
        &claims(),
        &EncodingKey::from_secret(JWKS_HMAC_SECRET),
    );
    assert!(v.verify(&hs, NOW).is_ok());
    // Right signature, wrong kid: the key named is another RSA key.
    assert_eq!(
        v.verify(&rsa_token(Some("rsa-2"), &claims()), NOW),
        Err(TokenError::BadSignature)
    );
    assert_eq!(
        v.verify(&rsa_token(Some("nope"), &claims()), NOW),
        Err(TokenError::UnknownKey)
    );
    assert_eq!(
        v.verify(&rsa_token(None, &claims()), NOW),
        Err(TokenError::UnknownKey),
        "several keys and no kid"
    );
    // The JWK says RS256; an ES256 token naming it does not fit.
    assert_eq!(
        v.verify(&ec_token(Some("rsa-1"), &claims()), NOW),
        Err(TokenError::AlgorithmMismatch)
    );
}

#[test]
fn jwks_with_one_key_needs_no_kid_and_skips_unusable_keys() {
    let doc: Value = serde_json::from_str(JWKS).unwrap();
    let rsa1 = doc["keys"][0].clone();
    let one = json!({"keys": [
        {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
        {"kty": "RSA", "use": "enc", "n": rsa1["n"], "e": "AQAB", "kid": "enc"},
        rsa1,
    ]});
    let v = Verifier::with_jwks(Jwks::from_json(&one.to_string()).unwrap());
    assert!(v.verify(&rsa_token(None, &claims()), NOW).is_ok());
    let single = Verifier::new(VerifyingKey::from_jwk_json(&doc["keys"][1].to_string()).unwrap());
    assert!(single.verify(&ec_token(None, &claims()), NOW).is_ok());
}

#[test]
fn unusable_keys_are_refused() {
    assert_eq!(
        VerifyingKey::rsa_pem(b"not a pem").unwrap_err(),
        TokenError::InvalidKey
    );
    assert_eq!(
        VerifyingKey::ec_pem(RSA_PUBLIC).unwrap_err(),
        TokenError::InvalidKey
    );
    assert_eq!(Jwks::from_json("{").unwrap_err(), TokenError::InvalidKey);
    assert_eq!(
        Jwks::from_json(r#"{"keys": []}"#).unwrap_err(),
        TokenError::InvalidKey
    );
    assert_eq!(
        VerifyingKey::from_jwk_json(r#"{"kty":"RSA","n":"AQAB","e":"AQAB","alg":"PS256"}"#)
            .unwrap_err(),
        TokenError::InvalidKey
    );
}

#[test]
fn issuer_and_audience() {
    let c = json!({"iss": "https://issuer", "aud": ["web", "ios"], "exp": NOW_S + 60});
    let token = hmac_token(Algorithm::HS256, &c);
    assert!(hmac()
        .issuer("https://issuer")
        .audience("ios")
        .verify(&token, NOW)
        .is_ok());
    assert_eq!(
        hmac()
            .issuer("https://other")
            .audience("ios")
            .verify(&token, NOW),
        Err(TokenError::WrongIssuer)
    );
    assert_eq!(
        hmac().audience("android").verify(&token, NOW),
        Err(TokenError::WrongAudience)
    );
    assert_eq!(hmac().verify(&token, NOW), Err(TokenError::WrongAudience));
    let no_aud = hmac_token(Algorithm::HS256, &json!({"exp": NOW_S + 60}));
    assert_eq!(
        hmac().audience("web").verify(&no_aud, NOW),
        Err(TokenError::WrongAudience)
    );
}

#[test]
fn form_errors_come_first_and_keys_do_not_print() {
    assert_eq!(hmac().verify("opaque", NOW), Err(TokenError::NotAJwt));
    assert!(!format!("{:?}", hmac()).contains("a-test-secret"));
}
