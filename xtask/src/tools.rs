//! Finding and installing the tools the project needs, idempotently.
//!
//! Every `ensure_*` returns at once when the tool is already there, so commands can
//! call them freely. Tools that do not come from cargo or apt live in
//! `~/.cache/phone-auth/tools` (shared by every clone on the machine).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;

/// The wasm-bindgen version pinned in Cargo.toml; the CLI must match it exactly.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// binaryen from npm (Debian's 108 emits modules that fail to load).
pub const BINARYEN_NPM: &str = "binaryen@132";

/// The workspace root.
pub fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// `~/.cache/phone-auth/tools`.
pub fn tools_dir() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    home.join(".cache/phone-auth/tools")
}

/// Runs a command, echoing it, and fails on a non-zero exit.
pub fn run(cmd: &mut Command) -> Result {
    eprintln!("$ {}", describe(cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(cmd)))
    }
}

/// Runs a command and returns its stdout, or `None` when it cannot run or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// `PATH` with binaryen's `wasm-opt` and cargo's bin directory first.
pub fn path_with_tools() -> String {
    let mut parts = vec![binaryen_bin().display().to_string()];
    if let Some(home) = std::env::var_os("HOME") {
        parts.push(PathBuf::from(home).join(".cargo/bin").display().to_string());
    }
    if let Ok(p) = std::env::var("PATH") {
        parts.push(p);
    }
    parts.join(":")
}

/// A `Command` for `program` with [`path_with_tools`] as its `PATH`.
pub fn command(program: &str) -> Command {
    let mut c = Command::new(program);
    c.env("PATH", path_with_tools());
    c
}

fn binaryen_bin() -> PathBuf {
    tools_dir().join("node_modules/binaryen/bin")
}

/// The `wasm32-unknown-unknown` target.
pub fn ensure_wasm_target() -> Result {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The toolchain of the web builds (`pkg/web`, `pkg/full`): one dated nightly, so that
/// the package a fresh clone builds is, byte for byte, the package CI measured and gated.
/// Nightly because the web build rebuilds `std` (`-Z build-std`, `panic =
/// immediate-abort`): ~11 KB gzip smaller than stable's `std`. `rustc +<toolchain> -vV`
/// must print this commit: a toolchain is recognised by what it is, not by its name.
pub const WEB_NIGHTLY_DATE: &str = "2026-05-19";
/// The `commit-hash` of [`WEB_NIGHTLY_DATE`]'s `rustc` (1.97.0-nightly).
pub const WEB_NIGHTLY_COMMIT: &str = "e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a";

/// The rustup name of the pinned nightly ([`WEB_NIGHTLY_DATE`]), with `rust-src` (which
/// `-Z build-std` needs; added when missing): `nightly-<date>` when installed, else a
/// `nightly` whose `rustc` is that commit; else `nightly-<date>` is installed. Fails,
/// saying what to do, when none can be had: a build with another toolchain would not be
/// the package CI measured (a different size, different bytes), so there is no silent
/// fallback to another nightly or to stable.
pub fn ensure_web_toolchain() -> Result<String> {
    let dated = format!("nightly-{WEB_NIGHTLY_DATE}");
    let commit = |name: &str| -> Option<String> {
        let out = output(Command::new("rustc").arg(format!("+{name}")).arg("-vV"))?;
        out.lines()
            .find_map(|l| l.strip_prefix("commit-hash: "))
            .map(|c| c.trim().to_owned())
    };
    let pinned = |name: &str| commit(name).as_deref() == Some(WEB_NIGHTLY_COMMIT);
    let name = if pinned(&dated) {
        dated
    } else if pinned("nightly") {
        "nightly".to_owned()
    } else {
        let installed = run(Command::new("rustup")
            .args(["toolchain", "install", &dated])
            .args([
                "--profile",
                "minimal",
                "--component",
                "rust-src",
                "--target",
                "wasm32-unknown-unknown",
            ]));
        if installed.is_err() || !pinned(&dated) {
            return Err(format!(
                "the web build is pinned to nightly {WEB_NIGHTLY_DATE} (rustc commit \
                 {WEB_NIGHTLY_COMMIT}); this machine has no such toolchain (`nightly` is \
                 {}) and installing it failed. Install it with `rustup toolchain install \
                 {dated} --profile minimal --component rust-src`. Another toolchain would \
                 build a package of other bytes and size than the one CI measured; to move \
                 the pin, change WEB_NIGHTLY_* in xtask/src/tools.rs and the budgets in \
                 xtask/src/pkg.rs together",
                commit("nightly").unwrap_or_else(|| "missing".into())
            ));
        }
        dated
    };
    let has_src = || {
        output(Command::new("rustup").args([
            "component",
            "list",
            "--installed",
            "--toolchain",
            &name,
        ]))
        .unwrap_or_default()
        .lines()
        .any(|l| l.trim() == "rust-src")
    };
    if !has_src() {
        run(Command::new("rustup").args(["component", "add", "rust-src", "--toolchain", &name]))?;
    }
    Ok(name)
}

/// `wasm-bindgen-cli` at exactly [`WASM_BINDGEN_VERSION`] (wasm-bindgen-test-runner comes with it).
pub fn ensure_wasm_bindgen_cli() -> Result {
    let have = output(command("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(WASM_BINDGEN_VERSION) {
        return Ok(());
    }
    // No --locked: its lockfile pins a crate the registry here does not have.
    run(command("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        WASM_BINDGEN_VERSION,
    ]))
}

/// `wasm-pack`.
pub fn ensure_wasm_pack() -> Result {
    if output(command("wasm-pack").arg("--version")).is_some() {
        return Ok(());
    }
    run(command("cargo").args(["install", "wasm-pack", "--locked"]))
}

/// binaryen's `wasm-opt` from npm, first on [`path_with_tools`].
pub fn ensure_binaryen() -> Result {
    if binaryen_bin().join("wasm-opt").exists() {
        return Ok(());
    }
    let dir = tools_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&dir)
        .arg(BINARYEN_NPM))
}

/// Debian's Chromium and ChromeDriver.
pub fn ensure_chromium() -> Result {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

#[allow(dead_code)] // used by the package and end-to-end steps
/// `npm ci` (or `npm install` without a lockfile) in `dir` unless `node_modules` is current.
pub fn ensure_npm_deps(dir: &Path) -> Result {
    let stamp = dir.join("node_modules/.phone-auth-stamp");
    let lock = dir.join("package-lock.json");
    let manifest = if lock.exists() {
        lock.clone()
    } else {
        dir.join("package.json")
    };
    let newer = |a: &Path, b: &Path| -> bool {
        let m = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        matches!((m(a), m(b)), (Some(x), Some(y)) if x >= y)
    };
    if stamp.exists() && newer(&stamp, &manifest) {
        return Ok(());
    }
    let mut cmd = command("npm");
    cmd.current_dir(dir)
        .args([
            if lock.exists() { "ci" } else { "install" },
            "--no-audit",
            "--no-fund",
        ])
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .env("PUPPETEER_SKIP_DOWNLOAD", "1");
    run(&mut cmd)?;
    std::fs::write(&stamp, b"").map_err(|e| format!("{}: {e}", stamp.display()))
}

/// Everything.
pub fn setup_all() -> Result {
    ensure_wasm_target()?;
    ensure_binaryen()?;
    ensure_chromium()?;
    ensure_wasm_bindgen_cli()?;
    ensure_wasm_pack()?;
    Ok(())
}
