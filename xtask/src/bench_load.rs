//! The emulator load generator: N concurrent clients doing complete sign-ins on loopback.
//!
//! A sign-in is the whole flow a person goes through: request a code, read it from the
//! emulator's SMS inbox (`GET /__emulator/sms?e164=…`), verify it and get a token. Clients
//! alternate between Monetha (`users/verify` → `users/signup`) and SSO (`sms` → `auth`), each
//! sign-in with a number no other sign-in uses, over one keep-alive connection per client.
//! The run is bounded: clients start no new sign-in after `duration`, and every sign-in has
//! a timeout.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::Result;

/// What one load run measured.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// Concurrent clients.
    pub clients: usize,
    /// Complete, successful sign-ins.
    pub signins: u64,
    /// Sign-ins that failed (any unexpected status, body or timeout).
    pub errors: u64,
    /// The first failure, for the report.
    pub first_error: Option<String>,
    /// Wall time from the first request to the last answer.
    pub elapsed: Duration,
    /// Median sign-in latency.
    pub p50: Duration,
    /// 99th percentile sign-in latency.
    pub p99: Duration,
    /// Slowest sign-in.
    pub max: Duration,
    /// CPU time used during the run by the emulator and by this load generator.
    pub cpu: Option<(Duration, Duration)>,
    /// Sign-ins completed in each tenth of the run (the last one also counts those that
    /// finish after it).
    pub tenths: [u64; 10],
}

impl LoadReport {
    /// Successful sign-ins per second.
    pub fn rate(&self) -> f64 {
        self.signins as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Per-sign-in timeout: a stuck request is an error, never a hang.
const SIGNIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs `clients` concurrent clients against the emulator at `addr` for `duration`.
pub fn run(addr: SocketAddr, clients: usize, duration: Duration) -> Result<LoadReport> {
    run_over(addr, clients, duration, None)
}

/// [`run`], with the numbers drawn in turn from a pool of `pool` per provider when given
/// (a soak: the same users sign in again and again), else each used once.
pub fn run_over(
    addr: SocketAddr,
    clients: usize,
    duration: Duration,
    pool: Option<u64>,
) -> Result<LoadReport> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        // One worker: the emulator needs the machine's other core more than we do.
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    rt.block_on(drive(addr, clients, duration, pool))
}

#[derive(Default)]
struct ClientResult {
    latencies: Vec<Duration>,
    errors: u64,
    first_error: Option<String>,
}

async fn drive(
    addr: SocketAddr,
    clients: usize,
    duration: Duration,
    pool: Option<u64>,
) -> Result<LoadReport> {
    let counter = Arc::new(AtomicU64::new(0));
    let tenths: Arc<[AtomicU64; 10]> = Arc::new(Default::default());
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(clients);
    for id in 0..clients {
        let counter = Arc::clone(&counter);
        let tenths = Arc::clone(&tenths);
        tasks.push(tokio::spawn(async move {
            let mut out = ClientResult::default();
            let mut conn = Conn::new(addr);
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                // `n % 2` picks the provider, `n / 2` the number: the pool keeps both.
                let n = pool.map_or(n, |p| n % (2 * p.max(1)));
                let t = Instant::now();
                let outcome = tokio::time::timeout(SIGNIN_TIMEOUT, sign_in(&mut conn, id, n)).await;
                match outcome {
                    Ok(Ok(())) => {
                        out.latencies.push(t.elapsed());
                        let at = started.elapsed().as_nanos() * 10;
                        let tenth = (at / duration.as_nanos().max(1)).min(9) as usize;
                        if let Some(c) = tenths.get(tenth) {
                            c.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Ok(Err(e)) => out.fail(e, &mut conn),
                    Err(_) => out.fail("sign-in timed out".into(), &mut conn),
                }
            }
            out
        }));
    }
    let mut all = ClientResult::default();
    for task in tasks {
        let r = task.await.map_err(|e| format!("load client: {e}"))?;
        all.latencies.extend(r.latencies);
        all.errors += r.errors;
        if all.first_error.is_none() {
            all.first_error = r.first_error;
        }
    }
    let elapsed = started.elapsed();
    all.latencies.sort_unstable();
    let pct = |p: f64| -> Duration {
        let n = all.latencies.len();
        if n == 0 {
            return Duration::ZERO;
        }
        let i = ((n as f64 - 1.0) * p).round() as usize;
        all.latencies.get(i.min(n - 1)).copied().unwrap_or_default()
    };
    Ok(LoadReport {
        clients,
        signins: all.latencies.len() as u64,
        errors: all.errors,
        first_error: all.first_error,
        elapsed,
        p50: pct(0.50),
        p99: pct(0.99),
        max: all.latencies.last().copied().unwrap_or_default(),
        cpu: None,
        tenths: std::array::from_fn(|i| tenths.get(i).map_or(0, |c| c.load(Ordering::Relaxed))),
    })
}

impl ClientResult {
    fn fail(&mut self, e: String, conn: &mut Conn) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(e);
        }
        conn.stream = None; // a half-read answer must not confuse the next request
    }
}

