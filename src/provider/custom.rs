//! A fifth backend without Rust: a declarative [`Description`] of a phone-OTP API.
//!
//! JavaScript passes it as a plain object (`camelCase`). Endpoints are templates:
//! `{{name}}` placeholders in paths, header values and JSON body strings are filled in
//! per request, and JSON pointers (RFC 6901) say where the code-request handle, the
//! is-registered flag, the token and the user sit in the responses. Placeholders:
//!
//! | placeholder | value | usable in |
//! |---|---|---|
//! | `{{phone}}` | the number in [`Description::phone_format`] | code, verify, sign-up |
//! | `{{e164}}`, `{{nationalNumber}}`, `{{countryCode}}`, `{{region}}` | parts of the number | code, verify, sign-up |
//! | `{{code}}` | the code's digits as a string | verify, sign-up |
//! | `{{codeNumber}}` | the code as a JSON integer (a whole body string only) | verify, sign-up |
//! | `{{handle}}` | the value at `handlePointer` in the code response | verify, sign-up |
//! | `{{token}}` | the current session token | refresh, sign-out |

use core::fmt;

use super::common;
use super::{Challenge, CodeStep, Flow, Verified};
use crate::error::Error;
use crate::http::{join_url, HttpRequest, HttpResponse, Method};
use crate::json::Value;
use crate::phone::{PhoneError, PhoneFormat, PhoneNumber};
use crate::secret::{OtpCode, Secret};
use read::pointer;
use template::{collect_strings, fill, fill_json, placeholders, Vars, CODE_VARS, PHONE_VARS};

/// A phone-OTP API described as data.
#[derive(Clone, Debug, PartialEq)]
pub struct Description {
    /// Short name (`[a-z0-9_-]`, 1–32 characters), reported as the provider name.
    pub name: String,
    /// Origin of the API; endpoint paths are appended.
    pub base_url: String,
    /// How `{{phone}}` is written.
    pub phone_format: PhoneForm,
    /// Headers sent with every request, in this order (templates allowed where the
    /// endpoint allows them); [`Description::from_json`] sorts them by name.
    pub headers: Vec<(String, String)>,
    /// Sends the code.
    pub request_code: Endpoint,
    /// Checks the code (for registered numbers, or always when `signUp` is absent).
    pub verify: Endpoint,
    /// Checks the code for numbers `registeredPointer` says are not registered.
    pub sign_up: Option<Endpoint>,
    /// Trades the current token for a new one (provider-native refresh).
    pub refresh: Option<Endpoint>,
    /// Revokes the token on sign-out.
    pub sign_out: Option<Endpoint>,
    /// Pointer to the handle in the code response (string or number).
    pub handle_pointer: Option<String>,
    /// Pointer to the is-registered flag in the code response (bool, 0/1, "0"/"1").
    pub registered_pointer: Option<String>,
    /// Pointer to the code's lifetime in seconds in the code response.
    pub code_ttl_pointer: Option<String>,
    /// Pointer to the token in verify and refresh responses (a `Bearer ` prefix is stripped).
    pub token_pointer: String,
    /// Pointer to the user object in verify and refresh responses.
    pub user_pointer: Option<String>,
    /// Pointer to a success flag: where it is `false`, a 2xx response is a failure.
    pub success_pointer: Option<String>,
    /// Pointer to a machine-readable error kind in failure bodies.
    pub error_pointer: Option<String>,
    /// Pointer to the human message in failure bodies (default: `message`, `title`, `error`…).
    pub message_pointer: Option<String>,
    /// Values found at `errorPointer`, mapped to phone-auth error codes (of a value
    /// listed twice the last entry counts; [`Description::from_json`] sorts them).
    pub error_codes: Vec<(String, ErrorKind)>,
}

/// One endpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// HTTP method (`POST` by default).
    pub method: Method,
    /// Path, starting with `/`, appended to the base URL; placeholders are percent-encoded.
    pub path: String,
    /// Extra headers for this endpoint, sent after the shared ones, in this order
    /// ([`Description::from_json`] sorts them by name).
    pub headers: Vec<(String, String)>,
    /// JSON body template (sent as `application/json`; object keys go out sorted, and
    /// [`Description::from_json`] keeps them sorted).
    pub body: Option<Value>,
}

/// How `{{phone}}` is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PhoneForm {
    /// `+491747707607`
    #[default]
    E164,
    /// `+49_1747707607`
    Gizo,
    /// `1747707607`
    NationalDigits,
    /// `+49 174 7707607`
    International,
}

