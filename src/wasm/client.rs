//! `AuthClient`: the class JavaScript uses.
//!
//! Every asynchronous method is synchronous on the Rust side and returns the `Promise` of
//! an [`Op`] (see `driver/ops.rs`), whose future owns an `Rc` of the shared state, so
//! concurrent calls never hold a `&self` borrow across an `await` (no "recursive use of
//! an object" error). The extras (`extras/`) add their methods in their own
//! `#[wasm_bindgen] impl AuthClient` blocks through [`AuthClient::call`]; nothing here
//! names them.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::driver::ops::{self, Op};
#[cfg(feature = "extras")]
use super::driver::Extras;
use super::driver::{session_js, Inner, Settings};
use super::io::{JsClock, JsTransport};
use super::options::Options;
use super::{error, host, js};
use crate::client::Client;
use crate::secret::Secret;
use crate::Error;

/// Phone-number + SMS code sign-in against one backend. See `docs/wasm.md`.
#[wasm_bindgen]
pub struct AuthClient {
    /// The state; `None` once disposed, so a disposed client that JavaScript keeps (or
    /// that waits for the garbage collector) holds a few bytes, not the whole state.
    inner: RefCell<Option<Rc<Inner>>>,
}

impl AuthClient {
    /// The `Promise` of an asynchronous method (for the other `impl` blocks too); rejects
    /// with `invalid_state` once the client is disposed.
    pub(super) fn call(&self, op: Op) -> Promise {
        match self.state() {
            Ok(inner) => ops::promise(&inner, op),
            Err(e) => Promise::reject(&e),
        }
    }

    /// The state, or after `dispose()` the `invalid_state` error every method gives.
    fn state(&self) -> Result<Rc<Inner>, JsValue> {
        match self.inner.borrow().as_ref() {
            Some(inner) => Ok(Rc::clone(inner)),
            None => Err(error::js_error(
                "invalid_state",
                "This AuthClient was disposed.",
            )),
        }
    }
}

/// A weak view of a client's state, for the tests that check a dropped client leaves no
/// strong reference behind (not exported to JavaScript).
#[doc(hidden)]
pub struct Probe(std::rc::Weak<Inner>);

impl Probe {
    /// Strong references to the state still alive (0 once it is freed).
    pub fn strong_count(&self) -> usize {
        self.0.strong_count()
    }
}

impl AuthClient {
    /// A [`Probe`] of this client's state.
    #[doc(hidden)]
    pub fn probe(&self) -> Probe {
        Probe(
            self.inner
                .borrow()
                .as_ref()
                .map_or_else(std::rc::Weak::new, Rc::downgrade),
        )
    }
}

/// Freed by `free()` or collected (wasm-bindgen's `FinalizationRegistry`) without
/// `dispose()`: dispose now, so no timer, listener or channel outlives the object, and
/// the state goes as soon as in-flight calls finish.
impl Drop for AuthClient {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.get_mut().take() {
            inner.shut_down();
        }
    }
}

