//! JSON values across the boundary through the host's `JSON` (smaller than a serde
//! bridge: the core already speaks `serde_json`).

use js_sys::JSON;
use wasm_bindgen::JsValue;

use super::error;

/// A `serde_json::Value` as a plain JS value.
pub fn to_js(v: &serde_json::Value) -> JsValue {
    // serde_json always emits valid JSON, so the parse cannot fail; `null` if it did.
    JSON::parse(&v.to_string()).unwrap_or(JsValue::NULL)
}

/// A JS value as JSON (functions and `undefined` members are dropped, as `JSON.stringify` does).
pub fn from_js(v: &JsValue, what: &str) -> Result<serde_json::Value, JsValue> {
    if v.is_undefined() {
        return Ok(serde_json::Value::Null);
    }
    let text = JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| error::js_error("invalid_input", &not_json(what)))?;
    serde_json::from_str(&text).map_err(|_| error::js_error("invalid_input", &not_json(what)))
}

fn not_json(what: &str) -> String {
    let mut s = String::from(what);
    s.push_str(" must be a plain JSON object.");
    s
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
