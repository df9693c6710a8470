//! The wasm-bindgen layer: the only place that knows `JsValue`, `fetch`, storage and
//! timers. JavaScript sees `AuthClient`, `AuthError`, `normalizePhone` and `decodeToken`
//! (see `docs/wasm.md`); everything else is the sans-IO core.

mod client;
mod driver;
mod error;
mod host;
mod json;
mod options;
mod types;
mod util;
