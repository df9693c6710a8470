//! The code rules over real HTTP: expiry, attempts, cooldown with Retry-After, single
//! use, rate limits, fixed test numbers; and clear 4xx for bad requests.

mod common;

use std::time::Duration;

use common::{config, start, Emu};
use reqwest::{Method, StatusCode};
use serde_json::json;

const PHONE: &str = "+491747707607";

async fn sso_sms(emu: &Emu, phone: &str) -> common::Reply {
    emu.post("/sso/sms", json!({"telephone": phone})).await
}

async fn sso_auth(emu: &Emu, phone: &str, code: &str) -> common::Reply {
    emu.post("/sso/auth", json!({"telephone": phone, "code": code}))
        .await
}

fn wrong(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c == '9' {
                '0'
            } else {
                char::from(c as u8 + 1)
            }
        })
        .collect()
}

#[tokio::test]
async fn codes_expire_after_the_ttl() {
    let mut cfg = config();
    cfg.code_ttl = Duration::from_millis(300);
    let emu = start(cfg).await;
    assert_eq!(sso_sms(&emu, PHONE).await.status, StatusCode::CREATED);
    let code = emu.code_for(PHONE).await;
    tokio::time::sleep(Duration::from_millis(450)).await;
    let r = sso_auth(&emu, PHONE, &code).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"]["code"][0], "expired");
    emu.stop().await;
}

#[tokio::test]
async fn wrong_tries_kill_the_code_even_for_the_right_one_later() {
    let mut cfg = config();
    cfg.max_attempts = 3;
    let emu = start(cfg).await;
    sso_sms(&emu, PHONE).await;
    let code = emu.code_for(PHONE).await;
    let bad = wrong(&code);
    for expected in ["invalid", "invalid", "too_many_attempts"] {
        let r = sso_auth(&emu, PHONE, &bad).await;
        assert_eq!(r.json()["errors"]["code"][0], expected);
    }
    let r = sso_auth(&emu, PHONE, &code).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"]["code"][0], "too_many_attempts");
    // A new code works again.
    sso_sms(&emu, PHONE).await;
    let code = emu.code_for(PHONE).await;
    assert_eq!(
        sso_auth(&emu, PHONE, &code).await.status,
        StatusCode::CREATED
    );
    emu.stop().await;
}

#[tokio::test]
async fn codes_are_single_use_and_a_new_code_replaces_the_old() {
    let emu = start(config()).await;
    sso_sms(&emu, PHONE).await;
    let first = emu.code_for(PHONE).await;
    sso_sms(&emu, PHONE).await;
    let second = emu.code_for(PHONE).await;
    if first != second {
        let r = sso_auth(&emu, PHONE, &first).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        sso_auth(&emu, PHONE, &second).await.status,
        StatusCode::CREATED
    );
    let r = sso_auth(&emu, PHONE, &second).await;
    assert_eq!(r.json()["errors"]["code"][0], "expired");
    emu.stop().await;
}

#[tokio::test]
async fn resend_cooldown_is_429_with_retry_after_in_each_providers_shape() {
    let mut cfg = config();
    cfg.limits.resend_cooldown = Duration::from_secs(30);
    let emu = start(cfg).await;
    assert_eq!(sso_sms(&emu, PHONE).await.status, StatusCode::CREATED);
    let r = sso_sms(&emu, PHONE).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let after: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((29..=30).contains(&after), "{after}");
    assert_eq!(r.json()["retryAfter"], after);
    assert_eq!(emu.sms_count(PHONE).await, 1);

    // The cooldown is per provider: GIZO may still send.
    let company = emu.gizo_company_token().await;
    let gizo = json!({"username": "+49_1747707607"});
    assert_eq!(
        emu.post_auth("/api/v1/User/checkIdentity", gizo.clone(), &company)
            .await
            .status,
        StatusCode::OK
    );
    let r = emu
        .post_auth("/api/v1/User/checkIdentity", gizo, &company)
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.header("retry-after").is_some());
    assert_eq!(r.content_type(), "application/problem+json");

    let arita = json!({"nature": 2, "loginID": "+85268098227", "sendType": 0});
    emu.post("/app/auth/otp", arita.clone()).await;
    let r = emu.post("/app/auth/otp", arita).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.json()["message"], "請求過於頻繁");
    assert!(r.json()["data"]["retryAfter"].as_u64().unwrap() >= 29);

    let mth = json!({"country_code_iso": "LT", "country_code": "370", "phone_number": "68086090"});
    emu.post("/mth/v1/users/verify", mth.clone()).await;
    let r = emu.post("/mth/v1/users/verify", mth).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.json()["error"], "rate_limited");
    assert!(r.header("retry-after").is_some());
    emu.stop().await;
}

