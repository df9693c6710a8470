//! The client over a simulated clock and a scripted closure transport.
//!
//! The clock is a shared `Cell<u64>`; its sleep advances the time and completes at once.
//! The transport records every request with the time it was sent and answers from a
//! script. Futures run on a tiny executor that polls only futures that were woken, so
//! a lost wake-up fails the test instead of being hidden by busy polling.

use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Wake, Waker};

use serde_json::json;

use super::{Client, Clock, LocalFuture, Transport};
use crate::error::Error;
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::provider::{Flow, ProviderConfig};
use crate::secret::Secret;
use crate::session::testkit::{jwt_at, respond, Fake, BASE};
use crate::session::{Action, Config, Event, RefreshStrategy, StateKind};

const T0: u64 = 1_700_000_000_000;
const MONETHA: &str = "https://api.monetha.io/mth/v1/users";
const DEVICE: &str = "3f1c2a9e-7b4d-4e2a-9c1d-5a6b7c8d9e0f";

// ----- executor ------------------------------------------------------------------------

struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Runs all futures to completion, polling a future only after its waker fired.
fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut tasks: Vec<_> = futures
        .into_iter()
        .map(|f| {
            let flag = Arc::new(Flag(AtomicBool::new(true)));
            (Box::pin(f), Waker::from(Arc::clone(&flag)), flag, None)
        })
        .collect();
    for _ in 0..100_000 {
        let mut polled = false;
        for (future, waker, flag, out) in &mut tasks {
            if out.is_none() && flag.0.swap(false, Ordering::SeqCst) {
                polled = true;
                if let Poll::Ready(v) = future.as_mut().poll(&mut Context::from_waker(waker)) {
                    *out = Some(v);
                }
            }
        }
        if tasks.iter().all(|t| t.3.is_some()) {
            return tasks.into_iter().filter_map(|t| t.3).collect();
        }
        assert!(
            polled,
            "every pending future waits for a wake-up that never comes"
        );
    }
    panic!("the futures did not finish")
}

fn block_on<F: Future>(future: F) -> F::Output {
    join_all(vec![future]).pop().unwrap()
}

/// Pending once (waking itself), then ready: lets other tasks run in between.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            return Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// A `get_token` call that may have been cancelled.
type Call<'a> = Pin<Box<dyn Future<Output = Option<Result<Secret, Error>>> + 'a>>;

/// Polls `inner` at most `polls` times, then drops it and gives `None`.
struct CancelAfter<F> {
    inner: Option<Pin<Box<F>>>,
    polls: u32,
}

fn cancel_after<F: Future>(polls: u32, inner: F) -> CancelAfter<F> {
    CancelAfter {
        inner: Some(Box::pin(inner)),
        polls,
    }
}

