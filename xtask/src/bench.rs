//! `cargo xtask bench [--quick]`: phone-auth against the JavaScript peers, one table.
//!
//! Sizes, Node throughput and cold starts are measured by the scripts in `bench/` (a pinned
//! npm project holding the peers), each printing one JSON object; the emulator load run is
//! [`load`]. Everything runs in one command on one machine, and the ratios are computed here.
//! `--quick` (what CI runs) makes fewer passes and a short load run; the numbers are then
//! rougher but every measurement still runs end to end.

#[path = "bench_adversarial.rs"]
mod adversarial;
#[path = "bench_client.rs"]
mod client;
#[path = "bench_emulator.rs"]
mod emulator;
#[path = "bench_hermes.rs"]
mod hermes;
#[path = "bench_load.rs"]
mod load;
#[path = "bench_soak.rs"]
mod soak;
#[path = "bench_table.rs"]
mod table;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::tools::{self, command, root};
use crate::Result;

pub use adversarial::adversarial;
pub use emulator::Emulator;

/// How long and how often to measure.
struct Plan {
    passes: u32,
    warmup: u32,
    cold_runs: u32,
    load_for: Duration,
}

pub fn run(args: &[String]) -> Result {
    let quick = args.iter().any(|a| a == "--quick");
    // `--only size,load`: a subset (for working on one number); the rest shows as `—`.
    let only: Option<Vec<&str>> = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(|v| v.split(',').collect());
    let wanted = |part: &str| only.as_ref().is_none_or(|o| o.contains(&part));
    let plan = if quick {
        Plan {
            passes: 3,
            warmup: 1,
            cold_runs: 3,
            load_for: Duration::from_secs(3),
        }
    } else {
        Plan {
            passes: 30,
            warmup: 5,
            cold_runs: 10,
            load_for: Duration::from_secs(20),
        }
    };
    let started = Instant::now();
    let bench = root().join("bench");
    let needs_pkg = ["size", "throughput", "cold", "browser", "hermes", "client"]
        .iter()
        .any(|p| wanted(p));
    if needs_pkg {
        tools::ensure_npm_deps(&bench)?;
    }
    let pkg = if needs_pkg { Some(package()?) } else { None };
    let web = pkg.as_ref().map(|p| p.web.display().to_string());
    let node = pkg.as_ref().map(|p| p.node_entry.display().to_string());
    let (web, node) = (web.unwrap_or_default(), node.unwrap_or_default());
    let (passes, warmup) = (plan.passes.to_string(), plan.warmup.to_string());
    let runs = plan.cold_runs.to_string();

    let part = |name: &str, script: &str, args: &[&str]| -> Result<Value> {
        if !wanted(name) {
            return Ok(Value::Null);
        }
        eprintln!("\n--- {name} ---");
        node_json(&bench, script, args)
    };
    let full = pkg.as_ref().map(|p| p.full.display().to_string());
    let full = full.unwrap_or_default();
    let one = match pkg {
        Some(_) => crate::pkg::PROVIDERS
            .map(|p| crate::pkg::pkg_dir().join(p).display().to_string())
            .join(","),
        None => String::new(),
    };
    let sizes = part(
        "size",
        "size.mjs",
        &["--web", &web, "--full", &full, "--one", &one],
    )?;
    let throughput = part(
        "throughput",
        "throughput.mjs",
        &["--node", &node, "--passes", &passes, "--warmup", &warmup],
    )?;
    let cold = part("cold", "coldstart.mjs", &["--node", &node, "--runs", &runs])?;
    if wanted("browser") {
        tools::ensure_chromium()?;
    }
    let browser = part("browser", "browser.mjs", &["--web", &web, "--runs", &runs])?;
    // The React Native entry in Hermes: printed and kept in target/bench/hermes-*.json.
    if wanted("hermes") {
        let rows = hermes::run(quick)?;
        let name = if quick { "quick" } else { "full" };
        let file = root().join(format!("target/bench/hermes-{name}.json"));
        crate::rn::write(&file, &rows.to_string())?;
    }
    // The client's long-use runs (issue 22): not in `--quick`, whose CI run already has
    // their short versions in `cargo xtask test`.
    if wanted("client") && !quick {
        client::run(std::path::Path::new(&node))?;
    }
    let (report, peak_rss) = if wanted("load") {
        let bin = emulator::build()?;
        eprintln!(
            "\n--- load: 64 clients for {} s ---",
            plan.load_for.as_secs()
        );
        let emu = Emulator::start(&bin, &emulator::load_flags(&bin))?;
        let pid = emu.pid().to_string();
        let cpu = || emulator::cpu_time(&pid).zip(emulator::cpu_time("self"));
        let before = cpu();
        let mut report = load::run(emu.addr, 64, plan.load_for)?;
        if let (Some((e0, g0)), Some((e1, g1))) = (before, cpu()) {
            report.cpu = Some((e1.saturating_sub(e0), g1.saturating_sub(g0)));
        }
        (Some(report), load::peak_rss_kib(emu.pid()))
    } else {
        (None, None)
    };

    // `--soak-secs N`: the length of the emulator soak (`bench_soak.rs`).
    let soak_secs = args
        .iter()
        .position(|a| a == "--soak-secs")
        .and_then(|i| args.get(i + 1)?.parse().ok());
    let soak = if wanted("soak") {
        let plan = soak::SoakPlan::new(quick, soak_secs);
        Some(soak::run(&emulator::build()?, &plan)?)
    } else {
        None
    };

    let results = table::Results {
        sizes: &sizes,
        throughput: &throughput,
        cold: &cold,
        browser: &browser,
        load: report.as_ref(),
        peak_rss_kib: peak_rss,
    };
    let soak_text = soak.as_ref().map(soak::SoakReport::render);
    let text = table::render(&results) + "\n" + soak_text.as_deref().unwrap_or("");
    println!("\n{text}");
    let machine = machine();
    println!("{machine}");
    save(quick, &text, &machine, &results, soak.as_ref())?;
    eprintln!("bench finished in {:.0?}", started.elapsed());
    Ok(())
}

