//! The one error type of phone-auth.
//!
//! Every failure has a stable [`Error::code`] (the string JavaScript sees as
//! `AuthError.code`), a human message (`Display`), and where they apply the HTTP
//! [`Error::status`], [`Error::retry_after`] seconds and the provider's own message.
//! No variant ever holds a token, a code or a secret.

use core::fmt;

use crate::phone::PhoneError;
use crate::text::{cat, decimal};
use crate::token::TokenError;

/// Everything that can go wrong, with a stable machine-readable [`code`](Error::code).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// `invalid_phone`: the input is not a phone number (the reason says why).
    InvalidPhone(PhoneError),
    /// `invalid_code`: the code is malformed (not 4–8 digits) or the server refused it.
    InvalidCode {
        /// HTTP status when the server refused it, `None` when refused before sending.
        status: Option<u16>,
        /// The provider's message, verbatim.
        message: Option<String>,
    },
    /// `code_expired`: the code (or the code-request handle) is no longer valid; ask for a new one.
    CodeExpired,
    /// `too_many_attempts`: too many wrong codes; ask for a new one.
    TooManyAttempts,
    /// `rate_limited`: asked too often; wait `retry_after` seconds.
    RateLimited {
        /// Seconds to wait, from `Retry-After`, the body, or the local resend cooldown.
        retry_after: Option<u64>,
        /// HTTP status (429 usually), `None` when the client refused before sending.
        status: Option<u16>,
        /// The provider's message, verbatim.
        message: Option<String>,
    },
    /// `network`: the request did not complete (offline, DNS, connection reset, CORS).
    Network {
        /// What the transport said (never contains the request body or headers).
        message: String,
    },
    /// `timeout`: no response within the configured time.
    Timeout,
    /// `bad_request` (400): the server rejected the request's form.
    BadRequest {
        /// HTTP status.
        status: u16,
        /// The provider's message, verbatim.
        message: Option<String>,
    },
    /// `unauthorized` (401): missing, wrong or revoked credentials or token.
    Unauthorized {
        /// HTTP status.
        status: u16,
        /// The provider's message, verbatim.
        message: Option<String>,
    },
    /// `forbidden` (403): authenticated but not allowed.
    Forbidden {
        /// HTTP status.
        status: u16,
        /// The provider's message, verbatim.
        message: Option<String>,
    },
    /// `not_found` (404): unknown user or endpoint.
    NotFound {
        /// HTTP status.
        status: u16,
        /// The provider's message, verbatim.
        message: Option<String>,
    },
    /// `not_acceptable` (406): the server cannot answer in the media type we accept.
    NotAcceptable {
        /// The provider's message, verbatim.
        message: Option<String>,
    },
    /// `unsupported_media_type` (415): the server does not accept our request media type.
    UnsupportedMediaType {
        /// The provider's message, verbatim.
        message: Option<String>,
    },
    /// `validation_failed` (422): fields were refused.
    Validation {
        /// The provider's message, verbatim.
        message: Option<String>,
    },
    /// `server`: any other refusal, including `{success:false}` envelopes and 5xx.
    Server {
        /// HTTP status.
        status: u16,
        /// The provider's message, verbatim (it may be in any language).
        message: Option<String>,
    },
    /// `malformed_response`: the response is not what the API documents
    /// (HTML error page, empty body, wrong content type, truncated JSON, missing field).
    MalformedResponse {
        /// HTTP status.
        status: u16,
        /// What was wrong.
        reason: String,
        /// A bounded excerpt of the body (at most 200 characters).
        excerpt: String,
    },
    /// `invalid_token`: a token could not be decoded or verified.
    InvalidToken(TokenError),
    /// `not_signed_in`: the call needs a session and there is none.
    NotSignedIn,
    /// `invalid_state`: the call does not fit the current state (e.g. `verify` before `requestCode`).
    InvalidState {
        /// What was expected.
        message: String,
    },
    /// `invalid_input`: an argument was refused before any request (e.g. password length).
    InvalidInput {
        /// Which argument.
        field: &'static str,
        /// Why.
        message: String,
    },
    /// `untrusted_origin`: `auth.fetch` refused to send the token to that URL (an origin
    /// not trusted, plain `http:` to another device, or a URL parsers disagree on).
    /// Nothing was sent.
    UntrustedOrigin {
        /// Which origin and why, and what option would allow it.
        message: String,
    },
    /// `invalid_config`: the client configuration is unusable.
    InvalidConfig {
        /// Why.
        message: String,
    },
}

