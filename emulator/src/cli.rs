//! Command-line flags → [`Config`].

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::app::parse_number;
use crate::config::{Config, JwtAlg, Logger, RateLimits};

/// A local server that speaks the GIZO, Arita, Monetha and SSO v1 phone-OTP APIs.
#[derive(Debug, Parser)]
#[command(name = "phone-auth-emulator", version)]
pub struct Args {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port to bind (0 picks a free one; the first output line names it).
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// GIZO client id for `company/access-token`.
    #[arg(long, default_value = "demo-client")]
    pub client_id: String,
    /// GIZO client secret for `company/access-token`.
    #[arg(long, default_value = "demo-secret")]
    pub client_secret: String,
    /// A fixed test number: `+E164=CODE` (repeatable). Always accepts CODE, sends no SMS.
    #[arg(long = "test-number", value_name = "+E164=CODE")]
    pub test_numbers: Vec<String>,
    /// Directory served at `/`.
    #[arg(long, default_value = "www")]
    pub www: PathBuf,
    /// Directory served at `/pkg/` (the built npm package).
    #[arg(long, default_value = "pkg")]
    pub pkg: PathBuf,
    /// An origin allowed by CORS (repeatable; none by default).
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// SQLite file that keeps users and issued tokens across restarts.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Seconds a code stays valid.
    #[arg(long, default_value_t = 300, value_name = "SECS")]
    pub code_ttl: u64,
    /// Wrong tries after which a code is dead.
    #[arg(long, default_value_t = 5)]
    pub max_attempts: u32,
    /// Seconds before the same provider sends the same number another code.
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    pub resend_cooldown: u64,
    /// Seconds an access token stays valid.
    #[arg(long, default_value_t = 3600, value_name = "SECS")]
    pub token_ttl: u64,
    /// Token signature: HS256 or RS256 (RS256 also serves /.well-known/jwks.json).
    #[arg(long, default_value = "HS256", value_parser = parse_alg)]
    pub jwt_alg: JwtAlg,
    /// The window (seconds) of the two rate limits below.
    #[arg(long, default_value_t = 3600, value_name = "SECS")]
    pub rate_window: u64,
    /// Codes one number may receive per window, over all providers (0: unlimited).
    #[arg(long, default_value_t = 10)]
    pub max_codes_per_number: u32,
    /// Code requests one client IP may make per window (0: unlimited).
    #[arg(long, default_value_t = 1000)]
    pub max_codes_per_client: u32,
    /// How many SMS `/__emulator/sms` keeps.
    #[arg(long, default_value_t = 10_000)]
    pub sms_log_cap: usize,
    /// Do not print a line per request.
    #[arg(long)]
    pub quiet: bool,
}

fn parse_alg(s: &str) -> Result<JwtAlg, String> {
    match s.to_ascii_uppercase().as_str() {
        "HS256" => Ok(JwtAlg::Hs256),
        "RS256" => Ok(JwtAlg::Rs256),
        _ => Err(format!("unsupported algorithm {s:?}: use HS256 or RS256")),
    }
}

/// Parses `+E164=CODE`; the number goes through the library's parser when it can.
pub fn parse_test_number(s: &str) -> Result<(String, String), String> {
    let (number, code) = s
        .split_once('=')
        .ok_or_else(|| format!("--test-number {s:?}: expected +E164=CODE"))?;
    let code = code.trim();
    if !(4..=8).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "--test-number {number}: the code must be 4–8 digits"
        ));
    }
    let e164 = parse_number(number.trim())
        .map(|n| n.e164)
        .ok_or_else(|| format!("--test-number {number}: not a phone number"))?;
    Ok((e164, code.to_owned()))
}

impl Args {
    /// The configuration these flags describe.
    pub fn into_config(self) -> Result<Config, String> {
        let test_numbers = self
            .test_numbers
            .iter()
            .map(|s| parse_test_number(s))
            .collect::<Result<BTreeMap<_, _>, _>>()?;
        if self.max_attempts == 0 {
            return Err("--max-attempts must be at least 1".into());
        }
        Ok(Config {
            host: self.host,
            port: self.port,
            client_id: self.client_id,
            client_secret: self.client_secret,
            test_numbers,
            www: self.www,
            pkg: self.pkg,
            cors_origins: self.cors_origins,
            data: self.data,
            code_ttl: Duration::from_secs(self.code_ttl.max(1)),
            max_attempts: self.max_attempts,
            token_ttl: Duration::from_secs(self.token_ttl.max(1)),
            jwt_alg: self.jwt_alg,
            limits: RateLimits {
                resend_cooldown: Duration::from_secs(self.resend_cooldown),
                window: Duration::from_secs(self.rate_window.max(1)),
                per_number: self.max_codes_per_number,
                per_client: self.max_codes_per_client,
            },
            sms_log_cap: self.sms_log_cap.max(1),
            log_requests: !self.quiet,
            logger: Logger::Stdout,
        })
    }
}
