//! Refresh on a simulated clock: skewed device clocks, backoff, refusals, no loops.

use serde_json::json;

use super::testkit::{jwt_at, respond, Fake};
use super::tests::{drain, machine, machine_with, sign_in, T0};
use super::*;
use crate::provider::Verified;
use crate::secret::Secret;

const HOUR: u64 = 3_600_000;

fn strategy(refresh: RefreshStrategy) -> Config {
    Config {
        refresh,
        ..Config::default()
    }
}

fn native() -> Machine<Fake> {
    machine_with(
        Fake {
            refresh: true,
            ..Fake::default()
        },
        strategy(RefreshStrategy::ProviderNative),
    )
}

/// Answers the pending refresh request with a token issued at `iat` living `lifetime` s.
fn answer_refresh(m: &mut Machine<Fake>, now: u64, iat: u64, lifetime: u64) -> String {
    let (id, req) = m.poll_request(now).expect("a refresh request");
    assert!(req.url.ends_with("/refresh"));
    let token = jwt_at(iat, lifetime, "u1");
    m.handle_response(now, id, respond(200, json!({"token": token})));
    token
}

#[test]
fn refresh_is_due_a_margin_before_the_token_lifetime_whatever_the_device_clock() {
    let server_now = T0 / 1000;
    for skew in [HOUR, 0, HOUR.wrapping_neg()] {
        let device_now = T0.wrapping_add(skew);
        let mut m = native();
        sign_in(&mut m, device_now, &jwt_at(server_now, 3600, "u1"));
        let session = m.session().unwrap();
        assert_eq!(session.expires_at(), Some(device_now + HOUR), "skew {skew}");
        let due = device_now + HOUR - 60_000;
        assert_eq!(m.poll_timeout(), Some(due));
        assert!(m.poll_request(due - 1).is_none(), "not before it is due");
        assert_eq!(m.state(), StateKind::SignedIn);
        answer_refresh(&mut m, due, server_now + 3540, 3600);
        assert_eq!(m.state(), StateKind::SignedIn);
        assert_eq!(m.session().unwrap().expires_at(), Some(due + HOUR));
        assert!(matches!(drain(&mut m)[0], Event::TokenRefreshed(_)));
    }
}

