//! Every asynchronous thing the layer does, as one [`Op`] run by one `async fn` ([`run`]).
//!
//! Each exported async method is a one-liner building an `Op`, and every background task
//! (restore, listener flush, auto-refresh, tab sync, the work under the refresh lock) is
//! one too: the module then holds a single `future_to_promise` and a single
//! `spawn_local` instantiation instead of one per method, which keeps the wasm small.
//! `run` owns an `Rc` of the shared state, so concurrent calls never hold a `&self`
//! borrow across an `await`.
//!
//! The extra endpoints (`extras/`, feature `extras`) come in as [`Op::Extra`]: a boxed
//! function of the state that they build, so this module never names them.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};

use super::{js_err, session_js, Inner, Slot, Work};
use crate::client::Clock;
use crate::json::Value;
use crate::session::{CodeInfo, RefreshStrategy};
use crate::wasm::io::JsClock;
use crate::wasm::{error, host, js};

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
    /// One of the extra endpoints (GIZO's admin calls, Arita's and SSO's other calls).
    #[cfg(feature = "extras")]
    Extra(Extra),
    /// The part of [`Inner::guarded`] that holds the cross-tab lock.
    Locked(Work, Slot),
    /// Call the listeners with the queued events.
    Flush,
    /// Give a new listener (its entry in the listener set) `INITIAL_SESSION`.
    InitialSession(JsValue),
    /// The auto-refresh timer fired, or a wake-up (`visibilitychange`, `online`): fire
    /// due timers under the lock, then re-arm.
    AutoRefresh,
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

/// A boxed operation future: each operation is its own state machine (a named function
/// in a size profile) instead of one arm of a single large one.
pub type Fut<'a> = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>> + 'a>>;

/// An extra endpoint's call, built by `extras/` with its JS arguments: given the state,
/// its future.
#[cfg(feature = "extras")]
pub type Extra = Box<dyn for<'a> FnOnce(&'a Inner) -> Fut<'a>>;

/// Performs `op`; every failure is an `AuthError`.
async fn run(inner: Rc<Inner>, op: Op) -> Result<JsValue, JsValue> {
    let inner = &inner;
    let fut: Fut<'_> = match op {
        // Under the lock when a session is stored (see `Work::Restore`); without one
        // there is nothing to refresh, and no lock round trip at start.
        Op::Restore => Box::pin(async {
            if inner.session_stored().await {
                let _ = inner.guarded(Work::Restore).await;
            } else {
                inner.restore().await;
            }
            Ok(JsValue::UNDEFINED)
        }),
        Op::RequestCode(phone) => Box::pin(code_step(inner, Some(phone), Step::Request)),
        Op::ResendCode => Box::pin(code_step(inner, None, Step::Resend)),
        Op::Verify(code) => Box::pin(code_step(inner, Some(code), Step::Verify)),
        Op::GetSession => Box::pin(guarded(inner, Work::GetSession)),
        Op::GetToken => Box::pin(guarded(inner, Work::GetToken)),
        Op::Refresh => Box::pin(guarded(inner, Work::Refresh)),
        Op::SignOut => Box::pin(sign_out(inner)),
        Op::Fetch(url, init) => Box::pin(fetch(inner, url, init)),
        #[cfg(feature = "extras")]
        Op::Extra(call) => call(inner),
        Op::Locked(work, out) => Box::pin(inner.locked(work, out)),
        Op::Flush => {
            inner.flush();
            return Ok(JsValue::UNDEFINED);
        }
        Op::InitialSession(entry) => Box::pin(initial_session(inner, entry)),
        Op::AutoRefresh => Box::pin(async {
            inner.ready().await;
            let _ = inner.guarded(Work::Tick).await;
            inner.arm_auto_refresh();
            Ok(JsValue::UNDEFINED)
        }),
        Op::SyncTabs => Box::pin(async {
            let _ = guarded(inner, Work::Sync).await;
            Ok(JsValue::UNDEFINED)
        }),
    };
    fut.await
}

/// Which step of the code flow [`code_step`] takes.
#[derive(Clone, Copy)]
enum Step {
    Request,
    Resend,
    Verify,
}

