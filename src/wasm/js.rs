//! Values across the boundary as JSON text through the host's `JSON` (far smaller than a
//! serde bridge): Rust → JS builds a [`Value`] and `JSON.parse`s its text; JS → Rust
//! `JSON.stringify`s and [`json::parse_str`]s. Plus `Reflect` readers for what JSON
//! cannot carry (functions, adapters).

use js_sys::JSON;
use wasm_bindgen::JsValue;

use super::error;
use crate::json::{self, Value};

/// A [`Value`] as a plain JS value.
pub fn to_js(v: &Value) -> JsValue {
    parse(&v.to_json())
}

/// `JSON.parse(text)`; `null` if the text is not JSON (never the case for our writer).
pub fn parse(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or(JsValue::NULL)
}

/// A JS value as JSON (functions and `undefined` members are dropped, as `JSON.stringify`
/// does); `undefined` is `null`.
pub fn from_js(v: &JsValue, what: &str) -> Result<Value, JsValue> {
    if v.is_undefined() {
        return Ok(Value::Null);
    }
    JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|text| json::parse_str(&text).ok())
        .ok_or_else(|| {
            let mut s = String::from(what);
            s.push_str(" must be a plain JSON object.");
            error::js_error("invalid_input", &s)
        })
}

/// Reads `obj[key]` (undefined when `obj` is not an object).
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `obj[key]` as a string, if it is one.
pub fn get_string(obj: &JsValue, key: &str) -> Option<String> {
    get(obj, key).as_string()
}

/// `obj[key]` as a finite non-negative number, if it is one.
pub fn get_number(obj: &JsValue, key: &str) -> Option<f64> {
    get(obj, key)
        .as_f64()
        .filter(|n| n.is_finite() && *n >= 0.0)
}
