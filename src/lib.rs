//! # phone-auth
//!
//! Phone-number + SMS one-time-code sign-in, as a sans-IO core.
//!
//! The core does no IO and reads no clock: every request is an [`http::HttpRequest`]
//! value built by a provider, every response an [`http::HttpResponse`] value parsed by
//! the same provider, and time is always an argument (`now`, unix milliseconds).
//! The WebAssembly layer (`src/wasm/`, only on `wasm32`) and the native [`client::Client`]
//! drive the core with a real transport, storage and timers.
//!
//! Code map: [`phone`] (parsing and formatting numbers), [`token`] (JWT decoding and
//! skew-proof expiry), [`secret`] (redacted secrets), [`provider`] (one file per backend),
//! [`session`] (the sign-in state machine), [`error`] (the one error enum).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod client;
pub mod error;
pub mod http;
pub mod json;
pub mod origin;
pub mod phone;
pub mod provider;
pub mod secret;
pub mod session;
pub mod text;
pub mod token;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::Error;
pub use phone::{PhoneError, PhoneFormat, PhoneNumber};
pub use secret::{OtpCode, Secret};
pub use token::{Token, TokenError};
