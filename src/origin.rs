//! Origins: where a token may go.
//!
//! `auth.fetch` adds the bearer token only to a request whose origin (scheme, host,
//! port) is trusted, and never over clear-text HTTP except to loopback. This module is
//! the whole of that rule, with no IO: [`Policy::check`] takes the request's URL (and,
//! in a page, the document's base URL) and answers with the absolute URL to send, or
//! an [`Error::UntrustedOrigin`].
//!
//! The parser follows the WHATWG URL standard for `http:`/`https:` where it is
//! unambiguous (scheme and host case, default ports) and **refuses** every form on which
//! URL parsers are known to disagree or that is a common attack trick, instead of
//! guessing: control characters, spaces in the authority or at either end, backslashes
//! before the query, anything but exactly `scheme://` before the host, user-info
//! (`user:pass@`), percent-encoded or non-ASCII hosts (IDN hosts are accepted in their
//! ASCII form, `xn--…`), IP addresses in other than their canonical form. So whatever
//! `fetch` implementation then sends the request reaches the origin checked here.

use crate::error::Error;
use crate::text::{self, cat, push_decimal};

/// `http` or `https`: the only schemes phone-auth talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `http:` (loopback, or with `allowInsecureHttp`).
    Http,
    /// `https:`.
    Https,
}

impl Scheme {
    fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// Scheme, host and port, compared exactly. The host is in its serialized form
/// (lower case; IPv4 dotted decimal; IPv6 in brackets, compressed) and the port is
/// `None` for the scheme's default, so `https://SSO.example:443` equals
/// `https://sso.example`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    scheme: Scheme,
    host: String,
    port: Option<u16>,
}

impl Origin {
    /// Whether the host is this device (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`):
    /// the only hosts plain `http:` may reach without `allowInsecureHttp`.
    pub fn is_loopback(&self) -> bool {
        let h = self.host.as_str();
        h == "localhost"
            || h.ends_with(".localhost")
            || h == "[::1]"
            || (h.starts_with("127.") && is_dotted_quad(h))
    }

    /// Whether a request to it would travel in clear text to another device.
    fn is_insecure(&self) -> bool {
        self.scheme == Scheme::Http && !self.is_loopback()
    }

    /// `scheme://host[:port]`, as `URL.origin` shows it.
    pub fn serialize(&self) -> String {
        let mut s = String::from(self.scheme.as_str());
        s.push_str("://");
        s.push_str(&self.host);
        if let Some(p) = self.port {
            s.push(':');
            push_decimal(&mut s, u64::from(p));
        }
        s
    }
}

/// Why a URL was refused (the message names the rule, never the whole URL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlError {
    /// No scheme: a relative URL (resolved by [`Policy::check`], refused elsewhere).
    Relative,
    /// A scheme other than `http:`/`https:`.
    Scheme,
    /// Not exactly `scheme://host…`, or control characters, spaces or backslashes where
    /// parsers disagree.
    Malformed,
    /// `user:password@` before the host.
    UserInfo,
    /// An empty host, or characters no host name has (`%`, `<`, …), or a bad IP address.
    Host,
    /// A host with non-ASCII characters: write it in its ASCII form (`xn--…`).
    NonAsciiHost,
    /// A port that is not a number up to 65535.
    Port,
}

impl UrlError {
    fn reason(self) -> &'static str {
        match self {
            UrlError::Relative => "it is not an absolute URL",
            UrlError::Scheme => "only http: and https: URLs are allowed",
            UrlError::Malformed => {
                "it is not of the form scheme://host/path (control characters, spaces or \
                 backslashes before the path, or a wrong number of slashes)"
            }
            UrlError::UserInfo => "it contains a user name or password before the host",
            UrlError::Host => "its host is empty or not a valid host name or IP address",
            UrlError::NonAsciiHost => {
                "its host has non-ASCII characters: write it in its ASCII (xn--) form"
            }
            UrlError::Port => "its port is not a number from 0 to 65535",
        }
    }
}

/// An absolute `http(s)` URL, split at its origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url<'a> {
    /// Its origin.
    pub origin: Origin,
    /// Everything after the authority: path, query and fragment (may be empty).
    pub rest: &'a str,
}

