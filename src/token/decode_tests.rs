//! [`Token::decode`] at the edges of the JSON grammar (escaped and repeated member names,
//! nesting) and on near-JWTs, and [`Token::texts`], what the wasm `decodeToken` hands to
//! `JSON.parse`. `tests.rs` runs every fixture through [`decode_checked`].

use proptest::prelude::*;

use super::*;
use crate::json;

/// `Token::decode(s)`, after checking that its [`Token::texts`] are JSON that says the
/// same as the decoded token.
pub(super) fn decode_checked(s: &str) -> Result<Token, TokenError> {
    let decoded = Token::decode(s);
    if let Ok(t) = &decoded {
        let [header, claims] = t.texts();
        let header = json::parse_str(&header).unwrap();
        assert_eq!(header["alg"].as_str(), Some(t.alg()), "{s:?}");
        assert_eq!(header["typ"].as_str(), t.header().typ.as_deref(), "{s:?}");
        assert_eq!(header["kid"].as_str(), t.header().kid.as_deref(), "{s:?}");
        let claims = json::parse_str(&claims).unwrap();
        assert_eq!(claims.as_object(), Some(&t.claims().all), "{s:?}");
    }
    decoded
}

/// base64url without padding.
fn b64(data: &[u8]) -> String {
    super::base64url::encode(data, false)
}

fn token(header: &str, claims: &str) -> String {
    format!(
        "{}.{}.{}",
        b64(header.as_bytes()),
        b64(claims.as_bytes()),
        b64(b"sig")
    )
}

