//! Timers and refresh: when a token is due, how it is replaced, and what failures do.
//!
//! Refresh is due `margin` before the skew-proof local expiry, but never earlier than
//! half-way through the token's lifetime, and at most once per received token: a token
//! that lives 30 s with a 60 s margin is refreshed after 15 s, not in a loop. A refreshed
//! token that expires no later than the one it replaces is not scheduled again.

use super::respond::secs;
use super::{Backoff, Live, Machine, Op, OpKind, Pending, State};
use crate::error::Error;
use crate::provider::{Flow, Verified};
use crate::secret::Secret;
use crate::session::types::{Action, Event, OpId, RefreshStrategy, Session, SignOutReason};
use crate::text::cat;
use crate::token::SessionToken;

/// First retry after a failed refresh, in ms; doubles per failure.
const BACKOFF_FIRST: u64 = 1_000;
/// Longest wait between two refresh attempts, in ms.
const BACKOFF_MAX: u64 = 60_000;

impl<F: Flow> Machine<F> {
    /// Fires whatever is due at `now`: expiry (signs out), the refresh (or, with
    /// `Reverify`, [`Event::TokenExpiring`]), a refresh retry after a failure.
    pub fn handle_timeout(&mut self, now: u64) {
        if self.session().is_some_and(|s| s.token.is_expired(now, 0)) {
            return self.end_session(SignOutReason::Expired);
        }
        let due = match &mut self.state {
            State::SignedIn(live) if live.refresh_at.is_some_and(|t| now >= t) => {
                live.refresh_at = None;
                true
            }
            State::Refreshing(_, backoff) => {
                self.op.is_none() && backoff.retry_at.is_some_and(|t| now >= t)
            }
            _ => false,
        };
        if due {
            self.begin_refresh(now);
        }
    }

    /// Refresh now (the app asked, or a request came back 401). While a refresh runs
    /// this returns its id (single flight). `Reverify` cannot refresh: `invalid_state`.
    pub fn handle_refresh(&mut self, now: u64) -> Result<OpId, Error> {
        if self.session().is_none() {
            return Err(Error::NotSignedIn);
        }
        if let Some(op) = &self.op {
            return match op.kind {
                OpKind::Refresh => Ok(op.id),
                _ => Err(super::invalid_state("another request is in progress")),
            };
        }
        if self.config.refresh == RefreshStrategy::Reverify {
            return Err(super::invalid_state(
                "the refresh strategy is reverify: sign in again",
            ));
        }
        if let State::SignedIn(live) = &mut self.state {
            live.refresh_at = None;
        }
        self.begin_refresh(now)
            .ok_or_else(|| super::invalid_state("no refresh started"))
    }

    /// `Callback` strategy: the app's new token (also accepted unasked while signed in).
    pub fn handle_refreshed_token(&mut self, now: u64, token: Secret) -> Result<(), Error> {
        if self.session().is_none() {
            return Err(Error::NotSignedIn);
        }
        let op = self.take_callback_op();
        let verified = Verified { token, user: None };
        self.refreshed(now, op.as_ref(), verified);
        Ok(())
    }

    /// `Callback` strategy: the app could not get a new token. A refusal
    /// ([`Error::is_refusal`]) signs out; anything else retries with backoff.
    pub fn handle_refresh_failed(&mut self, now: u64, error: Error) -> Result<(), Error> {
        let op = self
            .take_callback_op()
            .ok_or_else(|| super::invalid_state("no refresh is waiting for the app"))?;
        self.refresh_failed(now, Some(&op), error);
        Ok(())
    }

    fn take_callback_op(&mut self) -> Option<Op> {
        match &self.op {
            Some(Op {
                kind: OpKind::Refresh,
                request: Pending::Nothing,
                ..
            }) => self.op.take(),
            _ => None,
        }
    }

