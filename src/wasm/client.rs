//! `AuthClient`: the class JavaScript uses.
//!
//! Every asynchronous method is synchronous on the Rust side and returns the `Promise` of
//! an [`Op`] (see `ops.rs`), whose future owns an `Rc` of the shared state, so concurrent
//! calls never hold a `&self` borrow across an `await` (no "recursive use of an object"
//! error).

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[cfg(feature = "extras")]
use super::driver::Extras;
use super::driver::{session_js, Inner, JsClock, JsTransport, Settings};
use super::ops::{self, Op};
use super::options::Options;
use super::{host, js};
use crate::client::Client;
use crate::secret::Secret;
use crate::Error;

/// Phone-number + SMS code sign-in against one backend. See `docs/wasm.md`.
#[wasm_bindgen]
pub struct AuthClient {
    inner: Rc<Inner>,
}

impl AuthClient {
    /// The `Promise` of an asynchronous method (for the other `impl` blocks too).
    pub(super) fn call(&self, op: Op) -> Promise {
        ops::promise(&self.inner, op)
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
            app_token_fn: o.app_token_fn,
            fetch: o.fetch,
            strategy: o.config.refresh,
            #[cfg(feature = "extras")]
            extras,
        };
        let inner = Inner::new(core, store, kind, o.storage_key, settings);
        let ready = ops::promise(&inner, Op::Restore);
        *inner.ready.borrow_mut() = Some(ready);
        start_tab_sync(&inner);
        let client = AuthClient { inner };
        if o.auto_refresh {
            client.start_auto_refresh();
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
    #[wasm_bindgen(js_name = onAuthStateChange, unchecked_return_type = "() => void")]
    pub fn on_auth_state_change(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AuthStateListener")] listener: Function,
    ) -> JsValue {
        let id = self.inner.next_listener.get().wrapping_add(1);
        self.inner.next_listener.set(id);
        self.inner
            .listeners
            .borrow_mut()
            .push((id, listener.clone()));
        ops::spawn(&self.inner, Op::InitialSession(id, listener));
        let weak = Rc::downgrade(&self.inner);
        Closure::once_into_js(move || {
            if let Some(inner) = weak.upgrade() {
                inner.listeners.borrow_mut().retain(|(l, _)| *l != id);
            }
        })
    }

    /// Keeps the token fresh in the background (and re-checks on `visibilitychange` and
    /// `online`). On by default where there is a `document`.
    #[wasm_bindgen(js_name = startAutoRefresh)]
    pub fn start_auto_refresh(&self) {
        self.inner.auto_on.set(true);
        ops::restart_auto_refresh(&self.inner);
        let weak = Rc::downgrade(&self.inner);
        let wake = Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                ops::spawn(&inner, Op::Tick);
            }
        });
        let stop = host::listen_wake(wake.as_ref().unchecked_ref());
        wake.forget();
        if let Some(old) = self.inner.wake_stop.borrow_mut().replace(stop) {
            let _ = old.call0(&JsValue::NULL);
        }
    }

    /// Stops the background refresh (React Native: call it when the app goes to background).
    #[wasm_bindgen(js_name = stopAutoRefresh)]
    pub fn stop_auto_refresh(&self) {
        self.inner.auto_on.set(false);
        self.inner
            .auto_generation
            .set(self.inner.auto_generation.get().wrapping_add(1));
        if let Some(stop) = self.inner.wake_stop.borrow_mut().take() {
            let _ = stop.call0(&JsValue::NULL);
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

    /// Stops background work and listeners (the client is unusable afterwards).
    pub fn dispose(&self) {
        self.stop_auto_refresh();
        self.inner.listeners.borrow_mut().clear();
        for stop in self.inner.stops.borrow_mut().drain(..) {
            let _ = stop.call0(&JsValue::NULL);
        }
    }
}

/// Listens for other tabs (BroadcastChannel, `storage` events for `localStorage`).
fn start_tab_sync(inner: &Rc<Inner>) {
    if inner.storage_kind == "memory" {
        return;
    }
    let weak = Rc::downgrade(inner);
    let cb = Closure::<dyn FnMut(JsValue)>::new(move |_msg: JsValue| {
        if let Some(inner) = weak.upgrade() {
            ops::spawn(&inner, Op::SyncTabs);
        }
    });
    let stop = host::listen_tabs(
        &inner.channel(),
        &inner.key,
        inner.storage_kind == "local",
        cb.as_ref().unchecked_ref(),
    );
    cb.forget();
    inner.stops.borrow_mut().push(stop);
}
