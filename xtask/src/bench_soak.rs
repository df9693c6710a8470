//! The emulator soak: minutes of sign-ins, with the emulator's memory sampled throughout.
//!
//! Two runs of the release emulator, each with short code and token lifetimes (so that what
//! is live reaches its steady state early) and the request limits lifted, 64 clients:
//!
//! 1. **soak**: the same users sign in again and again (a pool of numbers per provider).
//!    Users stop growing once the pool is signed up; codes, tokens and SSO auth codes are
//!    issued at the full rate and must be purged as they expire, the SMS log is capped. If
//!    nothing leaks, RSS is flat from the first tenth on and the sign-in rate holds.
//! 2. **users**: every sign-in a new number. Users are data and stay, everything else is
//!    as in 1, so the RSS slope after the first tenth is the memory of a stored user.
//!
//! RSS (`VmRSS`) and the emulator's own counts (`/__emulator/health`) are sampled every
//! half second; `/__emulator/stats` is read at the end.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::emulator::{self, Emulator};
use super::load;
use crate::Result;

/// How long and how big.
pub struct SoakPlan {
    /// Length of the soak run.
    pub soak: Duration,
    /// Length of the users run.
    pub users: Duration,
    /// Numbers per provider in the soak's pool.
    pub pool: u64,
    /// `--code-ttl` and `--token-ttl`, seconds.
    pub ttl: u64,
}

impl SoakPlan {
    /// `--quick`: seconds in all. Otherwise `soak_secs` (default 180) and a third of it
    /// for the users run.
    pub fn new(quick: bool, soak_secs: Option<u64>) -> SoakPlan {
        if quick {
            return SoakPlan {
                soak: Duration::from_secs(soak_secs.unwrap_or(6)),
                users: Duration::from_secs(3),
                pool: 2_000,
                ttl: 2,
            };
        }
        let secs = soak_secs.unwrap_or(180).max(10);
        SoakPlan {
            soak: Duration::from_secs(secs),
            users: Duration::from_secs((secs / 3).max(10)),
            pool: 25_000,
            ttl: 10,
        }
    }
}

/// One sample of the emulator.
#[derive(Clone, Debug)]
struct Sample {
    /// Seconds since the load started (negative: before it).
    at: f64,
    rss_kib: u64,
    users: Option<u64>,
    tokens: Option<u64>,
}

/// What one run measured.
pub struct RunReport {
    name: &'static str,
    ttl: u64,
    load: load::LoadReport,
    samples: Vec<Sample>,
    peak_kib: Option<u64>,
    stats: Option<Value>,
}

impl RunReport {
    /// The sample nearest to `fraction` of the run (0 = before the load).
    fn at(&self, fraction: f64) -> Option<&Sample> {
        if fraction <= 0.0 {
            return self.samples.first();
        }
        let t = self.load.elapsed.as_secs_f64() * fraction;
        self.samples
            .iter()
            .filter(|s| s.at >= 0.0)
            .min_by(|a, b| (a.at - t).abs().total_cmp(&(b.at - t).abs()))
    }

    fn tenth_rate(&self, i: usize) -> f64 {
        let tenth = self.load.elapsed.as_secs_f64() / 10.0;
        self.load.tenths.get(i).copied().unwrap_or(0) as f64 / tenth.max(1e-9)
    }

    /// The first sample at which what lives for `ttl` has reached its steady state
    /// (a lifetime plus two sweep intervals after the load began), or the first tenth
    /// when the run is shorter than that.
    fn settled(&self) -> Option<&Sample> {
        if !self.is_settled() {
            return self.at(0.1);
        }
        let t = self.ttl as f64 + 4.0;
        self.samples.iter().find(|s| s.at >= t)
    }

    /// Whether the run is long enough for [`RunReport::settled`] to be the steady state.
    fn is_settled(&self) -> bool {
        (self.ttl as f64 + 4.0) < self.load.elapsed.as_secs_f64() * 0.5
    }

    /// Bytes of RSS per user added between the settled sample and the end.
    fn bytes_per_user(&self) -> Option<f64> {
        let (a, b) = (self.settled()?, self.at(1.0)?);
        let users = b.users?.checked_sub(a.users?)?;
        (users > 0).then(|| (b.rss_kib as f64 - a.rss_kib as f64) * 1024.0 / users as f64)
    }

