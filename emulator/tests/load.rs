//! Bounded load: 200 concurrent clients × 10 sign-ins each against one emulator on
//! loopback. Zero errors, every code reaches its own number only, memory bounded, and
//! `/__emulator/health` answers quickly throughout. Stops by itself.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{config, jwt_claims, start};
use reqwest::StatusCode;
use serde_json::json;

const CLIENTS: u32 = 200;
const SIGN_INS: u32 = 10;
const SMS_CAP: usize = 1000;

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_clients_ten_sign_ins_each() {
    let mut cfg = config();
    cfg.sms_log_cap = SMS_CAP;
    // Keep the limits on, sized for this run: one client IP makes 2,000 requests.
    cfg.limits.per_number = 2;
    cfg.limits.per_client = CLIENTS * SIGN_INS;
    let emu = Arc::new(start(cfg).await);
    let rss_before = rss_kib();

    // A watcher that keeps asking for health.
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let emu = emu.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut worst = Duration::ZERO;
            let mut probes = 0u32;
            while !done.load(Ordering::Relaxed) {
                let t = Instant::now();
                let r = http
                    .get(format!("{}/__emulator/health", emu.base))
                    .send()
                    .await;
                assert_eq!(
                    r.map(|r| r.status()).ok(),
                    Some(StatusCode::OK),
                    "health failed"
                );
                worst = worst.max(t.elapsed());
                probes += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            (worst, probes)
        })
    };

    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let emu = emu.clone();
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            for i in 0..SIGN_INS {
                let n = client * SIGN_INS + i;
                let phone = common::de_number(n);
                let r = http
                    .post(format!("{}/sso/sms", emu.base))
                    .json(&json!({"telephone": phone}))
                    .send()
                    .await
                    .map_err(|e| format!("sms {phone}: {e}"))?;
                if r.status() != StatusCode::CREATED {
                    return Err(format!("sms {phone}: {}", r.status()));
                }
                let list: serde_json::Value = http
                    .get(format!(
                        "{}/__emulator/sms?e164={}",
                        emu.base,
                        phone.replace('+', "%2B")
                    ))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .json()
                    .await
                    .map_err(|e| e.to_string())?;
                let entries = list.as_array().cloned().unwrap_or_default();
                if entries.len() != 1 || entries[0]["e164"] != phone.as_str() {
                    return Err(format!("{phone} saw {list}"));
                }
                let code = entries[0]["code"].as_str().unwrap_or_default().to_owned();
                let r = http
                    .post(format!("{}/sso/auth", emu.base))
                    .json(&json!({"telephone": phone, "code": code}))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if r.status() != StatusCode::CREATED {
                    return Err(format!("auth {phone}: {}", r.status()));
                }
                let body: serde_json::Value = r.json().await.map_err(|e| e.to_string())?;
                let token = body["token"].as_str().unwrap_or_default();
                if jwt_claims(token)["phone"] != phone.as_str() {
                    return Err(format!("token for {phone} names someone else"));
                }
            }
            Ok::<(), String>(())
        }));
    }
    let mut errors = Vec::new();
    for t in tasks {
        match tokio::time::timeout(Duration::from_secs(240), t).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => errors.push(e),
            Ok(Err(e)) => errors.push(e.to_string()),
            Err(_) => errors.push("timed out".into()),
        }
    }
    done.store(true, Ordering::Relaxed);
    let (worst, probes) = watcher.await.expect("watcher");
    let elapsed = started.elapsed();
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );

    let total = (CLIENTS * SIGN_INS) as usize;
    let users = emu.get("/__emulator/users").await.json();
    assert_eq!(users.as_array().unwrap().len(), total);
    let sms = emu.get("/__emulator/sms").await.json();
    assert_eq!(
        sms.as_array().unwrap().len(),
        SMS_CAP,
        "the SMS log is capped"
    );
    let health = emu.get("/__emulator/health").await.json();
    assert_eq!(health["pendingCodes"], 0, "every code was consumed");

    assert!(probes >= 2, "health was probed during the run ({probes})");
    assert!(
        worst < Duration::from_secs(2),
        "health took {worst:?} at worst"
    );
    if let (Some(before), Some(after)) = (rss_before, rss_kib()) {
        assert!(
            after.saturating_sub(before) < 256 * 1024,
            "RSS grew by {} KiB",
            after - before
        );
    }
    eprintln!("{total} sign-ins in {elapsed:?}; health worst {worst:?} over {probes} probes");
    Arc::try_unwrap(emu).ok().expect("sole owner").stop().await;
}
