//! SSO v1 (`/sso/…`), media type `application/vnd.sso.v1+json`.
//!
//! Sign-in: `sms` sends the code, `auth` trades it for a token (and an `authCode`).
//! The seed shows no response bodies; what the client accepts is recorded in
//! `docs/wire.md` and `docs/providers.md`: JSON with the token under one of several
//! names (also inside `data`), or a `text/plain` body that is the token itself.

use super::common;
use super::{Challenge, CodeStep, Flow, Verified};
use crate::error::Error;
use crate::http::{join_url, HttpRequest, HttpResponse, Method};
use crate::json::Value;
use crate::phone::{PhoneError, PhoneNumber};
use crate::secret::{OtpCode, Secret};
use crate::text::{cat, decimal};

mod types;

pub use types::{
    AuthInput, AuthOutput, CodeInput, Config, Credentials, EmailInput, EmailOptinInput, EmailState,
    EmailStatus, SmsInput, User, UserInput, UserStatus,
};

/// The media type sent in `Accept` and `Content-Type`.
pub const MEDIA_TYPE: &str = "application/vnd.sso.v1+json";
/// Most numbers one `user/status` call may carry.
pub const MAX_STATUS_NUMBERS: usize = 100;
/// Names the token may have in a JSON response, in order of preference.
const TOKEN_FIELDS: [&str; 5] = ["token", "accessToken", "access_token", "jwt", "authCode"];

/// A request to `/sso/{path}`: `Accept` always, `Content-Type` with a body, and the
/// provider credentials when `auth` (the seed's `Authorization` calls).
fn request(
    cfg: &Config,
    method: Method,
    path: &str,
    auth: bool,
    body: Option<&Value>,
) -> Result<HttpRequest, Error> {
    let url = join_url(&cfg.base_url, &cat!("/sso/", path));
    let mut req = HttpRequest::new(method, url).header("Accept", MEDIA_TYPE);
    if let Some(body) = body {
        req = req.header("Content-Type", MEDIA_TYPE);
        req.body = Some(body.to_json());
    }
    if let (true, Some(credentials)) = (auth, &cfg.credentials) {
        req = req.header("Authorization", credentials.header_value());
    }
    Ok(req)
}

/// `POST /sso/sms`: sends the code.
pub fn build_sms(cfg: &Config, input: &SmsInput) -> Result<HttpRequest, Error> {
    request(cfg, Method::Post, "sms", false, Some(&input.to_json()))
}

/// `201` with an empty body or any JSON.
pub fn parse_sms(resp: &HttpResponse) -> Result<(), Error> {
    body(resp).map(drop)
}

/// `POST /sso/auth` with the provider credentials.
pub fn build_auth(cfg: &Config, input: &AuthInput) -> Result<HttpRequest, Error> {
    request(cfg, Method::Post, "auth", true, Some(&input.to_json()))
}

/// Token (tolerant extraction), auth code and user.
pub fn parse_auth(resp: &HttpResponse) -> Result<AuthOutput, Error> {
    let (token, body) = token_and_body(resp)?;
    Ok(AuthOutput {
        token,
        auth_code: member(&body, "authCode")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
            .map(Secret::from),
        user: member(&body, "user").and_then(User::from_json),
    })
}

/// Member `key` of an `auth` body: at the top level, else inside `data`.
fn member<'a>(body: &'a Value, key: &str) -> Option<&'a Value> {
    body.get(key).or_else(|| body.get("data")?.get(key))
}

/// `POST /sso/code` with the provider credentials: a fresh token for an auth code.
pub fn build_code(cfg: &Config, input: &CodeInput) -> Result<HttpRequest, Error> {
    request(cfg, Method::Post, "code", true, Some(&input.to_json()))
}

/// The token (same tolerant extraction as `auth`).
pub fn parse_code(resp: &HttpResponse) -> Result<Secret, Error> {
    token_and_body(resp).map(|(token, _)| token)
}

/// `PATCH /sso/email-optin`.
pub fn build_email_optin(cfg: &Config, input: &EmailOptinInput) -> Result<HttpRequest, Error> {
    request(
        cfg,
        Method::Patch,
        "email-optin",
        false,
        Some(&input.to_json()),
    )
}

