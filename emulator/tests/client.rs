//! Full sign-ins for every provider driven by the native `phone_auth::client::Client`
//! over real HTTP against an in-process emulator, reading codes from `/__emulator/sms`.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{config, jwt_claims, start, Emu};
use phone_auth::client::{Client, FnClock};
use phone_auth::http::HttpRequest;
use phone_auth::provider::ProviderConfig;
use phone_auth::session::Config;
use serde_json::json;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Signs `phone` in with `provider` and returns the access token.
async fn sign_in(emu: &Emu, provider: ProviderConfig, phone: &str, e164: &str) -> String {
    let http = emu.http.clone();
    let transport = move |req: HttpRequest| common::send(http.clone(), req);
    let clock = FnClock::new(now_ms, |ms| tokio::time::sleep(Duration::from_millis(ms)));
    let client = Client::new(provider, Config::default(), transport, clock);
    client.restore(None).await.expect("restore");
    client.request_code(phone).await.expect("code requested");
    let code = emu.code_for(e164).await;
    client.verify(&code).await.expect("verified");
    let token = client.get_token().await.expect("a token");
    token.expose().to_owned()
}

fn provider(value: serde_json::Value) -> ProviderConfig {
    let value = phone_auth::json::parse_str(&value.to_string()).expect("JSON");
    ProviderConfig::from_json(&value).expect("provider config")
}

#[tokio::test]
async fn every_provider_signs_in_with_the_native_client() {
    let emu = start(config()).await;
    let company = emu.gizo_company_token().await;

    let gizo = provider(json!({"provider": "gizo", "baseUrl": emu.base, "appToken": company}));
    let token = sign_in(&emu, gizo, "+49 174 7707607", "+491747707607").await;
    assert_eq!(jwt_claims(&token)["provider"], "gizo");
    assert_eq!(jwt_claims(&token)["phone"], "+491747707607");

    let arita = provider(json!({"provider": "arita", "baseUrl": emu.base}));
    let token = sign_in(&emu, arita.clone(), "+852 6809 8227", "+85268098227").await;
    assert_eq!(jwt_claims(&token)["provider"], "arita");
    // The second time the account exists: the client takes the login path.
    let token = sign_in(&emu, arita, "+85268098227", "+85268098227").await;
    assert_eq!(jwt_claims(&token)["phone"], "+85268098227");

    let monetha =
        provider(json!({"provider": "monetha", "baseUrl": emu.base, "deviceId": "test-device"}));
    let token = sign_in(&emu, monetha.clone(), "+370 680 86090", "+37068086090").await;
    assert_eq!(jwt_claims(&token)["provider"], "monetha");
    let token = sign_in(&emu, monetha, "+37068086090", "+37068086090").await;
    assert_eq!(jwt_claims(&token)["phone"], "+37068086090");

    let sso = provider(json!({"provider": "sso", "baseUrl": emu.base}));
    let token = sign_in(&emu, sso, "+49 151 12345678", "+4915112345678").await;
    assert_eq!(jwt_claims(&token)["provider"], "sso");

    let users = emu.get("/__emulator/users").await.json();
    assert_eq!(users.as_array().unwrap().len(), 4);
    emu.stop().await;
}
