//! The driver: the state behind an `AuthClient` ([`Inner`]: the core [`Client`] with a
//! `fetch` transport and a timer clock, plus storage, cross-tab sync, the refresh lock
//! and listener dispatch) and, in [`ops`], the one place its operations run.
//!
//! Nothing here is borrowed across an `.await`: JavaScript may call every method
//! concurrently. Nothing here names `client` or the extras: they build on this.

pub mod ops;

use core::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::io::{JsClock, JsTransport};
use super::{error, host, js};
use crate::client::{Client, Clock};
use crate::json::Value;
#[cfg(feature = "extras")]
use crate::provider::ProviderConfig;
#[cfg(feature = "extras")]
use crate::secret::Secret;
use crate::session::{Event, RefreshStrategy, Session, Snapshot, SnapshotError, StateKind};
use crate::Error;
use ops::{spawn, Op};

/// The core client as the wasm layer uses it.
pub type Core = Client<JsTransport, JsClock>;

/// The per-client settings [`Inner::new`] takes (fixed before the state is shared).
pub struct Settings {
    pub lock_timeout_ms: f64,
    /// GIZO's `appToken` when it is a function (only GIZO has an app token).
    #[cfg(feature = "gizo")]
    pub app_token_fn: Option<Function>,
    pub fetch: JsValue,
    pub strategy: RefreshStrategy,
    /// Where `auth.fetch` may send the token.
    pub policy: crate::origin::Policy,
    #[cfg(feature = "extras")]
    pub extras: Extras,
}

/// What only the extra endpoints read (`phone-auth/full`, the feature `extras`).
#[cfg(feature = "extras")]
pub struct Extras {
    /// `allowClientSecretInBrowser`, for the GIZO admin calls.
    pub allow_client_secret: bool,
    /// Per request, for their one-off transport.
    pub timeout_ms: f64,
    /// The provider's settings (the core's copy sits inside its machine).
    pub provider: ProviderConfig,
}

/// Where Arita's forgotten-password flow of a client stands between its steps (the
/// state the extras keep in [`Inner::reset`]; `extras/arita.rs` runs the flow).
#[cfg(feature = "extras")]
pub enum Reset {
    /// The code was sent; the `otpToken` to echo.
    CodeSent(Secret),
    /// The code was accepted; the token that may set the new password.
    Verified(Secret),
}

/// Everything an `AuthClient` holds (shared by its pending promises).
pub struct Inner {
    pub core: Core,
    pub store: JsValue,
    pub storage_kind: String,
    pub key: String,
    /// What the options fixed at construction.
    pub settings: Settings,
    /// Arita's forgotten-password flow, between its steps.
    #[cfg(feature = "extras")]
    pub reset: RefCell<Option<Reset>>,
    /// Resolves once the stored session was restored.
    pub ready: RefCell<Option<js_sys::Promise>>,
    /// What storage holds, as far as this client knows (to skip needless writes).
    pub written: RefCell<Option<String>>,
    /// The `onAuthStateChange` listeners: a JavaScript Set (see `runtime.js`), so the
    /// unsubscribe functions handed out are plain JavaScript, not Rust closures.
    pub listeners: JsValue,
    queue: RefCell<Vec<(&'static str, JsValue)>>,
    flushing: Cell<bool>,
    locked: Cell<u32>,
    syncing: Cell<bool>,
    was_signed_in: Cell<bool>,
    /// Whether auto-refresh is on (a new token re-arms its timer).
    pub auto_on: Cell<bool>,
    /// The auto-refresh timer's id, while one is armed (one timer per client).
    pub timer: RefCell<Option<JsValue>>,
    /// What the timer and the wake-up events call (holds only a `Weak`).
    pub auto_cb: RefCell<Option<Closure<dyn FnMut()>>>,
    /// Stops the wake-up listeners.
    pub wake_stop: RefCell<Option<Function>>,
    /// The channel to sibling tabs (`null` where there are none) and what it calls.
    pub tabs: RefCell<JsValue>,
    pub tab_cb: RefCell<Option<Closure<dyn FnMut()>>>,
    /// Set by `dispose()` (and when the `AuthClient` is freed or collected).
    pub disposed: Cell<bool>,
    /// The promise of this client's lock request in flight (see [`Inner::guarded`]).
    lock_round: RefCell<Option<JsValue>>,
}

impl Inner {
    /// A new driver around `core` (listens to its events).
    pub fn new(
        core: Core,
        store: JsValue,
        storage_kind: String,
        key: String,
        settings: Settings,
    ) -> Rc<Inner> {
        let inner = Rc::new(Inner {
            core,
            store,
            storage_kind,
            key,
            settings,
            #[cfg(feature = "extras")]
            reset: RefCell::new(None),
            ready: RefCell::new(None),
            written: RefCell::new(None),
            listeners: host::new_listeners(),
            queue: RefCell::new(Vec::new()),
            flushing: Cell::new(false),
            locked: Cell::new(0),
            syncing: Cell::new(false),
            was_signed_in: Cell::new(false),
            auto_on: Cell::new(false),
            timer: RefCell::new(None),
            auto_cb: RefCell::new(None),
            wake_stop: RefCell::new(None),
            tabs: RefCell::new(JsValue::NULL),
            tab_cb: RefCell::new(None),
            disposed: Cell::new(false),
            lock_round: RefCell::new(None),
        });
        let weak = Rc::downgrade(&inner);
        inner.core.on_event(move |event| {
            if let Some(inner) = weak.upgrade() {
                inner.on_core_event(event);
            }
        });
        inner
    }

