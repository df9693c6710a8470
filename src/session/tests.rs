//! The machine's local rules, persistence and call order, on a simulated clock.

use proptest::prelude::*;
use serde_json::json;

use super::testkit::{jwt_at, phone, respond, Fake, BASE};
use super::*;
use crate::http::Method;
use crate::json;

pub(super) const T0: u64 = 1_700_000_000_000;

pub(super) fn machine_with(flow: Fake, config: Config) -> Machine<Fake> {
    let mut m = Machine::new(flow, config);
    assert_eq!(m.restore(T0, None), Ok(StateKind::SignedOut));
    assert_eq!(drain(&mut m), vec![Event::InitialSession(None)]);
    m
}

pub(super) fn machine() -> Machine<Fake> {
    machine_with(Fake::default(), Config::default())
}

pub(super) fn drain<F: Flow>(m: &mut Machine<F>) -> Vec<Event> {
    core::iter::from_fn(|| m.poll_event()).collect()
}

fn done(events: &[Event]) -> Option<&Result<(), Error>> {
    events.iter().find_map(|e| match e {
        Event::Done { result, .. } => Some(result),
        _ => None,
    })
}

/// Requests a code at `now` and answers it with `body`.
pub(super) fn send_code<F: Flow>(m: &mut Machine<F>, now: u64, body: serde_json::Value) {
    m.handle_request_code(now, phone()).unwrap();
    let (id, _) = m.poll_request(now).unwrap();
    m.handle_response(now, id, respond(200, body));
    assert_eq!(m.state(), StateKind::CodeSent);
    drain(m);
}

/// Signs in at `now` with `token`.
pub(super) fn sign_in<F: Flow>(m: &mut Machine<F>, now: u64, token: &str) {
    send_code(m, now, json!({"handle": "h-1", "registered": true}));
    m.handle_verify(now, &OtpCode::parse("48213").unwrap())
        .unwrap();
    let (id, _) = m.poll_request(now).unwrap();
    m.handle_response(
        now,
        id,
        respond(200, json!({"token": token, "user": {"id": 7}})),
    );
    assert_eq!(m.state(), StateKind::SignedIn);
    drain(m);
}

/// Sends a verify with `code` and answers `status`/`body`; returns the events.
fn verify_with(
    m: &mut Machine<Fake>,
    now: u64,
    status: u16,
    body: serde_json::Value,
) -> Vec<Event> {
    m.handle_verify(now, &OtpCode::parse("11111").unwrap())
        .unwrap();
    let (id, _) = m.poll_request(now).unwrap();
    m.handle_response(now, id, respond(status, body));
    drain(m)
}