/// One complete sign-in with a number no other sign-in of this run uses.
async fn sign_in(conn: &mut Conn, client: usize, n: u64) -> Result {
    if n.is_multiple_of(2) {
        monetha(conn, client, n / 2).await
    } else {
        sso(conn, n / 2).await
    }
}

async fn monetha(conn: &mut Conn, client: usize, n: u64) -> Result {
    let national = format!("6{:07}", n % 10_000_000);
    let e164 = format!("+370{national}");
    let body = json!({
        "country_code_iso": "LT", "country_code": "370",
        "phone_number": national, "device_id": format!("bench-{client}"),
    });
    let v = conn
        .json("POST", "/mth/v1/users/verify", JSON, Some(&body), 200)
        .await?;
    let token = v
        .get("verification_token")
        .and_then(Value::as_str)
        .ok_or("monetha verify: no verification_token")?
        .to_owned();
    let registered = v.get("is_registered").and_then(Value::as_bool) == Some(true);
    let code = read_code(conn, &e164).await?;
    let path = if registered {
        "/mth/v1/users/signin"
    } else {
        "/mth/v1/users/signup"
    };
    let body = json!({ "verification_token": token, "verification_code": code });
    let v = conn.json("POST", path, JSON, Some(&body), 200).await?;
    match v.get("auth_token").and_then(Value::as_str) {
        Some(t) if t.starts_with("Bearer ") => Ok(()),
        _ => Err("monetha sign-in: no `Bearer` auth_token".into()),
    }
}

async fn sso(conn: &mut Conn, n: u64) -> Result {
    let e164 = format!("+49151{:08}", n % 100_000_000);
    let body = json!({ "telephone": e164 });
    conn.json("POST", "/sso/sms", SSO, Some(&body), 201).await?;
    let code = read_code(conn, &e164).await?;
    let body = json!({ "telephone": e164, "code": code });
    let v = conn
        .json("POST", "/sso/auth", SSO, Some(&body), 201)
        .await?;
    match v.get("token").and_then(Value::as_str) {
        Some(t) if t.split('.').count() == 3 => Ok(()),
        _ => Err("sso auth: no token".into()),
    }
}

/// The newest code the emulator sent to `e164`.
async fn read_code(conn: &mut Conn, e164: &str) -> Result<String> {
    let path = format!("/__emulator/sms?e164={}", e164.replace('+', "%2B"));
    let v = conn.json("GET", &path, JSON, None, 200).await?;
    let sms = v
        .as_array()
        .and_then(|a| a.first())
        .ok_or("no SMS for the number")?;
    if sms.get("e164").and_then(Value::as_str) != Some(e164) {
        return Err(format!(
            "SMS inbox returned another number's code (asked for {e164})"
        ));
    }
    sms.get("code")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| "SMS without a code".into())
}

const JSON: &str = "application/json";
const SSO: &str = "application/vnd.sso.v1+json";

