//! GIZO (`api.artificient.de`).
//!
//! Method 1 signs a user in with the phone number: `checkIdentity` sends the SMS (and
//! creates the account if it does not exist), `v3/User/verify` trades the code for the
//! profile and a token. Both carry the app's bearer token. Method 2 is server-only: a
//! company `access-token` from the client id and secret, then a `client-token` for a user
//! id with that admin token (a client secret never belongs in a browser).
//!
//! The username is the GIZO phone form `+49_1747707607`.

use super::common::{self, opt_bool, opt_str};
use super::{Challenge, CodeStep, Flow, Verified};
use crate::error::Error;
use crate::http::{join_url, HttpRequest, HttpResponse, Method};
use crate::json::Value;
use crate::phone::{PhoneError, PhoneFormat, PhoneNumber};
use crate::secret::{OtpCode, Secret};
use crate::text;

/// Path of the code request.
pub const CHECK_IDENTITY_PATH: &str = "/api/v1/User/checkIdentity";
/// Path of the code verification.
pub const VERIFY_PATH: &str = "/api/v3/User/verify";
/// Path of the company (admin) token request.
pub const ACCESS_TOKEN_PATH: &str = "/api/v1/company/access-token";
/// Path of the admin's user-token request.
pub const CLIENT_TOKEN_PATH: &str = "/api/v2/User/client-token";

/// GIZO configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Origin of the API, e.g. `https://api.artificient.de` (paths are appended).
    pub base_url: String,
    /// The app's bearer token for Method 1 calls. Without it the requests carry no
    /// `Authorization` header and GIZO answers 401 (`unauthorized`).
    pub app_token: Option<Secret>,
}

impl Config {
    /// Reads `{"baseUrl": "…", "appToken": "…"}` (`appToken` may be absent or null; the
    /// `provider` tag and unknown members are ignored). The error names the wrong member.
    pub fn from_json(v: &Value) -> Result<Config, String> {
        Ok(Config {
            base_url: common::config_required_str(v, "baseUrl")?,
            app_token: common::config_str(v, "appToken")?.map(Secret::new),
        })
    }
}

/// Body of `checkIdentity`: `{"username":"+49_1747707607"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckIdentityInput {
    /// The phone number in GIZO form.
    pub username: String,
}

impl CheckIdentityInput {
    /// The request body.
    pub fn to_json(&self) -> Value {
        Value::object([("username", self.username.as_str().into())])
    }

    /// The input for a phone number.
    pub fn for_phone(phone: &PhoneNumber) -> Self {
        CheckIdentityInput {
            username: phone.format(PhoneFormat::Gizo),
        }
    }
}

/// Body of `v3/User/verify`: `{"username":"+49_1747707607","verifyCode":"12345"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyInput {
    /// The phone number in GIZO form.
    pub username: String,
    /// The code from the SMS.
    pub verify_code: Secret,
}

impl VerifyInput {
    /// The request body.
    pub fn to_json(&self) -> Value {
        Value::object([
            ("username", self.username.as_str().into()),
            ("verifyCode", self.verify_code.expose().into()),
        ])
    }
}

/// GIZO's `Gender` (0, 1 or 2; the seed does not name the values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gender(u8);

impl Gender {
    /// The number the API uses.
    pub fn value(self) -> u8 {
        self.0
    }

