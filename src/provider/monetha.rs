//! Monetha (`/mth/v1/users/…`).
//!
//! `users/verify` sends the SMS and says whether the number is registered; the same
//! payload then goes to `users/signin` (registered) or `users/signup` (not yet). The
//! token comes back as `"Bearer <jwt>"`; the prefix is stripped.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::common::{self, lenient};
use super::{Challenge, CodeStep, Flow, Verified};
use crate::error::Error;
use crate::http::{join_url, HttpRequest, HttpResponse, Method};
use crate::phone::{PhoneError, PhoneNumber};
use crate::secret::{OtpCode, Secret};

/// Monetha configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// Origin of the API (`/mth/v1/users/…` is appended).
    pub base_url: String,
    /// A unique id of this device (any generated GUID), sent as `device_id`.
    pub device_id: String,
}

/// Body of `users/verify`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyInput {
    /// ISO region of the number, e.g. `LT`.
    pub country_code_iso: String,
    /// Calling code without `+`, e.g. `370`.
    pub country_code: String,
    /// National number, e.g. `68086090`.
    pub phone_number: String,
    /// The device id.
    pub device_id: String,
}

impl VerifyInput {
    /// The input for a phone number; a number without a region (`+800 …`) is `invalid_phone`.
    pub fn for_phone(cfg: &Config, phone: &PhoneNumber) -> Result<Self, Error> {
        let region = phone
            .region()
            .ok_or(Error::InvalidPhone(PhoneError::InvalidCountry))?;
        Ok(VerifyInput {
            country_code_iso: region.to_owned(),
            country_code: phone.country_calling_code().to_string(),
            phone_number: phone.national_number().to_owned(),
            device_id: cfg.device_id.clone(),
        })
    }
}

/// What `users/verify` returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyOutput {
    /// `true`: call `signin`; `false`: call `signup`.
    pub is_registered: bool,
    /// The handle to echo at sign-in or sign-up.
    pub verification_token: Secret,
}

/// Body of `users/signup` and `users/signin`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInput {
    /// The token from `users/verify`.
    pub verification_token: Secret,
    /// The code from the SMS.
    pub verification_code: Secret,
}

/// A Monetha user (the seed omits the fields; these are the ones the emulator sends,
/// anything else is kept in `extra`).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct User {
    /// User id.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    /// National number.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_number: Option<String>,
    /// Calling code.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub country_code: Option<String>,
    /// ISO region.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub country_code_iso: Option<String>,
    /// Whether registered.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_registered: Option<bool>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What `users/signup` and `users/signin` return.
#[derive(Clone, Debug, PartialEq)]
pub struct SignOutput {
    /// The JWT without its `Bearer ` prefix.
    pub auth_token: Secret,
    /// The user, if the response has one.
    pub user: Option<User>,
}

/// `POST /mth/v1/users/verify`: sends the SMS.
pub fn build_verify(cfg: &Config, input: &VerifyInput) -> Result<HttpRequest, Error> {
    post(cfg, "verify", input)
}

/// Registration flag and verification token.
pub fn parse_verify(resp: &HttpResponse) -> Result<VerifyOutput, Error> {
    let body = success_json(resp)?;
    let out: VerifyOutput = common::typed(resp, &body)?;
    if out.verification_token.is_empty() {
        return Err(common::malformed_json(
            resp,
            &body,
            "empty verification_token",
        ));
    }
    Ok(out)
}

/// `POST /mth/v1/users/signup` (number not registered yet).
pub fn build_signup(cfg: &Config, input: &SignInput) -> Result<HttpRequest, Error> {
    post(cfg, "signup", input)
}

/// Token and user.
pub fn parse_signup(resp: &HttpResponse) -> Result<SignOutput, Error> {
    let body = success_json(resp)?;
    let auth_token =
        common::token_from(resp, &body, body.get("auth_token").and_then(Value::as_str))?;
    let user = body.get("user").and_then(|u| User::deserialize(u).ok());
    Ok(SignOutput { auth_token, user })
}

/// `POST /mth/v1/users/signin` (number registered).
pub fn build_signin(cfg: &Config, input: &SignInput) -> Result<HttpRequest, Error> {
    post(cfg, "signin", input)
}

/// Token and user.
pub fn parse_signin(resp: &HttpResponse) -> Result<SignOutput, Error> {
    parse_signup(resp)
}

fn post(cfg: &Config, endpoint: &str, body: &impl Serialize) -> Result<HttpRequest, Error> {
    let url = join_url(&cfg.base_url, &format!("/mth/v1/users/{endpoint}"));
    common::json_request(Method::Post, url, "application/json", body)
}

fn success_json(resp: &HttpResponse) -> Result<Value, Error> {
    if !resp.is_success() {
        return Err(error(resp));
    }
    common::json_body(resp)
}

/// Maps `{"error": "<kind>", "message": …}` bodies; anything else by status.
fn error(resp: &HttpResponse) -> Error {
    let body = common::lenient_json(resp);
    let message = common::message(body.as_ref());
    let retry = common::retry_after(resp, body.as_ref());
    let kind = body
        .as_ref()
        .and_then(|b| b.get("error"))
        .and_then(Value::as_str);
    match kind {
        Some("invalid_code") => Error::InvalidCode {
            status: Some(resp.status),
            message,
        },
        Some("code_expired") => Error::CodeExpired,
        Some("too_many_attempts") => Error::TooManyAttempts,
        Some("invalid_phone_number") => Error::InvalidPhone(PhoneError::NotANumber),
        Some("rate_limited") => Error::RateLimited {
            retry_after: retry,
            status: Some(resp.status),
            message,
        },
        _ => Error::from_status(resp.status, message, retry),
    }
}

impl Flow for Config {
    fn name(&self) -> &str {
        "monetha"
    }

    fn code_request(&self, phone: &PhoneNumber) -> Result<HttpRequest, Error> {
        build_verify(self, &VerifyInput::for_phone(self, phone)?)
    }

    fn on_code_response(
        &self,
        _phone: &PhoneNumber,
        step: u8,
        resp: &HttpResponse,
    ) -> Result<CodeStep, Error> {
        if step != 0 {
            return Err(common::unexpected_step(step));
        }
        let out = parse_verify(resp)?;
        Ok(CodeStep::Sent(Challenge {
            handle: Some(out.verification_token),
            is_registered: Some(out.is_registered),
            code_ttl: None,
        }))
    }

    fn verify_request(
        &self,
        _phone: &PhoneNumber,
        challenge: &Challenge,
        code: &OtpCode,
    ) -> Result<HttpRequest, Error> {
        let (Some(verification_token), Some(registered)) =
            (challenge.handle.clone(), challenge.is_registered)
        else {
            return Err(Error::InvalidState {
                message: "no code has been requested".into(),
            });
        };
        let input = SignInput {
            verification_token,
            verification_code: Secret::new(code.expose()),
        };
        if registered {
            build_signin(self, &input)
        } else {
            build_signup(self, &input)
        }
    }

    fn on_verify_response(&self, resp: &HttpResponse) -> Result<Verified, Error> {
        let out = parse_signin(resp)?;
        Ok(Verified {
            token: out.auth_token,
            user: out.user.and_then(|u| serde_json::to_value(u).ok()),
        })
    }
}

#[cfg(test)]
mod tests;
