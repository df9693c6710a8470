//! The providers' other endpoints from JS (GIZO admin, Arita and SSO extras), against
//! the real emulator. Part of the `wasm_node` test target.

use super::*;

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
        "unauthorized",
    )
    .await;
    // Arita's failure envelope: HTTP 200, the backend's words kept.
    assert_eq!(get(&info, "status").as_f64(), Some(200.0));
    assert_eq!(
        get(&info, "providerMessage").as_string().as_deref(),
        Some("帳號或密碼錯誤")
    );
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
    // The old password: Arita answers 200 `success:false` "帳號或密碼錯誤".
    expect_code(
        b.arita_login(phone.into(), "first-Passw0rd".into()),
        "unauthorized",
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