impl Url<'_> {
    /// The path without query and fragment (`/` when empty).
    fn path(&self) -> &str {
        let end = self.rest.find(['?', '#']).unwrap_or(self.rest.len());
        match self.rest.get(..end) {
            Some("") | None => "/",
            Some(p) => p,
        }
    }

    /// The query (with its `?`), or empty.
    fn query(&self) -> &str {
        let Some(q) = self.rest.find('?') else {
            return "";
        };
        let tail = self.rest.get(q..).unwrap_or_default();
        let end = tail.find('#').unwrap_or(tail.len());
        tail.get(..end).unwrap_or_default()
    }
}

/// Parses an absolute `http:`/`https:` URL (see the module documentation for what is
/// refused).
pub fn parse(input: &str) -> Result<Url<'_>, UrlError> {
    if has_controls(input) {
        return Err(UrlError::Malformed);
    }
    let colon = input.find(':').ok_or(UrlError::Relative)?;
    let scheme = input.get(..colon).unwrap_or_default();
    let is_scheme = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !is_scheme {
        return Err(UrlError::Relative);
    }
    let scheme = if scheme.eq_ignore_ascii_case("https") {
        Scheme::Https
    } else if scheme.eq_ignore_ascii_case("http") {
        Scheme::Http
    } else {
        return Err(UrlError::Scheme);
    };
    let after = input.get(colon + 1..).unwrap_or_default();
    // Exactly two slashes, then the host: `https:evil`, `https:/evil`, `https:///evil`
    // and `https:\\evil` all parse, differently, in different parsers.
    let authority_and_rest = after.strip_prefix("//").ok_or(UrlError::Malformed)?;
    let end = authority_and_rest
        .find(['/', '?', '#'])
        .unwrap_or(authority_and_rest.len());
    let (authority, rest) = authority_and_rest.split_at(end);
    let before_query = rest.find(['?', '#']).unwrap_or(rest.len());
    if authority.contains(['\\', ' '])
        || rest.get(..before_query).unwrap_or_default().contains('\\')
    {
        return Err(UrlError::Malformed);
    }
    if authority.contains('@') {
        return Err(UrlError::UserInfo);
    }
    let (host, port) = split_host_port(authority)?;
    let host = parse_host(host)?;
    let port = match port {
        None | Some("") => None,
        Some(p) => {
            if !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(UrlError::Port);
            }
            let digits = p.trim_start_matches('0');
            let n: u16 = if digits.is_empty() {
                0
            } else {
                text::parse_u64(digits)
                    .and_then(|n| u16::try_from(n).ok())
                    .ok_or(UrlError::Port)?
            };
            let default = match scheme {
                Scheme::Http => 80,
                Scheme::Https => 443,
            };
            (n != default).then_some(n)
        }
    };
    Ok(Url {
        origin: Origin { scheme, host, port },
        rest,
    })
}

/// C0 controls or DEL anywhere (parsers silently drop tabs and newlines inside URLs), or
/// spaces at either end (which they trim): refused rather than guessed at.
fn has_controls(s: &str) -> bool {
    s.bytes().any(|b| b < 0x20 || b == 0x7f) || s.starts_with(' ') || s.ends_with(' ')
}

/// `host[:port]` or `[v6][:port]`.
fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), UrlError> {
    if authority.starts_with('[') {
        let close = authority.find(']').ok_or(UrlError::Host)?;
        let (host, tail) = authority.split_at(close + 1);
        return match tail {
            "" => Ok((host, None)),
            t => Ok((host, Some(t.strip_prefix(':').ok_or(UrlError::Port)?))),
        };
    }
    Ok(match text::rfind_byte(authority, b':') {
        Some(i) => (
            authority.get(..i).unwrap_or_default(),
            authority.get(i + 1..),
        ),
        None => (authority, None),
    })
}