/// `200` with `{}` or an empty body.
pub fn parse_email_optin(resp: &HttpResponse) -> Result<(), Error> {
    body(resp).map(drop)
}

/// `PATCH /sso/email-status`.
pub fn build_email_status(cfg: &Config, input: &EmailInput) -> Result<HttpRequest, Error> {
    request(
        cfg,
        Method::Patch,
        "email-status",
        false,
        Some(&input.to_json()),
    )
}

/// The address and its state, where sent.
pub fn parse_email_status(resp: &HttpResponse) -> Result<EmailStatus, Error> {
    let body = body(resp)?.unwrap_or(Value::Null);
    let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
    Ok(EmailStatus {
        email: text("email"),
        status: text("status").map(|s| match s.as_str() {
            "confirmed" => EmailState::Confirmed,
            "pending" => EmailState::Pending,
            "none" => EmailState::None,
            _ => EmailState::Other(s),
        }),
    })
}

/// `PATCH /sso/email` with the provider credentials: changes the address, sends an opt-in mail.
pub fn build_email(cfg: &Config, input: &EmailInput) -> Result<HttpRequest, Error> {
    request(cfg, Method::Patch, "email", true, Some(&input.to_json()))
}

/// `200` with `{}` or an empty body.
pub fn parse_email(resp: &HttpResponse) -> Result<(), Error> {
    body(resp).map(drop)
}

/// `POST /sso/user/status` with the provider credentials; more than
/// [`MAX_STATUS_NUMBERS`] numbers is `invalid_input` before any request.
pub fn build_user_status(cfg: &Config, numbers: &[String]) -> Result<HttpRequest, Error> {
    if numbers.len() > MAX_STATUS_NUMBERS {
        return Err(Error::InvalidInput {
            field: "user",
            message: cat!(
                "at most ",
                decimal(MAX_STATUS_NUMBERS as u64),
                " numbers per call, got ",
                decimal(numbers.len() as u64)
            ),
        });
    }
    let user: Vec<Value> = numbers.iter().map(Value::from).collect();
    let body = Value::object([("user", user.into())]);
    request(cfg, Method::Post, "user/status", true, Some(&body))
}

/// The rows, from `{"user":[…]}`, a bare array or a single row; `isRegistered` as
/// `1/0`, `"1"/"0"` or a boolean.
pub fn parse_user_status(resp: &HttpResponse) -> Result<Vec<UserStatus>, Error> {
    let body = body(resp)?.unwrap_or(Value::Null);
    let rows = match (&body, body.get("user")) {
        (Value::Array(rows), _) | (_, Some(Value::Array(rows))) => rows.iter().collect(),
        (Value::Object(_), Some(Value::String(_))) => vec![&body],
        _ => return Err(common::malformed_json(resp, &body, "no `user` rows")),
    };
    rows.into_iter()
        .map(|row| {
            let user = row.get("user").and_then(Value::as_str);
            let registered = row.get("isRegistered").and_then(common::loose_bool);
            match (user, registered) {
                (Some(user), Some(is_registered)) => Ok(UserStatus {
                    user: user.to_owned(),
                    is_registered,
                }),
                _ => Err(common::malformed_json(
                    resp,
                    &body,
                    "a `user` row is not understood",
                )),
            }
        })
        .collect()
}

/// `POST /sso/user` with the provider credentials: the user for an auth code.
pub fn build_create_user(cfg: &Config, input: &UserInput) -> Result<HttpRequest, Error> {
    request(cfg, Method::Post, "user", true, Some(&input.to_json()))
}

/// The user, from `{"user": {…}}`.
pub fn parse_create_user(resp: &HttpResponse) -> Result<User, Error> {
    let body = body(resp)?.unwrap_or(Value::Null);
    match body.get("user") {
        Some(u @ Value::Object(_)) => common::typed(resp, u, User::from_json),
        _ => Err(common::malformed_json(resp, &body, "no `user` object")),
    }
}

/// `GET /sso/user` with the user's session token as bearer.
pub fn build_get_user(cfg: &Config, token: &Secret) -> Result<HttpRequest, Error> {
    let req = request(cfg, Method::Get, "user", false, None)?;
    Ok(common::bearer(req, token))
}