    /// The BroadcastChannel (and Web Lock) name.
    pub fn channel(&self) -> String {
        let mut s = String::from("phone-auth:");
        s.push_str(&self.key);
        s
    }

    fn on_core_event(self: &Rc<Self>, event: &Event) {
        let new_token = matches!(
            event,
            Event::SignedIn(_) | Event::TokenRefreshed(_) | Event::InitialSession(Some(_))
        );
        if new_token {
            self.arm_auto_refresh();
        }
        let signed_in = |s: &Option<Session>| s.is_some();
        match event {
            Event::InitialSession(s) if self.syncing.get() => {
                if let Some(s) = s {
                    let name = if self.was_signed_in.get() {
                        "TOKEN_REFRESHED"
                    } else {
                        "SIGNED_IN"
                    };
                    self.emit(name, session_js(s));
                } else if self.was_signed_in.get() {
                    self.emit("SIGNED_OUT", JsValue::NULL);
                }
            }
            Event::InitialSession(s) => self.was_signed_in.set(signed_in(s)),
            Event::CodeSent(_) => self.emit("CODE_SENT", JsValue::NULL),
            Event::SignedIn(s) | Event::TokenRefreshed(s) | Event::TokenExpiring(s) => {
                if let Some(name) = event.js_name() {
                    self.emit(name, session_js(s));
                }
            }
            Event::SignedOut(_) => self.emit("SIGNED_OUT", JsValue::NULL),
            _ => {}
        }
    }

    /// Queues a listener call; listeners run later, outside any lock and any borrow.
    pub fn emit(self: &Rc<Self>, name: &'static str, session: JsValue) {
        self.queue.borrow_mut().push((name, session));
        self.schedule_flush();
    }

    fn schedule_flush(self: &Rc<Self>) {
        if self.flushing.replace(true) {
            return;
        }
        spawn(self, Op::Flush);
    }

    /// Waits for the initial restore.
    pub async fn ready(&self) {
        let p = self.ready.borrow().clone();
        if let Some(p) = p {
            let _ = JsFuture::from(p).await;
        }
    }

    /// Reads the stored snapshot.
    pub async fn read_store(&self) -> Result<Option<String>, JsValue> {
        let v = JsFuture::from(host::store_get(&self.store, &self.key)).await?;
        Ok(v.as_string())
    }

    /// Whether storage holds a signed-in session (a peek, before the restore).
    pub async fn session_stored(&self) -> bool {
        let stored = self.read_store().await.ok().flatten();
        stored
            .as_deref()
            .and_then(|t| Snapshot::parse(t).ok())
            .is_some_and(|s| s.signed_in.is_some())
    }

    /// Restores from storage at start.
    pub async fn restore(self: &Rc<Self>) {
        let stored = self.read_store().await.ok().flatten();
        *self.written.borrow_mut() = stored.clone();
        let restored = self.core.restore(stored.as_deref()).await;
        if matches!(
            restored,
            Err(SnapshotError::ProviderMismatch | SnapshotError::OriginMismatch)
        ) {
            // Another client's session under the same key (another provider or
            // baseUrl): neither used nor deleted here.
            *self.written.borrow_mut() = None;
        }
        let _ = self.persist().await;
    }

