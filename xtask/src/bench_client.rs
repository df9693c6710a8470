//! `cargo xtask bench --only client`: the client's long-use runs (issue 22), longer than
//! the versions `cargo xtask test` runs: the tab stress in Chromium for 200 s (over fifty
//! refresh periods of 3 s tokens) and the Node soaks with `--long` (64,000 clients,
//! 20,000 cycles each of sign-in/out, refresh and `auth.fetch` on 401). Their numbers go
//! to `target/bench/client-{tabs,soak}.json` and BENCHMARKS.md.

use std::process::Command;

use crate::tools::{self, command, root};
use crate::Result;

/// Seconds of the long tab stress.
const TABS_SECONDS: u32 = 200;

pub fn run(node_entry: &std::path::Path) -> Result {
    let out = root().join("target/bench");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;

    eprintln!("\n--- client: Node soaks (--long) ---");
    tools::run(
        Command::new("node")
            .current_dir(root())
            .args([
                "--expose-gc",
                "tests/leaks/node-soak.mjs",
                "--long",
                "--json",
            ])
            .arg(out.join("client-soak.json"))
            .env("PHONE_AUTH_MODULE", node_entry),
    )?;

    eprintln!("\n--- client: tab stress in Chromium, {TABS_SECONDS} s ---");
    tools::ensure_chromium()?;
    let dir = root().join("tests/e2e");
    tools::ensure_npm_deps(&dir)?;
    tools::run(command("cargo").current_dir(root()).args([
        "build",
        "--release",
        "-p",
        "phone-auth-emulator",
    ]))?;
    let playwright = dir.join("node_modules/.bin/playwright");
    tools::run(
        command(&playwright.display().to_string())
            .current_dir(&dir)
            .args(["test", "specs/tabs-stress.spec.js"])
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .env("STRESS_SECONDS", TABS_SECONDS.to_string())
            .env("STRESS_JSON", out.join("client-tabs.json")),
    )
}