#[wasm_bindgen]
impl AuthClient {
    /// `new AuthClient(options)`; throws an `AuthError` (`invalid_config`) for bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AuthClientOptions")] options: JsValue,
    ) -> Result<AuthClient, JsValue> {
        let o = Options::parse(&options)?;
        let resolved = host::resolve_storage(&o.storage)?;
        let store = resolved.get(0);
        let kind = resolved.get(1).as_string().unwrap_or_default();
        let transport = JsTransport {
            fetch: o.fetch.clone(),
            timeout_ms: o.timeout_ms,
        };
        #[cfg(feature = "extras")]
        let extras = Extras {
            allow_client_secret: o.allow_client_secret,
            timeout_ms: o.timeout_ms,
            provider: o.provider.clone(),
        };
        let core = Client::new(o.provider, o.config.clone(), transport, JsClock);
        if let Some(cb) = o.refresh_callback.clone() {
            core.set_refresh_callback(move |session| {
                let p = host::call_user(&cb, &session_js(&session), "unauthorized");
                async move {
                    let v = JsFuture::from(p).await.map_err(|e| Error::Network {
                        message: js::get_string(&e, "message").unwrap_or_default(),
                    })?;
                    let token = js::get_string(&v, "token")
                        .or_else(|| v.as_string())
                        .filter(|t| !t.is_empty())
                        .ok_or_else(|| Error::InvalidConfig {
                            message: "the refresh callback must return { token }".into(),
                        })?;
                    Ok(Secret::new(token))
                }
            });
        }
        // The settings go in before the state is shared (the core's event listener holds
        // a weak reference from the start, so the `Rc` is never uniquely owned after).
        let settings = Settings {
            lock_timeout_ms: o.lock_timeout_ms,
            #[cfg(feature = "gizo")]
            app_token_fn: o.app_token_fn,
            fetch: o.fetch,
            strategy: o.config.refresh,
            policy: o.policy,
            #[cfg(feature = "extras")]
            extras,
        };
        let inner = Inner::new(core, store, kind, o.storage_key, settings);
        let ready = ops::promise(&inner, Op::Restore);
        *inner.ready.borrow_mut() = Some(ready);
        start_tab_sync(&inner);
        let client = AuthClient {
            inner: RefCell::new(Some(inner)),
        };
        if o.auto_refresh {
            client.start_auto_refresh()?;
        }
        Ok(client)
    }

    /// Sends a code to the number; resolves to the challenge.
    #[wasm_bindgen(js_name = requestCode, unchecked_return_type = "Promise<Challenge>")]
    pub fn request_code(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] phone: JsValue,
    ) -> Promise {
        self.call(Op::RequestCode(phone))
    }

    /// Sends a new code to the same number.
    #[wasm_bindgen(js_name = resendCode, unchecked_return_type = "Promise<Challenge>")]
    pub fn resend_code(&self) -> Promise {
        self.call(Op::ResendCode)
    }

    /// Checks the code; resolves to the session.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn verify(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
    ) -> Promise {
        self.call(Op::Verify(code))
    }

    /// The current session (refreshing first when due), or `null`.
    #[wasm_bindgen(js_name = getSession, unchecked_return_type = "Promise<Session | null>")]
    pub fn get_session(&self) -> Promise {
        self.call(Op::GetSession)
    }

    /// A valid token (refreshing first when due); rejects `not_signed_in` without one.
    #[wasm_bindgen(js_name = getToken, unchecked_return_type = "Promise<string>")]
    pub fn get_token(&self) -> Promise {
        self.call(Op::GetToken)
    }

    /// Replaces the token now (`callback` strategy or a provider with a refresh endpoint).
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn refresh(&self) -> Promise {
        self.call(Op::Refresh)
    }

    /// Signs out: clears storage, tells other tabs, then tells the server where it can.
    #[wasm_bindgen(js_name = signOut, unchecked_return_type = "Promise<void>")]
    pub fn sign_out(&self) -> Promise {
        self.call(Op::SignOut)
    }

    /// Subscribes to auth events; returns the function that unsubscribes. The listener
    /// first gets `INITIAL_SESSION` with the restored session.
    /// The unsubscribe function is plain JavaScript: calling it twice, or after
    /// `dispose()`, does nothing.
    #[wasm_bindgen(js_name = onAuthStateChange, unchecked_return_type = "() => void")]
    pub fn on_auth_state_change(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AuthStateListener")] listener: Function,
    ) -> Result<JsValue, JsValue> {
        let inner = self.state()?;
        let pair = host::subscribe(&inner.listeners, &listener);
        ops::spawn(&inner, Op::InitialSession(pair.get(0)));
        Ok(pair.get(1))
    }

    /// Keeps the token fresh in the background (and re-checks on `visibilitychange` and
    /// `online`). On by default where there is a `document`. One timer per client, re-armed
    /// for each new token; its callback holds only a `Weak` of the state.
    #[wasm_bindgen(js_name = startAutoRefresh)]
    pub fn start_auto_refresh(&self) -> Result<(), JsValue> {
        let inner = &self.state()?;
        inner.auto_on.set(true);
        if inner.auto_cb.borrow().is_none() {
            *inner.auto_cb.borrow_mut() = Some(weak_callback(inner, || Op::AutoRefresh));
        }
        if inner.wake_stop.borrow().is_none() {
            let stop = match inner.auto_cb.borrow().as_ref() {
                Some(cb) => host::listen_wake(cb.as_ref().unchecked_ref()),
                None => return Ok(()),
            };
            *inner.wake_stop.borrow_mut() = Some(stop);
        }
        inner.arm_auto_refresh();
        Ok(())
    }

    /// Stops the background refresh (React Native: call it when the app goes to
    /// background). A no-op once disposed (it is stopped already).
    #[wasm_bindgen(js_name = stopAutoRefresh)]
    pub fn stop_auto_refresh(&self) {
        if let Ok(inner) = self.state() {
            inner.stop_auto_refresh();
        }
    }

    /// `fetch` with the bearer token; on a 401 refreshes once and retries once.
    #[wasm_bindgen(unchecked_return_type = "Promise<Response>")]
    pub fn fetch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestInfo | URL")] url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestInit")] init: JsValue,
    ) -> Promise {
        self.call(Op::Fetch(url, init))
    }

    /// Stops background work, listeners and the tab channel, and frees what was handed
    /// to JavaScript; in-flight calls finish. Every later call (a second `dispose()`
    /// included) gives `AuthError` `invalid_state`. `free()` (or the garbage collector)
    /// then releases the rest.
    pub fn dispose(&self) -> Result<(), JsValue> {
        let inner = self.state()?;
        inner.shut_down();
        *self.inner.borrow_mut() = None;
        Ok(())
    }
}

/// A callback for JavaScript that spawns `op` on the state while it lives. It holds a
/// `Weak`, and the state owns it, so it keeps nothing alive and is freed with the state.
fn weak_callback(inner: &Rc<Inner>, op: fn() -> Op) -> Closure<dyn FnMut()> {
    let weak = Rc::downgrade(inner);
    Closure::new(move || {
        if let Some(inner) = weak.upgrade() {
            ops::spawn(&inner, op());
        }
    })
}

/// Listens for sibling tabs (one BroadcastChannel, and `storage` events for
/// `localStorage`) where storage is shared between tabs and there can be tabs at all
/// (a `document`): not in Node or React Native, not for `'memory'` or `'session'`.
fn start_tab_sync(inner: &Rc<Inner>) {
    if !matches!(inner.storage_kind.as_str(), "local" | "adapter") || !host::has_document() {
        return;
    }
    let cb = weak_callback(inner, || Op::SyncTabs);
    let tabs = host::open_tabs(
        &inner.channel(),
        &inner.key,
        inner.storage_kind == "local",
        cb.as_ref().unchecked_ref(),
    );
    *inner.tabs.borrow_mut() = tabs;
    *inner.tab_cb.borrow_mut() = Some(cb);
}
