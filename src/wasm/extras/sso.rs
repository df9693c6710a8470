//! SSO v1's extra endpoints: which numbers are registered, the user record, and the
//! e-mail calls. One [`Call`] per method, run by one `async fn` ([`run`]).

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;

use super::{send, string, user_token, JsResult};
use crate::http::{HttpRequest, HttpResponse};
use crate::json::Value;
use crate::provider::sso::{self, EmailInput, EmailOptinInput, EmailState, UserInput, UserStatus};
use crate::provider::ProviderConfig;
use crate::secret::Secret;
use crate::wasm::client::AuthClient;
use crate::wasm::driver::{js_err, Inner};
use crate::wasm::{error, js};
use crate::Error;

/// Which SSO call [`run`] makes (its two arguments are the JS arguments).
#[derive(Clone, Copy)]
enum Call {
    /// `ssoUserStatus(numbers)`.
    UserStatus,
    /// `ssoGetUser()`.
    GetUser,
    /// `ssoCreateUser(username, authCode)`.
    CreateUser,
    /// `ssoEmail(email, telephone?)`.
    Email,
    /// `ssoEmailStatus(email, telephone?)`.
    EmailStatus,
    /// `ssoEmailOptin(code)`.
    EmailOptin,
}

#[wasm_bindgen]
impl AuthClient {
    /// SSO: whether each number has an account (at most 100 numbers).
    #[wasm_bindgen(js_name = ssoUserStatus, unchecked_return_type = "Promise<SsoUserStatus[]>")]
    pub fn sso_user_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] numbers: JsValue,
    ) -> Promise {
        self.sso(Call::UserStatus, numbers, JsValue::UNDEFINED)
    }

    /// SSO: the signed-in user's record.
    #[wasm_bindgen(js_name = ssoGetUser, unchecked_return_type = "Promise<SsoUser>")]
    pub fn sso_get_user(&self) -> Promise {
        self.sso(Call::GetUser, JsValue::UNDEFINED, JsValue::UNDEFINED)
    }

    /// SSO: the user an `authCode` (from `auth`) belongs to, asked for with the provider
    /// credentials.
    #[wasm_bindgen(js_name = ssoCreateUser, unchecked_return_type = "Promise<SsoUser>")]
    pub fn sso_create_user(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] username: JsValue,
        #[wasm_bindgen(js_name = authCode, unchecked_param_type = "string")] auth_code: JsValue,
    ) -> Promise {
        self.sso(Call::CreateUser, username, auth_code)
    }

    /// SSO: changes the user's e-mail address and sends an opt-in mail. `telephone`
    /// defaults to the signed-in number.
    #[wasm_bindgen(js_name = ssoEmail, unchecked_return_type = "Promise<void>")]
    pub fn sso_email(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] email: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] telephone: JsValue,
    ) -> Promise {
        self.sso(Call::Email, email, telephone)
    }

    /// SSO: the state of an address (`confirmed`, `pending`, `none`). `telephone`
    /// defaults to the signed-in number.
    #[wasm_bindgen(js_name = ssoEmailStatus, unchecked_return_type = "Promise<SsoEmailStatus>")]
    pub fn sso_email_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] email: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] telephone: JsValue,
    ) -> Promise {
        self.sso(Call::EmailStatus, email, telephone)
    }

    /// SSO: confirms an address with the code of the opt-in mail.
    #[wasm_bindgen(js_name = ssoEmailOptin, unchecked_return_type = "Promise<void>")]
    pub fn sso_email_optin(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
    ) -> Promise {
        self.sso(Call::EmailOptin, code, JsValue::UNDEFINED)
    }
}

impl AuthClient {
    fn sso(&self, call: Call, a: JsValue, b: JsValue) -> Promise {
        self.extra(Box::new(move |inner| Box::pin(run(inner, call, a, b))))
    }
}

