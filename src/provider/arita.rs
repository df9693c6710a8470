//! Arita App User Auth API (`/app/auth/…`).
//!
//! Every response is an envelope `{success, message, data}`, usually with HTTP 200 even
//! for failures; `success: false` becomes an error that keeps `message` verbatim (often
//! Chinese). Sign-in by phone: `account/check` → `otp` with nature LOGIN (account exists)
//! or SIGNUP → `login/verify` or `signup/verify`. The choice travels in the `otpToken`
//! JWT's `nature` claim and is recorded in [`Challenge::is_registered`].

use super::common;
use super::{Challenge, CodeStep, Flow, Verified};
use crate::error::Error;
use crate::http::{join_url, HttpRequest, HttpResponse, Method};
use crate::json::Value;
use crate::phone::{PhoneError, PhoneNumber};
use crate::secret::{OtpCode, Secret};
use crate::text::{self, cat};
use crate::token::Token;

mod types;

pub use types::{
    AccountCheck, AccountType, Config, EmailPhone, LoginIdInput, LoginInput, OtpInput, OtpNature,
    SendType, UsernameInput, VerifyInput,
};

fn url(cfg: &Config, path: &str) -> String {
    join_url(&cfg.base_url, &cat!("/app/auth/", path))
}

fn json_request(cfg: &Config, method: Method, path: &str, body: &Value) -> HttpRequest {
    common::json_request(method, url(cfg, path), "application/json", body)
}

fn post(cfg: &Config, path: &str, body: &Value) -> Result<HttpRequest, Error> {
    Ok(json_request(cfg, Method::Post, path, body))
}

/// `POST /app/auth/account/check`.
pub fn build_account_check(cfg: &Config, input: &LoginIdInput) -> Result<HttpRequest, Error> {
    post(cfg, "account/check", &input.to_json())
}

/// Whether the account exists. The failure envelope `輸入的用戶名不存在` ("user name does
/// not exist") is read as `exists: false`.
pub fn parse_account_check(resp: &HttpResponse) -> Result<AccountCheck, Error> {
    match data(resp) {
        Ok(data) => common::typed(resp, &data, AccountCheck::from_json),
        Err(Error::Server {
            message: Some(m), ..
        }) if is_unknown_user(&m) => Ok(AccountCheck {
            account_type: None,
            exists: false,
            set_password: None,
        }),
        Err(e) => Err(e),
    }
}

fn is_unknown_user(message: &str) -> bool {
    ["用戶名不存在", "用户名不存在", "does not exist"]
        .iter()
        .any(|n| text::contains(&message.to_ascii_lowercase(), n))
}

/// `POST /app/auth/username/info`.
pub fn build_username_info(cfg: &Config, input: &UsernameInput) -> Result<HttpRequest, Error> {
    post(cfg, "username/info", &input.to_json())
}

/// Blurred e-mail and phone.
pub fn parse_username_info(resp: &HttpResponse) -> Result<EmailPhone, Error> {
    data_typed(resp, EmailPhone::from_json)
}

/// `GET /app/auth/info` with the user's token.
pub fn build_info(cfg: &Config, token: &Secret) -> Result<HttpRequest, Error> {
    Ok(common::bearer(
        HttpRequest::new(Method::Get, url(cfg, "info")),
        token,
    ))
}

/// E-mail and phone.
pub fn parse_info(resp: &HttpResponse) -> Result<EmailPhone, Error> {
    data_typed(resp, EmailPhone::from_json)
}

/// `POST /app/auth/login` (password login).
pub fn build_login(cfg: &Config, input: &LoginInput) -> Result<HttpRequest, Error> {
    let device_token = input
        .device_token
        .as_deref()
        .or(cfg.device_token.as_deref())
        .ok_or(Error::InvalidInput {
            field: "deviceToken",
            message: "a password login needs a device token".into(),
        })?;
    let body = Value::object([
        ("loginID", input.login_id.as_str().into()),
        ("password", input.password.expose().into()),
        ("deviceToken", device_token.into()),
    ]);
    post(cfg, "login", &body)
}

/// The access token.
pub fn parse_login(resp: &HttpResponse) -> Result<Secret, Error> {
    let data = data(resp)?;
    common::token_from(resp, &data, data.get("accessToken").and_then(Value::as_str))
}

/// `POST /app/auth/otp`: sends a code.
pub fn build_otp(cfg: &Config, input: &OtpInput) -> Result<HttpRequest, Error> {
    post(cfg, "otp", &input.to_json())
}

/// The `otpToken` to echo at verify.
pub fn parse_otp(resp: &HttpResponse) -> Result<Secret, Error> {
    let data = data(resp)?;
    common::token_from(resp, &data, data.get("otpToken").and_then(Value::as_str))
}

