//! Arita's configuration, request bodies and results, with their JSON forms.

use crate::json::Value;
use crate::provider::common::{self, int_enum};
use crate::secret::{OtpCode, Secret};

/// Arita configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Origin of the API (paths `/app/auth/…` are appended).
    pub base_url: String,
    /// This device's push token, sent with a password login (`deviceToken`).
    pub device_token: Option<String>,
}

impl Config {
    /// Reads `{"baseUrl": "…", "deviceToken": "…"}` (`deviceToken` may be absent or
    /// null; other members, such as the `provider` tag, are ignored). The error names
    /// the wrong member.
    pub fn from_json(v: &Value) -> Result<Config, String> {
        Ok(Config {
            base_url: common::config_required_str(v, "baseUrl")?,
            device_token: common::config_str(v, "deviceToken")?,
        })
    }
}

/// Body with a `loginID` (account check): e-mail, phone (E.164 here) or username.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginIdInput {
    /// The login identification.
    pub login_id: String,
}

impl LoginIdInput {
    /// The body: `{"loginID":"…"}`.
    pub fn to_json(&self) -> Value {
        Value::object([("loginID", self.login_id.as_str().into())])
    }
}

int_enum! {
    /// What kind of identifier `account/check` recognised.
    pub enum AccountType {
        /// 1
        Username = 1,
        /// 2
        Email = 2,
        /// 3
        Phone = 3,
    }
}

/// `account/check` data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountCheck {
    /// Kind of identifier.
    pub account_type: Option<AccountType>,
    /// Whether the account exists.
    pub exists: bool,
    /// Whether the user has set a password.
    pub set_password: Option<bool>,
}

impl AccountCheck {
    /// Reads `{"accountType":3,"exists":false,"setPassword":false}`: `exists` must be a
    /// boolean; the other two become `None` when absent, null or of another kind.
    pub fn from_json(v: &Value) -> Option<AccountCheck> {
        Some(AccountCheck {
            account_type: v.get("accountType").and_then(AccountType::from_json),
            exists: v.get("exists")?.as_bool()?,
            set_password: common::opt_bool(v, "setPassword"),
        })
    }

    /// `{"accountType":…,"exists":…,"setPassword":…}`, `null` for an unknown member.
    pub fn to_json(&self) -> Value {
        Value::object([
            ("accountType", self.account_type.into()),
            ("exists", self.exists.into()),
            ("setPassword", self.set_password.into()),
        ])
    }
}

/// Body of `username/info`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsernameInput {
    /// The username.
    pub username: String,
}

impl UsernameInput {
    /// The body: `{"username":"…"}`.
    pub fn to_json(&self) -> Value {
        Value::object([("username", self.username.as_str().into())])
    }
}

/// E-mail and phone of a user (blurred from `username/info`, clear from `GET info`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EmailPhone {
    /// E-mail, if linked.
    pub email: Option<String>,
    /// Phone, if linked.
    pub phone: Option<String>,
}

impl EmailPhone {
    /// Reads `{"email":…,"phone":…}` (an object; a member that is absent, null or not a
    /// string is `None`).
    pub fn from_json(v: &Value) -> Option<EmailPhone> {
        v.as_object()?;
        Some(EmailPhone {
            email: common::opt_str(v, "email"),
            phone: common::opt_str(v, "phone"),
        })
    }
}

/// A password login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginInput {
    /// E-mail, phone or username.
    pub login_id: String,
    /// The password.
    pub password: Secret,
    /// Device token; [`Config::device_token`] when `None`.
    pub device_token: Option<String>,
}

int_enum! {
    /// `OtpNature`: why a code is sent.
    pub enum OtpNature {
        /// 1: login.
        Login = 1,
        /// 2: sign-up.
        Signup = 2,
        /// 3: reset or forgotten password.
        ResetPassword = 3,
        /// 4: update or link an e-mail.
        UpdateEmail = 4,
        /// 5: update or link a phone.
        UpdatePhone = 5,
    }
}

int_enum! {
    /// `SendType`: 0 when `loginID` is an e-mail or phone; for a username 1 (e-mail) or 2 (phone).
    pub enum SendType {
        /// 0
        None = 0,
        /// 1
        Email = 1,
        /// 2
        Phone = 2,
    }
}

/// Body of `otp`: `{"nature":1,"loginID":"…","sendType":0}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtpInput {
    /// Why the code is sent.
    pub nature: OtpNature,
    /// E-mail, phone or username.
    pub login_id: String,
    /// Where to send it.
    pub send_type: SendType,
}

impl OtpInput {
    /// The body: `{"nature":1,"loginID":"…","sendType":0}`.
    pub fn to_json(&self) -> Value {
        Value::object([
            ("nature", self.nature.into()),
            ("loginID", self.login_id.as_str().into()),
            ("sendType", self.send_type.into()),
        ])
    }
}

/// Body of the three `…/verify` calls: `{"otp":37695,"otpToken":"…"}` (the code as an integer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyInput {
    /// The code.
    pub otp: OtpCode,
    /// The `otpToken` from `otp`.
    pub otp_token: Secret,
}

impl VerifyInput {
    /// The body: `{"otp":37695,"otpToken":"…"}`.
    pub fn to_json(&self) -> Value {
        Value::object([
            ("otp", self.otp.as_u64().into()),
            ("otpToken", self.otp_token.expose().into()),
        ])
    }
}
