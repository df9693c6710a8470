//! The free functions: `normalizePhone` and `decodeToken`.

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::{error, json};
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
    Ok(json::to_js(&phone_json(&phone)))
}

/// The JS shape of a phone number (`PhoneInfo`).
pub fn phone_json(p: &PhoneNumber) -> Value {
    json!({
        "e164": p.e164(),
        "countryCallingCode": p.country_calling_code().to_string(),
        "nationalNumber": p.national_number(),
        "region": p.region(),
        "extension": p.extension(),
        "gizo": p.format(PhoneFormat::Gizo),
        "international": p.format(PhoneFormat::International),
    })
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
    Ok(json::to_js(&token_json(&t)))
}

/// The JS shape of a decoded token (`DecodedToken`); times in unix milliseconds
/// (the token's own `exp`/`iat`/`nbf`, on the server's clock).
pub fn token_json(t: &Token) -> Value {
    let c = t.claims();
    let h = t.header();
    let ms = |s: Option<u64>| s.map(|s| s.saturating_mul(1000));
    json!({
        "header": { "alg": h.alg, "typ": h.typ, "kid": h.kid },
        "claims": c.all,
        "expiresAt": ms(c.exp),
        "issuedAt": ms(c.iat),
        "notBefore": ms(c.nbf),
        "subject": c.sub,
    })
}
