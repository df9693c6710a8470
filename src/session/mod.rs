//! The sign-in state machine, one for every provider, in the sans-IO style.
//!
//! ```text
//!              request_code            verify ok
//! SignedOut ───────────────▶ CodeSent ───────────▶ SignedIn ◀──────────┐
//!     ▲  ▲                    │  ▲ │ resend,          │ refresh due     │ new token
//!     │  │                    │  └─┘ wrong code       ▼                 │
//!     │  └── sign_out ────────┘                    Refreshing ──────────┘
//!     └──────────── sign_out, expiry, refusal (401/403) ─┘
//! ```
//!
//! The machine does no IO and reads no clock: it hands out [`HttpRequest`]s, takes
//! their [`HttpResponse`]s, and every input carries `now` (unix milliseconds). Provider
//! differences live behind [`Flow`]; the machine only keeps the local rules (resend
//! cooldown, code expiry, attempts), the session and its refresh. See `docs/session.md`.

mod refresh;
mod respond;
mod snapshot;
#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_refresh;
mod types;

use std::collections::VecDeque;

use crate::error::Error;
use crate::http::{HttpRequest, HttpResponse};
use crate::phone::PhoneNumber;
use crate::provider::{Challenge, Flow, ProviderConfig};
use crate::secret::OtpCode;

pub use snapshot::{Snapshot, SnapshotError, MAX_SNAPSHOT_LEN, SNAPSHOT_VERSION};
pub use types::{
    Action, CodeInfo, Config, Event, OpId, RefreshStrategy, RequestId, Session, SignOutReason,
    StateKind, TokenType,
};

use snapshot::{StoredCode, StoredSession};
use types::ceil_secs;

/// The sign-in state machine.
///
/// # Call order
///
/// 1. Create it with [`Machine::new`], then call [`Machine::restore`] once with the
///    stored snapshot (or `None`): it emits [`Event::InitialSession`].
/// 2. On a user action call the matching input: [`handle_request_code`](Self::handle_request_code),
///    [`handle_resend`](Self::handle_resend), [`handle_verify`](Self::handle_verify),
///    [`handle_refresh`](Self::handle_refresh), [`handle_sign_out`](Self::handle_sign_out).
///    A local refusal (cooldown, expired code, no attempts left, wrong state) is returned
///    at once and sends nothing; otherwise you get the [`OpId`] that [`Event::Done`]
///    will report.
/// 3. Then, until it returns `None`, call [`poll_request`](Self::poll_request), send
///    the request, and pass the outcome back with its [`RequestId`]:
///    [`handle_response`](Self::handle_response) or
///    [`handle_transport_error`](Self::handle_transport_error). At most one request is
///    out at a time; a response with an unknown id (after a sign-out) is ignored.
/// 4. After every input drain [`poll_event`](Self::poll_event). On
///    [`Event::RefreshNeeded`] ask the app and answer with
///    [`handle_refreshed_token`](Self::handle_refreshed_token) or
///    [`handle_refresh_failed`](Self::handle_refresh_failed); on
///    [`Event::SnapshotChanged`] store [`snapshot`](Self::snapshot).
/// 5. Arm a timer for [`poll_timeout`](Self::poll_timeout) (re-read it after every
///    input) and call [`handle_timeout`](Self::handle_timeout) when it fires, or
///    whenever the app wakes up: calling it early or late is harmless.
pub struct Machine<F: Flow = ProviderConfig> {
    flow: F,
    config: Config,
    state: State,
    op: Option<Op>,
    events: VecDeque<Event>,
    next_id: u64,
}

/// The states; each moves by value into the next.
enum State {
    SignedOut,
    CodeSent(CodeSent),
    SignedIn(Live),
    Refreshing(Live, Backoff),
}

struct CodeSent {
    phone: PhoneNumber,
    challenge: Challenge,
    resend_allowed_at: u64,
    code_expires_at: u64,
    attempts_left: u32,
}

/// A session and when it next needs attention.
struct Live {
    session: Session,
    /// When refresh (or, with `Reverify`, the expiry warning) is due; `None` once it
    /// happened for this token, or when the token has no known expiry.
    refresh_at: Option<u64>,
}

/// Refresh attempts that failed without a refusal.
#[derive(Clone, Copy, Default)]
struct Backoff {
    failures: u32,
    /// When to try again; `None` while an attempt runs.
    retry_at: Option<u64>,
}

