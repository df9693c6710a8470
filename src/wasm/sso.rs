//! SSO v1's extra endpoints: which numbers are registered, and the signed-in user.

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;

use super::arita::send;
use super::client::AuthClient;
use super::driver::{js_err, Inner};
use super::ops::Op;
use super::{error, js};
use crate::json::Value;
use crate::provider::sso;

#[wasm_bindgen]
impl AuthClient {
    /// SSO: whether each number has an account (at most 100 numbers).
    #[wasm_bindgen(js_name = ssoUserStatus, unchecked_return_type = "Promise<SsoUserStatus[]>")]
    pub fn sso_user_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] numbers: JsValue,
    ) -> Promise {
        self.call(Op::SsoUserStatus(numbers))
    }

    /// SSO: the signed-in user's record.
    #[wasm_bindgen(js_name = ssoGetUser, unchecked_return_type = "Promise<SsoUser>")]
    pub fn sso_get_user(&self) -> Promise {
        self.call(Op::SsoGetUser)
    }
}

/// `ssoUserStatus`.
pub(super) async fn user_status(inner: &Inner, numbers: JsValue) -> Result<JsValue, JsValue> {
    let cfg = config(inner)?;
    if !Array::is_array(&numbers) {
        return Err(error::config("numbers must be an array of strings."));
    }
    let list: Option<Vec<String>> = Array::from(&numbers)
        .iter()
        .map(|n| n.as_string())
        .collect();
    let list = list.ok_or_else(|| error::config("numbers must be an array of strings."))?;
    let resp = send(inner, sso::build_user_status(&cfg, &list)).await?;
    let rows = sso::parse_user_status(&resp).map_err(|e| js_err(&e))?;
    let out: Vec<Value> = rows
        .iter()
        .map(|r| {
            Value::object([
                ("user", r.user.as_str().into()),
                ("isRegistered", r.is_registered.into()),
            ])
        })
        .collect();
    Ok(js::to_js(&Value::Array(out)))
}

/// `ssoGetUser`.
pub(super) async fn get_user(inner: &Inner) -> Result<JsValue, JsValue> {
    let cfg = config(inner)?;
    let token = inner.core.get_token().await.map_err(|e| js_err(&e))?;
    let resp = send(inner, sso::build_get_user(&cfg, &token)).await?;
    let user = sso::parse_get_user(&resp).map_err(|e| js_err(&e))?;
    Ok(js::to_js(&user.to_json()))
}

/// The SSO settings, or `invalid_config` for another provider.
fn config(inner: &Inner) -> Result<sso::Config, JsValue> {
    inner
        .sso
        .clone()
        .ok_or_else(|| error::config("SSO calls need provider: 'sso'."))
}