/// Performs one SSO call: the user's token and number where the call needs them, then
/// build → send → parse (one `send` for every call keeps the wasm small).
async fn run(inner: &Inner, call: Call, a: JsValue, b: JsValue) -> JsResult {
    let ProviderConfig::Sso(cfg) = &inner.settings.extras.provider else {
        return Err(error::config("SSO calls need provider: 'sso'."));
    };
    // Without provider credentials `email` is authorised as the user (OAuth2 bearer).
    let token = match call {
        Call::GetUser => Some(user_token(inner).await?),
        Call::Email if cfg.credentials.is_none() => Some(user_token(inner).await?),
        _ => None,
    };
    let b = match call {
        Call::Email | Call::EmailStatus if b.is_undefined() || b.is_null() => {
            inner.ready().await;
            let phone = inner.core.session().await.map(|s| s.phone).ok_or_else(|| {
                error::js_error("not_signed_in", "Pass a telephone or sign in first.")
            })?;
            JsValue::from(phone)
        }
        _ => b,
    };
    let req = request(cfg, call, a, b, token)?;
    let resp = send(inner, req).await?;
    parse(call, &resp)
        .map(|v| v.map_or(JsValue::UNDEFINED, |v| js::to_js(&v)))
        .map_err(|e| js_err(&e))
}

/// The request of `call` from its JS arguments (checked here, before any request).
fn request(
    cfg: &sso::Config,
    call: Call,
    a: JsValue,
    b: JsValue,
    token: Option<Secret>,
) -> Result<HttpRequest, JsValue> {
    let email = |a: JsValue, b: JsValue| -> Result<EmailInput, JsValue> {
        Ok(EmailInput {
            email: string(a, "email")?,
            telephone: string(b, "telephone")?,
        })
    };
    let req = match call {
        Call::UserStatus => {
            let list: Option<Vec<String>> = Array::is_array(&a)
                .then(|| Array::from(&a).iter().map(|n| n.as_string()).collect())
                .flatten();
            let list = list.ok_or_else(|| {
                error::js_error("invalid_input", "numbers must be an array of strings.")
            })?;
            sso::build_user_status(cfg, &list)
        }
        Call::GetUser => sso::build_get_user(cfg, &token.unwrap_or_default()),
        Call::CreateUser => {
            let input = UserInput {
                username: string(a, "username")?,
                auth_code: Secret::new(string(b, "authCode")?),
            };
            sso::build_create_user(cfg, &input)
        }
        Call::Email => sso::build_email(cfg, &email(a, b)?).map(|r| match &token {
            Some(t) => r.header("Authorization", bearer(t)),
            None => r,
        }),
        Call::EmailStatus => sso::build_email_status(cfg, &email(a, b)?),
        Call::EmailOptin => {
            let c = Secret::new(string(a, "code")?);
            sso::build_email_optin(cfg, &EmailOptinInput { c })
        }
    };
    req.map_err(|e| js_err(&e))
}

/// Reads the response of `call`: JSON for JavaScript, or `None` (`undefined`).
fn parse(call: Call, resp: &HttpResponse) -> Result<Option<Value>, Error> {
    Ok(Some(match call {
        Call::UserStatus => {
            let rows = sso::parse_user_status(resp)?;
            let row = |r: &UserStatus| {
                Value::object([
                    ("user", r.user.as_str().into()),
                    ("isRegistered", r.is_registered.into()),
                ])
            };
            Value::Array(rows.iter().map(row).collect())
        }
        Call::GetUser => sso::parse_get_user(resp)?.to_json(),
        Call::CreateUser => sso::parse_create_user(resp)?.to_json(),
        Call::EmailStatus => {
            let s = sso::parse_email_status(resp)?;
            let status = s.status.map(|st| match st {
                EmailState::Confirmed => "confirmed".to_owned(),
                EmailState::Pending => "pending".to_owned(),
                EmailState::None => "none".to_owned(),
                EmailState::Other(other) => other,
            });
            Value::object([("email", s.email.into()), ("status", status.into())])
        }
        Call::Email => return sso::parse_email(resp).map(|()| None),
        Call::EmailOptin => return sso::parse_email_optin(resp).map(|()| None),
    }))
}

/// `Bearer <token>`.
fn bearer(token: &Secret) -> String {
    let mut s = String::from("Bearer ");
    s.push_str(token.expose());
    s
}
