//! Reading a [`Description`] from JSON, and JSON pointers into responses.
//!
//! The accepted documents are the ones the former `serde` derive accepted
//! (`camelCase`, unknown and repeated members refused, `null` meaning "absent" only for
//! optional members), except serde's positional forms (an endpoint written as an array,
//! an enum value written as `{"GET": null}`), which were never part of the format.

use std::collections::BTreeMap;

use super::{Description, Endpoint, ErrorKind, PhoneForm};
use crate::http::Method;
use crate::json::{Map, Value};

const DESCRIPTION_MEMBERS: [&str; 19] = [
    "provider",
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
    Ok(Description {
        name: m.string("name")?,
        base_url: m.string("baseUrl")?,
        phone_format: match m.get("phoneFormat") {
            None => PhoneForm::default(),
            Some(f) => phone_form(f).ok_or_else(|| {
                m.error(
                    "phoneFormat",
                    r#"expected "e164", "gizo", "nationalDigits" or "international""#,
                )
            })?,
        },
        headers: m.strings("headers")?,
        request_code: endpoint(m.required("requestCode")?, &m.path("requestCode"))?,
        verify: endpoint(m.required("verify")?, &m.path("verify"))?,
        sign_up: m.optional_endpoint("signUp")?,
        refresh: m.optional_endpoint("refresh")?,
        sign_out: m.optional_endpoint("signOut")?,
        handle_pointer: m.optional_string("handlePointer")?,
        registered_pointer: m.optional_string("registeredPointer")?,
        code_ttl_pointer: m.optional_string("codeTtlPointer")?,
        token_pointer: m.string("tokenPointer")?,
        user_pointer: m.optional_string("userPointer")?,
        success_pointer: m.optional_string("successPointer")?,
        error_pointer: m.optional_string("errorPointer")?,
        message_pointer: m.optional_string("messagePointer")?,
        error_codes: match m.get("errorCodes") {
            None => BTreeMap::new(),
            Some(codes) => error_codes(codes, &m.path("errorCodes"))?,
        },
    })
}

fn endpoint(v: &Value, path: &str) -> Result<Endpoint, String> {
    let m = Members::new(v, path, &ENDPOINT_MEMBERS)?;
    Ok(Endpoint {
        method: match m.get("method") {
            None => Method::Post,
            Some(name) => method(name).ok_or_else(|| {
                m.error(
                    "method",
                    r#"expected "GET", "POST", "PUT", "PATCH" or "DELETE""#,
                )
            })?,
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

fn error_codes(v: &Value, path: &str) -> Result<BTreeMap<String, ErrorKind>, String> {
    let map = v
        .as_object()
        .ok_or_else(|| format!("{path}: expected an object"))?;
    let mut out = BTreeMap::new();
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
        // A repeated key: the last one counts (as for any JSON object read as a map).
        out.insert(key.clone(), kind);
    }
    Ok(out)
}

/// A body template as it is kept: object members sorted by name, a repeated name
/// keeping its last value (bodies go out with sorted keys).
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(sorted_members(
            map.iter().map(|(k, v)| (k.clone(), sorted(v))),
        )),
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// An object with its members sorted by name; of repeated names the last one counts.
pub(super) fn sorted_members(members: impl Iterator<Item = (String, Value)>) -> Map {
    members
        .collect::<BTreeMap<String, Value>>()
        .into_iter()
        .collect()
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
        self.get(key).filter(|v| !v.is_null())
    }

    /// A member that must be there (`null` does not count).
    fn required(&self, key: &str) -> Result<&'a Value, String> {
        self.optional(key)
            .ok_or_else(|| self.error(key, "expected an object"))
    }

    fn string(&self, key: &str) -> Result<String, String> {
        self.get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| self.error(key, "expected a string"))
    }

    fn optional_string(&self, key: &str) -> Result<Option<String>, String> {
        self.optional(key)
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| self.error(key, "expected a string"))
            })
            .transpose()
    }

    fn optional_endpoint(&self, key: &str) -> Result<Option<Endpoint>, String> {
        self.optional(key)
            .map(|v| endpoint(v, &self.path(key)))
            .transpose()
    }

    /// Headers: an object of strings, empty when absent (`null` is refused).
    fn strings(&self, key: &str) -> Result<BTreeMap<String, String>, String> {
        let Some(v) = self.get(key) else {
            return Ok(BTreeMap::new());
        };
        let path = self.path(key);
        let map = v
            .as_object()
            .ok_or_else(|| format!("{path}: expected an object of strings"))?;
        let mut out = BTreeMap::new();
        for (name, value) in map.iter() {
            let value = value
                .as_str()
                .ok_or_else(|| format!("{path}.{name}: expected a string"))?;
            out.insert(name.clone(), value.to_owned());
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
    let rest = pointer.strip_prefix('/')?;
    rest.split('/').try_fold(v, |target, token| {
        let token = token.replace("~1", "/").replace("~0", "~");
        match target {
            Value::Object(map) => map.get(&token),
            Value::Array(items) => index(&token).and_then(|i| items.get(i)),
            _ => None,
        }
    })
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
