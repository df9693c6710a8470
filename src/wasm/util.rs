//! The free functions: `normalizePhone` and `decodeToken`.
//!
//! Both are hot paths (see issue 7's benchmarks), so neither builds its result field by
//! field across the boundary: `normalizePhone` hands `runtime.js` one delimited string
//! that becomes the object in JavaScript, and `decodeToken` hands `JSON.parse` one text.

use wasm_bindgen::prelude::*;

use super::{error, host, js};
use crate::json::{self, Map};
use crate::phone::{PhoneFormat, PhoneNumber};
use crate::token::Token;

/// Parses what a person typed into a phone number, in every form the backends use.
/// Throws an `AuthError` (`invalid_phone`) when it is not one.
#[wasm_bindgen(js_name = normalizePhone, unchecked_return_type = "PhoneInfo")]
pub fn normalize_phone(
    #[wasm_bindgen(unchecked_param_type = "string")] input: &JsValue,
    #[wasm_bindgen(js_name = defaultCountry, unchecked_param_type = "string | undefined")]
    default_country: &JsValue,
) -> Result<JsValue, JsValue> {
    let text = input
        .as_string()
        .ok_or_else(|| error::js_error("invalid_phone", "The phone number must be a string."))?;
    let region = default_country.as_string();
    let phone = PhoneNumber::parse(&text, region.as_deref())
        .map_err(|e| error::to_js(&crate::Error::from(e)))?;
    Ok(host::phone_info(&phone_fields(&phone)))
}

/// The `PhoneInfo` fields in the order `phoneInfo` in `runtime.js` reads them, joined by
/// `|` (no field contains one: they are digits, `+`, `_`, spaces and a region code);
/// an absent region or extension is empty.
pub fn phone_fields(p: &PhoneNumber) -> String {
    let mut s = p.e164();
    s.push('|');
    s.push_str(&p.country_calling_code().to_string());
    s.push('|');
    s.push_str(p.national_number());
    s.push('|');
    s.push_str(p.region().unwrap_or_default());
    s.push('|');
    s.push_str(p.extension().unwrap_or_default());
    s.push('|');
    s.push_str(&p.format(PhoneFormat::Gizo));
    s.push('|');
    s.push_str(&p.format(PhoneFormat::International));
    s
}

/// Decodes a JWT for display and timing (no signature check). Throws an `AuthError`
/// (`invalid_token`) for anything that is not a JWT.
#[wasm_bindgen(js_name = decodeToken, unchecked_return_type = "DecodedToken")]
pub fn decode_token(
    #[wasm_bindgen(unchecked_param_type = "string")] token: &JsValue,
) -> Result<JsValue, JsValue> {
    let text = token
        .as_string()
        .ok_or_else(|| error::js_error("invalid_token", "The token must be a string."))?;
    let t = Token::decode(&text).map_err(|e| error::to_js(&crate::Error::from(e)))?;
    Ok(js::parse(&token_text(&t)))
}

/// The JSON text of a decoded token (`DecodedToken`), written directly: times in unix
/// milliseconds (the token's own `exp`/`iat`/`nbf`, on the server's clock).
pub fn token_text(t: &Token) -> String {
    let h = t.header();
    let c = t.claims();
    let mut out = String::with_capacity(256);
    out.push_str("{\"header\":{\"alg\":");
    json::write_str(&h.alg, &mut out);
    out.push_str(",\"typ\":");
    opt_str(h.typ.as_deref(), &mut out);
    out.push_str(",\"kid\":");
    opt_str(h.kid.as_deref(), &mut out);
    out.push_str("},\"claims\":");
    write_map(&c.all, &mut out);
    for (name, secs) in [
        (",\"expiresAt\":", c.exp),
        (",\"issuedAt\":", c.iat),
        (",\"notBefore\":", c.nbf),
    ] {
        out.push_str(name);
        match secs {
            Some(s) => out.push_str(&s.saturating_mul(1000).to_string()),
            None => out.push_str("null"),
        }
    }
    out.push_str(",\"subject\":");
    opt_str(c.sub.as_deref(), &mut out);
    out.push('}');
    out
}

/// A string literal or `null`.
fn opt_str(s: Option<&str>, out: &mut String) {
    match s {
        Some(s) => json::write_str(s, out),
        None => out.push_str("null"),
    }
}

/// An object's JSON text (every member, in order).
pub fn write_map(m: &Map, out: &mut String) {
    out.push('{');
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json::write_str(k, out);
        out.push(':');
        v.write(out);
    }
    out.push('}');
}
