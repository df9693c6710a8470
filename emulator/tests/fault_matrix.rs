//! The fault matrix: for every provider, every step of a sign-in (the code request and
//! the verify) and every fault the emulator can inject, the native client surfaces the
//! expected stable `code()`, nothing changes on the server, and the user can retry.
//!
//! A wrapping transport adds `X-Emulator-Fault` to exactly one request: the first one
//! sent after the test arms it, i.e. the first request of the targeted step.

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{config, start, Emu};
use phone_auth::client::{Client, FnClock};
use phone_auth::http::Method;
use phone_auth::http::{HttpRequest, HttpResponse};
use phone_auth::provider::custom::Endpoint;
use phone_auth::provider::ProviderConfig;
use phone_auth::session::{Config, Event, RefreshStrategy, StateKind};
use phone_auth::Error;
use serde_json::json;

/// A fault, the `code()` the client must surface for it, and the HTTP status it carries
/// (`None`: no response at all).
const FAULTS: &[(&str, &str, Option<u16>)] = &[
    ("status=503", "server", Some(503)),
    ("status=429", "rate_limited", Some(429)),
    ("malformed", "malformed_response", Some(200)),
    ("html", "server", Some(502)),
    ("drop", "network", None),
];

/// Which request of the sign-in gets the fault: the `n`th (from 0) of the code request
/// (Arita's takes two: `account/check`, then the OTP request), or the verify.
#[derive(Clone, Copy, Debug)]
enum Step {
    RequestCode(usize),
    Verify,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The fault to add to a coming request (after `skip` others), the URLs that got one, and
/// how many requests were sent.
#[derive(Default)]
struct Injector {
    armed: Cell<Option<&'static str>>,
    skip: Cell<usize>,
    hit: RefCell<Vec<String>>,
    sent: Cell<usize>,
}

impl Injector {
    fn arm(&self, fault: &'static str, skip: usize) {
        self.armed.set(Some(fault));
        self.skip.set(skip);
    }

    /// The fault for this request, if it is the targeted one.
    fn fault_for(&self, url: &str) -> Option<&'static str> {
        self.sent.set(self.sent.get() + 1);
        self.armed.get()?;
        if let Some(skip) = self.skip.get().checked_sub(1) {
            self.skip.set(skip);
            return None;
        }
        self.hit.borrow_mut().push(url.to_owned());
        self.armed.take()
    }
}

async fn send(
    http: reqwest::Client,
    injector: Rc<Injector>,
    mut req: HttpRequest,
) -> Result<HttpResponse, Error> {
    if let Some(fault) = injector.fault_for(&req.url) {
        req.headers
            .push(("X-Emulator-Fault".to_owned(), fault.to_string()));
    }
    common::send(http, req).await
}