#[test]
fn texts_are_the_parts_and_times_are_read() {
    let claims = r#"{"sub":"u-1","iat":1700000000,"exp":1700003600.5,"nbf":0,"n":[{"exp":"x"}]}"#;
    let t = decode_checked(&format!("Bearer {}", token(r#" {"alg":"HS256"} "#, claims))).unwrap();
    let [header, text] = t.texts();
    assert_eq!(
        (header.as_str(), text.as_str()),
        (r#" {"alg":"HS256"} "#, claims)
    );
    let c = t.claims();
    assert_eq!(
        (c.exp, c.iat, c.nbf),
        (Some(1_700_003_600), Some(1_700_000_000), Some(0))
    );
    assert_eq!(t.subject(), Some("u-1"));
}

#[test]
fn escaped_member_names_count_as_the_name_they_spell() {
    let bad = r#"{"\u0065xp":"tomorrow"}"#;
    assert_eq!(
        decode_checked(&token(r#"{"alg":"HS256"}"#, bad)),
        Err(TokenError::InvalidClaim { name: "exp" })
    );
    let t = decode_checked(&token(
        r#"{"alg":"HS256"}"#,
        r#"{"ex\u0070":7,"s\u0075b":"\u0041"}"#,
    ))
    .unwrap();
    assert_eq!((t.claims().exp, t.subject()), (Some(7), Some("A")));
    assert_eq!(
        decode_checked(&token(r#"{"\u0061lg":1}"#, "{}")),
        Err(TokenError::InvalidHeader { name: "alg" })
    );
}

#[test]
fn the_last_member_of_a_name_wins() {
    let t =
        |claims: &str| decode_checked(&token(r#"{"alg":"HS256"}"#, claims)).map(|t| t.claims().exp);
    assert_eq!(t(r#"{"exp":"x","exp":5}"#), Ok(Some(5)));
    assert_eq!(
        t(r#"{"exp":5,"exp":"x"}"#),
        Err(TokenError::InvalidClaim { name: "exp" })
    );
    assert_eq!(
        decode_checked(&token(r#"{"alg":1,"alg":"none"}"#, "{}")).map(|t| t.alg().to_owned()),
        Ok("none".to_owned())
    );
}

#[test]
fn fixtures_at_the_edges_of_the_grammar() {
    let deep = |n: usize| format!(r#"{{"a":{}1{}}}"#, "[".repeat(n), "]".repeat(n));
    let mut claims: Vec<String> = [
        "{}",
        " { } ",
        "{ \"a\" : 1 , \"b\" : [ ] }",
        "{\"a\":1,}",
        "{,}",
        "{\"a\"}",
        "{\"a\":}",
        "{\"a\" 1}",
        "{1:1}",
        "{\"a\":1",
        "{\"a\":1}}",
        "{\"a\":1} x",
        "[]",
        "[1,]",
        "\"x\"",
        "01",
        "-",
        "1.",
        "1e",
        "1e+",
        "-0.0e-0",
        "nul",
        "true",
        "tru",
        "{\"a\":01}",
        "{\"a\":\"\\x\"}",
        "{\"a\":\"\\u12G4\"}",
        "{\"a\":\"\\u12\"}",
        "{\"a\":\"\u{1}\"}",
        "{\"a\":\"\\ud800\"}",
        "{\"\\ud800\\udc00\":1}",
        "{\"a\":\"é\\/\\\"\"}",
        "{\"a\":\"\t\"}",
        "{\"aud\":[\"a\",\"b\"]}",
        "{\"aud\":[\"a\",2]}",
        "{\"aud\":[]}",
        "{\"aud\":null}",
        "{\"sub\":null}",
        "{\"iss\":1}",
        "{\"exp\":-0}",
        "{\"exp\":1e400}",
        "{\"exp\":-1e-400}",
        "{\"nbf\":{\"exp\":1}}",
        "{\"a\":{\"exp\":\"x\"},\"iat\":3}",
        "{\"a\":[{},{\"b\":[]}]}",
        "{\"a\":{\"b\":1,}}",
        "{\"a\":{\"b\" 1}}",
        "{\"a\":[1 2]}",
        "\u{feff}{}",
        "{}\u{0}",
    ]
    .map(str::to_owned)
    .to_vec();
    claims.extend([
        deep(126),
        deep(127),
        deep(128),
        format!("[{}]", "[".repeat(200)),
    ]);
    for c in &claims {
        decode_checked(&token(r#"{"alg":"HS256"}"#, c)).ok();
        decode_checked(&token(c, "{}")).ok();
    }
    assert!(decode_checked(&token(r#"{"alg":"x"}"#, &deep(127))).is_ok());
    assert_eq!(
        decode_checked(&token(r#"{"alg":"x"}"#, &deep(128))).err(),
        Some(TokenError::BadJson { part: 2 })
    );
    for bytes in [
        &b"{\"a\":\"\xff\"}"[..],
        b"{\"a\":\"\xc3\"}",
        b"\xef\xbb\xbf{}",
    ] {
        let s = format!("{}.{}.", b64(br#"{"alg":"HS256"}"#), b64(bytes));
        assert_eq!(
            decode_checked(&s).err(),
            Some(TokenError::BadJson { part: 2 })
        );
    }
}

/// A JSON-ish document: mostly objects of the members the scanner looks for, with
/// values of every type and sometimes broken syntax.
fn document() -> impl Strategy<Value = String> {
    let key = r#""(exp|iat|nbf|sub|iss|aud|alg|typ|kid|\\u0065xp|su\\u0062|\\u0061lg|x|)""#;
    let value = r#"(1|0|-0|-1|1\.5|1e30|-1e-3|01|1\.|-|"x"|"\\u0041"|"\\q"|\[\]|\["a"\]|\["a",2\]|\[1,\]|null|true|fals|\{\}|\{"exp":"x"\}|\{"a":\[\{\}\]\}|)"#;
    let member = format!(r"{key} ?: ?{value}");
    let regex = |pattern: &str| proptest::string::string_regex(pattern).unwrap();
    prop_oneof![
        8 => regex(&format!(r" ?\{{({member},){{0,4}}({member})?\}} ?")),
        1 => regex(&format!(r"\[({value},?){{0,3}}\]|{value}")),
        1 => regex(r#"[{}\[\]":,0-9a-z\\ ]{0,16}"#),
    ]
}

/// Tokens made of two such documents, sometimes with a bad signature,
/// a `Bearer ` prefix or a damaged part.
fn near_jwt() -> impl Strategy<Value = String> {
    (
        document(),
        document(),
        "[A-Za-z0-9_=+-]{0,5}",
        any::<(bool, u8)>(),
    )
        .prop_map(|(h, c, sig, (bearer, damage))| {
            let mut parts = [b64(h.as_bytes()), b64(c.as_bytes()), sig];
            if let Some(part) = parts.get_mut(usize::from(damage % 8)) {
                part.insert(usize::from(damage / 8) % (part.len() + 1), '*');
            }
            let s = parts.join(".");
            if bearer {
                format!("Bearer {s}")
            } else {
                s
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn near_jwts_decode_without_panic_and_texts_agree(s in near_jwt()) {
        decode_checked(&s).ok();
    }

    #[test]
    fn any_claims_text_decodes_without_panic_and_texts_agree(c in ".{0,24}", h in prop_oneof![Just(r#"{"alg":"a"}"#.to_owned()), ".{0,12}"]) {
        decode_checked(&token(&h, &c)).ok();
    }
}
