//! SSO v1 over real HTTP: media types, 422s, user/status, auth → code → user.

mod common;

use common::{config, jwt_claims, start, Emu};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PHONE: &str = "+491747707607";

async fn sso(
    emu: &Emu,
    method: Method,
    path: &str,
    body: Option<Value>,
    extra: &[(&str, &str)],
) -> common::Reply {
    let mut headers = vec![("accept", "application/vnd.sso.v1+json")];
    headers.extend_from_slice(extra);
    let mut req = emu.http.request(method, format!("{}{path}", emu.base));
    if let Some(body) = body {
        req = req
            .header("content-type", "application/vnd.sso.v1+json")
            .body(body.to_string());
    }
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let res = req.send().await.unwrap();
    common::Reply {
        status: res.status(),
        headers: res.headers().clone(),
        text: res.text().await.unwrap(),
    }
}

async fn sign_in(emu: &Emu) -> Value {
    let r = sso(
        emu,
        Method::POST,
        "/sso/sms",
        Some(json!({"telephone": PHONE})),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let code = emu.code_for(PHONE).await;
    assert_eq!(code.len(), 6);
    let r = sso(
        emu,
        Method::POST,
        "/sso/auth",
        Some(json!({"telephone": PHONE, "code": code, "agb": true})),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()
}

#[tokio::test]
async fn sign_in_then_code_user_and_status() {
    let emu = start(config()).await;
    let status = |n: &str| json!({"user": [n, "+4915112345678"]});
    let r = sso(
        &emu,
        Method::POST,
        "/sso/user/status",
        Some(status(PHONE)),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        r.json()["user"][0],
        json!({"user": PHONE, "isRegistered": 0})
    );

    let body = sign_in(&emu).await;
    let token = body["token"].as_str().unwrap().to_owned();
    assert_eq!(jwt_claims(&token)["provider"], "sso");
    let auth_code = body["authCode"].as_str().unwrap().to_owned();
    assert!(body["user"]["id"].is_i64());

    let r = sso(
        &emu,
        Method::POST,
        "/sso/user/status",
        Some(status(PHONE)),
        &[],
    )
    .await;
    let list = r.json();
    assert_eq!(list["user"][0], json!({"user": PHONE, "isRegistered": 1}));
    assert_eq!(list["user"][1]["isRegistered"], 0);

    let r = sso(
        &emu,
        Method::POST,
        "/sso/code",
        Some(json!({"telephone": PHONE, "code": auth_code})),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_ne!(r.json()["token"], json!(token));
    let r = sso(
        &emu,
        Method::POST,
        "/sso/code",
        Some(json!({"telephone": PHONE, "code": "nope"})),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let r = sso(
        &emu,
        Method::POST,
        "/sso/user",
        Some(json!({"username": PHONE, "authCode": auth_code})),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json()["user"]["verified"], false);
    let auth = format!("Bearer {token}");
    let r = sso(
        &emu,
        Method::GET,
        "/sso/user",
        None,
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["user"]["id"], body["user"]["id"]);
    let r = sso(&emu, Method::GET, "/sso/user", None, &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    emu.stop().await;
}

#[tokio::test]
async fn media_types_are_enforced() {
    let emu = start(config()).await;
    let body = json!({"telephone": PHONE}).to_string();
    let url = format!("{}/sso/sms", emu.base);
    let send = |accept: &'static str, ct: &'static str| {
        emu.http
            .post(&url)
            .header("accept", accept)
            .header("content-type", ct)
            .body(body.clone())
            .send()
    };
    assert_eq!(
        send("text/html", "application/json")
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_ACCEPTABLE
    );
    assert_eq!(
        send("application/json", "text/plain")
            .await
            .unwrap()
            .status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        send("application/json", "application/x-www-form-urlencoded")
            .await
            .unwrap()
            .status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        send("*/*", "application/json; charset=utf-8")
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(emu.sms_count(PHONE).await, 1);
    emu.stop().await;
}

#[tokio::test]
async fn invalid_fields_and_too_many_numbers_are_422() {
    let emu = start(config()).await;
    for body in [
        json!({}),
        json!({"telephone": "12"}),
        json!({"telephone": 491747707607u64}),
    ] {
        let r = sso(&emu, Method::POST, "/sso/sms", Some(body), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.json()["errors"]["telephone"].is_array());
    }
    let many: Vec<String> = (0..101)
        .map(|i| format!("+49151{:08}", 10_000_000 + i))
        .collect();
    let r = sso(
        &emu,
        Method::POST,
        "/sso/user/status",
        Some(json!({"user": many})),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["errors"]["user"].is_array());
    let hundred: Vec<String> = many.into_iter().take(100).collect();
    let r = sso(
        &emu,
        Method::POST,
        "/sso/user/status",
        Some(json!({"user": hundred})),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json()["user"].as_array().unwrap().len(), 100);
    let r = sso(
        &emu,
        Method::POST,
        "/sso/user/status",
        Some(json!({"user": "x"})),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let r = sso(
        &emu,
        Method::POST,
        "/sso/sms",
        Some(json!({"telephone": PHONE})),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = sso(
        &emu,
        Method::POST,
        "/sso/auth",
        Some(json!({"telephone": PHONE, "code": "x"})),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"]["code"][0], "invalid");
    emu.stop().await;
}

#[tokio::test]
async fn email_change_opt_in_and_status() {
    let emu = start(config()).await;
    let body = sign_in(&emu).await;
    let auth = format!("Bearer {}", body["token"].as_str().unwrap());
    let email = json!({"email": "david@example.com", "telephone": PHONE});
    let r = sso(&emu, Method::PATCH, "/sso/email", Some(email.clone()), &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = sso(
        &emu,
        Method::PATCH,
        "/sso/email",
        Some(email.clone()),
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = sso(
        &emu,
        Method::PATCH,
        "/sso/email-status",
        Some(email.clone()),
        &[],
    )
    .await;
    assert_eq!(
        r.json(),
        json!({"email": "david@example.com", "status": "pending"})
    );
    let mail = emu.get("/__emulator/mail").await.json();
    let c = mail[0]["optinCode"].as_str().unwrap();
    let r = sso(
        &emu,
        Method::PATCH,
        "/sso/email-optin",
        Some(json!({"c": "wrong"})),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = sso(
        &emu,
        Method::PATCH,
        "/sso/email-optin",
        Some(json!({"c": c})),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = sso(&emu, Method::PATCH, "/sso/email-status", Some(email), &[]).await;
    assert_eq!(r.json()["status"], "confirmed");
    let r = sso(
        &emu,
        Method::GET,
        "/sso/user",
        None,
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(r.json()["user"]["verified"], true);
    emu.stop().await;
}
