//! Helpers every provider shares: JSON request bodies, JSON response bodies with the
//! `malformed_response` mapping, provider messages, `Retry-After`, token clean-up.
//!
//! Kept in one place so the five provider files only say what differs between APIs.

use crate::error::Error;
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::json::{self, Map, ParseError, Value};
use crate::secret::Secret;
use crate::text::{self, cat, decimal};

/// Whether a `Content-Type` value is JSON: `application/json`, `text/json` or any
/// `application/…+json` (problem details, `application/vnd.sso.v1+json`).
pub(crate) fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence == "text/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// A request with a JSON body (members in the order given, exactly what the seeds show)
/// and the given `Content-Type`.
pub(crate) fn json_request(
    method: Method,
    url: String,
    content_type: &str,
    body: &Value,
) -> HttpRequest {
    let mut req = HttpRequest::new(method, url).header("Content-Type", content_type);
    req.body = Some(body.to_json());
    req
}

/// The error for a `Flow::on_code_response` step a provider does not have.
pub(crate) fn unexpected_step(step: u8) -> Error {
    Error::InvalidState {
        message: cat!(
            "no code-request step ",
            decimal(u64::from(step)),
            " in this provider"
        ),
    }
}

/// Adds `Authorization: Bearer <token>`.
pub(crate) fn bearer(req: HttpRequest, token: &Secret) -> HttpRequest {
    req.header("Authorization", cat!("Bearer ", token.expose()))
}

/// The body of a response as JSON. Empty bodies, non-JSON content types (an HTML error
/// page), syntax errors and truncated JSON are all `malformed_response`. A missing
/// `Content-Type` is tolerated when the body parses.
pub(crate) fn json_body(resp: &HttpResponse) -> Result<Value, Error> {
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::malformed(resp, "empty body"));
    }
    if let Some(ct) = resp.header("content-type") {
        if !is_json_media_type(ct) {
            let shown: String = ct.chars().take(60).collect();
            return Err(Error::malformed(
                resp,
                cat!("expected JSON, got content type `", shown, "`"),
            ));
        }
    }
    json::parse(&resp.body).map_err(|e| {
        let reason = match e {
            ParseError::Eof => "truncated JSON",
            ParseError::Syntax => "the body is not JSON",
        };
        Error::malformed(resp, reason)
    })
}

/// The body as JSON when it is JSON at all (for error bodies, where anything goes).
pub(crate) fn lenient_json(resp: &HttpResponse) -> Option<Value> {
    json::parse(&resp.body).ok()
}

/// Reads a typed value out of a parsed body with `read` (a `from_json` function); `None`
/// (a shape mismatch) is `malformed_response` with a redacted excerpt (the body may hold
/// tokens).
pub(crate) fn typed<T>(
    resp: &HttpResponse,
    value: &Value,
    read: impl FnOnce(&Value) -> Option<T>,
) -> Result<T, Error> {
    read(value).ok_or_else(|| malformed_json(resp, value, "unexpected JSON shape"))
}

/// A `malformed_response` for a body that parsed as JSON: the excerpt is the JSON with
/// every string under a member whose name looks secret ([`is_secret_key`]) replaced by
/// `<redacted>`, bounded like [`HttpResponse::excerpt`].
pub(crate) fn malformed_json(resp: &HttpResponse, value: &Value, reason: &str) -> Error {
    let shown = scrub(value, false, false).to_json();
    Error::MalformedResponse {
        status: resp.status,
        reason: reason.to_owned(),
        excerpt: text::clip(&shown, 200),
    }
}

/// The user object a provider sent, for [`super::Verified::user`]: as sent (member
/// order, unknown and repeated members included) minus every member whose name looks
/// secret ([`is_secret_key`]), at any depth, so a token never reaches `session.user`.
/// `None` when `v` is not an object.
pub(crate) fn user_object(v: &Value) -> Option<Value> {
    v.as_object()?;
    Some(scrub(v, true, false))
}

