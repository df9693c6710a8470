//! The free functions: `normalizePhone` and `decodeToken`.
//!
//! Both are hot paths (see issue 7's benchmarks), so neither builds its result field by
//! field across the boundary: `normalizePhone` hands `runtime.js` one delimited string
//! that becomes the object in JavaScript, and `decodeToken` hands it the header and
//! claims JSON texts for `JSON.parse`.

use wasm_bindgen::prelude::*;

use super::{error, host};
use crate::phone::PhoneNumber;
use crate::text::{cat, decimal};
use crate::token::Token;

/// Parses what a person typed into a phone number, in every form the backends use.
/// Throws an `AuthError` (`invalid_phone`) when it is not one.
#[wasm_bindgen(js_name = normalizePhone, unchecked_return_type = "PhoneInfo")]
pub fn normalize_phone(
    #[wasm_bindgen(unchecked_param_type = "string")] input: &JsValue,
    #[wasm_bindgen(js_name = defaultCountry, unchecked_optional_param_type = "string")]
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

/// The `PhoneInfo` fields `phoneInfo` in `runtime.js` builds the object from:
/// `calling code|national number|region|extension|grouped national number`, an absent
/// region or extension empty (no field contains a `|`: they are digits, spaces and a
/// region code). The last is the national number as the international format groups
/// it (`174 7707607`); JavaScript derives `e164`, `gizo` and `international` from the
/// calling code and the numbers (what `PhoneNumber::format` does), so the string to
/// cross the boundary stays short.
fn phone_fields(p: &PhoneNumber) -> String {
    let mut s = cat!(
        decimal(u64::from(p.country_calling_code())),
        "|",
        p.national_number(),
        "|",
        p.region().unwrap_or_default(),
        "|",
        p.extension().unwrap_or_default(),
        "|"
    );
    p.push_grouped_national(&mut s);
    s
}

/// Decodes a JWT for display and timing (no signature check). Throws an `AuthError`
/// (`invalid_token`) for anything that is not a JWT. The package's entries call it for
/// every token that `decodeFast` (runtime.js) does not take: that one decides in
/// JavaScript only where it provably agrees with this function.
#[wasm_bindgen(js_name = decodeToken, unchecked_return_type = "DecodedToken")]
pub fn decode_token(
    #[wasm_bindgen(unchecked_param_type = "string")] token: &JsValue,
) -> Result<JsValue, JsValue> {
    let text = host::utf8(token)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| error::js_error("invalid_token", "The token must be a string."))?;
    let t = Token::decode(&text).map_err(|e| error::to_js(&crate::Error::from(e)))?;
    // One text for one `JSON.parse`: `[header,claims]`.
    let [header, claims] = t.texts();
    let mut parts = String::with_capacity(header.len() + claims.len() + 3);
    parts.push('[');
    parts.push_str(&header);
    parts.push(',');
    parts.push_str(&claims);
    parts.push(']');
    let c = &t.claims;
    // Seconds to ms: exact as an f64 up to 2^53 ms (the year 287396).
    let ms = |s: Option<u64>| s.map(|s| s.saturating_mul(1000) as f64);
    Ok(host::decoded_token(&parts, ms(c.exp), ms(c.iat), ms(c.nbf)))
}
