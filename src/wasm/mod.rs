//! The wasm-bindgen layer: the only place that knows `JsValue`, `fetch`, storage and
//! timers. JavaScript sees `AuthClient`, `AuthError`, `normalizePhone` and `decodeToken`
//! (see `docs/wasm.md`); everything else is the sans-IO core.
//!
//! Public (on `wasm32` only) so the wasm-bindgen-test suites in `tests/` drive the very
//! functions JavaScript calls.

#[cfg(feature = "extras")]
mod admin;
#[cfg(feature = "extras")]
mod arita;
mod client;
mod driver;
mod error;
mod host;
mod js;
mod ops;
mod options;
#[cfg(feature = "extras")]
mod sso;
mod types;
mod util;

pub use client::{AuthClient, Probe};
pub use util::{decode_token, normalize_phone};