/// A copy of `value` where members with a secret-looking name are dropped (`drop`) or
/// have their strings replaced by `<redacted>`; `secret` says we are under such a member.
fn scrub(value: &Value, drop: bool, secret: bool) -> Value {
    match value {
        Value::String(_) if secret => Value::String("<redacted>".into()),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(scrub(item, drop, secret));
            }
            Value::Array(out)
        }
        Value::Object(map) => {
            let mut members = Vec::with_capacity(map.len());
            for (k, v) in map.iter() {
                let secret_member = secret || is_secret_key(k);
                if !(drop && secret_member) {
                    members.push((k.as_str(), scrub(v, drop, secret_member)));
                }
            }
            Value::Object(members.into_iter().collect::<Map>())
        }
        other => other.clone(),
    }
}

/// Name parts (ASCII case ignored) that mark a member as secret.
const SECRET_PARTS: [&str; 8] = [
    "token",
    "secret",
    "password",
    "passwd",
    "jwt",
    "otp",
    "credential",
    "authorization",
];

/// Words before `code` that make it an ordinary datum rather than a one-time or auth code
/// (`country_code`, `countryCode`, `zipcode`, …).
const PLAIN_CODES: [&str; 12] = [
    "country", "postal", "post", "zip", "area", "calling", "dial", "currency", "language", "lang",
    "region", "locale",
];

/// Whether a member name looks like it holds a secret: it contains one of
/// [`SECRET_PARTS`], or `code` not preceded by one of [`PLAIN_CODES`] (`code`, `authCode`,
/// `verification_code` are secret; `country_code` is not).
pub(crate) fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    if SECRET_PARTS.iter().any(|s| text::contains(&k, s)) {
        return true;
    }
    let mut rest = k.as_str();
    while let Some(at) = text::find(rest, "code") {
        let before = rest
            .get(..at)
            .unwrap_or_default()
            .trim_end_matches(['_', '-']);
        if !PLAIN_CODES.iter().any(|p| before.ends_with(p)) {
            return true;
        }
        rest = rest.get(at + 4..).unwrap_or_default();
    }
    false
}

/// The provider's human message in an error body: the first string among `message`,
/// `title`, `error_description`, `detail`, `error`.
pub(crate) fn message(body: Option<&Value>) -> Option<String> {
    let body = body?;
    ["message", "title", "error_description", "detail", "error"]
        .iter()
        .find_map(|k| body.get(k).and_then(Value::as_str))
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
}

/// Seconds to wait: the `Retry-After` header wins, else a body field `retry_after`,
/// `retryAfter` (also inside `data`), as a number or a numeric string.
pub(crate) fn retry_after(resp: &HttpResponse, body: Option<&Value>) -> Option<u64> {
    resp.retry_after().or_else(|| {
        let body = body?;
        let data = body.get("data");
        [Some(body), data]
            .into_iter()
            .flatten()
            .flat_map(|v| [v.get("retry_after"), v.get("retryAfter")])
            .flatten()
            .find_map(as_seconds)
    })
}

fn as_seconds(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_ceil_u64(),
        Value::String(s) => text::parse_u64(s.trim()),
        _ => None,
    }
}

/// The generic error for a non-2xx response: [`Error::from_status`] with the body's
/// message and retry hint.
pub(crate) fn status_error(resp: &HttpResponse) -> Error {
    let body = lenient_json(resp);
    Error::from_status(
        resp.status,
        message(body.as_ref()),
        retry_after(resp, body.as_ref()),
    )
}

/// A boolean however an API spells it: `true`/`false`, `1`/`0`, `"1"`/`"0"`, `"true"`/`"false"`.
pub(crate) fn loose_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_u64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" => Some(true),
            "0" | "false" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A session token from a response string: trims, strips a `Bearer ` prefix (any case),
/// and refuses an empty result.
pub(crate) fn token_from(
    resp: &HttpResponse,
    body: &Value,
    raw: Option<&str>,
) -> Result<Secret, Error> {
    let raw = raw.map(str::trim).unwrap_or_default();
    let token = match (raw.get(..6), raw.get(6..)) {
        (Some(p), Some(rest))
            if p.eq_ignore_ascii_case("bearer")
                && (rest.is_empty() || rest.starts_with(char::is_whitespace)) =>
        {
            rest.trim()
        }
        _ => raw,
    };
    if token.is_empty() {
        return Err(malformed_json(resp, body, "no token in the response"));
    }
    Ok(Secret::new(token))
}

