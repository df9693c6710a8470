//! The backends, one file each, all the same shape.
//!
//! Each endpoint of each API is a pair of free functions in its provider's file:
//! `build_<endpoint>(&Config, input) -> Result<HttpRequest, Error>` and
//! `parse_<endpoint>(&HttpResponse) -> Result<Output, Error>`. On top of those, every
//! provider implements [`Flow`], the four steps the [`crate::session`] machine needs to
//! sign a user in; how a provider chooses sign-in vs sign-up lives in its file, never in
//! the machine.

pub mod arita;
mod common;
#[cfg(feature = "custom")]
pub mod custom;
pub mod gizo;
pub mod monetha;
pub mod sso;

use crate::error::Error;
use crate::http::{HttpRequest, HttpResponse};
use crate::json::Value;
use crate::phone::PhoneNumber;
use crate::secret::{OtpCode, Secret};

/// What the server said when it sent a code; kept (and stored) until `verify`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Challenge {
    /// Handle to echo at verify (Arita `otpToken`, Monetha `verification_token`).
    pub handle: Option<Secret>,
    /// Whether the account already exists, where the API says.
    pub is_registered: Option<bool>,
    /// Seconds the code stays valid, where the API says.
    pub code_ttl: Option<u64>,
}

impl Challenge {
    /// The stored form: `{"handle":…,"isRegistered":…,"codeTtl":…}` (absent members left out).
    pub fn to_json(&self) -> Value {
        common::object_skip_none([
            ("handle", self.handle.as_ref().map(|h| h.expose().into())),
            ("isRegistered", self.is_registered.map(Value::from)),
            ("codeTtl", self.code_ttl.map(Value::from)),
        ])
    }

    /// Reads [`Challenge::to_json`]'s form; wrong types are refused.
    pub fn from_json(v: &Value) -> Option<Challenge> {
        let field = |k: &str| v.get(k).filter(|x| !x.is_null());
        Some(Challenge {
            handle: match field("handle") {
                Some(h) => Some(Secret::new(h.as_str()?)),
                None => None,
            },
            is_registered: match field("isRegistered") {
                Some(b) => Some(b.as_bool()?),
                None => None,
            },
            code_ttl: match field("codeTtl") {
                Some(n) => Some(n.as_u64()?),
                None => None,
            },
        })
    }
}

/// The next thing to do while requesting a code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeStep {
    /// Send this request, then pass its response to [`Flow::on_code_response`] with `step + 1`.
    Send(HttpRequest),
    /// The code was sent.
    Sent(Challenge),
}

/// A successful verification (or provider-native refresh).
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    /// The session token, without any `Bearer ` prefix.
    pub token: Secret,
    /// The user profile the provider returned, as JSON, if any.
    pub user: Option<Value>,
}

/// The sign-in flow of one provider.
pub trait Flow {
    /// Short name: `gizo`, `arita`, `monetha`, `sso` or the custom description's name.
    fn name(&self) -> &str;
    /// The `baseUrl` every request starts with (a stored session is bound to it).
    fn base_url(&self) -> &str;
    /// First request of the code phase.
    fn code_request(&self, phone: &PhoneNumber) -> Result<HttpRequest, Error>;
    /// The response to request number `step` (0 is the one from [`Flow::code_request`]).
    fn on_code_response(
        &self,
        phone: &PhoneNumber,
        step: u8,
        resp: &HttpResponse,
    ) -> Result<CodeStep, Error>;
    /// The verify request.
    fn verify_request(
        &self,
        phone: &PhoneNumber,
        challenge: &Challenge,
        code: &OtpCode,
    ) -> Result<HttpRequest, Error>;
    /// The verify response.
    fn on_verify_response(&self, resp: &HttpResponse) -> Result<Verified, Error>;
    /// A provider-native refresh request, where the API has one (only custom providers).
    fn refresh_request(&self, _token: &Secret) -> Option<Result<HttpRequest, Error>> {
        None
    }
    /// The refresh response.
    fn on_refresh_response(&self, resp: &HttpResponse) -> Result<Verified, Error> {
        self.on_verify_response(resp)
    }
    /// A server-side sign-out request, where the API has one (Arita `DELETE logout`).
    fn sign_out_request(&self, _token: &Secret) -> Option<HttpRequest> {
        None
    }
}

#[cfg(not(any(
    feature = "gizo",
    feature = "arita",
    feature = "monetha",
    feature = "sso",
    feature = "custom"
)))]
compile_error!(
    "phone-auth needs a provider: the feature `providers` (all four), one of `gizo`, \
     `arita`, `monetha`, `sso`, or `custom`"
);

