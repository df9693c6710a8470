//! Every asynchronous thing the layer does, as one [`Op`] run by one `async fn` ([`run`]).
//!
//! Each exported async method is a one-liner building an `Op`, and every background task
//! (restore, listener flush, auto-refresh, tab sync, the work under the refresh lock) is
//! one too: the module then holds a single `future_to_promise` and a single
//! `spawn_local` instantiation instead of one per method, which keeps the wasm small.
//! `run` owns an `Rc` of the shared state, so concurrent calls never hold a `&self`
//! borrow across an `await`.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};

use super::driver::{js_err, Inner, JsClock, Slot, Work};
use super::{admin, arita, error, host, js, sso};
use crate::client::Clock;
use crate::json::Value;
use crate::secret::Secret;
use crate::session::{CodeInfo, RefreshStrategy};

/// One asynchronous operation (the `JsValue`s are the JS arguments, checked in [`run`]).
pub enum Op {
    /// Restore the stored session at start (the client's `ready` promise).
    Restore,
    /// `requestCode(phone)`.
    RequestCode(JsValue),
    /// `resendCode()`.
    ResendCode,
    /// `verify(code)`.
    Verify(JsValue),
    /// `getSession()`.
    GetSession,
    /// `getToken()`.
    GetToken,
    /// `refresh()`.
    Refresh,
    /// `signOut()`.
    SignOut,
    /// `fetch(url, init)`.
    Fetch(JsValue, JsValue),
    /// `gizoAccessToken(clientId, clientSecret)`.
    GizoAccessToken(JsValue, JsValue),
    /// `gizoClientToken(adminToken, userId)`.
    GizoClientToken(JsValue, JsValue),
    /// One of Arita's extra calls, with its JS arguments.
    Arita(arita::Call, JsValue, JsValue),
    /// One of SSO's extra calls, with its JS arguments.
    Sso(sso::Call, JsValue, JsValue),
    /// The part of [`Inner::guarded`] that holds the cross-tab lock.
    Locked(Work, Slot),
    /// Call the listeners with the queued events.
    Flush,
    /// Give a new listener `INITIAL_SESSION` (listener id, listener).
    InitialSession(u32, Function),
    /// The auto-refresh loop of one generation.
    AutoRefresh(u32),
    /// Fire due timers (a wake-up: `visibilitychange`, `online`).
    Tick,
    /// Take over what another tab stored.
    SyncTabs,
}

/// The `Promise` of `op`.
pub fn promise(inner: &Rc<Inner>, op: Op) -> Promise {
    future_to_promise(run(Rc::clone(inner), op))
}

/// Runs `op` in the background (its result is dropped).
pub fn spawn(inner: &Rc<Inner>, op: Op) {
    let inner = Rc::clone(inner);
    spawn_local(async move {
        let _ = run(inner, op).await;
    });
}