/// Runs one cell of the matrix: `fault` on the request `step` names.
async fn run_case(
    emu: &Emu,
    provider: &ProviderConfig,
    (phone, e164, code_requests): (&str, &str, usize),
    step: Step,
    (fault, expected_code, expected_status): (&'static str, &str, Option<u16>),
) {
    let case = format!("{} / {step:?} / {fault}", emu_name(provider));
    let injector = Rc::new(Injector::default());
    let transport = {
        let (http, injector) = (emu.http.clone(), injector.clone());
        move |req: HttpRequest| send(http.clone(), injector.clone(), req)
    };
    let clock = FnClock::new(now_ms, |ms| tokio::time::sleep(Duration::from_millis(ms)));
    let client = Client::new(provider.clone(), Config::default(), transport, clock);
    client.restore(None).await.expect("restore");

    let sms_before = emu.sms_count(e164).await;
    let (error, code) = match step {
        Step::RequestCode(nth) => {
            injector.arm(fault, nth);
            let error = client.request_code(phone).await.expect_err(&case);
            assert_eq!(client.state(), StateKind::SignedOut, "{case}");
            assert_eq!(emu.sms_count(e164).await, sms_before, "{case}: SMS sent");
            // Without the fault, a new request works at once.
            let sent = injector.sent.get();
            client.request_code(phone).await.expect(&case);
            assert_eq!(injector.sent.get() - sent, code_requests, "{case}");
            (error, emu.code_for(e164).await)
        }
        Step::Verify => {
            client.request_code(phone).await.expect(&case);
            injector.arm(fault, 0);
            let code = emu.code_for(e164).await;
            let error = client.verify(&code).await.expect_err(&case);
            assert_eq!(client.state(), StateKind::CodeSent, "{case}");
            let info = client.code_info().expect("code info");
            assert_eq!(info.attempts_left, Config::default().max_attempts, "{case}");
            assert_eq!(emu.sms_count(e164).await, sms_before + 1, "{case}: one SMS");
            (error, code)
        }
    };
    assert_eq!(error.code(), expected_code, "{case}: {error:?}");
    assert_eq!(error.status(), expected_status, "{case}: {error:?}");
    assert_eq!(
        injector.hit.borrow().len(),
        1,
        "{case}: one faulted request"
    );
    assert!(injector.armed.get().is_none(), "{case}: fault not consumed");

    // Without the fault the code verifies (after a failed verify: the same code).
    client.verify(&code).await.expect(&case);
    assert_eq!(client.state(), StateKind::SignedIn, "{case}");
    client.sign_out().await;
}

/// `e164` with its last two digits replaced by `n` (< 100).
fn fresh_number(e164: &str, n: usize) -> String {
    let base = e164.get(..e164.len() - 2).expect("a long number");
    format!("{base}{n:02}")
}

fn emu_name(provider: &ProviderConfig) -> &'static str {
    match provider {
        ProviderConfig::Gizo(_) => "gizo",
        ProviderConfig::Arita(_) => "arita",
        ProviderConfig::Monetha(_) => "monetha",
        ProviderConfig::Sso(_) => "sso",
        ProviderConfig::Custom(_) => "custom",
    }
}

fn provider(value: serde_json::Value) -> ProviderConfig {
    let value = phone_auth::json::parse_str(&value.to_string()).expect("JSON");
    ProviderConfig::from_json(&value).expect("provider config")
}

#[tokio::test]
async fn every_fault_on_every_step_of_every_provider_is_reported_and_retryable() {
    let emu = start(config()).await;
    let company = emu.gizo_company_token().await;
    let providers = [
        (
            provider(json!({"provider": "gizo", "baseUrl": emu.base, "appToken": company})),
            ("+49 174 7707607", "+491747707607", 1),
        ),
        (
            provider(json!({"provider": "arita", "baseUrl": emu.base})),
            ("+852 6809 8227", "+85268098227", 2),
        ),
        (
            provider(
                json!({"provider": "monetha", "baseUrl": emu.base, "deviceId": "fault-device"}),
            ),
            ("+370 680 86090", "+37068086090", 1),
        ),
        (
            provider(json!({"provider": "sso", "baseUrl": emu.base})),
            ("+49 151 12345678", "+4915112345678", 1),
        ),
    ];
    let started = std::time::Instant::now();
    let mut cells = 0;
    for (provider, (phone, e164, code_requests)) in &providers {
        let steps = (0..*code_requests)
            .map(Step::RequestCode)
            .chain([Step::Verify]);
        for (n, step) in steps.enumerate() {
            for (f, &fault) in FAULTS.iter().enumerate() {
                // The same number over and over: a known account after the first sign-in.
                run_case(&emu, provider, (phone, e164, *code_requests), step, fault).await;
                // A new number every time: the sign-up paths.
                let fresh = fresh_number(e164, 40 + n * FAULTS.len() + f);
                let number = (fresh.as_str(), fresh.as_str(), *code_requests);
                run_case(&emu, provider, number, step, fault).await;
                cells += 2;
            }
        }
    }
    // Nine faulted requests (two steps each, Arita's code request is two) × five faults,
    // for a known and a new account.
    assert_eq!(cells, 2 * 9 * FAULTS.len());
    assert!(started.elapsed() < Duration::from_secs(20), "too slow");
    emu.stop().await;
}