/// The one operation in progress.
struct Op {
    id: OpId,
    action: Action,
    kind: OpKind,
    request: Pending,
}

enum OpKind {
    Code { phone: PhoneNumber, step: u8 },
    Verify,
    Refresh,
    SignOut,
}

enum Pending {
    /// Waiting for something other than a response (the app's refresh callback).
    Nothing,
    Queued(RequestId, HttpRequest),
    Sent(RequestId),
}

/// A provider may chain at most this many requests to send one code.
const MAX_CODE_STEPS: u8 = 8;

impl<F: Flow> Machine<F> {
    /// A signed-out machine for this provider and these rules.
    pub fn new(flow: F, config: Config) -> Self {
        Machine {
            flow,
            config,
            state: State::SignedOut,
            op: None,
            events: VecDeque::new(),
            next_id: 0,
        }
    }

    /// The provider.
    pub fn flow(&self) -> &F {
        &self.flow
    }

    /// The provider, to change its settings (e.g. GIZO's app token).
    pub fn flow_mut(&mut self) -> &mut F {
        &mut self.flow
    }

    /// The local rules.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The current state.
    pub fn state(&self) -> StateKind {
        match self.state {
            State::SignedOut => StateKind::SignedOut,
            State::CodeSent(_) => StateKind::CodeSent,
            State::SignedIn(_) => StateKind::SignedIn,
            State::Refreshing(..) => StateKind::Refreshing,
        }
    }

    /// The session, while signed in or refreshing.
    pub fn session(&self) -> Option<&Session> {
        match &self.state {
            State::SignedIn(live) | State::Refreshing(live, _) => Some(&live.session),
            _ => None,
        }
    }

    /// The sent code, while one is pending.
    pub fn code_info(&self) -> Option<CodeInfo> {
        match &self.state {
            State::CodeSent(c) => Some(c.info()),
            _ => None,
        }
    }

    /// The operation in progress, if any.
    pub fn in_flight(&self) -> Option<(OpId, Action)> {
        self.op.as_ref().map(|op| (op.id, op.action))
    }

    // ----- inputs: user actions -------------------------------------------------------

    /// Ask for a code for `phone`. Refused locally while signed in, while another
    /// operation runs, and (as `rate_limited`) within the resend cooldown of the same number.
    pub fn handle_request_code(&mut self, now: u64, phone: PhoneNumber) -> Result<OpId, Error> {
        self.ensure_idle()?;
        match &self.state {
            State::SignedIn(_) | State::Refreshing(..) => {
                return Err(invalid_state("already signed in; sign out first"))
            }
            State::CodeSent(c) if c.phone == phone => c.check_cooldown(now)?,
            _ => {}
        }
        self.start_code(phone, Action::RequestCode)
    }

    /// Ask for a new code for the number a code was sent to.
    pub fn handle_resend(&mut self, now: u64) -> Result<OpId, Error> {
        self.ensure_idle()?;
        let State::CodeSent(c) = &self.state else {
            return Err(invalid_state("no code was requested"));
        };
        c.check_cooldown(now)?;
        let phone = c.phone.clone();
        self.start_code(phone, Action::Resend)
    }

    /// Check `code`. Refused locally when the code has expired or no attempts are left.
    pub fn handle_verify(&mut self, now: u64, code: &OtpCode) -> Result<OpId, Error> {
        self.ensure_idle()?;
        let c = match &self.state {
            State::CodeSent(c) => c,
            State::SignedOut => return Err(invalid_state("request a code first")),
            _ => return Err(invalid_state("already signed in")),
        };
        if c.attempts_left == 0 {
            return Err(Error::TooManyAttempts);
        }
        if now >= c.code_expires_at {
            return Err(Error::CodeExpired);
        }
        let request = self.flow.verify_request(&c.phone, &c.challenge, code)?;
        Ok(self.start_op(Action::Verify, OpKind::Verify, Some(request)))
    }