    /// Starts a refresh attempt by the configured strategy.
    fn begin_refresh(&mut self, now: u64) -> Option<OpId> {
        let (live, backoff) = match core::mem::replace(&mut self.state, State::SignedOut) {
            State::SignedIn(live) => (live, Backoff::default()),
            State::Refreshing(live, backoff) => (live, backoff),
            other => {
                self.state = other;
                return None;
            }
        };
        let session = live.session.clone();
        let strategy = self.config.refresh;
        if strategy == RefreshStrategy::Reverify {
            self.state = State::SignedIn(live);
            self.events.push_back(Event::TokenExpiring(session));
            return None;
        }
        let backoff = Backoff {
            retry_at: None,
            ..backoff
        };
        self.state = State::Refreshing(live, backoff);
        if strategy == RefreshStrategy::Callback {
            let id = self.start_op(Action::Refresh, OpKind::Refresh, None);
            self.events.push_back(Event::RefreshNeeded(session));
            return Some(id);
        }
        match self.flow.refresh_request(session.token.secret()) {
            Some(Ok(request)) => {
                Some(self.start_op(Action::Refresh, OpKind::Refresh, Some(request)))
            }
            failed => {
                let error = match failed {
                    Some(Err(e)) => e,
                    _ => Error::InvalidConfig {
                        message: cat!(self.flow.name(), " has no refresh request"),
                    },
                };
                let id = self.start_op(Action::Refresh, OpKind::Refresh, None);
                let op = self.op.take();
                self.refresh_failed(now, op.as_ref(), error);
                Some(id)
            }
        }
    }

    pub(super) fn refreshed(&mut self, now: u64, op: Option<&Op>, verified: Verified) {
        let live = match core::mem::replace(&mut self.state, State::SignedOut) {
            State::SignedIn(live) | State::Refreshing(live, _) => live,
            other => {
                self.state = other;
                if let Some(op) = op {
                    self.done(op, Err(Error::NotSignedIn));
                }
                return;
            }
        };
        let previous_expiry = live.session.expires_at();
        let session = Session {
            token: self.token_from(&verified.token, now),
            user: verified.user.or(live.session.user),
            ..live.session
        };
        self.events
            .push_back(Event::TokenRefreshed(session.clone()));
        self.events.push_back(Event::SnapshotChanged);
        self.state = State::SignedIn(self.live(session, previous_expiry));
        if let Some(op) = op {
            self.done(op, Ok(()));
        }
    }

    pub(super) fn refresh_failed(&mut self, now: u64, op: Option<&Op>, error: Error) {
        if error.is_refusal() {
            self.end_session(SignOutReason::Refused(error.clone()));
        } else if let State::Refreshing(_, backoff) = &mut self.state {
            backoff.failures = backoff.failures.saturating_add(1);
            backoff.retry_at = Some(now.saturating_add(backoff_delay(backoff.failures)));
        }
        if let Some(op) = op {
            self.done(op, Err(error));
        }
    }

    /// Signs out because of the token (expiry or refusal).
    pub(super) fn end_session(&mut self, reason: SignOutReason) {
        self.cancel_op(super::invalid_state("the session ended"));
        self.state = State::SignedOut;
        self.events.push_back(Event::SignedOut(reason));
        self.events.push_back(Event::SnapshotChanged);
    }

    /// A session with its refresh scheduled; `previous_expiry` is the expiry of the token
    /// it replaces (a new token must outlive it to be refreshed in turn).
    pub(super) fn live(&self, session: Session, previous_expiry: Option<u64>) -> Live {
        let expiry = session.token.expiry();
        let refresh_at = expiry.expires_at.and_then(|at| {
            let lifetime = at.saturating_sub(expiry.received_at);
            if lifetime == 0 || previous_expiry.is_some_and(|p| at <= p) {
                return None;
            }
            let margin = secs(self.config.refresh_margin_secs).min(lifetime / 2);
            Some(at - margin)
        });
        Live {
            session,
            refresh_at,
        }
    }

    /// A token received at `now`; an opaque one gets the configured lifetime, if any.
    pub(super) fn token_from(&self, token: &Secret, now: u64) -> SessionToken {
        let parsed = SessionToken::new(token, now);
        match (parsed.jwt(), self.config.opaque_token_lifetime_secs) {
            (None, Some(lifetime)) => SessionToken::with_lifetime(token, now, secs(lifetime)),
            _ => parsed,
        }
    }
}

/// Wait after `failures` failed attempts: 1 s, 2 s, 4 s, … at most 60 s.
fn backoff_delay(failures: u32) -> u64 {
    let doublings = failures.saturating_sub(1).min(16);
    (BACKOFF_FIRST << doublings).min(BACKOFF_MAX)
}
