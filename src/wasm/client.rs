//! `AuthClient`: the class JavaScript uses.
//!
//! Every method is synchronous on the Rust side and returns a `Promise` built from a
//! future that owns an `Rc` of the shared state, so concurrent calls never hold a
//! `&self` borrow across an `await` (no "recursive use of an object" error).

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};

use super::driver::{js_err, session_js, Inner, JsClock, JsTransport, Settings};
use super::options::Options;
use super::{error, host, json};
use crate::client::{Client, Clock};
use crate::provider::ProviderConfig;
use crate::secret::Secret;
use crate::session::{CodeInfo, RefreshStrategy};
use crate::Error;

/// Phone-number + SMS code sign-in against one backend. See `docs/wasm.md`.
#[wasm_bindgen]
pub struct AuthClient {
    inner: Rc<Inner>,
}

impl AuthClient {
    /// The state shared with pending promises (for the other `impl` blocks).
    pub(super) fn shared(&self) -> Rc<Inner> {
        Rc::clone(&self.inner)
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
        let gizo = match &o.provider {
            ProviderConfig::Gizo(cfg) => Some(cfg.clone()),
            _ => None,
        };
        let arita = match &o.provider {
            ProviderConfig::Arita(cfg) => Some(cfg.clone()),
            _ => None,
        };
        let sso = match &o.provider {
            ProviderConfig::Sso(cfg) => Some(cfg.clone()),
            _ => None,
        };
        let core = Client::new(o.provider, o.config.clone(), transport, JsClock);
        if let Some(cb) = o.refresh_callback.clone() {
            core.set_refresh_callback(move |session| {
                let p = host::call_user(&cb, &session_js(&session), "unauthorized");
                async move {
                    let v = JsFuture::from(p).await.map_err(|e| Error::Network {
                        message: json::get_string(&e, "message").unwrap_or_default(),
                    })?;
                    let token = json::get_string(&v, "token")
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
            allow_client_secret: o.allow_client_secret,
            fetch: o.fetch,
            timeout_ms: o.timeout_ms,
            strategy: o.config.refresh,
            gizo,
            arita,
            sso,
        };
        let inner = Inner::new(core, store, kind, o.storage_key, settings);
        let me = Rc::clone(&inner);
        let ready = future_to_promise(async move {
            me.restore().await;
            Ok(JsValue::UNDEFINED)
        });
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
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            inner.ready().await;
            let phone = phone.as_string().ok_or_else(|| {
                error::js_error("invalid_phone", "The phone number must be a string.")
            })?;
            refresh_app_token(&inner).await?;
            let r = inner.core.request_code(&phone).await;
            inner.persist().await?;
            Ok(challenge_js(&r.map_err(|e| js_err(&e))?))
        })
    }

    /// Sends a new code to the same number.
    #[wasm_bindgen(js_name = resendCode, unchecked_return_type = "Promise<Challenge>")]
    pub fn resend_code(&self) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            inner.ready().await;
            refresh_app_token(&inner).await?;
            let r = inner.core.resend_code().await;
            inner.persist().await?;
            Ok(challenge_js(&r.map_err(|e| js_err(&e))?))
        })
    }

    /// Checks the code; resolves to the session.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn verify(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
    ) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            inner.ready().await;
            let code = code
                .as_string()
                .ok_or_else(|| error::js_error("invalid_code", "The code must be a string."))?;
            refresh_app_token(&inner).await?;
            let r = inner.core.verify(&code).await;
            inner.persist().await?;
            Ok(session_js(&r.map_err(|e| js_err(&e))?))
        })
    }

    /// The current session (refreshing first when due), or `null`.
    #[wasm_bindgen(js_name = getSession, unchecked_return_type = "Promise<Session | null>")]
    pub fn get_session(&self) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            inner.ready().await;
            inner
                .guarded(|i| {
                    Box::pin(async move {
                        let _ = i.core.get_token().await;
                        Ok(i.core
                            .session()
                            .await
                            .map_or(JsValue::NULL, |s| session_js(&s)))
                    })
                })
                .await
        })
    }

    /// A valid token (refreshing first when due); rejects `not_signed_in` without one.
    #[wasm_bindgen(js_name = getToken, unchecked_return_type = "Promise<string>")]
    pub fn get_token(&self) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            inner.ready().await;
            inner
                .guarded(|i| {
                    Box::pin(async move {
                        let t = i.core.get_token().await.map_err(|e| js_err(&e))?;
                        Ok(JsValue::from_str(t.expose()))
                    })
                })
                .await
        })
    }

    /// Replaces the token now (`callback` strategy or a provider with a refresh endpoint).
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn refresh(&self) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            inner.ready().await;
            let me = Rc::clone(&inner);
            let f = Closure::once_into_js(move || -> JsValue {
                future_to_promise(async move {
                    me.sync_from_store().await;
                    let r = me.core.refresh().await;
                    me.persist().await?;
                    r.map(|s| session_js(&s)).map_err(|e| js_err(&e))
                })
                .into()
            });
            let out = JsFuture::from(host::with_lock(
                &inner.channel(),
                inner.lock_timeout_ms,
                &Function::from(f),
            ))
            .await?;
            Ok(js_sys::Array::from(&out).get(1))
        })
    }

    /// Signs out: clears storage, tells other tabs, then tells the server where it can.
    #[wasm_bindgen(js_name = signOut, unchecked_return_type = "Promise<void>")]
    pub fn sign_out(&self) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            inner.ready().await;
            inner.core.sign_out().await;
            inner.persist().await?;
            // Whatever this tab last knew, nothing of the session may stay stored.
            JsFuture::from(host::store_remove(&inner.store, &inner.key)).await?;
            Ok(JsValue::UNDEFINED)
        })
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
        let inner = Rc::clone(&self.inner);
        spawn_local(async move {
            inner.ready().await;
            let session = inner.core.session().await;
            if inner.listeners.borrow().iter().any(|(l, _)| *l == id) {
                let s = session.map_or(JsValue::NULL, |s| session_js(&s));
                host::call_listener(&listener, "INITIAL_SESSION", &s);
            }
        });
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
        restart_auto_refresh(&self.inner);
        let weak = Rc::downgrade(&self.inner);
        let wake = Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                spawn_local(async move { tick(&inner).await });
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
        #[wasm_bindgen(unchecked_param_type = "RequestInit | undefined")] init: JsValue,
    ) -> Promise {
        let inner = Rc::clone(&self.inner);
        let this = AuthClient {
            inner: Rc::clone(&self.inner),
        };
        future_to_promise(async move {
            let token = JsFuture::from(this.get_token()).await?;
            let token = token.as_string().unwrap_or_default();
            let res = JsFuture::from(host::authed_fetch(&inner.fetch, &url, &init, &token)).await?;
            let can_refresh = !matches!(inner.strategy, RefreshStrategy::Reverify);
            if json::get_number(&res, "status") != Some(401.0) || !can_refresh {
                return Ok(res);
            }
            let session = JsFuture::from(this.refresh()).await?;
            let token = json::get_string(&session, "token").unwrap_or_default();
            JsFuture::from(host::authed_fetch(&inner.fetch, &url, &init, &token)).await
        })
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

/// (Re)starts the background refresh loop; an older loop ends at its next wake-up. The
/// driver calls it whenever a new token arrives, so the loop sleeps until the new timer.
pub(super) fn restart_auto_refresh(inner: &Rc<Inner>) {
    let generation = inner.auto_generation.get().wrapping_add(1);
    inner.auto_generation.set(generation);
    let inner = Rc::clone(inner);
    spawn_local(async move {
        inner.ready().await;
        while inner.auto_generation.get() == generation {
            let now = JsClock.now();
            let wait = inner
                .core
                .next_timeout()
                .map_or(30_000, |at| at.saturating_sub(now))
                .clamp(10, 30_000);
            JsClock.sleep(wait).await;
            if inner.auto_generation.get() != generation {
                break;
            }
            tick(&inner).await;
        }
    });
}

/// Fires due timers (refresh, expiry) under the cross-tab lock.
async fn tick(inner: &Rc<Inner>) {
    let _ = inner
        .guarded(|i| {
            Box::pin(async move {
                i.core.tick().await;
                Ok(())
            })
        })
        .await;
}

/// GIZO: asks the app for a fresh app token when `appToken` is a function.
async fn refresh_app_token(inner: &Rc<Inner>) -> Result<(), JsValue> {
    let Some(f) = inner.app_token_fn.clone() else {
        return Ok(());
    };
    let v = JsFuture::from(host::call_user(&f, &JsValue::UNDEFINED, "invalid_config")).await?;
    let token = v
        .as_string()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| error::config("appToken() must return a non-empty string."))?;
    inner.core.with_flow_mut(|flow| {
        if let crate::provider::ProviderConfig::Gizo(c) = flow {
            c.app_token = Some(Secret::new(token));
        }
    });
    Ok(())
}

/// `{ phone, isRegistered, resendAfter, expiresAt, attemptsLeft }`.
fn challenge_js(c: &CodeInfo) -> JsValue {
    let now = JsClock.now();
    json::to_js(&serde_json::json!({
        "phone": c.phone,
        "isRegistered": c.is_registered,
        "resendAfter": c.resend_after(now),
        "expiresAt": c.code_expires_at,
        "attemptsLeft": c.attempts_left,
    }))
}

/// Listens for other tabs (BroadcastChannel, `storage` events for `localStorage`).
fn start_tab_sync(inner: &Rc<Inner>) {
    if inner.storage_kind == "memory" {
        return;
    }
    let weak = Rc::downgrade(inner);
    let cb = Closure::<dyn FnMut(JsValue)>::new(move |_msg: JsValue| {
        if let Some(inner) = weak.upgrade() {
            spawn_local(async move {
                inner.ready().await;
                inner.sync_from_store().await;
            });
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