/// A configuration member read with `read`: `None` when absent or null, an error naming
/// the member when it is of another kind than `kind` (`"appToken: expected a string"`).
pub(crate) fn config_member<'a, T>(
    v: &'a Value,
    key: &str,
    read: impl FnOnce(&'a Value) -> Option<T>,
    kind: &str,
) -> Result<Option<T>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(member) => read(member)
            .map(Some)
            .ok_or_else(|| cat!(key, ": expected ", kind)),
    }
}

/// An optional string member of a configuration (see [`config_member`]).
pub(crate) fn config_str(v: &Value, key: &str) -> Result<Option<String>, String> {
    Ok(config_member(v, key, Value::as_str, "a string")?.map(str::to_owned))
}

/// A required string member of a configuration.
pub(crate) fn config_required_str(v: &Value, key: &str) -> Result<String, String> {
    config_str(v, key)?.ok_or_else(|| cat!(key, ": expected a string"))
}

/// Lenient readers for optional fields of user profiles: `null`, a missing field or a
/// value of the wrong type all become `None` instead of failing the whole response.
pub(crate) fn opt_str(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// See [`opt_str`]: a boolean member, else `None`.
pub(crate) fn opt_bool(v: &Value, key: &str) -> Option<bool> {
    v.get(key).and_then(Value::as_bool)
}

/// See [`opt_str`]: an integer member, else `None`.
pub(crate) fn opt_i64(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

/// The members of object `v` not named in `known`, in document order (repeated names
/// kept): the `extra` of a typed user. `None` when `v` is not an object.
pub(crate) fn other_members(v: &Value, known: &[&str]) -> Option<Map> {
    let mut rest = Vec::new();
    for (k, member) in v.as_object()?.iter() {
        if !known.contains(&k.as_str()) {
            rest.push((k.as_str(), member.clone()));
        }
    }
    Some(rest.into_iter().collect())
}

/// An object from `(name, value)` pairs where `None` values are left out.
pub(crate) fn object_skip_none<const N: usize>(members: [(&str, Option<Value>); N]) -> Value {
    Value::Object(
        members
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect::<Map>(),
    )
}

/// Standard base64 (with padding), for HTTP Basic credentials.
pub(crate) fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sym = |i: u32| char::from(ALPHABET.get((i & 63) as usize).copied().unwrap_or(b'A'));
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sym(n >> 18));
        out.push(sym(n >> 12));
        out.push(if chunk.len() > 1 { sym(n >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(n) } else { '=' });
    }
    out
}