    /// End the session (or forget the sent code) at once; where the provider has a
    /// sign-out request it is queued, and [`Event::Done`] reports how it went.
    /// An operation in progress is cancelled.
    pub fn handle_sign_out(&mut self, _now: u64) -> OpId {
        self.cancel_op(invalid_state("cancelled by sign-out"));
        let token = self.session().map(|s| s.token.secret().clone());
        let had_state = !matches!(self.state, State::SignedOut);
        self.state = State::SignedOut;
        if token.is_some() {
            self.events.push_back(Event::SignedOut(SignOutReason::User));
        }
        if had_state {
            self.events.push_back(Event::SnapshotChanged);
        }
        let request = token.and_then(|t| self.flow.sign_out_request(&t));
        let has_request = request.is_some();
        let id = self.start_op(Action::SignOut, OpKind::SignOut, request);
        if !has_request {
            self.finish(Ok(()));
        }
        id
    }

    // ----- inputs: the network --------------------------------------------------------

    /// The response to request `id`.
    pub fn handle_response(&mut self, now: u64, id: RequestId, resp: HttpResponse) {
        if let Some(op) = self.take_op_for(id) {
            self.on_response(now, op, &resp);
        }
    }

    /// Request `id` got no response (offline, timeout, aborted).
    pub fn handle_transport_error(&mut self, now: u64, id: RequestId, error: Error) {
        if let Some(op) = self.take_op_for(id) {
            self.on_failure(now, op, error);
        }
    }

    // ----- outputs ----------------------------------------------------------------------

