//! SSO v1's extra endpoints: which numbers are registered, the user record, and the
//! e-mail calls. One [`Call`] per method, run by one `async fn` ([`run`]).

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;

use super::arita::{done, send, string, user_token};
use super::client::AuthClient;
use super::driver::{js_err, Inner};
use super::ops::Op;
use super::{error, js};
use crate::json::Value;
use crate::provider::sso::{self, EmailInput, EmailOptinInput, EmailState, User, UserInput};
use crate::secret::Secret;
use crate::Error;

/// Which SSO call an [`Op::Sso`] is (its two arguments are the JS arguments).
#[derive(Clone, Copy)]
pub enum Call {
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
        #[wasm_bindgen(unchecked_param_type = "string")] auth_code: JsValue,
    ) -> Promise {
        self.sso(Call::CreateUser, username, auth_code)
    }

    /// SSO: changes the user's e-mail address and sends an opt-in mail. `telephone`
    /// defaults to the signed-in number.
    #[wasm_bindgen(js_name = ssoEmail, unchecked_return_type = "Promise<void>")]
    pub fn sso_email(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] email: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | undefined")] telephone: JsValue,
    ) -> Promise {
        self.sso(Call::Email, email, telephone)
    }

    /// SSO: the state of an address (`confirmed`, `pending`, `none`). `telephone`
    /// defaults to the signed-in number.
    #[wasm_bindgen(js_name = ssoEmailStatus, unchecked_return_type = "Promise<SsoEmailStatus>")]
    pub fn sso_email_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] email: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | undefined")] telephone: JsValue,
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
        self.call(Op::Sso(call, a, b))
    }
}

/// Performs one SSO call.
pub(super) async fn run(
    inner: &Inner,
    call: Call,
    a: JsValue,
    b: JsValue,
) -> Result<JsValue, JsValue> {
    let cfg = inner
        .sso
        .clone()
        .ok_or_else(|| error::config("SSO calls need provider: 'sso'."))?;
    match call {
        Call::UserStatus => {
            let list: Option<Vec<String>> = Array::is_array(&a)
                .then(|| Array::from(&a).iter().map(|n| n.as_string()).collect())
                .flatten();
            let list = list.ok_or_else(|| {
                error::js_error("invalid_input", "numbers must be an array of strings.")
            })?;
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
        Call::GetUser => {
            let token = user_token(inner).await?;
            user(sso::parse_get_user(
                &send(inner, sso::build_get_user(&cfg, &token)).await?,
            ))
        }
        Call::CreateUser => {
            let input = UserInput {
                username: string(a, "username")?,
                auth_code: Secret::new(string(b, "authCode")?),
            };
            user(sso::parse_create_user(
                &send(inner, sso::build_create_user(&cfg, &input)).await?,
            ))
        }
        Call::Email => {
            let input = email_input(inner, a, b).await?;
            let mut req = sso::build_email(&cfg, &input);
            // Without provider credentials the call is authorised as the user (OAuth2 bearer).
            if cfg.credentials.is_none() {
                let token = user_token(inner).await?;
                req = req.map(|r| r.header("Authorization", bearer(&token)));
            }
            done(sso::parse_email(&send(inner, req).await?))
        }
        Call::EmailStatus => {
            let input = email_input(inner, a, b).await?;
            let resp = send(inner, sso::build_email_status(&cfg, &input)).await?;
            let s = sso::parse_email_status(&resp).map_err(|e| js_err(&e))?;
            let status = s.status.map(|st| match st {
                EmailState::Confirmed => "confirmed".to_owned(),
                EmailState::Pending => "pending".to_owned(),
                EmailState::None => "none".to_owned(),
                EmailState::Other(other) => other,
            });
            Ok(js::to_js(&Value::object([
                ("email", s.email.into()),
                ("status", status.into()),
            ])))
        }
        Call::EmailOptin => {
            let c = Secret::new(string(a, "code")?);
            let resp = send(inner, sso::build_email_optin(&cfg, &EmailOptinInput { c })).await?;
            done(sso::parse_email_optin(&resp))
        }
    }
}

/// `{email, telephone}`: `telephone` as given, else the signed-in number.
async fn email_input(
    inner: &Inner,
    email: JsValue,
    telephone: JsValue,
) -> Result<EmailInput, JsValue> {
    let email = string(email, "email")?;
    let telephone = match telephone.as_string() {
        Some(t) => t,
        None if telephone.is_undefined() || telephone.is_null() => {
            inner.ready().await;
            inner.core.session().await.map(|s| s.phone).ok_or_else(|| {
                error::js_error("not_signed_in", "Pass a telephone or sign in first.")
            })?
        }
        None => {
            return Err(error::js_error(
                "invalid_input",
                "telephone must be a string.",
            ))
        }
    };
    Ok(EmailInput { email, telephone })
}

/// `Bearer <token>`.
fn bearer(token: &Secret) -> String {
    let mut s = String::from("Bearer ");
    s.push_str(token.expose());
    s
}

/// The user record as the backend sent it.
fn user(r: Result<User, Error>) -> Result<JsValue, JsValue> {
    r.map(|u| js::to_js(&u.to_json())).map_err(|e| js_err(&e))
}
