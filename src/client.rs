//! A runtime-agnostic async client that drives the [`session::Machine`](crate::session::Machine).
//!
//! The client brings no runtime, no HTTP stack and no clock: it takes a [`Transport`]
//! (any `Fn(HttpRequest) -> impl Future<Output = Result<HttpResponse, Error>>`) and a
//! [`Clock`] (`now` in unix ms, and a `sleep`). Its futures are not `Send`, so the same
//! code runs on tokio's `LocalSet`, in a browser with `fetch`, or in a test with a
//! simulated clock.
//!
//! Methods take `&self` and may run concurrently (JavaScript calls them so): the state
//! sits in `RefCell`s that are never borrowed across an `.await`. One caller at a time
//! *pumps* the machine (sends its requests, delivers its events); the others wait for
//! their operation to be reported. A refresh is therefore single-flight: fifty
//! concurrent [`Client::get_token`] calls with a refresh due send one refresh request.
//!
//! ```no_run
//! # use phone_auth::{client::*, session::Config, provider::ProviderConfig, http::*, Error};
//! # async fn demo(provider: ProviderConfig, clock: impl Clock) -> Result<(), Error> {
//! let transport = |req: HttpRequest| async move {
//!     // send `req` with any HTTP client
//!     # let _ = req;
//!     Ok::<_, Error>(HttpResponse::new(200, "{}"))
//! };
//! let client = Client::new(provider, Config::default(), transport, clock);
//! client.restore(None).await.ok();
//! let challenge = client.request_code("+49 174 7707607").await?;
//! let session = client.verify("48213").await?;
//! let token = client.get_token().await?;
//! # let _ = (challenge, session, token); Ok(()) }
//! ```

use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::Waker;
use std::rc::Rc;

use crate::error::Error;
use crate::http::{HttpRequest, HttpResponse};
use crate::phone::PhoneNumber;
use crate::provider::{Flow, ProviderConfig, Verified};
use crate::secret::{OtpCode, Secret};
use crate::session::{
    Action, CodeInfo, Config, Event, Machine, OpId, Session, Snapshot, SnapshotError, StateKind,
};

/// A boxed, non-`Send` future.
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// Moves one request and its response. Implemented by every
/// `Fn(HttpRequest) -> impl Future<Output = Result<HttpResponse, Error>>`.
///
/// A request that got no response is an `Err` (`network` or `timeout`); every response,
/// whatever its status, is an `Ok`.
pub trait Transport {
    /// The response future.
    type Future: Future<Output = Result<HttpResponse, Error>>;
    /// Sends `request`.
    fn send(&self, request: HttpRequest) -> Self::Future;
}

impl<F, Fut> Transport for F
where
    F: Fn(HttpRequest) -> Fut,
    Fut: Future<Output = Result<HttpResponse, Error>>,
{
    type Future = Fut;
    fn send(&self, request: HttpRequest) -> Fut {
        self(request)
    }
}

/// The time source: the client reads no clock of its own.
pub trait Clock {
    /// Now, unix milliseconds.
    fn now(&self) -> u64;
    /// A future that completes after `ms` milliseconds.
    fn sleep(&self, ms: u64) -> LocalFuture<()>;
}

/// A [`Clock`] made of two closures: `now()` and `sleep(ms)`.
pub struct FnClock<N, S> {
    now: N,
    sleep: S,
}

impl<N, S> FnClock<N, S> {
    /// `FnClock::new(|| unix_ms(), |ms| tokio::time::sleep(Duration::from_millis(ms)))`.
    pub fn new(now: N, sleep: S) -> Self {
        FnClock { now, sleep }
    }
}

impl<N, S, Fut> Clock for FnClock<N, S>
where
    N: Fn() -> u64,
    S: Fn(u64) -> Fut,
    Fut: Future<Output = ()> + 'static,
{
    fn now(&self) -> u64 {
        (self.now)()
    }
    fn sleep(&self, ms: u64) -> LocalFuture<()> {
        Box::pin((self.sleep)(ms))
    }
}

/// The app's refresh for [`RefreshStrategy::Callback`](crate::session::RefreshStrategy::Callback):
/// given the session, a new token.
pub type RefreshCallback = Rc<dyn Fn(Session) -> LocalFuture<Result<Secret, Error>>>;

/// Identifies an event listener, to remove it with [`Client::off`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ListenerId(u64);

/// Retries of an idempotent request that got no response.
const MAX_RETRIES: u32 = 3;
/// First wait before such a retry, in ms; doubles each time.
const RETRY_FIRST_MS: u64 = 500;
/// Longest sleep of [`Client::run_auto_refresh`] between two checks, in ms.
const AUTO_REFRESH_POLL_MS: u64 = 30_000;

