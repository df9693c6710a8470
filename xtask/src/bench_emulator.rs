//! Building and starting the real emulator on an ephemeral loopback port.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::tools::{self, command, root};
use crate::Result;

/// Words that mark the emulator's request-limit flags; a load run turns each of them off
/// (`0` disables a limit), so it measures the server rather than its refusals.
const LIMIT_WORDS: [&str; 4] = ["cooldown", "per-number", "per-client", "rate-limit"];

/// Builds the emulator in release mode and returns the binary. `PHONE_AUTH_EMULATOR_BIN`
/// names another binary instead (e.g. an unstripped build for `perf`).
pub fn build() -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("PHONE_AUTH_EMULATOR_BIN") {
        return Ok(PathBuf::from(bin));
    }
    tools::run(command("cargo").current_dir(root()).args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "phone-auth-emulator",
    ]))?;
    let bin = root().join("target/release/phone-auth-emulator");
    if bin.exists() {
        Ok(bin)
    } else {
        Err(format!("{} was not built", bin.display()))
    }
}

/// The limit flags this emulator has (from its `--help`), each with `0` to lift it, and
/// `--quiet`.
pub fn load_flags(bin: &Path) -> Vec<String> {
    let help = tools::output(Command::new(bin).arg("--help")).unwrap_or_default();
    let mut flags = Vec::new();
    for word in help.split(|c: char| c.is_whitespace() || c == ',' || c == '=' || c == '[') {
        let is_limit = word.starts_with("--") && LIMIT_WORDS.iter().any(|w| word.contains(w));
        if is_limit && !flags.contains(&word.to_owned()) {
            flags.push(word.to_owned());
        }
    }
    let mut args: Vec<String> = flags
        .into_iter()
        .flat_map(|f| [f, "0".to_owned()])
        .collect();
    // A line per request is for people watching, not for a load run (SMS lines stay).
    if help.contains("--quiet") {
        args.push("--quiet".into());
    }
    args
}

/// User + system CPU time a process has used so far, from `/proc/<pid>/stat`.
pub fn cpu_time(pid: &str) -> Option<std::time::Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok());
    // utime and stime are fields 14 and 15 of the line, 11 and 12 after the name.
    let total = ticks(11)? + ticks(12)?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(std::time::Duration::from_millis(total * 10))
}

/// A running emulator; killed (by its own pid) when dropped.
pub struct Emulator {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT`.
    #[allow(dead_code)] // read by the adversarial suite
    pub base: String,
}

impl Emulator {
    /// Starts `bin --port 0 extra…`, waits for its banner and keeps draining its output
    /// (it prints every SMS) so it never blocks on a full pipe.
    pub fn start(bin: &Path, extra: &[String]) -> Result<Emulator> {
        let mut child = Command::new(bin)
            .current_dir(root())
            .args(["--host", "127.0.0.1", "--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            return Err("emulator stdout is not piped".into());
        };
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(|l| l.ok()).unwrap_or_default();
        let base = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .map(str::to_owned);
        let addr = base.as_deref().and_then(|b| {
            b.trim_start_matches("http://")
                .trim_end_matches('/')
                .parse()
                .ok()
        });
        let (Some(base), Some(addr)) = (base, addr) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("emulator did not print its address: {first:?}"));
        };
        std::thread::spawn(move || lines.for_each(drop));
        eprintln!("emulator at {base} (pid {}), flags {extra:?}", child.id());
        Ok(Emulator { child, addr, base })
    }

    /// Its process id (for `/proc/<pid>/status`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
