//! Reading a [`Description`] from JSON, and JSON pointers into responses.
//!
//! The accepted documents are the ones the former `serde` derive accepted
//! (`camelCase`, unknown and repeated members refused, `null` meaning "absent" only for
//! optional members), except serde's positional forms (an endpoint written as an array,
//! an enum value written as `{"GET": null}`), which were never part of the format.

use super::template::insert_sorted;
use super::{Description, Endpoint, ErrorKind, PhoneForm};
use crate::http::Method;
use crate::json::{Map, Value};

const DESCRIPTION_MEMBERS: [&str; 20] = [
    "provider",
    // Read by `ProviderConfig::from_json` (plain http to another host, for development).
    "allowInsecureHttp",
    "name",
    "baseUrl",
    "phoneFormat",
    "headers",
    "requestCode",
    "verify",
    "signUp",
    "refresh",
    "signOut",
    "handlePointer",
    "registeredPointer",
    "codeTtlPointer",
    "tokenPointer",
    "userPointer",
    "successPointer",
    "errorPointer",
    "messagePointer",
    "errorCodes",
];
const ENDPOINT_MEMBERS: [&str; 4] = ["method", "path", "headers", "body"];

pub(super) fn description(v: &Value) -> Result<Description, String> {
    if v.as_object().is_none() {
        return Err("the custom provider description must be an object".into());
    }
    let m = Members::new(v, "", &DESCRIPTION_MEMBERS)?;
    // The tag `ProviderConfig` dispatched on; a description read on its own has none.
    if let Some(tag) = m.get("provider") {
        if tag.as_str() != Some("custom") {
            return Err(r#"provider: expected "custom""#.into());
        }
    }
    // Filled in member by member (the first bad one in this order is reported), so that
    // every error drops one half-read description.
    let mut d = Description {
        name: String::new(),
        base_url: String::new(),
        phone_format: PhoneForm::default(),
        headers: Vec::new(),
        request_code: Endpoint::empty(),
        verify: Endpoint::empty(),
        sign_up: None,
        refresh: None,
        sign_out: None,
        handle_pointer: None,
        registered_pointer: None,
        code_ttl_pointer: None,
        token_pointer: String::new(),
        user_pointer: None,
        success_pointer: None,
        error_pointer: None,
        message_pointer: None,
        error_codes: Vec::new(),
    };
    d.name = m.string("name")?;
    d.base_url = m.string("baseUrl")?;
    match m.get("phoneFormat").map(phone_form) {
        None => {}
        Some(Some(form)) => d.phone_format = form,
        Some(None) => {
            return Err(m.error(
                "phoneFormat",
                r#"expected "e164", "gizo", "nationalDigits" or "international""#,
            ))
        }
    }
    d.headers = m.strings("headers")?;
    d.request_code = endpoint(m.required("requestCode")?, &m.path("requestCode"))?;
    d.verify = endpoint(m.required("verify")?, &m.path("verify"))?;
    let endpoints = [
        ("signUp", &mut d.sign_up),
        ("refresh", &mut d.refresh),
        ("signOut", &mut d.sign_out),
    ];
    for (key, slot) in endpoints {
        *slot = m.optional_endpoint(key)?;
    }
    d.token_pointer = m.string("tokenPointer")?;
    let pointers = [
        ("handlePointer", &mut d.handle_pointer),
        ("registeredPointer", &mut d.registered_pointer),
        ("codeTtlPointer", &mut d.code_ttl_pointer),
        ("userPointer", &mut d.user_pointer),
        ("successPointer", &mut d.success_pointer),
        ("errorPointer", &mut d.error_pointer),
        ("messagePointer", &mut d.message_pointer),
    ];
    for (key, slot) in pointers {
        *slot = m.optional_string(key)?;
    }
    if let Some(codes) = m.get("errorCodes") {
        d.error_codes = error_codes(codes, &m.path("errorCodes"))?;
    }
    Ok(d)
}

impl Endpoint {
    /// `POST` to an empty path, nothing else.
    fn empty() -> Endpoint {
        Endpoint {
            method: Method::Post,
            path: String::new(),
            headers: Vec::new(),
            body: None,
        }
    }
}

fn endpoint(v: &Value, path: &str) -> Result<Endpoint, String> {
    let m = Members::new(v, path, &ENDPOINT_MEMBERS)?;
    Ok(Endpoint {
        method: match m.get("method").map(method) {
            None => Method::Post,
            Some(Some(method)) => method,
            Some(None) => {
                return Err(m.error(
                    "method",
                    r#"expected "GET", "POST", "PUT", "PATCH" or "DELETE""#,
                ))
            }
        },
        path: m.string("path")?,
        headers: m.strings("headers")?,
        body: m.optional("body").map(sorted),
    })
}

/// `GET`, `POST`, … exactly (upper case), as the wire has them.
fn method(v: &Value) -> Option<Method> {
    let name = v.as_str()?;
    Method::parse(name).filter(|m| m.as_str() == name)
}

fn phone_form(v: &Value) -> Option<PhoneForm> {
    Some(match v.as_str()? {
        "e164" => PhoneForm::E164,
        "gizo" => PhoneForm::Gizo,
        "nationalDigits" => PhoneForm::NationalDigits,
        "international" => PhoneForm::International,
        _ => return None,
    })
}

fn error_codes(v: &Value, path: &str) -> Result<Vec<(String, ErrorKind)>, String> {
    let Some(map) = v.as_object() else {
        return Err(format!("{path}: expected an object"));
    };
    let mut out = Vec::new();
    for (key, kind) in map.iter() {
        let kind = match kind.as_str() {
            Some("invalid_code") => ErrorKind::InvalidCode,
            Some("code_expired") => ErrorKind::CodeExpired,
            Some("too_many_attempts") => ErrorKind::TooManyAttempts,
            Some("rate_limited") => ErrorKind::RateLimited,
            Some("invalid_phone") => ErrorKind::InvalidPhone,
            Some("unauthorized") => ErrorKind::Unauthorized,
            _ => {
                return Err(format!(
                    "{path}.{key}: expected \"invalid_code\", \"code_expired\", \
                     \"too_many_attempts\", \"rate_limited\", \"invalid_phone\" or \
                     \"unauthorized\""
                ))
            }
        };
        // Sorted by key; of a repeated key the last one counts (as the map it was).
        insert_sorted(&mut out, key.clone(), kind);
    }
    Ok(out)
}

/// A body template as it is kept: object members sorted by name, a repeated name
/// keeping its last value (bodies go out with sorted keys).
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut members = Vec::with_capacity(map.len());
            for (k, v) in map.iter() {
                insert_sorted(&mut members, k.clone(), sorted(v));
            }
            Value::Object(members.into_iter().collect::<Map>())
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// The members of one object of the description, each known and given once.
struct Members<'a> {
    map: &'a Map,
    /// Where the object sits (`""` at the top, `"verify"` for an endpoint).
    at: &'a str,
}

