//! Static files: `www/` at `/`, the built npm package at `/pkg/`, so the demo page and
//! the SDK are same-origin with the API.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::web::not_found;

/// Path prefixes that belong to an API: never looked up on disk.
const API_PREFIXES: [&str; 6] = [
    "/api/",
    "/app/",
    "/mth/",
    "/sso",
    "/__emulator",
    "/.well-known",
];

/// The MIME type for a file name.
pub fn mime_for(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" | "cjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "ts" | "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Maps a request path under a root to a file path, refusing anything that could leave
/// the root (`..`, backslashes, NULs, absolute components).
pub fn resolve(root: &Path, rel: &str) -> Option<PathBuf> {
    let rel = percent_decode(rel)?;
    let mut path = root.to_path_buf();
    for segment in rel.split('/') {
        if segment.is_empty() || segment == "." {
            continue;
        }
        if segment == ".." || segment.contains(['\\', '\0', ':']) || segment.starts_with('.') {
            return None;
        }
        path.push(segment);
    }
    Some(path)
}

async fn read_file(root: &Path, rel: &str) -> Option<(PathBuf, Vec<u8>)> {
    let mut path = resolve(root, rel)?;
    if tokio::fs::metadata(&path).await.ok()?.is_dir() {
        path.push("index.html");
    }
    // Symlinks out of the root are refused too.
    let root = tokio::fs::canonicalize(root).await.ok()?;
    let real = tokio::fs::canonicalize(&path).await.ok()?;
    if !real.starts_with(&root) {
        return None;
    }
    let bytes = tokio::fs::read(&real).await.ok()?;
    Some((real, bytes))
}

/// The router's fallback: static files for `GET`/`HEAD` outside the API prefixes, a
/// JSON 404 for everything else.
pub async fn fallback(State(app): State<Arc<App>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    if (method != Method::GET && method != Method::HEAD)
        || API_PREFIXES.iter().any(|p| path.starts_with(p))
    {
        return not_found(&path);
    }
    let found = match path.strip_prefix("/pkg/") {
        Some(rel) => read_file(&app.cfg.pkg, rel).await,
        None => read_file(&app.cfg.www, &path).await,
    };
    let Some((file, bytes)) = found else {
        return not_found(&path);
    };
    let mut res = if method == Method::HEAD {
        StatusCode::OK.into_response()
    } else {
        (StatusCode::OK, bytes).into_response()
    };
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(mime_for(&file)),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_stays_inside_the_root() {
        let root = Path::new("/srv/www");
        assert_eq!(
            resolve(root, "/a/b.js"),
            Some(PathBuf::from("/srv/www/a/b.js"))
        );
        assert_eq!(resolve(root, "/"), Some(PathBuf::from("/srv/www")));
        assert_eq!(resolve(root, "/../etc/passwd"), None);
        assert_eq!(resolve(root, "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(root, "/a\\..\\b"), None);
        assert_eq!(resolve(root, "/%zz"), None);
    }

    #[test]
    fn mime_types() {
        assert_eq!(mime_for(Path::new("x.wasm")), "application/wasm");
        assert!(mime_for(Path::new("x.js")).starts_with("text/javascript"));
        assert!(mime_for(Path::new("index.html")).starts_with("text/html"));
    }
}
