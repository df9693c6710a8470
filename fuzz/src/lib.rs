//! The bodies of phone-auth's fuzz targets.
//!
//! Each target is a plain `fn(&[u8])` listed in [`TARGETS`]. Two things run them:
//! the libFuzzer binaries in `fuzz/fuzz_targets/` (`cargo xtask fuzz`, nightly), and
//! `tests/fuzz_regressions.rs` in the main crate, which includes this file and replays
//! every saved input in `fuzz/regressions/<target>/` and `fuzz/seeds/<target>/` under a
//! normal `cargo test`.
//!
//! A target must never panic on any input: a panic is the bug it looks for. Beyond that
//! each one checks a few properties that must hold for every input (round trips, no
//! secret in `Debug`).
//!
//! # Adding a target
//!
//! 1. A `pub fn name(data: &[u8])` here and a row in [`TARGETS`].
//! 2. `fuzz/fuzz_targets/name.rs` with the three lines the others have, and a `[[bin]]`
//!    in `fuzz/Cargo.toml`.
//! 3. A few seed inputs in `fuzz/seeds/name/` (optional, but they speed the fuzzer up).
//!
//! `tests/fuzz_regressions.rs` fails when 1 and 2 disagree.

use phone_auth::http::HttpResponse;
use phone_auth::json;
use phone_auth::phone::{PhoneFormat, PhoneNumber};
use phone_auth::provider::{arita, custom, gizo, monetha, sso, Challenge, CodeStep, Flow};
use phone_auth::secret::{OtpCode, Secret};
use phone_auth::session::{self, Machine, Snapshot};
use phone_auth::token::{SessionToken, Token};

/// A target's body.
pub type Target = fn(&[u8]);

/// Every target, by name (the name of its `fuzz_targets/<name>.rs` and regression folder).
pub const TARGETS: &[(&str, Target)] = &[
    ("phone_parse", phone_parse),
    ("token_decode", token_decode),
    ("gizo_responses", gizo_responses),
    ("arita_responses", arita_responses),
    ("monetha_responses", monetha_responses),
    ("sso_responses", sso_responses),
    ("custom_description", custom_description),
    ("session_snapshot", session_snapshot),
    ("json_parse", json_parse),
    ("origin_check", origin_check),
];

/// The URL policy of `auth.fetch`: `base\npage\ntarget` (lossy UTF-8). Never panics; an
/// accepted target's origin is the base's or the page's; nothing accepted is plain http
/// to another device; a refusal is always `untrusted_origin`.
pub fn origin_check(data: &[u8]) {
    use phone_auth::origin::{self, Policy};
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\n');
    let (base, page, target) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let _ = origin::binding(base);
    let _ = origin::parse(target);
    let Ok(policy) = Policy::new(base, &[], false) else {
        return;
    };
    let page = (!page.is_empty()).then_some(page);
    match policy.check(target, page) {
        Ok(url) => {
            let parsed = origin::parse(&url).expect("an accepted URL is absolute");
            let from_page = page
                .and_then(|p| origin::parse(p).ok())
                .is_some_and(|p| p.origin == parsed.origin);
            assert!(
                parsed.origin == *policy.base_origin() || from_page,
                "token sent to an untrusted origin: {url}"
            );
            assert!(
                parsed.origin.is_loopback()
                    || url
                        .get(..6)
                        .is_some_and(|s| s.eq_ignore_ascii_case("https:")),
                "token sent in clear text: {url}"
            );
        }
        Err(e) => assert_eq!(e.code(), "untrusted_origin"),
    }
}

