//! GIZO's admin calls (`company/access-token`, `v2/User/client-token`): server-side
//! helpers. A client secret never belongs in a browser, so `gizoAccessToken` refuses
//! to run where there is a `document` unless `allowClientSecretInBrowser` is set.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::{send, JsResult};
use crate::provider::gizo::{self, AccessTokenInput, ClientTokenInput};
use crate::provider::ProviderConfig;
use crate::secret::Secret;
use crate::wasm::client::AuthClient;
use crate::wasm::driver::{js_err, Inner};
use crate::wasm::{error, host};

#[wasm_bindgen]
impl AuthClient {
    /// GIZO, server-only: the company (admin) token for a client id and secret.
    #[wasm_bindgen(js_name = gizoAccessToken, unchecked_return_type = "Promise<string>")]
    pub fn gizo_access_token(
        &self,
        #[wasm_bindgen(js_name = clientId, unchecked_param_type = "string")] client_id: JsValue,
        #[wasm_bindgen(js_name = clientSecret, unchecked_param_type = "string")]
        client_secret: JsValue,
    ) -> Promise {
        self.extra(Box::new(move |inner| {
            Box::pin(access_token(inner, client_id, client_secret))
        }))
    }

    /// GIZO, server-only: a user's token, asked for with the admin token.
    #[wasm_bindgen(js_name = gizoClientToken, unchecked_return_type = "Promise<string>")]
    pub fn gizo_client_token(
        &self,
        #[wasm_bindgen(js_name = adminToken, unchecked_param_type = "string")] admin_token: JsValue,
        #[wasm_bindgen(js_name = userId, unchecked_param_type = "number")] user_id: JsValue,
    ) -> Promise {
        self.extra(Box::new(move |inner| {
            Box::pin(client_token(inner, admin_token, user_id))
        }))
    }
}

/// `gizoAccessToken`.
async fn access_token(inner: &Inner, client_id: JsValue, client_secret: JsValue) -> JsResult {
    if host::has_document() && !inner.settings.extras.allow_client_secret {
        return Err(error::config(
            "A client secret never belongs in a browser: call gizoAccessToken on your \
             server (or set allowClientSecretInBrowser for a trusted admin tool).",
        ));
    }
    let (Some(client_id), Some(secret)) = (client_id.as_string(), client_secret.as_string()) else {
        return Err(error::config("clientId and clientSecret must be strings."));
    };
    let cfg = admin_config(inner)?;
    let input = AccessTokenInput {
        client_id,
        client_secret: Secret::new(secret),
    };
    let req = gizo::build_access_token(cfg, &input).map_err(|e| js_err(&e))?;
    let resp = send(inner, req).await?;
    let token = gizo::parse_access_token(&resp).map_err(|e| js_err(&e))?;
    Ok(JsValue::from_str(token.expose()))
}

/// `gizoClientToken`.
async fn client_token(inner: &Inner, admin_token: JsValue, user_id: JsValue) -> JsResult {
    let admin = admin_token
        .as_string()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| error::config("The admin token must be a non-empty string."))?;
    let user_id = user_id
        .as_f64()
        .filter(|n| n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0)
        .ok_or_else(|| error::config("userId must be an integer."))?;
    let cfg = admin_config(inner)?;
    let input = ClientTokenInput {
        user_id: user_id as i64,
    };
    let req = gizo::build_client_token(cfg, &Secret::new(admin), &input).map_err(|e| js_err(&e))?;
    let resp = send(inner, req).await?;
    let token = gizo::parse_client_token(&resp).map_err(|e| js_err(&e))?;
    Ok(JsValue::from_str(token.expose()))
}

/// The GIZO settings, or `invalid_config` for another provider.
fn admin_config(inner: &Inner) -> Result<&gizo::Config, JsValue> {
    match &inner.settings.extras.provider {
        ProviderConfig::Gizo(cfg) => Ok(cfg),
        _ => Err(error::config("GIZO admin calls need provider: 'gizo'.")),
    }
}