impl<F: Future> Future for CancelAfter<F> {
    type Output = Option<F::Output>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.polls == 0 {
            self.inner = None;
            return Poll::Ready(None);
        }
        self.polls -= 1;
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(None);
        };
        if let Poll::Ready(v) = inner.as_mut().poll(cx) {
            return Poll::Ready(Some(v));
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

// ----- simulation ----------------------------------------------------------------------

enum Reply {
    Respond(HttpResponse),
    Fail(Error),
    Hang,
}

/// The shared clock, the wire log and the scripted replies.
#[derive(Clone, Default)]
struct Sim {
    now: Rc<Cell<u64>>,
    slept: Rc<RefCell<Vec<u64>>>,
    sent: Rc<RefCell<Vec<(u64, HttpRequest)>>>,
    replies: Rc<RefCell<VecDeque<Reply>>>,
}

impl Sim {
    fn new() -> Sim {
        let sim = Sim::default();
        sim.now.set(T0);
        sim
    }

    fn reply(&self, status: u16, body: serde_json::Value) -> &Self {
        self.push(Reply::Respond(respond(status, body)))
    }

    fn push(&self, reply: Reply) -> &Self {
        self.replies.borrow_mut().push_back(reply);
        self
    }

    fn advance(&self, ms: u64) {
        self.now.set(self.now.get() + ms);
    }

    /// The requests sent since the last call, with their send times.
    fn take_sent(&self) -> Vec<(u64, HttpRequest)> {
        std::mem::take(&mut *self.sent.borrow_mut())
    }

    fn clock(&self) -> impl Clock {
        let (now, sim) = (Rc::clone(&self.now), self.clone());
        super::FnClock::new(
            move || now.get(),
            move |ms| {
                sim.slept.borrow_mut().push(ms);
                sim.advance(ms);
                core::future::ready(())
            },
        )
    }

    fn transport(&self) -> impl Transport {
        let sim = self.clone();
        move |req: HttpRequest| -> LocalFuture<Result<HttpResponse, Error>> {
            let sim = sim.clone();
            Box::pin(async move {
                sim.sent.borrow_mut().push((sim.now.get(), req));
                let reply = sim.replies.borrow_mut().pop_front();
                YieldNow(false).await;
                match reply.expect("a request the test did not expect") {
                    Reply::Respond(resp) => Ok(resp),
                    Reply::Fail(e) => Err(e),
                    Reply::Hang => core::future::pending().await,
                }
            })
        }
    }

    fn client<F: Flow>(&self, flow: F, config: Config) -> Client<impl Transport, impl Clock, F> {
        Client::new(flow, config, self.transport(), self.clock())
    }
}

fn network() -> Error {
    Error::Network {
        message: "connection reset".into(),
    }
}

fn monetha() -> ProviderConfig {
    ProviderConfig::from_json(&crate::json::Value::object([
        ("provider", "monetha".into()),
        ("baseUrl", "https://api.monetha.io".into()),
        ("deviceId", DEVICE.into()),
    ]))
    .unwrap()
}

fn fake(refresh: bool, sign_out: bool) -> Fake {
    Fake {
        refresh,
        sign_out,
        check_first: false,
    }
}

fn with_refresh(refresh: RefreshStrategy) -> Config {
    Config {
        refresh,
        ..Config::default()
    }
}

/// Records the events a client emits.
fn record<T: Transport, C: Clock, F: Flow>(client: &Client<T, C, F>) -> Rc<RefCell<Vec<Event>>> {
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&events);
    client.on_event(move |e| sink.borrow_mut().push(e.clone()));
    events
}

/// Signs the fake provider in with a one-hour token issued now; clears the wire log.
fn sign_in_fake<T: Transport, C: Clock>(sim: &Sim, client: &Client<T, C, Fake>) -> String {
    let token = jwt_at(T0 / 1000, 3600, "u1");
    sim.reply(200, json!({ "handle": "h1", "registered": true }))
        .reply(200, json!({ "token": token, "user": { "id": 1 } }));
    block_on(async {
        client.restore(None).await.unwrap();
        client.request_code("+491747707607").await.unwrap();
        client.verify("48213").await.unwrap();
    });
    assert_eq!(sim.take_sent().len(), 2);
    token
}

/// The error code of a call's outcome, `"ok"` for a success.
fn code<T>(outcome: Result<T, Error>) -> &'static str {
    outcome.err().map_or("ok", |e| e.code())
}

fn assert_request(req: &HttpRequest, method: Method, url: &str, body: Option<&str>) {
    assert_eq!(req.method, method);
    assert_eq!(req.url, url);
    assert_eq!(req.body.as_deref(), body);
}

// ----- tests ---------------------------------------------------------------------------