/// The phone parser: `region\ninput` (or just `input`), lossy UTF-8.
pub fn phone_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (region, input) = match text.split_once('\n') {
        Some((region, input)) => (Some(region), input),
        None => (None, &*text),
    };
    let Ok(number) = PhoneNumber::parse(input, region) else {
        return;
    };
    for format in [
        PhoneFormat::E164,
        PhoneFormat::Gizo,
        PhoneFormat::NationalDigits,
        PhoneFormat::International,
    ] {
        let _ = number.format(format);
    }
    let _ = (number.monetha_parts(), number.extension(), number.region());
    // The grouped international form is `+<cc> ` and the same digits as E.164, in order
    // (every international template of the metadata uses each group once, in order).
    let international = number.format(PhoneFormat::International);
    let cc = format!("+{} ", number.country_calling_code());
    assert!(
        international.starts_with(&cc),
        "{international:?} lacks {cc:?}"
    );
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    assert_eq!(digits(&international), digits(&number.e164()));
    // What we print must parse back, to the same country. It need not be the same
    // digits, nor a fixpoint: like libphonenumber (our oracle), each parse strips one
    // national prefix, so `+43 0 0830008` re-parses as `+43 0830008`, then `+43 830008`
    // (libphonenumber-js max gives that same chain; see fuzz/regressions/phone_parse/).
    match PhoneNumber::parse(&number.e164(), None) {
        Ok(again) => assert_eq!(again.country_calling_code(), number.country_calling_code()),
        Err(e) => panic!("E.164 of a parsed number does not parse: {e:?}"),
    }
}

/// The JWT decoder and the session token built on it.
pub fn token_decode(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(token) = Token::decode(&text) {
        let shown = format!("{token:?} {token}");
        let raw = token.secret().expose();
        assert!(
            raw.len() < 8 || !shown.contains(raw),
            "Debug shows the token"
        );
        let expiry = token.expiry(1_700_000_000_000);
        let _ = (
            expiry.is_expired(u64::MAX, 0),
            expiry.refresh_due(0, u64::MAX),
        );
    }
    let session = SessionToken::new(&Secret::new(text.as_ref()), 1_700_000_000_000);
    let stored = session.to_json().to_json();
    let back = json::parse_str(&stored)
        .ok()
        .and_then(|v| SessionToken::from_json(&v));
    assert_eq!(back.as_ref(), Some(&session), "a stored token must restore");
}

/// An HTTP response from fuzz bytes: 2 bytes of status (100–599), 1 byte choosing the
/// content type and a `Retry-After`, the rest the body.
pub fn response(data: &[u8]) -> HttpResponse {
    let (head, body) = data.split_at(data.len().min(3));
    let byte = |i: usize| head.get(i).copied().unwrap_or(0);
    let status = 100 + u16::from_be_bytes([byte(0), byte(1)]) % 500;
    let flags = byte(2);
    let mut resp = HttpResponse::new(status, body.to_vec());
    let content_type = match flags & 0b111 {
        0 => None,
        1 => Some("text/html; charset=utf-8"),
        2 => Some("application/problem+json"),
        3 => Some("text/plain"),
        _ => Some("application/json; charset=utf-8"),
    };
    if let Some(ct) = content_type {
        resp = resp.with_header("Content-Type", ct);
    }
    if flags & 0b1000 != 0 {
        resp = resp.with_header("Retry-After", &(flags >> 4).to_string());
    }
    resp
}

fn phone() -> PhoneNumber {
    PhoneNumber::parse("+491747707607", None).unwrap_or_else(|_| unreachable!())
}

/// Runs a flow's response handlers on one response (every step of the code phase).
fn flow_responses(flow: &dyn Flow, resp: &HttpResponse) {
    for step in 0..3 {
        if let Ok(CodeStep::Send(req)) = flow.on_code_response(&phone(), step, resp) {
            let _ = format!("{req:?}");
        }
    }
    let _ = flow.on_verify_response(resp);
    let _ = flow.on_refresh_response(resp);
}

/// Every GIZO response parser.
pub fn gizo_responses(data: &[u8]) {
    let r = response(data);
    let _ = gizo::parse_check_identity(&r);
    let _ = gizo::parse_verify(&r);
    let _ = gizo::parse_access_token(&r);
    let _ = gizo::parse_client_token(&r);
    flow_responses(&gizo_config(), &r);
}

/// Every Arita response parser.
pub fn arita_responses(data: &[u8]) {
    let r = response(data);
    let _ = arita::parse_account_check(&r);
    let _ = arita::parse_username_info(&r);
    let _ = arita::parse_info(&r);
    let _ = arita::parse_login(&r);
    let _ = arita::parse_otp(&r);
    let _ = arita::parse_login_verify(&r);
    let _ = arita::parse_signup_verify(&r);
    let _ = arita::parse_forgot_password_verify(&r);
    let _ = arita::parse_set_password(&r);
    let _ = arita::parse_reset_password(&r);
    let _ = arita::parse_logout(&r);
    let _ = arita::parse_device_token(&r);
    flow_responses(&arita_config(), &r);
}

