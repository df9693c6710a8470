//! Monetha over real HTTP: is_registered, sign-up vs sign-in, "Bearer <jwt>", and a
//! restart with `--data` keeping the user registered.

mod common;

use common::{config, jwt_claims, start, Emu};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn verify_body() -> Value {
    json!({"country_code_iso": "LT", "country_code": "370", "phone_number": "68086090", "device_id": "a67c5d31"})
}

async fn verify(emu: &Emu) -> Value {
    let r = emu.post("/mth/v1/users/verify", verify_body()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

async fn complete(emu: &Emu, path: &str, token: &str) -> Value {
    let code = emu.code_for("+37068086090").await;
    assert_eq!(code.len(), 6);
    let r = emu
        .post(
            path,
            json!({"verification_token": token, "verification_code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

#[tokio::test]
async fn sign_up_then_sign_in() {
    let emu = start(config()).await;
    let v = verify(&emu).await;
    assert_eq!(v["is_registered"], false);
    let token = v["verification_token"].as_str().unwrap().to_owned();

    // Signing in an unregistered number is refused and leaves the code usable.
    let code = emu.code_for("+37068086090").await;
    let r = emu
        .post(
            "/mth/v1/users/signin",
            json!({"verification_token": token, "verification_code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let body = complete(&emu, "/mth/v1/users/signup", &token).await;
    let auth = body["auth_token"].as_str().unwrap();
    let jwt = auth.strip_prefix("Bearer ").expect("Bearer prefix");
    assert_eq!(jwt_claims(jwt)["phone"], "+37068086090");
    assert_eq!(body["user"]["is_registered"], true);
    assert_eq!(body["user"]["country_code_iso"], "LT");

    let v = verify(&emu).await;
    assert_eq!(v["is_registered"], true);
    let body = complete(
        &emu,
        "/mth/v1/users/signin",
        v["verification_token"].as_str().unwrap(),
    )
    .await;
    assert!(body["auth_token"].as_str().unwrap().starts_with("Bearer "));
    emu.stop().await;
}

#[tokio::test]
async fn errors_are_json_with_an_error_member() {
    let emu = start(config()).await;
    let v = verify(&emu).await;
    let token = v["verification_token"].as_str().unwrap();
    let r = emu
        .post(
            "/mth/v1/users/signup",
            json!({"verification_token": token, "verification_code": "000000x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"], "invalid_code");
    let r = emu
        .post(
            "/mth/v1/users/signup",
            json!({"verification_token": "garbage", "verification_code": "123456"}),
        )
        .await;
    assert_eq!(r.json()["error"], "invalid_token");
    let r = emu
        .post(
            "/mth/v1/users/verify",
            json!({"country_code_iso": "LT", "country_code": "370", "phone_number": "1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"], "invalid_phone_number");
    let r = emu
        .post("/mth/v1/users/verify", json!({"country_code_iso": "LT"}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    emu.stop().await;
}

#[tokio::test]
async fn a_restart_with_data_keeps_the_user_registered_and_tokens_valid() {
    let dir = std::env::temp_dir().join(format!("phone-auth-emulator-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.sqlite");
    let _ = std::fs::remove_file(&file);
    let mut cfg = config();
    cfg.data = Some(file.clone());

    let emu = start(cfg.clone()).await;
    let v = verify(&emu).await;
    complete(
        &emu,
        "/mth/v1/users/signup",
        v["verification_token"].as_str().unwrap(),
    )
    .await;
    // An Arita sign-up too, to carry a token (and a revoked one) across the restart.
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let nature = if tokens.is_empty() { 2 } else { 1 };
        let r = emu
            .post(
                "/app/auth/otp",
                json!({"nature": nature, "loginID": "+85268098227", "sendType": 0}),
            )
            .await;
        let otp_token = r.json()["data"]["otpToken"].as_str().unwrap().to_owned();
        let code: u64 = emu.code_for("+85268098227").await.parse().unwrap();
        let path = if nature == 2 {
            "/app/auth/signup/verify"
        } else {
            "/app/auth/login/verify"
        };
        let r = emu
            .post(path, json!({"otp": code, "otpToken": otp_token}))
            .await;
        tokens.push(format!(
            "Bearer {}",
            r.json()["data"]["accessToken"].as_str().unwrap()
        ));
    }
    let r = emu
        .call(
            Method::DELETE,
            "/app/auth/logout",
            None,
            &[("authorization", &tokens[1])],
        )
        .await;
    assert_eq!(r.json()["success"], true);
    emu.stop().await;

    let emu = start(cfg.clone()).await;
    assert_eq!(verify(&emu).await["is_registered"], true);
    let r = emu
        .call(
            Method::GET,
            "/app/auth/info",
            None,
            &[("authorization", &tokens[0])],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the signing key and the token survived"
    );
    let r = emu
        .call(
            Method::GET,
            "/app/auth/info",
            None,
            &[("authorization", &tokens[1])],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "the revocation survived"
    );
    emu.stop().await;

    // Without --data, the next emulator knows nobody.
    let emu = start(config()).await;
    assert_eq!(verify(&emu).await["is_registered"], false);
    emu.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
