//! The wasm layer in Node (wasm-bindgen-test), against the real emulator where a
//! backend is needed. Run by `cargo xtask test` (it starts the emulator).
#![cfg(target_arch = "wasm32")]

#[path = "wasm_support.rs"]
mod support;

use js_sys::{Array, Promise};
use phone_auth::wasm::{decode_token, normalize_phone, AuthClient};
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn normalize_phone_has_every_form() {
    let p = normalize_phone(&"0174 7707607".into(), &"DE".into()).expect("a number");
    assert_eq!(get_str(&p, "e164"), "+491747707607");
    assert_eq!(get_str(&p, "countryCallingCode"), "49");
    assert_eq!(get_str(&p, "nationalNumber"), "1747707607");
    assert_eq!(get_str(&p, "region"), "DE");
    assert_eq!(get_str(&p, "gizo"), "+49_1747707607");
    assert!(get(&p, "extension").is_null());
    let e = normalize_phone(&"call me".into(), &"DE".into()).expect_err("not a number");
    assert_eq!(code_of(&e), "invalid_phone");
    let e =
        normalize_phone(&JsValue::from_f64(42.0), &JsValue::UNDEFINED).expect_err("not a string");
    assert_eq!(code_of(&e), "invalid_phone");
}

#[wasm_bindgen_test]
fn normalize_phone_fills_extension_and_null_region() {
    let p = normalize_phone(&"tel:+49-30-1234567;ext=42".into(), &JsValue::UNDEFINED)
        .expect("a number");
    assert_eq!(get_str(&p, "e164"), "+49301234567");
    assert_eq!(get_str(&p, "extension"), "42");
    assert_eq!(get_str(&p, "region"), "DE");
    assert!(get_str(&p, "international").starts_with("+49 "));
    let p = normalize_phone(&"+800 1234 5678".into(), &JsValue::UNDEFINED).expect("a number");
    assert!(get(&p, "region").is_null(), "non-geographic: no region");
    assert!(get(&p, "extension").is_null());
    assert_eq!(get_str(&p, "countryCallingCode"), "800");
    assert_eq!(
        js_sys::Object::keys(&p.into())
            .join(",")
            .as_string()
            .as_deref(),
        Some("e164,countryCallingCode,nationalNumber,region,extension,gizo,international")
    );
}