/// Every Monetha response parser.
pub fn monetha_responses(data: &[u8]) {
    let r = response(data);
    let _ = monetha::parse_verify(&r);
    let _ = monetha::parse_signup(&r);
    let _ = monetha::parse_signin(&r);
    flow_responses(&monetha_config(), &r);
}

/// Every SSO v1 response parser.
pub fn sso_responses(data: &[u8]) {
    let r = response(data);
    let _ = sso::parse_sms(&r);
    let _ = sso::parse_auth(&r);
    let _ = sso::parse_code(&r);
    let _ = sso::parse_email_optin(&r);
    let _ = sso::parse_email_status(&r);
    let _ = sso::parse_email(&r);
    let _ = sso::parse_user_status(&r);
    let _ = sso::parse_create_user(&r);
    let _ = sso::parse_get_user(&r);
    flow_responses(&sso_config(), &r);
}

/// A custom provider description (JSON), then, if it is valid, its whole flow against a
/// response: `description \0 response-bytes` (see [`response`]).
pub fn custom_description(data: &[u8]) {
    let (json, rest) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(value) = json::parse(json) else {
        return;
    };
    let Ok(description) = custom::Description::from_json(&value) else {
        return;
    };
    if description.validate().is_err() {
        return;
    }
    let flow: &dyn Flow = &description;
    let _ = flow.code_request(&phone());
    let resp = response(rest);
    flow_responses(flow, &resp);
    let challenge = match flow.on_code_response(&phone(), 0, &resp) {
        Ok(CodeStep::Sent(c)) => c,
        _ => Challenge::default(),
    };
    if let Ok(code) = OtpCode::parse("482913") {
        let _ = flow.verify_request(&phone(), &challenge, &code);
    }
    let token = Secret::new("header.claims.signature");
    let _ = flow.refresh_request(&token);
    let _ = flow.sign_out_request(&token);
}

/// A stored session snapshot: parse, round-trip, and restore a machine from it.
pub fn session_snapshot(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(snapshot) = Snapshot::parse(&text) {
        let again = Snapshot::parse(&snapshot.to_json());
        assert_eq!(again.as_ref(), Ok(&snapshot), "a snapshot must round-trip");
    }
    let mut machine = Machine::new(gizo_config(), session::Config::default());
    let _ = machine.restore(1_700_000_000_000, Some(&text));
}

fn config<T>(json: &str, read: fn(&json::Value) -> Result<T, String>) -> T {
    let value = json::parse_str(json).unwrap_or_else(|e| panic!("fuzz config {json}: {e:?}"));
    read(&value).unwrap_or_else(|e| panic!("fuzz config {json}: {e}"))
}

/// The JSON reader every parser above stands on: whatever it accepts writes back as
/// JSON it accepts again, to the same value, and the same text (a fixpoint).
pub fn json_parse(data: &[u8]) {
    let Ok(value) = json::parse(data) else {
        return;
    };
    let text = value.to_json();
    let again = json::parse_str(&text).unwrap_or_else(|e| panic!("own output refused: {e:?}"));
    assert_eq!(again, value, "a written document must read back the same");
    assert_eq!(again.to_json(), text, "writing is a fixpoint");
}

/// The provider configurations the flows run with (also checked by the replay test).
pub fn gizo_config() -> gizo::Config {
    config(
        r#"{"baseUrl":"http://127.0.0.1:8787"}"#,
        gizo::Config::from_json,
    )
}

/// See [`gizo_config`].
pub fn arita_config() -> arita::Config {
    config(
        r#"{"baseUrl":"http://127.0.0.1:8787"}"#,
        arita::Config::from_json,
    )
}

/// See [`gizo_config`].
pub fn monetha_config() -> monetha::Config {
    config(
        r#"{"baseUrl":"http://127.0.0.1:8787","deviceId":"fuzz-device"}"#,
        monetha::Config::from_json,
    )
}

/// See [`gizo_config`].
pub fn sso_config() -> sso::Config {
    config(
        r#"{"baseUrl":"http://127.0.0.1:8787"}"#,
        sso::Config::from_json,
    )
}
