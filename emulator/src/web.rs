//! HTTP plumbing shared by the backend modules: the peer address, JSON bodies and
//! fields, bearer tokens, responses, and the cross-cutting middleware (request log,
//! body cap, CORS, JSON 404).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::app::App;

/// Largest accepted request body.
pub const MAX_BODY: usize = 64 * 1024;

/// The connected peer, inserted by the accept loop.
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub SocketAddr);

impl Peer {
    /// The client's IP address (the per-client rate-limit key).
    pub fn ip(self) -> IpAddr {
        self.0.ip()
    }
}

/// Why a JSON body could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Not JSON at all.
    Malformed,
    /// JSON, but not an object.
    NotAnObject,
}

/// Parses a JSON object body.
pub fn json_object(body: &Bytes) -> Result<serde_json::Map<String, Value>, BodyError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(BodyError::NotAnObject),
        Err(_) => Err(BodyError::Malformed),
    }
}

/// Why a field is unusable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldError {
    /// Absent, null or empty.
    Missing,
    /// Present with the wrong JSON type.
    WrongType,
}

/// A required, non-empty string field.
pub fn str_field<'a>(
    obj: &'a serde_json::Map<String, Value>,
    name: &str,
) -> Result<&'a str, FieldError> {
    match obj.get(name) {
        None | Some(Value::Null) => Err(FieldError::Missing),
        Some(Value::String(s)) if s.trim().is_empty() => Err(FieldError::Missing),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(FieldError::WrongType),
    }
}

/// A required code field: a string of digits, or (Arita) a JSON integer.
pub fn code_field(obj: &serde_json::Map<String, Value>, name: &str) -> Result<String, FieldError> {
    match obj.get(name) {
        None | Some(Value::Null) => Err(FieldError::Missing),
        Some(Value::String(s)) if s.trim().is_empty() => Err(FieldError::Missing),
        Some(Value::String(s)) => Ok(s.trim().to_owned()),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(|n| n.to_string())
            .ok_or(FieldError::WrongType),
        Some(_) => Err(FieldError::WrongType),
    }
}

/// The `Authorization: Bearer …` token, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A JSON response with a status and content type.
pub fn json_with(status: StatusCode, content_type: &'static str, body: &Value) -> Response {
    let mut res = (status, body.to_string()).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

/// An `application/json` response.
pub fn json(status: StatusCode, body: &Value) -> Response {
    json_with(status, "application/json", body)
}

/// Adds `Retry-After: secs`.
pub fn with_retry_after(mut res: Response, secs: u64) -> Response {
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// Rejects bodies announced larger than [`MAX_BODY`] before reading them (streamed
/// bodies are cut by the extractor limit), with a JSON 413.
pub async fn body_cap(req: Request, next: Next) -> Response {
    let too_big = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|len| len > MAX_BODY as u64);
    if too_big {
        return payload_too_large();
    }
    let res = next.run(req).await;
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/plain"))
    {
        return payload_too_large();
    }
    res
}

fn payload_too_large() -> Response {
    json(
        StatusCode::PAYLOAD_TOO_LARGE,
        &json!({"error": "payload_too_large", "message": format!("request bodies are limited to {MAX_BODY} bytes")}),
    )
}

/// One `METHOD /path STATUS ms` line per request. Never the query, headers or body:
/// no token or code reaches the log this way.
pub async fn request_log(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    if !app.cfg.log_requests {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let res = next.run(req).await;
    let path: String = path.chars().take(200).collect();
    app.cfg.logger.line(&format!(
        "{method} {path} {} {}ms",
        res.status().as_u16(),
        started.elapsed().as_millis()
    ));
    res
}

const CORS_ALLOW_HEADERS: &str = "authorization, content-type, accept, x-emulator-fault";
const CORS_EXPOSE_HEADERS: &str = "retry-after";

/// CORS, closed by default: only origins given with `--cors-origin` get
/// `Access-Control-Allow-Origin`; preflights from anyone else get a bare 204 the
/// browser will refuse.
pub async fn cors(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let allowed = origin
        .as_deref()
        .filter(|o| app.cfg.cors_origins.iter().any(|a| a == o || a == "*"))
        .map(str::to_owned);
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut res = if preflight {
        let mut res = StatusCode::NO_CONTENT.into_response();
        if allowed.is_some() {
            let h = res.headers_mut();
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE, OPTIONS"),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(CORS_ALLOW_HEADERS),
            );
            h.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            );
        }
        res
    } else {
        next.run(req).await
    };
    if let Some(origin) = allowed {
        if let Ok(v) = HeaderValue::from_str(&origin) {
            let h = res.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
            h.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(CORS_EXPOSE_HEADERS),
            );
            h.append(header::VARY, HeaderValue::from_static("Origin"));
        }
    }
    res
}

/// A JSON 404 for unknown paths.
pub fn not_found(path: &str) -> Response {
    let path: String = path.chars().take(200).collect();
    json(
        StatusCode::NOT_FOUND,
        &json!({"error": "not_found", "message": format!("no such endpoint: {path}")}),
    )
}

/// Turns axum's plain-text rejections for methods into JSON (405 keeps its `Allow`).
pub async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() == StatusCode::METHOD_NOT_ALLOWED && !is_json(&res) {
        let (mut parts, _) = res.into_parts();
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        parts.headers.remove(header::CONTENT_LENGTH);
        let body =
            json!({"error": "method_not_allowed", "message": "method not allowed on this path"});
        return Response::from_parts(parts, Body::from(body.to_string()));
    }
    res
}

fn is_json(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().windows(4).any(|w| w == b"json"))
}
