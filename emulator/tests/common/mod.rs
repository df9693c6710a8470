//! Shared test harness: an in-process emulator on an ephemeral loopback port and a
//! small JSON-over-HTTP client.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use phone_auth_emulator::{serve, Config, Logger, Running};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A running emulator plus a client for it.
pub struct Emu {
    pub running: Running,
    pub base: String,
    pub http: reqwest::Client,
    pub lines: Arc<Mutex<Vec<String>>>,
}

/// What came back.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
    pub fn content_type(&self) -> String {
        self.header("content-type").unwrap_or_default()
    }
}

/// A test configuration: ephemeral port, captured log, no cooldown or limits unless set.
pub fn config() -> Config {
    let mut cfg = Config::ephemeral();
    cfg.limits.resend_cooldown = Duration::ZERO;
    cfg.limits.per_number = 0;
    cfg.limits.per_client = 0;
    cfg
}

pub async fn start(mut cfg: Config) -> Emu {
    let lines = Arc::new(Mutex::new(Vec::new()));
    cfg.logger = Logger::Capture(lines.clone());
    let running = serve(cfg).await.expect("emulator starts");
    let base = running.base_url();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    Emu {
        running,
        base,
        http,
        lines,
    }
}

impl Emu {
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.expect("request completes");
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.expect("body");
        Reply {
            status,
            headers,
            text,
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(body), &[]).await
    }

    pub async fn post_auth(&self, path: &str, body: Value, token: &str) -> Reply {
        let auth = format!("Bearer {token}");
        self.call(Method::POST, path, Some(body), &[("authorization", &auth)])
            .await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None, &[]).await
    }

    /// The newest code sent to `e164` (panics if none).
    pub async fn code_for(&self, e164: &str) -> String {
        let reply = self
            .get(&format!(
                "/__emulator/sms?e164={}",
                e164.replace('+', "%2B")
            ))
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        let list = reply.json();
        let newest = list
            .get(0)
            .unwrap_or_else(|| panic!("no SMS for {e164}: {list}"));
        assert_eq!(
            newest["e164"], e164,
            "the newest SMS for {e164} is for someone else: {newest}"
        );
        newest["code"].as_str().expect("code string").to_owned()
    }

    pub async fn sms_count(&self, e164: &str) -> usize {
        let reply = self
            .get(&format!(
                "/__emulator/sms?e164={}",
                e164.replace('+', "%2B")
            ))
            .await;
        reply.json().as_array().map_or(0, Vec::len)
    }

    /// GIZO's company token with the dev credentials.
    pub async fn gizo_company_token(&self) -> String {
        let r = self
            .post(
                "/api/v1/company/access-token",
                serde_json::json!({"clientId": "demo-client", "clientSecret": "demo-secret"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json()["token"].as_str().expect("token").to_owned()
    }

    pub fn log_lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    pub async fn stop(self) {
        self.running.shutdown().await;
    }
}

/// Decodes a JWT's payload without checking it.
pub fn jwt_claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// A different valid-looking German mobile number per index.
pub fn de_number(i: u32) -> String {
    format!("+49151{:08}", 10_000_000 + i)
}

/// Sends a raw HTTP/1.1 request head, then `body` in 8 KiB chunks (chunked encoding),
/// and returns the response status, or `None` if the connection closed without one.
pub async fn raw_status(base: &str, head: &str, body: &[u8]) -> Option<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    stream.write_all(head.as_bytes()).await.ok()?;
    for chunk in body.chunks(8192) {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
        if stream.write_all(&framed).await.is_err() {
            break; // the server may answer and close early
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut buf = Vec::new();
    let read = async {
        let mut chunk = [0u8; 1024];
        while buf.len() < 12 {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(10), read).await;
    let text = String::from_utf8_lossy(&buf);
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// The native client's `Transport` over reqwest: network failures become `phone_auth::Error::Network`.
pub async fn send(
    http: reqwest::Client,
    req: phone_auth::http::HttpRequest,
) -> Result<phone_auth::http::HttpResponse, phone_auth::Error> {
    let method = Method::from_bytes(req.method.as_str().as_bytes()).expect("method");
    let mut builder = http.request(method, &req.url);
    for (k, v) in &req.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    if let Some(body) = req.body {
        builder = builder.body(body);
    }
    let res = builder
        .send()
        .await
        .map_err(|e| phone_auth::Error::Network {
            message: e.to_string(),
        })?;
    let status = res.status().as_u16();
    let headers: Vec<(String, String)> = res
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let body = res.bytes().await.map_err(|e| phone_auth::Error::Network {
        message: e.to_string(),
    })?;
    let mut out = phone_auth::http::HttpResponse::new(status, body.to_vec());
    for (k, v) in headers {
        out = out.with_header(&k, &v);
    }
    Ok(out)
}
