//! `X-Emulator-Fault`: delay, status, malformed, html, drop — and a fault never
//! touches state (the code stays usable).

mod common;

use std::time::{Duration, Instant};

use common::{config, start};
use reqwest::{Method, StatusCode};
use serde_json::json;

const PHONE: &str = "+491747707607";

async fn faulty(emu: &common::Emu, fault: &'static str) -> common::Reply {
    let sms = json!({"telephone": PHONE});
    emu.call(
        Method::POST,
        "/sso/sms",
        Some(sms),
        &[("x-emulator-fault", fault)],
    )
    .await
}

#[tokio::test]
async fn each_fault_and_state_stays_untouched() {
    let emu = start(config()).await;
    let sms = json!({"telephone": PHONE});
    let faulty = |fault: &'static str| faulty(&emu, fault);

    let started = Instant::now();
    let r = faulty("delay=300").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "a delay still answers normally"
    );
    let code = emu.code_for(PHONE).await;

    let r = faulty("status=503").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.json()["error"], "injected_fault");
    let r = faulty("status=429").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.header("retry-after").as_deref(), Some("1"));

    let r = faulty("malformed").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("application/json"));
    assert!(
        serde_json::from_str::<serde_json::Value>(&r.text).is_err(),
        "truncated: {}",
        r.text
    );

    let r = faulty("html").await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert!(r.content_type().starts_with("text/html"));
    assert!(r.text.contains("<html>"));

    let started = Instant::now();
    let dropped = emu
        .http
        .post(format!("{}/sso/sms", emu.base))
        .header("content-type", "application/json")
        .header("x-emulator-fault", "drop")
        .body(sms.to_string())
        .send()
        .await;
    let err = dropped.expect_err("no response at all");
    assert!(!err.is_timeout(), "closed, not timed out: {err}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let raw = common::raw_status(
        &emu.base,
        "GET /__emulator/health HTTP/1.1\r\nHost: x\r\nX-Emulator-Fault: drop\r\n\r\n",
        &[],
    )
    .await;
    assert_eq!(raw, None);

    let r = faulty("delay=10, status=500").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    let r = faulty("explode").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"], "bad_fault");

    // None of the faulted requests sent a code or replaced the first one.
    assert_eq!(emu.sms_count(PHONE).await, 1);
    let r = emu
        .call(
            Method::POST,
            "/sso/auth",
            Some(json!({"telephone": PHONE, "code": code})),
            &[("x-emulator-fault", "status=500")],
        )
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    let r = emu
        .post("/sso/auth", json!({"telephone": PHONE, "code": code}))
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "a failed verify leaves the code usable"
    );
    assert_eq!(emu.get("/__emulator/health").await.status, StatusCode::OK);
    emu.stop().await;
}