impl<'a> Members<'a> {
    fn new(v: &'a Value, at: &'a str, known: &[&str]) -> Result<Self, String> {
        let Some(map) = v.as_object() else {
            return Err(format!("{at}: expected an object"));
        };
        let m = Members { map, at };
        for (i, (key, _)) in map.iter().enumerate() {
            if !known.contains(&key.as_str()) {
                return Err(m.error(key, "unknown member"));
            }
            if map.iter().take(i).any(|(earlier, _)| earlier == key) {
                return Err(m.error(key, "given twice"));
            }
        }
        Ok(m)
    }

    /// The JS path of a member: `tokenPointer`, `verify.method`.
    fn path(&self, key: &str) -> String {
        if self.at.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.at)
        }
    }

    fn error(&self, key: &str, problem: &str) -> String {
        format!("{}: {problem}", self.path(key))
    }

    /// The member as given (`null` included).
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    /// An optional member: absent or `null` is `None`.
    fn optional(&self, key: &str) -> Option<&'a Value> {
        match self.get(key) {
            None | Some(Value::Null) => None,
            given => given,
        }
    }

    /// A member that must be there (`null` does not count).
    fn required(&self, key: &str) -> Result<&'a Value, String> {
        match self.optional(key) {
            Some(v) => Ok(v),
            None => Err(self.error(key, "expected an object")),
        }
    }

    /// A string member: `None` when absent, or when `null` and `optional`.
    fn text(&self, key: &str, optional: bool) -> Result<Option<String>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Null) if optional => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.error(key, "expected a string")),
        }
    }

    fn string(&self, key: &str) -> Result<String, String> {
        match self.text(key, false)? {
            Some(s) => Ok(s),
            None => Err(self.error(key, "expected a string")),
        }
    }

    fn optional_string(&self, key: &str) -> Result<Option<String>, String> {
        self.text(key, true)
    }

    fn optional_endpoint(&self, key: &str) -> Result<Option<Endpoint>, String> {
        match self.optional(key) {
            None => Ok(None),
            Some(v) => Ok(Some(endpoint(v, &self.path(key))?)),
        }
    }

    /// Headers: an object of strings, sorted by name (of a repeated name the last one
    /// counts), empty when absent (`null` is refused).
    fn strings(&self, key: &str) -> Result<Vec<(String, String)>, String> {
        let Some(v) = self.get(key) else {
            return Ok(Vec::new());
        };
        let path = self.path(key);
        let Some(map) = v.as_object() else {
            return Err(format!("{path}: expected an object of strings"));
        };
        let mut out = Vec::new();
        for (name, value) in map.iter() {
            let Some(value) = value.as_str() else {
                return Err(format!("{path}.{name}: expected a string"));
            };
            insert_sorted(&mut out, name.clone(), value.to_owned());
        }
        Ok(out)
    }
}

/// The value at an RFC 6901 JSON pointer (`""` is the whole document; `~1` is `/`, `~0`
/// is `~`; array indices are decimal without sign or leading zeros).
pub(super) fn pointer<'v>(v: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(v);
    }
    let mut target = v;
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = unescape(token);
        target = match target {
            Value::Object(map) => map.get(&token)?,
            Value::Array(items) => items.get(index(&token)?)?,
            _ => return None,
        };
    }
    Some(target)
}

/// A reference token with `~1` read as `/` and `~0` as `~` (any other `~` stays).
fn unescape(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            let rest = chars.as_str();
            if let Some(after) = rest.strip_prefix('1') {
                out.push('/');
                chars = after.chars();
                continue;
            }
            if let Some(after) = rest.strip_prefix('0') {
                chars = after.chars();
            }
        }
        out.push(c);
    }
    out
}

fn index(token: &str) -> Option<usize> {
    let canonical =
        token.bytes().all(|b| b.is_ascii_digit()) && !(token.starts_with('0') && token.len() > 1);
    if canonical {
        token.parse().ok()
    } else {
        None
    }
}
