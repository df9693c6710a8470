//! Fault injection: `X-Emulator-Fault: delay=<ms> | status=<code> | malformed | html | drop`.
//!
//! Several faults may be combined with commas (`delay=200, status=503`): the delay
//! happens first, then the first answering fault wins. An answering fault replaces the
//! handler entirely, so the request has no effect on state (a failed verify leaves the
//! code usable). `drop` closes the connection without any response.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Notify;

/// The request header.
pub const HEADER: &str = "x-emulator-fault";
/// Longest honoured delay.
pub const MAX_DELAY_MS: u64 = 60_000;

/// Per-connection handle the accept loop inserts; notifying it drops the connection.
#[derive(Clone, Debug, Default)]
pub struct DropHandle(pub Arc<Notify>);

/// One parsed fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Wait this many ms, then go on.
    Delay(u64),
    /// Answer with this status and a small JSON body.
    Status(u16),
    /// Answer 200 with a truncated JSON body.
    Malformed,
    /// Answer 502 with an HTML page, like a proxy would.
    Html,
    /// Close the connection, no response.
    Drop,
}

/// Parses a header value; unknown parts are reported as `Err(part)`.
pub fn parse(value: &str) -> Result<Vec<Fault>, String> {
    value
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            let lower = part.to_ascii_lowercase();
            let (name, arg) = match lower.split_once('=') {
                Some((n, a)) => (n.trim().to_owned(), Some(a.trim().to_owned())),
                None => (lower.clone(), None),
            };
            match (name.as_str(), arg) {
                ("delay", Some(ms)) => ms
                    .parse::<u64>()
                    .map(|ms| Fault::Delay(ms.min(MAX_DELAY_MS)))
                    .map_err(|_| part.to_owned()),
                ("status", Some(code)) => match code.parse::<u16>() {
                    Ok(c) if (100..=599).contains(&c) => Ok(Fault::Status(c)),
                    _ => Err(part.to_owned()),
                },
                ("malformed", None) => Ok(Fault::Malformed),
                ("html", None) => Ok(Fault::Html),
                ("drop", None) => Ok(Fault::Drop),
                _ => Err(part.to_owned()),
            }
        })
        .collect()
}

fn bad_fault(part: &str) -> Response {
    let part: String = part.chars().take(100).collect();
    crate::web::json(
        StatusCode::BAD_REQUEST,
        &serde_json::json!({
            "error": "bad_fault",
            "message": format!("unknown X-Emulator-Fault `{part}`; use delay=<ms>, status=<code>, malformed, html or drop"),
        }),
    )
}

/// The middleware.
pub async fn inject(req: Request, next: Next) -> Response {
    let Some(value) = req.headers().get(HEADER) else {
        return next.run(req).await;
    };
    let faults = match value
        .to_str()
        .map_err(|_| "non-ASCII".to_owned())
        .and_then(parse)
    {
        Ok(f) => f,
        Err(part) => return bad_fault(&part),
    };
    for fault in &faults {
        if let Fault::Delay(ms) = fault {
            tokio::time::sleep(Duration::from_millis(*ms)).await;
        }
    }
    for fault in faults {
        match fault {
            Fault::Delay(_) => {}
            Fault::Status(code) => return status(code),
            Fault::Malformed => return malformed(),
            Fault::Html => return html(),
            Fault::Drop => {
                if let Some(handle) = req.extensions().get::<DropHandle>() {
                    handle.0.notify_one();
                    // The connection task drops this future with the connection.
                    std::future::pending::<()>().await;
                }
                // No connection to drop (e.g. called without the accept loop): the
                // closest thing is an empty 502.
                return StatusCode::BAD_GATEWAY.into_response();
            }
        }
    }
    next.run(req).await
}

fn status(code: u16) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = crate::web::json(
        status,
        &serde_json::json!({"error": "injected_fault", "status": code, "message": "fault injected by X-Emulator-Fault"}),
    );
    if code == 429 || code == 503 {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    res
}

fn malformed() -> Response {
    let mut res = (
        StatusCode::OK,
        r#"{"success": true, "data": {"token": "eyJhbGciOi"#,
    )
        .into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

fn html() -> Response {
    let body = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n";
    let mut res = (StatusCode::BAD_GATEWAY, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_single_and_combined_faults() {
        assert_eq!(parse("drop"), Ok(vec![Fault::Drop]));
        assert_eq!(
            parse("delay=20, status=503"),
            Ok(vec![Fault::Delay(20), Fault::Status(503)])
        );
        assert_eq!(
            parse("Delay=999999999"),
            Ok(vec![Fault::Delay(MAX_DELAY_MS)])
        );
        assert_eq!(parse("status=99"), Err("status=99".into()));
        assert_eq!(parse("explode"), Err("explode".into()));
    }
}