#[test]
fn code_request_is_built_by_the_flow_and_starts_the_local_rules() {
    let mut m = machine();
    let op = m.handle_request_code(T0, phone()).unwrap();
    let (id, req) = m.poll_request(T0).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, format!("{BASE}/code"));
    assert_eq!(req.body.as_deref(), Some(r#"{"phone":"+491747707607"}"#));
    assert!(m.poll_request(T0).is_none(), "one request at a time");
    m.handle_response(
        T0 + 200,
        id,
        respond(200, json!({"handle": "h", "registered": false})),
    );
    let info = CodeInfo {
        phone: "+491747707607".into(),
        is_registered: Some(false),
        resend_allowed_at: T0 + 200 + 30_000,
        code_expires_at: T0 + 200 + 300_000,
        attempts_left: 5,
    };
    let events = drain(&mut m);
    assert_eq!(events[0], Event::CodeSent(info.clone()));
    assert_eq!(events[1], Event::SnapshotChanged);
    assert_eq!(
        events[2],
        Event::Done {
            op,
            action: Action::RequestCode,
            result: Ok(())
        }
    );
    assert_eq!(m.code_info(), Some(info));
}

#[test]
fn multi_step_code_flows_chain_their_requests() {
    let flow = Fake {
        check_first: true,
        ..Fake::default()
    };
    let mut m = machine_with(flow, Config::default());
    m.handle_request_code(T0, phone()).unwrap();
    let (id, req) = m.poll_request(T0).unwrap();
    assert!(req.url.ends_with("/check"));
    m.handle_response(T0, id, respond(200, json!({"exists": true})));
    let (id2, req) = m.poll_request(T0).unwrap();
    assert_ne!(id, id2);
    assert_eq!(
        req.body.as_deref(),
        Some(r#"{"phone":"+491747707607","exists":true}"#)
    );
    m.handle_response(T0, id, respond(200, json!({"handle": "stale"})));
    assert_eq!(m.state(), StateKind::SignedOut, "a stale id is ignored");
    m.handle_response(T0, id2, respond(200, json!({"handle": "h"})));
    assert_eq!(m.state(), StateKind::CodeSent);
}

#[test]
fn resend_cooldown_is_enforced_locally_without_a_request() {
    let mut m = machine();
    send_code(&mut m, T0, json!({"handle": "h"}));
    let err = m.handle_resend(T0 + 10_500).unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    assert_eq!(err.retry_after(), Some(20));
    assert_eq!(err.status(), None);
    assert!(m.poll_request(T0 + 10_500).is_none());
    // Requesting again for the same number is a resend too; another number is not.
    assert_eq!(
        m.handle_request_code(T0 + 10_500, phone())
            .unwrap_err()
            .retry_after(),
        Some(20)
    );
    let other = PhoneNumber::parse("+4915112345678", None).unwrap();
    m.handle_request_code(T0 + 10_500, other).unwrap();
    let (id, _) = m.poll_request(T0 + 10_500).unwrap();
    m.handle_transport_error(T0 + 10_500, id, Error::Timeout);
    assert_eq!(
        m.code_info().unwrap().phone,
        "+491747707607",
        "a failed request keeps the old code"
    );
    // At the cooldown the resend goes out and restarts every rule.
    m.handle_resend(T0 + 30_000).unwrap();
    let (id, req) = m.poll_request(T0 + 30_000).unwrap();
    assert!(req.url.ends_with("/code"));
    m.handle_response(T0 + 30_000, id, respond(200, json!({"handle": "h2"})));
    let info = m.code_info().unwrap();
    assert_eq!(info.resend_allowed_at, T0 + 60_000);
    assert_eq!(info.resend_after(T0 + 59_001), 1);
}

#[test]
fn a_server_rate_limit_moves_the_cooldown() {
    let mut m = machine();
    send_code(&mut m, T0, json!({"handle": "h"}));
    m.handle_resend(T0 + 30_000).unwrap();
    let (id, _) = m.poll_request(T0 + 30_000).unwrap();
    let limited = respond(429, json!({})).with_header("Retry-After", "45");
    m.handle_response(T0 + 30_000, id, limited);
    assert_eq!(
        done(&drain(&mut m))
            .unwrap()
            .as_ref()
            .unwrap_err()
            .retry_after(),
        Some(45)
    );
    assert_eq!(m.code_info().unwrap().resend_allowed_at, T0 + 75_000);
    assert_eq!(
        m.handle_resend(T0 + 74_000).unwrap_err().retry_after(),
        Some(1)
    );
}

#[test]
fn an_expired_code_is_refused_locally() {
    let mut m = machine();
    send_code(&mut m, T0, json!({"handle": "h"}));
    let code = OtpCode::parse("48213").unwrap();
    assert_eq!(
        m.handle_verify(T0 + 300_000, &code),
        Err(Error::CodeExpired)
    );
    assert!(m.poll_request(T0 + 300_000).is_none());
    // The provider's own lifetime wins over the default.
    let mut m = machine();
    send_code(&mut m, T0, json!({"handle": "h", "ttl": 60}));
    assert!(m.handle_verify(T0 + 59_999, &code).is_ok());
    let mut m = machine();
    send_code(&mut m, T0, json!({"handle": "h", "ttl": 60}));
    assert_eq!(m.handle_verify(T0 + 60_000, &code), Err(Error::CodeExpired));
    // A server that says the code expired is believed.
    let mut m = machine();
    send_code(&mut m, T0, json!({"handle": "h"}));
    verify_with(&mut m, T0 + 1000, 400, json!({"error": "code_expired"}));
    assert_eq!(m.handle_verify(T0 + 2000, &code), Err(Error::CodeExpired));
}

#[test]
fn wrong_codes_use_up_the_attempts_then_too_many_attempts_locally() {
    let mut m = machine_with(
        Fake::default(),
        Config {
            max_attempts: 3,
            ..Config::default()
        },
    );
    send_code(&mut m, T0, json!({"handle": "h"}));
    for left in (0..3).rev() {
        let events = verify_with(&mut m, T0 + 1000, 400, json!({"error": "invalid_code"}));
        assert_eq!(
            done(&events).unwrap().as_ref().unwrap_err().code(),
            "invalid_code"
        );
        assert_eq!(
            m.state(),
            StateKind::CodeSent,
            "a failed verify keeps the code"
        );
        assert_eq!(m.code_info().unwrap().attempts_left, left);
    }
    let code = OtpCode::parse("48213").unwrap();
    assert_eq!(
        m.handle_verify(T0 + 2000, &code),
        Err(Error::TooManyAttempts)
    );
    assert!(m.poll_request(T0 + 2000).is_none());
    // A new code brings new attempts.
    m.handle_resend(T0 + 30_000).unwrap();
    let (id, _) = m.poll_request(T0 + 30_000).unwrap();
    m.handle_response(T0 + 30_000, id, respond(200, json!({"handle": "h2"})));
    assert_eq!(m.code_info().unwrap().attempts_left, 3);
}

#[test]
fn a_network_failure_at_verify_keeps_the_code_and_the_attempts() {
    let mut m = machine();
    send_code(&mut m, T0, json!({"handle": "h-1"}));
    m.handle_verify(T0, &OtpCode::parse("48213").unwrap())
        .unwrap();
    assert_eq!(
        m.handle_verify(T0, &OtpCode::parse("48213").unwrap())
            .unwrap_err()
            .code(),
        "invalid_state",
        "one operation at a time"
    );
    let (id, req) = m.poll_request(T0).unwrap();
    assert_eq!(
        req.body.as_deref(),
        Some(r#"{"phone":"+491747707607","handle":"h-1","code":"48213"}"#)
    );
    m.handle_transport_error(
        T0,
        id,
        Error::Network {
            message: "offline".into(),
        },
    );
    assert_eq!(m.code_info().unwrap().attempts_left, 5);
    let token = jwt_at(T0 / 1000, 3600, "u1");
    m.handle_verify(T0, &OtpCode::parse("48213").unwrap())
        .unwrap();
    let (id, _) = m.poll_request(T0).unwrap();
    m.handle_response(
        T0,
        id,
        respond(200, json!({"token": token, "user": {"id": 7}})),
    );
    let session = m.session().unwrap().clone();
    assert_eq!(session.token.secret().expose(), token);
    assert_eq!(session.token_type(), TokenType::Jwt);
    assert_eq!(session.user, Some(json::parse_str(r#"{"id":7}"#).unwrap()));
    assert_eq!(
        (session.provider.as_str(), session.phone.as_str()),
        ("fake", "+491747707607")
    );
    assert!(drain(&mut m).contains(&Event::SignedIn(session)));
}

#[test]
fn sign_out_is_immediate_and_tells_the_server() {
    let mut m = machine_with(
        Fake {
            sign_out: true,
            ..Fake::default()
        },
        Config::default(),
    );
    let token = jwt_at(T0 / 1000, 3600, "u1");
    sign_in(&mut m, T0, &token);
    let op = m.handle_sign_out(T0);
    assert_eq!(m.state(), StateKind::SignedOut);
    assert!(m.snapshot().is_none());
    let (id, req) = m.poll_request(T0).unwrap();
    assert_eq!(
        (req.method, req.url.as_str()),
        (Method::Delete, "https://fake.test/logout")
    );
    assert_eq!(
        req.get_header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    m.handle_response(T0, id, respond(204, json!({})));
    let events = drain(&mut m);
    assert_eq!(events[0], Event::SignedOut(SignOutReason::User));
    assert_eq!(events[1], Event::SnapshotChanged);
    assert_eq!(
        events[2],
        Event::Done {
            op,
            action: Action::SignOut,
            result: Ok(())
        }
    );
}

#[test]
fn sign_out_cancels_a_verify_and_ignores_its_late_response() {
    let mut m = machine();
    send_code(&mut m, T0, json!({"handle": "h"}));
    let verify = m
        .handle_verify(T0, &OtpCode::parse("48213").unwrap())
        .unwrap();
    let (id, _) = m.poll_request(T0).unwrap();
    drain(&mut m);
    m.handle_sign_out(T0);
    m.handle_response(T0, id, respond(200, json!({"token": "late"})));
    assert_eq!(m.state(), StateKind::SignedOut);
    let events = drain(&mut m);
    assert!(
        matches!(&events[0], Event::Done { op, result: Err(e), .. } if *op == verify && e.code() == "invalid_state")
    );
}

#[test]
fn snapshots_round_trip_a_session_and_a_sent_code() {
    let mut m = machine();
    let token = jwt_at(T0 / 1000, 3600, "u1");
    sign_in(&mut m, T0, &token);
    let text = m.snapshot().unwrap().to_json();
    assert!(
        text.starts_with(r#"{"v":1,"provider":"fake","baseUrl":"https://fake.test","signedIn":"#),
        "{text}"
    );
    let mut reloaded = Machine::new(Fake::default(), Config::default());
    assert_eq!(
        reloaded.restore(T0 + 5000, Some(&text)),
        Ok(StateKind::SignedIn)
    );
    assert_eq!(reloaded.session(), m.session());
    assert_eq!(
        drain(&mut reloaded),
        vec![Event::InitialSession(m.session().cloned())]
    );
    assert_eq!(reloaded.poll_timeout(), m.poll_timeout());

    // A sent code survives a reload with its handle, cooldown and attempts.
    let mut m = machine();
    send_code(&mut m, T0, json!({"handle": "h-9", "registered": true}));
    verify_with(&mut m, T0, 400, json!({"error": "invalid_code"}));
    let text = m.snapshot().unwrap().to_json();
    let mut reloaded = Machine::new(Fake::default(), Config::default());
    assert_eq!(
        reloaded.restore(T0 + 1000, Some(&text)),
        Ok(StateKind::CodeSent)
    );
    assert_eq!(reloaded.code_info(), m.code_info());
    assert_eq!(reloaded.code_info().unwrap().attempts_left, 4);
    assert_eq!(
        reloaded.handle_resend(T0 + 1000).unwrap_err().retry_after(),
        Some(29)
    );
    reloaded
        .handle_verify(T0 + 1000, &OtpCode::parse("48213").unwrap())
        .unwrap();
    let (_, req) = reloaded.poll_request(T0 + 1000).unwrap();
    assert!(req.body.unwrap().contains(r#""handle":"h-9""#));
}

/// Snapshots in the member order and forms the serde-derived code of earlier releases
/// wrote (members in declaration order, `None` as `null`, the user's keys sorted), with
/// the `baseUrl` binding that every snapshot now needs.
#[test]
fn snapshots_stored_by_earlier_releases_restore() {
    let token = jwt_at(T0 / 1000, 3600, "u1");
    let old = format!(
        r#"{{"v":1,"provider":"fake","baseUrl":"https://fake.test","signedIn":{{"phone":"+491747707607","token":{{"token":"{token}","receivedAt":1700000000000,"expiresAt":1700003600000}},"user":{{"id":7,"name":"José"}}}}}}"#
    );
    let mut m = Machine::new(Fake::default(), Config::default());
    assert_eq!(m.restore(T0 + 5000, Some(&old)), Ok(StateKind::SignedIn));
    let session = m.session().unwrap();
    assert_eq!(session.token.secret().expose(), token);
    assert_eq!(session.token.subject(), Some("u1"));
    assert_eq!(session.expires_at(), Some(T0 + 3_600_000));
    assert_eq!(
        session.user,
        Some(json::parse_str(r#"{"id":7,"name":"José"}"#).unwrap())
    );
    assert_eq!(
        m.snapshot().unwrap().to_json(),
        old,
        "written back unchanged"
    );

    let old = r#"{"v":1,"provider":"fake","baseUrl":"https://fake.test","codeSent":{"phone":"+491747707607","challenge":{"handle":"h-9","isRegistered":true,"codeTtl":null},"resendAllowedAt":1700000030000,"codeExpiresAt":1700000300000,"attemptsLeft":4}}"#;
    let mut m = Machine::new(Fake::default(), Config::default());
    assert_eq!(m.restore(T0 + 1000, Some(old)), Ok(StateKind::CodeSent));
    let info = m.code_info().unwrap();
    assert_eq!(info.is_registered, Some(true));
    assert_eq!(
        (
            info.resend_allowed_at,
            info.code_expires_at,
            info.attempts_left
        ),
        (T0 + 30_000, T0 + 300_000, 4)
    );
    // The one difference: the challenge now leaves absent members out.
    assert_eq!(
        m.snapshot().unwrap().to_json(),
        old.replace(r#","codeTtl":null"#, "")
    );

    // An opaque token without `expiresAt` and a session without `user`.
    let old = r#"{"v":1,"provider":"fake","baseUrl":"https://fake.test","signedIn":{"phone":"+491747707607","token":{"token":"opaque","receivedAt":1700000000000},"extra":1}}"#;
    let mut m = Machine::new(Fake::default(), Config::default());
    assert_eq!(m.restore(T0, Some(old)), Ok(StateKind::SignedIn));
    assert_eq!(m.session().unwrap().user, None);
    assert_eq!(
        m.snapshot().unwrap().to_json(),
        r#"{"v":1,"provider":"fake","baseUrl":"https://fake.test","signedIn":{"phone":"+491747707607","token":{"token":"opaque","receivedAt":1700000000000,"expiresAt":null},"user":null}}"#
    );
}

#[test]
fn unusable_snapshots_sign_out_with_a_reason() {
    let mut m = machine();
    sign_in(&mut m, T0, &jwt_at(T0 / 1000, 3600, "u1"));
    let good = m.snapshot().unwrap().to_json();
    let expired = good.clone();
    let cases: Vec<(String, u64, SnapshotError)> = vec![
        (String::new(), T0, SnapshotError::NotJson),
        ("null".into(), T0, SnapshotError::MissingVersion),
        ("{}".into(), T0, SnapshotError::MissingVersion),
        (r#"{"v":"1"}"#.into(), T0, SnapshotError::MissingVersion),
        (
            r#"{"v":0,"session":{}}"#.into(),
            T0,
            SnapshotError::UnsupportedVersion(0),
        ),
        (
            good.replace(r#""v":1"#, r#""v":2"#),
            T0,
            SnapshotError::UnsupportedVersion(2),
        ),
        (
            good[..good.len() - 7].to_owned(),
            T0,
            SnapshotError::NotJson,
        ),
        (
            good.replace(r#""receivedAt""#, r#""receivedAtt""#),
            T0,
            SnapshotError::Invalid,
        ),
        (
            good.replace(r#""v":1"#, r#""v":1.0"#),
            T0,
            SnapshotError::MissingVersion,
        ),
        (
            good.replace(r#""receivedAt":"#, r#""receivedAt":-"#),
            T0,
            SnapshotError::Invalid,
        ),
        (
            r#"{"v":1,"provider":"fake","baseUrl":"https://fake.test","signedIn":"x"}"#.into(),
            T0,
            SnapshotError::Invalid,
        ),
        (
            r#"{"v":1,"provider":7,"signedIn":null}"#.into(),
            T0,
            SnapshotError::Invalid,
        ),
        (
            r#"{"v":1,"provider":"fake","baseUrl":"https://fake.test","signedIn":null,"codeSent":null}"#.into(),
            T0,
            SnapshotError::NoState,
        ),
        (
            r#"{"v":1,"provider":"fake"}"#.into(),
            T0,
            SnapshotError::NoState,
        ),
        (
            good.replace(r#""provider":"fake""#, r#""provider":"gizo""#),
            T0,
            SnapshotError::ProviderMismatch,
        ),
        (
            good.replace("+491747707607", "+0"),
            T0,
            SnapshotError::InvalidPhone,
        ),
        (expired, T0 + 3_600_000, SnapshotError::SessionExpired),
        (
            " ".repeat(MAX_SNAPSHOT_LEN + 1),
            T0,
            SnapshotError::TooLarge,
        ),
    ];
    for (text, now, reason) in cases {
        let mut m = Machine::new(Fake::default(), Config::default());
        assert_eq!(m.restore(now, Some(&text)), Err(reason), "{text:.80}");
        assert_eq!(m.state(), StateKind::SignedOut);
        assert_eq!(
            drain(&mut m),
            vec![Event::SnapshotChanged, Event::InitialSession(None)]
        );
        assert!(!reason.to_string().contains("ey"), "no token in the reason");
    }
}

#[test]
fn an_expired_stored_code_is_not_restored() {
    let mut m = machine();
    send_code(&mut m, T0, json!({"handle": "h"}));
    let text = m.snapshot().unwrap().to_json();
    let mut reloaded = Machine::new(Fake::default(), Config::default());
    assert_eq!(
        reloaded.restore(T0 + 300_000, Some(&text)),
        Err(SnapshotError::CodeExpired)
    );
}

proptest! {
    #[test]
    fn snapshot_parsing_survives_arbitrary_strings(text in any::<String>()) {
        let mut m = Machine::new(Fake::default(), Config::default());
        let restored = m.restore(T0, Some(&text));
        prop_assert!(restored.is_err());
        prop_assert_eq!(m.state(), StateKind::SignedOut);
    }

    #[test]
    fn snapshot_parsing_survives_mutated_snapshots(
        pos in 0usize..400, byte in any::<u8>(), cut in 0usize..400, now in any::<u64>()
    ) {
        let mut m = machine();
        sign_in(&mut m, T0, &jwt_at(T0 / 1000, 3600, "u1"));
        let mut bytes = m.snapshot().unwrap().to_json().into_bytes();
        if let Some(b) = bytes.get_mut(pos) {
            *b = byte;
        }
        bytes.truncate(cut.max(1) * 2);
        let text = String::from_utf8_lossy(&bytes);
        let mut fresh = Machine::new(Fake::default(), Config::default());
        match fresh.restore(now, Some(&text)) {
            Ok(kind) => prop_assert_eq!(kind, fresh.state()),
            Err(_) => prop_assert_eq!(fresh.state(), StateKind::SignedOut),
        }
        let _ = fresh.poll_timeout();
        fresh.handle_timeout(now);
    }
}

/// A session is bound to the baseUrl of the client that stored it: another baseUrl (or
/// none, as releases before the binding wrote) restores nothing.
#[test]
fn snapshots_are_bound_to_their_base_url() {
    let token = jwt_at(T0 / 1000, 3600, "u1");
    let stored = |base: Option<&str>| {
        let base = base.map_or(String::new(), |b| format!(r#""baseUrl":"{b}","#));
        format!(
            r#"{{"v":1,"provider":"fake",{base}"signedIn":{{"phone":"+491747707607","token":{{"token":"{token}","receivedAt":1700000000000}}}}}}"#
        )
    };
    for (base, expected) in [
        (Some("https://fake.test"), Ok(StateKind::SignedIn)),
        (
            Some("https://staging.fake.test"),
            Err(SnapshotError::OriginMismatch),
        ),
        (Some("http://fake.test"), Err(SnapshotError::OriginMismatch)),
        (
            Some("https://fake.test:8443"),
            Err(SnapshotError::OriginMismatch),
        ),
        (
            Some("https://fake.test/v2"),
            Err(SnapshotError::OriginMismatch),
        ),
        (None, Err(SnapshotError::Unbound)),
    ] {
        let mut m = Machine::new(Fake::default(), Config::default());
        assert_eq!(
            m.restore(T0 + 5000, Some(&stored(base))),
            expected,
            "{base:?}"
        );
        assert_eq!(m.session().is_some(), expected.is_ok());
    }
    // Equivalent spellings of one baseUrl bind alike.
    assert_eq!(
        crate::origin::binding("HTTPS://Fake.test:443/v1/"),
        crate::origin::binding("https://fake.test/v1")
    );
}