/// `POST /app/auth/login/verify`.
pub fn build_login_verify(cfg: &Config, input: &VerifyInput) -> Result<HttpRequest, Error> {
    post(cfg, "login/verify", &input.to_json())
}

/// The access token.
pub fn parse_login_verify(resp: &HttpResponse) -> Result<Secret, Error> {
    parse_login(resp)
}

/// `POST /app/auth/signup/verify`.
pub fn build_signup_verify(cfg: &Config, input: &VerifyInput) -> Result<HttpRequest, Error> {
    post(cfg, "signup/verify", &input.to_json())
}

/// The access token.
pub fn parse_signup_verify(resp: &HttpResponse) -> Result<Secret, Error> {
    parse_login(resp)
}

/// `POST /app/auth/forgot-password/verify`.
pub fn build_forgot_password_verify(
    cfg: &Config,
    input: &VerifyInput,
) -> Result<HttpRequest, Error> {
    post(cfg, "forgot-password/verify", &input.to_json())
}

/// The access token that may then set a new password.
pub fn parse_forgot_password_verify(resp: &HttpResponse) -> Result<Secret, Error> {
    parse_login(resp)
}

/// Checks a password: 6–40 characters, letters, digits and printable ASCII specials.
pub fn validate_password(password: &Secret) -> Result<(), Error> {
    let p = password.expose();
    let n = p.chars().count();
    let message = if !(6..=40).contains(&n) {
        "the password must have 6 to 40 characters"
    } else if !p.chars().all(|c| c.is_ascii_graphic()) {
        "the password may contain only letters, digits and special characters"
    } else {
        return Ok(());
    };
    Err(Error::InvalidInput {
        field: "password",
        message: message.into(),
    })
}

fn password_request(
    cfg: &Config,
    method: Method,
    token: &Secret,
    password: &Secret,
) -> Result<HttpRequest, Error> {
    validate_password(password)?;
    let body = Value::object([("password", password.expose().into())]);
    let req = json_request(cfg, method, "password", &body);
    Ok(common::bearer(req, token))
}

/// `POST /app/auth/password` (set) with the user's token.
pub fn build_set_password(
    cfg: &Config,
    token: &Secret,
    password: &Secret,
) -> Result<HttpRequest, Error> {
    password_request(cfg, Method::Post, token, password)
}

/// `data: null` on success.
pub fn parse_set_password(resp: &HttpResponse) -> Result<(), Error> {
    data(resp).map(drop)
}

/// `PUT /app/auth/password` (reset after `forgot-password/verify`) with that token.
pub fn build_reset_password(
    cfg: &Config,
    token: &Secret,
    password: &Secret,
) -> Result<HttpRequest, Error> {
    password_request(cfg, Method::Put, token, password)
}

/// `data: null` on success.
pub fn parse_reset_password(resp: &HttpResponse) -> Result<(), Error> {
    data(resp).map(drop)
}

/// `DELETE /app/auth/logout` with the user's token (revokes it).
pub fn build_logout(cfg: &Config, token: &Secret) -> Result<HttpRequest, Error> {
    Ok(common::bearer(
        HttpRequest::new(Method::Delete, url(cfg, "logout")),
        token,
    ))
}

/// `data: null` on success.
pub fn parse_logout(resp: &HttpResponse) -> Result<(), Error> {
    data(resp).map(drop)
}

/// `PUT /app/auth/device-token` (1–255 characters) with the user's token.
pub fn build_device_token(
    cfg: &Config,
    token: &Secret,
    device_token: &str,
) -> Result<HttpRequest, Error> {
    if !(1..=255).contains(&device_token.chars().count()) {
        return Err(Error::InvalidInput {
            field: "deviceToken",
            message: "the device token must have 1 to 255 characters".into(),
        });
    }
    let body = Value::object([("deviceToken", device_token.into())]);
    let req = json_request(cfg, Method::Put, "device-token", &body);
    Ok(common::bearer(req, token))
}

/// `data: null` on success.
pub fn parse_device_token(resp: &HttpResponse) -> Result<(), Error> {
    data(resp).map(drop)
}

fn data_typed<T>(resp: &HttpResponse, read: impl FnOnce(&Value) -> Option<T>) -> Result<T, Error> {
    let data = data(resp)?;
    common::typed(resp, &data, read)
}