/// A provider and its configuration; JS passes it as an object tagged by `provider`.
#[derive(Clone, Debug, PartialEq)]
// A custom description is large (endpoint templates); a config is built once per client.
#[allow(clippy::large_enum_variant)]
pub enum ProviderConfig {
    /// GIZO. (feature `gizo`)
    #[cfg(feature = "gizo")]
    Gizo(gizo::Config),
    /// Arita App User Auth. (feature `arita`)
    #[cfg(feature = "arita")]
    Arita(arita::Config),
    /// Monetha. (feature `monetha`)
    #[cfg(feature = "monetha")]
    Monetha(monetha::Config),
    /// SSO v1. (feature `sso`)
    #[cfg(feature = "sso")]
    Sso(sso::Config),
    /// A declarative description of another phone-OTP API (feature `custom`).
    #[cfg(feature = "custom")]
    Custom(custom::Description),
}

impl ProviderConfig {
    /// Reads `{"provider": "gizo" | "arita" | "monetha" | "sso" | "custom", …}` with the
    /// provider's own members beside the tag (a custom description is the object itself).
    /// The error names the member that is wrong (`baseUrl: expected a string`).
    pub fn from_json(v: &Value) -> Result<ProviderConfig, String> {
        if v.as_object().is_none() {
            return Err("the provider configuration must be an object".into());
        }
        let config = match v.get("provider").and_then(Value::as_str) {
            #[cfg(feature = "gizo")]
            Some("gizo") => gizo::Config::from_json(v).map(ProviderConfig::Gizo),
            #[cfg(feature = "arita")]
            Some("arita") => arita::Config::from_json(v).map(ProviderConfig::Arita),
            #[cfg(feature = "monetha")]
            Some("monetha") => monetha::Config::from_json(v).map(ProviderConfig::Monetha),
            #[cfg(feature = "sso")]
            Some("sso") => sso::Config::from_json(v).map(ProviderConfig::Sso),
            #[cfg(feature = "custom")]
            Some("custom") => custom::Description::from_json(v).map(ProviderConfig::Custom),
            #[cfg(not(feature = "custom"))]
            Some("custom") => Err(
                "a provider description needs the full build: import it from \
                 'phone-auth/full' (Rust: the feature `custom`)"
                    .into(),
            ),
            // Reached only in a build without every provider (`phone-auth/sso`, …).
            #[allow(unreachable_patterns)]
            Some(name @ ("gizo" | "arita" | "monetha" | "sso")) => Err(crate::text::cat!(
                "provider \"",
                name,
                "\" is not in this build: import 'phone-auth' (every provider) or 'phone-auth/",
                name,
                "' (Rust: the feature `",
                name,
                "`)"
            )),
            _ => Err(
                "provider: expected \"gizo\", \"arita\", \"monetha\", \"sso\" or \"custom\"".into(),
            ),
        }?;
        // Codes and tokens go to baseUrl: https, or http to this device, or http anywhere
        // only when the app says so (development).
        let allow_http = v
            .get("allowInsecureHttp")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        match crate::origin::check_base_url(config.base_url(), allow_http) {
            Ok(_) => Ok(config),
            Err(Error::InvalidConfig { message }) => Err(message),
            Err(e) => Err(e.message()),
        }
    }

    /// The flow of this provider.
    pub fn flow(&self) -> &dyn Flow {
        match self {
            #[cfg(feature = "gizo")]
            ProviderConfig::Gizo(c) => c,
            #[cfg(feature = "arita")]
            ProviderConfig::Arita(c) => c,
            #[cfg(feature = "monetha")]
            ProviderConfig::Monetha(c) => c,
            #[cfg(feature = "sso")]
            ProviderConfig::Sso(c) => c,
            #[cfg(feature = "custom")]
            ProviderConfig::Custom(c) => c,
        }
    }
}

/// A configured provider is itself a flow (it delegates to [`ProviderConfig::flow`]), so
/// the session machine can own one: `session::Machine<ProviderConfig>`.
impl Flow for ProviderConfig {
    fn name(&self) -> &str {
        self.flow().name()
    }
    fn base_url(&self) -> &str {
        self.flow().base_url()
    }
    fn code_request(&self, phone: &PhoneNumber) -> Result<HttpRequest, Error> {
        self.flow().code_request(phone)
    }
    fn on_code_response(
        &self,
        phone: &PhoneNumber,
        step: u8,
        resp: &HttpResponse,
    ) -> Result<CodeStep, Error> {
        self.flow().on_code_response(phone, step, resp)
    }
    fn verify_request(
        &self,
        phone: &PhoneNumber,
        challenge: &Challenge,
        code: &OtpCode,
    ) -> Result<HttpRequest, Error> {
        self.flow().verify_request(phone, challenge, code)
    }
    fn on_verify_response(&self, resp: &HttpResponse) -> Result<Verified, Error> {
        self.flow().on_verify_response(resp)
    }
    fn refresh_request(&self, token: &Secret) -> Option<Result<HttpRequest, Error>> {
        self.flow().refresh_request(token)
    }
    fn on_refresh_response(&self, resp: &HttpResponse) -> Result<Verified, Error> {
        self.flow().on_refresh_response(resp)
    }
    fn sign_out_request(&self, token: &Secret) -> Option<HttpRequest> {
        self.flow().sign_out_request(token)
    }
}
