//! GIZO (`api.artificient.de`).
//!
//! Method 1 signs a user in with the phone number: `checkIdentity` sends the SMS (and
//! creates the account if it does not exist), `v3/User/verify` trades the code for the
//! profile and a token. Both carry the app's bearer token. Method 2 is server-only: a
//! company `access-token` from the client id and secret, then a `client-token` for a user
//! id with that admin token (a client secret never belongs in a browser).
//!
//! The username is the GIZO phone form `+49_1747707607`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{self, lenient};
use super::{Challenge, CodeStep, Flow, Verified};
use crate::error::Error;
use crate::http::{join_url, HttpRequest, HttpResponse, Method};
use crate::phone::{PhoneError, PhoneFormat, PhoneNumber};
use crate::secret::{OtpCode, Secret};

/// Path of the code request.
pub const CHECK_IDENTITY_PATH: &str = "/api/v1/User/checkIdentity";
/// Path of the code verification.
pub const VERIFY_PATH: &str = "/api/v3/User/verify";
/// Path of the company (admin) token request.
pub const ACCESS_TOKEN_PATH: &str = "/api/v1/company/access-token";
/// Path of the admin's user-token request.
pub const CLIENT_TOKEN_PATH: &str = "/api/v2/User/client-token";

/// GIZO configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// Origin of the API, e.g. `https://api.artificient.de` (paths are appended).
    pub base_url: String,
    /// The app's bearer token for Method 1 calls. Without it the requests carry no
    /// `Authorization` header and GIZO answers 401 (`unauthorized`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_token: Option<Secret>,
}

/// Body of `checkIdentity`: `{"username":"+49_1747707607"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIdentityInput {
    /// The phone number in GIZO form.
    pub username: String,
}

impl CheckIdentityInput {
    /// The input for a phone number.
    pub fn for_phone(phone: &PhoneNumber) -> Self {
        CheckIdentityInput {
            username: phone.format(PhoneFormat::Gizo),
        }
    }
}

/// Body of `v3/User/verify`: `{"username":"+49_1747707607","verifyCode":"12345"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyInput {
    /// The phone number in GIZO form.
    pub username: String,
    /// The code from the SMS.
    pub verify_code: Secret,
}

/// GIZO's `Gender` (0, 1 or 2; the seed does not name the values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Gender(u8);

impl Gender {
    /// The number the API uses.
    pub fn value(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Gender {
    type Error = &'static str;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        if v <= 2 {
            Ok(Gender(v))
        } else {
            Err("gender is 0, 1 or 2")
        }
    }
}

impl From<Gender> for u8 {
    fn from(g: Gender) -> u8 {
        g.0
    }
}

/// The user profile `v3/User/verify` returns. Every field is nullable in the API's
/// schema; nulls, missing fields and values of the wrong type become `None`.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The phone number in GIZO form.
    #[serde(default, deserialize_with = "lenient")]
    pub user_name: Option<String>,
    /// First name.
    #[serde(default, deserialize_with = "lenient")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, deserialize_with = "lenient")]
    pub last_name: Option<String>,
    /// E-mail address (may be empty).
    #[serde(default, deserialize_with = "lenient")]
    pub email: Option<String>,
    /// The phone number in GIZO form.
    #[serde(default, deserialize_with = "lenient")]
    pub phone_number: Option<String>,
    /// Profile image path.
    #[serde(default, deserialize_with = "lenient")]
    pub profile_image_path: Option<String>,
    /// Birth date as sent (`2025-06-11` or a date-time).
    #[serde(default, deserialize_with = "lenient")]
    pub birth_date: Option<String>,
    /// Gender 0/1/2.
    #[serde(default, deserialize_with = "lenient")]
    pub gender: Option<Gender>,
    /// Whether the profile has been filled in.
    #[serde(default, deserialize_with = "lenient")]
    pub is_initialized: Option<bool>,
}

/// What `v3/User/verify` returns: the profile and the user's token.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifyOutput {
    /// The profile.
    pub profile: Profile,
    /// The token for the app API endpoints.
    pub token: Secret,
}

/// Body of `company/access-token` (server-only: it holds the client secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessTokenInput {
    /// Client id from `auth.json`.
    pub client_id: String,
    /// Client secret from `auth.json`.
    pub client_secret: Secret,
}

/// Body of `v2/User/client-token`: `{"userId":1}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientTokenInput {
    /// The GIZO user id (int64).
    pub user_id: i64,
}

fn post(
    cfg: &Config,
    path: &str,
    bearer: Option<&Secret>,
    body: &impl Serialize,
) -> Result<HttpRequest, Error> {
    let mut req = HttpRequest::new(Method::Post, join_url(&cfg.base_url, path));
    if let Some(token) = bearer {
        req = common::bearer(req, token);
    }
    let mut req = req
        .header("Content-Type", "application/json")
        .header("Accept", "*/*");
    req.body = Some(common::to_json(body)?);
    Ok(req)
}

