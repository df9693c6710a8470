//! Arita over real HTTP: envelopes with HTTP 200 failures, sign-up then login,
//! password, device token, logout revocation.

mod common;

use common::{config, jwt_claims, start, Emu};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PHONE: &str = "+85268098227";

async fn otp(emu: &Emu, nature: u8) -> Value {
    let r = emu
        .post(
            "/app/auth/otp",
            json!({"nature": nature, "loginID": PHONE, "sendType": 0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

async fn sign_up(emu: &Emu) -> String {
    let token = otp(emu, 2).await["data"]["otpToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let code: u64 = emu.code_for(PHONE).await.parse().unwrap();
    let r = emu
        .post(
            "/app/auth/signup/verify",
            json!({"otp": code, "otpToken": token}),
        )
        .await;
    let body = r.json();
    assert_eq!(body["success"], true, "{body}");
    body["data"]["accessToken"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn sign_up_makes_account_check_true_and_logout_revokes() {
    let emu = start(config()).await;
    let r = emu
        .post("/app/auth/account/check", json!({"loginID": PHONE}))
        .await;
    assert_eq!(
        r.json(),
        json!({"success": true, "message": "", "data": {"accountType": 3, "exists": false, "setPassword": false}})
    );
    // Logging in an unknown account fails in the envelope, with HTTP 200.
    let r = emu
        .post(
            "/app/auth/otp",
            json!({"nature": 1, "loginID": PHONE, "sendType": 0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json(),
        json!({"success": false, "message": "輸入的用戶名不存在", "data": null})
    );

    let body = otp(&emu, 2).await;
    let otp_token = body["data"]["otpToken"].as_str().unwrap();
    let claims = jwt_claims(otp_token);
    assert_eq!(claims["loginID"], PHONE);
    assert_eq!(claims["nature"], 2);
    assert!(claims["expiry"].as_str().unwrap().ends_with('Z'));
    let code = emu.code_for(PHONE).await;
    assert_eq!(code.len(), 4);
    assert_ne!(code.as_bytes()[0], b'0');

    // The login endpoint does not accept a sign-up challenge.
    let r = emu
        .post(
            "/app/auth/login/verify",
            json!({"otp": code.parse::<u64>().unwrap(), "otpToken": otp_token}),
        )
        .await;
    assert_eq!(r.json()["success"], false);
    let r = emu
        .post(
            "/app/auth/signup/verify",
            json!({"otp": code.parse::<u64>().unwrap(), "otpToken": otp_token}),
        )
        .await;
    let access = r.json()["data"]["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(jwt_claims(&access)["phone"], PHONE);

    let r = emu
        .post("/app/auth/account/check", json!({"loginID": PHONE}))
        .await;
    assert_eq!(r.json()["data"]["exists"], true);

    let auth = format!("Bearer {access}");
    let r = emu
        .call(
            Method::GET,
            "/app/auth/info",
            None,
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["data"]["phone"], "68098227");

    let r = emu
        .call(
            Method::DELETE,
            "/app/auth/logout",
            None,
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(
        r.json(),
        json!({"success": true, "message": "", "data": null})
    );
    let r = emu
        .call(
            Method::GET,
            "/app/auth/info",
            None,
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["success"], false);
    emu.stop().await;
}

#[tokio::test]
async fn login_by_otp_then_password_and_device_token() {
    let emu = start(config()).await;
    let access = sign_up(&emu).await;
    let auth = format!("Bearer {access}");

    let token = otp(&emu, 1).await["data"]["otpToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let code: u64 = emu.code_for(PHONE).await.parse().unwrap();
    let r = emu
        .post(
            "/app/auth/login/verify",
            json!({"otp": code, "otpToken": token}),
        )
        .await;
    assert_eq!(r.json()["success"], true);

    let r = emu
        .call(
            Method::POST,
            "/app/auth/password",
            Some(json!({"password": "short"})),
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["success"], false);
    let r = emu
        .call(
            Method::POST,
            "/app/auth/password",
            Some(json!({"password": "gdfhdjo33"})),
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(r.json()["success"], true);
    let r = emu
        .post("/app/auth/account/check", json!({"loginID": PHONE}))
        .await;
    assert_eq!(r.json()["data"]["setPassword"], true);

    let r = emu
        .post(
            "/app/auth/login",
            json!({"loginID": PHONE, "password": "wrong-pass", "deviceToken": "d"}),
        )
        .await;
    assert_eq!(r.json()["success"], false);
    let r = emu
        .post(
            "/app/auth/login",
            json!({"loginID": PHONE, "password": "gdfhdjo33", "deviceToken": "d"}),
        )
        .await;
    assert!(r.json()["data"]["accessToken"].is_string());

    let r = emu
        .call(
            Method::PUT,
            "/app/auth/device-token",
            Some(json!({"deviceToken": "D2fd"})),
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(r.json()["success"], true);
    let r = emu
        .call(
            Method::PUT,
            "/app/auth/device-token",
            Some(json!({"deviceToken": "D2fd"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    let users = emu.get("/__emulator/users").await.json();
    let username = users[0]["username"].as_str().unwrap();
    let r = emu
        .post("/app/auth/username/info", json!({"username": username}))
        .await;
    assert_eq!(r.json()["data"]["phone"], "******27");
    emu.stop().await;
}

#[tokio::test]
async fn wrong_code_and_bad_input_stay_in_the_envelope() {
    let emu = start(config()).await;
    let token = otp(&emu, 2).await["data"]["otpToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let code: u64 = emu.code_for(PHONE).await.parse().unwrap();
    let wrong = if code == 9999 { 1000 } else { code + 1 };
    let r = emu
        .post(
            "/app/auth/signup/verify",
            json!({"otp": wrong, "otpToken": token}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json(),
        json!({"success": false, "message": "驗證碼錯誤", "data": null})
    );
    // A forged otpToken is refused.
    // Change one character well inside the signature (the last one holds padding bits).
    let at = token.len() - 10;
    let swap = if &token[at..at + 1] == "A" { "B" } else { "A" };
    let forged = format!("{}{swap}{}", &token[..at], &token[at + 1..]);
    let r = emu
        .post(
            "/app/auth/signup/verify",
            json!({"otp": code, "otpToken": forged}),
        )
        .await;
    assert_eq!(r.json()["success"], false);

    let r = emu
        .post("/app/auth/account/check", json!({"loginID": "nope"}))
        .await;
    assert_eq!(r.json()["message"], "手機號碼格式錯誤");
    let r = emu.post("/app/auth/account/check", json!({})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["success"], false);
    emu.stop().await;
}
