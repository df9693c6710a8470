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

    /// The client's channel to its sibling tabs (`null` where there are no tabs).
    #[wasm_bindgen(js_name = openTabs)]
    pub fn open_tabs(name: &str, key: &str, use_storage_event: bool, cb: &Function) -> JsValue;

    /// Tells other tabs, on the channel `openTabs` gave.
    #[wasm_bindgen(js_name = postTabs)]
    pub fn post_tabs(tabs: &JsValue, msg: &str);

    /// Closes the channel `openTabs` gave (idempotent).
    #[wasm_bindgen(js_name = closeTabs)]
    pub fn close_tabs(tabs: &JsValue);

    /// Holds the marker lock of `token`'s refresh for `ms` (see `Inner::locked`).
    #[wasm_bindgen(js_name = markRefreshed)]
    pub fn mark_refreshed(name: &str, token: &str, ms: f64);

    /// Resolves to whether the marker lock of `token`'s refresh is held or requested.
    #[wasm_bindgen(js_name = wasRefreshed)]
    pub fn was_refreshed(name: &str, token: &str) -> js_sys::Promise;

    /// A new, empty set of `onAuthStateChange` listeners.
    #[wasm_bindgen(js_name = newListeners)]
    pub fn new_listeners() -> JsValue;

    /// Adds a listener; returns `[entry, unsubscribe]`.
    pub fn subscribe(set: &JsValue, f: &Function) -> js_sys::Array;

    /// Calls every listener, or only `only` while subscribed.
    #[wasm_bindgen(js_name = emitTo)]
    pub fn emit_to(set: &JsValue, only: &JsValue, event: &str, session: &JsValue);

    /// Drops every listener.
    #[wasm_bindgen(js_name = clearListeners)]
    pub fn clear_listeners(set: &JsValue);

    /// Calls `cb` on `visibilitychange` (visible) and `online`; returns a stop function.
    #[wasm_bindgen(js_name = listenWake)]
    pub fn listen_wake(cb: &Function) -> Function;

    /// `await f(arg)`, rejecting with an `AuthError` of `code` when it throws.
    #[wasm_bindgen(js_name = callUser)]
    pub fn call_user(f: &Function, arg: &JsValue, code: &str) -> Promise;

    /// The URL of `fetch`'s first argument (a Request's `url`, else the argument as a
    /// string); `None` when it has none.
    #[wasm_bindgen(js_name = requestUrl)]
    pub fn request_url(input: &JsValue) -> Option<String>;

    /// What `auth.fetch` passes on: the checked absolute URL (a Request copied onto it).
    #[wasm_bindgen(js_name = fetchInput)]
    pub fn fetch_input(input: &JsValue, absolute: &str) -> JsValue;

    /// The URL relative requests resolve against in a page or worker (`document.baseURI`,
    /// `location.href`), else `None` (Node, React Native).
    #[wasm_bindgen(js_name = pageBase)]
    pub fn page_base() -> Option<String>;

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

    /// Whether the global object `global` has a DOM `document` (a browser page). The
    /// argument makes wasm-bindgen import it through a glue shim, like every import
    /// here: one the module imported straight from `runtime.js` would make the glue
    /// pass that module's namespace object, which the bundle then keeps whole.
    #[wasm_bindgen(js_name = hasDocument)]
    fn has_document_in(global: &JsValue) -> bool;
}

/// Whether this runs where there is a DOM `document` (a browser page).
pub fn has_document() -> bool {
    has_document_in(&js_sys::global())
}

/// `Date.now()`.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}
