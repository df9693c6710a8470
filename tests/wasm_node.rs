//! The wasm layer in Node (wasm-bindgen-test), against the real emulator where a
//! backend is needed. Run by `cargo xtask test` (it starts the emulator).
#![cfg(target_arch = "wasm32")]

#[path = "wasm_support.rs"]
mod support;

#[path = "wasm_node/extras.rs"]
mod extras;

#[path = "wasm_node/lifetimes.rs"]
mod lifetimes;

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
    assert_eq!(get_str(&p, "international"), "+49 30 1234567");
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
    // The header as the token carries it: no `typ` or `kid` invented.
    assert_eq!(
        js_sys::JSON::stringify(&header).ok(),
        Some(r#"{"alg":"RS256"}"#.into())
    );
    let full_header =
        obj(r#"{"alg":"ES256","cty":"JWT","crit":["b64"],"b64":false,"x":{"y":[1]}}"#);
    let t2 = decode_token(&jwt_of(&full_header, &claims).into()).expect("a JWT");
    assert_eq!(
        js_sys::JSON::stringify(&get(&t2, "header")).ok(),
        js_sys::JSON::stringify(&full_header).ok(),
        "the header is the token's, member for member"
    );
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
fn decode_token_reads_tokens_of_any_length_in_any_order() {
    // The token's UTF-8 bytes cross through a reused buffer up to 64 KiB, a fresh one
    // above: a long token, then a short one, then one past the buffer's limit, then a
    // short one again must each decode to their own claims.
    let name = |n: usize| "Zoë ✓ ".repeat(n);
    for (i, n) in [400, 1, 30_000, 2].into_iter().enumerate() {
        let claims = obj(&format!(r#"{{"sub":"s{i}","name":"{}"}}"#, name(n)));
        let jwt = jwt_of(&obj(r#"{"alg":"HS256"}"#), &claims);
        let t = decode_token(&jwt.into()).expect("a JWT");
        let got = get(&t, "claims");
        assert_eq!(get_str(&got, "sub"), format!("s{i}"));
        assert_eq!(get_str(&got, "name"), name(n));
    }
    // A string that is not valid UTF-16 (a lone surrogate) is an error, not a panic.
    let lone = js_sys::JSON::parse(r#""\ud800.eyJ9.c2ln""#).expect("a JS string");
    let e = decode_token(&lone).expect_err("not a JWT");
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
            r#"{"provider":"sso","baseUrl":"https://fake.test","storage":"memory","autoRefresh":false}"#,
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
