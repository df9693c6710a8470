//! Arita's extra endpoints: the account check before sign-in, and the calls made with
//! the signed-in user's token (set a password, register the push device token).

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::client::AuthClient;
use super::driver::{js_err, Inner};
use super::ops::Op;
use super::{error, js};
use crate::client::Transport;
use crate::http::{HttpRequest, HttpResponse};
use crate::provider::arita::{self, LoginIdInput};
use crate::secret::Secret;
use crate::Error;

#[wasm_bindgen]
impl AuthClient {
    /// Arita: whether an account exists for a username, e-mail or phone number.
    #[wasm_bindgen(js_name = aritaAccountCheck, unchecked_return_type = "Promise<AccountCheck>")]
    pub fn arita_account_check(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] login_id: JsValue,
    ) -> Promise {
        self.call(Op::AritaAccountCheck(login_id))
    }

    /// Arita: sets the signed-in user's password (`invalid_input` for a weak one, checked locally).
    #[wasm_bindgen(js_name = aritaSetPassword, unchecked_return_type = "Promise<void>")]
    pub fn arita_set_password(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] password: JsValue,
    ) -> Promise {
        self.call(Op::AritaSetPassword(password))
    }

    /// Arita: registers the push device token for the signed-in user.
    #[wasm_bindgen(js_name = aritaUpdateDeviceToken, unchecked_return_type = "Promise<void>")]
    pub fn arita_update_device_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] device_token: JsValue,
    ) -> Promise {
        self.call(Op::AritaUpdateDeviceToken(device_token))
    }
}

/// `aritaAccountCheck`.
pub(super) async fn account_check(inner: &Inner, login_id: JsValue) -> Result<JsValue, JsValue> {
    let cfg = config(inner)?;
    let login_id = login_id
        .as_string()
        .ok_or_else(|| error::config("loginId must be a string."))?;
    let req = arita::build_account_check(&cfg, &LoginIdInput { login_id });
    let resp = send(inner, req).await?;
    let check = arita::parse_account_check(&resp).map_err(|e| js_err(&e))?;
    Ok(js::to_js(&check.to_json()))
}

/// `aritaSetPassword`.
pub(super) async fn set_password(inner: &Inner, password: JsValue) -> Result<JsValue, JsValue> {
    let cfg = config(inner)?;
    let password = Secret::new(
        password
            .as_string()
            .ok_or_else(|| error::config("password must be a string."))?,
    );
    arita::validate_password(&password).map_err(|e| js_err(&e))?;
    let token = inner.core.get_token().await.map_err(|e| js_err(&e))?;
    let resp = send(inner, arita::build_set_password(&cfg, &token, &password)).await?;
    arita::parse_set_password(&resp).map_err(|e| js_err(&e))?;
    Ok(JsValue::UNDEFINED)
}

/// `aritaUpdateDeviceToken`.
pub(super) async fn update_device_token(
    inner: &Inner,
    device_token: JsValue,
) -> Result<JsValue, JsValue> {
    let cfg = config(inner)?;
    let device = device_token
        .as_string()
        .ok_or_else(|| error::config("deviceToken must be a string."))?;
    let token = inner.core.get_token().await.map_err(|e| js_err(&e))?;
    let resp = send(inner, arita::build_device_token(&cfg, &token, &device)).await?;
    arita::parse_device_token(&resp).map_err(|e| js_err(&e))?;
    Ok(JsValue::UNDEFINED)
}

/// The Arita settings, or `invalid_config` for another provider.
fn config(inner: &Inner) -> Result<arita::Config, JsValue> {
    inner
        .arita
        .clone()
        .ok_or_else(|| error::config("Arita calls need provider: 'arita'."))
}

/// Sends a built request with the client's `fetch` and timeout.
pub(super) async fn send(
    inner: &Inner,
    req: Result<HttpRequest, Error>,
) -> Result<HttpResponse, JsValue> {
    let req = req.map_err(|e| js_err(&e))?;
    inner.transport().send(req).await.map_err(|e| js_err(&e))
}
