//! Bindings to `runtime.js`, the JavaScript half of this layer.
//!
//! Every host facility (fetch, timers, storage, Web Locks, BroadcastChannel, wake-up
//! events) goes through here, and `runtime.js` looks every global up lazily.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wasm/runtime.js")]
extern "C" {
    /// `new AuthError(code, message, status, retryAfter, providerMessage)`.
    #[wasm_bindgen(js_name = authError)]
    pub fn auth_error(
        code: &str,
        message: &str,
        status: Option<u16>,
        retry_after: Option<f64>,
        provider_message: Option<String>,
    ) -> JsValue;

    /// Turns anything thrown into an `AuthError` with `code` unless it is one.
    #[wasm_bindgen(js_name = toAuthError)]
    pub fn to_auth_error(e: &JsValue, code: &str) -> JsValue;

    /// `Date.now()`.
    #[wasm_bindgen(js_name = nowMs)]
    pub fn now_ms() -> f64;

    /// A Promise resolved after `ms`.
    pub fn sleep(ms: f64) -> Promise;

    /// `setTimeout(f, ms)`; returns the timer id.
    #[wasm_bindgen(js_name = setTimer)]
    pub fn set_timer(ms: f64, f: &Function) -> JsValue;

    /// `clearTimeout(id)`.
    #[wasm_bindgen(js_name = clearTimer)]
    pub fn clear_timer(id: &JsValue);

    /// One HTTP exchange; resolves to `[status, flatHeaders, Uint8Array]`.
    #[wasm_bindgen(js_name = httpSend)]
    pub fn http_send(
        fetch: &JsValue,
        method: &str,
        url: &str,
        headers: Vec<String>,
        body: Option<String>,
        timeout_ms: f64,
    ) -> Promise;

    /// Resolves the `storage` option to `[store, kind]`; throws `AuthError` when unusable.
    #[wasm_bindgen(js_name = resolveStorage, catch)]
    pub fn resolve_storage(opt: &JsValue) -> Result<js_sys::Array, JsValue>;

    /// `await store.getItem(key)` as a string or null.
    #[wasm_bindgen(js_name = storeGet)]
    pub fn store_get(store: &JsValue, key: &str) -> Promise;

    /// `await store.setItem(key, value)`.
    #[wasm_bindgen(js_name = storeSet)]
    pub fn store_set(store: &JsValue, key: &str, value: &str) -> Promise;

    /// `await store.removeItem(key)`.
    #[wasm_bindgen(js_name = storeRemove)]
    pub fn store_remove(store: &JsValue, key: &str) -> Promise;

    /// Runs `f()` under the Web Lock `name` (finite wait); resolves to `[tookLock, value]`.
    #[wasm_bindgen(js_name = withLock)]
    pub fn with_lock(name: &str, timeout_ms: f64, f: &Function) -> Promise;

    /// Listens for other tabs; returns a stop function.
    #[wasm_bindgen(js_name = listenTabs)]
    pub fn listen_tabs(name: &str, key: &str, use_storage_event: bool, cb: &Function) -> Function;

    /// Tells other tabs.
    #[wasm_bindgen(js_name = postTabs)]
    pub fn post_tabs(name: &str, msg: &str);

    /// Calls `cb` on `visibilitychange` (visible) and `online`; returns a stop function.
    #[wasm_bindgen(js_name = listenWake)]
    pub fn listen_wake(cb: &Function) -> Function;

    /// `await f(arg)`, rejecting with an `AuthError` of `code` when it throws.
    #[wasm_bindgen(js_name = callUser)]
    pub fn call_user(f: &Function, arg: &JsValue, code: &str) -> Promise;

    /// Calls a listener; reports what it throws to the console.
    #[wasm_bindgen(js_name = callListener)]
    pub fn call_listener(f: &Function, event: &str, session: &JsValue);

    /// `fetch(url, init)` with `Authorization: Bearer <token>` added to `init.headers`.
    #[wasm_bindgen(js_name = authedFetch)]
    pub fn authed_fetch(fetch: &JsValue, url: &JsValue, init: &JsValue, token: &str) -> Promise;

    /// The `PhoneInfo` object from `normalizePhone`'s `|`-joined fields (see `util.rs`).
    #[wasm_bindgen(js_name = phoneInfo)]
    pub fn phone_info(fields: &str) -> JsValue;

    /// The `DecodedToken` object from `[header,claims]` JSON text and the times (ms).
    #[wasm_bindgen(js_name = decodedToken)]
    pub fn decoded_token(
        parts: &str,
        expires_at: Option<f64>,
        issued_at: Option<f64>,
        not_before: Option<f64>,
    ) -> JsValue;

    /// A string's UTF-8 bytes (`TextEncoder.encodeInto`), or `undefined` for anything
    /// else: for long strings (tokens) several times faster than wasm-bindgen's own
    /// string passing, which copies character by character while they are ASCII.
    pub fn utf8(v: &JsValue) -> Option<Vec<u8>>;

    /// `typeof v === 'function'`.
    #[wasm_bindgen(js_name = isFunction)]
    pub fn is_function(v: &JsValue) -> bool;

    /// Whether there is a DOM `document` (a browser page).
    #[wasm_bindgen(js_name = hasDocument)]
    pub fn has_document() -> bool;
}
