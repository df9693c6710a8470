//! The extra endpoints (`phone-auth/full`, the feature `extras`): GIZO's admin calls
//! ([`admin`]), Arita's other calls ([`arita`]) and SSO v1's ([`sso`]).
//!
//! Each adds its methods to `AuthClient` in its own `#[wasm_bindgen] impl` block, and
//! each method hands the driver an [`Op::Extra`]: a boxed function of the state that
//! makes the call's future, run by the driver's one `run` like every other operation.
//! They build on the client and the driver; neither names them. What they share is here.

use js_sys::Promise;
use wasm_bindgen::JsValue;

use super::client::AuthClient;
use super::driver::ops::{Extra, Op};
use super::driver::{js_err, Inner};
use super::error;
use super::io::JsTransport;
use crate::client::Transport;
use crate::http::{HttpRequest, HttpResponse};
use crate::secret::Secret;
use crate::text::cat;

mod admin;
mod arita;
mod sso;

/// What every call resolves to, or the `AuthError` it rejects with.
type JsResult = Result<JsValue, JsValue>;

impl AuthClient {
    /// The `Promise` of an extra call (see [`AuthClient::call`]).
    fn extra(&self, call: Extra) -> Promise {
        self.call(Op::Extra(call))
    }
}

/// Sends a built request with the client's `fetch` and timeout (one `send` for every
/// call keeps the wasm small).
async fn send(inner: &Inner, req: HttpRequest) -> Result<HttpResponse, JsValue> {
    let transport = JsTransport {
        fetch: inner.settings.fetch.clone(),
        timeout_ms: inner.settings.extras.timeout_ms,
    };
    transport.send(req).await.map_err(|e| js_err(&e))
}

/// The signed-in user's token (refreshed when due), or `not_signed_in`.
async fn user_token(inner: &Inner) -> Result<Secret, JsValue> {
    inner.ready().await;
    inner.core.get_token().await.map_err(|e| js_err(&e))
}

/// A string argument, or `invalid_input` naming it.
fn string(v: JsValue, name: &str) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| error::js_error("invalid_input", &cat!(name, " must be a string.")))
}