    /// The least-squares slope of RSS over users, in bytes per user, over the samples
    /// from the settled one on (less sensitive than two points to where the users table
    /// happens to double).
    fn bytes_per_user_fit(&self) -> Option<f64> {
        let from = self.settled()?.at;
        let points: Vec<(f64, f64)> = self
            .samples
            .iter()
            .filter(|s| s.at >= from)
            .filter_map(|s| Some((s.users? as f64, s.rss_kib as f64 * 1024.0)))
            .collect();
        let n = points.len() as f64;
        let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
        let my = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        (points.len() >= 2 && sxx > 0.0).then(|| sxy / sxx)
    }

    fn json(&self) -> Value {
        let pick = |f: f64| {
            self.at(f).map(
                |s| json!({"at": s.at, "rssKiB": s.rss_kib, "users": s.users, "tokens": s.tokens}),
            )
        };
        json!({
            "seconds": self.load.elapsed.as_secs_f64(),
            "signins": self.load.signins, "errors": self.load.errors,
            "firstError": self.load.first_error,
            "tenths": self.load.tenths,
            "rateFirstTenth": self.tenth_rate(0), "rateLastTenth": self.tenth_rate(9),
            "start": pick(0.0), "firstTenth": pick(0.1), "middle": pick(0.5), "end": pick(1.0),
            "settled": self.settled().map(|s| json!({"at": s.at, "rssKiB": s.rss_kib, "users": s.users, "tokens": s.tokens})),
            "peakRssKiB": self.peak_kib, "settledRun": self.is_settled(),
            "bytesPerUser": self.bytes_per_user(), "bytesPerUserFit": self.bytes_per_user_fit(),
            "stats": self.stats,
            "samples": self.samples.iter().map(|s| json!([s.at, s.rss_kib, s.users, s.tokens])).collect::<Vec<_>>(),
        })
    }
}

/// Both runs.
pub struct SoakReport {
    plan_ttl: u64,
    plan_pool: u64,
    runs: Vec<RunReport>,
}

impl SoakReport {
    /// The raw numbers, for `target/bench/`.
    pub fn json(&self) -> Value {
        let mut out = json!({"ttl": self.plan_ttl, "pool": self.plan_pool});
        for r in &self.runs {
            out[r.name] = r.json();
        }
        out
    }

    /// A few lines for people.
    pub fn render(&self) -> String {
        let mib = |s: Option<&Sample>| {
            s.map_or("—".to_owned(), |s| {
                format!("{:.1} MiB", s.rss_kib as f64 / 1024.0)
            })
        };
        let count = |s: Option<&Sample>, f: fn(&Sample) -> Option<u64>| {
            s.and_then(f).map_or("?".to_owned(), |v| v.to_string())
        };
        let mut text = format!(
            "emulator soak (64 clients, --code-ttl/--token-ttl {} s, limits lifted)\n",
            self.plan_ttl
        );
        for r in &self.runs {
            let what = match r.name {
                "soak" => format!("the same {} users signing in again", 2 * self.plan_pool),
                _ => "a new user per sign-in".to_owned(),
            };
            text.push_str(&format!(
                "  {}: {what}, {:.0} s, {} sign-ins, {} errors\n",
                r.name,
                r.load.elapsed.as_secs_f64(),
                r.load.signins,
                r.load.errors
            ));
            text.push_str(&format!(
                "    RSS start / first tenth / middle / end / peak: {} / {} / {} / {} / {}\n",
                mib(r.at(0.0)),
                mib(r.at(0.1)),
                mib(r.at(0.5)),
                mib(r.at(1.0)),
                r.peak_kib
                    .map_or("—".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0)),
            ));
            text.push_str(&format!(
                "    sign-ins/s first tenth / last tenth: {:.0} / {:.0}; users {} → {}, live tokens {} → {}\n",
                r.tenth_rate(0),
                r.tenth_rate(9),
                count(r.at(0.1), |s| s.users),
                count(r.at(1.0), |s| s.users),
                count(r.at(0.1), |s| s.tokens),
                count(r.at(1.0), |s| s.tokens),
            ));
            if let (Some(a), Some(b)) = (r.settled(), r.at(1.0)) {
                text.push_str(&format!(
                    "    {} {:.0} s: RSS {} → {} at the end, users {} → {}, live tokens {} → {}\n",
                    if r.is_settled() {
                        "settled at"
                    } else {
                        "too short to settle; from"
                    },
                    a.at,
                    mib(Some(a)),
                    mib(Some(b)),
                    count(Some(a), |s| s.users),
                    count(Some(b), |s| s.users),
                    count(Some(a), |s| s.tokens),
                    count(Some(b), |s| s.tokens),
                ));
            }
            if r.name == "users" && !r.is_settled() {
                text.push_str("    RSS per stored user: — (the run is too short for the live tokens to settle)\n");
            } else if r.name == "users" {
                if let (Some(b), Some(fit)) = (r.bytes_per_user(), r.bytes_per_user_fit()) {
                    text.push_str(&format!(
                        "    RSS per stored user: {b:.0} bytes (two points), {fit:.0} bytes (least squares)\n"
                    ));
                }
            }
            if let Some(sweeps) = r.stats.as_ref().and_then(|s| s.get("sweeps")) {
                text.push_str(&format!(
                    "    sweeps: {} runs, {} entries purged, longest {} µs\n",
                    sweeps["runs"], sweeps["purged"], sweeps["maxMicros"]
                ));
            }
        }
        text
    }
}