/// A keep-alive HTTP/1.1 connection that reconnects when the server closes it.
struct Conn {
    addr: SocketAddr,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
}

impl Conn {
    fn new(addr: SocketAddr) -> Self {
        Conn {
            addr,
            stream: None,
            buf: Vec::with_capacity(8192),
        }
    }

    /// Sends a request and returns the JSON body, failing on any other status.
    async fn json(
        &mut self,
        method: &str,
        path: &str,
        media: &str,
        body: Option<&Value>,
        want: u16,
    ) -> Result<Value> {
        let body = body.map(Value::to_string).unwrap_or_default();
        let (status, resp) = self.request(method, path, media, body.as_bytes()).await?;
        if status != want {
            let excerpt = String::from_utf8_lossy(resp.get(..resp.len().min(200)).unwrap_or(&[]))
                .into_owned();
            return Err(format!(
                "{method} {path}: status {status} (want {want}): {excerpt}"
            ));
        }
        if resp.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&resp).map_err(|e| format!("{method} {path}: bad JSON: {e}"))
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        media: &str,
        body: &[u8],
    ) -> Result<(u16, Vec<u8>)> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAccept: {media}\r\n",
            self.addr
        );
        if !body.is_empty() {
            head.push_str(&format!(
                "Content-Type: {media}\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        let mut msg = head.into_bytes();
        msg.extend_from_slice(body);
        let stream = match self.stream.as_mut() {
            Some(s) => s,
            None => {
                let s = TcpStream::connect(self.addr)
                    .await
                    .map_err(|e| format!("connect: {e}"))?;
                s.set_nodelay(true).map_err(|e| format!("nodelay: {e}"))?;
                self.stream.insert(s)
            }
        };
        stream
            .write_all(&msg)
            .await
            .map_err(|e| format!("write: {e}"))?;
        let (status, body, close) = read_response(stream, &mut self.buf).await?;
        if close {
            self.stream = None;
        }
        Ok((status, body))
    }
}

/// Reads one response: status, body (Content-Length or chunked), and whether the server
/// closes the connection after it.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<(u16, Vec<u8>, bool)> {
    buf.clear();
    let head_end = loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            break i + 4;
        }
        fill(stream, buf).await?;
    };
    let head = std::str::from_utf8(buf.get(..head_end).unwrap_or(&[]))
        .map_err(|_| "response head is not UTF-8")?
        .to_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or("bad status line")?;
    let (mut length, mut chunked, mut close) = (None, false, false);
    for line in lines {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase());
        match k.as_str() {
            "content-length" => length = v.parse::<usize>().ok(),
            "transfer-encoding" => chunked = v.contains("chunked"),
            "connection" => close = v.contains("close"),
            _ => {}
        }
    }
    buf.drain(..head_end);
    let body = if chunked {
        read_chunked(stream, buf).await?
    } else if let Some(n) = length {
        while buf.len() < n {
            fill(stream, buf).await?;
        }
        buf.get(..n).ok_or("short body")?.to_vec()
    } else {
        Vec::new()
    };
    Ok((status, body, close))
}

async fn read_chunked(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(i) = find(buf, b"\r\n") {
                break i;
            }
            fill(stream, buf).await?;
        };
        let size_text = String::from_utf8_lossy(buf.get(..line_end).unwrap_or(&[])).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| "bad chunk size")?;
        while buf.len() < line_end + 2 + size + 2 {
            fill(stream, buf).await?;
        }
        body.extend_from_slice(
            buf.get(line_end + 2..line_end + 2 + size)
                .ok_or("short chunk")?,
        );
        buf.drain(..line_end + 2 + size + 2);
        if size == 0 {
            return Ok(body);
        }
    }
}

async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result {
    let mut chunk = [0u8; 8192];
    let n = stream
        .read(&mut chunk)
        .await
        .map_err(|e| format!("read: {e}"))?;
    if n == 0 {
        return Err("connection closed mid-response".into());
    }
    buf.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
    Ok(())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Peak resident memory (VmHWM) of a process, in KiB, from `/proc`.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}
