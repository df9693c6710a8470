//! Monetha (`/mth/v1/users/…`).
//!
//! `users/verify` sends the SMS and says whether the number is registered; the same
//! payload then goes to `users/signin` (registered) or `users/signup` (not yet). The
//! token comes back as `"Bearer <jwt>"`; the prefix is stripped.

use super::common::{self, opt_bool, opt_i64, opt_str};
use super::{Challenge, CodeStep, Flow, Verified};
use crate::error::Error;
use crate::http::{join_url, HttpRequest, HttpResponse, Method};
use crate::json::{Map, Value};
use crate::phone::{PhoneError, PhoneNumber};
use crate::secret::{OtpCode, Secret};
use crate::text::{cat, decimal};

/// Monetha configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Origin of the API (`/mth/v1/users/…` is appended).
    pub base_url: String,
    /// A unique id of this device (any generated GUID), sent as `device_id`.
    pub device_id: String,
}

impl Config {
    /// Reads `{"baseUrl": "…", "deviceId": "…"}` (both required; the `provider` tag and
    /// unknown members are ignored). The error names the wrong member.
    pub fn from_json(v: &Value) -> Result<Config, String> {
        Ok(Config {
            base_url: common::config_required_str(v, "baseUrl")?,
            device_id: common::config_required_str(v, "deviceId")?,
        })
    }
}

/// Body of `users/verify`.
#[derive(Clone, Debug, PartialEq, Eq)]
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
            country_code: decimal(u64::from(phone.country_calling_code())),
            phone_number: phone.national_number().to_owned(),
            device_id: cfg.device_id.clone(),
        })
    }

    /// The request body.
    pub fn to_json(&self) -> Value {
        Value::object([
            ("country_code_iso", self.country_code_iso.as_str().into()),
            ("country_code", self.country_code.as_str().into()),
            ("phone_number", self.phone_number.as_str().into()),
            ("device_id", self.device_id.as_str().into()),
        ])
    }
}

/// What `users/verify` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOutput {
    /// `true`: call `signin`; `false`: call `signup`.
    pub is_registered: bool,
    /// The handle to echo at sign-in or sign-up.
    pub verification_token: Secret,
}

impl VerifyOutput {
    /// Reads `{"is_registered": bool, "verification_token": string}` (both required).
    pub fn from_json(v: &Value) -> Option<VerifyOutput> {
        Some(VerifyOutput {
            is_registered: v.get("is_registered")?.as_bool()?,
            verification_token: Secret::new(v.get("verification_token")?.as_str()?),
        })
    }
}

/// Body of `users/signup` and `users/signin`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInput {
    /// The token from `users/verify`.
    pub verification_token: Secret,
    /// The code from the SMS.
    pub verification_code: Secret,
}

impl SignInput {
    /// The request body.
    pub fn to_json(&self) -> Value {
        Value::object([
            (
                "verification_token",
                self.verification_token.expose().into(),
            ),
            ("verification_code", self.verification_code.expose().into()),
        ])
    }
}

/// A Monetha user (the seed omits the fields; these are the ones the emulator sends,
/// anything else is kept in `extra`). The known fields are lenient: null, missing or of
/// the wrong type is `None`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct User {
    /// User id.
    pub id: Option<i64>,
    /// National number.
    pub phone_number: Option<String>,
    /// Calling code.
    pub country_code: Option<String>,
    /// ISO region.
    pub country_code_iso: Option<String>,
    /// Whether registered.
    pub is_registered: Option<bool>,
    /// Every other member, as sent.
    pub extra: Map,
}

/// The members [`User`] has fields for.
const USER_FIELDS: [&str; 5] = [
    "id",
    "phone_number",
    "country_code",
    "country_code_iso",
    "is_registered",
];

impl User {
    /// Reads a user object (`None` when `v` is not an object).
    pub fn from_json(v: &Value) -> Option<User> {
        let extra = common::other_members(v, &USER_FIELDS)?;
        Some(User {
            id: opt_i64(v, "id"),
            phone_number: opt_str(v, "phone_number"),
            country_code: opt_str(v, "country_code"),
            country_code_iso: opt_str(v, "country_code_iso"),
            is_registered: opt_bool(v, "is_registered"),
            extra,
        })
    }
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
    post(cfg, "verify", &input.to_json())
}

/// Registration flag and verification token.
pub fn parse_verify(resp: &HttpResponse) -> Result<VerifyOutput, Error> {
    let body = success_json(resp)?;
    let out = common::typed(resp, &body, VerifyOutput::from_json)?;
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
    post(cfg, "signup", &input.to_json())
}

/// Token and user.
pub fn parse_signup(resp: &HttpResponse) -> Result<SignOutput, Error> {
    let body = success_json(resp)?;
    Ok(SignOutput {
        auth_token: auth_token(resp, &body)?,
        user: body.get("user").and_then(User::from_json),
    })
}

fn auth_token(resp: &HttpResponse, body: &Value) -> Result<Secret, Error> {
    common::token_from(resp, body, body.get("auth_token").and_then(Value::as_str))
}

/// `POST /mth/v1/users/signin` (number registered).
pub fn build_signin(cfg: &Config, input: &SignInput) -> Result<HttpRequest, Error> {
    post(cfg, "signin", &input.to_json())
}

/// Token and user.
pub fn parse_signin(resp: &HttpResponse) -> Result<SignOutput, Error> {
    parse_signup(resp)
}

fn post(cfg: &Config, endpoint: &str, body: &Value) -> Result<HttpRequest, Error> {
    let url = join_url(&cfg.base_url, &cat!("/mth/v1/users/", endpoint));
    Ok(common::json_request(
        Method::Post,
        url,
        "application/json",
        body,
    ))
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
    fn base_url(&self) -> &str {
        &self.base_url
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

    /// The user is the response's `user` object as sent, minus any secret member.
    fn on_verify_response(&self, resp: &HttpResponse) -> Result<Verified, Error> {
        let body = success_json(resp)?;
        let token = auth_token(resp, &body)?;
        Ok(Verified {
            token,
            user: body.get("user").and_then(common::user_object),
        })
    }
}

#[cfg(test)]
mod tests;