impl Error {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidPhone(_) => "invalid_phone",
            Error::InvalidCode { .. } => "invalid_code",
            Error::CodeExpired => "code_expired",
            Error::TooManyAttempts => "too_many_attempts",
            Error::RateLimited { .. } => "rate_limited",
            Error::Network { .. } => "network",
            Error::Timeout => "timeout",
            Error::BadRequest { .. } => "bad_request",
            Error::Unauthorized { .. } => "unauthorized",
            Error::Forbidden { .. } => "forbidden",
            Error::NotFound { .. } => "not_found",
            Error::NotAcceptable { .. } => "not_acceptable",
            Error::UnsupportedMediaType { .. } => "unsupported_media_type",
            Error::Validation { .. } => "validation_failed",
            Error::Server { .. } => "server",
            Error::MalformedResponse { .. } => "malformed_response",
            Error::InvalidToken(_) => "invalid_token",
            Error::NotSignedIn => "not_signed_in",
            Error::InvalidState { .. } => "invalid_state",
            Error::InvalidInput { .. } => "invalid_input",
            Error::UntrustedOrigin { .. } => "untrusted_origin",
            Error::InvalidConfig { .. } => "invalid_config",
        }
    }

    /// The HTTP status, where a response caused the error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::InvalidCode { status, .. } | Error::RateLimited { status, .. } => *status,
            Error::BadRequest { status, .. }
            | Error::Unauthorized { status, .. }
            | Error::Forbidden { status, .. }
            | Error::NotFound { status, .. }
            | Error::Server { status, .. }
            | Error::MalformedResponse { status, .. } => Some(*status),
            Error::NotAcceptable { .. } => Some(406),
            Error::UnsupportedMediaType { .. } => Some(415),
            Error::Validation { .. } => Some(422),
            _ => None,
        }
    }

    /// Seconds to wait before trying again, where the server (or the local cooldown) said.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The provider's own message, verbatim, where it sent one.
    pub fn provider_message(&self) -> Option<&str> {
        match self {
            Error::InvalidCode { message, .. }
            | Error::RateLimited { message, .. }
            | Error::BadRequest { message, .. }
            | Error::Unauthorized { message, .. }
            | Error::Forbidden { message, .. }
            | Error::NotFound { message, .. }
            | Error::NotAcceptable { message }
            | Error::UnsupportedMediaType { message }
            | Error::Validation { message }
            | Error::Server { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// Whether the same request may succeed later without user action
    /// (network failures, timeouts, 5xx); used for retry with backoff.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Network { .. } | Error::Timeout => true,
            Error::Server { status, .. } => *status >= 500,
            Error::MalformedResponse { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// Whether the server refused our credentials (sign the user out).
    pub fn is_refusal(&self) -> bool {
        matches!(self, Error::Unauthorized { .. } | Error::Forbidden { .. })
    }

    /// The error for a non-2xx status with no more specific meaning, by status class.
    pub fn from_status(status: u16, message: Option<String>, retry_after: Option<u64>) -> Error {
        match status {
            400 => Error::BadRequest { status, message },
            401 => Error::Unauthorized { status, message },
            403 => Error::Forbidden { status, message },
            404 => Error::NotFound { status, message },
            406 => Error::NotAcceptable { message },
            415 => Error::UnsupportedMediaType { message },
            422 => Error::Validation { message },
            429 => Error::RateLimited {
                retry_after,
                status: Some(status),
                message,
            },
            _ => Error::Server { status, message },
        }
    }

    /// A `malformed_response` error for this response.
    pub fn malformed(resp: &crate::http::HttpResponse, reason: impl Into<String>) -> Error {
        Error::MalformedResponse {
            status: resp.status,
            reason: reason.into(),
            excerpt: resp.excerpt(),
        }
    }
}

impl Error {
    /// The message a person reads (what `Display` writes), built without `core::fmt`
    /// ([`crate::text`]).
    pub fn message(&self) -> String {
        let status = |s: &u16| decimal(u64::from(*s));
        match self {
            Error::InvalidPhone(e) => cat!("That is not a valid phone number: ", e.as_str(), "."),
            Error::InvalidCode { .. } => "The verification code is wrong.".into(),
            Error::CodeExpired => "The verification code has expired. Request a new one.".into(),
            Error::TooManyAttempts => {
                "Too many wrong codes. Request a new code and try again.".into()
            }
            Error::RateLimited {
                retry_after: Some(s),
                ..
            } => cat!("Too many requests. Try again in ", decimal(*s), " seconds."),
            Error::RateLimited { .. } => "Too many requests. Try again later.".into(),
            Error::Network { message } => cat!("The network request failed: ", message, "."),
            Error::Timeout => "The server did not answer in time.".into(),
            Error::BadRequest { status: s, .. } => {
                cat!("The server rejected the request (HTTP ", status(s), ").")
            }
            Error::Unauthorized { .. } => {
                "Not authorised: the credentials or session are not valid.".into()
            }
            Error::Forbidden { .. } => "Forbidden: this account may not do that.".into(),
            Error::NotFound { .. } => "Not found: the account or endpoint does not exist.".into(),
            Error::NotAcceptable { .. } => {
                "The server cannot answer in the requested media type (HTTP 406).".into()
            }
            Error::UnsupportedMediaType { .. } => {
                "The server does not accept the request's media type (HTTP 415).".into()
            }
            Error::Validation { .. } => "The server refused some fields (HTTP 422).".into(),
            Error::Server {
                status: s,
                message: Some(m),
            } => cat!("The server refused (HTTP ", status(s), "): ", m),
            Error::Server {
                status: s,
                message: None,
            } => cat!("The server failed (HTTP ", status(s), ")."),
            Error::MalformedResponse {
                status: s, reason, ..
            } => cat!(
                "The server sent an unexpected response (HTTP ",
                status(s),
                "): ",
                reason,
                "."
            ),
            Error::InvalidToken(e) => cat!("The token is not valid: ", e.message(), "."),
            Error::NotSignedIn => "Not signed in.".into(),
            Error::InvalidState { message } => cat!("Not possible now: ", message, "."),
            Error::InvalidInput { field, message } => cat!("Invalid ", field, ": ", message, "."),
            Error::UntrustedOrigin { message } => cat!(message, "."),
            Error::InvalidConfig { message } => cat!("Invalid configuration: ", message, "."),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {}

impl From<PhoneError> for Error {
    fn from(e: PhoneError) -> Self {
        Error::InvalidPhone(e)
    }
}

impl From<TokenError> for Error {
    fn from(e: TokenError) -> Self {
        Error::InvalidToken(e)
    }
}