impl From<PhoneForm> for PhoneFormat {
    fn from(f: PhoneForm) -> PhoneFormat {
        match f {
            PhoneForm::E164 => PhoneFormat::E164,
            PhoneForm::Gizo => PhoneFormat::Gizo,
            PhoneForm::NationalDigits => PhoneFormat::NationalDigits,
            PhoneForm::International => PhoneFormat::International,
        }
    }
}

/// The error codes a custom API's failures can map to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `invalid_code`
    InvalidCode,
    /// `code_expired`
    CodeExpired,
    /// `too_many_attempts`
    TooManyAttempts,
    /// `rate_limited`
    RateLimited,
    /// `invalid_phone`
    InvalidPhone,
    /// `unauthorized`
    Unauthorized,
}

/// Why a [`Description`] is unusable; becomes `invalid_config`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DescriptionError {
    /// `name` is empty, too long or has characters outside `[a-z0-9_-]`.
    Name,
    /// `baseUrl` is not an `http://` or `https://` URL.
    BaseUrl,
    /// An endpoint path does not start with `/`.
    Path(&'static str),
    /// A pointer is not a JSON pointer (empty or starting with `/`).
    Pointer(&'static str),
    /// A header name is not a token, or a value has a line break.
    Header(&'static str),
    /// A `{{` without its `}}`.
    Unterminated(&'static str),
    /// A placeholder that does not exist.
    UnknownPlaceholder(&'static str, String),
    /// A placeholder that has no value at that endpoint (e.g. `{{token}}` in verify).
    Unavailable(&'static str, String),
    /// `verify`/`signUp` never send the code.
    CodeNotSent(&'static str),
    /// `{{handle}}` is used but `handlePointer` is not set.
    HandleWithoutPointer,
    /// `signUp` is set but `registeredPointer` is not.
    SignUpWithoutRegisteredPointer,
}

impl fmt::Display for DescriptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Name => f.write_str("`name` must be 1-32 characters of a-z, 0-9, _ and -"),
            Self::BaseUrl => f.write_str("`baseUrl` must start with http:// or https://"),
            Self::Path(e) => write!(f, "the path of `{e}` must start with /"),
            Self::Pointer(p) => write!(f, "`{p}` is not a JSON pointer (it must start with /)"),
            Self::Header(e) => write!(f, "a header of `{e}` has an invalid name or value"),
            Self::Unterminated(e) => write!(f, "`{e}` has a `{{{{` without `}}}}`"),
            Self::UnknownPlaceholder(e, n) => {
                write!(f, "`{e}` uses an unknown placeholder {{{{{n}}}}}")
            }
            Self::Unavailable(e, n) => write!(f, "{{{{{n}}}}} has no value in `{e}`"),
            Self::CodeNotSent(e) => write!(f, "`{e}` must send {{{{code}}}} or {{{{codeNumber}}}}"),
            Self::HandleWithoutPointer => f.write_str("{{handle}} needs `handlePointer`"),
            Self::SignUpWithoutRegisteredPointer => {
                f.write_str("`signUp` needs `registeredPointer`")
            }
        }
    }
}

impl std::error::Error for DescriptionError {}

impl From<DescriptionError> for Error {
    fn from(e: DescriptionError) -> Self {
        Error::InvalidConfig {
            message: format!("custom provider: {e}"),
        }
    }
}

impl Description {
    /// Reads a description as JavaScript passes it (`camelCase`, see the module docs and
    /// `docs/providers.md`). Unknown or repeated members are refused so typos surface; a
    /// `provider` member, if present, must be `"custom"` (the tag of
    /// [`super::ProviderConfig`]). The error names the member:
    /// `verify.method: expected "GET", "POST", "PUT", "PATCH" or "DELETE"`.
    ///
    /// Reading does not [`validate`](Description::validate); every request does.
    pub fn from_json(v: &Value) -> Result<Description, String> {
        read::description(v)
    }

    /// Checks the description; every failure is a [`DescriptionError`].
    pub fn validate(&self) -> Result<(), DescriptionError> {
        let name_ok = (1..=32).contains(&self.name.len())
            && self
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !name_ok {
            return Err(DescriptionError::Name);
        }
        let url = &self.base_url;
        let rest = strip_prefix_ignore_case(url, "https://")
            .or_else(|| strip_prefix_ignore_case(url, "http://"));
        if rest.is_none_or(|r| r.is_empty() || r.chars().any(char::is_whitespace)) {
            return Err(DescriptionError::BaseUrl);
        }
        let pointers = [
            ("handlePointer", self.handle_pointer.as_deref()),
            ("registeredPointer", self.registered_pointer.as_deref()),
            ("codeTtlPointer", self.code_ttl_pointer.as_deref()),
            ("tokenPointer", Some(self.token_pointer.as_str())),
            ("userPointer", self.user_pointer.as_deref()),
            ("successPointer", self.success_pointer.as_deref()),
            ("errorPointer", self.error_pointer.as_deref()),
            ("messagePointer", self.message_pointer.as_deref()),
        ];
        for (field, p) in pointers {
            if p.is_some_and(|p| !(p.is_empty() || p.starts_with('/'))) {
                return Err(DescriptionError::Pointer(field));
            }
        }
        // Shared headers are sent with every request, so they may use no placeholder.
        self.check_templates("headers", None, &self.headers, &[])?;
        self.check_endpoint("requestCode", &self.request_code, PHONE_VARS)?;
        for (name, endpoint) in [
            ("verify", Some(&self.verify)),
            ("signUp", self.sign_up.as_ref()),
        ] {
            let Some(endpoint) = endpoint else { continue };
            let used = self.check_endpoint(name, endpoint, CODE_VARS)?;
            if !used.iter().any(|u| u == "code" || u == "codeNumber") {
                return Err(DescriptionError::CodeNotSent(name));
            }
            if used.iter().any(|u| u == "handle") && self.handle_pointer.is_none() {
                return Err(DescriptionError::HandleWithoutPointer);
            }
        }
        if self.sign_up.is_some() && self.registered_pointer.is_none() {
            return Err(DescriptionError::SignUpWithoutRegisteredPointer);
        }
        for (name, endpoint) in [("refresh", &self.refresh), ("signOut", &self.sign_out)] {
            if let Some(endpoint) = endpoint {
                self.check_endpoint(name, endpoint, &["token"])?;
            }
        }
        Ok(())
    }

    /// Checks one endpoint and returns the placeholders it uses.
    fn check_endpoint(
        &self,
        name: &'static str,
        endpoint: &Endpoint,
        allowed: &[&str],
    ) -> Result<Vec<String>, DescriptionError> {
        if !endpoint.path.starts_with('/') {
            return Err(DescriptionError::Path(name));
        }
        let mut used =
            self.check_templates(name, Some(&endpoint.path), &endpoint.headers, allowed)?;
        let mut strings = Vec::new();
        if let Some(body) = &endpoint.body {
            collect_strings(body, &mut strings);
        }
        for s in strings {
            used.extend(placeholders(name, s, allowed)?);
        }
        Ok(used)
    }

    fn check_templates(
        &self,
        name: &'static str,
        path: Option<&str>,
        headers: &[(String, String)],
        allowed: &[&str],
    ) -> Result<Vec<String>, DescriptionError> {
        let mut used = Vec::new();
        for (k, v) in headers {
            let name_ok = !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
            if !name_ok || v.bytes().any(|b| b == b'\r' || b == b'\n') {
                return Err(DescriptionError::Header(name));
            }
            used.extend(placeholders(name, v, allowed)?);
        }
        if let Some(path) = path {
            used.extend(placeholders(name, path, allowed)?);
        }
        Ok(used)
    }

    fn build(&self, endpoint: &Endpoint, vars: &Vars) -> Result<HttpRequest, Error> {
        self.validate()?;
        let path = fill(&endpoint.path, vars, true)?;
        let mut req = HttpRequest::new(endpoint.method, join_url(&self.base_url, &path));
        for (k, v) in self.headers.iter().chain(&endpoint.headers) {
            req = req.header(k, fill(v, vars, false)?);
        }
        if let Some(template) = &endpoint.body {
            req = req.json(&fill_json(template, vars)?);
        }
        Ok(req)
    }

    /// A 2xx body (`Null` when empty) that is not a failure by `successPointer`.
    fn success_json(&self, resp: &HttpResponse) -> Result<Value, Error> {
        if !resp.is_success() {
            return Err(self.error(resp, common::lenient_json(resp).as_ref()));
        }
        if resp.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        let body = common::json_body(resp)?;
        let flag = self
            .success_pointer
            .as_deref()
            .and_then(|p| pointer(&body, p));
        if flag.and_then(common::loose_bool) == Some(false) {
            return Err(self.error(resp, Some(&body)));
        }
        Ok(body)
    }

    fn error(&self, resp: &HttpResponse, body: Option<&Value>) -> Error {
        let at = |p: &Option<String>| body.zip(p.as_deref()).and_then(|(b, p)| pointer(b, p));
        let message = at(&self.message_pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| common::message(body));
        let retry = common::retry_after(resp, body);
        let kind = at(&self.error_pointer).and_then(|v| match v {
            Value::String(s) => self.error_kind(s),
            other => self.error_kind(&other.as_i64()?.to_string()),
        });
        let status = resp.status;
        match kind {
            Some(ErrorKind::InvalidCode) => Error::InvalidCode {
                status: Some(status),
                message,
            },
            Some(ErrorKind::CodeExpired) => Error::CodeExpired,
            Some(ErrorKind::TooManyAttempts) => Error::TooManyAttempts,
            Some(ErrorKind::RateLimited) => Error::RateLimited {
                retry_after: retry,
                status: Some(status),
                message,
            },
            Some(ErrorKind::InvalidPhone) => Error::InvalidPhone(PhoneError::NotANumber),
            Some(ErrorKind::Unauthorized) => Error::Unauthorized { status, message },
            None if resp.is_success() => Error::Server { status, message },
            None => Error::from_status(status, message, retry),
        }
    }

    /// What `errorCodes` maps a value at `errorPointer` to (the last entry of it counts).
    fn error_kind(&self, value: &str) -> Option<ErrorKind> {
        let found = self.error_codes.iter().rev().find(|(k, _)| k == value);
        found.map(|(_, kind)| *kind)
    }

    /// Token and user from a verify or refresh response.
    fn verified(&self, resp: &HttpResponse) -> Result<Verified, Error> {
        let body = self.success_json(resp)?;
        let raw = pointer(&body, &self.token_pointer).and_then(Value::as_str);
        let token = common::token_from(resp, &body, raw)?;
        let user = self
            .user_pointer
            .as_deref()
            .and_then(|p| pointer(&body, p))
            .filter(|u| !u.is_null())
            .cloned();
        Ok(Verified { token, user })
    }
}

impl Flow for Description {
    fn name(&self) -> &str {
        &self.name
    }
    fn base_url(&self) -> &str {
        &self.base_url
    }

    fn code_request(&self, phone: &PhoneNumber) -> Result<HttpRequest, Error> {
        self.build(&self.request_code, &Vars::phone(self.phone_format, phone))
    }

    fn on_code_response(
        &self,
        _phone: &PhoneNumber,
        step: u8,
        resp: &HttpResponse,
    ) -> Result<CodeStep, Error> {
        if step != 0 {
            return Err(common::unexpected_step(step));
        }
        let body = self.success_json(resp)?;
        let at = |p: &Option<String>| p.as_deref().and_then(|p| pointer(&body, p));
        let handle = match (&self.handle_pointer, at(&self.handle_pointer)) {
            (None, _) => None,
            (Some(_), Some(Value::String(s))) if !s.is_empty() => Some(Secret::new(s.as_str())),
            (Some(_), Some(Value::Number(n))) => Some(Secret::new(n.as_str())),
            (Some(_), _) => {
                return Err(common::malformed_json(
                    resp,
                    &body,
                    "no handle at `handlePointer`",
                ))
            }
        };
        Ok(CodeStep::Sent(Challenge {
            handle,
            is_registered: at(&self.registered_pointer).and_then(common::loose_bool),
            code_ttl: at(&self.code_ttl_pointer).and_then(Value::as_u64),
        }))
    }

    fn verify_request(
        &self,
        phone: &PhoneNumber,
        challenge: &Challenge,
        code: &OtpCode,
    ) -> Result<HttpRequest, Error> {
        let mut vars = Vars::phone(self.phone_format, phone);
        vars.set("code", code.expose().to_owned());
        vars.code_number = Some(code.as_u64());
        if let Some(handle) = &challenge.handle {
            vars.set("handle", handle.expose().to_owned());
        }
        let endpoint = match (&self.sign_up, challenge.is_registered) {
            (Some(sign_up), Some(false)) => sign_up,
            _ => &self.verify,
        };
        self.build(endpoint, &vars)
    }

    fn on_verify_response(&self, resp: &HttpResponse) -> Result<Verified, Error> {
        self.verified(resp)
    }

    fn refresh_request(&self, token: &Secret) -> Option<Result<HttpRequest, Error>> {
        let endpoint = self.refresh.as_ref()?;
        let mut vars = Vars::default();
        vars.set("token", token.expose().to_owned());
        Some(self.build(endpoint, &vars))
    }

    fn on_refresh_response(&self, resp: &HttpResponse) -> Result<Verified, Error> {
        self.verified(resp)
    }

    fn sign_out_request(&self, token: &Secret) -> Option<HttpRequest> {
        let endpoint = self.sign_out.as_ref()?;
        let mut vars = Vars::default();
        vars.set("token", token.expose().to_owned());
        self.build(endpoint, &vars).ok()
    }
}

/// `s` without `prefix`, compared ignoring ASCII case.
fn strip_prefix_ignore_case<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

mod read;
mod template;

#[cfg(test)]
mod tests;