    /// Writes the core's snapshot when it changed; tells other tabs when it did.
    pub async fn persist(&self) -> Result<(), JsValue> {
        let snap = self.core.snapshot();
        if *self.written.borrow() == snap {
            return Ok(());
        }
        *self.written.borrow_mut() = snap.clone();
        let p = match &snap {
            Some(text) => host::store_set(&self.store, &self.key, text),
            None => host::store_remove(&self.store, &self.key),
        };
        JsFuture::from(p).await?;
        host::post_tabs(&self.tabs.borrow(), "changed");
        Ok(())
    }

    /// Takes over what another tab stored (sign-in, refresh, sign-out). Runs under the
    /// cross-tab lock only ([`Work::Sync`] and [`Inner::locked`]): adopting a session
    /// replaces the state and cancels this client's request in flight, so it must never
    /// land in the middle of this tab's refresh (the refresh would be lost, and the next
    /// tab would refresh the same token again).
    pub async fn sync_from_store(self: &Rc<Self>) {
        let Ok(stored) = self.read_store().await else {
            return;
        };
        // Unchanged since this client last read or wrote it: nothing from another tab
        // (and never the echo of our own write, which may land after a sign-out).
        if stored == *self.written.borrow() {
            return;
        }
        let ours = self.core.snapshot();
        if stored == ours {
            return;
        }
        let token_of = |text: Option<&str>| {
            text.and_then(|t| Snapshot::parse(t).ok())
                .and_then(|s| s.signed_in)
                .map(|s| s.token)
        };
        if let (Some(theirs), Some(mine)) = (token_of(stored.as_deref()), token_of(ours.as_deref()))
        {
            // The same token written differently: nothing to take over. An older token
            // of the same user (a write that lost a race): ours is newer, keep it.
            let now = JsClock.now();
            let older = theirs.subject() == mine.subject()
                && theirs.expires_in(now).unwrap_or(0) < mine.expires_in(now).unwrap_or(0);
            if theirs.secret().expose() == mine.secret().expose() || older {
                *self.written.borrow_mut() = stored;
                return;
            }
        }
        let signed_in = matches!(
            self.core.state(),
            StateKind::SignedIn | StateKind::Refreshing
        );
        let stored_session = stored
            .as_deref()
            .and_then(|t| Snapshot::parse(t).ok())
            .is_some_and(|s| s.signed_in.is_some() && self.core.owns(&s));
        // Take a session, or a sign-out of the session we share; never disturb a
        // sign-in in progress in this tab.
        if !(stored_session || (stored.is_none() && signed_in)) {
            return;
        }
        *self.written.borrow_mut() = stored.clone();
        self.was_signed_in.set(signed_in);
        self.syncing.set(true);
        let _ = self.core.restore(stored.as_deref()).await;
        self.syncing.set(false);
    }

    /// Runs `work`, under the cross-tab refresh lock when a timer (refresh, expiry) is
    /// due or `work` is [`Work::Refresh`]; after taking the lock, first takes over what
    /// another tab may have stored. Listeners run after the lock is released.
    pub async fn guarded(self: &Rc<Self>, work: Work) -> Result<JsValue, JsValue> {
        let forced = matches!(
            work,
            Work::Refresh | Work::Sync | Work::Restore | Work::SignOut
        );
        loop {
            // Due a little early: the core reads the clock again when it runs, and a
            // call that decided "not due" must never refresh outside the lock.
            let due = forced || self.timer_due();
            if !due {
                let r = perform(self, work).await;
                self.persist().await?;
                return r;
            }
            // One lock request per client at a time: calls that find a timer due while
            // this client's round is in flight wait for it (it refreshes or adopts) and
            // look again, rather than each queueing for the Web Lock (a queue long
            // enough for `lockTimeoutMs` would let a call go on without the lock).
            let round = self.lock_round.borrow().clone();
            if let (Some(round), false) = (round, forced) {
                let _ = JsFuture::from(js_sys::Promise::from(round)).await;
                continue;
            }
            return self.lock_and(work).await;
        }
    }

    /// The session's token (`runtime.js` names the marker lock of a refresh by a hash
    /// of it, never by any part of it).
    fn token(&self) -> Option<String> {
        let snap = self.core.snapshot()?;
        let session = Snapshot::parse(&snap).ok()?.signed_in?;
        Some(session.token.secret().expose().to_owned())
    }