/// Provider-native refresh needs an API with a refresh endpoint, which none of the four
/// has; a custom description of GIZO uses its server-side `v2/User/client-token` (a new
/// user token for a user id, with the company bearer) as one.
#[tokio::test]
async fn a_refresh_survives_a_network_failure_and_a_refusal_signs_out() {
    let emu = start(config()).await;
    let company = emu.gizo_company_token().await;
    let description = json!({
        "provider": "custom",
        "name": "gizo-refresh",
        "baseUrl": emu.base,
        "phoneFormat": "gizo",
        "headers": {"Authorization": format!("Bearer {company}")},
        "requestCode": {"path": "/api/v1/User/checkIdentity", "body": {"username": "{{phone}}"}},
        "verify": {
            "path": "/api/v3/User/verify",
            "body": {"username": "{{phone}}", "verifyCode": "{{code}}"}
        },
        "tokenPointer": "/token"
    });
    let injector = Rc::new(Injector::default());
    let transport = {
        let (http, injector) = (emu.http.clone(), injector.clone());
        move |req: HttpRequest| send(http.clone(), injector.clone(), req)
    };
    let clock = FnClock::new(now_ms, |ms| tokio::time::sleep(Duration::from_millis(ms)));
    let rules = Config {
        refresh: RefreshStrategy::ProviderNative,
        ..Config::default()
    };
    let client = Client::new(provider(description), rules, transport, clock);
    client.restore(None).await.expect("restore");
    client.request_code("+49 174 7707608").await.expect("code");
    let code = emu.code_for("+491747707608").await;
    client.verify(&code).await.expect("signed in");
    // GIZO's profile carries no id; the emulator's user list does.
    let users = emu.get("/__emulator/users").await.json();
    let user_id = users.as_array().and_then(|list| {
        list.iter()
            .find(|u| u["provider"] == "gizo" && u["e164"] == "+491747707608")
            .and_then(|u| u["id"].as_i64())
    });
    let user_id = user_id.expect("the signed-in user is listed");
    client.with_flow_mut(|flow| {
        let ProviderConfig::Custom(description) = flow else {
            panic!("a custom provider");
        };
        description.refresh = Some(Endpoint {
            method: Method::Post,
            path: "/api/v2/User/client-token".into(),
            headers: Default::default(),
            body: Some(phone_auth::json::Value::object([(
                "userId",
                user_id.into(),
            )])),
        });
    });
    let first = client
        .get_token()
        .await
        .expect("a token")
        .expose()
        .to_owned();

    // The network fails: the session and its token survive.
    injector.arm("drop", 0);
    let error = client.refresh().await.expect_err("the refresh fails");
    assert_eq!(error.code(), "network", "{error:?}");
    assert!(client.snapshot().is_some(), "the stored session survives");
    let kept = client.get_token().await.expect("the old token");
    assert_eq!(kept.expose(), first);

    // The network is back: the next try replaces the token.
    let refreshed = client.refresh().await.expect("the refresh works");
    let second = refreshed.token.secret().expose().to_owned();
    assert_ne!(second, first);
    assert_eq!(client.state(), StateKind::SignedIn);
    assert_eq!(client.get_token().await.expect("a token").expose(), second);

    // The server refuses: the client signs out and stores nothing.
    let signed_out = Rc::new(Cell::new(false));
    let seen = signed_out.clone();
    client.on_event(move |e| seen.set(seen.get() || matches!(e, Event::SignedOut(_))));
    injector.arm("status=401", 0);
    let error = client.refresh().await.expect_err("refused");
    assert_eq!(error.code(), "unauthorized", "{error:?}");
    assert_eq!(client.state(), StateKind::SignedOut);
    assert!(
        client.snapshot().is_none(),
        "nothing stored after a refusal"
    );
    assert!(signed_out.get(), "a SIGNED_OUT event");
    let error = client.get_token().await.expect_err("no token");
    assert_eq!(error.code(), "not_signed_in");
    assert_eq!(injector.hit.borrow().len(), 2);
    emu.stop().await;
}