/// The host in the form compared (lower case), or why it is refused.
///
/// IP addresses are accepted only in their canonical form (`127.0.0.1`, `[::1]`):
/// the other spellings parsers accept (`2130706433`, `0x7f.1`, `[0:0::1]`) are a known
/// trick to slip past host checks, so a host that ends in a number must be a dotted
/// quad, and an IPv6 literal is compared as written (lower-cased).
fn parse_host(host: &str) -> Result<String, UrlError> {
    let lower = host.to_ascii_lowercase();
    if let Some(inner) = lower.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or(UrlError::Host)?;
        let ok = inner.contains(':')
            && inner
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        return if ok { Ok(lower) } else { Err(UrlError::Host) };
    }
    if host.is_empty() {
        return Err(UrlError::Host);
    }
    if !host.is_ascii() {
        return Err(UrlError::NonAsciiHost);
    }
    if !host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
    {
        return Err(UrlError::Host);
    }
    // WHATWG's "ends in a number": the last label (a trailing dot aside) is digits or
    // `0x…`; such a host is an IPv4 address, which must then be a canonical dotted quad.
    let name = lower.strip_suffix('.').unwrap_or(&lower);
    let last = text::rfind_byte(name, b'.').map_or(name, |i| name.get(i + 1..).unwrap_or_default());
    let numeric = last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x");
    if !last.is_empty() && numeric && !is_dotted_quad(&lower) {
        return Err(UrlError::Host);
    }
    Ok(lower)
}

/// `a.b.c.d`, each 0–255 written without leading zeros.
fn is_dotted_quad(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && !(p.len() > 1 && p.starts_with('0'))
                && text::parse_u64(p).is_some_and(|n| n <= 255)
        })
}

/// Where a client's token may go: the provider's `baseUrl` origin, the app's
/// `apiOrigins`, and (for requests in a page) the page's own origin, never over
/// clear-text HTTP to another device unless `allowInsecureHttp`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    base_url: String,
    base: Origin,
    api: Vec<Origin>,
    allow_insecure_http: bool,
}

/// `invalid_config` naming the field.
fn config_error(field: &str, e: UrlError) -> Error {
    Error::InvalidConfig {
        message: cat!(field, " is not usable: ", e.reason()),
    }
}

/// Checks a provider's `baseUrl`: an absolute `https:` URL (or `http:` to loopback, or
/// with `allowInsecureHttp`) with no user-info, query or fragment; a path is a prefix.
pub fn check_base_url(base_url: &str, allow_insecure_http: bool) -> Result<Origin, Error> {
    let url = parse(base_url).map_err(|e| config_error("baseUrl", e))?;
    if url.rest.contains(['?', '#']) {
        return Err(Error::InvalidConfig {
            message: "baseUrl must not have a query or fragment (a path prefix is fine)".into(),
        });
    }
    if url.origin.is_insecure() && !allow_insecure_http {
        return Err(insecure_config("baseUrl", &url.origin));
    }
    Ok(url.origin)
}

fn insecure_config(field: &str, origin: &Origin) -> Error {
    Error::InvalidConfig {
        message: cat!(
            field,
            " ",
            origin.serialize(),
            " is plain http: codes and tokens would travel in clear text. Use https, or set \
             allowInsecureHttp: true for development only"
        ),
    }
}

impl Policy {
    /// The policy of a client: `base_url` is the provider's, `api_origins` the app's
    /// `apiOrigins` (origins only: `https://api.example.com`, no path).
    pub fn new(
        base_url: &str,
        api_origins: &[String],
        allow_insecure_http: bool,
    ) -> Result<Policy, Error> {
        let base = check_base_url(base_url, allow_insecure_http)?;
        let mut api = Vec::with_capacity(api_origins.len());
        for entry in api_origins {
            let url = parse(entry).map_err(|e| config_error("an apiOrigins entry", e))?;
            if !matches!(url.rest, "" | "/") {
                return Err(Error::InvalidConfig {
                    message: "apiOrigins entries are origins (https://host[:port]) with no \
                              path, query or fragment"
                        .into(),
                });
            }
            if url.origin.is_insecure() && !allow_insecure_http {
                return Err(insecure_config("the apiOrigins entry", &url.origin));
            }
            api.push(url.origin);
        }
        Ok(Policy {
            base_url: base_url.to_owned(),
            base,
            api,
            allow_insecure_http,
        })
    }

    /// The origin of the provider's `baseUrl`.
    pub fn base_origin(&self) -> &Origin {
        &self.base
    }