    /// Whether a timer (refresh, expiry) of the signed-in session is due, or nearly.
    fn timer_due(&self) -> bool {
        let now = JsClock.now();
        self.core
            .next_timeout()
            .is_some_and(|at| at <= now.saturating_add(DUE_SLACK_MS))
            && matches!(self.core.state(), StateKind::SignedIn)
    }

    /// Runs `work` under the cross-tab lock, as this client's lock round.
    async fn lock_and(self: &Rc<Self>, work: Work) -> Result<JsValue, JsValue> {
        let slot: Slot = Rc::new(RefCell::new(None));
        // A `Weak`: should the host never call it (a lock request that fails), the
        // closure keeps no client alive.
        let me = Rc::downgrade(self);
        let out = Rc::clone(&slot);
        let f = Closure::once_into_js(move || -> JsValue {
            match me.upgrade() {
                Some(me) => ops::promise(&me, Op::Locked(work, out)).into(),
                None => JsValue::UNDEFINED,
            }
        });
        let round = host::with_lock(
            &self.channel(),
            self.settings.lock_timeout_ms,
            &Function::from(f),
        );
        let round = JsValue::from(round);
        *self.lock_round.borrow_mut() = Some(round.clone());
        let lock = JsFuture::from(js_sys::Promise::from(round.clone())).await;
        {
            let mut current = self.lock_round.borrow_mut();
            if current.as_ref() == Some(&round) {
                *current = None;
            }
        }
        self.schedule_flush();
        lock?;
        let r = slot.borrow_mut().take();
        r.unwrap_or_else(|| {
            Err(error::js_error(
                "invalid_state",
                "the refresh was interrupted",
            ))
        })
    }

    /// The part of [`Inner::guarded`] that runs while holding the lock.
    /// Always `Ok(undefined)` (the result goes to `out`): the shape every operation's
    /// future has, so the driver runs it as it is.
    pub async fn locked(self: &Rc<Self>, work: Work, out: Slot) -> Result<JsValue, JsValue> {
        self.locked.set(self.locked.get() + 1);
        if !matches!(work, Work::Restore) {
            self.sync_from_store().await;
        }
        // Still due after the re-read, in a page with sibling tabs: the lock is granted
        // in order, but another tab's `localStorage` write reaches this tab's copy
        // asynchronously (Chromium keeps one per renderer process), and can arrive just
        // after the lock. A tab that refreshed a token leaves a marker lock named for
        // it, requested before it released this lock (one ordered channel to the lock
        // manager): when our token has one, wait for the write to land (up to 1 s),
        // re-reading, instead of refreshing it again.
        let before = self.token();
        if self.timer_due() && !self.tabs.borrow().is_null() {
            let refreshed = match &before {
                Some(h) => JsFuture::from(host::was_refreshed(&self.channel(), h))
                    .await
                    .is_ok_and(|v| v.is_truthy()),
                None => false,
            };
            let mut waited = 0;
            while refreshed && self.timer_due() && waited < SETTLE_MAX_MS {
                JsClock.sleep(SETTLE_STEP_MS).await;
                waited += SETTLE_STEP_MS;
                self.sync_from_store().await;
            }
        }
        let r = perform(self, work).await;
        if let Some(h) = before.filter(|h| self.token().as_ref() != Some(h)) {
            if !self.tabs.borrow().is_null() {
                host::mark_refreshed(&self.channel(), &h, MARK_MS);
            }
        }
        let p = self.persist().await;
        self.locked.set(self.locked.get().saturating_sub(1));
        *out.borrow_mut() = Some(p.and(r));
        Ok(JsValue::UNDEFINED)
    }

    /// Calls the listeners with the queued events.
    pub fn flush(&self) {
        self.flushing.set(false);
        if self.locked.get() > 0 {
            return; // the lock's release flushes
        }
        let events: Vec<_> = self.queue.borrow_mut().drain(..).collect();
        for (name, session) in events {
            host::emit_to(&self.listeners, &JsValue::UNDEFINED, name, &session);
        }
    }

    /// Arms the auto-refresh timer for the core's next timeout (at most 30 s ahead),
    /// replacing the one armed before: one timer per client, whose callback holds only a
    /// `Weak` (a dropped client is never kept alive by it).
    pub fn arm_auto_refresh(&self) {
        if let Some(id) = self.timer.borrow_mut().take() {
            host::clear_timer(&id);
        }
        if !self.auto_on.get() || self.disposed.get() {
            return;
        }
        let cb = self.auto_cb.borrow();
        let Some(cb) = cb.as_ref() else { return };
        let now = JsClock.now();
        let wait = self
            .core
            .next_timeout()
            .map_or(30_000, |at| at.saturating_sub(now))
            .clamp(10, 30_000);
        let id = host::set_timer(wait as f64, cb.as_ref().unchecked_ref());
        *self.timer.borrow_mut() = Some(id);
    }