#[wasm_bindgen_test]
fn decode_token_keeps_every_claim_as_json() {
    let claims = obj(
        r#"{"sub":"u\"1\"","name":"Zoë \\ \n✓","n":-1.5e3,"big":12345678901234567890,
            "list":[1,"two",{"three":null}],"nested":{"a":{"b":true}},"exp":1700000000.5}"#,
    );
    let jwt = jwt_of(&obj(r#"{"alg":"RS256"}"#), &claims);
    let t = decode_token(&jwt.into()).expect("a JWT");
    assert_eq!(
        js_sys::JSON::stringify(&get(&t, "claims")).ok(),
        js_sys::JSON::stringify(&claims).ok(),
        "claims are the payload, member for member"
    );
    let header = get(&t, "header");
    assert_eq!(get_str(&header, "alg"), "RS256");
    assert!(get(&header, "typ").is_null() && get(&header, "kid").is_null());
    assert_eq!(get_str(&t, "subject"), "u\"1\"");
    assert_eq!(get(&t, "expiresAt").as_f64(), Some(1_700_000_000_000.0));
    assert!(get(&t, "issuedAt").is_null() && get(&t, "notBefore").is_null());
    // A registered claim of the wrong type is not a usable token.
    let bad = jwt_of(&obj(r#"{"alg":"HS256"}"#), &obj(r#"{"exp":"soon"}"#));
    let e = decode_token(&bad.into()).expect_err("exp must be a number");
    assert_eq!(code_of(&e), "invalid_token");
    let e = decode_token(&JsValue::from_f64(42.0)).expect_err("not a string");
    assert_eq!(code_of(&e), "invalid_token");
}

#[wasm_bindgen_test]
fn decode_token_reports_times_in_ms() {
    let jwt = make_jwt(120.0, "user-7");
    let t = decode_token(&jwt.into()).expect("a JWT");
    let iat = get(&t, "issuedAt").as_f64().expect("iat");
    let exp = get(&t, "expiresAt").as_f64().expect("exp");
    assert_eq!(exp - iat, 120_000.0);
    assert_eq!(get_str(&t, "subject"), "user-7");
    assert_eq!(get_str(&get(&t, "header"), "alg"), "HS256");
    let e = decode_token(&"opaque-token".into()).expect_err("not a JWT");
    assert_eq!(code_of(&e), "invalid_token");
}

#[wasm_bindgen_test]
fn bad_options_throw_invalid_config() {
    for bad in [
        r#"{"provider":"nope","baseUrl":"http://127.0.0.1:9"}"#,
        r#"{"baseUrl":"http://127.0.0.1:9"}"#,
        r#"{"provider":"sso","baseUrl":"http://127.0.0.1:9","storage":"local"}"#,
        r#"{"provider":"sso","baseUrl":"http://127.0.0.1:9","refresh":{"strategy":"callback"}}"#,
    ] {
        let e = AuthClient::new(obj(bad)).err().expect("refused");
        assert_eq!(code_of(&e), "invalid_config", "{bad}");
    }
    let e = AuthClient::new(JsValue::from_str("sso"))
        .err()
        .expect("refused");
    assert_eq!(code_of(&e), "invalid_config");
}

async fn full_sign_in(provider: &str, phone: &str, extra: Option<(&str, JsValue)>) {
    let storage = memory_adapter();
    let o = emulator_options(provider, &storage);
    if let Some((k, v)) = extra {
        set(&o, k, &v);
    }
    let (auth, session) = sign_in(o, phone).await;
    assert_eq!(get_str(&session, "provider"), provider);
    assert_eq!(get_str(&session, "phone"), phone.replace(' ', ""));
    let token = get_str(&session, "token");
    assert!(!token.is_empty());
    let map = get(&storage, "map");
    assert_eq!(js_sys::Map::from(map.clone()).size(), 1, "stored");
    assert_eq!(ok(auth.get_token(), "token").await.as_string(), Some(token));
    ok(auth.sign_out(), "signOut").await;
    assert_eq!(js_sys::Map::from(map).size(), 0, "signOut clears storage");
    expect_code(auth.get_token(), "not_signed_in").await;
}

#[wasm_bindgen_test]
async fn sign_in_sso() {
    full_sign_in("sso", "+491705550101", None).await;
}

#[wasm_bindgen_test]
async fn sign_in_arita() {
    full_sign_in("arita", "+491705550102", None).await;
}

#[wasm_bindgen_test]
async fn sign_in_monetha() {
    full_sign_in("monetha", "+491705550103", None).await;
}

#[wasm_bindgen_test]
async fn sign_in_gizo_with_an_async_app_token() {
    let token = gizo_company_token().await;
    let f = counter(
        &Closure::<dyn Fn() -> JsValue>::new(move || token.clone().into())
            .into_js_value()
            .into(),
    );
    full_sign_in(
        "gizo",
        "+491705550104",
        Some(("appToken", f.clone().into())),
    )
    .await;
    assert!(
        get(&f, "count").as_f64().unwrap_or(0.0) >= 1.0,
        "appToken() was asked"
    );
}

#[wasm_bindgen_test]
async fn a_new_client_restores_the_stored_session() {
    let storage = memory_adapter();
    let (_a, session) = sign_in(emulator_options("sso", &storage), "+491705550105").await;
    let b = AuthClient::new(emulator_options("sso", &storage)).expect("options");
    let listener = recorder();
    let _off = b.on_auth_state_change(listener.clone());
    let restored = ok(b.get_session(), "session").await;
    assert_eq!(get_str(&restored, "token"), get_str(&session, "token"));
    sleep(20.0).await;
    let events = Array::from(&get(&listener, "events"));
    assert_eq!(
        events.get(0).as_string().as_deref(),
        Some("INITIAL_SESSION")
    );
    assert_eq!(
        get_str(&Array::from(&get(&listener, "sessions")).get(0), "phone"),
        "+491705550105"
    );
}

#[wasm_bindgen_test]
async fn fifty_concurrent_get_token_calls_share_one_refresh() {
    let callback = new_token_callback();
    // A 4 s token (3–4 s left, whole-second `exp`) is due half-way through its life (the
    // 60 s margin is capped at half the lifetime): after 1.5–2 s, before it expires.
    let (auth, first) = sign_in(refresh_options(4.0, &callback), "+491705550106").await;
    assert_eq!(get(&callback, "count").as_f64(), Some(0.0), "not due yet");
    sleep(2_200.0).await;
    let calls: Array = (0..50).map(|_| JsValue::from(auth.get_token())).collect();
    let tokens = ok(Promise::all(&calls), "tokens").await;
    assert_eq!(
        get(&callback, "count").as_f64(),
        Some(1.0),
        "exactly one refresh"
    );
    let tokens = Array::from(&tokens);
    let t0 = tokens.get(0).as_string().expect("a token");
    assert_ne!(t0, get_str(&first, "token"), "the refreshed token");
    assert!(tokens
        .iter()
        .all(|t| t.as_string().as_deref() == Some(t0.as_str())));
}

#[wasm_bindgen_test]
async fn auto_refresh_runs_before_expiry() {
    let callback = new_token_callback();
    let o = refresh_options(4.0, &callback); // due 1.5–2 s in (see above)
    set(&o, "autoRefresh", &JsValue::TRUE);
    let (auth, _) = sign_in(o, "+491705550107").await;
    let listener = recorder();
    let _off = auth.on_auth_state_change(listener.clone());
    for _ in 0..40 {
        if get(&callback, "count").as_f64() == Some(1.0) {
            break;
        }
        sleep(200.0).await;
    }
    sleep(50.0).await;
    auth.stop_auto_refresh();
    assert_eq!(
        get(&callback, "count").as_f64(),
        Some(1.0),
        "refreshed once, about 2 s in"
    );
    let events = Array::from(&get(&listener, "events"));
    assert!(events
        .iter()
        .any(|e| e.as_string().as_deref() == Some("TOKEN_REFRESHED")));
}

#[wasm_bindgen_test]
async fn error_paths_map_to_codes() {
    let auth = AuthClient::new(emulator_options("sso", &"memory".into())).expect("options");
    expect_code(auth.verify("482135".into()), "invalid_state").await;
    expect_code(auth.get_token(), "not_signed_in").await;
    expect_code(auth.request_code("abc".into()), "invalid_phone").await;
    expect_code(auth.request_code(JsValue::NULL), "invalid_phone").await;
    ok(auth.request_code("+491705550108".into()), "code sent").await;
    expect_code(auth.verify("12".into()), "invalid_code").await;
    let info = expect_code(auth.verify("111111".into()), "invalid_code").await;
    assert_eq!(get(&info, "status").as_f64(), Some(422.0));

    // GIZO without an app token: the emulator refuses with 401.
    let gizo = AuthClient::new(emulator_options("gizo", &"memory".into())).expect("options");
    expect_code(gizo.request_code("+491705550108".into()), "unauthorized").await;

    // Nothing listens on port 9: a network error.
    let o = obj(
        r#"{"provider":"sso","baseUrl":"http://127.0.0.1:9","storage":"memory","autoRefresh":false}"#,
    );
    let offline = AuthClient::new(o).expect("options");
    expect_code(offline.request_code("+491705550108".into()), "network").await;

    let fake = |route: JsValue, timeout: f64| {
        let routes = obj("{}");
        set(&routes, "/sso/sms", &route);
        let o = obj(
            r#"{"provider":"sso","baseUrl":"http://fake.test","storage":"memory","autoRefresh":false}"#,
        );
        set(&o, "fetch", &fake_fetch(&routes).into());
        set(&o, "timeoutMs", &timeout.into());
        AuthClient::new(o).expect("options")
    };
    let hung = fake("hang".into(), 200.0);
    expect_code(hung.request_code("+491705550108".into()), "timeout").await;
    let html = Array::of3(
        &502.into(),
        &"<html>Bad gateway</html>".into(),
        &obj(r#"{"content-type":"text/html"}"#),
    );
    let info = expect_code(
        fake(html.into(), 1000.0).request_code("+491705550108".into()),
        "server",
    )
    .await;
    assert_eq!(get(&info, "status").as_f64(), Some(502.0));
    // A success status whose body is not the documented JSON.
    let garbled = Array::of3(
        &201.into(),
        &"<html>Welcome to the captive portal</html>".into(),
        &obj(r#"{"content-type":"text/html"}"#),
    );
    expect_code(
        fake(garbled.into(), 1000.0).request_code("+491705550108".into()),
        "malformed_response",
    )
    .await;
    let limited = Array::of3(
        &429.into(),
        &r#"{"message":"slow down"}"#.into(),
        &obj(r#"{"content-type":"application/json","retry-after":"7"}"#),
    );
    let info = expect_code(
        fake(limited.into(), 1000.0).request_code("+491705550108".into()),
        "rate_limited",
    )
    .await;
    assert_eq!(get(&info, "retryAfter").as_f64(), Some(7.0));
}

#[wasm_bindgen_test]
async fn concurrent_calls_never_trip_recursive_use() {
    let auth = AuthClient::new(emulator_options("sso", &memory_adapter())).expect("options");
    let calls: Array = (0..20)
        .flat_map(|_| {
            [
                JsValue::from(auth.get_session()),
                JsValue::from(auth.get_token()),
            ]
        })
        .collect();
    let settled = ok(Promise::all_settled(&calls), "settled").await;
    for r in Array::from(&settled).iter() {
        if get_str(&r, "status") == "rejected" {
            assert_eq!(code_of(&get(&r, "reason")), "not_signed_in");
        }
    }
}

#[wasm_bindgen_test]
async fn gizo_admin_calls_work_outside_a_browser() {
    let auth = AuthClient::new(emulator_options("gizo", &"memory".into())).expect("options");
    let admin = ok(
        auth.gizo_access_token("demo-client".into(), "demo-secret".into()),
        "admin token",
    )
    .await
    .as_string()
    .expect("a string");
    assert!(!admin.is_empty());
    let info = expect_code(
        auth.gizo_access_token("demo-client".into(), "wrong".into()),
        "unauthorized",
    )
    .await;
    assert_eq!(get(&info, "status").as_f64(), Some(401.0));

    // A user signed in with the admin token as app token, then a token for that user.
    let o = emulator_options("gizo", &"memory".into());
    set(&o, "appToken", &admin.clone().into());
    let (_user, session) = sign_in(o, "+491705550105").await;
    let sub = get_str(&get(&session, "claims"), "sub");
    let id: f64 = sub.parse().expect("a numeric GIZO user id");
    let token = ok(
        auth.gizo_client_token(admin.into(), id.into()),
        "client token",
    )
    .await
    .as_string()
    .expect("a string");
    let decoded = decode_token(&token.into()).expect("a JWT");
    assert_eq!(get_str(&decoded, "subject"), sub);
    expect_code(
        auth.gizo_client_token("x".into(), 1.5.into()),
        "invalid_config",
    )
    .await;

    let sso = AuthClient::new(emulator_options("sso", &"memory".into())).expect("options");
    expect_code(
        sso.gizo_access_token("demo-client".into(), "demo-secret".into()),
        "invalid_config",
    )
    .await;
}

#[wasm_bindgen_test]
async fn arita_extra_endpoints() {
    let phone = "+491705550111";
    let (auth, _) = sign_in(emulator_options("arita", &"memory".into()), phone).await;
    let check = ok(auth.arita_account_check(phone.into()), "account check").await;
    assert_eq!(get(&check, "exists").as_bool(), Some(true));
    assert_eq!(get(&check, "accountType").as_f64(), Some(3.0));
    let unknown = ok(
        auth.arita_account_check("+491747707607".into()),
        "account check",
    )
    .await;
    assert_eq!(get(&unknown, "exists").as_bool(), Some(false));
    expect_code(auth.arita_set_password("short".into()), "invalid_input").await;
    ok(
        auth.arita_set_password("a-Longer-passw0rd!".into()),
        "password set",
    )
    .await;
    let after = ok(auth.arita_account_check(phone.into()), "account check").await;
    assert_eq!(get(&after, "setPassword").as_bool(), Some(true));
    ok(
        auth.arita_update_device_token("push-token-1".into()),
        "device token",
    )
    .await;
    ok(auth.sign_out(), "signOut").await;
    expect_code(
        auth.arita_update_device_token("push-token-1".into()),
        "not_signed_in",
    )
    .await;
    let sso = AuthClient::new(emulator_options("sso", &"memory".into())).expect("options");
    expect_code(sso.arita_account_check(phone.into()), "invalid_config").await;
}

#[wasm_bindgen_test]
async fn sso_extra_endpoints() {
    let phone = "+491705550109"; // SSO only here (the Vite page uses it with Monetha)
    let (auth, session) = sign_in(emulator_options("sso", &"memory".into()), phone).await;
    let numbers = Array::of2(&phone.into(), &"+491747707607".into());
    let rows = Array::from(&ok(auth.sso_user_status(numbers.into()), "user status").await);
    assert_eq!(rows.length(), 2);
    assert_eq!(get_str(&rows.get(0), "user"), phone);
    assert_eq!(get(&rows.get(0), "isRegistered").as_bool(), Some(true));
    assert_eq!(get(&rows.get(1), "isRegistered").as_bool(), Some(false));
    let user = ok(auth.sso_get_user(), "user").await;
    let sub = get_str(&get(&session, "claims"), "sub");
    assert_eq!(
        get(&user, "id").as_f64().map(|id| id.to_string()),
        Some(sub)
    );
    expect_code(
        auth.sso_user_status("+491705550112".into()),
        "invalid_input",
    )
    .await;

    // `POST user`: the user an auth code (from `auth`, asked for here by hand) belongs to.
    let sms = format!(r#"{{"telephone":"{phone}"}}"#);
    ok(post_json(&emulator_url("/sso/sms"), &sms), "sms").await;
    let auth_body = format!(r#"{{"telephone":"{phone}","code":"{CODE}"}}"#);
    let out = ok(post_json(&emulator_url("/sso/auth"), &auth_body), "auth").await;
    let created = ok(
        auth.sso_create_user(phone.into(), get(&out, "authCode")),
        "create user",
    )
    .await;
    assert_eq!(get(&created, "id").as_f64(), get(&user, "id").as_f64());
    let info = expect_code(
        auth.sso_create_user(phone.into(), "not-a-code".into()),
        "validation_failed",
    )
    .await;
    assert_eq!(get(&info, "status").as_f64(), Some(422.0));

    // The e-mail calls: change the address (opt-in mail), its state, the opt-in.
    let email = format!("wasm-{}@example.test", js_sys::Date::now());
    let status = ok(
        auth.sso_email_status(email.as_str().into(), JsValue::UNDEFINED),
        "email status",
    )
    .await;
    assert_eq!(get_str(&status, "status"), "none");
    ok(
        auth.sso_email(email.as_str().into(), JsValue::UNDEFINED),
        "email",
    )
    .await;
    let status = ok(
        auth.sso_email_status(email.as_str().into(), phone.into()),
        "email status",
    )
    .await;
    assert_eq!(get_str(&status, "email"), email);
    assert_eq!(get_str(&status, "status"), "pending");
    let mail = Array::from(&ok(get_json(&emulator_url("/__emulator/mail")), "mail").await);
    let sent = mail
        .iter()
        .find(|m| get_str(m, "to") == email)
        .expect("an opt-in mail");
    expect_code(
        auth.sso_email_optin("wrong-code".into()),
        "validation_failed",
    )
    .await;
    ok(auth.sso_email_optin(get(&sent, "optinCode")), "opt-in").await;
    let status = ok(
        auth.sso_email_status(email.as_str().into(), JsValue::UNDEFINED),
        "email status",
    )
    .await;
    assert_eq!(get_str(&status, "status"), "confirmed");
    let info = expect_code(
        auth.sso_email(email.as_str().into(), "+491705550101".into()),
        "forbidden",
    )
    .await;
    assert_eq!(get(&info, "status").as_f64(), Some(403.0));

    ok(auth.sign_out(), "signOut").await;
    expect_code(auth.sso_get_user(), "not_signed_in").await;
    expect_code(
        auth.sso_email(email.as_str().into(), JsValue::UNDEFINED),
        "not_signed_in",
    )
    .await;
}

#[wasm_bindgen_test]
async fn arita_password_login_logout_and_reset() {
    let phone = "+491705550102";
    let mut o = emulator_options("arita", &"memory".into());
    set(&o, "deviceToken", &"push-token-2".into());
    let (auth, _) = sign_in(o, phone).await;
    ok(
        auth.arita_set_password("first-Passw0rd".into()),
        "password set",
    )
    .await;
    let info = ok(auth.arita_info(), "info").await;
    assert!(get_str(&info, "phone").ends_with("1705550102"));
    let old = ok(auth.get_token(), "token")
        .await
        .as_string()
        .expect("a string");
    // signOut revokes the token on the server (`DELETE /app/auth/logout`).
    ok(auth.sign_out(), "signOut").await;
    let status = ok(
        bearer_status(&emulator_url("/app/auth/info"), &old),
        "status",
    )
    .await;
    assert_eq!(status.as_f64(), Some(401.0), "the old token is revoked");
    expect_code(auth.arita_info(), "not_signed_in").await;

    // A password login is a sign-in: SIGNED_IN, stored, `phone` in E.164.
    let storage = memory_adapter();
    o = emulator_options("arita", &storage);
    set(&o, "deviceToken", &"push-token-2".into());
    let b = AuthClient::new(o).expect("options");
    let listener = recorder();
    let _off = b.on_auth_state_change(listener.clone());
    let info = expect_code(
        b.arita_login(phone.into(), "wrong-Passw0rd".into()),
        "server",
    )
    .await;
    assert_eq!(get(&info, "status").as_f64(), Some(200.0));
    let session = ok(
        b.arita_login("+49 170 5550102".into(), "first-Passw0rd".into()),
        "password login",
    )
    .await;
    assert_eq!(get_str(&session, "phone"), phone);
    assert_eq!(get_str(&session, "provider"), "arita");
    assert_eq!(js_sys::Map::from(get(&storage, "map")).size(), 1, "stored");
    sleep(20.0).await;
    let events = Array::from(&get(&listener, "events"));
    assert!(events
        .iter()
        .any(|e| e.as_string().as_deref() == Some("SIGNED_IN")));
    let token = ok(b.get_token(), "token").await;
    assert_eq!(token.as_string(), Some(get_str(&session, "token")));

    // The username lookup gives the blurred contact.
    let users = Array::from(&ok(get_json(&emulator_url("/__emulator/users")), "users").await);
    let me = users
        .iter()
        .find(|u| get_str(u, "provider") == "arita" && get_str(u, "e164") == phone)
        .expect("the user");
    let blurred = ok(b.arita_username_info(get(&me, "username")), "username info").await;
    assert_eq!(get_str(&blurred, "phone"), "******02");

    // Forgotten password: code, verify, new password; then a login with it.
    expect_code(
        b.arita_reset_password("new-Passw0rd".into()),
        "invalid_state",
    )
    .await;
    expect_code(b.arita_verify_forgot_password(CODE.into()), "invalid_state").await;
    ok(b.arita_forgot_password(phone.into()), "reset code sent").await;
    expect_code(b.arita_verify_forgot_password("12".into()), "invalid_code").await;
    expect_code(
        b.arita_verify_forgot_password("111111".into()),
        "invalid_code",
    )
    .await;
    expect_code(
        b.arita_reset_password("new-Passw0rd".into()),
        "invalid_state",
    )
    .await;
    ok(
        b.arita_verify_forgot_password(CODE.into()),
        "reset code accepted",
    )
    .await;
    expect_code(b.arita_reset_password("weak".into()), "invalid_input").await;
    ok(
        b.arita_reset_password("new-Passw0rd".into()),
        "password reset",
    )
    .await;
    expect_code(
        b.arita_reset_password("new-Passw0rd".into()),
        "invalid_state",
    )
    .await;
    ok(b.sign_out(), "signOut").await;
    expect_code(
        b.arita_login(phone.into(), "first-Passw0rd".into()),
        "server",
    )
    .await;
    let again = ok(
        b.arita_login(phone.into(), "new-Passw0rd".into()),
        "login with the new password",
    )
    .await;
    assert_eq!(get_str(&again, "phone"), phone);

    // Without a device token a password login is refused before any request.
    let c = AuthClient::new(emulator_options("arita", &"memory".into())).expect("options");
    expect_code(
        c.arita_login(phone.into(), "new-Passw0rd".into()),
        "invalid_input",
    )
    .await;
}

#[wasm_bindgen_test]
async fn token_expiring_reaches_listeners() {
    // Reverify cannot renew a token: when it is due (half-way through a 4 s life, the
    // 60 s margin being capped), listeners hear TOKEN_EXPIRING with the session.
    let o = fake_sso_options(4.0);
    set(&o, "autoRefresh", &JsValue::TRUE);
    set(&o, "refresh", &obj(r#"{"strategy":"reverify"}"#));
    let (auth, session) = sign_in(o, "+491705550106").await;
    let listener = recorder();
    let _off = auth.on_auth_state_change(listener.clone());
    let expiring = || {
        Array::from(&get(&listener, "events"))
            .iter()
            .position(|e| e.as_string().as_deref() == Some("TOKEN_EXPIRING"))
    };
    for _ in 0..30 {
        if expiring().is_some() {
            break;
        }
        sleep(200.0).await;
    }
    auth.stop_auto_refresh();
    let at = expiring().expect("TOKEN_EXPIRING before expiry");
    let s = Array::from(&get(&listener, "sessions")).get(at as u32);
    assert_eq!(get_str(&s, "token"), get_str(&session, "token"));
}
