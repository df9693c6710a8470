//! SSO v1's configuration, request bodies and results, with their JSON forms.

use crate::json::{Map, Value};
use crate::provider::common;
use crate::secret::Secret;
use crate::text::cat;

/// SSO configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Origin of the API (`/sso/…` is appended).
    pub base_url: String,
    /// Credentials of the API provider for the calls the seed marks with `Authorization`.
    pub credentials: Option<Credentials>,
    /// `agb` (terms accepted) sent with `auth` by the sign-in flow.
    pub agb: Option<bool>,
    /// `dataprotection` (privacy policy accepted) sent with `auth` by the sign-in flow.
    pub dataprotection: Option<bool>,
    /// `pushToken` sent with `auth` by the sign-in flow.
    pub push_token: Option<String>,
}

impl Config {
    /// Reads `{"baseUrl", "credentials", "agb", "dataprotection", "pushToken"}`; all but
    /// `baseUrl` may be absent or null, other members (such as the `provider` tag) are
    /// ignored. The error names the wrong member (`credentials.type: …`).
    pub fn from_json(v: &Value) -> Result<Config, String> {
        let base_url = common::config_required_str(v, "baseUrl")?;
        let credentials =
            common::config_member(v, "credentials", |c| c.as_object().map(|_| c), "an object")?;
        Ok(Config {
            base_url,
            credentials: credentials.map(Credentials::from_json).transpose()?,
            agb: common::config_member(v, "agb", Value::as_bool, "a boolean")?,
            dataprotection: common::config_member(
                v,
                "dataprotection",
                Value::as_bool,
                "a boolean",
            )?,
            push_token: common::config_str(v, "pushToken")?,
        })
    }
}

/// `Authorization` for SSO calls (HTTP Digest is not supported: it needs a challenge round trip).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// The token.
        token: Secret,
    },
    /// `Authorization: Basic base64(username:password)`.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
    },
}

impl Credentials {
    /// Reads `{"type":"bearer","token":…}` or `{"type":"basic","username":…,"password":…}`.
    pub fn from_json(v: &Value) -> Result<Credentials, String> {
        let text = |key: &str| {
            v.get(key)
                .and_then(Value::as_str)
                .ok_or_else(|| cat!("credentials.", key, ": expected a string"))
        };
        match v.get("type").and_then(Value::as_str) {
            Some("bearer") => Ok(Credentials::Bearer {
                token: Secret::new(text("token")?),
            }),
            Some("basic") => Ok(Credentials::Basic {
                username: text("username")?.to_owned(),
                password: Secret::new(text("password")?),
            }),
            _ => Err("credentials.type: expected \"bearer\" or \"basic\"".into()),
        }
    }

    /// The `Authorization` header value.
    pub(super) fn header_value(&self) -> String {
        match self {
            Credentials::Bearer { token } => cat!("Bearer ", token.expose()),
            Credentials::Basic { username, password } => {
                let pair = cat!(username, ":", password.expose());
                cat!("Basic ", common::base64(pair.as_bytes()))
            }
        }
    }
}

/// Body of `sms`: `{"telephone":"+491747707607"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmsInput {
    /// E.164 number.
    pub telephone: String,
}

impl SmsInput {
    /// The body: `{"telephone":"…"}`.
    pub fn to_json(&self) -> Value {
        Value::object([("telephone", self.telephone.as_str().into())])
    }
}

/// Body of `auth`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthInput {
    /// E.164 number.
    pub telephone: String,
    /// The code from the SMS.
    pub code: Secret,
    /// Terms accepted.
    pub agb: Option<bool>,
    /// Privacy policy accepted.
    pub dataprotection: Option<bool>,
    /// Push token.
    pub push_token: Option<String>,
}

impl AuthInput {
    /// The body: `{"telephone","code","agb","dataprotection","pushToken"}`, the last
    /// three left out when `None`.
    pub fn to_json(&self) -> Value {
        common::object_skip_none([
            ("telephone", Some(self.telephone.as_str().into())),
            ("code", Some(self.code.expose().into())),
            ("agb", self.agb.map(Value::from)),
            ("dataprotection", self.dataprotection.map(Value::from)),
            ("pushToken", self.push_token.as_deref().map(Value::from)),
        ])
    }
}

/// What `auth` returns.
#[derive(Clone, Debug, PartialEq)]
pub struct AuthOutput {
    /// The session token.
    pub token: Secret,
    /// The `authCode` for `code` and `POST user`, if sent.
    pub auth_code: Option<Secret>,
    /// The user, if sent.
    pub user: Option<User>,
}