/// The client. See the [module documentation](self).
pub struct Client<T, C, F = ProviderConfig>
where
    T: Transport,
    C: Clock,
    F: Flow,
{
    machine: RefCell<Machine<F>>,
    driver: RefCell<Driver>,
    transport: T,
    clock: C,
}

type Listener = Rc<dyn Fn(&Event)>;

/// Who pumps, who waits for what, who listens.
#[derive(Default)]
struct Driver {
    pumping: bool,
    generation: u64,
    wakers: Vec<Waker>,
    awaited: Awaiting,
    listeners: Vec<(ListenerId, Listener)>,
    next_listener: u64,
    refresh_callback: Option<RefreshCallback>,
    auto_refresh: bool,
}

struct Awaited {
    waiters: usize,
    result: Option<Result<(), Error>>,
}

/// The operations someone waits for: a handful at most, so a list (a `HashMap` would
/// bring its hasher and table code into the wasm module, ~2 KB gzip, for nothing).
#[derive(Default)]
struct Awaiting(Vec<(OpId, Awaited)>);

impl Awaiting {
    fn get(&self, op: &OpId) -> Option<&Awaited> {
        self.0.iter().find(|(o, _)| o == op).map(|(_, a)| a)
    }

    fn get_mut(&mut self, op: &OpId) -> Option<&mut Awaited> {
        self.0.iter_mut().find(|(o, _)| o == op).map(|(_, a)| a)
    }

    /// One more waiter for `op`.
    fn add_waiter(&mut self, op: OpId) {
        match self.get_mut(&op) {
            Some(a) => a.waiters += 1,
            None => self.0.push((
                op,
                Awaited {
                    waiters: 1,
                    result: None,
                },
            )),
        }
    }

    fn remove(&mut self, op: &OpId) {
        self.0.retain(|(o, _)| o != op);
    }
}

impl<T: Transport, C: Clock, F: Flow> Client<T, C, F> {
    /// A client for `provider` with these rules; call [`Client::restore`] next.
    pub fn new(provider: F, config: Config, transport: T, clock: C) -> Self {
        Client {
            machine: RefCell::new(Machine::new(provider, config)),
            driver: RefCell::new(Driver::default()),
            transport,
            clock,
        }
    }

    /// Sets the app's refresh for the `Callback` strategy.
    pub fn set_refresh_callback<G, Fut>(&self, callback: G)
    where
        G: Fn(Session) -> Fut + 'static,
        Fut: Future<Output = Result<Secret, Error>> + 'static,
    {
        let callback: RefreshCallback = Rc::new(move |s| Box::pin(callback(s)));
        self.driver.borrow_mut().refresh_callback = Some(callback);
    }

    /// Calls `listener` with every event, in order. It must not block; it may call the
    /// client's synchronous methods.
    pub fn on_event(&self, listener: impl Fn(&Event) + 'static) -> ListenerId {
        let mut d = self.driver.borrow_mut();
        d.next_listener += 1;
        let id = ListenerId(d.next_listener);
        d.listeners.push((id, Rc::new(listener)));
        id
    }

    /// Removes a listener.
    pub fn off(&self, id: ListenerId) {
        self.driver.borrow_mut().listeners.retain(|(l, _)| *l != id);
    }

    /// The current state.
    pub fn state(&self) -> StateKind {
        self.machine.borrow().state()
    }

    /// The sent code, while one is pending.
    pub fn code_info(&self) -> Option<CodeInfo> {
        self.machine.borrow().code_info()
    }

    /// The text to store (contains the token), or `None` when signed out.
    pub fn snapshot(&self) -> Option<String> {
        self.machine.borrow().snapshot().map(|s| s.to_json())
    }

    /// Whether a stored snapshot is this client's (same provider and `baseUrl`): a client
    /// neither uses nor deletes another's.
    pub fn owns(&self, snapshot: &Snapshot) -> bool {
        snapshot.belongs_to(self.machine.borrow().flow())
    }

    /// Runs `f` on the provider's settings (e.g. to change GIZO's app token).
    pub fn with_flow_mut<R>(&self, f: impl FnOnce(&mut F) -> R) -> R {
        f(self.machine.borrow_mut().flow_mut())
    }

    /// When [`Client::tick`] next has something to do (unix ms).
    pub fn next_timeout(&self) -> Option<u64> {
        self.machine.borrow().poll_timeout()
    }

    /// Restores a stored snapshot (`None`: nothing stored) and emits `INITIAL_SESSION`.
    /// An unusable snapshot leaves the client signed out and says why.
    pub async fn restore(&self, stored: Option<&str>) -> Result<StateKind, SnapshotError> {
        let now = self.clock.now();
        let result = self.machine.borrow_mut().restore(now, stored);
        self.pump().await;
        result
    }