/// Where the built package is.
pub struct Package {
    /// `pkg/web`: the browser build of `phone-auth` (ESM entry `index.js` and the `.wasm`).
    pub web: PathBuf,
    /// `pkg/full`: the browser build of `phone-auth/full`.
    pub full: PathBuf,
    /// The Node ESM entry file.
    pub node_entry: PathBuf,
}

/// Builds the npm package and finds its browser directory and Node entry.
pub fn package() -> Result<Package> {
    crate::pkg::build()?;
    let pkg = root().join("pkg");
    let web = pkg.join("web");
    if !web.join("index.js").exists() {
        return Err(format!("{} has no index.js", web.display()));
    }
    Ok(Package {
        web,
        full: pkg.join("full"),
        node_entry: node_entry(&pkg.join("node"))?,
    })
}

/// The Node build's ESM entry: `module`/`main` of its package.json, else `index.js`.
fn node_entry(dir: &Path) -> Result<PathBuf> {
    let manifest: Option<Value> = std::fs::read_to_string(dir.join("package.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok());
    let named = manifest.as_ref().and_then(|m| {
        ["module", "main"]
            .iter()
            .find_map(|k| m.get(*k).and_then(Value::as_str))
    });
    let entry = dir.join(named.unwrap_or("index.js"));
    if entry.exists() {
        Ok(entry)
    } else {
        Err(format!("no Node entry at {}", entry.display()))
    }
}

/// Runs `node bench/<script> args…` and parses the JSON object it prints.
fn node_json(bench: &Path, script: &str, args: &[&str]) -> Result<Value> {
    let out = command("node")
        .current_dir(bench)
        .arg(script)
        .args(args)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run node {script}: {e}"))?;
    if !out.status.success() {
        return Err(format!("node {script} failed ({})", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or("");
    serde_json::from_str(last).map_err(|e| format!("node {script}: bad JSON output ({e}): {text}"))
}

/// The machine the numbers came from: cores, CPU, memory, versions.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem_gib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map(|kib| kib / 1024.0 / 1024.0)
    });
    let version = |prog: &str, arg: &str| {
        tools::output(command(prog).arg(arg))
            .map(|s| s.lines().next().unwrap_or("").trim().to_owned())
            .unwrap_or_else(|| "?".into())
    };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "machine: {cores} cores (nproc), {cpu}, {:.1} GiB RAM; {}; node {}; {}",
        mem_gib.unwrap_or(0.0),
        version("rustc", "--version"),
        version("node", "--version"),
        version("/usr/bin/chromium", "--version"),
    )
}

/// Keeps the last run in `target/bench/` (table, machine and raw JSON) for BENCHMARKS.md.
fn save(
    quick: bool,
    text: &str,
    machine: &str,
    r: &table::Results,
    soak: Option<&soak::SoakReport>,
) -> Result {
    let dir = root().join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let name = if quick { "quick" } else { "full" };
    let raw = serde_json::json!({
        "sizes": r.sizes, "throughput": r.throughput, "cold": r.cold, "browser": r.browser,
        "load": r.load.map(|l| serde_json::json!({
            "clients": l.clients, "signins": l.signins, "errors": l.errors,
            "firstError": l.first_error, "seconds": l.elapsed.as_secs_f64(),
            "signinsPerSec": l.rate(),
            "p50Ms": l.p50.as_secs_f64() * 1e3, "p99Ms": l.p99.as_secs_f64() * 1e3,
            "maxMs": l.max.as_secs_f64() * 1e3, "peakRssKiB": r.peak_rss_kib,
            "cpuSecondsEmulator": l.cpu.map(|c| c.0.as_secs_f64()),
            "cpuSecondsLoadGenerator": l.cpu.map(|c| c.1.as_secs_f64()),
        })),
    });
    let write = |file: String, body: String| {
        let p = dir.join(file);
        std::fs::write(&p, body).map_err(|e| format!("{}: {e}", p.display()))
    };
    write(format!("{name}.txt"), format!("{text}\n{machine}\n"))?;
    if let Some(soak) = soak {
        write(format!("soak-{name}.json"), soak.json().to_string())?;
    }
    write(format!("{name}.json"), raw.to_string())
}
