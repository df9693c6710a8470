//! The wasm layer in headless Chromium (wasm-bindgen-test + chromedriver), against the
//! real emulator (CORS opened for the test page). Run by `cargo xtask test`.
#![cfg(target_arch = "wasm32")]

#[path = "wasm_support.rs"]
mod support;

use js_sys::Array;
use phone_auth::wasm::AuthClient;
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn local(key: &str) -> JsValue {
    let o = emulator_options("sso", &"local".into());
    set(&o, "storageKey", &key.into());
    o
}

fn local_storage_get(key: &str) -> Option<String> {
    let storage = get(&js_sys::global().into(), "localStorage");
    let get_item: js_sys::Function = get(&storage, "getItem").into();
    get_item
        .call1(&storage, &key.into())
        .ok()
        .and_then(|v| v.as_string())
}

#[wasm_bindgen_test]
async fn signs_in_and_persists_in_local_storage() {
    let key = "phone-auth.test.persist";
    let (_auth, session) = sign_in(local(key), "+491705550110").await;
    let stored = local_storage_get(key).expect("stored in localStorage");
    assert!(stored.contains("+491705550110"));
    // What a reload does: a new client on the same origin and key restores the session.
    let reloaded = AuthClient::new(local(key)).expect("options");
    let restored = wait(reloaded.get_session()).await.expect("session");
    assert_eq!(get_str(&restored, "token"), get_str(&session, "token"));
    assert_eq!(
        wait(reloaded.get_token()).await.expect("token").as_string(),
        Some(get_str(&session, "token"))
    );
}

#[wasm_bindgen_test]
async fn sign_out_in_one_client_signs_out_the_other() {
    let key = "phone-auth.test.tabs";
    let (a, _) = sign_in(local(key), "+491705550111").await;
    let b = AuthClient::new(local(key)).expect("options");
    let listener = recorder();
    let _off = b.on_auth_state_change(listener.clone());
    assert!(
        !wait(b.get_session()).await.expect("session").is_null(),
        "b shares a's session"
    );
    wait(a.sign_out()).await.expect("signOut");
    assert!(local_storage_get(key).is_none(), "storage cleared");
    for _ in 0..50 {
        if wait(b.get_session()).await.expect("session").is_null() {
            break;
        }
        sleep(50.0).await;
    }
    assert!(
        wait(b.get_session()).await.expect("session").is_null(),
        "b signed out"
    );
    sleep(20.0).await;
    let events: Vec<String> = Array::from(&get(&listener, "events"))
        .iter()
        .filter_map(|e| e.as_string())
        .collect();
    assert_eq!(events, ["INITIAL_SESSION", "SIGNED_OUT"]);
}

#[wasm_bindgen_test]
async fn sign_in_in_one_client_reaches_the_other() {
    let key = "phone-auth.test.tabs-in";
    let b = AuthClient::new(local(key)).expect("options");
    let listener = recorder();
    let _off = b.on_auth_state_change(listener.clone());
    assert!(wait(b.get_session()).await.expect("session").is_null());
    let (_a, session) = sign_in(local(key), "+491705550112").await;
    for _ in 0..50 {
        if !wait(b.get_session()).await.expect("session").is_null() {
            break;
        }
        sleep(50.0).await;
    }
    let got = wait(b.get_session()).await.expect("session");
    assert_eq!(get_str(&got, "token"), get_str(&session, "token"));
    sleep(20.0).await;
    let events = Array::from(&get(&listener, "events"));
    assert!(events
        .iter()
        .any(|e| e.as_string().as_deref() == Some("SIGNED_IN")));
}

#[wasm_bindgen_test]
async fn a_client_secret_is_refused_in_a_browser_unless_allowed() {
    let auth = AuthClient::new(emulator_options("gizo", &"memory".into())).expect("options");
    let info = expect_code(
        auth.gizo_access_token("demo-client".into(), "demo-secret".into()),
        "invalid_config",
    )
    .await;
    assert!(get_str(&info, "message").contains("browser"));
    let o = emulator_options("gizo", &"memory".into());
    set(&o, "allowClientSecretInBrowser", &JsValue::TRUE);
    let admin = AuthClient::new(o).expect("options");
    let token = wait(admin.gizo_access_token("demo-client".into(), "demo-secret".into()))
        .await
        .expect("allowed for a trusted admin tool");
    assert!(!token.as_string().unwrap_or_default().is_empty());
}