/// Opens the envelope: `data` when `success` is true, else the mapped error.
fn data(resp: &HttpResponse) -> Result<Value, Error> {
    if !resp.is_success() {
        let body = common::lenient_json(resp);
        let message = common::message(body.as_ref());
        let retry = common::retry_after(resp, body.as_ref());
        return Err(match resp.status {
            401 | 403 | 429 => Error::from_status(resp.status, message, retry),
            status => known_message(status, message.as_deref(), retry)
                .unwrap_or_else(|| Error::from_status(status, message, retry)),
        });
    }
    let body = common::json_body(resp)?;
    match body.get("success").and_then(Value::as_bool) {
        Some(true) => Ok(body.get("data").cloned().unwrap_or(Value::Null)),
        Some(false) => {
            let message = body.get("message").and_then(Value::as_str);
            let retry = common::retry_after(resp, Some(&body));
            Err(
                known_message(resp.status, message, retry).unwrap_or(Error::Server {
                    status: resp.status,
                    message: message.map(str::to_owned),
                }),
            )
        }
        None => Err(common::malformed_json(resp, &body, "no `success` flag")),
    }
}

/// The documented failure messages (traditional and simplified Chinese, English
/// equivalents) mapped to their error codes; `None` for anything else.
fn known_message(status: u16, message: Option<&str>, retry: Option<u64>) -> Option<Error> {
    let m = message?;
    let lower = m.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| text::contains(&lower, n));
    let owned = Some(m.to_owned());
    Some(if has(&["已過期", "已过期", "expired"]) {
        Error::CodeExpired
    } else if has(&["嘗試次數過多", "尝试次数过多", "too many attempts"]) {
        Error::TooManyAttempts
    } else if has(&[
        "請求過於頻繁",
        "请求过于频繁",
        "too many requests",
        "too frequent",
    ]) {
        Error::RateLimited {
            retry_after: retry,
            status: Some(status),
            message: owned,
        }
    } else if has(&[
        "驗證碼錯誤",
        "验证码错误",
        "invalid otp",
        "wrong otp",
        "incorrect otp",
    ]) {
        Error::InvalidCode {
            status: Some(status),
            message: owned,
        }
    } else if has(&[
        "密碼錯誤",
        "密码错误",
        "wrong password",
        "incorrect password",
        "invalid password",
    ]) {
        // `帳號或密碼錯誤` ("wrong account or password") on a password login.
        Error::Unauthorized {
            status,
            message: owned,
        }
    } else if has(&["手機號碼格式錯誤", "手机号码格式错误", "invalid phone"]) {
        Error::InvalidPhone(PhoneError::NotANumber)
    } else {
        return None;
    })
}

impl Flow for Config {
    fn name(&self) -> &str {
        "arita"
    }
    fn base_url(&self) -> &str {
        &self.base_url
    }

    fn code_request(&self, phone: &PhoneNumber) -> Result<HttpRequest, Error> {
        build_account_check(
            self,
            &LoginIdInput {
                login_id: phone.e164(),
            },
        )
    }

    fn on_code_response(
        &self,
        phone: &PhoneNumber,
        step: u8,
        resp: &HttpResponse,
    ) -> Result<CodeStep, Error> {
        match step {
            0 => {
                let check = parse_account_check(resp)?;
                let nature = if check.exists {
                    OtpNature::Login
                } else {
                    OtpNature::Signup
                };
                let input = OtpInput {
                    nature,
                    login_id: phone.e164(),
                    send_type: SendType::None,
                };
                Ok(CodeStep::Send(build_otp(self, &input)?))
            }
            1 => {
                let otp_token = parse_otp(resp)?;
                let is_registered = nature_of(&otp_token).map(|n| n == OtpNature::Login);
                Ok(CodeStep::Sent(Challenge {
                    handle: Some(otp_token),
                    is_registered,
                    code_ttl: None,
                }))
            }
            _ => Err(common::unexpected_step(step)),
        }
    }

    fn verify_request(
        &self,
        _phone: &PhoneNumber,
        challenge: &Challenge,
        code: &OtpCode,
    ) -> Result<HttpRequest, Error> {
        let otp_token = challenge.handle.clone().ok_or(Error::InvalidState {
            message: "no code has been requested".into(),
        })?;
        let input = VerifyInput {
            otp: code.clone(),
            otp_token,
        };
        match challenge.is_registered {
            Some(false) => build_signup_verify(self, &input),
            _ => build_login_verify(self, &input),
        }
    }

    fn on_verify_response(&self, resp: &HttpResponse) -> Result<Verified, Error> {
        Ok(Verified {
            token: parse_login_verify(resp)?,
            user: None,
        })
    }

    fn sign_out_request(&self, token: &Secret) -> Option<HttpRequest> {
        build_logout(self, token).ok()
    }
}

/// The `nature` claim of an `otpToken` JWT, which records LOGIN vs SIGNUP.
fn nature_of(otp_token: &Secret) -> Option<OtpNature> {
    let token = Token::decode(otp_token.expose()).ok()?;
    let n = token.claims.get("nature")?;
    let n = n.as_u64().or_else(|| text::parse_u64(n.as_str()?.trim()))?;
    OtpNature::try_from(u8::try_from(n).ok()?).ok()
}

#[cfg(test)]
mod tests;