    /// Reads the number (`None` for anything but 0, 1 or 2).
    pub fn from_json(v: &Value) -> Option<Gender> {
        let n = u8::try_from(v.as_u64()?).ok()?;
        Gender::try_from(n).ok()
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
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Profile {
    /// The phone number in GIZO form.
    pub user_name: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// E-mail address (may be empty).
    pub email: Option<String>,
    /// The phone number in GIZO form.
    pub phone_number: Option<String>,
    /// Profile image path.
    pub profile_image_path: Option<String>,
    /// Birth date as sent (`2025-06-11` or a date-time).
    pub birth_date: Option<String>,
    /// Gender 0/1/2.
    pub gender: Option<Gender>,
    /// Whether the profile has been filled in.
    pub is_initialized: Option<bool>,
}

impl Profile {
    /// Reads the profile members of an object (`None` when `v` is not an object).
    pub fn from_json(v: &Value) -> Option<Profile> {
        v.as_object()?;
        Some(Profile {
            user_name: opt_str(v, "userName"),
            first_name: opt_str(v, "firstName"),
            last_name: opt_str(v, "lastName"),
            email: opt_str(v, "email"),
            phone_number: opt_str(v, "phoneNumber"),
            profile_image_path: opt_str(v, "profileImagePath"),
            birth_date: opt_str(v, "birthDate"),
            gender: v.get("gender").and_then(Gender::from_json),
            is_initialized: opt_bool(v, "isInitialized"),
        })
    }
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessTokenInput {
    /// Client id from `auth.json`.
    pub client_id: String,
    /// Client secret from `auth.json`.
    pub client_secret: Secret,
}

impl AccessTokenInput {
    /// The request body.
    pub fn to_json(&self) -> Value {
        Value::object([
            ("clientId", self.client_id.as_str().into()),
            ("clientSecret", self.client_secret.expose().into()),
        ])
    }
}

/// Body of `v2/User/client-token`: `{"userId":1}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientTokenInput {
    /// The GIZO user id (int64).
    pub user_id: i64,
}

impl ClientTokenInput {
    /// The request body.
    pub fn to_json(&self) -> Value {
        Value::object([("userId", self.user_id.into())])
    }
}

fn post(
    cfg: &Config,
    path: &str,
    bearer: Option<&Secret>,
    body: &Value,
) -> Result<HttpRequest, Error> {
    let mut req = HttpRequest::new(Method::Post, join_url(&cfg.base_url, path));
    if let Some(token) = bearer {
        req = common::bearer(req, token);
    }
    let mut req = req
        .header("Content-Type", "application/json")
        .header("Accept", "*/*");
    req.body = Some(body.to_json());
    Ok(req)
}

/// `POST /api/v1/User/checkIdentity` with the app bearer: sends the SMS.
pub fn build_check_identity(
    cfg: &Config,
    input: &CheckIdentityInput,
) -> Result<HttpRequest, Error> {
    post(
        cfg,
        CHECK_IDENTITY_PATH,
        cfg.app_token.as_ref(),
        &input.to_json(),
    )
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
    post(cfg, VERIFY_PATH, cfg.app_token.as_ref(), &input.to_json())
}

/// The profile and token; a missing or empty `token` is `malformed_response`.
pub fn parse_verify(resp: &HttpResponse) -> Result<VerifyOutput, Error> {
    let body = success_json(resp)?;
    let profile = common::typed(resp, &body, Profile::from_json)?;
    let token = common::token_from(resp, &body, body.get("token").and_then(Value::as_str))?;
    Ok(VerifyOutput { profile, token })
}

/// `POST /api/v1/company/access-token` (no `Authorization`: the seed says none is needed).
pub fn build_access_token(cfg: &Config, input: &AccessTokenInput) -> Result<HttpRequest, Error> {
    post(cfg, ACCESS_TOKEN_PATH, None, &input.to_json())
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
    post(cfg, CLIENT_TOKEN_PATH, Some(admin_token), &input.to_json())
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
/// (`verifyCode` → code errors, `username` → `invalid_phone`); else by status. When
/// several fields are named, the first in key order decides (the last member of a
/// repeated name counts), whatever order the body lists them in.
fn error(resp: &HttpResponse) -> Error {
    let body = common::lenient_json(resp);
    let errors = body
        .as_ref()
        .and_then(|b| b.get("errors"))
        .and_then(Value::as_object);
    if let (400, Some(errors)) = (resp.status, errors) {
        // The named field with the smallest key; `<=` lets a repeated name's last member win.
        let mut decisive: Option<(&String, &Value)> = None;
        for (field, messages) in errors.iter() {
            let known = is_field(field, "verifyCode") || is_field(field, "username");
            if known && decisive.is_none_or(|(best, _)| field <= best) {
                decisive = Some((field, messages));
            }
        }
        if let Some((field, messages)) = decisive {
            if is_field(field, "username") {
                return Error::InvalidPhone(PhoneError::NotANumber);
            }
            let first = match messages {
                Value::Array(items) => items.first(),
                other => Some(other),
            };
            return code_error(resp.status, first.and_then(Value::as_str));
        }
    }
    common::status_error(resp)
}

/// Whether an `errors` key names `name` (ASCII case ignored, `$.` JSON-path prefix allowed).
fn is_field(key: &str, name: &str) -> bool {
    let mut key = key;
    while let Some(rest) = key.strip_prefix("$.") {
        key = rest;
    }
    key.eq_ignore_ascii_case(name)
}

fn code_error(status: u16, message: Option<&str>) -> Error {
    let lower = message.unwrap_or_default().to_ascii_lowercase();
    if text::contains(&lower, "expired") {
        Error::CodeExpired
    } else if text::contains(&lower, "too many") {
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
    fn base_url(&self) -> &str {
        &self.base_url
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

    /// The user is the verify body as sent, minus `token` (and any other secret member).
    fn on_verify_response(&self, resp: &HttpResponse) -> Result<Verified, Error> {
        let body = success_json(resp)?;
        let Some(user) = common::user_object(&body) else {
            return Err(common::malformed_json(resp, &body, "unexpected JSON shape"));
        };
        let token = common::token_from(resp, &body, body.get("token").and_then(Value::as_str))?;
        Ok(Verified {
            token,
            user: Some(user),
        })
    }
}

#[cfg(test)]
mod tests;
