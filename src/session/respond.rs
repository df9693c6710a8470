//! What a response (or a transport failure) does to each kind of operation.

use super::{CodeSent, Machine, Op, OpKind, Pending, RequestId, State, MAX_CODE_STEPS};
use crate::error::Error;
use crate::http::HttpResponse;
use crate::phone::PhoneNumber;
use crate::provider::{Challenge, CodeStep, Flow, Verified};
use crate::session::types::{Event, Session};

impl<F: Flow> Machine<F> {
    /// Sign in with a token obtained outside the code flow (Arita's password login):
    /// `login` is what the person signed in with (a number in E.164 form, a user name or
    /// an e-mail address) and becomes [`Session::phone`]. Refused while signed in and
    /// while another operation runs; emits `SignedIn` like a verified code.
    pub fn handle_token_sign_in(
        &mut self,
        now: u64,
        login: String,
        verified: Verified,
    ) -> Result<Session, Error> {
        self.ensure_idle()?;
        if matches!(self.state, State::SignedIn(_) | State::Refreshing(..)) {
            return Err(super::invalid_state("already signed in; sign out first"));
        }
        Ok(self.enter_signed_in(now, login, verified))
    }

    /// The session for `verified`, announced (`SignedIn`, `SnapshotChanged`) and entered.
    fn enter_signed_in(&mut self, now: u64, phone: String, verified: Verified) -> Session {
        let session = Session {
            provider: self.flow.name().to_owned(),
            phone,
            token: self.token_from(&verified.token, now),
            user: verified.user,
        };
        self.events.push_back(Event::SignedIn(session.clone()));
        self.events.push_back(Event::SnapshotChanged);
        self.state = State::SignedIn(self.live(session.clone(), None));
        session
    }

    pub(super) fn on_response(&mut self, now: u64, op: Op, resp: &HttpResponse) {
        match &op.kind {
            OpKind::Code { phone, step } => match self.flow.on_code_response(phone, *step, resp) {
                Ok(CodeStep::Send(request)) if *step < MAX_CODE_STEPS => {
                    let id = RequestId(self.next_id());
                    let (phone, step) = (phone.clone(), step.saturating_add(1));
                    self.op = Some(Op {
                        kind: OpKind::Code { phone, step },
                        request: Pending::Queued(id, request),
                        ..op
                    });
                }
                Ok(CodeStep::Send(_)) => {
                    let error = Error::InvalidConfig {
                        message: "the provider chained too many code requests".into(),
                    };
                    self.done(&op, Err(error));
                }
                Ok(CodeStep::Sent(challenge)) => {
                    let phone = phone.clone();
                    self.code_sent(now, &op, phone, challenge);
                }
                Err(e) => self.code_failed(now, &op, e),
            },
            OpKind::Verify => match self.flow.on_verify_response(resp) {
                Ok(verified) => self.signed_in(now, &op, verified),
                Err(e) => self.verify_failed(now, &op, e),
            },
            OpKind::Refresh => match self.flow.on_refresh_response(resp) {
                Ok(verified) => self.refreshed(now, Some(&op), verified),
                Err(e) => self.refresh_failed(now, Some(&op), e),
            },
            OpKind::SignOut => {
                let result = if resp.is_success() {
                    Ok(())
                } else {
                    Err(Error::from_status(resp.status, None, resp.retry_after()))
                };
                self.done(&op, result);
            }
        }
    }

    pub(super) fn on_failure(&mut self, now: u64, op: Op, error: Error) {
        match op.kind {
            OpKind::Code { .. } => self.code_failed(now, &op, error),
            OpKind::Verify => self.verify_failed(now, &op, error),
            OpKind::Refresh => self.refresh_failed(now, Some(&op), error),
            OpKind::SignOut => self.done(&op, Err(error)),
        }
    }

    fn code_sent(&mut self, now: u64, op: &Op, phone: PhoneNumber, challenge: Challenge) {
        let ttl_secs = challenge.code_ttl.unwrap_or(self.config.code_ttl_secs);
        let sent = CodeSent {
            phone,
            resend_allowed_at: now.saturating_add(secs(self.config.resend_cooldown_secs)),
            code_expires_at: now.saturating_add(secs(ttl_secs)),
            attempts_left: self.config.max_attempts,
            challenge,
        };
        self.events.push_back(Event::CodeSent(sent.info()));
        self.events.push_back(Event::SnapshotChanged);
        self.state = State::CodeSent(sent);
        self.done(op, Ok(()));
    }

    /// A failed code request keeps the previous state; a server-side rate limit for the
    /// number a code was sent to moves the local cooldown.
    fn code_failed(&mut self, now: u64, op: &Op, error: Error) {
        if let (State::CodeSent(c), Some(retry_after), OpKind::Code { phone, .. }) =
            (&mut self.state, error.retry_after(), &op.kind)
        {
            if c.phone == *phone {
                c.resend_allowed_at = now.saturating_add(secs(retry_after));
                self.events.push_back(Event::SnapshotChanged);
            }
        }
        self.done(op, Err(error));
    }

    /// A failed verify keeps the code so the user can try again.
    fn verify_failed(&mut self, now: u64, op: &Op, error: Error) {
        if let State::CodeSent(c) = &mut self.state {
            let changed = match &error {
                Error::InvalidCode { .. } => {
                    c.attempts_left = c.attempts_left.saturating_sub(1);
                    true
                }
                Error::TooManyAttempts => {
                    c.attempts_left = 0;
                    true
                }
                Error::CodeExpired => {
                    c.code_expires_at = c.code_expires_at.min(now);
                    true
                }
                _ => false,
            };
            if changed {
                self.events.push_back(Event::SnapshotChanged);
            }
        }
        self.done(op, Err(error));
    }

    fn signed_in(&mut self, now: u64, op: &Op, verified: Verified) {
        let State::CodeSent(c) = &self.state else {
            // Unreachable: leaving CodeSent cancels the verify.
            return self.done(op, Err(super::invalid_state("no code was requested")));
        };
        let phone = c.phone.e164();
        self.enter_signed_in(now, phone, verified);
        self.done(op, Ok(()));
    }
}

/// Seconds to milliseconds.
pub(super) fn secs(s: u64) -> u64 {
    s.saturating_mul(1000)
}