/// `POST /api/v1/User/checkIdentity` with the app bearer: sends the SMS.
pub fn build_check_identity(
    cfg: &Config,
    input: &CheckIdentityInput,
) -> Result<HttpRequest, Error> {
    post(cfg, CHECK_IDENTITY_PATH, cfg.app_token.as_ref(), input)
}

/// Any 2xx is success (`true`, `{}`, an empty body); a JSON `false` is a `server`
/// refusal; a non-JSON body (an HTML page) is `malformed_response`.
pub fn parse_check_identity(resp: &HttpResponse) -> Result<(), Error> {
    if !resp.is_success() {
        return Err(error(resp));
    }
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    match common::json_body(resp)? {
        Value::Bool(false) => Err(Error::Server {
            status: resp.status,
            message: Some("checkIdentity answered false".into()),
        }),
        _ => Ok(()),
    }
}

/// `POST /api/v3/User/verify` with the app bearer.
pub fn build_verify(cfg: &Config, input: &VerifyInput) -> Result<HttpRequest, Error> {
    post(cfg, VERIFY_PATH, cfg.app_token.as_ref(), input)
}

/// The profile and token; a missing or empty `token` is `malformed_response`.
pub fn parse_verify(resp: &HttpResponse) -> Result<VerifyOutput, Error> {
    let body = success_json(resp)?;
    let profile: Profile = common::typed(resp, &body)?;
    let token = common::token_from(resp, &body, body.get("token").and_then(Value::as_str))?;
    Ok(VerifyOutput { profile, token })
}

/// `POST /api/v1/company/access-token` (no `Authorization`: the seed says none is needed).
pub fn build_access_token(cfg: &Config, input: &AccessTokenInput) -> Result<HttpRequest, Error> {
    post(cfg, ACCESS_TOKEN_PATH, None, input)
}

/// The admin token.
pub fn parse_access_token(resp: &HttpResponse) -> Result<Secret, Error> {
    let body = success_json(resp)?;
    common::token_from(resp, &body, body.get("token").and_then(Value::as_str))
}

/// `POST /api/v2/User/client-token` with the admin bearer.
pub fn build_client_token(
    cfg: &Config,
    admin_token: &Secret,
    input: &ClientTokenInput,
) -> Result<HttpRequest, Error> {
    post(cfg, CLIENT_TOKEN_PATH, Some(admin_token), input)
}

/// The user token.
pub fn parse_client_token(resp: &HttpResponse) -> Result<Secret, Error> {
    parse_access_token(resp)
}

fn success_json(resp: &HttpResponse) -> Result<Value, Error> {
    if !resp.is_success() {
        return Err(error(resp));
    }
    common::json_body(resp)
}

/// Maps a GIZO failure: 400 problem details name the field in `errors`
/// (`verifyCode` → code errors, `username` → `invalid_phone`); else by status.
fn error(resp: &HttpResponse) -> Error {
    let body = common::lenient_json(resp);
    let errors = body
        .as_ref()
        .and_then(|b| b.get("errors"))
        .and_then(Value::as_object);
    if let (400, Some(errors)) = (resp.status, errors) {
        for (field, messages) in errors {
            let first = messages
                .as_array()
                .and_then(|a| a.first())
                .or(Some(messages))
                .and_then(Value::as_str);
            match field.trim_start_matches("$.").to_ascii_lowercase().as_str() {
                "verifycode" => return code_error(resp.status, first),
                "username" => return Error::InvalidPhone(PhoneError::NotANumber),
                _ => {}
            }
        }
    }
    common::status_error(resp)
}

fn code_error(status: u16, message: Option<&str>) -> Error {
    let lower = message.unwrap_or_default().to_ascii_lowercase();
    if lower.contains("expired") {
        Error::CodeExpired
    } else if lower.contains("too many") {
        Error::TooManyAttempts
    } else {
        Error::InvalidCode {
            status: Some(status),
            message: message.map(str::to_owned),
        }
    }
}

impl Flow for Config {
    fn name(&self) -> &str {
        "gizo"
    }

    fn code_request(&self, phone: &PhoneNumber) -> Result<HttpRequest, Error> {
        build_check_identity(self, &CheckIdentityInput::for_phone(phone))
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
        parse_check_identity(resp)?;
        // GIZO creates unknown accounts implicitly and says nothing about them.
        Ok(CodeStep::Sent(Challenge::default()))
    }

    fn verify_request(
        &self,
        phone: &PhoneNumber,
        _challenge: &Challenge,
        code: &OtpCode,
    ) -> Result<HttpRequest, Error> {
        let input = VerifyInput {
            username: phone.format(PhoneFormat::Gizo),
            verify_code: Secret::new(code.expose()),
        };
        build_verify(self, &input)
    }

    fn on_verify_response(&self, resp: &HttpResponse) -> Result<Verified, Error> {
        let out = parse_verify(resp)?;
        Ok(Verified {
            token: out.token,
            user: serde_json::to_value(&out.profile).ok(),
        })
    }
}

#[cfg(test)]
mod tests;
