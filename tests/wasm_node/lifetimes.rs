//! Lifetimes (issue 22): a client dropped (JavaScript's `free()`, or the garbage
//! collector through wasm-bindgen's `FinalizationRegistry`, which end in the same Rust
//! drop) leaves no strong reference to its state once its in-flight calls are done, in
//! every configuration that hands closures to JavaScript: listeners, the auto-refresh
//! timer and wake-up listeners, the cross-tab lock, calls in flight. And a disposed client
//! answers `invalid_state`, never a crash.

use js_sys::Function;
use phone_auth::wasm::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

use super::support::*;

/// Options with an async storage adapter, auto-refresh on and a callback refresh.
fn busy_options() -> JsValue {
    let o = refresh_options(3600.0, &new_token_callback());
    set(&o, "storage", &memory_adapter());
    set(&o, "autoRefresh", &true.into());
    set(&o, "allowInsecureHttp", &true.into()); // the fake backend's http://fake.test
    o
}

#[wasm_bindgen_test]
async fn a_dropped_client_leaves_no_strong_reference() {
    // Idle, with a listener and auto-refresh.
    let c = AuthClient::new(busy_options()).expect("options");
    let _off = c.on_auth_state_change(recorder());
    let probe = c.probe();
    sleep(10.0).await;
    assert_eq!(
        probe.strong_count(),
        1,
        "only the AuthClient holds its state"
    );
    drop(c);
    assert_eq!(
        probe.strong_count(),
        0,
        "dropping it frees the state at once"
    );

    // Signed in (a timer armed for the refresh), refreshed once, never disposed.
    let c = AuthClient::new(busy_options()).expect("options");
    let probe = c.probe();
    ok(c.request_code("+491705550108".into()), "requestCode").await;
    ok(c.verify(CODE.into()), "verify").await;
    ok(c.refresh(), "refresh").await;
    let _off = c.on_auth_state_change(recorder());
    sleep(10.0).await;
    assert_eq!(
        probe.strong_count(),
        1,
        "no timer or listener holds the state"
    );
    drop(c);
    assert_eq!(probe.strong_count(), 0);

    // Dropped with calls in flight: they finish, then the state goes.
    let c = AuthClient::new(busy_options()).expect("options");
    let probe = c.probe();
    let pending = c.request_code("+491705550108".into());
    let token = c.get_token();
    drop(c);
    let _ = wait(pending).await;
    let _ = wait(token).await;
    sleep(10.0).await;
    assert_eq!(
        probe.strong_count(),
        0,
        "in-flight calls released the state"
    );
}

#[wasm_bindgen_test]
async fn a_disposed_client_answers_invalid_state() {
    let c = AuthClient::new(busy_options()).expect("options");
    let off: Function = c
        .on_auth_state_change(recorder())
        .expect("a listener")
        .into();
    let probe = c.probe();
    let pending = c.request_code("+491705550108".into());
    c.dispose().expect("the first dispose");
    let e = c.dispose().expect_err("a second dispose");
    assert_eq!(code_of(&e), "invalid_state");
    expect_code(c.get_token(), "invalid_state").await;
    expect_code(c.verify(CODE.into()), "invalid_state").await;
    let e = c
        .on_auth_state_change(recorder())
        .expect_err("no listener on a disposed client");
    assert_eq!(code_of(&e), "invalid_state");
    let e = c.start_auto_refresh().expect_err("no auto-refresh either");
    assert_eq!(code_of(&e), "invalid_state");
    c.stop_auto_refresh(); // stopping what is stopped does nothing
    off.call0(&JsValue::NULL)
        .expect("unsubscribing after dispose");
    off.call0(&JsValue::NULL).expect("and twice");
    // The call in flight at dispose() still settles; then nothing holds the state, not
    // even the disposed object (which JavaScript may keep, or free later).
    let _ = wait(pending).await;
    sleep(10.0).await;
    assert_eq!(probe.strong_count(), 0, "dispose() released the state");
    drop(c);
    off.call0(&JsValue::NULL).expect("unsubscribing once freed");
}
