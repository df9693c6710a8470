//! The emulator's memory is bounded by what is live: used codes go at once, logged-out
//! tokens go at once, and the periodic sweep removes expired and dead codes, expired
//! tokens and SSO auth codes, cooldown marks and rate windows. Users stay. Read through
//! `GET /__emulator/stats`, on a real emulator with lifetimes of seconds.

mod common;

use std::time::{Duration, Instant};

use common::{config, start, Emu};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const UNUSED: &str = "+4915110000001";
const USED: &str = "+4915110000002";
const DEAD: &str = "+4915110000003";
const ARITA: &str = "+85268098227";

async fn stats(emu: &Emu) -> Value {
    let r = emu.get("/__emulator/stats").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

async fn sso_code(emu: &Emu, phone: &str) {
    let r = emu.post("/sso/sms", json!({ "telephone": phone })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

async fn sso_auth(emu: &Emu, phone: &str, code: &str) -> (StatusCode, Value) {
    let r = emu
        .post("/sso/auth", json!({ "telephone": phone, "code": code }))
        .await;
    (r.status, r.json())
}

/// Signs up on Arita and returns the access token.
async fn arita_sign_up(emu: &Emu) -> String {
    let r = emu
        .post(
            "/app/auth/otp",
            json!({"nature": 2, "loginID": ARITA, "sendType": 0}),
        )
        .await;
    let otp_token = r.json()["data"]["otpToken"].as_str().unwrap().to_owned();
    let code: u64 = emu.code_for(ARITA).await.parse().unwrap();
    let r = emu
        .post(
            "/app/auth/signup/verify",
            json!({"otp": code, "otpToken": otp_token}),
        )
        .await;
    let body = r.json();
    body["data"]["accessToken"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn used_dead_expired_codes_and_tokens_leave_the_store_users_stay() {
    // Lifetimes long enough for the counts before expiry to be exact on a busy machine
    // (that part takes milliseconds), short enough for a quick test.
    let life = Duration::from_secs(5);
    let mut cfg = config();
    cfg.code_ttl = life;
    cfg.token_ttl = life;
    cfg.max_attempts = 2;
    // Limits on, so that cooldown marks and rate windows exist and must go too.
    cfg.limits.resend_cooldown = life;
    cfg.limits.window = life;
    cfg.limits.per_number = 100;
    cfg.limits.per_client = 1000;
    let emu = start(cfg).await;
    let started = Instant::now();

    sso_code(&emu, UNUSED).await;
    sso_code(&emu, USED).await;
    sso_code(&emu, DEAD).await;
    let s = stats(&emu).await;
    assert_eq!(s["pendingCodes"], 3, "{s}");

    // A used code goes at once.
    let code = emu.code_for(USED).await;
    let (status, body) = sso_auth(&emu, USED, &code).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let sso_token = body["token"].as_str().unwrap().to_owned();
    let s = stats(&emu).await;
    assert_eq!(s["pendingCodes"], 2, "the used code is gone: {s}");
    assert_eq!(s["tokens"], 1, "{s}");
    assert_eq!(s["authCodes"], 1, "{s}");

    // Wrong tries kill a code; it stays (answering "too many attempts") until it expires.
    let right = emu.code_for(DEAD).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..2 {
        let (status, _) = sso_auth(&emu, DEAD, wrong).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (_, body) = sso_auth(&emu, DEAD, &right).await;
    assert!(body.to_string().contains("too_many_attempts"), "{body}");
    let s = stats(&emu).await;
    assert_eq!(s["deadCodes"], 1, "{s}");

    // A logout removes the token's record at once, and the bearer is refused.
    let access = arita_sign_up(&emu).await;
    assert_eq!(stats(&emu).await["tokens"], 2);
    let auth = format!("Bearer {access}");
    let r = emu
        .call(
            Method::DELETE,
            "/app/auth/logout",
            None,
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(r.json()["success"], true, "{}", r.text);
    let s = stats(&emu).await;
    assert_eq!(s["tokens"], 1, "the logged-out token is gone: {s}");
    let r = emu
        .call(
            Method::GET,
            "/app/auth/info",
            None,
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    let s = stats(&emu).await;
    assert_eq!(s["users"], 2, "{s}");
    assert_eq!(s["cooldownMarks"], 4, "{s}");
    assert_eq!(s["numberWindows"], 4, "{s}");
    assert_eq!(s["clientWindows"], 1, "{s}");
    let runs_before = s["sweeps"]["runs"].as_u64().unwrap();
    assert!(
        started.elapsed() < life,
        "the machine is too busy for this test: the steps above took {:?}",
        started.elapsed()
    );

    // The sweep (every 2 s) removes everything that expired; nothing is called by hand.
    let deadline = Instant::now() + Duration::from_secs(20);
    let purged = loop {
        let s = stats(&emu).await;
        let live: u64 = [
            "pendingCodes",
            "deadCodes",
            "cooldownMarks",
            "numberWindows",
            "clientWindows",
            "tokens",
            "authCodes",
        ]
        .iter()
        .map(|k| s[*k].as_u64().unwrap())
        .sum();
        if live == 0 {
            break s;
        }
        assert!(Instant::now() < deadline, "not purged within 20 s: {s}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(purged["users"], 2, "users are data, they stay: {purged}");
    assert_eq!(
        purged["sms"], 4,
        "the SMS log is capped, not purged: {purged}"
    );
    assert!(purged["sweeps"]["runs"].as_u64().unwrap() > runs_before);
    // 2 codes, 4 marks, 4 + 1 windows, 1 token, 1 auth code, at least.
    assert!(
        purged["sweeps"]["purged"].as_u64().unwrap() >= 13,
        "{purged}"
    );
    // The expired SSO token is refused (its signature says expired, its record is gone).
    let auth = format!("Bearer {sso_token}");
    let r = emu
        .call(Method::GET, "/sso/user", None, &[("authorization", &auth)])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // The accessor says the same as the endpoint.
    let direct = serde_json::to_value(emu.running.app().stats()).unwrap();
    assert_eq!(direct["users"], 2);
    assert_eq!(direct["tokens"], 0);
    emu.stop().await;
}

#[tokio::test]
async fn lifted_limits_keep_no_history_and_sign_ins_over_one_pool_stay_flat() {
    // `config()` lifts the cooldown and both limits (as the load runs do).
    let mut cfg = config();
    cfg.token_ttl = Duration::from_secs(1);
    let emu = start(cfg).await;
    let pool: Vec<String> = (0..20).map(common::de_number).collect();
    for round in 0..5 {
        for phone in &pool {
            sso_code(&emu, phone).await;
            let code = emu.code_for(phone).await;
            let (status, body) = sso_auth(&emu, phone, &code).await;
            assert_eq!(status, StatusCode::CREATED, "round {round}: {body}");
        }
    }
    let s = stats(&emu).await;
    assert_eq!(s["users"], 20, "{s}");
    assert_eq!(s["pendingCodes"], 0, "{s}");
    assert_eq!(s["cooldownMarks"], 0, "{s}");
    assert_eq!(s["numberWindows"], 0, "{s}");
    assert_eq!(s["clientWindows"], 0, "{s}");
    assert_eq!(s["sms"], 100, "{s}");
    assert_eq!(s["smsNumbers"], 20, "{s}");
    // 100 tokens and auth codes were issued; once they expire, none are held.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = stats(&emu).await;
        if s["tokens"] == 0 && s["authCodes"] == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "not purged within 20 s: {s}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    emu.stop().await;
}