    /// The URL `auth.fetch` may send the token to, absolute, or `untrusted_origin`.
    ///
    /// `target` is what the app passed (absolute or relative); `page_base` is the
    /// document's base URL where there is one. A relative `target` resolves against the
    /// page (whose origin is then trusted) or, without a page, against `baseUrl`.
    pub fn check(&self, target: &str, page_base: Option<&str>) -> Result<String, Error> {
        let (absolute, page) = match parse(target) {
            Ok(_) => (target.to_owned(), page_base.and_then(|p| parse(p).ok())),
            Err(UrlError::Relative) => {
                let base_text = page_base.unwrap_or(&self.base_url);
                let base = parse(base_text).map_err(|_| {
                    untrusted("a relative URL cannot be resolved against this page's URL")
                })?;
                let resolved = resolve(target, &base).map_err(refused)?;
                (resolved, page_base.map(|_| base))
            }
            Err(e) => return Err(refused(e)),
        };
        let url = parse(&absolute).map_err(refused)?;
        let origin = &url.origin;
        let trusted = *origin == self.base
            || self.api.contains(origin)
            || page.as_ref().is_some_and(|p| p.origin == *origin);
        if !trusted {
            let downgrade = origin.scheme == Scheme::Http
                && self
                    .all()
                    .any(|t| t.host == origin.host && t.scheme == Scheme::Https);
            return Err(untrusted(&if downgrade {
                cat!(
                    "auth.fetch did not send the token to ",
                    origin.serialize(),
                    ": it is the http: (clear-text) form of a trusted https: origin"
                )
            } else {
                cat!(
                    "auth.fetch did not send the token to ",
                    origin.serialize(),
                    ": that origin is not trusted (the provider's baseUrl origin is ",
                    self.base.serialize(),
                    "). Add it to the apiOrigins option if the API there should receive the \
                     token"
                )
            }));
        }
        if origin.is_insecure() && !self.allow_insecure_http {
            return Err(untrusted(&cat!(
                "auth.fetch did not send the token to ",
                origin.serialize(),
                ": it is plain http to another device, and tokens never travel in clear text \
                 (allowInsecureHttp: true allows it, for development only)"
            )));
        }
        Ok(absolute)
    }

    fn all(&self) -> impl Iterator<Item = &Origin> {
        core::iter::once(&self.base).chain(self.api.iter())
    }
}

fn untrusted(message: &str) -> Error {
    Error::UntrustedOrigin {
        message: message.to_owned(),
    }
}

/// `untrusted_origin` for a URL refused by the parser.
fn refused(e: UrlError) -> Error {
    untrusted(&cat!("auth.fetch refused the URL: ", e.reason()))
}

/// Resolves a relative reference against an absolute URL (RFC 3986 §5.2 for the forms
/// that can change the origin; dot segments are left for `fetch`, they never do).
pub fn resolve(reference: &str, base: &Url<'_>) -> Result<String, UrlError> {
    if has_controls(reference) {
        return Err(UrlError::Malformed);
    }
    let before_query = reference.find(['?', '#']).unwrap_or(reference.len());
    if reference
        .get(..before_query)
        .unwrap_or_default()
        .contains('\\')
    {
        return Err(UrlError::Malformed);
    }
    let origin = base.origin.serialize();
    let mut out = String::with_capacity(origin.len() + reference.len() + 16);
    if let Some(rest) = reference.strip_prefix("//") {
        out.push_str(base.origin.scheme.as_str());
        out.push_str("://");
        out.push_str(rest);
        return Ok(out);
    }
    out.push_str(&origin);
    match reference.bytes().next() {
        Some(b'/') => out.push_str(reference),
        Some(b'?') => {
            out.push_str(base.path());
            out.push_str(reference);
        }
        Some(b'#') | None => {
            out.push_str(base.path());
            out.push_str(base.query());
            out.push_str(reference);
        }
        Some(_) => {
            let path = base.path();
            let dir = text::rfind_byte(path, b'/').map_or("/", |i| path.get(..=i).unwrap_or("/"));
            out.push_str(dir);
            out.push_str(reference);
        }
    }
    Ok(out)
}

/// What a stored session records of the `baseUrl` it came from: the origin and the path
/// prefix without trailing slashes (`https://SSO.example:443/v1/` → `https://sso.example/v1`),
/// so equivalent spellings match and another host, port, scheme or prefix does not.
pub fn binding(base_url: &str) -> String {
    match parse(base_url) {
        Ok(u) => {
            let mut s = u.origin.serialize();
            s.push_str(u.path().trim_end_matches('/'));
            s
        }
        Err(_) => base_url.to_owned(),
    }
}

#[cfg(test)]
mod tests;
