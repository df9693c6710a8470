//! HTTP requests and responses as plain values.
//!
//! Providers build [`HttpRequest`]s and parse [`HttpResponse`]s; something else (the
//! wasm `fetch` driver, the native [`crate::client::Client`], a test) moves the bytes.

use core::fmt;

/// The HTTP methods the four backends use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// A method from its name, any case (`"post"` → `Post`).
    pub fn parse(name: &str) -> Option<Method> {
        [
            Method::Get,
            Method::Post,
            Method::Put,
            Method::Patch,
            Method::Delete,
        ]
        .into_iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }

    /// The method as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether repeating the request is harmless (used to decide network retries).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

/// A request to send. `Debug` redacts the `Authorization` header and the body,
/// which may carry codes, passwords or tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Absolute URL (the configured base URL joined with the endpoint path).
    pub url: String,
    /// Header names and values, in the order they are sent.
    pub headers: Vec<(String, String)>,
    /// JSON body text, if any.
    pub body: Option<String>,
}

impl HttpRequest {
    /// A request with no headers and no body.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        HttpRequest {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// Sets a JSON body and `Content-Type: application/json` unless one is already set.
    pub fn json(mut self, body: &crate::json::Value) -> Self {
        if self.get_header("content-type").is_none() {
            self.headers
                .push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        self.body = Some(body.to_json());
        self
    }

    /// First header of that name (ASCII case-insensitive).
    pub fn get_header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                if k.eq_ignore_ascii_case("authorization") {
                    (k.as_str(), "<redacted>")
                } else {
                    (k.as_str(), v.as_str())
                }
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field(
                "body",
                &self.body.as_ref().map(|b| format!("<{} bytes>", b.len())),
            )
            .finish()
    }
}

/// A response received. `Debug` shows the status and body length only.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// Raw body bytes (may be anything: HTML error pages, truncated JSON, nothing).
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with a status and a body, no headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// First header of that name (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `Retry-After` as delta-seconds (HTTP-date forms are ignored: they need a clock).
    pub fn retry_after(&self) -> Option<u64> {
        self.header("retry-after")
            .and_then(|v| crate::text::parse_u64(v.trim()))
    }

    /// A bounded, lossy UTF-8 excerpt of the body for error messages (at most 200 chars).
    pub fn excerpt(&self) -> String {
        crate::text::clip(&crate::text::lossy(&self.body), 200)
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Joins a base URL and a path with exactly one slash between them.
pub fn join_url(base: &str, path: &str) -> String {
    crate::text::cat!(
        base.trim_end_matches('/'),
        "/",
        path.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_authorization_and_body() {
        let r = HttpRequest::new(Method::Post, "https://x/y")
            .header("Authorization", "Bearer secret-token")
            .json(&crate::json::parse_str(r#"{"otp": 1234}"#).unwrap());
        let d = format!("{r:?}");
        assert!(!d.contains("secret-token"), "{d}");
        assert!(!d.contains("1234"), "{d}");
        assert!(d.contains("<redacted>"));
    }

    #[test]
    fn retry_after_and_excerpt() {
        let r = HttpResponse::new(429, "x".repeat(500)).with_header("Retry-After", " 17 ");
        assert_eq!(r.retry_after(), Some(17));
        assert_eq!(r.excerpt().chars().count(), 201);
        assert_eq!(join_url("http://a/", "/b"), "http://a/b");
    }
}
