//! Arita's extra endpoints: the account check and username lookup before sign-in, the
//! password login, the forgotten-password flow, and the calls made with the signed-in
//! user's token (info, set a password, register the push device token).
//!
//! Every call is one [`Call`] run by one `async fn` ([`run`]): build the request, send
//! it, parse the answer, hand JSON to JavaScript.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::client::AuthClient;
use super::driver::{js_err, session_js, Inner};
use super::ops::Op;
use super::{error, js};
use crate::client::Transport;
use crate::http::{HttpRequest, HttpResponse};
use crate::json::Value;
use crate::provider::arita::{
    self, EmailPhone, LoginIdInput, LoginInput, OtpInput, OtpNature, SendType, UsernameInput,
    VerifyInput,
};
use crate::secret::{OtpCode, Secret};
use crate::Error;

/// Which Arita call an [`Op::Arita`] is (its two arguments are the JS arguments).
#[derive(Clone, Copy)]
pub enum Call {
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

/// Where the forgotten-password flow of a client stands.
pub enum Reset {
    /// The code was sent; the `otpToken` to echo.
    CodeSent(Secret),
    /// The code was accepted; the token that may set the new password.
    Verified(Secret),
}

#[wasm_bindgen]
impl AuthClient {
    /// Arita: whether an account exists for a username, e-mail or phone number.
    #[wasm_bindgen(js_name = aritaAccountCheck, unchecked_return_type = "Promise<AccountCheck>")]
    pub fn arita_account_check(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] login_id: JsValue,
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
        #[wasm_bindgen(unchecked_param_type = "string")] login_id: JsValue,
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
        #[wasm_bindgen(unchecked_param_type = "string")] device_token: JsValue,
    ) -> Promise {
        self.arita(Call::DeviceToken, device_token, JsValue::UNDEFINED)
    }

    /// Arita, forgotten password, step 1: sends a reset code to the phone or e-mail.
    #[wasm_bindgen(js_name = aritaForgotPassword, unchecked_return_type = "Promise<void>")]
    pub fn arita_forgot_password(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] login_id: JsValue,
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
        self.call(Op::Arita(call, a, b))
    }
}

