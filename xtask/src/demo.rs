//! `cargo xtask demo`: the demo page on the emulator; and the browser end-to-end tests.
//!
//! The emulator serves `www/` at `/` and the built npm package (`pkg/`) at `/pkg/`, so
//! the page and the SDK share one origin with the four backends and `/__emulator/sms`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::tools::{self, command, root};
use crate::Result;

const DEFAULT_PORT: u16 = 8787;
const EMULATOR: &str = "phone-auth-emulator";

/// `cargo xtask demo [--port N]`: build the package and the emulator, serve, wait for Ctrl-C.
pub fn run(args: &[String]) -> Result {
    let port = parse_port(args)?;
    build()?;
    let mut child = Command::new(emulator_binary())
        .current_dir(root())
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .arg("--www")
        .arg(root().join("www"))
        .arg("--pkg")
        .arg(crate::pkg::pkg_dir())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {EMULATOR}: {e}"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| format!("{EMULATOR}: no stdout"))?;
    let mut announced = false;
    // Echo the emulator's lines (its banner, dev credentials and every SMS it "sends")
    // and announce the page once it listens. Ctrl-C reaches the emulator too (same
    // process group); its stdout then closes and this loop ends.
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        println!("{line}");
        if !announced {
            if let Some(url) = listening_url(&line) {
                announced = true;
                println!("\n  phone-auth demo: {url}\n  Sign in with any provider; codes appear in the page's SMS inbox.\n  Press Ctrl-C to stop.\n");
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for {EMULATOR}: {e}"))?;
    // Stopped by Ctrl-C (a signal, or the exit code a SIGINT handler chooses) is the normal end.
    if status.success() || status.code().is_none() || status.code() == Some(130) {
        Ok(())
    } else {
        Err(format!("{EMULATOR} stopped ({status})"))
    }
}

/// The browser end-to-end tests (`tests/e2e`, Playwright with Debian's Chromium).
pub fn test_e2e() -> Result {
    tools::ensure_chromium()?;
    let dir = root().join("tests/e2e");
    tools::ensure_npm_deps(&dir)?;
    build()?;
    let playwright = dir.join("node_modules/.bin/playwright");
    tools::run(
        command(&playwright.display().to_string())
            .current_dir(&dir)
            .arg("test")
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .env("PHONE_AUTH_EMULATOR", emulator_binary()),
    )
}

/// The npm package into `pkg/` and the emulator in release mode.
fn build() -> Result {
    crate::pkg::build()?;
    tools::run(
        command("cargo")
            .current_dir(root())
            .args(["build", "--release", "-p", EMULATOR]),
    )
}

fn emulator_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    target.join("release").join(EMULATOR)
}

fn parse_port(args: &[String]) -> Result<u16> {
    let mut port = DEFAULT_PORT;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = match arg.as_str() {
            "--port" => it.next().map(String::as_str),
            other => match other.strip_prefix("--port=") {
                Some(v) => Some(v),
                None => return Err(format!("unknown option `{other}` (usage: demo [--port N])")),
            },
        };
        port = value
            .and_then(|v| v.parse().ok())
            .ok_or("--port needs a number from 0 to 65535")?;
    }
    Ok(port)
}

/// `http://127.0.0.1:PORT/` from the emulator's `phone-auth-emulator listening on …` line.
fn listening_url(line: &str) -> Option<String> {
    let (_, rest) = line.split_once("listening on ")?;
    let url = rest.split_whitespace().next()?;
    url.starts_with("http")
        .then(|| format!("{}/", url.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn port_defaults_and_parses() {
        assert_eq!(parse_port(&[]), Ok(8787));
        assert_eq!(parse_port(&strings(&["--port", "9000"])), Ok(9000));
        assert_eq!(parse_port(&strings(&["--port=0"])), Ok(0));
        assert!(parse_port(&strings(&["--port"])).is_err());
        assert!(parse_port(&strings(&["--port", "70000"])).is_err());
        assert!(parse_port(&strings(&["--verbose"])).is_err());
    }

    #[test]
    fn url_from_the_banner() {
        assert_eq!(
            listening_url("phone-auth-emulator listening on http://127.0.0.1:8787").as_deref(),
            Some("http://127.0.0.1:8787/")
        );
        assert_eq!(listening_url("SMS gizo +49_1747707607 code 48213"), None);
    }
}
