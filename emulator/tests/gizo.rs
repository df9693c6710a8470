//! GIZO over real HTTP: Method 1 and 2, bearer rules, problem details.

mod common;

use common::{config, jwt_claims, start};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn method_1_sign_in_with_the_company_token() {
    let emu = start(config()).await;
    let company = emu.gizo_company_token().await;
    let r = emu
        .post_auth(
            "/api/v1/User/checkIdentity",
            json!({"username": "+49_1747707607"}),
            &company,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json(), json!(true));

    let sms = emu.get("/__emulator/sms").await.json();
    assert_eq!(sms[0]["provider"], "gizo");
    assert_eq!(sms[0]["to"], "+49_1747707607");
    assert_eq!(sms[0]["e164"], "+491747707607");
    assert!(sms[0]["sentAt"].as_u64().unwrap() > 1_600_000_000_000);
    let code = emu.code_for("+491747707607").await;
    assert_eq!(code.len(), 5);
    assert!(emu
        .log_lines()
        .contains(&format!("SMS gizo +49_1747707607 code {code}")));

    let r = emu
        .post_auth(
            "/api/v3/User/verify",
            json!({"username": "+49_1747707607", "verifyCode": code}),
            &company,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    assert_eq!(body["userName"], "+49_1747707607");
    assert_eq!(body["phoneNumber"], "+49_1747707607");
    let claims = jwt_claims(body["token"].as_str().unwrap());
    assert_eq!(claims["iss"], "phone-auth-emulator");
    assert_eq!(claims["provider"], "gizo");
    assert_eq!(claims["phone"], "+491747707607");
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        3600
    );
    emu.stop().await;
}

#[tokio::test]
async fn method_1_without_a_valid_bearer_is_401() {
    let emu = start(config()).await;
    let body = json!({"username": "+49_1747707607"});
    let r = emu.post("/api/v1/User/checkIdentity", body.clone()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = emu
        .post_auth("/api/v1/User/checkIdentity", body.clone(), "not-a-jwt")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // A user token is not a company token.
    let company = emu.gizo_company_token().await;
    emu.post_auth("/api/v1/User/checkIdentity", body.clone(), &company)
        .await;
    let code = emu.code_for("+491747707607").await;
    let r = emu
        .post_auth(
            "/api/v3/User/verify",
            json!({"username": "+49_1747707607", "verifyCode": code}),
            &company,
        )
        .await;
    let user_token = r.json()["token"].as_str().unwrap().to_owned();
    let r = emu
        .post_auth("/api/v1/User/checkIdentity", body, &user_token)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(emu.sms_count("+491747707607").await, 1);
    emu.stop().await;
}

#[tokio::test]
async fn validation_failures_are_problem_details() {
    let emu = start(config()).await;
    let company = emu.gizo_company_token().await;
    for (body, field) in [
        (json!({}), "username"),
        (json!({"username": 7}), "username"),
        (json!({"username": "not a number"}), "username"),
    ] {
        let r = emu
            .post_auth("/api/v1/User/checkIdentity", body, &company)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.content_type(), "application/problem+json");
        let p = r.json();
        assert_eq!(p["status"], 400);
        assert_eq!(p["title"], "One or more validation errors occurred.");
        assert_eq!(
            p["type"],
            "https://tools.ietf.org/html/rfc9110#section-15.5.1"
        );
        assert!(p["errors"][field].is_array(), "{p}");
        assert!(p["traceId"].is_string());
    }
    let r = emu
        .call(
            reqwest::Method::POST,
            "/api/v3/User/verify",
            None,
            &[
                ("authorization", &format!("Bearer {company}")),
                ("content-type", "application/json"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["errors"]["$"].is_array());

    let r = emu
        .post_auth(
            "/api/v3/User/verify",
            json!({"username": "+49_1747707607", "verifyCode": "12345"}),
            &company,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json()["errors"]["verifyCode"][0],
        "Verification code expired."
    );
    emu.stop().await;
}

#[tokio::test]
async fn method_2_admin_token_and_client_token() {
    let emu = start(config()).await;
    let r = emu
        .post(
            "/api/v1/company/access-token",
            json!({"clientId": "demo-client", "clientSecret": "wrong"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let company = emu.gizo_company_token().await;
    assert_eq!(jwt_claims(&company)["kind"], "company");

    emu.post_auth(
        "/api/v1/User/checkIdentity",
        json!({"username": "+49_1747707607"}),
        &company,
    )
    .await;
    let users = emu.get("/__emulator/users").await.json();
    let id = users[0]["id"].as_i64().unwrap();

    let r = emu
        .post("/api/v2/User/client-token", json!({"userId": id}))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = emu
        .post_auth("/api/v2/User/client-token", json!({"userId": id}), &company)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let claims = jwt_claims(r.json()["token"].as_str().unwrap());
    assert_eq!(claims["phone"], "+491747707607");
    assert_eq!(claims["kind"], "user");
    let r = emu
        .post_auth(
            "/api/v2/User/client-token",
            json!({"userId": id + 1000}),
            &company,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = emu
        .post_auth(
            "/api/v2/User/client-token",
            json!({"userId": "x"}),
            &company,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    emu.stop().await;
}