    /// The next request to send. Fires any timer due at `now` first, so a driver that
    /// only polls still makes progress.
    pub fn poll_request(&mut self, now: u64) -> Option<(RequestId, HttpRequest)> {
        self.handle_timeout(now);
        let op = self.op.as_mut()?;
        match core::mem::replace(&mut op.request, Pending::Nothing) {
            Pending::Queued(id, request) => {
                op.request = Pending::Sent(id);
                Some((id, request))
            }
            other => {
                op.request = other;
                None
            }
        }
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Whether [`poll_event`](Self::poll_event) has something.
    pub fn has_events(&self) -> bool {
        !self.events.is_empty()
    }

    /// When [`handle_timeout`](Self::handle_timeout) next has something to do (unix ms).
    pub fn poll_timeout(&self) -> Option<u64> {
        match &self.state {
            State::SignedIn(live) => min_some(live.refresh_at, live.session.expires_at()),
            State::Refreshing(live, backoff) => {
                let retry = backoff.retry_at.filter(|_| self.op.is_none());
                min_some(retry, live.session.expires_at())
            }
            _ => None,
        }
    }

    // ----- persistence ------------------------------------------------------------------

    /// The persistent part (a session, or a sent code so a reload can still verify);
    /// `None` when signed out (remove the stored value).
    pub fn snapshot(&self) -> Option<Snapshot> {
        let provider = self.flow.name();
        let base_url = self.flow.base_url();
        match &self.state {
            State::SignedOut => None,
            State::CodeSent(c) => Some(Snapshot::code_sent(
                provider,
                base_url,
                StoredCode {
                    phone: c.phone.e164(),
                    challenge: c.challenge.clone(),
                    resend_allowed_at: c.resend_allowed_at,
                    code_expires_at: c.code_expires_at,
                    attempts_left: c.attempts_left,
                },
            )),
            State::SignedIn(live) | State::Refreshing(live, _) => Some(Snapshot::signed_in(
                provider,
                base_url,
                StoredSession {
                    phone: live.session.phone.clone(),
                    token: live.session.token.clone(),
                    user: live.session.user.clone(),
                },
            )),
        }
    }

    /// Replaces the state with a stored snapshot (`None`: nothing stored) and emits
    /// [`Event::InitialSession`]. A snapshot that cannot be used leaves the machine
    /// signed out and says why; it also emits [`Event::SnapshotChanged`] so the driver
    /// removes it.
    pub fn restore(&mut self, now: u64, stored: Option<&str>) -> Result<StateKind, SnapshotError> {
        self.cancel_op(invalid_state("cancelled by restore"));
        let result = match stored {
            None => Ok(State::SignedOut),
            Some(text) => Snapshot::parse(text).and_then(|s| self.state_from(now, s)),
        };
        let outcome = match result {
            Ok(state) => {
                self.state = state;
                Ok(self.state())
            }
            Err(e) => {
                self.state = State::SignedOut;
                self.events.push_back(Event::SnapshotChanged);
                Err(e)
            }
        };
        self.events
            .push_back(Event::InitialSession(self.session().cloned()));
        outcome
    }

    fn state_from(&self, now: u64, snapshot: Snapshot) -> Result<State, SnapshotError> {
        if snapshot.provider != self.flow.name() {
            return Err(SnapshotError::ProviderMismatch);
        }
        // A session is bound to the backend that issued it: a client for another
        // baseUrl (staging vs production) sharing the storage key must not use it.
        match snapshot.base_url.as_deref() {
            None => return Err(SnapshotError::Unbound),
            Some(b) if b != crate::origin::binding(self.flow.base_url()) => {
                return Err(SnapshotError::OriginMismatch)
            }
            Some(_) => {}
        }
        if let Some(s) = snapshot.signed_in {
            // A number must still parse; a password sign-in keeps its login (user name,
            // e-mail) there instead, which only has to be present.
            let valid = if s.phone.starts_with('+') {
                PhoneNumber::parse(&s.phone, None).is_ok()
            } else {
                !s.phone.trim().is_empty()
            };
            if !valid {
                return Err(SnapshotError::InvalidPhone);
            }
            if s.token.is_expired(now, 0) {
                return Err(SnapshotError::SessionExpired);
            }
            let session = Session {
                provider: snapshot.provider,
                phone: s.phone,
                token: s.token,
                user: s.user,
            };
            return Ok(State::SignedIn(self.live(session, None)));
        }
        let c = snapshot.code_sent.ok_or(SnapshotError::NoState)?;
        if now >= c.code_expires_at || c.attempts_left == 0 {
            return Err(SnapshotError::CodeExpired);
        }
        let phone = PhoneNumber::parse(&c.phone, None).map_err(|_| SnapshotError::InvalidPhone)?;
        Ok(State::CodeSent(CodeSent {
            phone,
            challenge: c.challenge,
            resend_allowed_at: c.resend_allowed_at,
            code_expires_at: c.code_expires_at,
            attempts_left: c.attempts_left.min(self.config.max_attempts),
        }))
    }

    // ----- helpers ----------------------------------------------------------------------

    fn ensure_idle(&self) -> Result<(), Error> {
        match &self.op {
            None => Ok(()),
            Some(_) => Err(invalid_state("another request is in progress")),
        }
    }

    fn next_id(&mut self) -> u64 {
        self.next_id = self.next_id.wrapping_add(1);
        self.next_id
    }

    fn start_code(&mut self, phone: PhoneNumber, action: Action) -> Result<OpId, Error> {
        let request = self.flow.code_request(&phone)?;
        Ok(self.start_op(action, OpKind::Code { phone, step: 0 }, Some(request)))
    }

    fn start_op(&mut self, action: Action, kind: OpKind, request: Option<HttpRequest>) -> OpId {
        let id = OpId(self.next_id());
        let request = match request {
            Some(r) => Pending::Queued(RequestId(self.next_id()), r),
            None => Pending::Nothing,
        };
        self.op = Some(Op {
            id,
            action,
            kind,
            request,
        });
        id
    }

    /// The operation waiting for request `id`, taken out of the machine.
    fn take_op_for(&mut self, id: RequestId) -> Option<Op> {
        match &self.op {
            Some(Op {
                request: Pending::Sent(sent),
                ..
            }) if *sent == id => self.op.take(),
            _ => None,
        }
    }

    /// Ends the operation in progress with `result`.
    fn finish(&mut self, result: Result<(), Error>) {
        if let Some(op) = self.op.take() {
            self.done(&op, result);
        }
    }

    fn done(&mut self, op: &Op, result: Result<(), Error>) {
        self.events.push_back(Event::Done {
            op: op.id,
            action: op.action,
            result,
        });
    }

    fn cancel_op(&mut self, error: Error) {
        self.finish(Err(error));
    }
}

impl CodeSent {
    fn info(&self) -> CodeInfo {
        CodeInfo {
            phone: self.phone.e164(),
            is_registered: self.challenge.is_registered,
            resend_allowed_at: self.resend_allowed_at,
            code_expires_at: self.code_expires_at,
            attempts_left: self.attempts_left,
        }
    }

    fn check_cooldown(&self, now: u64) -> Result<(), Error> {
        if now < self.resend_allowed_at {
            return Err(Error::RateLimited {
                retry_after: Some(ceil_secs(self.resend_allowed_at - now)),
                status: None,
                message: None,
            });
        }
        Ok(())
    }
}

fn invalid_state(message: &str) -> Error {
    Error::InvalidState {
        message: message.to_owned(),
    }
}

fn min_some(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
