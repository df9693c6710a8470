//! Arita's extra endpoints: the account check and username lookup before sign-in, the
//! password login, the forgotten-password flow, and the calls made with the signed-in
//! user's token (info, set a password, register the push device token).
//!
//! Every call is one [`Call`] run by one `async fn` ([`run`]): build the request, send
//! it, parse the answer, hand JSON to JavaScript.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::{send, string, user_token, JsResult};
use crate::http::{HttpRequest, HttpResponse};
use crate::json::Value;
use crate::provider::arita::{
    self, EmailPhone, LoginIdInput, LoginInput, OtpInput, OtpNature, SendType, UsernameInput,
    VerifyInput,
};
use crate::provider::ProviderConfig;
use crate::secret::{OtpCode, Secret};
use crate::wasm::client::AuthClient;
use crate::wasm::driver::{js_err, session_js, Inner, Reset};
use crate::wasm::{error, js};
use crate::Error;

/// Which Arita call [`run`] makes (its two arguments are the JS arguments).
#[derive(Clone, Copy)]
enum Call {
    /// `aritaAccountCheck(loginId)`.
    AccountCheck,
    /// `aritaUsernameInfo(username)`.
    UsernameInfo,
    /// `aritaInfo()`.
    Info,
    /// `aritaLogin(loginId, password)`.
    Login,
    /// `aritaSetPassword(password)`.
    SetPassword,
    /// `aritaUpdateDeviceToken(deviceToken)`.
    DeviceToken,
    /// `aritaForgotPassword(loginId)`.
    ForgotPassword,
    /// `aritaVerifyForgotPassword(code)`.
    VerifyForgotPassword,
    /// `aritaResetPassword(password)`.
    ResetPassword,
}

#[wasm_bindgen]
impl AuthClient {
    /// Arita: whether an account exists for a username, e-mail or phone number.
    #[wasm_bindgen(js_name = aritaAccountCheck, unchecked_return_type = "Promise<AccountCheck>")]
    pub fn arita_account_check(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
    ) -> Promise {
        self.arita(Call::AccountCheck, login_id, JsValue::UNDEFINED)
    }

    /// Arita: the blurred e-mail and phone of a username.
    #[wasm_bindgen(js_name = aritaUsernameInfo, unchecked_return_type = "Promise<AritaContact>")]
    pub fn arita_username_info(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] username: JsValue,
    ) -> Promise {
        self.arita(Call::UsernameInfo, username, JsValue::UNDEFINED)
    }

    /// Arita: the signed-in user's e-mail and phone.
    #[wasm_bindgen(js_name = aritaInfo, unchecked_return_type = "Promise<AritaContact>")]
    pub fn arita_info(&self) -> Promise {
        self.arita(Call::Info, JsValue::UNDEFINED, JsValue::UNDEFINED)
    }

    /// Arita: signs in with a password; resolves to the session (as `verify` does).
    #[wasm_bindgen(js_name = aritaLogin, unchecked_return_type = "Promise<Session>")]
    pub fn arita_login(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] password: JsValue,
    ) -> Promise {
        self.arita(Call::Login, login_id, password)
    }

    /// Arita: sets the signed-in user's password (`invalid_input` for a weak one, checked locally).
    #[wasm_bindgen(js_name = aritaSetPassword, unchecked_return_type = "Promise<void>")]
    pub fn arita_set_password(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] password: JsValue,
    ) -> Promise {
        self.arita(Call::SetPassword, password, JsValue::UNDEFINED)
    }

    /// Arita: registers the push device token for the signed-in user.
    #[wasm_bindgen(js_name = aritaUpdateDeviceToken, unchecked_return_type = "Promise<void>")]
    pub fn arita_update_device_token(
        &self,
        #[wasm_bindgen(js_name = deviceToken, unchecked_param_type = "string")]
        device_token: JsValue,
    ) -> Promise {
        self.arita(Call::DeviceToken, device_token, JsValue::UNDEFINED)
    }

    /// Arita, forgotten password, step 1: sends a reset code to the phone or e-mail.
    #[wasm_bindgen(js_name = aritaForgotPassword, unchecked_return_type = "Promise<void>")]
    pub fn arita_forgot_password(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
    ) -> Promise {
        self.arita(Call::ForgotPassword, login_id, JsValue::UNDEFINED)
    }

    /// Arita, forgotten password, step 2: checks the code (the client keeps the reset token).
    #[wasm_bindgen(js_name = aritaVerifyForgotPassword, unchecked_return_type = "Promise<void>")]
    pub fn arita_verify_forgot_password(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
    ) -> Promise {
        self.arita(Call::VerifyForgotPassword, code, JsValue::UNDEFINED)
    }

    /// Arita, forgotten password, step 3: sets the new password (does not sign in).
    #[wasm_bindgen(js_name = aritaResetPassword, unchecked_return_type = "Promise<void>")]
    pub fn arita_reset_password(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] password: JsValue,
    ) -> Promise {
        self.arita(Call::ResetPassword, password, JsValue::UNDEFINED)
    }
}

impl AuthClient {
    fn arita(&self, call: Call, a: JsValue, b: JsValue) -> Promise {
        self.extra(Box::new(move |inner| Box::pin(run(inner, call, a, b))))
    }
}