/// The user, from `{"user": {…}}`.
pub fn parse_get_user(resp: &HttpResponse) -> Result<User, Error> {
    parse_create_user(resp)
}

/// A 2xx body: `None` when empty, else JSON in one of the accepted media types.
fn body(resp: &HttpResponse) -> Result<Option<Value>, Error> {
    if !resp.is_success() {
        return Err(error(resp));
    }
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    common::json_body(resp).map(Some)
}

/// The token of an `auth` or `code` response, and the JSON body (`Null` for plain text).
fn token_and_body(resp: &HttpResponse) -> Result<(Secret, Value), Error> {
    let plain = resp
        .header("content-type")
        .is_some_and(|ct| ct.trim().to_ascii_lowercase().starts_with("text/plain"));
    if plain && resp.is_success() {
        let text = core::str::from_utf8(&resp.body).unwrap_or_default().trim();
        let bare = match text.get(..7) {
            Some(p) if p.eq_ignore_ascii_case("bearer ") => text.get(7..).unwrap_or_default(),
            _ => text,
        };
        let ok =
            !bare.is_empty() && bare.len() <= 8192 && bare.bytes().all(|b| b.is_ascii_graphic());
        return if ok {
            Ok((Secret::new(bare), Value::Null))
        } else {
            Err(Error::malformed(resp, "the text body is not a token"))
        };
    }
    let body = body(resp)?.unwrap_or(Value::Null);
    let token = common::token_from(resp, &body, raw_token(&body))?;
    Ok((token, body))
}

/// The first non-blank string among [`TOKEN_FIELDS`], at the top level, then in `data`.
fn raw_token(body: &Value) -> Option<&str> {
    for scope in [Some(body), body.get("data")].into_iter().flatten() {
        for key in TOKEN_FIELDS {
            match scope.get(key).and_then(Value::as_str) {
                Some(s) if !s.trim().is_empty() => return Some(s),
                _ => {}
            }
        }
    }
    None
}

/// Maps SSO failures: 422 names the refused field in `errors` (`code` → code errors,
/// `telephone` → `invalid_phone`); every documented status has its own error.
fn error(resp: &HttpResponse) -> Error {
    let body = common::lenient_json(resp);
    let message = common::message(body.as_ref());
    let errors = body
        .as_ref()
        .and_then(|b| b.get("errors"))
        .and_then(Value::as_object);
    if let (422, Some(errors)) = (resp.status, errors) {
        if let Some(code) = errors.get("code") {
            let first = code.as_array().and_then(|a| a.first()).unwrap_or(code);
            return match first.as_str().unwrap_or_default() {
                "expired" => Error::CodeExpired,
                "too_many_attempts" => Error::TooManyAttempts,
                _ => Error::InvalidCode {
                    status: Some(422),
                    message,
                },
            };
        }
        if errors.contains_key("telephone") {
            return Error::InvalidPhone(PhoneError::NotANumber);
        }
    }
    Error::from_status(
        resp.status,
        message,
        common::retry_after(resp, body.as_ref()),
    )
}

impl Flow for Config {
    fn name(&self) -> &str {
        "sso"
    }
    fn base_url(&self) -> &str {
        &self.base_url
    }

    fn code_request(&self, phone: &PhoneNumber) -> Result<HttpRequest, Error> {
        build_sms(
            self,
            &SmsInput {
                telephone: phone.e164(),
            },
        )
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
        parse_sms(resp)?;
        Ok(CodeStep::Sent(Challenge::default()))
    }

    fn verify_request(
        &self,
        phone: &PhoneNumber,
        _challenge: &Challenge,
        code: &OtpCode,
    ) -> Result<HttpRequest, Error> {
        let input = AuthInput {
            telephone: phone.e164(),
            code: Secret::new(code.expose()),
            agb: self.agb,
            dataprotection: self.dataprotection,
            push_token: self.push_token.clone(),
        };
        build_auth(self, &input)
    }

    /// The user is the response's `user` object as sent (top level, else inside `data`),
    /// minus any secret member.
    fn on_verify_response(&self, resp: &HttpResponse) -> Result<Verified, Error> {
        let (token, body) = token_and_body(resp)?;
        Ok(Verified {
            token,
            user: member(&body, "user").and_then(common::user_object),
        })
    }
}

#[cfg(test)]
mod tests;