/// Body of `code`: `{"telephone", "code"}` where `code` is the `authCode`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeInput {
    /// E.164 number.
    pub telephone: String,
    /// The auth code.
    pub code: Secret,
}

impl CodeInput {
    /// The body: `{"telephone":"…","code":"…"}`.
    pub fn to_json(&self) -> Value {
        Value::object([
            ("telephone", self.telephone.as_str().into()),
            ("code", self.code.expose().into()),
        ])
    }
}

/// Body of `email-optin`: `{"c": "<users code>"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailOptinInput {
    /// The code from the opt-in mail.
    pub c: Secret,
}

impl EmailOptinInput {
    /// The body: `{"c":"…"}`.
    pub fn to_json(&self) -> Value {
        Value::object([("c", self.c.expose().into())])
    }
}

/// Body of `email-status` and `email`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailInput {
    /// E-mail address.
    pub email: String,
    /// E.164 number.
    pub telephone: String,
}

impl EmailInput {
    /// The body: `{"email":"…","telephone":"…"}`.
    pub fn to_json(&self) -> Value {
        Value::object([
            ("email", self.email.as_str().into()),
            ("telephone", self.telephone.as_str().into()),
        ])
    }
}

/// State of a user's e-mail address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmailState {
    /// `confirmed`
    Confirmed,
    /// `pending`
    Pending,
    /// `none`
    None,
    /// Anything else, as sent.
    Other(String),
}

/// What `email-status` returns (fields absent when the server sends `{}`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EmailStatus {
    /// The address.
    pub email: Option<String>,
    /// Its state.
    pub status: Option<EmailState>,
}

/// One row of `user/status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserStatus {
    /// The number as the server echoed it.
    pub user: String,
    /// Whether it is registered.
    pub is_registered: bool,
}

/// Body of `POST user`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserInput {
    /// E.164 number.
    pub username: String,
    /// The `authCode` from `auth`.
    pub auth_code: Secret,
}

impl UserInput {
    /// The body: `{"username":"…","authCode":"…"}`.
    pub fn to_json(&self) -> Value {
        Value::object([
            ("username", self.username.as_str().into()),
            ("authCode", self.auth_code.expose().into()),
        ])
    }
}

/// An SSO user; unknown fields are kept in `extra`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct User {
    /// User id.
    pub id: Option<i64>,
    /// E-mail.
    pub email: Option<String>,
    /// Nickname.
    pub nickname: Option<String>,
    /// First name.
    pub firstname: Option<String>,
    /// Profile picture URL.
    pub image_url: Option<String>,
    /// Verification status.
    pub verified: Option<bool>,
    /// Every other member, as sent (document order).
    pub extra: Map,
}

/// The members [`User`] reads into its own fields.
const USER_FIELDS: [&str; 6] = [
    "id",
    "email",
    "nickname",
    "firstname",
    "imageUrl",
    "verified",
];

impl User {
    /// Reads a user object. The known members are lenient (absent, null or of another
    /// kind is `None`); every other member goes to `extra`, in document order.
    /// `None` when `v` is not an object.
    pub fn from_json(v: &Value) -> Option<User> {
        let extra = common::other_members(v, &USER_FIELDS)?;
        Some(User {
            id: common::opt_i64(v, "id"),
            email: common::opt_str(v, "email"),
            nickname: common::opt_str(v, "nickname"),
            firstname: common::opt_str(v, "firstname"),
            image_url: common::opt_str(v, "imageUrl"),
            verified: common::opt_bool(v, "verified"),
            extra,
        })
    }

    /// `{"id","email","nickname","firstname","imageUrl","verified", …extra}`: the known
    /// members that are set, then `extra` in its order (what the serde derive wrote).
    pub fn to_json(&self) -> Value {
        let known = [
            ("id", self.id.map(Value::from)),
            ("email", self.email.as_deref().map(Value::from)),
            ("nickname", self.nickname.as_deref().map(Value::from)),
            ("firstname", self.firstname.as_deref().map(Value::from)),
            ("imageUrl", self.image_url.as_deref().map(Value::from)),
            ("verified", self.verified.map(Value::from)),
        ];
        let known = known.into_iter().filter_map(|(k, v)| Some((k, v?)));
        let extra = self.extra.iter().map(|(k, v)| (k.as_str(), v.clone()));
        Value::Object(known.chain(extra).collect())
    }
}
