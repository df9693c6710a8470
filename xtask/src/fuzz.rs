//! `cargo xtask fuzz [--seconds N] [--target NAME]…`: every cargo-fuzz target for N
//! seconds each (nightly), and `cargo deny` (run by `cargo xtask test`).
//!
//! The targets are the files in `fuzz/fuzz_targets/`; their bodies live in
//! `fuzz/src/lib.rs`. Each run starts from the committed seeds (`fuzz/seeds/<target>/`)
//! plus the local corpus (`fuzz/corpus/<target>/`, not committed). Whatever libFuzzer
//! finds (a panic, an allocation over the limit, a slow input) is copied to
//! `fuzz/regressions/<target>/`, where `tests/fuzz_regressions.rs` replays it under a
//! normal `cargo test`, and the command fails naming it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::tools::{self, command, root};
use crate::Result;

/// libFuzzer's limits: no single allocation over this (MB), no input slower than this
/// (s), and the whole process under this resident size (MB).
const MALLOC_LIMIT_MB: u32 = 256;
const TIMEOUT_S: u32 = 5;
const RSS_LIMIT_MB: u32 = 1024;
/// Longest input tried (bytes): more than any real response, token or snapshot part.
const MAX_LEN: u32 = 16 * 1024;

pub fn run(args: &[String]) -> Result {
    let mut seconds: u64 = 60;
    let mut only: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .filter(|&s| s > 0)
                    .ok_or("--seconds needs a positive number")?;
            }
            "--target" => only.push(it.next().ok_or("--target needs a name")?.clone()),
            other => return Err(format!("fuzz: unknown option `{other}`")),
        }
    }
    let fuzz_dir = root().join("fuzz");
    let all = targets(&fuzz_dir)?;
    let chosen: Vec<String> = if only.is_empty() {
        all
    } else {
        for name in &only {
            if !all.contains(name) {
                return Err(format!(
                    "no fuzz target `{name}` (have: {})",
                    all.join(", ")
                ));
            }
        }
        only
    };

    ensure_nightly()?;
    ensure_cargo_fuzz()?;
    let started = Instant::now();
    // One build for every target, so each run below spends its time fuzzing.
    tools::run(cargo_fuzz().args(["build", "--fuzz-dir"]).arg(&fuzz_dir))?;
    eprintln!("fuzz targets built in {:.0?}", started.elapsed());

    let mut found = Vec::new();
    for name in &chosen {
        found.extend(run_target(&fuzz_dir, name, seconds)?);
    }
    eprintln!(
        "fuzzed {} targets for {seconds} s each in {:.0?}",
        chosen.len(),
        started.elapsed()
    );
    if found.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the fuzzer found {} failing input(s), kept as regression tests:\n  {}\n\
             reproduce with `cargo +nightly fuzz run <target> <file>` or `cargo test --test fuzz_regressions`",
            found.len(),
            found.join("\n  ")
        ))
    }
}

/// The target names: `fuzz/fuzz_targets/*.rs`, sorted.
fn targets(fuzz_dir: &Path) -> Result<Vec<String>> {
    let dir = fuzz_dir.join("fuzz_targets");
    let entries = fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let names: BTreeSet<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let path = e.path();
            (path.extension()? == "rs").then(|| path.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    if names.is_empty() {
        return Err(format!("no fuzz targets in {}", dir.display()));
    }
    Ok(names.into_iter().collect())
}

/// Runs one target for `seconds`; returns the regression files it added.
fn run_target(fuzz_dir: &Path, name: &str, seconds: u64) -> Result<Vec<String>> {
    let corpus = fuzz_dir.join("corpus").join(name);
    let seeds = fuzz_dir.join("seeds").join(name);
    let artifacts = fuzz_dir.join("artifacts").join(name);
    for dir in [&corpus, &artifacts] {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let before = files(&artifacts);
    let mut cmd = cargo_fuzz();
    cmd.args(["run", "--fuzz-dir"])
        .arg(fuzz_dir)
        .arg(name)
        .arg(&corpus);
    if seeds.is_dir() {
        cmd.arg(&seeds);
    }
    cmd.arg("--").args([
        format!("-max_total_time={seconds}"),
        format!("-malloc_limit_mb={MALLOC_LIMIT_MB}"),
        format!("-rss_limit_mb={RSS_LIMIT_MB}"),
        format!("-timeout={TIMEOUT_S}"),
        format!("-max_len={MAX_LEN}"),
        format!("-artifact_prefix={}/", artifacts.display()),
        "-print_final_stats=1".to_owned(),
    ]);
    let outcome = tools::run(&mut cmd);

    let new: Vec<PathBuf> = files(&artifacts).difference(&before).cloned().collect();
    let mut kept = Vec::new();
    if !new.is_empty() {
        let dest = fuzz_dir.join("regressions").join(name);
        fs::create_dir_all(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
        for path in new {
            let Some(file_name) = path.file_name() else {
                continue;
            };
            let to = dest.join(file_name);
            fs::copy(&path, &to).map_err(|e| format!("{}: {e}", to.display()))?;
            kept.push(format!("{name}: {}", to.display()));
        }
    }
    match (outcome, kept.is_empty()) {
        (Ok(()), _) => Ok(kept),
        // A failure that left an input is reported with the others, after every target ran.
        (Err(_), false) => Ok(kept),
        (Err(e), true) => Err(format!("fuzz target {name}: {e}")),
    }
}

fn files(dir: &Path) -> BTreeSet<PathBuf> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default()
}

/// `cargo +nightly fuzz …`, free of the outer cargo's environment (which names the
/// stable toolchain).
fn cargo_fuzz() -> Command {
    let mut cmd = command("cargo");
    cmd.current_dir(root())
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO_TARGET_DIR")
        .args(["+nightly", "fuzz"]);
    cmd
}

fn ensure_nightly() -> Result {
    let toolchains =
        tools::output(Command::new("rustup").args(["toolchain", "list"])).unwrap_or_default();
    if toolchains.lines().any(|l| l.starts_with("nightly")) {
        return Ok(());
    }
    tools::run(Command::new("rustup").args([
        "toolchain",
        "install",
        "nightly",
        "--profile",
        "minimal",
    ]))
}

/// `cargo-fuzz`, installed once.
fn ensure_cargo_fuzz() -> Result {
    if tools::output(command("cargo").args(["fuzz", "--version"])).is_some() {
        return Ok(());
    }
    tools::run(command("cargo").args(["install", "cargo-fuzz", "--locked"]))
}

/// `cargo-deny`, installed once.
fn ensure_cargo_deny() -> Result {
    if tools::output(command("cargo").args(["deny", "--version"])).is_some() {
        return Ok(());
    }
    tools::run(command("cargo").args(["install", "cargo-deny", "--locked"]))
}

/// `cargo deny check bans licenses sources` against the committed `deny.toml`.
///
/// Not `advisories`: the RustSec database cannot be fetched from these machines
/// (see SECURITY.md).
pub fn deny() -> Result {
    ensure_cargo_deny()?;
    tools::run(command("cargo").current_dir(root()).args([
        "deny",
        "--offline",
        "--all-features",
        "check",
        "bans",
        "licenses",
        "sources",
    ]))
}
