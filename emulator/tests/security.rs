//! Security rules: nothing secret in logs, CORS closed by default, constant-time code
//! comparison, attempts limit, capped bodies, tokens that are real and checked.

mod common;

use common::{config, start};
use phone_auth_emulator::codes::codes_match;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn no_token_or_code_in_any_log_line_but_the_sms_line() {
    let emu = start({
        let mut cfg = config();
        cfg.log_requests = true;
        cfg
    })
    .await;
    let mut secrets = Vec::new();
    // GIZO
    let company = emu.gizo_company_token().await;
    secrets.push(company.clone());
    emu.post_auth(
        "/api/v1/User/checkIdentity",
        json!({"username": "+49_1747707607"}),
        &company,
    )
    .await;
    let code = emu.code_for("+491747707607").await;
    let r = emu
        .post_auth(
            "/api/v3/User/verify",
            json!({"username": "+49_1747707607", "verifyCode": code}),
            &company,
        )
        .await;
    secrets.push(r.json()["token"].as_str().unwrap().to_owned());
    // Arita
    let r = emu
        .post(
            "/app/auth/otp",
            json!({"nature": 2, "loginID": "+85268098227", "sendType": 0}),
        )
        .await;
    let otp_token = r.json()["data"]["otpToken"].as_str().unwrap().to_owned();
    secrets.push(otp_token.clone());
    let code: u64 = emu.code_for("+85268098227").await.parse().unwrap();
    let r = emu
        .post(
            "/app/auth/signup/verify",
            json!({"otp": code, "otpToken": otp_token}),
        )
        .await;
    secrets.push(r.json()["data"]["accessToken"].as_str().unwrap().to_owned());
    // SSO, with a query string that must not be logged either.
    emu.post(
        "/sso/sms?secret=hunter2",
        json!({"telephone": "+4915112345678"}),
    )
    .await;
    let code = emu.code_for("+4915112345678").await;
    let r = emu
        .post(
            "/sso/auth",
            json!({"telephone": "+4915112345678", "code": code}),
        )
        .await;
    let body = r.json();
    secrets.push(body["token"].as_str().unwrap().to_owned());
    secrets.push(body["authCode"].as_str().unwrap().to_owned());
    secrets.push("hunter2".into());

    let sms: Vec<String> = emu
        .get("/__emulator/sms")
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(sms.len(), 3);
    let lines = emu.log_lines();
    assert!(
        lines.iter().any(|l| l.starts_with("POST /sso/auth 201")),
        "request lines are logged: {lines:?}"
    );
    for line in &lines {
        for secret in &secrets {
            assert!(
                !line.contains(secret.as_str()),
                "secret in log line {line:?}"
            );
        }
        if !line.starts_with("SMS ") {
            for code in &sms {
                assert!(
                    !line.contains(&format!(" {code}")),
                    "code {code} in log line {line:?}"
                );
            }
        }
    }
    emu.stop().await;
}

#[tokio::test]
async fn cors_is_closed_by_default_and_opens_per_origin() {
    let emu = start(config()).await;
    let origin = [("origin", "http://evil.example")];
    let r = emu
        .call(Method::GET, "/__emulator/health", None, &origin)
        .await;
    assert!(r.header("access-control-allow-origin").is_none());
    let pre = [
        ("origin", "http://evil.example"),
        ("access-control-request-method", "POST"),
    ];
    let r = emu.call(Method::OPTIONS, "/sso/sms", None, &pre).await;
    assert!(r.header("access-control-allow-origin").is_none());
    assert!(r.header("access-control-allow-methods").is_none());
    emu.stop().await;

    let mut cfg = config();
    cfg.cors_origins = vec!["http://localhost:5173".into()];
    let emu = start(cfg).await;
    let pre = [
        ("origin", "http://localhost:5173"),
        ("access-control-request-method", "POST"),
    ];
    let r = emu.call(Method::OPTIONS, "/sso/sms", None, &pre).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("http://localhost:5173")
    );
    assert!(r
        .header("access-control-allow-headers")
        .unwrap()
        .contains("authorization"));
    let r = emu
        .call(
            Method::GET,
            "/__emulator/health",
            None,
            &[("origin", "http://localhost:5173")],
        )
        .await;
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("http://localhost:5173")
    );
    assert_eq!(
        r.header("access-control-expose-headers").as_deref(),
        Some("retry-after")
    );
    let r = emu
        .call(
            Method::GET,
            "/__emulator/health",
            None,
            &[("origin", "http://other.example")],
        )
        .await;
    assert!(r.header("access-control-allow-origin").is_none());
    emu.stop().await;
}