/// `requestCode`, `resendCode` and `verify`: the argument is checked, the GIZO app token
/// refreshed, the core called, the snapshot persisted (also after a failure).
async fn code_step(
    inner: &Rc<Inner>,
    arg: Option<JsValue>,
    step: Step,
) -> Result<JsValue, JsValue> {
    inner.ready().await;
    let arg = match (step, arg.and_then(|a| a.as_string())) {
        (Step::Resend, _) => String::new(),
        (_, Some(a)) => a,
        (Step::Request, None) => {
            return Err(error::js_error(
                "invalid_phone",
                "The phone number must be a string.",
            ))
        }
        (Step::Verify, None) => {
            return Err(error::js_error(
                "invalid_code",
                "The code must be a string.",
            ))
        }
    };
    // The core fires a due timer whenever it runs: fire it first, under the lock when
    // due, so a code step never refreshes outside it.
    let _ = inner.guarded(Work::Tick).await;
    refresh_app_token(inner).await?;
    let r = match step {
        Step::Request => inner
            .core
            .request_code(&arg)
            .await
            .map(|c| challenge_js(&c)),
        Step::Resend => inner.core.resend_code().await.map(|c| challenge_js(&c)),
        Step::Verify => inner.core.verify(&arg).await.map(|s| session_js(&s)),
    };
    inner.persist().await?;
    r.map_err(|e| js_err(&e))
}

/// `signOut()`: the core signs out (and tells the server), storage is cleared.
async fn sign_out(inner: &Rc<Inner>) -> Result<JsValue, JsValue> {
    // Under the lock: a refresh in flight in another tab lands first and is then signed
    // out, instead of writing its new session over the sign-out.
    guarded(inner, Work::SignOut).await?;
    // Whatever this tab last knew, nothing of the session may stay stored; but a session
    // another client (another provider or baseUrl) keeps under the same key is its own.
    let stored = inner.read_store().await?;
    let foreign = stored
        .as_deref()
        .and_then(|t| crate::session::Snapshot::parse(t).ok())
        .is_some_and(|s| !inner.core.owns(&s));
    if !foreign {
        JsFuture::from(host::store_remove(&inner.store, &inner.key)).await?;
    }
    Ok(JsValue::UNDEFINED)
}

/// Gives a new listener `INITIAL_SESSION` (unless it unsubscribed meanwhile).
/// Through the lock like `getSession()`: reading the session fires a due refresh.
async fn initial_session(inner: &Rc<Inner>, entry: JsValue) -> Result<JsValue, JsValue> {
    let s = guarded(inner, Work::GetSession)
        .await
        .unwrap_or(JsValue::NULL);
    host::emit_to(&inner.listeners, &entry, "INITIAL_SESSION", &s);
    Ok(JsValue::UNDEFINED)
}

/// Waits for the restore, then runs `work` (under the lock when due).
async fn guarded(inner: &Rc<Inner>, work: Work) -> Result<JsValue, JsValue> {
    inner.ready().await;
    inner.guarded(work).await
}

/// `fetch` with the bearer token; on a 401 refreshes once (where the strategy can) and
/// retries once.
async fn fetch(inner: &Rc<Inner>, url: JsValue, init: JsValue) -> Result<JsValue, JsValue> {
    // The token goes only to a trusted origin, never in clear text; checked before
    // anything else happens (no refresh, no request) so a refused URL sends nothing.
    let Some(target) = host::request_url(&url) else {
        return Err(error::js_error(
            "untrusted_origin",
            "auth.fetch needs a URL: a string, a URL or a Request.",
        ));
    };
    let page = host::page_base();
    let absolute = inner
        .settings
        .policy
        .check(&target, page.as_deref())
        .map_err(|e| js_err(&e))?;
    let url = host::fetch_input(&url, &absolute);
    let (url, init) = (&url, &init);
    let token = guarded(inner, Work::GetToken).await?;
    let token = token.as_string().unwrap_or_default();
    let res = JsFuture::from(host::authed_fetch(&inner.settings.fetch, url, init, &token)).await?;
    let can_refresh = !matches!(inner.settings.strategy, RefreshStrategy::Reverify);
    if js::get_number(&res, "status") != Some(401.0) || !can_refresh {
        return Ok(res);
    }
    let session = guarded(inner, Work::Refresh).await?;
    let token = js::get_string(&session, "token").unwrap_or_default();
    JsFuture::from(host::authed_fetch(&inner.settings.fetch, url, init, &token)).await
}

/// GIZO: asks the app for a fresh app token when `appToken` is a function.
#[cfg(feature = "gizo")]
async fn refresh_app_token(inner: &Inner) -> Result<(), JsValue> {
    let Some(f) = inner.settings.app_token_fn.clone() else {
        return Ok(());
    };
    let v = JsFuture::from(host::call_user(&f, &JsValue::UNDEFINED, "invalid_config")).await?;
    let token = v
        .as_string()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| error::config("appToken() must return a non-empty string."))?;
    inner.core.with_flow_mut(|flow| {
        // Irrefutable in `phone-auth/gizo`, where GIZO is the only provider.
        #[allow(irrefutable_let_patterns)]
        if let crate::provider::ProviderConfig::Gizo(c) = flow {
            c.app_token = Some(crate::secret::Secret::new(token));
        }
    });
    Ok(())
}

/// Only GIZO has an app token.
#[cfg(not(feature = "gizo"))]
async fn refresh_app_token(_: &Inner) -> Result<(), JsValue> {
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
