//! Helpers for the providers' data-driven tests.

use proptest::prelude::*;

use crate::http::{HttpRequest, HttpResponse, Method};
use crate::phone::PhoneNumber;

/// A fixture file's text from `tests/fixtures/providers/`.
macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/providers/",
            $path
        ))
    };
}
pub(crate) use fixture;

/// A JSON response.
pub(crate) fn json(status: u16, body: &str) -> HttpResponse {
    HttpResponse::new(status, body).with_header("Content-Type", "application/json")
}

/// A response with some content type.
pub(crate) fn typed(status: u16, content_type: &str, body: &str) -> HttpResponse {
    HttpResponse::new(status, body).with_header("Content-Type", content_type)
}

/// A parsed phone number (the phone module is another engineer's; these inputs are plain).
pub(crate) fn phone(e164: &str) -> PhoneNumber {
    PhoneNumber::parse(e164, None).expect("test number parses")
}

/// What a built request must be, byte for byte.
pub(crate) struct Expected<'a> {
    pub method: Method,
    pub url: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: Option<&'a str>,
}

/// Asserts a request equals the expectation exactly (headers in order, body bytes).
pub(crate) fn check(name: &str, req: &HttpRequest, expected: &Expected<'_>) {
    assert_eq!(req.method, expected.method, "{name}: method");
    assert_eq!(req.url, expected.url, "{name}: url");
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(headers, expected.headers, "{name}: headers");
    assert_eq!(req.body.as_deref(), expected.body, "{name}: body");
}

/// Responses that are anything at all: any status, any bytes (often almost-JSON), any
/// or no content type, sometimes a `Retry-After`.
pub(crate) fn arb_response() -> impl Strategy<Value = HttpResponse> {
    let body = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        "[ -~]{0,200}".prop_map(String::into_bytes),
        r#"\{("[a-zA-Z_]{1,12}":(true|false|null|[0-9]{1,4}|"[^"\\]{0,20}"|\[\]|\{\}),?){0,6}\}?"#
            .prop_map(String::into_bytes),
    ];
    let content_type = prop_oneof![
        Just(None),
        Just(Some("application/json")),
        Just(Some("application/vnd.sso.v1+json")),
        Just(Some("text/plain")),
        Just(Some("text/html")),
    ];
    let retry = prop_oneof![Just(None), "[0-9a-z ]{0,6}".prop_map(Some)];
    (100u16..600, body, content_type, retry).prop_map(|(status, body, ct, retry)| {
        let mut resp = HttpResponse::new(status, body);
        if let Some(ct) = ct {
            resp = resp.with_header("Content-Type", ct);
        }
        if let Some(r) = retry {
            resp = resp.with_header("Retry-After", &r);
        }
        resp
    })
}

/// `text` parsed, with every member named in `secrets` removed from the top-level object:
/// what `Verified::user` must equal for a fixture's user object.
pub(crate) fn without(text: &str, secrets: &[&str]) -> crate::json::Value {
    let mut v = crate::json::parse_str(text).expect("fixture parses");
    if let crate::json::Value::Object(map) = &mut v {
        for name in secrets {
            assert!(map.remove(name).is_some(), "{name} is in the fixture");
        }
    }
    v
}

/// Asserts that no member name at any depth of `v` is a secret name (an independent list:
/// tokens, JWTs, passwords, secrets, one-time and auth codes).
pub(crate) fn assert_no_secret_members(v: &crate::json::Value) {
    use crate::json::Value;
    match v {
        Value::Object(map) => {
            for (k, member) in map.iter() {
                let lower = k.to_ascii_lowercase();
                let secret = ["token", "jwt", "password", "secret", "otp"]
                    .iter()
                    .any(|s| lower.contains(s))
                    || (lower.ends_with("code") && !lower.starts_with("country"));
                assert!(!secret, "secret member `{k}` reached the user: {v}");
                assert_no_secret_members(member);
            }
        }
        Value::Array(items) => items.iter().for_each(assert_no_secret_members),
        _ => {}
    }
}
