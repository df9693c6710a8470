//! The React Native tests: the packed package, bundled by Metro with the `react-native`
//! condition and run in the Hermes engine (`hermes-engine-cli`), against the emulator.
//!
//! 1. `npm pack` of `pkg/` installed into a fresh project (only `phone-auth` in its
//!    `node_modules`; Metro, the RN preset and `react-native` come from `tests/rn`, pinned
//!    by its lockfile and installed here when missing);
//! 2. the UTF-8 polyfills against Node's `TextEncoder`/`TextDecoder`; the RN entry in Node,
//!    by `init()` (wasm2js) and by `init(bytes)` (WebAssembly), against the Node entry;
//!    `tsc --strict` over an app's use of the declarations with the `react-native` condition;
//! 3. `tests/rn/scenario.js` in Node (the Node entry) against the real emulator, recording
//!    every exchange and every answer (`record.mjs`);
//! 4. Metro bundles `app.js` (the same scenario with a replaying `fetch`) for Android with
//!    `@react-native/babel-preset`; the bundle must hold no `import.meta` and not the web
//!    entry; Hermes runs it: each request must match Node's, each answer equal Node's;
//! 5. Metro bundles the example app (`examples/react-native/`) with React Native itself.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{copy, read};
use crate::tools::{self, command, root};
use crate::Result;

/// `tests/rn`: the pinned tooling (`package.json`, `package-lock.json`) and the test files.
fn here() -> PathBuf {
    root().join("tests/rn")
}

/// `tests/rn/node_modules`, installed from the lockfile when missing or stale.
pub fn ensure_tools() -> Result<PathBuf> {
    tools::ensure_npm_deps(&here())?;
    Ok(here().join("node_modules"))
}

/// Hermes from `hermes-engine-cli`.
pub fn hermes(tools: &Path) -> PathBuf {
    tools.join("hermes-engine-cli/linux64-bin/hermes")
}

/// `cargo xtask test`'s React Native step (needs `pkg/`; builds it when missing).
pub fn run() -> Result {
    let tools = ensure_tools()?;
    if !crate::pkg::pkg_dir().join("rn/index.js").exists() {
        crate::pkg::build()?;
    }
    let work = crate::pkg::fresh_project("phone-auth-rn-test", &[])?;
    for f in [
        "scenario.js",
        "record.mjs",
        "app.js",
        "metro.config.cjs",
        "polyfills-test.mjs",
        "rn-entry-node-test.mjs",
        "types-test-rn.ts",
    ] {
        copy(&here().join(f), &work.join(f))?;
    }
    copy(
        &root().join("tests/fixtures/phone-cases.json"),
        &work.join("phone-cases.json"),
    )?;

    eprintln!("\n--- the polyfills against Node's TextEncoder/TextDecoder ---");
    tools::run(
        Command::new("node")
            .current_dir(&work)
            .arg("polyfills-test.mjs")
            .arg("node_modules/phone-auth/rn/polyfills.js"),
    )?;

    eprintln!("\n--- Node: the react-native entry, as wasm2js and as WebAssembly ---");
    for mode in ["wasm2js", "wasm"] {
        tools::run(Command::new("node").current_dir(&work).args([
            "rn-entry-node-test.mjs",
            "phone-cases.json",
            mode,
        ]))?;
    }

    eprintln!("\n--- TypeScript: the declarations under the react-native condition ---");
    tools::run(
        Command::new("node")
            .current_dir(&work)
            .arg(tools.join("typescript/bin/tsc"))
            .args([
                "--noEmit",
                "--strict",
                "--target",
                "es2022",
                "--lib",
                "es2022,dom",
            ])
            .args(["--module", "esnext", "--moduleResolution", "bundler"])
            .args(["--customConditions", "react-native", "types-test-rn.ts"]),
    )?;

    eprintln!("\n--- Node: the scenario against the emulator, recorded ---");
    {
        let emulator = crate::pkg::tests::Emulator::start()?;
        tools::run(Command::new("node").current_dir(&work).args([
            "record.mjs",
            &emulator.url,
            "phone-cases.json",
            "recording.json",
        ]))?;
    }

    eprintln!("\n--- Metro: app.js for Android, the react-native condition ---");
    let bundle = metro(&tools, &work, "app.js", true)?;
    check_bundle(&bundle)?;
    eprintln!("\n--- Hermes: the scenario, replayed ---");
    let out = tools::output(Command::new(hermes(&tools)).arg(&bundle))
        .ok_or("hermes failed to run the bundle")?;
    print!("{out}");
    let summary = out.lines().find(|l| l.starts_with("hermes: "));
    let passed = summary
        .and_then(|l| l.strip_prefix("hermes: "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or(0);
    if !out.lines().any(|l| l == "rn hermes test: ok") || passed < 100 {
        return Err(format!(
            "the Hermes run failed ({})",
            summary.unwrap_or("no summary")
        ));
    }

    eprintln!("\n--- Metro: the example app (examples/react-native) with React Native ---");
    bundle_example(&tools, &work)?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// `metro build <entry>` for Android, production (`--dev false`: minified, like a release
/// build). `bare`: nothing of React Native's start-up before the entry (for the Hermes
/// CLI); otherwise the full React Native prelude. Returns the bundle's path.
pub fn metro(tools: &Path, project: &Path, entry: &str, bare: bool) -> Result<PathBuf> {
    let out = project.join(format!("{}.bundle.js", entry.replace('/', "-")));
    let mut cmd = command("node");
    cmd.current_dir(project)
        .arg(tools.join("metro/src/cli.js"))
        .args(["build", entry, "--platform", "android", "--dev", "false"])
        .args(["--config", "metro.config.cjs", "--out"])
        .arg(&out)
        .env("PHONE_AUTH_RN_TOOLS", tools)
        .env("CI", "true")
        .stdout(std::process::Stdio::null());
    if bare {
        cmd.env("PHONE_AUTH_RN_BARE", "1");
    }
    tools::run(&mut cmd)?;
    Ok(out)
}

/// The bundle took the React Native entry: no `import.meta` (Metro cannot run it), none
/// of the web entry's loading (`instantiateStreaming`), and the RN entry's own `init`.
pub fn check_bundle(bundle: &Path) -> Result {
    let text = read(bundle)?;
    if text.contains("import.meta") {
        return Err(format!("{} contains `import.meta`", bundle.display()));
    }
    if text.contains("instantiateStreaming") {
        return Err(format!(
            "{}: Metro resolved phone-auth to the web entry",
            bundle.display()
        ));
    }
    if !text.contains("init(): pass nothing") {
        return Err(format!(
            "{}: the React Native entry is not in the bundle",
            bundle.display()
        ));
    }
    eprintln!(
        "bundle {}: {} KB, the react-native entry, no import.meta",
        bundle.display(),
        text.len() / 1024
    );
    Ok(())
}

/// `examples/react-native` bundled by Metro with React Native's real start-up, resolving
/// `phone-auth` from the project's `node_modules` (the tarball) and `react-native`, `react`
/// and AsyncStorage from the pinned tooling.
fn bundle_example(tools: &Path, work: &Path) -> Result {
    let example = root().join("examples/react-native");
    let dir = work.join("example");
    let entries = std::fs::read_dir(&example).map_err(|e| format!("{}: {e}", example.display()))?;
    for e in entries.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "js") {
            copy(&p, &dir.join(e.file_name()))?;
        }
    }
    let bundle = metro(tools, work, "example/index.js", false)?;
    check_bundle(&bundle)
}