/// Performs one Arita call.
pub(super) async fn run(inner: &Inner, call: Call, a: JsValue, b: JsValue) -> JsResult {
    let cfg = inner
        .arita
        .clone()
        .ok_or_else(|| error::config("Arita calls need provider: 'arita'."))?;
    match call {
        Call::AccountCheck => {
            let login_id = string(a, "loginId")?;
            let resp = send(
                inner,
                arita::build_account_check(&cfg, &LoginIdInput { login_id }),
            )
            .await?;
            let check = arita::parse_account_check(&resp).map_err(|e| js_err(&e))?;
            Ok(js::to_js(&check.to_json()))
        }
        Call::UsernameInfo => {
            let username = string(a, "username")?;
            let req = arita::build_username_info(&cfg, &UsernameInput { username });
            contact(arita::parse_username_info(&send(inner, req).await?))
        }
        Call::Info => {
            let token = user_token(inner).await?;
            contact(arita::parse_info(
                &send(inner, arita::build_info(&cfg, &token)).await?,
            ))
        }
        Call::Login => {
            inner.ready().await;
            let login_id = string(a, "loginId")?;
            let password = Secret::new(string(b, "password")?);
            let input = LoginInput {
                login_id: login_id.clone(),
                password,
                device_token: None,
            };
            let resp = send(inner, arita::build_login(&cfg, &input)).await?;
            let token = arita::parse_login(&resp).map_err(|e| js_err(&e))?;
            let r = inner.core.sign_in_with_token(&login_id, token, None).await;
            inner.persist().await?;
            r.map(|s| session_js(&s)).map_err(|e| js_err(&e))
        }
        Call::SetPassword => {
            let password = password(a)?;
            let token = user_token(inner).await?;
            let resp = send(inner, arita::build_set_password(&cfg, &token, &password)).await?;
            done(arita::parse_set_password(&resp))
        }
        Call::DeviceToken => {
            let device = string(a, "deviceToken")?;
            let token = user_token(inner).await?;
            let resp = send(inner, arita::build_device_token(&cfg, &token, &device)).await?;
            done(arita::parse_device_token(&resp))
        }
        Call::ForgotPassword => {
            let input = OtpInput {
                nature: OtpNature::ResetPassword,
                login_id: string(a, "loginId")?,
                send_type: SendType::None,
            };
            let resp = send(inner, arita::build_otp(&cfg, &input)).await?;
            let otp_token = arita::parse_otp(&resp).map_err(|e| js_err(&e))?;
            *inner.reset.borrow_mut() = Some(Reset::CodeSent(otp_token));
            Ok(JsValue::UNDEFINED)
        }
        Call::VerifyForgotPassword => {
            let code = a
                .as_string()
                .ok_or_else(|| error::js_error("invalid_code", "The code must be a string."))?;
            let otp = OtpCode::parse(&code).map_err(|e| js_err(&e))?;
            let otp_token = match &*inner.reset.borrow() {
                Some(Reset::CodeSent(t)) => t.clone(),
                _ => return Err(no_reset("call aritaForgotPassword first")),
            };
            let req = arita::build_forgot_password_verify(&cfg, &VerifyInput { otp, otp_token });
            let resp = send(inner, req).await?;
            let token = arita::parse_forgot_password_verify(&resp).map_err(|e| js_err(&e))?;
            *inner.reset.borrow_mut() = Some(Reset::Verified(token));
            Ok(JsValue::UNDEFINED)
        }
        Call::ResetPassword => {
            let password = password(a)?;
            let token = match &*inner.reset.borrow() {
                Some(Reset::Verified(t)) => t.clone(),
                _ => return Err(no_reset("call aritaVerifyForgotPassword first")),
            };
            let resp = send(inner, arita::build_reset_password(&cfg, &token, &password)).await?;
            arita::parse_reset_password(&resp).map_err(|e| js_err(&e))?;
            *inner.reset.borrow_mut() = None;
            Ok(JsValue::UNDEFINED)
        }
    }
}

/// What every call resolves to, or the `AuthError` it rejects with.
type JsResult = Result<JsValue, JsValue>;

/// A string argument, or `invalid_input` naming it.
pub(super) fn string(v: JsValue, name: &str) -> Result<String, JsValue> {
    v.as_string().ok_or_else(|| {
        let mut m = String::from(name);
        m.push_str(" must be a string.");
        error::js_error("invalid_input", &m)
    })
}

/// A password argument, checked locally (`invalid_input` for a weak one).
fn password(v: JsValue) -> Result<Secret, JsValue> {
    let password = Secret::new(string(v, "password")?);
    arita::validate_password(&password).map_err(|e| js_err(&e))?;
    Ok(password)
}

/// The signed-in user's token (refreshed when due), or `not_signed_in`.
pub(super) async fn user_token(inner: &Inner) -> Result<Secret, JsValue> {
    inner.ready().await;
    inner.core.get_token().await.map_err(|e| js_err(&e))
}

/// `invalid_state` for a reset step taken out of order.
fn no_reset(hint: &str) -> JsValue {
    let mut m = String::from("No password reset is under way: ");
    m.push_str(hint);
    m.push('.');
    error::js_error("invalid_state", &m)
}

/// `undefined`, or the error.
pub(super) fn done(r: Result<(), Error>) -> JsResult {
    r.map(|()| JsValue::UNDEFINED).map_err(|e| js_err(&e))
}

/// `{ email, phone }` (null where not linked).
fn contact(r: Result<EmailPhone, Error>) -> JsResult {
    let c = r.map_err(|e| js_err(&e))?;
    Ok(js::to_js(&Value::object([
        ("email", c.email.into()),
        ("phone", c.phone.into()),
    ])))
}

/// Sends a built request with the client's `fetch` and timeout.
pub(super) async fn send(
    inner: &Inner,
    req: Result<HttpRequest, Error>,
) -> Result<HttpResponse, JsValue> {
    let req = req.map_err(|e| js_err(&e))?;
    inner.transport().send(req).await.map_err(|e| js_err(&e))
}