#[test]
fn monetha_sign_in_sends_the_seed_requests_and_strips_bearer() {
    let sim = Sim::new();
    let client = sim.client(monetha(), Config::default());
    let events = record(&client);
    let token = jwt_at(T0 / 1000, 3600, "42");
    sim.reply(
        200,
        json!({ "is_registered": true, "verification_token": "vt-7" }),
    )
    .reply(
        200,
        json!({ "auth_token": format!("Bearer {token}"), "user": { "id": 42 } }),
    );

    let (initial, info, session, got) = block_on(async {
        let initial = client.restore(None).await;
        let info = client.request_code("+370 680 86090").await.unwrap();
        let session = client.verify("123456").await.unwrap();
        (initial, info, session, client.get_token().await.unwrap())
    });

    assert_eq!(initial, Ok(StateKind::SignedOut));
    assert_eq!(info.is_registered, Some(true));
    let sent = sim.take_sent();
    assert_eq!(sent.len(), 2, "get_token on a fresh token sends nothing");
    assert_request(
        &sent[0].1,
        Method::Post,
        &format!("{MONETHA}/verify"),
        Some(&format!(
            r#"{{"country_code_iso":"LT","country_code":"370","phone_number":"68086090","device_id":"{DEVICE}"}}"#
        )),
    );
    assert_eq!(
        sent[0].1.get_header("Content-Type"),
        Some("application/json")
    );
    assert_request(
        &sent[1].1,
        Method::Post,
        &format!("{MONETHA}/signin"),
        Some(r#"{"verification_token":"vt-7","verification_code":"123456"}"#),
    );
    assert_eq!(session.token.secret().expose(), token);
    assert_eq!(session.phone, "+37068086090");
    assert_eq!(
        session.user,
        Some(crate::json::parse_str(r#"{"id":42}"#).unwrap())
    );
    assert_eq!(got.expose(), token);
    assert_eq!(client.state(), StateKind::SignedIn);
    assert!(client.snapshot().is_some_and(|s| s.contains(&token)));
    let names: Vec<_> = events.borrow().iter().filter_map(Event::js_name).collect();
    assert_eq!(names, ["INITIAL_SESSION", "CODE_SENT", "SIGNED_IN"]);
}

#[test]
fn fifty_concurrent_get_token_send_one_native_refresh() {
    let sim = Sim::new();
    let client = sim.client(
        fake(true, false),
        with_refresh(RefreshStrategy::ProviderNative),
    );
    let old = sign_in_fake(&sim, &client);
    sim.advance(3_570_000); // 30 s before expiry: refresh due, old token still valid
    let new = jwt_at(T0 / 1000 + 3570, 3600, "u1");
    sim.reply(200, json!({ "token": new }));

    let tokens = join_all((0..50).map(|_| client.get_token()).collect());

    let sent = sim.take_sent();
    assert_eq!(sent.len(), 1, "one refresh for fifty callers");
    assert_request(&sent[0].1, Method::Post, &format!("{BASE}/refresh"), None);
    assert_eq!(
        sent[0].1.get_header("Authorization"),
        Some(format!("Bearer {old}").as_str())
    );
    assert_eq!(tokens.len(), 50);
    for token in tokens {
        assert_eq!(
            token.unwrap().expose(),
            new,
            "every caller gets the new token"
        );
    }
    assert_eq!(client.state(), StateKind::SignedIn);
}

#[test]
fn fifty_concurrent_get_token_call_the_refresh_callback_once() {
    let sim = Sim::new();
    let client = sim.client(monetha(), with_refresh(RefreshStrategy::Callback));
    let old = jwt_at(T0 / 1000, 3600, "42");
    sim.reply(
        200,
        json!({ "is_registered": false, "verification_token": "vt" }),
    )
    .reply(200, json!({ "auth_token": old }));
    block_on(async {
        client.restore(None).await.unwrap();
        client.request_code("+37068086090").await.unwrap();
        client.verify("123456").await.unwrap();
    });
    assert_eq!(sim.take_sent()[1].1.url, format!("{MONETHA}/signup"));

    let calls = Rc::new(Cell::new(0));
    let new = jwt_at(T0 / 1000 + 3570, 3600, "42");
    let (counter, fresh) = (Rc::clone(&calls), new.clone());
    client.set_refresh_callback(move |session| {
        counter.set(counter.get() + 1);
        let fresh = fresh.clone();
        async move {
            assert_eq!(session.phone, "+37068086090");
            YieldNow(false).await;
            Ok(Secret::new(fresh))
        }
    });
    sim.advance(3_570_000);

    let tokens = join_all((0..50).map(|_| client.get_token()).collect());

    assert_eq!(calls.get(), 1, "one callback for fifty callers");
    assert!(
        sim.take_sent().is_empty(),
        "the callback strategy sends nothing"
    );
    for token in tokens {
        assert_eq!(token.unwrap().expose(), new);
    }
}

#[test]
fn idempotent_sign_out_is_retried_after_0_5_1_and_2_s() {
    let sim = Sim::new();
    let client = sim.client(fake(false, true), Config::default());
    let token = sign_in_fake(&sim, &client);
    sim.push(Reply::Fail(network()))
        .push(Reply::Fail(Error::Timeout))
        .push(Reply::Fail(network()))
        .push(Reply::Respond(HttpResponse::new(204, "")));

    block_on(client.sign_out());

    let sent = sim.take_sent();
    let times: Vec<u64> = sent.iter().map(|(t, _)| t - T0).collect();
    assert_eq!(times, [0, 500, 1500, 3500]);
    for (_, req) in &sent {
        assert_request(req, Method::Delete, &format!("{BASE}/logout"), None);
        assert_eq!(
            req.get_header("Authorization"),
            Some(format!("Bearer {token}").as_str())
        );
    }
    assert_eq!(client.state(), StateKind::SignedOut);
}

#[test]
fn idempotent_request_gives_up_after_three_retries() {
    let sim = Sim::new();
    let client = sim.client(fake(false, true), Config::default());
    sign_in_fake(&sim, &client);
    let events = record(&client);
    for _ in 0..4 {
        sim.push(Reply::Fail(network()));
    }

    block_on(client.sign_out());

    assert_eq!(sim.take_sent().len(), 4);
    assert_eq!(*sim.slept.borrow(), [500, 1000, 2000]);
    assert_eq!(
        client.state(),
        StateKind::SignedOut,
        "signed out locally anyway"
    );
    let failed = events.borrow().iter().any(|e| {
        matches!(e, Event::Done { action: Action::SignOut, result: Err(e), .. } if e.code() == "network")
    });
    assert!(
        failed,
        "the failed server-side sign-out is reported as an event"
    );
}

#[test]
fn a_post_is_not_retried_and_its_network_error_is_returned() {
    let sim = Sim::new();
    let client = sim.client(monetha(), Config::default());
    sim.push(Reply::Fail(network()));

    let err = block_on(async {
        client.restore(None).await.unwrap();
        client.request_code("+37068086090").await.unwrap_err()
    });

    assert_eq!(err.code(), "network");
    assert_eq!(sim.take_sent().len(), 1, "a POST is sent once");
    assert!(sim.slept.borrow().is_empty());
    assert_eq!(client.state(), StateKind::SignedOut);
}

#[test]
fn a_dropped_call_mid_request_leaves_the_client_usable() {
    let sim = Sim::new();
    let client = sim.client(monetha(), Config::default());
    block_on(client.restore(None)).unwrap();
    let events = record(&client);
    sim.push(Reply::Hang);

    let call = block_on(cancel_after(1, client.request_code("+37068086090")));
    assert!(call.is_none(), "dropped while waiting for the response");

    assert_eq!(sim.take_sent().len(), 1, "the request was on the wire");
    assert_eq!(client.state(), StateKind::SignedOut);
    sim.reply(
        200,
        json!({ "is_registered": true, "verification_token": "vt" }),
    );
    let info = block_on(client.request_code("+37068086090")).unwrap();
    assert_eq!(info.is_registered, Some(true));
    // The cancellation is reported (as `network`) by the next pump, before the new code.
    let done: Vec<_> = events
        .borrow()
        .iter()
        .filter_map(|e| match e {
            Event::Done { result, .. } => Some(result.clone().map_err(|e| e.code())),
            _ => None,
        })
        .collect();
    assert_eq!(done, [Err("network"), Ok(())]);
    assert_eq!(client.state(), StateKind::CodeSent);
    assert_eq!(sim.take_sent().len(), 1);
}

#[test]
fn a_dropped_waiter_does_not_disturb_the_shared_refresh() {
    let sim = Sim::new();
    let client = sim.client(
        fake(true, false),
        with_refresh(RefreshStrategy::ProviderNative),
    );
    sign_in_fake(&sim, &client);
    sim.advance(3_570_000);
    let new = jwt_at(T0 / 1000 + 3570, 3600, "u1");
    sim.reply(200, json!({ "token": new }));

    let calls: Vec<Call<'_>> = vec![
        Box::pin(async { Some(client.get_token().await) }),
        Box::pin(cancel_after(1, client.get_token())),
    ];
    let mut results = join_all(calls);

    assert_eq!(results.pop(), Some(None), "the waiter was dropped");
    let token = results.pop().flatten().unwrap().unwrap();
    assert_eq!(token.expose(), new);
    assert_eq!(sim.take_sent().len(), 1);
}

#[test]
fn errors_map_to_their_codes() {
    let sim = Sim::new();
    let client = sim.client(
        fake(true, false),
        with_refresh(RefreshStrategy::ProviderNative),
    );
    block_on(client.restore(None)).unwrap();
    assert_eq!(code(block_on(client.get_token())), "not_signed_in");
    assert_eq!(code(block_on(client.request_code("123"))), "invalid_phone");
    assert_eq!(code(block_on(client.verify("48213"))), "invalid_state");
    assert!(sim.take_sent().is_empty(), "local refusals send nothing");

    let limited = respond(429, json!({})).with_header("Retry-After", "7");
    sim.push(Reply::Respond(limited)).reply(503, json!({}));
    let err = block_on(client.request_code("+491747707607")).unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    assert_eq!(
        code(block_on(client.request_code("+491747707608"))),
        "server"
    );

    sim.reply(200, json!({ "handle": "h", "registered": true }))
        .reply(400, json!({ "error": "invalid_code" }));
    block_on(client.request_code("+491747707609")).unwrap();
    assert_eq!(code(block_on(client.verify("11111"))), "invalid_code");
    assert_eq!(
        client.state(),
        StateKind::CodeSent,
        "a wrong code can be retried"
    );
    assert_eq!(client.code_info().unwrap().attempts_left, 4);
    sim.take_sent();

    let token = jwt_at(T0 / 1000, 3600, "u1");
    sim.reply(200, json!({ "token": token }));
    block_on(client.verify("48213")).unwrap();
    sim.advance(3_570_000);
    sim.reply(401, json!({}));
    let err = block_on(client.get_token()).unwrap_err();
    assert_eq!(err.code(), "unauthorized", "a refused refresh signs out");
    assert_eq!(client.state(), StateKind::SignedOut);
    assert_eq!(sim.take_sent().len(), 2);
}

#[test]
fn dropping_the_pumping_caller_hands_the_refresh_over_to_the_waiters() {
    let sim = Sim::new();
    let client = sim.client(
        fake(true, false),
        with_refresh(RefreshStrategy::ProviderNative),
    );
    let old = sign_in_fake(&sim, &client);
    sim.advance(3_570_000);
    sim.push(Reply::Hang);

    let mut calls: Vec<Call<'_>> = vec![Box::pin(cancel_after(1, client.get_token()))];
    for _ in 0..10 {
        calls.push(Box::pin(async { Some(client.get_token().await) }));
    }
    let mut results = join_all(calls).into_iter();

    assert_eq!(
        results.next(),
        Some(None),
        "the first caller was dropped mid-request"
    );
    for token in results {
        let token = token.unwrap().unwrap();
        assert_eq!(
            token.expose(),
            old,
            "a refresh failed by network keeps the old token"
        );
    }
    assert_eq!(sim.take_sent().len(), 1);
    assert_eq!(client.state(), StateKind::Refreshing, "waiting to retry");

    sim.advance(1_000); // the refresh is retried 1 s after the failure
    let new = jwt_at(T0 / 1000 + 3571, 3600, "u1");
    sim.reply(200, json!({ "token": new }));
    assert_eq!(block_on(client.get_token()).unwrap().expose(), new);
    assert_eq!(sim.take_sent().len(), 1);
    assert_eq!(client.state(), StateKind::SignedIn);
}
