//! Decoding, expiry and redaction tests (verification has its own, under `verify`).

use proptest::prelude::*;
use serde_json::json;

use super::decode_tests::decode_checked;
use super::*;
use crate::json;

use super::base64url::encode as b64;

/// A JWT with these header and claims texts and a fake signature.
fn jwt_from_text(header: &str, claims: &str) -> String {
    format!(
        "{}.{}.{}",
        b64(header.as_bytes(), false),
        b64(claims.as_bytes(), false),
        b64(b"not-a-real-signature", false)
    )
}

fn jwt(claims: serde_json::Value) -> String {
    jwt_from_text(r#"{"alg":"HS256","typ":"JWT"}"#, &claims.to_string())
}

#[test]
fn decodes_header_and_typed_claims() {
    let t = decode_checked(&jwt_from_text(
        r#"{"alg":"RS256","typ":"JWT","kid":"key-1"}"#,
        r#"{"sub":"u-42","iss":"https://issuer","aud":"app","exp":1700003600,"iat":1700000000,"nbf":1699999990,"phone":"+491747707607"}"#,
    ))
    .unwrap();
    assert_eq!(
        t.header(),
        &Header {
            alg: "RS256".into(),
            typ: Some("JWT".into()),
            kid: Some("key-1".into())
        }
    );
    let c = t.claims();
    assert_eq!(
        (c.exp, c.iat, c.nbf),
        (
            Some(1_700_003_600),
            Some(1_700_000_000),
            Some(1_699_999_990)
        )
    );
    assert_eq!(t.subject(), Some("u-42"));
    assert_eq!(c.iss.as_deref(), Some("https://issuer"));
    assert_eq!(c.aud, vec!["app".to_owned()]);
    assert_eq!(c.get_str("phone"), Some("+491747707607"));
    assert_eq!(c.get("exp"), Some(&json::parse_str("1700003600").unwrap()));
    assert_eq!(c.get("missing"), None);
    assert_eq!(c.all.len(), 7);
}

#[test]
fn audience_as_array_and_absent_claims() {
    let t = decode_checked(&jwt(json!({"aud": ["a", "b"]}))).unwrap();
    assert_eq!(t.claims().aud, vec!["a".to_owned(), "b".to_owned()]);
    let t = decode_checked(&jwt(json!({}))).unwrap();
    let c = t.claims();
    assert!(c.aud.is_empty() && c.exp.is_none() && c.sub.is_none() && c.all.is_empty());
}

#[test]
fn fractional_numeric_dates_round_down() {
    let t = decode_checked(&jwt(json!({"exp": 1700000000.9, "iat": 1.5e9}))).unwrap();
    assert_eq!(t.claims().exp, Some(1_700_000_000));
    assert_eq!(t.claims().iat, Some(1_500_000_000));
}

/// `exp` as written, decoded: the claim or the error.
fn exp_of(literal: &str) -> Result<Option<u64>, TokenError> {
    let claims = format!(r#"{{"exp":{literal}}}"#);
    decode_checked(&jwt_from_text(r#"{"alg":"HS256"}"#, &claims)).map(|t| t.claims().exp)
}

#[test]
fn numeric_date_literals_read_as_the_float_code_did() {
    // What the serde_json + f64 decoder gave: floor of non-negative numbers, `-0` is 0,
    // anything below zero is refused, integers beyond i64 stay exact up to u64::MAX.
    for (literal, secs) in [
        ("7", 7),
        ("7.0", 7),
        ("7.999", 7),
        ("0.5", 0),
        ("-0", 0),
        ("-0.0", 0),
        ("1.7e9", 1_700_000_000),
        ("17E8", 1_700_000_000),
        ("1700000000123e-3", 1_700_000_000),
        ("18446744073709551615", u64::MAX),
        ("1e30", u64::MAX),
    ] {
        assert_eq!(exp_of(literal), Ok(Some(secs)), "{literal}");
    }
    for literal in ["-1", "-0.5", "-1e-9", "-1e30"] {
        assert_eq!(
            exp_of(literal),
            Err(TokenError::InvalidClaim { name: "exp" }),
            "{literal}"
        );
    }
}

#[test]
fn utf8_payloads() {
    let t = decode_checked(&jwt(json!({"name": "José Müller 👩‍💻", "sub": "Ωμέγα"}))).unwrap();
    assert_eq!(t.claims().get_str("name"), Some("José Müller 👩‍💻"));
    assert_eq!(t.subject(), Some("Ωμέγα"));
}

#[test]
fn bearer_prefix_any_case_and_whitespace() {
    let token = jwt(json!({"sub": "x"}));
    for input in [
        format!("Bearer {token}"),
        format!("bearer {token}"),
        format!("BEARER   {token}"),
        format!("  Bearer\t{token}\n"),
        token.clone(),
    ] {
        let t = decode_checked(&input).unwrap();
        assert_eq!(t.subject(), Some("x"));
        assert_eq!(t.secret().expose(), token, "raw keeps no prefix");
    }
    assert_eq!(decode_checked("Bearer"), Err(TokenError::NotAJwt));
    assert_eq!(
        decode_checked("Bearerx.y.z"),
        Err(TokenError::BadBase64 { part: 1 })
    );
}

#[test]
fn padded_and_unpadded_base64() {
    // Lengths chosen so both parts need padding.
    let header = r#"{"alg":"HS256" }"#;
    let claims = r#"{"sub":"abc"}"#;
    let padded = format!(
        "{}.{}.{}",
        b64(header.as_bytes(), true),
        b64(claims.as_bytes(), true),
        b64(b"sig", true)
    );
    assert_eq!(padded.matches("==").count(), 2, "{padded}");
    assert_eq!(decode_checked(&padded).unwrap().subject(), Some("abc"));
    assert_eq!(
        decode_checked(&jwt_from_text(header, claims))
            .unwrap()
            .subject(),
        Some("abc")
    );
}

#[test]
fn unsecured_token_with_empty_signature_decodes() {
    let token = format!(
        "{}.{}.",
        b64(br#"{"alg":"none"}"#, false),
        b64(b"{}", false)
    );
    assert_eq!(decode_checked(&token).unwrap().alg(), "none");
}

#[test]
fn not_three_parts() {
    for input in [
        "",
        "opaque-session-token",
        "a.b",
        "a.b.c.d",
        "....",
        "Bearer abc",
    ] {
        assert_eq!(decode_checked(input), Err(TokenError::NotAJwt), "{input:?}");
    }
    assert_eq!(
        TokenError::NotAJwt.to_string(),
        "not a JWT (expected three dot-separated parts)"
    );
}

#[test]
fn bad_base64_names_the_part() {
    let good_h = b64(br#"{"alg":"HS256"}"#, false);
    let good_c = b64(b"{}", false);
    let cases = [
        (format!("!!.{good_c}.sig"), 1),
        (format!("{good_h}.a+b.sig"), 2),
        (format!("{good_h}.{good_c}.s/g"), 3),
        (format!("{good_h}.{good_c}.Z"), 3),
        (format!("{good_h}.{good_c}==.sig"), 2),
    ];
    for (input, part) in cases {
        assert_eq!(
            decode_checked(&input),
            Err(TokenError::BadBase64 { part }),
            "{input}"
        );
    }
    assert_eq!(
        TokenError::BadBase64 { part: 2 }.to_string(),
        "part 2 is not valid base64url"
    );
}

#[test]
fn bad_json_names_the_part() {
    let good_h = b64(br#"{"alg":"HS256"}"#, false);
    let good_c = b64(b"{}", false);
    let cases = [
        (format!("{}.{good_c}.", b64(b"{\"alg\":", false)), 1),
        (format!(".{good_c}."), 1),
        (format!("{good_h}.{}.", b64(b"{'sub': 1}", false)), 2),
        (
            format!(
                "{good_h}.{}.",
                b64(&[0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d], false)
            ),
            2,
        ),
        (format!("{good_h}.{}.", b64(b"{} trailing", false)), 2),
    ];
    for (input, part) in cases {
        assert_eq!(
            decode_checked(&input),
            Err(TokenError::BadJson { part }),
            "{input}"
        );
    }
}

#[test]
fn header_and_claims_must_be_objects() {
    for claims in ["[]", "\"sub\"", "42", "null", "true"] {
        assert_eq!(
            decode_checked(&jwt_from_text(r#"{"alg":"HS256"}"#, claims)),
            Err(TokenError::ClaimsNotObject),
            "{claims}"
        );
    }
    assert_eq!(
        decode_checked(&jwt_from_text("[\"HS256\"]", "{}")),
        Err(TokenError::HeaderNotObject)
    );
}

#[test]
fn header_members_are_typed() {
    for (header, name) in [
        (r#"{"typ":"JWT"}"#, "alg"),
        (r#"{"alg":256}"#, "alg"),
        (r#"{"alg":"HS256","kid":7}"#, "kid"),
        (r#"{"alg":"HS256","typ":null}"#, "typ"),
    ] {
        assert_eq!(
            decode_checked(&jwt_from_text(header, "{}")),
            Err(TokenError::InvalidHeader { name }),
            "{header}"
        );
    }
}

#[test]
fn registered_claims_are_typed() {
    for (claims, name) in [
        (json!({"exp": "tomorrow"}), "exp"),
        (json!({"exp": -1}), "exp"),
        (json!({"iat": [1]}), "iat"),
        (json!({"nbf": true}), "nbf"),
        (json!({"sub": 42}), "sub"),
        (json!({"iss": {}}), "iss"),
        (json!({"aud": 1}), "aud"),
        (json!({"aud": ["ok", 2]}), "aud"),
    ] {
        assert_eq!(
            decode_checked(&jwt(claims.clone())),
            Err(TokenError::InvalidClaim { name }),
            "{claims}"
        );
    }
}

#[test]
fn debug_and_display_redact() {
    let token = jwt(
        json!({"sub": "u-1", "exp": 1700000000, "phone": "+491747707607", "email": "jose@example.com"}),
    );
    let t = decode_checked(&token).unwrap();
    let shown = format!("{t:?} {t} {:?}", t.claims());
    for secret in [
        "+491747707607",
        "jose@example.com",
        token.as_str(),
        "bm90LWEtcmVhbC1zaWduYXR1cmU",
    ] {
        assert!(!shown.contains(secret), "{shown} shows {secret}");
    }
    assert!(shown.contains("HS256") && shown.contains("u-1") && shown.contains("1700000000"));
    assert!(
        shown.contains("\"phone\""),
        "claim names are shown: {shown}"
    );
    assert_eq!(t.to_string(), "JWT (HS256, sub u-1, exp 1700000000)");
}

const MIN: u64 = 60_000;

#[test]
fn expiry_uses_server_lifetime_on_local_clock() {
    // Issued at 1_700_000_000 s for one hour, but the device clock is a day behind.
    let t = decode_checked(&jwt(
        json!({"iat": 1_700_000_000u64, "exp": 1_700_003_600u64}),
    ))
    .unwrap();
    let received_at = 1_700_000_000_000 - 86_400_000;
    let e = t.expiry(received_at);
    assert_eq!(e.expires_at, Some(received_at + 3_600_000));
    assert_eq!(e.lifetime(), Some(3_600_000));
    assert!(!e.is_expired(received_at + 59 * MIN, 0));
    assert!(e.is_expired(received_at + 60 * MIN, 0));
    assert!(
        !e.is_expired(received_at + 60 * MIN, 30_000),
        "leeway tolerates"
    );
    assert!(e.is_expired(received_at + 60 * MIN + 30_000, 30_000));
    assert_eq!(e.expires_in(received_at + 45 * MIN), Some(15 * MIN));
    assert_eq!(e.expires_in(received_at + 90 * MIN), Some(0));
}

#[test]
fn expiry_without_iat_trusts_exp_and_without_exp_never_expires() {
    let t = decode_checked(&jwt(json!({"exp": 2_000_000_000u64}))).unwrap();
    let e = t.expiry(5);
    assert_eq!(e.expires_at, Some(2_000_000_000_000));
    assert!(e.is_expired(2_000_000_000_000, 0));
    let t = decode_checked(&jwt(json!({"iat": 2_000_000_000u64}))).unwrap();
    let e = t.expiry(5);
    assert_eq!((e.expires_at, e.expires_in(u64::MAX)), (None, None));
    assert!(!e.is_expired(u64::MAX, 0) && !e.refresh_due(u64::MAX, MIN));
}

#[test]
fn exp_before_iat_expires_at_once() {
    let t = decode_checked(&jwt(json!({"iat": 100, "exp": 50}))).unwrap();
    assert!(t.expiry(1_000).is_expired(1_000, 0));
}

#[test]
fn refresh_margin_is_capped_at_half_the_lifetime() {
    let long = Expiry::after(0, 60 * MIN);
    assert!(!long.refresh_due(54 * MIN, 5 * MIN));
    assert!(long.refresh_due(55 * MIN, 5 * MIN));
    // A two-minute token with a five-minute margin: refresh at half-life, not at once.
    let short = Expiry::after(1_000, 2 * MIN);
    assert!(!short.refresh_due(1_000, 5 * MIN));
    assert!(!short.refresh_due(1_000 + MIN - 1, 5 * MIN));
    assert!(short.refresh_due(1_000 + MIN, 5 * MIN));
}

#[test]
fn session_token_opaque_or_jwt() {
    let opaque = SessionToken::new(&Secret::new("Bearer 0paque-Token"), 10);
    assert_eq!(opaque.secret().expose(), "0paque-Token");
    assert!(opaque.jwt().is_none() && opaque.expiry() == Expiry::unknown(10));
    assert!(!format!("{opaque:?}").contains("0paque"));

    let raw = jwt(json!({"sub": "u", "iat": 1000, "exp": 1060}));
    let s = SessionToken::new(&Secret::new(format!("Bearer {raw}")), 5_000);
    assert_eq!(s.secret().expose(), raw);
    assert_eq!(s.subject(), Some("u"));
    assert_eq!(s.expires_in(5_000), Some(60_000));
    assert!(s.is_expired(65_000, 0) && !s.is_expired(64_999, 0));
    assert!(s.refresh_due(35_000, 60_000) && !s.refresh_due(34_999, 60_000));
    assert!(!format!("{s:?}").contains(&raw));

    let stated = SessionToken::with_lifetime(&Secret::new(raw.as_str()), 5_000, 1_000);
    assert_eq!(stated.expiry().expires_at, Some(6_000));
    assert!(stated.jwt().is_some());
}

#[test]
fn session_token_round_trips_through_storage() {
    let raw = jwt(json!({"sub": "u", "iat": 1000, "exp": 1060}));
    let t = SessionToken::new(&Secret::new(raw.as_str()), 7);
    assert_eq!(
        t.to_json().to_json(),
        format!(r#"{{"token":"{raw}","receivedAt":7,"expiresAt":60007}}"#),
        "the text earlier releases stored"
    );
    for t in [
        t,
        SessionToken::with_lifetime(&Secret::new("opaque"), 7, 99),
    ] {
        let stored = t.to_json();
        assert_eq!(stored["token"], json::Value::from(t.secret().expose()));
        assert_eq!(stored["receivedAt"], json::Value::from(7u64));
        assert_eq!(SessionToken::from_json(&stored), Some(t));
    }
    let unknown = SessionToken::new(&Secret::new("x"), 1);
    assert_eq!(
        unknown.to_json().to_json(),
        r#"{"token":"x","receivedAt":1,"expiresAt":null}"#
    );
    for text in [
        r#"{"token": "x", "receivedAt": 1}"#,
        r#"{"token": "x", "receivedAt": 1, "expiresAt": null, "other": [1]}"#,
    ] {
        let old = SessionToken::from_json(&json::parse_str(text).unwrap()).unwrap();
        assert_eq!(old, unknown, "{text}");
        assert_eq!(old.expiry(), Expiry::unknown(1));
    }
}

#[test]
fn malformed_stored_tokens_are_refused() {
    for text in [
        r#"{"receivedAt": 1}"#,
        r#"{"token": 7, "receivedAt": 1}"#,
        r#"{"token": "x"}"#,
        r#"{"token": "x", "receivedAt": "1"}"#,
        r#"{"token": "x", "receivedAt": 1.0}"#,
        r#"{"token": "x", "receivedAt": -1}"#,
        r#"{"token": "x", "receivedAt": 1e3}"#,
        r#"{"token": "x", "receivedAt": 1, "expiresAt": 2.5}"#,
        r#"{"token": "x", "receivedAt": 1, "expiresAt": "2"}"#,
        r#"{"token": "x", "receivedAt": 18446744073709551616}"#,
        r#"["x", 1]"#,
        "null",
    ] {
        let v = json::parse_str(text).unwrap();
        assert_eq!(SessionToken::from_json(&v), None, "{text}");
    }
}

/// Strings built to reach deep into the decoder: three parts of base64url-ish text.
fn jwt_shaped() -> impl Strategy<Value = String> {
    let part = "[A-Za-z0-9_=+/-]{0,40}";
    (part, part, part).prop_map(|(a, b, c)| format!("{a}.{b}.{c}"))
}

/// Valid tokens with arbitrary JSON members.
fn real_json_jwt() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        ".*".prop_map(|s| json!(s)),
        Just(json!(null)),
    ];
    let names = prop_oneof![
        Just("exp".to_owned()),
        Just("iat".to_owned()),
        Just("nbf".to_owned()),
        Just("aud".to_owned()),
        Just("sub".to_owned()),
        "[a-z]{1,4}"
    ];
    (
        proptest::collection::btree_map(names, leaf, 0..6),
        any::<bool>(),
    )
        .prop_map(|(m, pad)| {
            let claims = serde_json::to_vec(&m).unwrap_or_default();
            format!(
                "{}.{}.{}",
                b64(br#"{"alg":"HS256"}"#, pad),
                b64(&claims, pad),
                b64(b"s", pad)
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_on_arbitrary_strings(s in ".*") {
        let _ = decode_checked(&s);
    }

    #[test]
    fn decode_never_panics_on_jwt_shaped_strings(s in jwt_shaped()) {
        let _ = decode_checked(&s);
        let t = SessionToken::new(&Secret::new(s.as_str()), 0);
        let _ = (t.is_expired(u64::MAX, u64::MAX), t.refresh_due(u64::MAX, u64::MAX), t.expires_in(0));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// The old decoder read `exp` as an f64 and floored it; the integer reading must agree
    /// on every number serde_json prints below 2^53 s (beyond, the f64 was not even exact).
    #[test]
    fn numeric_dates_agree_with_the_float_floor(f in prop_oneof![0.0f64..4e9, 0.0f64..9.0e15]) {
        let literal = serde_json::to_string(&f).unwrap();
        prop_assert_eq!(exp_of(&literal), Ok(Some(f.floor() as u64)), "{}", literal);
    }

    #[test]
    fn decode_never_panics_on_json_tokens(s in real_json_jwt()) {
        if let Ok(t) = decode_checked(&s) {
            let e = t.expiry(u64::MAX);
            let _ = (e.is_expired(u64::MAX, u64::MAX), e.refresh_due(0, u64::MAX), format!("{t:?}{t}"));
        }
    }
}
