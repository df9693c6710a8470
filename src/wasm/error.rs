//! `AuthError`: every failure crosses into JavaScript as one.

use wasm_bindgen::JsValue;

use super::host;
use crate::Error;

/// The `AuthError` for a core error (a real JS class: `instanceof AuthError` works).
pub fn to_js(e: &Error) -> JsValue {
    host::auth_error(
        e.code(),
        &e.message(),
        e.status(),
        // Seconds fit an f64 exactly far beyond any Retry-After a server sends.
        e.retry_after().map(|s| s as f64),
        e.provider_message().map(str::to_owned),
    )
}

/// An `AuthError` with a code and message of this layer.
pub fn js_error(code: &str, message: &str) -> JsValue {
    host::auth_error(code, message, None, None, None)
}

/// `invalid_config` with a message.
pub fn config(message: &str) -> JsValue {
    js_error("invalid_config", message)
}