/// Performs `op`; every failure is an `AuthError`.
pub async fn run(inner: Rc<Inner>, op: Op) -> Result<JsValue, JsValue> {
    let inner = &inner;
    match op {
        Op::Restore => inner.restore().await,
        Op::RequestCode(phone) => {
            inner.ready().await;
            let phone = phone.as_string().ok_or_else(|| {
                error::js_error("invalid_phone", "The phone number must be a string.")
            })?;
            refresh_app_token(inner).await?;
            let r = inner.core.request_code(&phone).await;
            inner.persist().await?;
            return Ok(challenge_js(&r.map_err(|e| js_err(&e))?));
        }
        Op::ResendCode => {
            inner.ready().await;
            refresh_app_token(inner).await?;
            let r = inner.core.resend_code().await;
            inner.persist().await?;
            return Ok(challenge_js(&r.map_err(|e| js_err(&e))?));
        }
        Op::Verify(code) => {
            inner.ready().await;
            let code = code
                .as_string()
                .ok_or_else(|| error::js_error("invalid_code", "The code must be a string."))?;
            refresh_app_token(inner).await?;
            let r = inner.core.verify(&code).await;
            inner.persist().await?;
            return r
                .map(|s| super::driver::session_js(&s))
                .map_err(|e| js_err(&e));
        }
        Op::GetSession => return guarded(inner, Work::GetSession).await,
        Op::GetToken => return guarded(inner, Work::GetToken).await,
        Op::Refresh => return guarded(inner, Work::Refresh).await,
        Op::SignOut => {
            inner.ready().await;
            inner.core.sign_out().await;
            inner.persist().await?;
            // Whatever this tab last knew, nothing of the session may stay stored.
            JsFuture::from(host::store_remove(&inner.store, &inner.key)).await?;
        }
        Op::Fetch(url, init) => return fetch(inner, &url, &init).await,
        Op::GizoAccessToken(id, secret) => return admin::access_token(inner, id, secret).await,
        Op::GizoClientToken(admin, user) => return admin::client_token(inner, admin, user).await,
        Op::Arita(call, a, b) => return arita::run(inner, call, a, b).await,
        Op::Sso(call, a, b) => return sso::run(inner, call, a, b).await,
        Op::Locked(work, out) => inner.locked(work, out).await,
        Op::Flush => inner.flush(),
        Op::InitialSession(id, listener) => {
            inner.ready().await;
            let session = inner.core.session().await;
            if inner.listeners.borrow().iter().any(|(l, _)| *l == id) {
                let s = session.map_or(JsValue::NULL, |s| super::driver::session_js(&s));
                host::call_listener(&listener, "INITIAL_SESSION", &s);
            }
        }
        Op::AutoRefresh(generation) => {
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
                let _ = inner.guarded(Work::Tick).await;
            }
        }
        Op::Tick => {
            let _ = inner.guarded(Work::Tick).await;
        }
        Op::SyncTabs => {
            inner.ready().await;
            inner.sync_from_store().await;
        }
    }
    Ok(JsValue::UNDEFINED)
}

/// Waits for the restore, then runs `work` (under the lock when due).
async fn guarded(inner: &Rc<Inner>, work: Work) -> Result<JsValue, JsValue> {
    inner.ready().await;
    inner.guarded(work).await
}

/// `fetch` with the bearer token; on a 401 refreshes once (where the strategy can) and
/// retries once.
async fn fetch(inner: &Rc<Inner>, url: &JsValue, init: &JsValue) -> Result<JsValue, JsValue> {
    let token = guarded(inner, Work::GetToken).await?;
    let token = token.as_string().unwrap_or_default();
    let res = JsFuture::from(host::authed_fetch(&inner.fetch, url, init, &token)).await?;
    let can_refresh = !matches!(inner.strategy, RefreshStrategy::Reverify);
    if js::get_number(&res, "status") != Some(401.0) || !can_refresh {
        return Ok(res);
    }
    let session = guarded(inner, Work::Refresh).await?;
    let token = js::get_string(&session, "token").unwrap_or_default();
    JsFuture::from(host::authed_fetch(&inner.fetch, url, init, &token)).await
}

/// GIZO: asks the app for a fresh app token when `appToken` is a function.
async fn refresh_app_token(inner: &Inner) -> Result<(), JsValue> {
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
    js::to_js(&Value::object([
        ("phone", c.phone.as_str().into()),
        ("isRegistered", c.is_registered.into()),
        ("resendAfter", c.resend_after(now).into()),
        ("expiresAt", c.code_expires_at.into()),
        ("attemptsLeft", c.attempts_left.into()),
    ]))
}

/// (Re)starts the background refresh loop; an older loop ends at its next wake-up. The
/// driver calls it whenever a new token arrives, so the loop sleeps until the new timer.
pub fn restart_auto_refresh(inner: &Rc<Inner>) {
    let generation = inner.auto_generation.get().wrapping_add(1);
    inner.auto_generation.set(generation);
    spawn(inner, Op::AutoRefresh(generation));
}
