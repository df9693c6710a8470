//! The free functions: `normalizePhone` and `decodeToken`.
//!
//! Both are hot paths (see issue 7's benchmarks), so neither builds its result field by
//! field across the boundary: `normalizePhone` hands `runtime.js` one delimited string
//! that becomes the object in JavaScript, and `decodeToken` hands it the header and
//! claims JSON texts for `JSON.parse`.

use wasm_bindgen::prelude::*;

use super::{error, host};
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
fn phone_fields(p: &PhoneNumber) -> String {
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
    // `Token::decode` checked both parts (base64url, UTF-8 JSON objects, claim types):
    // hand their text to `JSON.parse` rather than rebuilding it member by member.
    let mut parts = t.secret().expose().split('.');
    let (Some(header), Some(claims)) = (
        parts.next().and_then(base64url),
        parts.next().and_then(base64url),
    ) else {
        return Err(error::js_error("invalid_token", "The token is not a JWT."));
    };
    let c = t.claims();
    // Seconds to ms: exact as an f64 up to 2^53 ms (the year 287396).
    let ms = |s: Option<u64>| s.map(|s| s.saturating_mul(1000) as f64);
    Ok(host::decoded_token(
        &header,
        &claims,
        ms(c.exp),
        ms(c.iat),
        ms(c.nbf),
    ))
}

/// The text of a base64url part (padded or not) that [`Token::decode`] already accepted;
/// `None` for anything it would have refused.
fn base64url(part: &str) -> Option<String> {
    let mut out = Vec::with_capacity(part.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in part.bytes() {
        let sextet = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = ((acc << 6) | u32::from(sextet)) & 0xFFFF;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    String::from_utf8(out).ok()
}
