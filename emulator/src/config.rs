//! Everything the emulator can be told at start-up, and where its output goes.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Which signature algorithm issued tokens use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JwtAlg {
    /// HMAC-SHA256 with a random secret (the default).
    Hs256,
    /// RSA-SHA256 with a generated 2048-bit key, published at `/.well-known/jwks.json`.
    Rs256,
}

/// Request-rate limits on code requests, beyond the per-number resend cooldown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// Minimum time between two codes for the same provider and number (0 disables).
    pub resend_cooldown: Duration,
    /// The sliding window the two counters below are measured over.
    pub window: Duration,
    /// Codes one phone number may receive per window, over all providers (0 disables).
    pub per_number: u32,
    /// Code requests one client (peer IP address) may make per window (0 disables).
    pub per_client: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            resend_cooldown: Duration::from_secs(30),
            window: Duration::from_secs(3600),
            per_number: 10,
            per_client: 1000,
        }
    }
}

/// Where the emulator writes its lines (the start-up banner, SMS lines, request lines).
#[derive(Clone, Default)]
pub enum Logger {
    /// Standard output, flushed per line (the binary's choice).
    #[default]
    Stdout,
    /// Collected in memory, for tests that assert what was (not) logged.
    Capture(Arc<Mutex<Vec<String>>>),
    /// Nothing at all.
    Silent,
}

impl Logger {
    /// Writes one line.
    pub fn line(&self, line: &str) {
        match self {
            Logger::Stdout => {
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                // A closed stdout must not take the server down.
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
            Logger::Capture(lines) => {
                let mut lines = lines.lock().unwrap_or_else(|e| e.into_inner());
                lines.push(line.to_owned());
            }
            Logger::Silent => {}
        }
    }
}

impl std::fmt::Debug for Logger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Logger::Stdout => "Stdout",
            Logger::Capture(_) => "Capture",
            Logger::Silent => "Silent",
        })
    }
}

/// The emulator's configuration; [`Config::default`] matches the CLI defaults.
#[derive(Clone)]
pub struct Config {
    /// Address to bind (`127.0.0.1`).
    pub host: IpAddr,
    /// Port to bind (`8787`; `0` picks a free one).
    pub port: u16,
    /// GIZO dev client id (`demo-client`).
    pub client_id: String,
    /// GIZO dev client secret (`demo-secret`).
    pub client_secret: String,
    /// Fixed test numbers: E.164 → the code that is always accepted (no SMS is sent).
    pub test_numbers: BTreeMap<String, String>,
    /// Directory served at `/` (`www`).
    pub www: PathBuf,
    /// Directory served at `/pkg/` (`pkg`).
    pub pkg: PathBuf,
    /// Origins allowed by CORS (none by default: same-origin only).
    pub cors_origins: Vec<String>,
    /// SQLite file keeping users and issued tokens across restarts; memory if `None`.
    pub data: Option<PathBuf>,
    /// Lifetime of a code (300 s).
    pub code_ttl: Duration,
    /// Wrong tries after which a code is dead (5).
    pub max_attempts: u32,
    /// Lifetime of issued access tokens (3600 s).
    pub token_ttl: Duration,
    /// Token signature algorithm.
    pub jwt_alg: JwtAlg,
    /// Limits on code requests.
    pub limits: RateLimits,
    /// How many sent SMS `/__emulator/sms` remembers (oldest dropped first).
    pub sms_log_cap: usize,
    /// Whether every request gets a `METHOD /path STATUS ms` line.
    pub log_requests: bool,
    /// Where lines go.
    pub logger: Logger,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 8787,
            client_id: "demo-client".into(),
            client_secret: "demo-secret".into(),
            test_numbers: BTreeMap::new(),
            www: PathBuf::from("www"),
            pkg: PathBuf::from("pkg"),
            cors_origins: Vec::new(),
            data: None,
            code_ttl: Duration::from_secs(300),
            max_attempts: 5,
            token_ttl: Duration::from_secs(3600),
            jwt_alg: JwtAlg::Hs256,
            limits: RateLimits::default(),
            sms_log_cap: 10_000,
            log_requests: true,
            logger: Logger::Stdout,
        }
    }
}

impl Config {
    /// A configuration for tests: an ephemeral loopback port, in memory, no cooldown
    /// surprises left implicit — callers set what they test.
    pub fn ephemeral() -> Self {
        Config {
            port: 0,
            logger: Logger::Silent,
            ..Config::default()
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The client secret and the test codes stay out of Debug output.
        f.debug_struct("Config")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("client_id", &self.client_id)
            .field(
                "test_numbers",
                &self.test_numbers.keys().collect::<Vec<_>>(),
            )
            .field("www", &self.www)
            .field("pkg", &self.pkg)
            .field("cors_origins", &self.cors_origins)
            .field("data", &self.data)
            .field("code_ttl", &self.code_ttl)
            .field("max_attempts", &self.max_attempts)
            .field("token_ttl", &self.token_ttl)
            .field("jwt_alg", &self.jwt_alg)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}