/// Declares a `u8`-backed enum written as its number in JSON, with `TryFrom<u8>`
/// (unknown numbers are refused), `From<Enum> for u8`, `from_json` and `Into<Value>`.
macro_rules! int_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $variant:ident = $value:literal,)+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vm])* $variant = $value,)+
        }

        impl TryFrom<u8> for $name {
            type Error = &'static str;
            fn try_from(v: u8) -> Result<Self, Self::Error> {
                match v {
                    $($value => Ok($name::$variant),)+
                    _ => Err(concat!("not a known ", stringify!($name))),
                }
            }
        }

        impl From<$name> for u8 {
            fn from(v: $name) -> u8 {
                v as u8
            }
        }

        impl From<$name> for $crate::json::Value {
            fn from(v: $name) -> $crate::json::Value {
                $crate::json::Value::from(v as u8)
            }
        }

        impl $name {
            /// Reads the number (`None` for anything else).
            pub fn from_json(v: &$crate::json::Value) -> Option<Self> {
                let n = u8::try_from(v.as_u64()?).ok()?;
                Self::try_from(n).ok()
            }
        }
    };
}
pub(crate) use int_enum;

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "application/problem+json",
            "Application/VND.SSO.V1+JSON",
            "text/json",
        ] {
            assert!(is_json_media_type(ok), "{ok}");
        }
        for bad in ["text/html", "text/plain", "application/xml", ""] {
            assert!(!is_json_media_type(bad), "{bad}");
        }
    }

    #[test]
    fn bodies() {
        let html =
            HttpResponse::new(200, "<html>502</html>").with_header("Content-Type", "text/html");
        assert_eq!(json_body(&html).unwrap_err().code(), "malformed_response");
        let empty = HttpResponse::new(200, "  ");
        assert!(
            matches!(json_body(&empty), Err(Error::MalformedResponse { reason, .. }) if reason == "empty body")
        );
        let cut = HttpResponse::new(200, "{\"token\": \"ab");
        assert!(
            matches!(json_body(&cut), Err(Error::MalformedResponse { reason, .. }) if reason == "truncated JSON")
        );
        assert_eq!(
            json_body(&HttpResponse::new(200, "{}")).unwrap(),
            Value::Object(Map::new())
        );
    }

    #[test]
    fn redacted_excerpt_hides_tokens() {
        let v = json::parse_str(r#"{"auth_token": "Bearer abc.def", "user": {"id": 1}}"#).unwrap();
        let e = malformed_json(&HttpResponse::new(200, ""), &v, "x");
        let Error::MalformedResponse { excerpt, .. } = e else {
            panic!()
        };
        assert!(!excerpt.contains("abc.def"), "{excerpt}");
        assert!(excerpt.contains("\"id\":1"), "{excerpt}");
    }

    #[test]
    fn secret_member_names() {
        for secret in [
            "token",
            "auth_token",
            "refreshToken",
            "JWT",
            "password",
            "clientSecret",
            "otp",
            "code",
            "authCode",
            "verification_code",
            "country_code_and_code",
        ] {
            assert!(is_secret_key(secret), "{secret}");
        }
        for plain in [
            "id",
            "country_code",
            "countryCode",
            "country_code_iso",
            "zipcode",
            "postal-code",
            "nickname",
        ] {
            assert!(!is_secret_key(plain), "{plain}");
        }
    }

    #[test]
    fn user_object_drops_secret_members_keeping_the_rest_as_sent() {
        let v = json::parse_str(
            r#"{"z":1,"token":"t","a":[{"jwt":"j","b":2}],"country_code":"370","z":3,"nested":{"authCode":"c"}}"#,
        )
        .unwrap();
        assert_eq!(
            user_object(&v).unwrap().to_json(),
            r#"{"z":1,"a":[{"b":2}],"country_code":"370","z":3,"nested":{}}"#
        );
        assert_eq!(user_object(&Value::from("x")), None);
        assert_eq!(user_object(&Value::Null), None);
    }

    #[test]
    fn retry_after_header_wins() {
        let body = json::parse_str(r#"{"retryAfter": 9, "data": {"retryAfter": 8}}"#).unwrap();
        let r = HttpResponse::new(429, "");
        assert_eq!(retry_after(&r, Some(&body)), Some(9));
        let nested = json::parse_str(r#"{"data": {"retryAfter": "8"}}"#).unwrap();
        assert_eq!(retry_after(&r, Some(&nested)), Some(8));
        let fraction = json::parse_str(r#"{"retry_after": 1.2}"#).unwrap();
        assert_eq!(retry_after(&r, Some(&fraction)), Some(2));
        assert_eq!(retry_after(&r, Some(&nested)), Some(8));
        let r = r.with_header("Retry-After", "30");
        assert_eq!(retry_after(&r, Some(&body)), Some(30));
    }

    #[test]
    fn base64_matches_rfc4648() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn bearer_prefix_stripped() {
        let r = HttpResponse::new(200, "");
        let v = Value::Null;
        assert_eq!(
            token_from(&r, &v, Some("Bearer a.b.c")).unwrap().expose(),
            "a.b.c"
        );
        assert_eq!(
            token_from(&r, &v, Some("bearer  x ")).unwrap().expose(),
            "x"
        );
        assert!(token_from(&r, &v, Some("Bearer ")).is_err());
        assert!(token_from(&r, &v, None).is_err());
    }
}