#[test]
fn a_refresh_that_fails_by_network_keeps_the_session_and_backs_off() {
    let config = Config {
        refresh_margin_secs: 600,
        ..strategy(RefreshStrategy::ProviderNative)
    };
    let mut m = machine_with(
        Fake {
            refresh: true,
            ..Fake::default()
        },
        config,
    );
    let first = jwt_at(T0 / 1000, 3600, "u1");
    sign_in(&mut m, T0, &first);
    let mut now = T0 + HOUR - 600_000;
    let mut waits = Vec::new();
    for _ in 0..8 {
        let (id, _) = m.poll_request(now).expect("an attempt");
        m.handle_transport_error(
            now,
            id,
            Error::Network {
                message: "offline".into(),
            },
        );
        assert_eq!(m.state(), StateKind::Refreshing);
        assert_eq!(
            m.session().unwrap().token.secret().expose(),
            first,
            "the old token stays"
        );
        assert!(m.poll_request(now).is_none(), "no retry before the backoff");
        let next = m.poll_timeout().unwrap();
        waits.push(next - now);
        now = next;
        m.handle_timeout(now);
    }
    assert_eq!(waits, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    let events = drain(&mut m);
    let failures = events
        .iter()
        .filter(|e| matches!(e, Event::Done { result: Err(_), .. }))
        .count();
    assert_eq!(failures, 8);
    assert!(!events.iter().any(|e| matches!(e, Event::SignedOut(_))));
    // The network comes back.
    answer_refresh(&mut m, now, T0 / 1000 + 3600, 3600);
    assert_eq!(m.state(), StateKind::SignedIn);
    assert_eq!(m.session().unwrap().expires_at(), Some(now + HOUR));
}

#[test]
fn a_refresh_failing_until_expiry_signs_out_at_expiry() {
    let mut m = native();
    sign_in(&mut m, T0, &jwt_at(T0 / 1000, 120, "u1"));
    let mut now = T0 + 60_000;
    while let Some((id, _)) = m.poll_request(now) {
        m.handle_response(now, id, respond(503, json!({})));
        now = m.poll_timeout().unwrap();
    }
    assert_eq!(now, T0 + 120_000);
    assert_eq!(m.state(), StateKind::SignedOut);
    assert!(drain(&mut m).contains(&Event::SignedOut(SignOutReason::Expired)));
}

#[test]
fn a_refusal_signs_out() {
    for status in [401, 403] {
        let mut m = native();
        sign_in(&mut m, T0, &jwt_at(T0 / 1000, 3600, "u1"));
        let due = m.poll_timeout().unwrap();
        let (id, _) = m.poll_request(due).unwrap();
        m.handle_response(due, id, respond(status, json!({})));
        assert_eq!(m.state(), StateKind::SignedOut);
        assert!(m.snapshot().is_none());
        let events = drain(&mut m);
        assert!(
            matches!(&events[0], Event::SignedOut(SignOutReason::Refused(e)) if e.status() == Some(status))
        );
        assert_eq!(events[1], Event::SnapshotChanged);
        assert_eq!(m.poll_timeout(), None);
    }
}

#[test]
fn a_token_shorter_than_the_margin_is_refreshed_at_half_life_not_in_a_loop() {
    let mut m = native();
    sign_in(&mut m, T0, &jwt_at(T0 / 1000, 30, "u1"));
    assert_eq!(
        m.poll_timeout(),
        Some(T0 + 15_000),
        "half of 30 s, not 30 s - 60 s"
    );
    assert!(m.poll_request(T0).is_none());
    // A server that keeps issuing 30 s tokens: one refresh per token, 15 s apart.
    let mut now = T0;
    let mut refreshes = Vec::new();
    while now < T0 + 600_000 {
        now = m.poll_timeout().unwrap();
        let server = T0 / 1000 + (now - T0) / 1000;
        answer_refresh(&mut m, now, server, 30);
        refreshes.push(now);
        assert!(
            m.poll_request(now).is_none(),
            "no second refresh for the same token"
        );
    }
    assert_eq!(refreshes.len(), 40);
    assert!(refreshes.windows(2).all(|w| w[1] - w[0] == 15_000));
}

#[test]
fn a_refresh_that_returns_no_longer_lived_token_is_not_repeated() {
    let mut m = native();
    let token = jwt_at(T0 / 1000, 30, "u1");
    sign_in(&mut m, T0, &token);
    let (id, _) = m.poll_request(T0 + 15_000).unwrap();
    // The same token again (expires no later on the local clock if it had no iat).
    let stale = super::testkit::jwt(json!({"sub": "u1", "exp": T0 / 1000 + 30}));
    m.handle_response(T0 + 15_000, id, respond(200, json!({"token": stale})));
    assert_eq!(m.state(), StateKind::SignedIn);
    assert_eq!(
        m.poll_timeout(),
        Some(T0 + 30_000),
        "only the expiry is left"
    );
    assert!(m.poll_request(T0 + 29_999).is_none());
    m.handle_timeout(T0 + 30_000);
    assert_eq!(m.state(), StateKind::SignedOut);
}

#[test]
fn reverify_warns_once_then_signs_out_at_expiry() {
    let mut m = machine_with(Fake::default(), Config::default());
    sign_in(&mut m, T0, &jwt_at(T0 / 1000, 600, "u1"));
    assert_eq!(m.handle_refresh(T0).unwrap_err().code(), "invalid_state");
    assert_eq!(m.poll_timeout(), Some(T0 + 540_000));
    m.handle_timeout(T0 + 540_000);
    assert!(matches!(
        drain(&mut m).as_slice(),
        [Event::TokenExpiring(_)]
    ));
    assert_eq!(m.poll_timeout(), Some(T0 + 600_000));
    m.handle_timeout(T0 + 550_000);
    assert!(drain(&mut m).is_empty(), "warned once");
    m.handle_timeout(T0 + 600_000);
    assert_eq!(
        drain(&mut m),
        vec![
            Event::SignedOut(SignOutReason::Expired),
            Event::SnapshotChanged
        ]
    );
}

#[test]
fn callback_strategy_asks_the_app_and_takes_its_answer() {
    let mut m = machine_with(Fake::default(), strategy(RefreshStrategy::Callback));
    sign_in(&mut m, T0, &jwt_at(T0 / 1000, 3600, "u1"));
    assert_eq!(
        m.handle_refresh_failed(T0, Error::Timeout)
            .unwrap_err()
            .code(),
        "invalid_state"
    );
    let due = T0 + HOUR - 60_000;
    m.handle_timeout(due);
    assert!(
        m.poll_request(due).is_none(),
        "the app refreshes, not the machine"
    );
    let (op, action) = m.in_flight().unwrap();
    assert_eq!(action, Action::Refresh);
    assert_eq!(m.handle_refresh(due), Ok(op), "single flight");
    assert!(matches!(
        drain(&mut m).as_slice(),
        [Event::RefreshNeeded(_)]
    ));
    m.handle_refresh_failed(due, Error::Timeout).unwrap();
    assert_eq!(m.state(), StateKind::Refreshing);
    assert_eq!(m.poll_timeout(), Some(due + 1000));
    m.handle_timeout(due + 1000);
    let events = drain(&mut m);
    assert!(
        matches!(events.last(), Some(Event::RefreshNeeded(_))),
        "{events:?}"
    );
    let fresh = jwt_at(T0 / 1000 + 3600, 3600, "u1");
    m.handle_refreshed_token(due + 1000, Secret::from(fresh.as_str()))
        .unwrap();
    assert_eq!(m.session().unwrap().token.secret().expose(), fresh);
    assert_eq!(
        m.session().unwrap().user,
        Some(crate::json::parse_str(r#"{"id":7}"#).unwrap()),
        "the profile is kept"
    );
    let events = drain(&mut m);
    assert!(matches!(&events[0], Event::TokenRefreshed(_)));
    assert!(matches!(&events[2], Event::Done { result: Ok(()), .. }));
    // A refusal from the app's backend signs out.
    m.handle_refresh(due + 2000).unwrap();
    m.handle_refresh_failed(
        due + 2000,
        Error::Unauthorized {
            status: 401,
            message: None,
        },
    )
    .unwrap();
    assert_eq!(m.state(), StateKind::SignedOut);
}

#[test]
fn provider_native_without_a_refresh_request_reports_and_keeps_the_session() {
    let mut m = machine_with(Fake::default(), strategy(RefreshStrategy::ProviderNative));
    sign_in(&mut m, T0, &jwt_at(T0 / 1000, 3600, "u1"));
    let op = m.handle_refresh(T0).unwrap();
    let events = drain(&mut m);
    assert!(
        matches!(&events[0], Event::Done { op: o, result: Err(e), .. } if *o == op && e.code() == "invalid_config")
    );
    assert_eq!(m.state(), StateKind::Refreshing);
    assert!(m.session().is_some());
}

#[test]
fn opaque_tokens_have_no_local_expiry_unless_configured() {
    let mut m = native();
    sign_in(&mut m, T0, "opaque-token-123");
    let session = m.session().unwrap();
    assert_eq!(session.token_type(), TokenType::Opaque);
    assert_eq!((session.expires_at(), session.claims()), (None, None));
    assert_eq!(m.poll_timeout(), None);
    m.handle_timeout(T0 + 100 * HOUR);
    assert_eq!(m.state(), StateKind::SignedIn);

    let config = Config {
        opaque_token_lifetime_secs: Some(600),
        ..strategy(RefreshStrategy::ProviderNative)
    };
    let mut m = machine_with(
        Fake {
            refresh: true,
            ..Fake::default()
        },
        config,
    );
    sign_in(&mut m, T0, "opaque-token-123");
    assert_eq!(m.session().unwrap().expires_at(), Some(T0 + 600_000));
    assert_eq!(m.poll_timeout(), Some(T0 + 540_000));
}

#[test]
fn options_from_javascript_read_the_js_names_and_ignore_the_rest() {
    let read = |text: &str| Config::from_json(&crate::json::parse_str(text).unwrap());
    assert_eq!(read("{}"), Ok(Config::default()));
    assert_eq!(
        read(
            r#"{"provider":"gizo","baseUrl":"https://x","storageKey":"k","autoRefresh":false,
                "resendCooldownSeconds":45,"codeTtlSeconds":120,"maxAttempts":3,
                "refreshMarginSeconds":90,"refresh":{"strategy":"callback"},
                "opaqueTokenLifetimeSeconds":600,"defaultCountry":"DE"}"#
        ),
        Ok(Config {
            resend_cooldown_secs: 45,
            code_ttl_secs: 120,
            max_attempts: 3,
            refresh_margin_secs: 90,
            refresh: RefreshStrategy::Callback,
            opaque_token_lifetime_secs: Some(600),
            default_region: Some("DE".into()),
        })
    );
    for (strategy, expected) in [
        ("reverify", RefreshStrategy::Reverify),
        ("callback", RefreshStrategy::Callback),
        ("providerNative", RefreshStrategy::ProviderNative),
    ] {
        let c = read(&format!(r#"{{"refresh":{{"strategy":"{strategy}"}}}}"#)).unwrap();
        assert_eq!(c.refresh, expected);
        assert_eq!(expected.as_str(), strategy);
    }
    let nulls = read(r#"{"opaqueTokenLifetimeSeconds":null,"defaultCountry":null}"#);
    assert_eq!(nulls, Ok(Config::default()));
    // The core's Rust names are not JS options.
    assert_eq!(read(r#"{"refreshMarginSecs":5}"#), Ok(Config::default()));
}

#[test]
fn wrong_options_name_the_member() {
    let read = |text: &str| Config::from_json(&crate::json::parse_str(text).unwrap());
    for (text, member) in [
        (r#"{"maxAttempts":-1}"#, "maxAttempts"),
        (r#"{"maxAttempts":4294967296}"#, "maxAttempts"),
        (r#"{"codeTtlSeconds":"60"}"#, "codeTtlSeconds"),
        (r#"{"resendCooldownSeconds":null}"#, "resendCooldownSeconds"),
        (r#"{"refreshMarginSeconds":1.5}"#, "refreshMarginSeconds"),
        (
            r#"{"opaqueTokenLifetimeSeconds":true}"#,
            "opaqueTokenLifetimeSeconds",
        ),
        (r#"{"defaultCountry":49}"#, "defaultCountry"),
        (r#"{"refresh":"callback"}"#, "refresh"),
        (r#"{"refresh":{}}"#, "refresh.strategy"),
        (r#"{"refresh":{"strategy":"magic"}}"#, "refresh.strategy"),
    ] {
        let err = read(text).unwrap_err();
        assert!(err.starts_with(&format!("{member}:")), "{text}: {err}");
    }
    assert!(read("[]").is_err());
}

#[test]
fn a_token_from_outside_the_code_flow_signs_in_and_refreshes_like_any_other() {
    let mut m = machine();
    let token = jwt_at(T0 / 1000, 600, "user-9");
    let verified = Verified {
        token: Secret::new(token.clone()),
        user: None,
    };
    let session = m
        .handle_token_sign_in(T0, "alice@example.com".into(), verified.clone())
        .unwrap();
    assert_eq!(session.phone, "alice@example.com");
    assert_eq!(session.token.secret().expose(), token);
    assert_eq!(m.state(), StateKind::SignedIn);
    let events = drain(&mut m);
    assert!(matches!(events.first(), Some(Event::SignedIn(s)) if s == &session));
    assert!(events.contains(&Event::SnapshotChanged));
    // Stored and restored like a verified code.
    let stored = m.snapshot().unwrap().to_json();
    let mut again = Machine::new(Fake::default(), Config::default());
    assert_eq!(
        again.restore(T0 + 1, Some(&stored)),
        Ok(StateKind::SignedIn)
    );
    // Expiry comes from the token's lifetime and the local receive time.
    assert_eq!(m.session().unwrap().expires_at(), Some(T0 + 600_000));
    // A second sign-in is refused until sign-out.
    let err = m
        .handle_token_sign_in(T0, "bob".into(), verified)
        .unwrap_err();
    assert_eq!(err.code(), "invalid_state");
}