/// Performs one Arita call: the token where the call needs one, then build → send →
/// parse (one `send` for every call keeps the wasm small).
async fn run(inner: &Inner, call: Call, a: JsValue, b: JsValue) -> JsResult {
    let ProviderConfig::Arita(cfg) = &inner.settings.extras.provider else {
        return Err(error::config("Arita calls need provider: 'arita'."));
    };
    let token = match call {
        Call::Info | Call::SetPassword | Call::DeviceToken => Some(user_token(inner).await?),
        _ => None,
    };
    let login_id = a.as_string();
    let req = request(inner, cfg, call, a, b, token)?;
    let resp = send(inner, req).await?;
    let out = parse(call, &resp).map_err(|e| js_err(&e))?;
    let slot = &inner.reset;
    match (call, out) {
        (Call::Login, Out::Token(token)) => {
            inner.ready().await;
            let login = login_id.unwrap_or_default();
            let r = inner.core.sign_in_with_token(&login, token, None).await;
            inner.persist().await?;
            return r.map(|s| session_js(&s)).map_err(|e| js_err(&e));
        }
        (Call::ForgotPassword, Out::Token(t)) => *slot.borrow_mut() = Some(Reset::CodeSent(t)),
        (_, Out::Token(t)) => *slot.borrow_mut() = Some(Reset::Verified(t)),
        (Call::ResetPassword, _) => *slot.borrow_mut() = None,
        (_, Out::Json(v)) => return Ok(js::to_js(&v)),
        (_, Out::Done) => {}
    }
    Ok(JsValue::UNDEFINED)
}

/// What a response gives.
enum Out {
    /// JSON for JavaScript.
    Json(Value),
    /// A token the client keeps (session, `otpToken`, reset token).
    Token(Secret),
    /// Nothing (`undefined`).
    Done,
}

/// The request of `call` from its JS arguments (checked here, before any request).
fn request(
    inner: &Inner,
    cfg: &arita::Config,
    call: Call,
    a: JsValue,
    b: JsValue,
    token: Option<Secret>,
) -> Result<HttpRequest, JsValue> {
    let token = token.unwrap_or_default();
    let held = |want_verified: bool, hint: &str| match (&*inner.reset.borrow(), want_verified) {
        (Some(Reset::CodeSent(t)), false) | (Some(Reset::Verified(t)), true) => Ok(t.clone()),
        _ => Err(no_reset(hint)),
    };
    let req = match call {
        Call::AccountCheck => {
            let login_id = string(a, "loginId")?;
            arita::build_account_check(cfg, &LoginIdInput { login_id })
        }
        Call::UsernameInfo => {
            let username = string(a, "username")?;
            arita::build_username_info(cfg, &UsernameInput { username })
        }
        Call::Info => arita::build_info(cfg, &token),
        Call::Login => {
            let input = LoginInput {
                login_id: string(a, "loginId")?,
                password: Secret::new(string(b, "password")?),
                device_token: None,
            };
            arita::build_login(cfg, &input)
        }
        Call::SetPassword => arita::build_set_password(cfg, &token, &password(a)?),
        Call::DeviceToken => arita::build_device_token(cfg, &token, &string(a, "deviceToken")?),
        Call::ForgotPassword => {
            let input = OtpInput {
                nature: OtpNature::ResetPassword,
                login_id: string(a, "loginId")?,
                send_type: SendType::None,
            };
            arita::build_otp(cfg, &input)
        }
        Call::VerifyForgotPassword => {
            let code = a
                .as_string()
                .ok_or_else(|| error::js_error("invalid_code", "The code must be a string."))?;
            let otp = OtpCode::parse(&code).map_err(|e| js_err(&e))?;
            let otp_token = held(false, "call aritaForgotPassword first")?;
            arita::build_forgot_password_verify(cfg, &VerifyInput { otp, otp_token })
        }
        Call::ResetPassword => {
            let password = password(a)?;
            let token = held(true, "call aritaVerifyForgotPassword first")?;
            arita::build_reset_password(cfg, &token, &password)
        }
    };
    req.map_err(|e| js_err(&e))
}

/// Reads the response of `call`.
fn parse(call: Call, resp: &HttpResponse) -> Result<Out, Error> {
    let contact = |c: EmailPhone| {
        Out::Json(Value::object([
            ("email", c.email.into()),
            ("phone", c.phone.into()),
        ]))
    };
    Ok(match call {
        Call::AccountCheck => Out::Json(arita::parse_account_check(resp)?.to_json()),
        Call::UsernameInfo => contact(arita::parse_username_info(resp)?),
        Call::Info => contact(arita::parse_info(resp)?),
        Call::Login => Out::Token(arita::parse_login(resp)?),
        Call::ForgotPassword => Out::Token(arita::parse_otp(resp)?),
        Call::VerifyForgotPassword => Out::Token(arita::parse_forgot_password_verify(resp)?),
        Call::SetPassword => Out::Done.with(arita::parse_set_password(resp))?,
        Call::DeviceToken => Out::Done.with(arita::parse_device_token(resp))?,
        Call::ResetPassword => Out::Done.with(arita::parse_reset_password(resp))?,
    })
}

impl Out {
    /// `self` once `r` succeeded.
    fn with(self, r: Result<(), Error>) -> Result<Out, Error> {
        r.map(|()| self)
    }
}

/// A password argument, checked locally (`invalid_input` for a weak one).
fn password(v: JsValue) -> Result<Secret, JsValue> {
    let password = Secret::new(string(v, "password")?);
    arita::validate_password(&password).map_err(|e| js_err(&e))?;
    Ok(password)
}

/// `invalid_state` for a reset step taken out of order.
fn no_reset(hint: &str) -> JsValue {
    let mut m = String::from("No password reset is under way: ");
    m.push_str(hint);
    m.push('.');
    error::js_error("invalid_state", &m)
}
