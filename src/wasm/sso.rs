//! SSO v1's extra endpoints: which numbers are registered, and the signed-in user.

use js_sys::{Array, Promise};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::arita::send;
use super::client::AuthClient;
use super::driver::{js_err, Inner};
use super::{error, json};
use crate::provider::sso;

#[wasm_bindgen]
impl AuthClient {
    /// SSO: whether each number has an account (at most 100 numbers).
    #[wasm_bindgen(js_name = ssoUserStatus, unchecked_return_type = "Promise<SsoUserStatus[]>")]
    pub fn sso_user_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] numbers: JsValue,
    ) -> Promise {
        let inner = self.shared();
        future_to_promise(async move {
            let cfg = config(&inner)?;
            if !Array::is_array(&numbers) {
                return Err(error::config("numbers must be an array of strings."));
            }
            let list: Option<Vec<String>> = Array::from(&numbers)
                .iter()
                .map(|n| n.as_string())
                .collect();
            let list = list.ok_or_else(|| error::config("numbers must be an array of strings."))?;
            let resp = send(&inner, sso::build_user_status(&cfg, &list)).await?;
            let rows = sso::parse_user_status(&resp).map_err(|e| js_err(&e))?;
            let out: Vec<_> = rows
                .iter()
                .map(|r| json!({ "user": r.user, "isRegistered": r.is_registered }))
                .collect();
            Ok(json::to_js(&serde_json::Value::Array(out)))
        })
    }

    /// SSO: the signed-in user's record.
    #[wasm_bindgen(js_name = ssoGetUser, unchecked_return_type = "Promise<SsoUser>")]
    pub fn sso_get_user(&self) -> Promise {
        let inner = self.shared();
        future_to_promise(async move {
            let cfg = config(&inner)?;
            let token = inner.core.get_token().await.map_err(|e| js_err(&e))?;
            let resp = send(&inner, sso::build_get_user(&cfg, &token)).await?;
            let user = sso::parse_get_user(&resp).map_err(|e| js_err(&e))?;
            let v = serde_json::to_value(&user).map_err(|e| error::config(&e.to_string()))?;
            Ok(json::to_js(&v))
        })
    }
}

/// The SSO settings, or `invalid_config` for another provider.
fn config(inner: &Inner) -> Result<sso::Config, JsValue> {
    inner
        .sso
        .clone()
        .ok_or_else(|| error::config("SSO calls need provider: 'sso'."))
}