    /// Stops the auto-refresh timer and the wake-up listeners.
    pub fn stop_auto_refresh(&self) {
        self.auto_on.set(false);
        if let Some(id) = self.timer.borrow_mut().take() {
            host::clear_timer(&id);
        }
        if let Some(stop) = self.wake_stop.borrow_mut().take() {
            let _ = stop.call0(&JsValue::NULL);
        }
        // Nothing can call it any more: free it now rather than with the state.
        drop(self.auto_cb.borrow_mut().take());
    }

    /// `dispose()`: stops every timer, listener and channel and frees the closures
    /// handed to JavaScript. In-flight calls finish (their results reach nobody) and then
    /// release the state. Idempotent; also run when the `AuthClient` is freed.
    pub fn shut_down(&self) {
        self.disposed.set(true);
        self.stop_auto_refresh();
        host::clear_listeners(&self.listeners);
        let tabs = self.tabs.replace(JsValue::NULL);
        host::close_tabs(&tabs);
        drop(self.tab_cb.borrow_mut().take());
    }
}

/// How long before a timer is due [`Inner::guarded`] already takes the lock (ms).
const DUE_SLACK_MS: u64 = 500;

/// How often and how long [`Inner::locked`] re-reads storage for another tab's write of
/// a token it marked as refreshed (ms).
const SETTLE_STEP_MS: u64 = 20;
const SETTLE_MAX_MS: u64 = 1_000;

/// How long the marker of a refreshed token stays (ms).
const MARK_MS: f64 = 10_000.0;

/// Where the locked part of [`Inner::guarded`] leaves its result.
pub type Slot = Rc<RefCell<Option<Result<JsValue, JsValue>>>>;

/// What [`Inner::guarded`] runs.
#[derive(Clone, Copy)]
pub enum Work {
    /// `getSession()`: the session after a due refresh.
    GetSession,
    /// `getToken()`: a valid token after a due refresh.
    GetToken,
    /// Fire due timers.
    Tick,
    /// `refresh()`: replace the token now.
    Refresh,
    /// Take over what another tab stored (always under the lock).
    Sync,
    /// `signOut()`'s local part (always under the lock).
    SignOut,
    /// Restore the stored session at start, under the lock: the core fires a due timer
    /// whenever it runs, so a tab opened while another refreshes must wait for that
    /// refresh and read its result, not refresh the same token on its own.
    Restore,
}

async fn perform(inner: &Rc<Inner>, work: Work) -> Result<JsValue, JsValue> {
    match work {
        Work::GetSession => {
            let _ = inner.core.get_token().await;
            Ok(inner
                .core
                .session()
                .await
                .map_or(JsValue::NULL, |s| session_js(&s)))
        }
        Work::GetToken => {
            let t = inner.core.get_token().await.map_err(|e| js_err(&e))?;
            Ok(JsValue::from_str(t.expose()))
        }
        Work::Tick => {
            inner.core.tick().await;
            Ok(JsValue::UNDEFINED)
        }
        Work::Refresh => inner
            .core
            .refresh()
            .await
            .map(|s| session_js(&s))
            .map_err(|e| js_err(&e)),
        // `locked` synced before performing.
        Work::Sync => Ok(JsValue::UNDEFINED),
        Work::Restore => {
            inner.restore().await;
            Ok(JsValue::UNDEFINED)
        }
        Work::SignOut => {
            inner.core.sign_out().await;
            Ok(JsValue::UNDEFINED)
        }
    }
}

/// The JS shape of a session (`Session`):
/// `{ token, tokenType, claims, expiresAt, user, provider, phone }`.
pub fn session_js(s: &Session) -> JsValue {
    js::to_js(&Value::object([
        ("token", s.token.secret().expose().into()),
        ("tokenType", s.token_type().as_str().into()),
        ("claims", s.claims().cloned().into()),
        ("expiresAt", s.expires_at().into()),
        ("user", s.user.clone().into()),
        ("provider", s.provider.as_str().into()),
        ("phone", s.phone.as_str().into()),
    ]))
}

/// The `AuthError` for a core error.
pub fn js_err(e: &Error) -> JsValue {
    error::to_js(e)
}