/// Runs both parts against the emulator binary `bin`.
pub fn run(bin: &Path, plan: &SoakPlan) -> Result<SoakReport> {
    let mut runs = Vec::new();
    for (name, length, pool) in [
        ("soak", plan.soak, Some(plan.pool)),
        ("users", plan.users, None),
    ] {
        eprintln!(
            "\n--- soak: {name}, 64 clients for {} s ---",
            length.as_secs()
        );
        runs.push(one(bin, plan.ttl, name, length, pool)?);
    }
    Ok(SoakReport {
        plan_ttl: plan.ttl,
        plan_pool: plan.pool,
        runs,
    })
}

fn one(
    bin: &Path,
    ttl: u64,
    name: &'static str,
    length: Duration,
    pool: Option<u64>,
) -> Result<RunReport> {
    let mut flags = emulator::load_flags(bin);
    let secs = ttl.to_string();
    flags.extend(["--code-ttl", &secs, "--token-ttl", &secs].map(str::to_owned));
    let emu = Emulator::start(bin, &flags)?;
    let (pid, addr) = (emu.pid(), emu.addr);
    let samples = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let load_start = Arc::new(Mutex::new(None::<Instant>));
    // Before the load: `at` -1 marks it.
    let first = sample(pid, addr, -1.0).ok_or("cannot read the emulator's RSS")?;
    samples.lock().map_err(|_| "sampler lock")?.push(first);
    let sampler = {
        let (samples, stop, load_start) = (samples.clone(), stop.clone(), load_start.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(500));
                let t0 = load_start.lock().ok().and_then(|g| *g);
                let at = t0.map_or(0.0, |t| t.elapsed().as_secs_f64());
                if let (Some(s), Ok(mut list)) = (sample(pid, addr, at), samples.lock()) {
                    list.push(s);
                }
            }
        })
    };
    if let Ok(mut t) = load_start.lock() {
        *t = Some(Instant::now());
    }
    let report = load::run_over(addr, 64, length, pool);
    stop.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    let report = report?;
    let at = report.elapsed.as_secs_f64();
    let mut samples = samples.lock().map_err(|_| "sampler lock")?.clone();
    if let Some(last) = sample(pid, addr, at) {
        samples.push(last);
    }
    Ok(RunReport {
        name,
        ttl,
        load: report,
        samples,
        peak_kib: load::peak_rss_kib(pid),
        stats: get_json(addr, "/__emulator/stats"),
    })
}

fn sample(pid: u32, addr: SocketAddr, at: f64) -> Option<Sample> {
    let health = get_json(addr, "/__emulator/health");
    let count = |k: &str| health.as_ref().and_then(|h| h.get(k)?.as_u64());
    Some(Sample {
        at,
        rss_kib: rss_kib(pid)?,
        users: count("users"),
        tokens: count("tokens"),
    })
}

/// Resident memory now (`VmRSS`), KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// `GET path` on a fresh connection; the JSON body of a 200, else `None`.
fn get_json(addr: SocketAddr, path: &str) -> Option<Value> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let head = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    if !head.starts_with("HTTP/1.1 200") {
        return None;
    }
    serde_json::from_str(body).ok()
}