    /// Sends a code to the number a person typed (parsed with the configured default region).
    pub async fn request_code(&self, phone: &str) -> Result<CodeInfo, Error> {
        let region = self.machine.borrow().config().default_region.clone();
        let phone = PhoneNumber::parse(phone, region.as_deref())?;
        self.start(|m, now| m.handle_request_code(now, phone))?
            .wait()
            .await?;
        self.code_info()
            .ok_or_else(|| invalid_state("the code request was cancelled"))
    }

    /// Sends a new code to the same number (refused locally within the cooldown).
    pub async fn resend_code(&self) -> Result<CodeInfo, Error> {
        self.start(|m, now| m.handle_resend(now))?.wait().await?;
        self.code_info()
            .ok_or_else(|| invalid_state("the code request was cancelled"))
    }

    /// Checks the code a person typed; on success the session.
    pub async fn verify(&self, code: &str) -> Result<Session, Error> {
        let code = OtpCode::parse(code)?;
        self.start(|m, now| m.handle_verify(now, &code))?
            .wait()
            .await?;
        self.machine
            .borrow()
            .session()
            .cloned()
            .ok_or(Error::NotSignedIn)
    }

    /// Signs in with a token obtained outside the code flow (Arita's password login).
    /// `login` is what the person signed in with: a phone number (kept in E.164 form
    /// when it parses with the default region) or a user name or e-mail (kept as given).
    pub async fn sign_in_with_token(
        &self,
        login: &str,
        token: Secret,
        user: Option<crate::json::Value>,
    ) -> Result<Session, Error> {
        let now = self.clock.now();
        let login = {
            let region = self.machine.borrow().config().default_region.clone();
            match PhoneNumber::parse(login, region.as_deref()) {
                Ok(phone) => phone.e164(),
                Err(_) => login.trim().to_owned(),
            }
        };
        let session =
            self.machine
                .borrow_mut()
                .handle_token_sign_in(now, login, Verified { token, user })?;
        self.pump().await;
        Ok(session)
    }

    /// The session, after firing whatever timer is due (an expired session is gone).
    pub async fn session(&self) -> Option<Session> {
        self.tick().await;
        self.machine.borrow().session().cloned()
    }

    /// A token that has not expired, refreshing first when a refresh is due; concurrent
    /// callers share one refresh. A refresh that fails by network keeps the old token.
    pub async fn get_token(&self) -> Result<Secret, Error> {
        let now = self.clock.now();
        let interest = {
            let mut m = self.machine.borrow_mut();
            m.handle_timeout(now);
            match m.in_flight() {
                Some((op, Action::Refresh)) => Some(self.interest(op)),
                _ => None,
            }
        };
        let refresh = match interest {
            Some(interest) => Some(interest.wait().await),
            None => {
                self.pump().await;
                None
            }
        };
        let now = self.clock.now();
        match self.machine.borrow().session() {
            Some(s) if !s.token.is_expired(now, 0) => Ok(s.token.secret().clone()),
            _ => Err(match refresh {
                Some(Err(e)) if e.is_refusal() => e,
                _ => Error::NotSignedIn,
            }),
        }
    }

    /// Replaces the token now (single-flight); `invalid_state` with the `Reverify` strategy.
    pub async fn refresh(&self) -> Result<Session, Error> {
        self.start(|m, now| m.handle_refresh(now))?.wait().await?;
        self.machine
            .borrow()
            .session()
            .cloned()
            .ok_or(Error::NotSignedIn)
    }

    /// Signs out locally at once, then tells the server where the provider can.
    /// Never fails: a failed server-side sign-out is reported as an event only.
    pub async fn sign_out(&self) {
        let now = self.clock.now();
        let interest = {
            let op = self.machine.borrow_mut().handle_sign_out(now);
            self.interest(op)
        };
        let _ = interest.wait().await;
    }

    /// Fires whatever timer is due now and sends what follows (e.g. a refresh).
    pub async fn tick(&self) {
        let now = self.clock.now();
        self.machine.borrow_mut().handle_timeout(now);
        self.pump().await;
    }

    /// Keeps the session fresh until [`Client::stop_auto_refresh`]: sleeps until the
    /// next timeout (at most 30 s at a time, so a wake from sleep is noticed) and ticks.
    pub async fn run_auto_refresh(&self) {
        self.driver.borrow_mut().auto_refresh = true;
        while self.driver.borrow().auto_refresh {
            let now = self.clock.now();
            let wait = self
                .next_timeout()
                .map_or(AUTO_REFRESH_POLL_MS, |at| at.saturating_sub(now))
                .clamp(10, AUTO_REFRESH_POLL_MS);
            self.clock.sleep(wait).await;
            if self.driver.borrow().auto_refresh {
                self.tick().await;
            }
        }
    }