#[tokio::test]
async fn per_number_and_per_client_limits_beyond_the_cooldown() {
    let mut cfg = config();
    cfg.limits.per_number = 2;
    cfg.limits.per_client = 4;
    let emu = start(cfg).await;
    assert_eq!(sso_sms(&emu, PHONE).await.status, StatusCode::CREATED);
    assert_eq!(sso_sms(&emu, PHONE).await.status, StatusCode::CREATED);
    // Per number, over all providers.
    let company = emu.gizo_company_token().await;
    let r = emu
        .post_auth(
            "/api/v1/User/checkIdentity",
            json!({"username": "+49_1747707607"}),
            &company,
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.header("retry-after").unwrap().parse::<u64>().unwrap() > 3000);
    assert_eq!(emu.sms_count(PHONE).await, 2);
    // Per client: two more numbers, then this client is refused.
    assert_eq!(
        sso_sms(&emu, "+4915112345671").await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        sso_sms(&emu, "+4915112345672").await.status,
        StatusCode::CREATED
    );
    let r = sso_sms(&emu, "+4915112345673").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(emu.sms_count("+4915112345673").await, 0);
    emu.stop().await;
}

#[tokio::test]
async fn fixed_test_numbers_accept_their_code_and_send_nothing() {
    let mut cfg = config();
    cfg.limits.resend_cooldown = Duration::from_secs(30);
    cfg.test_numbers
        .insert("+4915112345678".into(), "123456".into());
    let emu = start(cfg).await;
    for _ in 0..2 {
        assert_eq!(
            sso_sms(&emu, "+4915112345678").await.status,
            StatusCode::CREATED
        );
        assert_eq!(
            sso_auth(&emu, "+4915112345678", "654321").await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            sso_auth(&emu, "+4915112345678", "123456").await.status,
            StatusCode::CREATED
        );
    }
    assert_eq!(emu.sms_count("+4915112345678").await, 0);
    assert!(!emu.log_lines().iter().any(|l| l.starts_with("SMS ")));
    emu.stop().await;
}

#[tokio::test]
async fn bad_requests_get_clear_4xx_answers() {
    let emu = start(config()).await;
    let r = emu
        .call(
            Method::POST,
            "/mth/v1/users/verify",
            None,
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = emu
        .http
        .post(format!("{}/sso/sms", emu.base))
        .header("content-type", "application/json")
        .body("{\"telephone\":")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Bodies over 64 KiB, announced or streamed.
    let big = format!("{{\"telephone\": \"{}\"}}", "1".repeat(70 * 1024));
    let r = emu
        .http
        .post(format!("{}/sso/sms", emu.base))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"],
        "payload_too_large"
    );
    let status = common::raw_status(
        &emu.base,
        "POST /app/auth/account/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        &big.into_bytes(),
    )
    .await;
    assert_eq!(status, Some(413));

    let r = emu.get("/api/v9/nothing").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"], "not_found");
    let r = emu
        .call(Method::POST, "/no/such/path", Some(json!({})), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = emu.get("/sso/sms").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.json()["error"], "method_not_allowed");
    // Still alive.
    assert_eq!(emu.get("/__emulator/health").await.status, StatusCode::OK);
    emu.stop().await;
}

#[tokio::test]
async fn wiping_state_forgets_users_codes_and_tokens() {
    let emu = start(config()).await;
    sso_sms(&emu, PHONE).await;
    let code = emu.code_for(PHONE).await;
    let token = sso_auth(&emu, PHONE, &code).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = emu
        .call(Method::DELETE, "/__emulator/state", None, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(emu.sms_count(PHONE).await, 0);
    assert_eq!(emu.get("/__emulator/users").await.json(), json!([]));
    let auth = format!("Bearer {token}");
    let r = emu
        .call(Method::GET, "/sso/user", None, &[("authorization", &auth)])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    emu.stop().await;
}