#[test]
fn codes_are_compared_by_value_over_the_whole_length() {
    // `codes_match` is subtle's constant-time equality over the bytes: every position
    // matters and lengths must agree.
    assert!(codes_match("48213", "48213"));
    for wrong in ["48210", "08213", "4821", "482130", "", "48213 "] {
        assert!(!codes_match("48213", wrong), "{wrong:?}");
    }
}

#[tokio::test]
async fn tokens_are_checked_signature_issuer_and_expiry() {
    let mut cfg = config();
    cfg.token_ttl = std::time::Duration::from_secs(2);
    let emu = start(cfg).await;
    emu.post("/sso/sms", json!({"telephone": "+491747707607"}))
        .await;
    let code = emu.code_for("+491747707607").await;
    let token = emu
        .post(
            "/sso/auth",
            json!({"telephone": "+491747707607", "code": code}),
        )
        .await
        .json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let auth = format!("Bearer {token}");
    assert_eq!(
        emu.call(Method::GET, "/sso/user", None, &[("authorization", &auth)])
            .await
            .status,
        StatusCode::OK
    );
    // A tampered payload fails the signature.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = parts[1].chars().rev().collect();
    let forged = format!("Bearer {}", parts.join("."));
    assert_eq!(
        emu.call(
            Method::GET,
            "/sso/user",
            None,
            &[("authorization", &forged)]
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    // A token of another provider does not open SSO.
    let company = emu.gizo_company_token().await;
    let other = format!("Bearer {company}");
    assert_eq!(
        emu.call(Method::GET, "/sso/user", None, &[("authorization", &other)])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    assert_eq!(
        emu.call(Method::GET, "/sso/user", None, &[("authorization", &auth)])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    emu.stop().await;
}

#[tokio::test]
async fn rs256_publishes_a_jwks_that_verifies_the_tokens() {
    use jsonwebtoken::{decode, jwk::JwkSet, Algorithm, DecodingKey, Validation};
    let mut cfg = config();
    cfg.jwt_alg = phone_auth_emulator::JwtAlg::Rs256;
    let emu = start(cfg).await;
    let jwks: JwkSet = serde_json::from_str(&emu.get("/.well-known/jwks.json").await.text).unwrap();
    emu.post("/sso/sms", json!({"telephone": "+491747707607"}))
        .await;
    let code = emu.code_for("+491747707607").await;
    let token = emu
        .post(
            "/sso/auth",
            json!({"telephone": "+491747707607", "code": code}),
        )
        .await
        .json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("kid in JWKS");
    let key = DecodingKey::from_jwk(jwk).unwrap();
    let mut v = Validation::new(Algorithm::RS256);
    v.set_issuer(&["phone-auth-emulator"]);
    let claims = decode::<serde_json::Value>(&token, &key, &v)
        .unwrap()
        .claims;
    assert_eq!(claims["phone"], "+491747707607");
    emu.stop().await;

    // HS256 (the default) publishes no JWKS.
    let emu = start(config()).await;
    assert_eq!(
        emu.get("/.well-known/jwks.json").await.status,
        StatusCode::NOT_FOUND
    );
    emu.stop().await;
}