    /// Stops [`Client::run_auto_refresh`] after its current sleep.
    pub fn stop_auto_refresh(&self) {
        self.driver.borrow_mut().auto_refresh = false;
    }

    // ----- driving ----------------------------------------------------------------------

    /// Starts an operation; its [`Interest`] then waits for the outcome. Not an `async
    /// fn` generic over `start`: every operation shares the one `Interest::wait` future.
    fn start(
        &self,
        start: impl FnOnce(&mut Machine<F>, u64) -> Result<OpId, Error>,
    ) -> Result<Interest<'_, T, C, F>, Error> {
        let now = self.clock.now();
        let op = start(&mut self.machine.borrow_mut(), now)?;
        Ok(self.interest(op))
    }

    /// Registers a waiter for `op`; must happen before the op's events are delivered.
    fn interest(&self, op: OpId) -> Interest<'_, T, C, F> {
        self.driver.borrow_mut().awaited.add_waiter(op);
        Interest {
            client: self,
            op,
            live: true,
        }
    }

    /// Sends the machine's requests and delivers its events until it has none, unless
    /// another caller is already doing so.
    async fn pump(&self) {
        {
            let mut d = self.driver.borrow_mut();
            if d.pumping {
                return;
            }
            d.pumping = true;
        }
        let mut guard = PumpGuard {
            client: self,
            in_flight: None,
        };
        loop {
            let events: Vec<Event> = {
                let mut m = self.machine.borrow_mut();
                core::iter::from_fn(|| m.poll_event()).collect()
            };
            if let Some(session) = self.deliver(events) {
                self.run_callback(session).await;
                continue;
            }
            let now = self.clock.now();
            let next = self.machine.borrow_mut().poll_request(now);
            let Some((id, request)) = next else {
                if self.machine.borrow().has_events() {
                    continue;
                }
                break;
            };
            guard.in_flight = Some(id);
            let outcome = self.send(request).await;
            guard.in_flight = None;
            let now = self.clock.now();
            let mut m = self.machine.borrow_mut();
            match outcome {
                Ok(resp) => m.handle_response(now, id, resp),
                Err(e) => m.handle_transport_error(now, id, e),
            }
        }
    }

    /// Sends one request; an idempotent one that got no response is retried with backoff.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let retry = request.method.is_idempotent();
        let mut delay = RETRY_FIRST_MS;
        let mut attempt = 0;
        loop {
            match self.transport.send(request.clone()).await {
                Err(e) if retry && e.is_transient() && attempt < MAX_RETRIES => {
                    attempt += 1;
                    self.clock.sleep(delay).await;
                    delay = delay.saturating_mul(2);
                }
                outcome => return outcome,
            }
        }
    }

    /// Records outcomes for waiters and calls listeners. Returns the session of a
    /// [`Event::RefreshNeeded`], if there was one.
    fn deliver(&self, events: Vec<Event>) -> Option<Session> {
        if events.is_empty() {
            return None;
        }
        let mut refresh = None;
        let listeners: Vec<Listener> = {
            let mut d = self.driver.borrow_mut();
            for event in &events {
                match event {
                    Event::Done { op, result, .. } => {
                        if let Some(a) = d.awaited.get_mut(op) {
                            a.result = Some(result.clone());
                        }
                    }
                    Event::RefreshNeeded(s) => refresh = Some(s.clone()),
                    _ => {}
                }
            }
            d.listeners.iter().map(|(_, l)| Rc::clone(l)).collect()
        };
        for event in &events {
            for listener in &listeners {
                listener(event);
            }
        }
        self.notify();
        refresh
    }

    /// Asks the app for a new token (`Callback` strategy) and hands the answer over.
    async fn run_callback(&self, session: Session) {
        let callback = self.driver.borrow().refresh_callback.clone();
        let outcome = match callback {
            Some(callback) => callback(session).await,
            None => Err(Error::InvalidConfig {
                message: "the callback refresh strategy needs a refresh callback".into(),
            }),
        };
        let now = self.clock.now();
        let mut m = self.machine.borrow_mut();
        // A sign-out may have happened meanwhile; then there is nothing to answer.
        let _ = match outcome {
            Ok(token) => m.handle_refreshed_token(now, token),
            Err(e) => m.handle_refresh_failed(now, e),
        };
    }

    /// Wakes every waiter.
    fn notify(&self) {
        let wakers = match self.driver.try_borrow_mut() {
            Ok(mut d) => {
                d.generation = d.generation.wrapping_add(1);
                core::mem::take(&mut d.wakers)
            }
            Err(_) => return,
        };
        wakers.into_iter().for_each(Waker::wake);
    }
}

fn invalid_state(message: &str) -> Error {
    Error::InvalidState {
        message: message.to_owned(),
    }
}

mod wait;

use wait::{Interest, PumpGuard};

#[cfg(test)]
mod tests;
